from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cchc.reports"
    verbose_name = "Báo cáo"
