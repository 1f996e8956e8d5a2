from django.apps import AppConfig


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cchc.records"
    verbose_name = "Sổ theo dõi công tác CCHC"

    def ready(self) -> None:
        from cchc.periods.services import calendar_changed
        from cchc.records.services import recompute_after_calendar_change

        # Task and feedback due dates are stored; a calendar change moves them in the
        # change's own transaction.
        calendar_changed.connect(recompute_after_calendar_change, dispatch_uid="records")
