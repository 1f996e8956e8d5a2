"""Importing a register from CSV or XLSX with the Vietnamese headers of its spec.

Types are parsed column by column; the model's own rules (`clean()`) then check each row,
so a file is held to the same rules as the form. Every bad row is reported "Dòng N, cột «…»:
reason". By default nothing is written when any row is bad; or the good rows are written and
the bad ones listed. Rows whose natural key is already in the register are updated."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas
from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.periods.workdays import EPOCH, LAST_DAY
from cchc.records.models import DeadlineRecord
from cchc.records.registry import BOOL, CHOICE, DATE, INT, Column, RegisterSpec
from cchc.registers.imports import ImportRejected, ImportResult, RowError, read_table

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]
YES_NO = {"có": True, "x": True, "1": True, "không": False, "0": False, "": False}


def _dates(raw: pandas.Series) -> pandas.Series:
    parsed = pandas.Series(pandas.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = parsed.isna() & (raw != "")
        if not todo.any():
            break
        parsed[todo] = pandas.to_datetime(raw[todo], format=fmt, errors="coerce")
    return parsed


def _parse_column(
    spec: RegisterSpec, column: Column, raw: pandas.Series, errors: list[RowError]
) -> list:
    """Python values of one column (None for a blank), appending the errors it finds."""

    def fail(mask: pandas.Series, reason) -> None:
        for index in mask[mask].index:
            text = reason(raw[index]) if callable(reason) else reason
            errors.append(RowError(int(index) + 2, column.header, text))

    blank = raw == ""
    if column.required:
        fail(blank, f"thiếu {column.header.lower()}")
    if column.kind == DATE:
        parsed = _dates(raw)
        fail(parsed.isna() & ~blank, lambda v: f"'{v}' không phải ngày dd/mm/yyyy")
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
        return [None if pandas.isna(v) else int(v) for v in number]
    if column.kind == CHOICE:
        accepted = spec.choices(column)
        value = raw.str.lower().map(accepted)
        labels = ", ".join(
            str(label) for _, label in spec.model._meta.get_field(column.field).choices
        )
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


def parse_records(
    spec: RegisterSpec, frame: pandas.DataFrame, filename: str, unit: Unit
) -> tuple[list, list[RowError]]:
    """Unsaved model instances, one per row (None for a bad row), and the errors found."""
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
    bad = {error.row for error in errors}
    headers = {c.field: c.header for c in spec.columns}
    calendar = working_calendar()
    records: list = []
    seen: dict[tuple, int] = {}
    for index in range(len(frame)):
        line = index + 2
        if line in bad:
            records.append(None)
            continue
        row = {name: column[index] for name, column in values.items()}
        # A blank cell leaves the field at its default (0 issues, no completion date).
        record = spec.model(unit=unit, **{k: v for k, v in row.items() if v is not None})
        try:
            record.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.extend(RowError(line, headers.get(name, name), m) for m in messages)
            records.append(None)
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
            records.append(None)
            continue
        seen[key] = line
        if isinstance(record, DeadlineRecord):
            record.due_on = record.compute_due(calendar)
        records.append(record)
    return records, sorted(errors, key=lambda error: error.row)


def import_records(
    spec: RegisterSpec,
    source: Path | bytes,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
) -> ImportResult:
    """Import a register file; see the module docstring. Atomic."""
    frame = read_table(source, filename)
    records, errors = parse_records(spec, frame, filename, unit)
    if errors and not good_rows_only:
        rows = len({error.row for error in errors})
        raise ImportRejected(
            f"Tệp {filename} có {rows} dòng lỗi; chưa nhập dòng nào. Sửa các lỗi dưới đây rồi "
            "nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
            errors,
        )
    good = [record for record in records if record is not None]
    result = ImportResult(skipped=errors)
    if not good:
        return result
    first = spec.key[0]
    existing = {
        tuple(row[1:]): row[0]
        for row in spec.model.objects.filter(
            unit=unit, **{f"{first}__in": {getattr(r, first) for r in good}}
        ).values_list("pk", *spec.key)
    }
    for record in good:
        record.pk = existing.get(tuple(getattr(record, name) for name in spec.key))
    updates = [record for record in good if record.pk is not None]
    fields = spec.fields + (["due_on"] if spec.has_status else [])
    with transaction.atomic():
        spec.model.objects.bulk_create([record for record in good if record.pk is None])
        spec.model.objects.bulk_update(updates, fields, batch_size=1000)
    result.created, result.updated = len(good) - len(updates), len(updates)
    return result


def sample_csv(spec: RegisterSpec) -> bytes:
    """The import template: the headers and example rows, UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(spec.headers)
    writer.writerows(spec.sample)
    return out.getvalue().encode("utf-8-sig")
