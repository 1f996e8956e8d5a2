from django.apps import AppConfig


class ConsolidationConfig(AppConfig):
    name = "cchc.consolidation"
    verbose_name = "Tổng hợp"
