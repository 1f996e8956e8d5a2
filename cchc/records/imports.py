"""Importing a register from CSV or XLSX with the Vietnamese headers of its spec.

Types are parsed column by column; the model's own validation (`full_clean()`: field rules
such as URLs and lengths, `clean()`, check constraints) then checks each row, so a file is
held to the same rules as the form. Every bad row is reported "Dòng N, cột «…»: reason", N
being the row as the user sees it in the file (title rows above the header and blank rows
count but are skipped). A row the database still refuses is reported the same way. By
default nothing is written when any row is bad; or the good rows are written and the bad
ones listed. Rows whose natural key is already in the register are updated.

Dates are read as the dossier import reads them (cchc.base.dates: dd/mm/yyyy or dd/mm/yy,
with or without a time, ISO, Excel serial numbers). The dates of a row are checked against
each other (RegisterSpec.date_orders): an impossible order is a row error, a doubtful one a
warning naming the rows, as is a date that should have happened (Column.past) but falls
after the day of the import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import numpy
import pandas
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from cchc.base import tables as dossier_imports
from cchc.base.dates import not_a_date, parse_dates
from cchc.base.rowgroups import grouped
from cchc.base.tables import ImportRejected, ImportResult, RowError, file_warnings
from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.periods.workdays import EPOCH, LAST_DAY
from cchc.records.models import DeadlineRecord
from cchc.records.registry import BOOL, CHOICE, DATE, INT, Column, RegisterSpec

YES_NO = {"có": True, "x": True, "1": True, "không": False, "0": False, "": False}
MAX_INT = 2_147_483_647  # the largest integer column PostgreSQL and SQLite both store


def read_rows(
    source: Path | bytes, filename: str, expected: Iterable[str] = ()
) -> pandas.DataFrame:
    """read_table's table (title rows above the header and blank rows dropped after
    counting), indexed by the row number the user sees in the file."""
    frame = dossier_imports.read_table(source, filename, expected)
    frame.index = frame.index + 2
    return frame


def _dates(raw: pandas.Series) -> pandas.Series:
    """Days (datetime64 at midnight, NaT for a blank or a value that is no date)."""
    parsed, _ = parse_dates(raw, with_time=False)
    return pandas.Series(parsed, index=raw.index).dt.normalize()


def _parse_column(
    spec: RegisterSpec, column: Column, raw: pandas.Series, errors: list[RowError]
) -> list:
    """Python values of one column (None for a blank), appending the errors it finds."""

    def fail(mask: pandas.Series, reason) -> None:
        for index in mask[mask].index:
            text = reason(raw[index]) if callable(reason) else reason
            errors.append(RowError(int(index), column.header, text))

    blank = raw == ""
    if column.required:
        fail(blank, f"thiếu {column.header.lower()}")
    if column.kind == DATE:
        parsed = _dates(raw)
        fail(parsed.isna() & ~blank, not_a_date)
        outside = parsed.notna() & (
            (parsed < pandas.Timestamp(EPOCH)) | (parsed > pandas.Timestamp(LAST_DAY))
        )
        fail(outside, "ngày ngoài khoảng 2000–2050")
        return [None if pandas.isna(v) else v.date() for v in parsed]
    if column.kind == INT:
        number = pandas.to_numeric(raw.where(~blank), errors="coerce")
        fail(
            ~blank & (number.isna() | (number < 0) | (number % 1 != 0)),
            lambda v: f"'{v}' không phải số nguyên không âm",
        )
        fail(number > MAX_INT, lambda v: f"'{v}' quá lớn")
        return [None if pandas.isna(v) or v > MAX_INT else int(v) for v in number]
    if column.kind == CHOICE:
        accepted = spec.choices(column)
        value = raw.str.lower().map(accepted)
        choices = getattr(spec.model._meta.get_field(column.field), "choices", None) or []
        labels = ", ".join(str(label) for _, label in choices)
        fail(value.isna() & ~blank, lambda v: f"'{v}' không hợp lệ; dùng một trong: {labels}")
        return [None if pandas.isna(v) else v for v in value]
    if column.kind == BOOL:
        value = raw.str.lower().map(YES_NO)
        fail(value.isna(), lambda v: f"'{v}' phải là Có hoặc Không")
        return [bool(v) if not pandas.isna(v) else False for v in value]
    limit = getattr(spec.model._meta.get_field(column.field), "max_length", None)
    if limit:
        fail(raw.str.len() > limit, f"dài quá {limit} ký tự")
    return list(raw)


def _date_checks(
    spec: RegisterSpec, values: dict[str, list], lines: list[int], errors: list[RowError]
) -> list[RowError]:
    """Appends the rows whose dates come in an impossible order to `errors`; returns the
    doubtful ones (a doubtful order, a past date after today) for the warnings."""
    headers = {c.field: c.header for c in spec.columns}
    days = {
        c.field: numpy.array(values[c.field], dtype="datetime64[D]")
        for c in spec.columns
        if c.kind == DATE
    }
    rows = numpy.array(lines, dtype=numpy.int64)
    doubtful: list[RowError] = []
    for order in spec.date_orders:
        # NaT compares false: a blank date is never out of order.
        wrong = days[order.later] < days[order.earlier]
        found = errors if order.error else doubtful
        found.extend(RowError(int(row), headers[order.later], order.message) for row in rows[wrong])
    today = numpy.datetime64(timezone.localdate(), "D")
    for column in spec.columns:
        if column.past:
            later = days[column.field] > today
            doubtful.extend(
                RowError(
                    int(row),
                    column.header,
                    f"{column.header.lower()} sau ngày nhập ({today.item():%d/%m/%Y}); kiểm tra "
                    "lại năm",
                )
                for row in rows[later]
            )
    return doubtful


def parse_records(
    spec: RegisterSpec, frame: pandas.DataFrame, filename: str, unit: Unit
) -> tuple[dict[int, models.Model], list[RowError]]:
    """Unsaved model instances of the good rows, by row number, and the errors found."""
    records, errors, _ = _parse_records(spec, frame, filename, unit)
    return records, errors


def _parse_records(
    spec: RegisterSpec, frame: pandas.DataFrame, filename: str, unit: Unit
) -> tuple[dict[int, models.Model], list[RowError], list[RowError]]:
    """parse_records, and the doubtful rows (of the good ones) the import warns of."""
    missing = [c.header for c in spec.columns if c.required and c.header not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(spec.headers)} (tải tệp mẫu để xem)."
        )
    errors: list[RowError] = []
    values = {}
    for column in spec.columns:
        if column.header in frame.columns:
            raw = frame[column.header]
        else:
            raw = pandas.Series("", index=frame.index, dtype=object)
        values[column.field] = _parse_column(spec, column, raw, errors)
    doubtful = _date_checks(spec, values, [int(index) for index in frame.index], errors)
    bad = {error.row for error in errors}
    headers = {c.field: c.header for c in spec.columns}
    calendar = working_calendar()
    records: dict[int, models.Model] = {}
    seen: dict[tuple, int] = {}
    for position, line in enumerate(int(index) for index in frame.index):
        if line in bad:
            continue
        row = {name: column[position] for name, column in values.items()}
        # A blank cell leaves the field at its default (0 issues, no completion date).
        record = spec.model(unit=unit, **{k: v for k, v in row.items() if v is not None})
        if isinstance(record, DeadlineRecord):
            record.due_on = record.compute_due(calendar)
        try:
            # The unit is set by cchc, and a key already in the register is an update, not
            # a duplicate: so no unique checks against the database here.
            record.full_clean(exclude=["unit"], validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = headers.get(name) or headers[spec.key[0]]
                errors.extend(RowError(line, header, m) for m in messages)
            continue
        key = tuple(getattr(record, name) for name in spec.key)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    headers[spec.key[0]],
                    f"trùng với dòng {seen[key]} ({', '.join(headers[k] for k in spec.key)})",
                )
            )
            continue
        seen[key] = line
        records[line] = record
    doubtful = [error for error in doubtful if error.row in records]
    return records, sorted(errors, key=lambda error: error.row), doubtful


def import_records(
    spec: RegisterSpec,
    source: Path | bytes,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
) -> ImportResult:
    """Import a register file; see the module docstring. Atomic. A register with an importer
    of its own (the TTHC catalogue) is imported by it."""
    if spec.importer is not None:
        return spec.importer(source, filename, unit, good_rows_only=good_rows_only)
    return import_record_frame(
        spec,
        read_rows(source, filename, spec.headers),
        filename,
        unit,
        good_rows_only=good_rows_only,
    )


def import_record_frame(
    spec: RegisterSpec,
    frame: pandas.DataFrame,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
) -> ImportResult:
    """import_records of a table read_rows read (or the mapping page's, renamed to the
    spec's headers and re-indexed by row number)."""
    records, errors, doubtful = _parse_records(spec, frame, filename, unit)
    if errors and not good_rows_only:
        _reject(filename, errors, file_warnings(frame))
    result = ImportResult(skipped=errors, warnings=file_warnings(frame) + grouped(doubtful))
    if not records:
        return result
    first = spec.key[0]
    existing = {
        tuple(row[1:]): row[0]
        for row in spec.model._default_manager.filter(
            unit=unit, **{f"{first}__in": {getattr(r, first) for r in records.values()}}
        ).values_list("pk", *spec.key)
    }
    for record in records.values():
        record.pk = existing.get(tuple(getattr(record, name) for name in spec.key))
    updates = {line for line, record in records.items() if record.pk is not None}
    with transaction.atomic():
        refused = _write(spec, records)
        if refused and not good_rows_only:
            _reject(filename, refused, result.warnings)  # the rows written are rolled back
    done = records.keys() - {error.row for error in refused}
    result.skipped = sorted(errors + refused, key=lambda error: error.row)
    result.created, result.updated = len(done - updates), len(done & updates)
    return result


def _reject(filename: str, errors: list[RowError], warnings: list[str]) -> None:
    """Refuse the file; what it would have been warned of (legacy font text converted) is
    said too, since the rows named may read differently from the file as typed."""
    rows = len({error.row for error in errors})
    raise ImportRejected(
        " ".join(
            [
                f"Tệp {filename} có {rows} dòng lỗi; chưa nhập dòng nào. Sửa các lỗi dưới đây "
                "rồi nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
                *warnings,
            ]
        ),
        errors,
    )


def _write(spec: RegisterSpec, records: dict[int, models.Model]) -> list[RowError]:
    """Insert the new rows and update the known ones in bulk. Should the database refuse the
    batch (a rule only it knows, a concurrent import), write row by row to name the rows it
    refuses; returns those."""
    new = [record for record in records.values() if record.pk is None]
    known = [record for record in records.values() if record.pk is not None]
    fields = spec.fields + (["due_on"] if spec.has_status else [])
    try:
        with transaction.atomic():
            spec.model._default_manager.bulk_create(new)
            spec.model._default_manager.bulk_update(known, fields, batch_size=1000)
        return []
    except DatabaseError:
        for record in new:
            record.pk = None  # bulk_create may have numbered them before the rollback
    refused = []
    column = next(c.header for c in spec.columns if c.field == spec.key[0])
    for line, record in records.items():
        try:
            with transaction.atomic():
                record.save()
        except DatabaseError as exc:
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            refused.append(RowError(line, column, f"cơ sở dữ liệu không nhận dòng này ({reason})"))
    return refused


def sample_csv(spec: RegisterSpec) -> bytes:
    """The import template: the headers and example rows, UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(spec.headers)
    writer.writerows(spec.sample)
    return out.getvalue().encode("utf-8-sig")
