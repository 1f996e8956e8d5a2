from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "cchc.registers"
    verbose_name = "Sổ theo dõi"

    def ready(self) -> None:
        # Registers this app's `source:` queries in cchc.base.sources.
        from cchc.registers import sources  # noqa: F401
