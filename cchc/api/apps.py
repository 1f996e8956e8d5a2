from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cchc.api"
    verbose_name = "Giao diện lập trình (API)"

    def ready(self) -> None:
        # The OpenAPI extension describing the token scheme registers on import.
        from cchc.api import authentication  # noqa: F401
