from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "cchc.registers"
    verbose_name = "Sổ theo dõi"

    def ready(self) -> None:
        from cchc.periods.services import calendar_changed
        from cchc.registers.services import reclassify_after_calendar_change

        # Due dates and verdicts of dossiers are stored; a calendar change recomputes them
        # in the change's own transaction.
        calendar_changed.connect(reclassify_after_calendar_change, dispatch_uid="registers")
