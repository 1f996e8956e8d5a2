from django.contrib import admin

from cchc.reports.models import Evidence, NarrativeText, Report, Value


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-mostly: report changes go through the report page so that they are audited."""

    list_display = ["unit", "period", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "period"]
    search_fields = ["unit__code", "unit__name", "number"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


for model in (Value, Evidence, NarrativeText):
    admin.site.register(model, admin.ModelAdmin)
