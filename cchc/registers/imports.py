"""Importing dossiers and the TTHC catalogue from one-stop-system exports (CSV or XLSX).

Files whose header row uses the standard Vietnamese column names import without a mapping
step. Every bad row is reported with its row number, column and reason; by default nothing
is written when any row is bad (all-or-nothing), or the good rows are written and the bad
ones listed. Re-importing a file updates dossiers by their code instead of adding them twice.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy
import pandas
from django.db import connection, transaction

from cchc.org.models import Unit
from cchc.periods.models import CalendarOverride
from cchc.periods.workdays import EPOCH, LAST_DAY, WorkdayTable
from cchc.registers.classify import (
    CUT_OFF_MINUTES,
    NO_DAY,
    VERDICT_CODES,
    classify_days,
    day_numbers,
    minutes_of_day,
)
from cchc.registers.models import Channel, Dossier, OnlineLevel, Procedure, TimeUnit

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

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
}
DOSSIER_REQUIRED = ["Mã hồ sơ", "Mã TTHC", "Kênh", "Ngày tiếp nhận"]
DATE_COLUMNS = ["promised_on", "result_on", "returned_on"]
DATETIME_COLUMNS = ["received_at", "supplement_requested_at", "supplement_completed_at"]
YES_NO = {"có": True, "x": True, "1": True, "không": False, "0": False, "": None}
CHANNELS = {
    "trực tiếp": Channel.DIRECT,
    "trực tuyến": Channel.ONLINE,
    "bưu chính": Channel.POSTAL,
    "bưu chính công ích": Channel.POSTAL,
}
CHANNEL_VALUES = {text: channel.value for text, channel in CHANNELS.items()}

PROCEDURE_COLUMNS = {
    "Mã TTHC": "code",
    "Tên TTHC": "name",
    "Lĩnh vực": "field",
    "Cấp thực hiện": "level",
    "Mức độ DVC": "online_level",
    "Thời hạn giải quyết": "processing_time",
    "Đơn vị thời hạn": "time_unit",
    "Phí, lệ phí": "fee",
    "Bưu chính công ích": "postal",
}
PROCEDURE_REQUIRED = ["Mã TTHC", "Tên TTHC", "Thời hạn giải quyết"]
ONLINE_LEVELS = {
    "toàn trình": OnlineLevel.FULL,
    "một phần": OnlineLevel.PARTIAL,
    "không": OnlineLevel.NONE,
    "": OnlineLevel.NONE,
}
TIME_UNITS = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.CALENDAR_DAYS,
    "": TimeUnit.WORKING_DAYS,
}


class ImportRejected(ValueError):
    """The file cannot be imported as it is; `errors` says where and why."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the file: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột «{self.column}»: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: list[RowError] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"Đã nhập {self.created} mới, cập nhật {self.updated}"
        if self.skipped:
            text += f"; bỏ qua {len({e.row for e in self.skipped})} dòng lỗi"
        return text + "."


def read_table(source: Path | bytes, filename: str) -> pandas.DataFrame:
    """Every cell as text (empty string for a blank), header row as column names."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(
            f"Tệp {filename} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp."
        )
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            frame = pandas.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        else:
            frame = pandas.read_csv(
                io.BytesIO(data),
                dtype=str,
                encoding="utf-8-sig",
                keep_default_na=False,
                skipinitialspace=True,
            )
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    except Exception as exc:  # openpyxl raises its own errors for corrupt files
        raise ImportRejected(f"Tệp {filename} hỏng hoặc không phải tệp Excel/CSV: {exc}") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.fillna("").apply(lambda column: column.str.strip())


def _check_headers(frame: pandas.DataFrame, required: list[str], filename: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(required)}."
        )


class _Errors:
    """Errors found column by column; the loop runs over the bad rows only."""

    def __init__(self, first_row: int = 0) -> None:
        self.items: list[RowError] = []
        self.first_row = first_row  # rows before this part of the file

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
            text = message(values.iat[index]) if callable(message) else message
            self.items.append(RowError(int(index) + 2 + self.first_row, column, text))


def _parse_dates(raw: pandas.Series, with_time: bool) -> tuple[numpy.ndarray, numpy.ndarray]:
    """datetime64[ns] (NaT for a blank or a value in none of the formats), and which cells
    are blank (empty or only spaces). The usual zero-padded dd/mm/yyyy[ HH:MM] is decoded
    with array arithmetic; what is left is stripped and tried format by format, each on
    what is still unparsed."""
    formats = (
        ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
        if with_time
        else ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
    )
    parsed = numpy.full(len(raw), numpy.datetime64("NaT", "ns"))
    blank = (raw == "").to_numpy().copy()
    todo = ~blank
    if todo.any():
        rows = numpy.flatnonzero(todo)
        parsed[rows] = _fixed_width_dates(raw.iloc[rows].to_numpy(dtype="U17"))
        todo[rows] = numpy.isnat(parsed[rows])
    if todo.any():
        rest = raw[todo].str.strip()
        parsed_rest = numpy.full(len(rest), numpy.datetime64("NaT", "ns"))
        left = (rest != "").to_numpy().copy()
        blank[todo] = ~left
        for fmt in formats:
            if not left.any():
                break
            found = pandas.to_datetime(rest[left], format=fmt, errors="coerce")
            parsed_rest[left] = found.to_numpy("datetime64[ns]")
            left[left] = numpy.isnat(parsed_rest[left])
        parsed[todo] = parsed_rest
    return parsed, blank


def _fixed_width_dates(text: numpy.ndarray) -> numpy.ndarray:
    """'dd/mm/yyyy' or 'dd/mm/yyyy HH:MM' (zero-padded, as the one-stop systems export them)
    decoded with array arithmetic; NaT for anything else, left to strptime. Only strings that
    strptime would read the same way are accepted."""
    size = len(text)
    chars = text.view(numpy.uint32).reshape(size, 17)[:, :16].astype(numpy.int64)
    length = numpy.strings.str_len(text)
    digit = (chars >= 48) & (chars <= 57)
    value = chars - 48

    def number(*positions: int) -> numpy.ndarray:
        out = numpy.zeros(size, dtype=numpy.int64)
        for position in positions:
            out = out * 10 + value[:, position]
        return out

    date_ok = digit[:, [0, 1, 3, 4, 6, 7, 8, 9]].all(axis=1)
    date_ok &= (chars[:, 2] == ord("/")) & (chars[:, 5] == ord("/"))
    with_time = length == 16
    time_ok = digit[:, [11, 12, 14, 15]].all(axis=1) & (chars[:, 10] == ord(" "))
    time_ok &= chars[:, 13] == ord(":")
    day, month, year = number(0, 1), number(3, 4), number(6, 7, 8, 9)
    hour, minute = number(11, 12), number(14, 15)
    ok = date_ok & ((length == 10) | (with_time & time_ok))
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
    ok &= ~with_time | ((hour < 24) & (minute < 60))
    months = numpy.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    month_days = ((months + 1).astype("datetime64[D]") - first).astype(numpy.int64)
    ok &= day <= month_days
    stamps = first.astype("datetime64[ns]") + (
        (day - 1) * 1440 + numpy.where(with_time, hour * 60 + minute, 0)
    ).astype("timedelta64[m]")
    return numpy.where(ok, stamps, numpy.datetime64("NaT", "ns"))


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


def parse_dossiers(
    frame: pandas.DataFrame, filename: str
) -> tuple[pandas.DataFrame, list[RowError]]:
    """Typed dossier columns and the errors found, row by row, without touching the database.

    Dates and datetimes come out as naive local datetime64 columns (NaT when blank)."""
    return _parse(frame, filename)


def _parse(
    frame: pandas.DataFrame, filename: str, first_row: int = 0, duplicates: bool = True
) -> tuple[pandas.DataFrame, list[RowError]]:
    """parse_dossiers for a part of a file that starts after `first_row` rows; without
    `duplicates` the caller looks for repeated codes over the whole file."""
    _check_headers(frame, DOSSIER_REQUIRED, filename)
    frame = frame.reset_index(drop=True)
    errors = _Errors(first_row)
    raw = {name: _text(frame, header) for header, name in DOSSIER_COLUMNS.items()}
    code = raw["code"].str.strip()
    procedure_code = raw["procedure_code"].str.strip()
    out = pandas.DataFrame({"code": code, "procedure_code": procedure_code}, index=frame.index)
    has_code = (code != "").to_numpy()
    errors.add(~has_code, "Mã hồ sơ", "thiếu mã hồ sơ")
    if duplicates:
        _add_duplicates(errors, code)
    errors.add((procedure_code == "").to_numpy(), "Mã TTHC", "thiếu mã TTHC")
    channel, _ = _converted(raw["channel"], lambda r: r.str.lower().map(CHANNEL_VALUES))
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
            lambda value, suffix=suffix: f"'{value.strip()}' không phải ngày dd/mm/yyyy{suffix}",
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
    status, blank = _converted(
        raw["status"], lambda r: pandas.to_numeric(r.replace("", numpy.nan), errors="coerce")
    )
    errors.add(
        ~blank & ~status.between(1, 10).to_numpy(),
        "Trạng thái",
        lambda value: f"trạng thái '{value.strip()}' phải là số từ 1 đến 10",
        raw["status"],
    )
    out["status"] = status
    digitised, blank = _converted(raw["digitised"], lambda r: r.str.lower().map(YES_NO))
    errors.add(
        digitised.isna().to_numpy() & ~blank,
        "Đã số hóa",
        lambda value: f"'{value.strip()}' phải là Có hoặc Không",
        raw["digitised"],
    )
    out["digitised"] = digitised
    received_day = out["received_at"].to_numpy().astype("datetime64[D]")
    result_day = out["result_on"].to_numpy().astype("datetime64[D]")
    # NaT compares false, so a missing date never counts as "before".
    errors.add(result_day < received_day, "Ngày có kết quả", "ngày có kết quả trước ngày tiếp nhận")
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
    try:
        with pandas.read_csv(
            io.BytesIO(data),
            dtype=str,
            encoding="utf-8-sig",
            keep_default_na=False,
            skipinitialspace=True,
            usecols=lambda column: str(column).strip() in DOSSIER_COLUMNS,
            chunksize=CSV_CHUNK_ROWS,
        ) as reader:
            for chunk in reader:
                chunk.columns = [str(column).strip() for column in chunk.columns]
                parsed, found = _parse(chunk, filename, sum(map(len, parts)), duplicates=False)
                parts.append(parsed)
                errors += found
    except ImportRejected:
        raise
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    if not parts:  # a header row alone
        return parse_dossiers(read_table(data, filename), filename)
    parsed = pandas.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    del parts
    repeated = _Errors()
    _add_duplicates(repeated, parsed["code"])
    return parsed, _by_row(errors + repeated.items)


def _procedure_times(unit: Unit, codes: pandas.Series) -> tuple[numpy.ndarray, numpy.ndarray]:
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
    cut_off: int = CUT_OFF_MINUTES,
) -> ImportResult:
    """A file whose header row uses the standard column names (DOSSIER_COLUMNS)."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        parsed, errors = parse_dossiers(read_table(source, filename), filename)
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
    cut_off: int = CUT_OFF_MINUTES,
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
    cut_off: int,
) -> ImportResult:
    if errors and not good_rows_only:
        rows = len({error.row for error in errors})
        raise ImportRejected(
            f"Tệp {filename} có {rows} dòng lỗi; chưa nhập dòng nào. Sửa các lỗi dưới đây rồi "
            "nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
            errors,
        )
    result = ImportResult(skipped=errors)
    if errors:
        bad = numpy.zeros(len(parsed), dtype=bool)
        bad[[error.row - 2 for error in errors]] = True
        parsed = parsed[~bad]
    if parsed.empty:
        return result
    days, calendar = _procedure_times(unit, parsed["procedure_code"])
    start, due, verdict, differs = classify_days(
        table or _workday_table(),
        received=day_numbers(parsed["received_at"]),
        minutes=minutes_of_day(parsed["received_at"]),
        days=days,
        calendar=calendar,
        supplements=parsed["supplement_count"].to_numpy(dtype=numpy.int64),
        requested=day_numbers(parsed["supplement_requested_at"]),
        completed=day_numbers(parsed["supplement_completed_at"]),
        completed_minutes=minutes_of_day(parsed["supplement_completed_at"]),
        promised=day_numbers(parsed["promised_on"]),
        result_on=day_numbers(parsed["result_on"]),
        cut_off=cut_off,
    )
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
        result.created = upsert_dossiers(unit.pk, columns)
    result.updated = len(columns["code"]) - result.created
    return result


def _workday_table() -> WorkdayTable:
    """The table for the calendar overrides as they are now (built once per set of them)."""
    return WorkdayTable.for_overrides(
        CalendarOverride.objects.values_list("date", "is_working_day", "note")
    )


def _epoch_days(days: numpy.ndarray) -> numpy.ndarray:
    stamps = numpy.datetime64(EPOCH, "D") + days.astype("timedelta64[D]")
    return numpy.where(days == NO_DAY, numpy.datetime64("NaT"), stamps)


def _date_text(values: numpy.ndarray) -> numpy.ndarray:
    """'YYYY-MM-DD' (None for NaT), as Django writes a DateField."""
    return _iso_text(values.astype("datetime64[D]"), with_time=False)


def _iso_text(values: numpy.ndarray, with_time: bool) -> numpy.ndarray:
    """'YYYY-MM-DD[ HH:MM:SS]' for each datetime64 (None for NaT), the digits written into a
    character array with integer arithmetic (numpy.datetime_as_string is several times
    slower). Sub-second parts are left out: the caller deals with them."""
    missing = numpy.isnat(values)
    seconds = values.astype("datetime64[s]")
    days = seconds.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    month_number = months.astype(numpy.int64)
    fields: list[tuple[numpy.ndarray, int] | str] = [
        (month_number // 12 + 1970, 4),
        "-",
        (month_number % 12 + 1, 2),
        "-",
        ((days - months.astype("datetime64[D]")).astype(numpy.int64) + 1, 2),
    ]
    if with_time:
        clock = (seconds - days).astype(numpy.int64)
        fields += [" ", (clock // 3600, 2), ":", (clock // 60 % 60, 2), ":", (clock % 60, 2)]
    width = 19 if with_time else 10
    chars = numpy.empty((len(values), width), dtype=numpy.uint32)
    position = 0
    for item in fields:
        if isinstance(item, str):
            chars[:, position] = ord(item)
            position += 1
            continue
        number, digits = item
        number = numpy.where(missing, 0, number)
        for place in range(digits):
            chars[:, position + place] = 48 + number // 10 ** (digits - 1 - place) % 10
        position += digits
    text = chars.view(f"U{width}").ravel().astype(object)
    text[missing] = None
    return text


def _utc_text(values: numpy.ndarray) -> numpy.ndarray:
    """Naive local datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (None for NaT),
    exactly as Django writes an aware DateTimeField on SQLite, in the current time zone.
    For a zone with DST, an ambiguous time is taken as the first (DST) one, as
    `replace(tzinfo=zone)` does, and a time in the gap moves to its end."""
    from django.utils import timezone

    values = values.astype("datetime64[ns]")
    offset = _fixed_offset(timezone.get_current_timezone())
    if offset is not None:  # Vietnam: +07:00 over the whole range, no DST
        utc = values - offset
    else:
        local = pandas.DatetimeIndex(values).tz_localize(
            timezone.get_current_timezone(),
            ambiguous=numpy.ones(len(values), dtype=bool),
            nonexistent="shift_forward",
        )
        utc = local.tz_convert("UTC").tz_localize(None).to_numpy()
    text = _iso_text(utc, with_time=True)
    fraction = ~numpy.isnat(utc) & (utc != utc.astype("datetime64[s]"))
    if fraction.any():
        precise = numpy.datetime_as_string(utc[fraction], unit="us")
        text[fraction] = numpy.strings.replace(precise, "T", " ").astype(object)
    return text


@lru_cache(maxsize=8)
def _fixed_offset(zone: datetime.tzinfo) -> numpy.timedelta64 | None:
    """The zone's UTC offset when it is the same on every day from 2000 to 2050 (checked at
    each day's start and noon), else None."""
    offsets = {
        zone.utcoffset(datetime.datetime.combine(EPOCH, datetime.time(hour)) + step)
        for hour in (0, 12)
        for step in (datetime.timedelta(days=n) for n in range((LAST_DAY - EPOCH).days + 2))
    }
    if len(offsets) != 1:
        return None
    return numpy.timedelta64(int(offsets.pop().total_seconds()), "s")


def _nullable_bool(values: pandas.Series) -> numpy.ndarray:
    """True/False as Python bools, None where missing."""
    missing = values.isna().to_numpy()
    out = values.where(~missing, False).to_numpy(dtype=bool).astype(object)
    out[missing] = None
    return out


def _nullable(values: numpy.ndarray) -> numpy.ndarray:
    """Whole numbers as Python ints, None for NaN."""
    missing = numpy.isnan(values)
    out = numpy.where(missing, 0, values).astype(numpy.int64).astype(object)
    out[missing] = None
    return out


# Imported and computed columns: a re-import overwrites them. The apology letter columns
# (apology_number, apology_on, new_due_on) are entered in cchc and are never overwritten.
UPSERT_COLUMNS = [
    "code",
    "procedure_code",
    "channel",
    "received_at",
    "promised_on",
    "supplement_count",
    "supplement_requested_at",
    "supplement_completed_at",
    "result_on",
    "returned_on",
    "status",
    "start_on",
    "due_on",
    "verdict",
    "promised_differs",
    "digitised",
]
WRITE_BATCH = 50_000
CSV_CHUNK_ROWS = 200_000
SQLITE_IMPORT_CACHE_KIB = -64 * 1024  # negative: KiB, as PRAGMA cache_size takes it


def _sql_values(columns: dict[str, numpy.ndarray], begin: int, end: int) -> dict[str, list]:
    """Rows begin..end of the typed columns as lists of what the database driver takes:
    str, int, bool or None, dates and datetimes as the text Django writes for them."""
    out = {}
    for name in UPSERT_COLUMNS:
        values = columns[name][begin:end]
        if name in TIMESTAMP_COLUMNS:
            values = _utc_text(values)
        elif values.dtype.kind == "M":
            values = _date_text(values)
        elif name == "status":
            values = _nullable(values.astype(float))
        elif name == "digitised":
            values = _nullable_bool(pandas.Series(values))
        out[name] = values.tolist()
    return out


def upsert_dossiers(unit_id: int, columns: dict[str, numpy.ndarray]) -> int:
    """Insert or update (by unit and code) the dossiers in `columns` (UPSERT_COLUMNS, as
    arrays: text, numbers, booleans, naive local datetime64 for dates and datetimes, NaT or
    NaN or None when missing) without model instances, WRITE_BATCH rows at a time:
    executemany on SQLite, COPY into a temporary table then one INSERT … SELECT … ON
    CONFLICT on PostgreSQL. Returns how many were new. Call inside a transaction; the codes
    must be distinct."""
    quote = connection.ops.quote_name
    table = quote(Dossier._meta.db_table)
    names = ", ".join(quote(name) for name in UPSERT_COLUMNS)
    updates = ", ".join(
        f"{quote(name)} = excluded.{quote(name)}" for name in UPSERT_COLUMNS if name != "code"
    )
    conflict = f"ON CONFLICT ({quote('unit_id')}, {quote('code')}) DO UPDATE SET {updates}"
    if connection.vendor == "postgresql":
        return _copy_upsert(unit_id, columns, table, conflict)
    # Counting before and after, not asking which codes exist: a query with one parameter
    # per code fails beyond SQLite's parameter limit (32,766 by default).
    unit_rows = f"SELECT COUNT(*) FROM {table} WHERE {quote('unit_id')} = %s"
    marks = ", ".join(["%s"] * (len(UPSERT_COLUMNS) + 1))
    sql = (
        f"INSERT INTO {table} ({quote('unit_id')}, {quote('apology_number')}, {names}) "
        f"VALUES ({int(unit_id)}, {marks}) {conflict}"
    )
    with connection.cursor() as cursor:
        cursor.execute(unit_rows, [unit_id])
        before = cursor.fetchone()[0]
        # A bigger page cache for the duration (the default 2 MB thrashes when four indexes
        # grow at once): about a fifth off the write of a large file.
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        bigger = min(cache_size, SQLITE_IMPORT_CACHE_KIB) if cache_size < 0 else cache_size
        cursor.execute(f"PRAGMA cache_size = {int(bigger)}")
        try:
            for begin in range(0, len(columns["code"]), WRITE_BATCH):
                part = _sql_values(columns, begin, begin + WRITE_BATCH)
                rows = zip([""] * len(part["code"]), *part.values(), strict=True)
                cursor.executemany(sql, list(rows))
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.execute(unit_rows, [unit_id])
        return cursor.fetchone()[0] - before


TIMESTAMP_COLUMNS = ("received_at", "supplement_requested_at", "supplement_completed_at")


IMPORT_LOCK = 20_240_601  # pg_advisory_xact_lock namespace: one dossier import per unit


def _copy_upsert(unit_id: int, columns, table: str, conflict: str) -> int:
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in UPSERT_COLUMNS)
    with connection.cursor() as cursor:
        # Imports of one unit wait for each other, so that the first import of a unit can
        # COPY straight into the table (a fifth faster than through ON CONFLICT) without
        # another one adding the same codes meanwhile.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, unit_id])
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {quote('unit_id')} = %s)", [unit_id]
        )
        if not cursor.fetchone()[0]:
            # The UTC text of the timestamps is read in the session's time zone: UTC for
            # this transaction.
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            _copy(
                cursor,
                f"{table} ({quote('unit_id')}, {quote('apology_number')}, {names})",
                columns,
                {"unit_id": unit_id, "apology_number": ""},
            )
            return len(columns["code"])
        # The temporary table holds the UTC text as timestamps without time zone; the INSERT
        # says they are UTC.
        shape = ", ".join(
            f"{quote(name)}::timestamp AS {quote(name)}"
            if name in TIMESTAMP_COLUMNS
            else quote(name)
            for name in UPSERT_COLUMNS
        )
        values = ", ".join(
            f"{quote(name)} AT TIME ZONE 'UTC'" if name in TIMESTAMP_COLUMNS else quote(name)
            for name in UPSERT_COLUMNS
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE cchc_dossier_import ON COMMIT DROP AS "
            f"SELECT {shape} FROM {table} WITH NO DATA"
        )
        _copy(cursor, f"cchc_dossier_import ({names})", columns, {})
        # xmax is 0 on a row version that an INSERT created, not on one an UPDATE made.
        cursor.execute(
            f"WITH written AS (INSERT INTO {table} "
            f"({quote('unit_id')}, {quote('apology_number')}, {names}) "
            f"SELECT {int(unit_id)}, '', {values} FROM cchc_dossier_import {conflict} "
            f"RETURNING (xmax = 0) AS created) "
            f"SELECT COUNT(*) FILTER (WHERE created) FROM written"
        )
        created = cursor.fetchone()[0]
        cursor.execute("DROP TABLE cchc_dossier_import")
    return created


def _copy(cursor, target: str, columns, constants: dict[str, object]) -> None:
    """COPY the rows into `target` (its column list: those of `constants`, then
    UPSERT_COLUMNS) as CSV, a batch at a time."""
    quote = connection.ops.quote_name
    with cursor.cursor.copy(
        f"COPY {target} FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
        f"({', '.join(quote(name) for name in [*constants, 'verdict'] if name != 'unit_id')}))"
    ) as copy:
        for begin in range(0, len(columns["code"]), WRITE_BATCH):
            copy.write(_csv_text(columns, begin, begin + WRITE_BATCH, constants))


def _csv_text(columns, begin: int, end: int, constants: dict[str, object]) -> str:
    """Rows begin..end as CSV for COPY: every column made text with array operations, an
    empty field for NULL, "t"/"f" for booleans; then the rows are joined in C (map and
    str.join, no Python code per row)."""
    fields = []
    size = len(columns["code"][begin:end])
    for value in constants.values():
        fields.append([_csv_quoted(numpy.array([str(value)], dtype=object))[0]] * size)
    for name in UPSERT_COLUMNS:
        values = columns[name][begin:end]
        if values.dtype.kind == "M":
            text = _utc_text(values) if name in TIMESTAMP_COLUMNS else _date_text(values)
            text[numpy.isnat(values)] = ""
        elif name == "status":
            missing = numpy.isnan(values.astype(float))
            text = numpy.where(missing, 0, values).astype(numpy.int64).astype(str)
            text = numpy.where(missing, "", text)
        elif values.dtype == bool:
            text = numpy.where(values, "t", "f")
        elif name == "digitised":
            known = pandas.Series(values).notna().to_numpy()
            text = numpy.where(known, numpy.where(values == True, "t", "f"), "")  # noqa: E712
        elif values.dtype.kind in "iu":
            text = values.astype(str)
        else:
            text = _csv_quoted(values.astype(object))
        fields.append(text.tolist())
    return "\n".join(map(",".join, zip(*fields, strict=True))) + "\n"


def _csv_quoted(text: numpy.ndarray) -> numpy.ndarray:
    """Text values, in double quotes (inner quotes doubled) where CSV needs it."""
    series = pandas.Series(text, dtype=object)
    special = series.str.contains('[",\r\n]', regex=True).to_numpy(dtype=bool)
    if special.any():
        text = text.copy()
        text[special] = ('"' + series[special].str.replace('"', '""') + '"').to_numpy()
    return text


def import_procedures(source: Path | bytes, filename: str, unit: Unit) -> ImportResult:
    """The TTHC catalogue: all-or-nothing, updated by procedure code."""
    frame = read_table(source, filename)
    _check_headers(frame, PROCEDURE_REQUIRED, filename)
    errors: list[RowError] = []
    rows = []
    # A catalogue has hundreds of rows, not millions: a loop per row is fine here.
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2

        def get(header: str, record: dict = record) -> str:
            return record.get(header, "")

        days = get("Thời hạn giải quyết")
        online = ONLINE_LEVELS.get(get("Mức độ DVC").lower())
        time_unit = TIME_UNITS.get(get("Đơn vị thời hạn").lower())
        if not get("Mã TTHC"):
            errors.append(RowError(line, "Mã TTHC", "thiếu mã TTHC"))
        if not days.isdigit():
            errors.append(
                RowError(line, "Thời hạn giải quyết", f"'{days}' phải là số ngày (số nguyên)")
            )
        if online is None:
            errors.append(
                RowError(
                    line,
                    "Mức độ DVC",
                    f"'{get('Mức độ DVC')}' phải là Toàn trình, Một phần hoặc Không",
                )
            )
        if time_unit is None:
            errors.append(
                RowError(
                    line,
                    "Đơn vị thời hạn",
                    f"'{get('Đơn vị thời hạn')}' phải là 'ngày làm việc' hoặc 'ngày'",
                )
            )
        if errors and errors[-1].row == line:
            continue
        rows.append(
            Procedure(
                unit=unit,
                code=get("Mã TTHC"),
                name=get("Tên TTHC"),
                field=get("Lĩnh vực"),
                level=get("Cấp thực hiện"),
                online_level=online,
                processing_time=int(days),
                time_unit=time_unit,
                fee=get("Phí, lệ phí"),
                postal=get("Bưu chính công ích").lower() in ("có", "x", "1"),
            )
        )
    if errors:
        raise ImportRejected(f"Tệp {filename} có lỗi; chưa nhập dòng nào.", errors)
    existing = set(Procedure.objects.filter(unit=unit).values_list("code", flat=True))
    with transaction.atomic():
        Procedure.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["unit", "code"],
            update_fields=[
                "name",
                "field",
                "level",
                "online_level",
                "processing_time",
                "time_unit",
                "fee",
                "postal",
            ],
        )
    updated = sum(1 for row in rows if row.code in existing)
    return ImportResult(created=len(rows) - updated, updated=updated)
