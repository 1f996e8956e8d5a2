"""Changes to the work registers: each one atomic and written to the audit trail."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import models, transaction

from cchc.audit.services import log_action
from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.records.forms import RecordForm
from cchc.records.imports import import_records
from cchc.records.models import DeadlineRecord
from cchc.records.registry import RegisterSpec
from cchc.registers.imports import ImportResult


def _shown(value) -> str | int | bool | None:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return value if value is None or isinstance(value, int | bool) else str(value)


def _snapshot(spec: RegisterSpec, record: models.Model) -> dict:
    return {name: _shown(getattr(record, name)) for name in spec.fields}


@transaction.atomic
def save_record(user, spec: RegisterSpec, unit: Unit, form: RecordForm) -> models.Model:
    """Create or update a record from a valid form."""
    creating = form.instance.pk is None
    before = (
        {} if creating else _snapshot(spec, type(form.instance).objects.get(pk=form.instance.pk))
    )
    record = form.save(commit=False)
    record.unit = unit
    if isinstance(record, DeadlineRecord):
        record.due_on = record.compute_due(working_calendar())
    record.save()
    after = _snapshot(spec, record)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    verb = "Thêm" if creating else "Sửa"
    log_action(
        user,
        "records.create" if creating else "records.update",
        f"{verb} {spec.verbose_name} «{record}» trong sổ của {unit.name}",
        data={"register": spec.slug, "unit": unit.code, "id": record.pk, "changes": changes},
    )
    return record


@transaction.atomic
def delete_record(user, spec: RegisterSpec, unit: Unit, record: models.Model) -> None:
    snapshot, pk, text = _snapshot(spec, record), record.pk, str(record)
    record.delete()
    log_action(
        user,
        "records.delete",
        f"Xóa {spec.verbose_name} «{text}» khỏi sổ của {unit.name}",
        data={"register": spec.slug, "unit": unit.code, "id": pk, "before": snapshot},
    )


@transaction.atomic
def import_register(
    user,
    spec: RegisterSpec,
    unit: Unit,
    source: Path | bytes,
    filename: str,
    *,
    good_rows_only: bool = False,
) -> ImportResult:
    result = import_records(spec, source, filename, unit, good_rows_only=good_rows_only)
    log_action(
        user,
        "records.import",
        f"Nhập tệp {filename} vào {spec.model._meta.verbose_name_plural} của {unit.name}: "
        f"{result.summary}",
        data={
            "register": spec.slug,
            "unit": unit.code,
            "file": filename,
            "created": result.created,
            "updated": result.updated,
            "skipped": [str(error) for error in result.skipped],
        },
    )
    return result
