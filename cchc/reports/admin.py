"""Reports in the admin are for looking only: values, evidence, narrative and the workflow change
through the report page's services, which check who may and write the audit trail."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.reports.models import DeadlineExtension, Evidence, NarrativeText, Report, Value


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "period"]
    search_fields = ["unit__code", "unit__name", "number"]


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    list_display = ["report", "indicator", "source"]
    list_select_related = ["report__unit", "report__period", "indicator"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["report", "indicator", "doc_type", "number_symbol"]
    list_select_related = ["report__unit", "report__period", "indicator"]


@admin.register(NarrativeText)
class NarrativeTextAdmin(ReadOnlyAdmin):
    list_display = ["report", "section"]
    list_select_related = ["report__unit", "report__period", "section"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    """Granted, changed and withdrawn on the consolidator's page (cchc.reports.services)."""

    list_display = ["unit", "period", "deadline", "reason", "granted_by", "granted_at"]
    list_select_related = ["unit", "period", "granted_by"]
