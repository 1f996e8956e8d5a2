from django.contrib import admin

from cchc.periods.models import Period

# CalendarOverride is registered by cchc.records.admin: its changes go through
# cchc.records.calendar, which this app may not import.


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """Periods are stored by the services that start reports; their deadlines are derived."""

    list_display = ["code", "start", "end"]
    search_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
