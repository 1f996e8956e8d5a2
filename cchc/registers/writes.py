"""Writing a unit's classified dossiers to the database in bulk: the typed columns the import
computed go straight into SQL (executemany of an upsert on SQLite; COPY on PostgreSQL) without
model instances, stored exactly as Django stores them, and the columns users enter in cchc
(the apology letter) are never overwritten."""

from __future__ import annotations

import datetime
from functools import lru_cache

import numpy
import pandas
from django.db import connection

from cchc.periods.workdays import EPOCH, LAST_DAY
from cchc.registers.models import Dossier


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
    offset = offsets.pop() if len(offsets) == 1 else None
    if offset is None:
        return None
    return numpy.timedelta64(int(offset.total_seconds()), "s")


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
    "fee_due",
    "paid_online",
    "electronic_result",
]
# What the file says yes or no to, None when it does not tell.
NULLABLE_BOOLEANS = ("digitised", "fee_due", "paid_online", "electronic_result")
WRITE_BATCH = 50_000
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
        elif name in NULLABLE_BOOLEANS:
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
        elif name in NULLABLE_BOOLEANS:
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
