from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "cchc.opendata"
    verbose_name = "Dữ liệu mở"
