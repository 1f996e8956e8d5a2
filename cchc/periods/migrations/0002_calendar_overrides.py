"""Load the built-in yearly swaps (working Saturdays, extra days off)."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "calendar_overrides.yaml"


def load(apps, schema_editor):
    CalendarOverride = apps.get_model("periods", "CalendarOverride")
    for row in yaml.safe_load(DATA.read_text(encoding="utf-8")):
        CalendarOverride.objects.get_or_create(
            date=row["date"], defaults={"is_working_day": row["working"], "note": row["note"]}
        )


class Migration(migrations.Migration):
    dependencies = [("periods", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
