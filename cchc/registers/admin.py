"""Registers change through their pages and imports (checked and audited); here they are shown."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.registers.models import ColumnMapping, Dossier, Procedure


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit", "field", "online_level", "processing_time", "time_unit"]
    list_filter = ["online_level", "online_payment", "time_unit", "unit"]
    search_fields = ["code", "name", "field"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "unit", "procedure_code", "channel", "received_at", "due_on", "verdict"]
    list_filter = ["verdict", "channel", "unit"]
    search_fields = ["code", "procedure_code"]
    date_hierarchy = "received_at"
    list_select_related = ["unit"]
    # Dates and verdicts come from the import and the calendar; the apology letter is entered
    # on the dossier's page, where it is checked and audited.


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "header_row", "updated_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["name"]
