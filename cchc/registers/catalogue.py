"""The one TTHC catalogue importer, used by the dossiers page (with its column-mapping step),
`cchc tthc import` and the "Danh mục TTHC" register page: one declaration of the columns and
one set of rules, so the same file gives the same result and the same row errors on every path.

Rules, checked row by row before anything is written (a catalogue has hundreds of rows, so a
loop per row is fine here):

- Mã TTHC and Tên TTHC must be filled in; a code repeated in the file is an error.
- Thời hạn giải quyết is a whole number of days; it may carry its unit as officials write it
  ("10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ").
- Đơn vị thời hạn accepts the spellings in WORKING_DAYS_SPELLINGS / CALENDAR_DAYS_SPELLINGS
  (with or without diacritics, any case); blank means working days, as in the law's default.
- Mức độ DVC, Bưu chính công ích and Thanh toán trực tuyến accept the spellings below; anything
  else is an error that names the accepted values (never silently "Không").
- Text longer than its database column is an error here, on every database: SQLite would
  store it whole and PostgreSQL would refuse the whole import with a server error.

All-or-nothing by default, or the good rows only; rows are updated by their code. The import
is audited (what was created, what changed from what to what) and, when a processing time
changed or a procedure was added, the unit's dossier deadlines are recomputed in the same
transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from cchc.audit.services import log_action
from cchc.base.tables import ImportRejected, ImportResult, RowError, file_warnings, read_table
from cchc.org import access
from cchc.org.models import Unit
from cchc.registers.models import OnlineLevel, Procedure, TimeUnit
from cchc.registers.services import reclassify
from cchc.registers.values import normalise

MAX_DAYS = 2_147_483_647  # the largest value of the integer column on every database


@dataclass(frozen=True)
class CatalogueColumn:
    header: str  # as the import file, the sample and the register page write it
    field: str  # Procedure's field
    required: bool = False  # the cell may not be blank


COLUMNS = [
    CatalogueColumn("Mã TTHC", "code", required=True),
    CatalogueColumn("Tên TTHC", "name", required=True),
    CatalogueColumn("Lĩnh vực", "field"),
    CatalogueColumn("Cấp thực hiện", "level"),
    CatalogueColumn("Mức độ DVC", "online_level"),
    CatalogueColumn("Thời hạn giải quyết", "processing_time", required=True),
    CatalogueColumn("Đơn vị thời hạn", "time_unit"),
    CatalogueColumn("Phí, lệ phí", "fee"),
    CatalogueColumn("Bưu chính công ích", "postal"),
    CatalogueColumn("Thanh toán trực tuyến", "online_payment"),
]
HEADERS = [column.header for column in COLUMNS]
REQUIRED = [column.header for column in COLUMNS if column.required]
HEADER = {column.field: column.header for column in COLUMNS}
TEXT_FIELDS = ["code", "name", "field", "level", "fee"]
YES_NO_FIELDS = ["postal", "online_payment"]
UPDATE_FIELDS = [column.field for column in COLUMNS if column.field != "code"]

# Spellings compared after normalise() (lower case, no diacritics, words split on anything
# that is not a letter or digit): "Ngày LV", "ngày l.v" and "NGAY LAM VIEC" all match.
# A working-days spelling may be followed by anything ("ngày làm việc kể từ ngày nhận đủ hồ
# sơ hợp lệ"); a calendar-days one only by the start of the count ("ngày kể từ…").
WORKING_DAYS_SPELLINGS = ("ngay lam viec", "ngay lv", "ngay l v", "working")
CALENDAR_DAYS_SPELLINGS = ("ngay", "ngay lich", "ngay theo lich", "calendar")
CALENDAR_DAYS_FOLLOWED_BY = ("ke tu", "tinh tu")
TIME_UNIT_ACCEPTED = (
    "ngày làm việc (cũng viết ngày LV, ngày làm việc kể từ …) hoặc ngày (ngày lịch, "
    "ngày kể từ …); để trống là ngày làm việc"
)
# Decree 42/2022 has two kinds of online public service; files from before it still write
# the old levels: level 4 is full, level 3 partial, levels 1-2 are not online services.
ONLINE_LEVELS = {
    "toan trinh": OnlineLevel.FULL,
    "muc do 4": OnlineLevel.FULL,
    "muc 4": OnlineLevel.FULL,
    "4": OnlineLevel.FULL,
    "full": OnlineLevel.FULL,
    "mot phan": OnlineLevel.PARTIAL,
    "muc do 3": OnlineLevel.PARTIAL,
    "muc 3": OnlineLevel.PARTIAL,
    "3": OnlineLevel.PARTIAL,
    "partial": OnlineLevel.PARTIAL,
    "khong": OnlineLevel.NONE,
    "muc do 2": OnlineLevel.NONE,
    "muc do 1": OnlineLevel.NONE,
    "muc 2": OnlineLevel.NONE,
    "muc 1": OnlineLevel.NONE,
    "2": OnlineLevel.NONE,
    "1": OnlineLevel.NONE,
    "none": OnlineLevel.NONE,
    "": OnlineLevel.NONE,
}
ONLINE_PREFIXES = ("dich vu cong truc tuyen ", "dvc truc tuyen ", "dvctt ", "dvc ")
ONLINE_ACCEPTED = "Toàn trình (mức độ 4), Một phần (mức độ 3) hoặc Không; để trống là Không"
YES_NO = {"co": True, "x": True, "1": True, "khong": False, "0": False, "": False}
YES_NO_ACCEPTED = "Có (hoặc x, 1) hoặc Không (hoặc 0, để trống)"
DAYS = re.compile(r"(\d+)(?:[.,]0+)?(?:\s+(.*))?", re.DOTALL)


def time_unit_of(text: str) -> TimeUnit | None:
    """The time unit a cell spells, None when it is none of the accepted spellings."""
    plain = normalise(text)
    if not plain:
        return TimeUnit.WORKING_DAYS
    for spelling in WORKING_DAYS_SPELLINGS:
        if plain == spelling or plain.startswith(spelling + " "):
            return TimeUnit.WORKING_DAYS
    if plain in CALENDAR_DAYS_SPELLINGS:
        return TimeUnit.CALENDAR_DAYS
    for follow in CALENDAR_DAYS_FOLLOWED_BY:
        if plain.startswith(f"ngay {follow} "):
            return TimeUnit.CALENDAR_DAYS
    return None


def online_level_of(text: str) -> OnlineLevel | None:
    plain = normalise(text)
    for prefix in ONLINE_PREFIXES:
        if plain.startswith(prefix):
            plain = plain[len(prefix) :]
            break
    return ONLINE_LEVELS.get(plain)


def max_length(field: str) -> int | None:
    return getattr(Procedure._meta.get_field(field), "max_length", None)


def _parse_row(cells: dict[str, str], line: int, errors: list[RowError]) -> dict[str, Any]:
    """The field values of one row; appends its errors (the values are then not used)."""
    found = len(errors)

    def fail(field: str, message: str) -> None:
        errors.append(RowError(line, HEADER[field], message))

    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        text = cells[name]
        limit = max_length(name)
        if limit is not None and len(text) > limit:
            fail(name, f"dài {len(text)} ký tự, quá giới hạn {limit} ký tự")
        values[name] = text
    if not cells["code"]:
        fail("code", "thiếu mã TTHC")
    if not cells["name"]:
        fail("name", "thiếu tên TTHC")
    days = DAYS.fullmatch(cells["processing_time"])
    spelled_unit = None
    if days is None or (days.group(2) and time_unit_of(days.group(2)) is None):
        fail(
            "processing_time",
            f"'{cells['processing_time']}' phải là số ngày (số nguyên), ví dụ 10 hoặc "
            "10 ngày làm việc"
            if cells["processing_time"]
            else "thiếu thời hạn giải quyết",
        )
    elif int(days.group(1)) > MAX_DAYS:
        fail("processing_time", f"'{cells['processing_time']}' quá lớn")
    else:
        values["processing_time"] = int(days.group(1))
        if days.group(2):
            spelled_unit = time_unit_of(days.group(2))
    time_unit = time_unit_of(cells["time_unit"])
    if time_unit is None:
        fail("time_unit", f"'{cells['time_unit']}' không hợp lệ; dùng {TIME_UNIT_ACCEPTED}")
    elif spelled_unit is not None and cells["time_unit"] and spelled_unit != time_unit:
        fail(
            "time_unit",
            f"'{cells['time_unit']}' khác đơn vị ghi trong cột «{HEADER['processing_time']}» "
            f"('{cells['processing_time']}')",
        )
    values["time_unit"] = spelled_unit or time_unit
    online = online_level_of(cells["online_level"])
    if online is None:
        fail("online_level", f"'{cells['online_level']}' không hợp lệ; dùng {ONLINE_ACCEPTED}")
    values["online_level"] = online
    for name in YES_NO_FIELDS:
        flag = YES_NO.get(normalise(cells[name]))
        if flag is None:
            fail(name, f"'{cells[name]}' không hợp lệ; dùng {YES_NO_ACCEPTED}")
        values[name] = flag
    if len(errors) == found:
        _model_rules(values, line, errors)
    return values


def _model_rules(values: dict[str, Any], line: int, errors: list[RowError]) -> None:
    """The model's own validation as a last net, so a rule added to Procedure later holds
    for files too; the checks above give the clearer messages first."""
    try:
        Procedure(**values).full_clean(exclude=["unit"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.extend(RowError(line, HEADER.get(name, HEADER["code"]), m) for m in messages)


def parse_catalogue(
    frame: pandas.DataFrame, filename: str
) -> tuple[dict[int, dict[str, Any]], list[RowError]]:
    """The field values of the good rows by their row number in the file, and the errors,
    for a table as read_table gives it (index = row number - 2). Nothing is written."""
    missing = [header for header in REQUIRED if header not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(REQUIRED)} (đủ bộ cột: {', '.join(HEADERS)})."
        )
    errors: list[RowError] = []
    rows: dict[int, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    texts = {c.field: frame[c.header] if c.header in frame.columns else None for c in COLUMNS}
    for position, index in enumerate(frame.index):
        line = int(index) + 2
        cells = {
            name: "" if column is None else str(column.iat[position])
            for name, column in texts.items()
        }
        found = len(errors)
        values = _parse_row(cells, line, errors)
        code = values["code"]
        if code and code in seen:
            errors.append(
                RowError(line, HEADER["code"], f"mã TTHC {code} trùng với dòng {seen[code]}")
            )
        elif code:
            seen[code] = line
        if len(errors) == found:
            rows[line] = values
    return rows, sorted(errors, key=lambda error: error.row)


def import_procedures(
    source: Path | bytes,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    user=None,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """A catalogue file whose header row uses the standard names (HEADERS)."""
    return import_procedure_frame(
        read_table(source, filename, HEADERS),
        filename,
        unit,
        good_rows_only=good_rows_only,
        user=user,
        mapping=mapping,
    )


def import_procedure_frame(
    frame: pandas.DataFrame,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    user=None,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Import a catalogue table (columns named as in HEADERS; `mapping` only goes to the
    audit entry, the caller has renamed the columns). `user` None is cchc itself (the command
    line, the demo); a user must be allowed to edit the unit's registers. Atomic, audited."""
    if user is not None and not access.can_edit_registers(user, unit):
        raise PermissionDenied("Bạn không có quyền nhập danh mục TTHC của đơn vị này.")
    rows, errors = parse_catalogue(frame, filename)
    if errors and not good_rows_only:
        raise ImportRejected(
            " ".join(
                [
                    f"Tệp {filename} có {len({e.row for e in errors})} dòng lỗi; chưa nhập dòng "
                    "nào. Sửa các lỗi dưới đây rồi nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
                    *file_warnings(frame),  # legacy font text converted: the rows may differ
                ]
            ),
            errors,
        )
    result = ImportResult(skipped=errors, warnings=file_warnings(frame))
    with transaction.atomic():
        existing = {
            procedure.code: procedure
            for procedure in Procedure.objects.select_for_update().filter(
                unit=unit, code__in=[values["code"] for values in rows.values()]
            )
        }
        changes = _changes(existing, rows)
        try:
            with transaction.atomic():
                Procedure.objects.bulk_create(
                    [Procedure(unit=unit, **values) for values in rows.values()],
                    update_conflicts=True,
                    unique_fields=["unit", "code"],
                    update_fields=UPDATE_FIELDS,
                )
        except DatabaseError as exc:  # a rule only the database knows; never a server error
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ImportRejected(
                f"Cơ sở dữ liệu không nhận tệp {filename} ({reason}); chưa nhập dòng nào."
            ) from exc
        result.updated = sum(1 for values in rows.values() if values["code"] in existing)
        result.created = len(rows) - result.updated
        _log_import(user, unit, filename, result, changes, mapping)
        timing = {"processing_time", "time_unit"}
        if result.created or any(timing & set(fields) for fields in changes.values()):
            reclassify([unit])  # processing times changed: the deadlines follow
    return result


def _changes(
    existing: dict[str, Procedure], rows: dict[int, dict[str, Any]]
) -> dict[str, dict[str, list]]:
    """Procedure code → field → [before, after], for the known procedures the file changes."""
    changes: dict[str, dict[str, list]] = {}
    for values in rows.values():
        procedure = existing.get(values["code"])
        if procedure is None:
            continue
        changed = {
            name: [getattr(procedure, name), values[name]]
            for name in UPDATE_FIELDS
            if getattr(procedure, name) != values[name]
        }
        if changed:
            changes[procedure.code] = changed
    return changes


def _log_import(
    user,
    unit: Unit,
    filename: str,
    result: ImportResult,
    changes: dict[str, dict[str, list]],
    mapping: dict[str, str] | None,
) -> None:
    log_action(
        user,
        "procedures.import",
        f"Nhập danh mục TTHC của {unit.code} từ tệp {filename}: {result.summary}",
        data={
            "unit": unit.code,
            "file": filename,
            "created": result.created,
            "updated": result.updated,
            "changes": {
                code: {name: [str(a), str(b)] for name, (a, b) in fields.items()}
                for code, fields in changes.items()
            },
            "skipped_rows": sorted({error.row for error in result.skipped}),
            "mapping": mapping,
        },
    )
