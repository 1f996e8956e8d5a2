from django.contrib import admin

from cchc.registers.models import ColumnMapping, Dossier, Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "field", "online_level", "processing_time", "time_unit"]
    list_filter = ["online_level", "time_unit", "unit"]
    search_fields = ["code", "name", "field"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "unit", "procedure_code", "channel", "received_at", "due_on", "verdict"]
    list_filter = ["verdict", "channel", "unit"]
    search_fields = ["code", "procedure_code"]
    date_hierarchy = "received_at"
    list_select_related = ["unit"]
    # Dates and verdicts come from the import and the calendar; the apology letter is entered
    # on the dossier's page, where it is checked and audited.
    readonly_fields = [field.name for field in Dossier._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "updated_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["name"]
