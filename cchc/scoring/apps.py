from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "cchc.scoring"
    verbose_name = "Chấm điểm, xếp hạng"
