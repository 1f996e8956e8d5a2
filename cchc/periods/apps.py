from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "cchc.periods"
    verbose_name = "Kỳ báo cáo"
