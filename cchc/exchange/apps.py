from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "cchc.exchange"
    verbose_name = "Sao lưu và trao đổi dữ liệu"
