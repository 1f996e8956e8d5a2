from django.contrib import admin

from cchc.catalog.models import Indicator, OutlineSection, ReportTemplate, Rule, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0


class OutlineInline(admin.TabularInline):
    model = OutlineSection
    extra = 0
    fields = ["order", "number", "title", "level", "hint"]


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "is_active", "deadline_working_days"]
    list_filter = ["is_active"]
    inlines = [SectionInline, RuleInline, OutlineInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["key", "stt", "label", "unit", "value_type", "required", "formula", "template"]
    list_filter = ["template", "section__code", "value_type", "required"]
    search_fields = ["key", "label"]
    ordering = ["template", "order"]
