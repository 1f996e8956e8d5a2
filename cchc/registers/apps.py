from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "cchc.registers"
    verbose_name = "Sổ theo dõi"
