"""Schemes in the admin: the wording of a criterion (title, guidance, evidence, source) and
its evidence requirement, and a scheme's bands and active flag, are edited here, every change
audited; the tree, points, thresholds and rules change by loading the next version from YAML
(`cchc scheme load`), so that scores already given keep the rules they were given by."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.audit.services import log_action
from cchc.scoring.models import Band, Criterion, EnteredFigure, Scheme


def _changes(form) -> dict[str, list[str]]:
    return {
        name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))]
        for name in form.changed_data
    }


class AuditedEdits(admin.ModelAdmin):
    """Edits here are audited like the services' (which fields, before → after); nothing is
    added or deleted: schemes are loaded from YAML."""

    audit_action = ""

    def described(self, obj) -> str:
        raise NotImplementedError

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            log_action(
                request.user,
                self.audit_action,
                f"Sửa {self.described(obj)}: {', '.join(form.changed_data)}",
                data={"changes": _changes(form)},
                obj=obj,
            )


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(AuditedEdits):
    list_display = ["code", "version", "name", "is_active", "rescale", "loaded_at"]
    list_filter = ["is_active", "code"]
    readonly_fields = [
        "code",
        "version",
        "unit_kinds",
        "period_kinds",
        "windows",
        "rescale",
        "ties",
    ]
    fields = ["code", "version", "name", "description", "is_active", *readonly_fields[2:]]
    inlines = [BandInline]

    audit_action = "scheme.edit"

    def described(self, obj) -> str:
        return f"bộ tiêu chí {obj.code} phiên bản {obj.version}"

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        obj = form.instance
        changed = [f for f in formset.forms if f.has_changed()] + list(formset.deleted_objects)
        if changed:
            bands = ", ".join(f"{b.label} từ {b.min_points}" for b in obj.bands.all())
            log_action(
                request.user,
                "scheme.bands",
                f"Sửa mức xếp loại của bộ tiêu chí {obj.code} phiên bản {obj.version}: {bands}",
                data={"bands": [[b.label, str(b.min_points)] for b in obj.bands.all()]},
                obj=obj,
            )


@admin.register(Criterion)
class CriterionAdmin(AuditedEdits):
    list_display = [
        "code",
        "title",
        "max_points",
        "method",
        "threshold",
        "evidence_required",
        "scheme",
    ]
    list_filter = ["scheme", "method", "level", "evidence_required"]
    search_fields = ["code", "title"]
    ordering = ["scheme", "order"]
    readonly_fields = [
        "scheme",
        "parent",
        "code",
        "level",
        "max_points",
        "method",
        "rule",
        "threshold",
    ]
    fields = [*readonly_fields, "title", "guidance", "evidence", "evidence_required", "source"]

    audit_action = "criterion.edit"

    def described(self, obj) -> str:
        return f"tiêu chí {obj.code} ({obj.scheme.code} phiên bản {obj.scheme.version})"


@admin.register(EnteredFigure)
class EnteredFigureAdmin(ReadOnlyAdmin):
    list_display = [
        "scheme_code",
        "criterion_code",
        "unit",
        "period",
        "numerator",
        "denominator",
        "ratio",
        "source",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["scheme_code", "criterion_code", "period"]
    search_fields = ["unit__code", "unit__name", "source"]
