"""Register rows change through the register pages and imports (audited); shown here only."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.periods.models import CalendarOverride
from cchc.records import calendar as services
from cchc.records.registry import REGISTERS

for spec in REGISTERS.values():
    if spec.model._meta.app_label != "records":
        continue  # e.g. the TTHC catalogue: its own app registers it
    admin.site.register(
        spec.model,
        ReadOnlyAdmin,
        list_display=["unit", *spec.fields[:4]],
        list_filter=["unit"],
    )


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Every change goes through cchc.records.calendar: permission-checked, audited
    and recomputes the stored due dates in the same transaction."""

    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"

    def _may_change(self, request) -> bool:
        return services.may_change_calendar(request.user)

    def has_add_permission(self, request) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_change(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_change(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff

    def save_model(self, request, obj, form, change) -> None:
        previous = form.initial.get("date") if change else None
        saved = services.set_override(
            request.user, obj.date, obj.is_working_day, obj.note, previous_date=previous
        )
        obj.pk = saved.pk  # the admin's redirect and message name the stored row

    def delete_model(self, request, obj) -> None:
        services.remove_override(request.user, obj.date)

    def delete_queryset(self, request, queryset) -> None:
        services.remove_overrides(request.user, list(queryset.values_list("date", flat=True)))
