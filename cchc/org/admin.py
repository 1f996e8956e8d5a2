"""Units and roles in the admin; role changes go through org.services (checked, audited)."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from cchc.audit.services import log_action
from cchc.org import services
from cchc.org.models import RoleAssignment, Unit


def _save_assignment(request, obj: RoleAssignment, change: bool) -> None:
    if change and obj.pk:
        saved = services.change_role(request.user, obj, obj.user, obj.unit, obj.role)
    else:
        saved = services.assign_role(request.user, obj.user, obj.unit, obj.role)
    obj.pk = saved.pk


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "must_report",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = ["kind", "must_report"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [RoleInline]

    def save_model(self, request, obj, form, change):
        before = model_to_dict(Unit.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        log_action(
            request.user,
            "unit.change" if change else "unit.create",
            f"{'Sửa' if change else 'Thêm'} đơn vị {obj.code} — {obj.name} (trang quản trị)",
            data={"changes": {k: [str(a), str(b)] for k, (a, b) in changes.items()}},
            obj=obj,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            log_action(
                request.user,
                "unit.delete",
                f"Xóa đơn vị {obj.code} — {obj.name} (trang quản trị)",
                data={"before": {k: str(v) for k, v in model_to_dict(obj).items()}},
                obj=obj,
            )
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for unit in queryset:
                self.delete_model(request, unit)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            services.revoke_role(request.user, assignment)
        for assignment in instances:
            _save_assignment(request, assignment, assignment.pk is not None)
        return None


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def save_model(self, request, obj, form, change):
        _save_assignment(request, obj, change)

    def delete_model(self, request, obj):
        services.revoke_role(request.user, obj)

    def delete_queryset(self, request, queryset):
        # One transaction: a refused assignment leaves the others in place too.
        with transaction.atomic():
            for assignment in queryset.select_related("user", "unit"):
                services.revoke_role(request.user, assignment)
