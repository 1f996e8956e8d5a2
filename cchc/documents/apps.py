from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cchc.documents"
    verbose_name = "Văn bản báo cáo"
