from django.contrib import admin

from cchc.periods.models import CalendarOverride, Period


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "start", "end", "deadline_working_days", "deadline"]
    search_fields = ["code"]
