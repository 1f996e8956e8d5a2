from django.apps import AppConfig


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cchc.records"
    verbose_name = "Sổ theo dõi công tác CCHC"

    def ready(self) -> None:
        # Registers this app's `source:` queries in cchc.base.sources.
        from cchc.records import sources  # noqa: F401

        # Puts the work registers on the mapping page of cchc.registers.
        from cchc.records.mapping import add_register_kinds

        add_register_kinds()
