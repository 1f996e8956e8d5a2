"""Importing dossiers from one-stop-system exports (CSV or XLSX); the TTHC catalogue has its
own importer (catalogue.py).

Files whose header row uses the standard Vietnamese column names import without a mapping
step. Every bad row is reported with its row number, column and reason; by default nothing
is written when any row is bad (all-or-nothing), or the good rows are written and the bad
ones listed. Re-importing a file updates dossiers by their code instead of adding them twice.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

import numpy
import pandas
from django.conf import settings
from django.db import transaction

from cchc.base import legacy_text
from cchc.base.dates import not_a_date, parse_dates
from cchc.base.tables import (
    MAX_UPLOAD_BYTES,
    ImportRejected,
    ImportResult,
    RowError,
    csv_layout,
    file_warnings,
    read_table,
)
from cchc.org.models import Unit
from cchc.periods.models import workday_table
from cchc.periods.workdays import EPOCH, LAST_DAY, WorkdayTable
from cchc.registers.classify import (
    NO_DAY,
    VERDICT_CODES,
    classify_days,
    day_numbers,
    minutes_of_day,
)
from cchc.registers.models import Procedure, TimeUnit
from cchc.registers.values import channel_value, looked_up, status_code
from cchc.registers.writes import NULLABLE_BOOLEANS, UPSERT_COLUMNS, upsert_dossiers

CSV_CHUNK_ROWS = 200_000  # rows of a CSV parsed at a time

DOSSIER_COLUMNS = {
    "Mã hồ sơ": "code",
    "Mã TTHC": "procedure_code",
    "Kênh": "channel",
    "Ngày tiếp nhận": "received_at",
    "Ngày hẹn trả": "promised_on",
    "Số lần yêu cầu bổ sung": "supplement_count",
    "Ngày yêu cầu bổ sung": "supplement_requested_at",
    "Ngày bổ sung đủ": "supplement_completed_at",
    "Ngày có kết quả": "result_on",
    "Ngày trả kết quả": "returned_on",
    "Trạng thái": "status",
    "Đã số hóa": "digitised",
    "Có phí, lệ phí": "fee_due",
    "Thanh toán trực tuyến": "paid_online",
    "Kết quả điện tử": "electronic_result",
}
DOSSIER_REQUIRED = ["Mã hồ sơ", "Mã TTHC", "Kênh", "Ngày tiếp nhận"]
DATE_COLUMNS = ["promised_on", "result_on", "returned_on"]
DATETIME_COLUMNS = ["received_at", "supplement_requested_at", "supplement_completed_at"]
YES_NO = {"có": True, "x": True, "1": True, "không": False, "0": False, "": None}
# The fee column also takes the amount, as the one-stop systems export it: "50.000",
# "50000", "1 200 000 đồng"; more than 0 means a fee is due.
AMOUNT = r"(?:\d{1,3}(?:[., ]\d{3})+|\d+)\s*(?:đ|đồng|vnđ|vnd)?"


def _check_headers(frame: pandas.DataFrame, required: list[str], filename: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(required)}."
        )


class _Errors:
    """Errors found column by column; the loop runs over the bad rows only. `lines` holds
    each position's row number in the file (header = 1, blank rows counted)."""

    def __init__(self, lines: numpy.ndarray) -> None:
        self.items: list[RowError] = []
        self.lines = lines

    def add(
        self,
        mask: numpy.ndarray,
        column: str,
        message: str | Callable[[str], str],
        values: pandas.Series | None = None,
    ) -> None:
        """`message` is a text, or a function of the cell's text (from `values`)."""
        rows = numpy.flatnonzero(mask)
        if not len(rows):
            return
        for index in rows:
            if callable(message):
                assert values is not None, "a message made from the cell needs its values"
                text = message(values.iat[index])
            else:
                text = message
            self.items.append(RowError(int(self.lines[index]), column, text))


def _not_a_date(value: str, suffix: str) -> str:
    return not_a_date(value, f"dd/mm/yyyy{suffix}")


# Shared with the work registers' imports (cchc.base.dates); the name stays for callers.
_parse_dates = parse_dates


def _text(frame: pandas.DataFrame, header: str) -> pandas.Series:
    if header not in frame.columns:
        return pandas.Series("", index=frame.index, dtype=object)
    column = frame[header]
    if column.hasnans:
        column = column.fillna("")
    return column if column.dtype == "str" else column.astype(str)


def _converted(
    raw: pandas.Series, convert: Callable[[pandas.Series], pandas.Series]
) -> tuple[pandas.Series, numpy.ndarray]:
    """convert(raw), NaN where it fails, and which cells are blank. Cells are stripped only
    where the conversion failed (most files have no stray spaces, and stripping a million
    cells costs more than converting them)."""
    out = convert(raw)
    blank = (raw == "").to_numpy().copy()
    retry = out.isna().to_numpy() & ~blank
    if retry.any():
        stripped = raw[retry].str.strip()
        values = out.to_numpy(dtype=object).copy()
        values[retry] = convert(stripped).to_numpy(dtype=object)
        out = pandas.Series(values, index=raw.index).infer_objects()
        blank[retry] = (stripped == "").to_numpy()
    return out, blank


def _yes_no(raw: pandas.Series) -> pandas.Series:
    return raw.str.lower().map(YES_NO)


def _yes_no_or_amount(raw: pandas.Series) -> pandas.Series:
    """Yes/no, or an amount of money: True when it is more than 0."""
    lower = raw.str.lower()
    out = lower.map(YES_NO)
    amount = (out.isna() & lower.str.fullmatch(AMOUNT)).to_numpy(dtype=bool)
    if amount.any():
        values = out.to_numpy(dtype=object).copy()
        # More than 0: some digit is not 0 (however long the number).
        values[amount] = lower[amount].str.contains("[1-9]").to_numpy(dtype=object)
        out = pandas.Series(values, index=raw.index)
    return out


# How each yes/no column is read, and what its error message says it takes.
FLAGS: dict[str, tuple[Callable[[pandas.Series], pandas.Series], str]] = {
    name: (_yes_no, "Có hoặc Không") for name in NULLABLE_BOOLEANS
} | {"fee_due": (_yes_no_or_amount, "Có, Không hoặc số tiền (ví dụ 50.000)")}


def read_flags(raw: pandas.Series, name: str) -> pandas.Series:
    """The yes/no column `name` as the import reads it: True, False, or NaN/None where it
    cannot (the mapping page's value step lists those values)."""
    return _converted(raw, FLAGS[name][0])[0]


def _flag(
    errors: _Errors,
    raw: pandas.Series,
    header: str,
    convert: Callable[[pandas.Series], pandas.Series],
    accepted: str,
) -> pandas.Series:
    """A yes/no column: True, False or None (blank); any other value is a row error."""
    values, blank = _converted(raw, convert)
    errors.add(
        values.isna().to_numpy() & ~blank,
        header,
        lambda value: f"'{value.strip()}' phải là {accepted}",
        raw,
    )
    return values


def parse_dossiers(
    frame: pandas.DataFrame, filename: str
) -> tuple[pandas.DataFrame, list[RowError]]:
    """Typed dossier columns and the errors found, row by row, without touching the database.

    Dates and datetimes come out as naive local datetime64 columns (NaT when blank)."""
    return _parse(frame, filename)


def _parse(
    frame: pandas.DataFrame, filename: str, duplicates: bool = True
) -> tuple[pandas.DataFrame, list[RowError]]:
    """parse_dossiers for a file or a part of it whose index is each row's place in the
    file (row number - 2, as read_table gives it); the row numbers are kept in the "line"
    column. Without `duplicates` the caller looks for repeated codes over the whole file."""
    _check_headers(frame, DOSSIER_REQUIRED, filename)
    lines = frame.index.to_numpy(dtype=numpy.int64) + 2
    frame = frame.reset_index(drop=True)
    errors = _Errors(lines)
    raw = {name: _text(frame, header) for header, name in DOSSIER_COLUMNS.items()}
    code = raw["code"].str.strip()
    procedure_code = raw["procedure_code"].str.strip()
    out = pandas.DataFrame(
        {"line": lines, "code": code, "procedure_code": procedure_code}, index=frame.index
    )
    out.attrs["warnings"] = file_warnings(frame)
    has_code = (code != "").to_numpy()
    errors.add(~has_code, "Mã hồ sơ", "thiếu mã hồ sơ")
    if duplicates:
        _add_duplicates(errors, code)
    errors.add((procedure_code == "").to_numpy(), "Mã TTHC", "thiếu mã TTHC")
    channel = looked_up(raw["channel"], channel_value)
    errors.add(
        channel.isna().to_numpy(),
        "Kênh",
        lambda value: f"kênh '{value.strip()}' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)",
        raw["channel"],
    )
    out["channel"] = channel
    headers = {name: header for header, name in DOSSIER_COLUMNS.items()}
    first, last = numpy.datetime64(EPOCH, "ns"), numpy.datetime64(LAST_DAY, "ns")
    for name in DATETIME_COLUMNS + DATE_COLUMNS:
        parsed, blank = _parse_dates(raw[name], with_time=name in DATETIME_COLUMNS)
        header = headers[name]
        missing = numpy.isnat(parsed)
        suffix = " HH:MM" if name == "received_at" else ""
        errors.add(
            missing & ~blank,
            header,
            functools.partial(_not_a_date, suffix=suffix),
            raw[name],
        )
        outside = ~missing & ((parsed < first) | (parsed > last))
        errors.add(outside, header, "ngày ngoài khoảng 2000–2050")
        out[name] = parsed
        if name == "received_at":
            errors.add(blank, "Ngày tiếp nhận", "thiếu ngày tiếp nhận")
    count, _ = _converted(
        raw["supplement_count"],
        lambda r: pandas.to_numeric(r.replace("", "0"), errors="coerce"),
    )
    errors.add(
        (count.isna() | (count < 0) | (count % 1 != 0)).to_numpy(),
        "Số lần yêu cầu bổ sung",
        lambda value: f"'{value.strip()}' không phải số nguyên không âm",
        raw["supplement_count"],
    )
    out["supplement_count"] = count.fillna(0).astype("int64")
    status = looked_up(raw["status"], status_code).astype("float64")
    blank = looked_up(raw["status"], lambda text: not text.strip()).to_numpy(dtype=bool)
    errors.add(
        ~blank & status.isna().to_numpy(),
        "Trạng thái",
        lambda value: (
            f"trạng thái '{value.strip()}' không hợp lệ: ghi mã từ 1 đến 10 hoặc tên trạng "
            "thái của Cổng DVCQG (ví dụ Đang xử lý, Đã trả kết quả)"
        ),
        raw["status"],
    )
    out["status"] = status
    for name in NULLABLE_BOOLEANS:  # None where the file does not tell
        convert, accepted = FLAGS[name]
        out[name] = _flag(errors, raw[name], headers[name], convert, accepted)
    errors.add(
        ((out["paid_online"] == True) & (out["fee_due"] == False)).to_numpy(),  # noqa: E712
        headers["paid_online"],
        "hồ sơ ghi đã thanh toán trực tuyến nhưng lại ghi không phải nộp phí, lệ phí",
    )
    received_day = out["received_at"].to_numpy().astype("datetime64[D]")
    result_day = out["result_on"].to_numpy().astype("datetime64[D]")
    # NaT compares false, so a missing date never counts as "before".
    errors.add(result_day < received_day, "Ngày có kết quả", "ngày có kết quả trước ngày tiếp nhận")
    returned_day = out["returned_on"].to_numpy().astype("datetime64[D]")
    errors.add(
        returned_day < received_day, "Ngày trả kết quả", "ngày trả kết quả trước ngày tiếp nhận"
    )
    errors.add(
        out["supplement_completed_at"].to_numpy() < out["supplement_requested_at"].to_numpy(),
        "Ngày bổ sung đủ",
        "ngày bổ sung đủ trước ngày yêu cầu bổ sung",
    )
    return out, _by_row(errors.items)


def _add_duplicates(errors: _Errors, code: pandas.Series) -> None:
    errors.add(
        code.duplicated(keep="first").to_numpy() & (code != "").to_numpy(),
        "Mã hồ sơ",
        lambda value: f"mã hồ sơ {value} lặp lại trong tệp",
        code,
    )


def _by_row(errors: list[RowError]) -> list[RowError]:
    """In file order; within a row, the code's error first, then in the order found."""
    return sorted(errors, key=lambda error: (error.row, error.column != "Mã hồ sơ"))


def _parse_csv(source: Path | bytes, filename: str) -> tuple[pandas.DataFrame, list[RowError]]:
    """parse_dossiers over a CSV file read CSV_CHUNK_ROWS rows at a time, so that only one
    chunk of text cells is in memory beside the typed columns; repeated codes are looked for
    over the whole file once every chunk is parsed."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if len(data) > MAX_UPLOAD_BYTES:
        read_table(data, filename)  # which rejects it with the usual message
    parts: list[pandas.DataFrame] = []
    errors: list[RowError] = []
    layout = csv_layout(data, filename, DOSSIER_COLUMNS)  # encoding, separator, title rows
    try:
        with pandas.read_csv(
            io.BytesIO(layout.data),
            dtype=str,
            sep=layout.separator,
            encoding="utf-8",
            skiprows=layout.header_row - 1,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=False,
            usecols=lambda column: str(column).strip() in DOSSIER_COLUMNS,
            chunksize=CSV_CHUNK_ROWS,
        ) as reader:
            for chunk in reader:  # indexed by place in the file, across chunks
                chunk.index += layout.header_row - 1
                chunk.columns = [str(column).strip() for column in chunk.columns]
                parsed, found = _parse(_without_blank_rows(chunk), filename, duplicates=False)
                parts.append(parsed)
                errors += found
    except ImportRejected:
        raise
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    if not parts:  # a header row alone
        return parse_dossiers(read_table(data, filename, DOSSIER_COLUMNS), filename)
    parsed = pandas.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    del parts
    parsed.attrs["warnings"] = (
        [] if layout.legacy is None else [legacy_text.warning(layout.legacy, filename)]
    )
    repeated = _Errors(parsed["line"].to_numpy())
    _add_duplicates(repeated, parsed["code"])
    return parsed, _by_row(errors + repeated.items)


def _without_blank_rows(chunk: pandas.DataFrame) -> pandas.DataFrame:
    """The rows with something in them; only rows without a dossier code are looked at
    closely, which keeps this cheap on a million rows."""
    code = chunk["Mã hồ sơ"] if "Mã hồ sơ" in chunk.columns else None
    if code is None:
        return chunk
    suspect = (code.isna() | (code == "")).to_numpy()
    if not suspect.any():
        return chunk
    cells = chunk[suspect].fillna("").apply(lambda column: column.str.strip())
    keep = numpy.ones(len(chunk), dtype=bool)
    keep[numpy.flatnonzero(suspect)[(cells == "").all(axis=1).to_numpy()]] = False
    return chunk[keep]


def procedure_times(unit: Unit, codes: pandas.Series) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Processing time in days (-1 for a procedure missing from the catalogue) and whether it
    counts calendar days, for each code."""
    rows = list(
        Procedure.objects.filter(unit=unit).values_list("code", "processing_time", "time_unit")
    )
    catalogue = pandas.Index([code for code, _, _ in rows])
    days = numpy.array([value for _, value, _ in rows] + [-1], dtype=numpy.int64)
    calendar = numpy.array([kind == TimeUnit.CALENDAR_DAYS for _, _, kind in rows] + [False])
    found = catalogue.get_indexer(codes) if len(catalogue) else numpy.full(len(codes), -1)
    return days[found], calendar[found]  # -1 picks the last entry: unknown


def import_dossiers(
    source: Path | bytes,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    table: WorkdayTable | None = None,
    cut_off: int | None = None,
) -> ImportResult:
    """A file whose header row uses the standard column names (DOSSIER_COLUMNS)."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        parsed, errors = parse_dossiers(read_table(source, filename, DOSSIER_COLUMNS), filename)
    else:
        parsed, errors = _parse_csv(source, filename)
    return _import_parsed(
        parsed, errors, filename, unit, good_rows_only=good_rows_only, table=table, cut_off=cut_off
    )


def import_dossier_frame(
    frame: pandas.DataFrame,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    table: WorkdayTable | None = None,
    cut_off: int | None = None,
) -> ImportResult:
    """A table as read_table gives it, its columns already named as in DOSSIER_COLUMNS (a
    column mapping renames a source system's columns first). `cut_off`: minutes after
    midnight from which a dossier received on a working day starts the next one."""
    parsed, errors = parse_dossiers(frame, filename)
    return _import_parsed(
        parsed, errors, filename, unit, good_rows_only=good_rows_only, table=table, cut_off=cut_off
    )


def _import_parsed(
    parsed: pandas.DataFrame,
    errors: list[RowError],
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool,
    table: WorkdayTable | None,
    cut_off: int | None,
) -> ImportResult:
    warnings = file_warnings(parsed)  # the file's own (legacy font text converted)
    if parsed.empty:
        return ImportResult(skipped=errors, warnings=warnings)
    days, calendar = procedure_times(unit, parsed["procedure_code"])
    supplements = parsed["supplement_count"].to_numpy(dtype=numpy.int64)
    requested = day_numbers(parsed["supplement_requested_at"])
    completed = day_numbers(parsed["supplement_completed_at"])
    promised = day_numbers(parsed["promised_on"])
    result_on = day_numbers(parsed["result_on"])
    start, due, verdict, differs = classify_days(
        table or workday_table(),
        received=day_numbers(parsed["received_at"]),
        minutes=minutes_of_day(parsed["received_at"]),
        days=days,
        calendar=calendar,
        supplements=supplements,
        requested=requested,
        completed=completed,
        completed_minutes=minutes_of_day(parsed["supplement_completed_at"]),
        promised=promised,
        result_on=result_on,
        # No cut-off given (the demo loader, a command): the setting, never a built-in hour.
        cut_off=int(settings.CCHC_DOSSIER_CUTOFF) if cut_off is None else cut_off,
    )
    errors = _by_row(
        errors
        + _undetermined(
            parsed, errors, days, supplements, requested, completed, promised, result_on, due
        )
    )
    if errors and not good_rows_only:
        rows = len({error.row for error in errors})
        raise ImportRejected(
            " ".join(
                [
                    f"Tệp {filename} có {rows} dòng lỗi; chưa nhập dòng nào. Sửa các lỗi dưới "
                    "đây rồi nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
                    *warnings,  # legacy font text converted: the rows may read differently
                ]
            ),
            errors,
        )
    result = ImportResult(skipped=errors, warnings=warnings)
    if errors:
        good = numpy.ones(len(parsed), dtype=bool)
        good[_positions(parsed, errors)] = False
        parsed = parsed[good]
        start, due, verdict, differs = start[good], due[good], verdict[good], differs[good]
        days = days[good]
    if parsed.empty:
        return result
    result.warnings += _not_in_catalogue(parsed["procedure_code"], days)
    computed = ("start_on", "due_on", "verdict", "promised_differs")
    columns = {name: parsed[name].to_numpy() for name in UPSERT_COLUMNS if name not in computed}
    columns.update(
        start_on=_epoch_days(start),
        due_on=_epoch_days(due),
        verdict=VERDICT_CODES[verdict],
        promised_differs=differs,
    )
    del parsed
    with transaction.atomic():
        # One import of a unit's dossiers at a time: a second waits here for the first to
        # commit, then updates what it wrote instead of inserting the same codes again.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        result.created = upsert_dossiers(unit.pk, columns)
    result.updated = len(columns["code"]) - result.created
    return result


def _not_in_catalogue(codes: pandas.Series, days: numpy.ndarray) -> list[str]:
    """A warning naming the procedures of imported dossiers that the unit's catalogue does not
    have (their deadline is the file's promised date) and how many rows each has."""
    missing = codes[days < 0].value_counts(sort=False).sort_index()
    if missing.empty:
        return []
    listed = ", ".join(f"{code} ({count} dòng)" for code, count in missing.items())
    return [
        f"{int(missing.sum())} hồ sơ có mã TTHC chưa có trong danh mục TTHC của đơn vị: "
        f"{listed}. Hạn giải quyết của các hồ sơ này lấy theo Ngày hẹn trả trong tệp; hãy "
        "bổ sung danh mục TTHC."
    ]


def _positions(parsed: pandas.DataFrame, errors: list[RowError]) -> numpy.ndarray:
    """Where the rows the errors name are in `parsed` (its "line" column is ascending)."""
    rows = numpy.fromiter((error.row for error in errors), dtype=numpy.int64, count=len(errors))
    return numpy.searchsorted(parsed["line"].to_numpy(), rows)


def _undetermined(
    parsed: pandas.DataFrame,
    errors: list[RowError],
    days: numpy.ndarray,
    supplements: numpy.ndarray,
    requested: numpy.ndarray,
    completed: numpy.ndarray,
    promised: numpy.ndarray,
    result_on: numpy.ndarray,
    due: numpy.ndarray,
) -> list[RowError]:
    """Rows whose deadline cannot be known, so that the dossier could never be counted as
    early, on time or late (nor as overdue while unfinished): a procedure missing from the
    unit's catalogue with no promised date in the file, or a result after a supplement
    request with no date for the completed dossier. Rows already in error are left out."""
    found = _Errors(parsed["line"].to_numpy())
    clean = numpy.ones(len(parsed), dtype=bool)
    clean[_positions(parsed, errors)] = False
    several = supplements > 1  # overdue whatever the deadline (QĐ 766)
    no_catalogue = clean & ~several & (days < 0) & (promised == NO_DAY)
    codes = parsed["procedure_code"]
    found.add(
        no_catalogue,
        "Mã TTHC",
        lambda code: (
            f"TTHC {code} chưa có trong danh mục TTHC của đơn vị và tệp không ghi ngày hẹn "
            "trả: không tính được hạn giải quyết. Nhập danh mục TTHC trước hoặc ghi Ngày hẹn trả."
        ),
        codes,
    )
    never_restarted = (
        clean
        & ~several
        & ~no_catalogue
        & (result_on != NO_DAY)
        & (due == NO_DAY)
        & (requested != NO_DAY)
        & (completed == NO_DAY)
    )
    found.add(
        never_restarted,
        "Ngày bổ sung đủ",
        "hồ sơ đã có kết quả sau khi yêu cầu bổ sung nhưng thiếu ngày bổ sung đủ: không tính "
        "được hạn giải quyết",
    )
    return found.items


def _epoch_days(days: numpy.ndarray) -> numpy.ndarray:
    stamps = numpy.datetime64(EPOCH, "D") + days.astype("timedelta64[D]")
    return numpy.where(days == NO_DAY, numpy.datetime64("NaT"), stamps)
