"""Changes to the work registers: each one atomic and written to the audit trail."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy
import pandas
from django.db import models, transaction

from cchc.audit.services import log_action
from cchc.base.tables import ImportResult
from cchc.org.models import Unit
from cchc.periods.models import workday_table, working_calendar
from cchc.periods.workdays import EPOCH, WorkdayTable, WorkingCalendar
from cchc.records.forms import RecordForm
from cchc.records.imports import import_record_frame, import_records
from cchc.records.models import DeadlineRecord
from cchc.records.registry import REGISTERS, RegisterSpec

RECOMPUTE_CHUNK = 10_000


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
        obj=record,
        unit=unit,
    )
    _changed(spec, unit)
    return record


def _changed(spec: RegisterSpec, unit: Unit) -> None:
    if spec.after_change is not None:
        spec.after_change(unit)


class RecordInUse(ValueError):
    """The record cannot be deleted: other records depend on it (the message says which)."""


@transaction.atomic
def delete_record(user, spec: RegisterSpec, unit: Unit, record: models.Model) -> None:
    blocked = spec.delete_blocked(record) if spec.delete_blocked else None
    if blocked:
        raise RecordInUse(blocked)
    snapshot, pk, text = _snapshot(spec, record), record.pk, str(record)
    # Logged before the delete so the entry still names the row (the repr outlives it).
    log_action(
        user,
        "records.delete",
        f"Xóa {spec.verbose_name} «{text}» khỏi sổ của {unit.name}",
        data={"register": spec.slug, "unit": unit.code, "id": pk, "before": snapshot},
        obj=record,
        unit=unit,
    )
    record.delete()
    _changed(spec, unit)


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
    if spec.importer is not None:  # it audits and recomputes itself
        return spec.importer(source, filename, unit, good_rows_only=good_rows_only, user=user)
    # One import into a unit's registers at a time: a second waits for the first to commit.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    result = import_records(spec, source, filename, unit, good_rows_only=good_rows_only)
    _log_import(user, spec, unit, filename, result)
    return result


@transaction.atomic
def import_register_frame(
    user,
    spec: RegisterSpec,
    unit: Unit,
    frame: pandas.DataFrame,
    filename: str,
    *,
    good_rows_only: bool = False,
    mapping: dict[str, str] | None = None,
    header_row: int | None = None,
    values: dict | None = None,
) -> ImportResult:
    """import_register of a file the mapping page read: `frame` as read_table gives it, with
    the spec's headers (the columns renamed by `mapping`, the values of coded columns by
    `values`); both are kept in the audit entry."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    frame = frame.copy()
    frame.index = frame.index + 2  # read_table's index is the row number less 2
    result = import_record_frame(spec, frame, filename, unit, good_rows_only=good_rows_only)
    _log_import(
        user,
        spec,
        unit,
        filename,
        result,
        {"mapping": mapping, "header_row": header_row, "values": values or {}},
    )
    return result


def _log_import(
    user,
    spec: RegisterSpec,
    unit: Unit,
    filename: str,
    result: ImportResult,
    how: dict | None = None,
) -> None:
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
            **(how or {}),
        },
        unit=unit,
    )
    _changed(spec, unit)


@transaction.atomic
def recompute_due_dates(user, units: list[Unit] | None = None) -> dict[str, tuple[int, int]]:
    """Recompute the stored due dates of tasks and feedback (of `units`, or of every unit)
    with the calendar and feedback deadline now in force: a due date is stored when a record
    is saved, so a later CalendarOverride does not move it by itself. Returns register slug →
    (records checked, due dates moved)."""
    table = workday_table()
    calendar = working_calendar()
    figures = {}
    for spec in REGISTERS.values():
        if not spec.has_status:
            continue
        model: type[DeadlineRecord] = spec.model  # type: ignore[assignment]
        rows = model.objects.all() if units is None else model.objects.filter(unit__in=units)
        checked = moved = 0
        last = 0
        while chunk := list(
            rows.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", model.DUE_FROM, "due_on")[:RECOMPUTE_CHUNK]
        ):
            last = chunk[-1][0]
            pks, starts, stored = zip(*chunk, strict=True)
            due = _due_dates(model, table, calendar, list(starts))
            changed = numpy.flatnonzero(due != numpy.array(stored, dtype="datetime64[D]"))
            model.objects.bulk_update(
                [_with_due(model(), pks[i], due[i].item()) for i in changed],
                ["due_on"],
                batch_size=1000,
            )
            checked, moved = checked + len(chunk), moved + len(changed)
        figures[spec.slug] = (checked, moved)
    summary = "; ".join(
        f"{REGISTERS[slug].model._meta.verbose_name_plural}: {moved}/{checked} hạn thay đổi"
        for slug, (checked, moved) in figures.items()
    )
    log_action(
        user,
        "records.recompute",
        f"Tính lại hạn theo lịch làm việc hiện hành ({summary})",
        data={
            "units": None if units is None else [unit.code for unit in units],
            "registers": {slug: {"checked": c, "moved": m} for slug, (c, m) in figures.items()},
        },
    )
    return figures


def _with_due(record: DeadlineRecord, pk: int, due_on: datetime.date) -> DeadlineRecord:
    """An unsaved stand-in of a stored row, for bulk_update of its due date."""
    record.pk, record.due_on = pk, due_on
    return record


def _due_dates(
    model: type[DeadlineRecord],
    table: WorkdayTable,
    calendar: WorkingCalendar,
    starts: list[datetime.date],
) -> numpy.ndarray:
    """model.compute_due for every start day, as datetime64[D], on the day table; the rare
    day the table does not cover (typed in a form, outside 2000–2050) on the calendar."""
    days = (numpy.array(starts, dtype="datetime64[D]") - numpy.datetime64(EPOCH, "D")).astype(
        numpy.int64
    )
    inside = (days >= 0) & (days < table.size)
    due = numpy.full(len(days), table.size, dtype=numpy.int64)
    due[inside] = model.due_days(table, days[inside])
    dates = numpy.datetime64(EPOCH, "D") + due.astype("timedelta64[D]")
    for i in numpy.flatnonzero(due >= table.size):
        record = model(**{model.DUE_FROM: starts[i]})
        dates[i] = numpy.datetime64(record.compute_due(calendar), "D")
    return dates
