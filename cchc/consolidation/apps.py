from django.apps import AppConfig


class ConsolidationConfig(AppConfig):
    name = "cchc.consolidation"
    verbose_name = "Tổng hợp"

    def ready(self) -> None:
        # The `units.*` and `reports.*` sources of the province's own report, and what its
        # drafts may say about the units below it, and its units' sheet.
        from cchc.consolidation import drafting, sources, values_xlsx  # noqa: F401
