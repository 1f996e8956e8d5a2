"""The built-in so-nganh and so-nganh-nam v1 serve departments only, as their YAML now says:
districts have the huyen template. A database that loaded them earlier lists districts too,
which would let the annual department form win a district's year; this narrows the versions
as loaded from the built-in files, and leaves any version a province changed or loaded itself."""

from django.db import migrations

CODES = ("so-nganh", "so-nganh-nam")


def narrow(apps, schema_editor):
    ReportTemplate = apps.get_model("catalog", "ReportTemplate")
    for template in ReportTemplate.objects.filter(code__in=CODES, version=1):
        if template.unit_kinds == ["department", "district"]:
            template.unit_kinds = ["department"]
            template.save(update_fields=["unit_kinds"])


def widen(apps, schema_editor):
    ReportTemplate = apps.get_model("catalog", "ReportTemplate")
    for template in ReportTemplate.objects.filter(code__in=CODES, version=1):
        if template.unit_kinds == ["department"]:
            template.unit_kinds = ["department", "district"]
            template.save(update_fields=["unit_kinds"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_indicator_cumulative")]

    operations = [migrations.RunPython(narrow, widen)]
