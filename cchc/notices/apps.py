from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "cchc.notices"
    verbose_name = "Thông báo, nhắc nhở"

    def ready(self) -> None:
        # The reports app announces its workflow steps through signals so that it need not
        # know this app exists (it sits below it); the receivers turn them into notices.
        from cchc.notices import receivers

        receivers.connect()
