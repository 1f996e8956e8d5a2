"""Templates are loaded (and audited) from YAML files with `cchc template`; a loaded version
is what reports were filled against, so the admin only shows it."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin, ReadOnlyInline
from cchc.catalog.models import Indicator, OutlineSection, ReportTemplate, Rule, Section


class SectionInline(ReadOnlyInline):
    model = Section


class RuleInline(ReadOnlyInline):
    model = Rule


class OutlineInline(ReadOnlyInline):
    model = OutlineSection
    fields = ["order", "number", "title", "level", "hint"]


@admin.register(ReportTemplate)
class ReportTemplateAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name", "is_active", "deadline_working_days"]
    list_filter = ["is_active"]
    inlines = [SectionInline, RuleInline, OutlineInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["key", "stt", "label", "unit", "value_type", "required", "formula", "template"]
    list_filter = ["template", "section__code", "value_type", "required"]
    search_fields = ["key", "label"]
    ordering = ["template", "order"]
