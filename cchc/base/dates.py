"""Dates as officials' files write them, read a column at a time: dd/mm/yyyy or dd/mm/yy
(20yy), ISO yyyy-mm-dd, each with or without a time, and Excel serial day numbers (a date
column left unformatted). Shared by the dossier import and the work registers' imports."""

from __future__ import annotations

import calendar
import re

import numpy
import pandas

# dd/mm/yy (with or without a time): the year is 20yy, which the format list then reads.
TWO_DIGIT_YEAR = r"^(\d{1,2}/\d{1,2})/(\d{2})(?=\s|$)"
# A number of days as Excel stores a date (a date column left unformatted gives 44834, or
# 44834.5 for noon); the day-range check then rejects serials outside 2000–2050.
EXCEL_SERIAL = r"\d{5}(?:\.\d+)?"
EXCEL_DAY_ZERO = numpy.datetime64("1899-12-30", "ns")


def parse_dates(raw: pandas.Series, with_time: bool) -> tuple[numpy.ndarray, numpy.ndarray]:
    """datetime64[ns] (NaT for a blank or a value in none of the formats), and which cells
    are blank (empty or only spaces). The usual zero-padded dd/mm/yyyy[ HH:MM] is decoded
    with array arithmetic; what is left is stripped and tried format by format, each on
    what is still unparsed: dd/mm/yyyy or dd/mm/yy (20yy), ISO yyyy-mm-dd, each with or
    without a time, and Excel serial day numbers (44834 is 30/09/2022)."""
    formats = (
        [
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d",
        ]
        if with_time
        else [
            "%d/%m/%Y",
            "%Y-%m-%d",
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
    )
    parsed = numpy.full(len(raw), numpy.datetime64("NaT", "ns"))
    blank = (raw == "").to_numpy().copy()
    todo = ~blank
    if todo.any():
        rows = numpy.flatnonzero(todo)
        parsed[rows] = fixed_width_dates(raw.iloc[rows].to_numpy(dtype="U17"))
        todo[rows] = numpy.isnat(parsed[rows])
    if todo.any():
        rest = raw[todo].str.strip().str.replace(TWO_DIGIT_YEAR, r"\1/20\2", regex=True)
        parsed_rest = numpy.full(len(rest), numpy.datetime64("NaT", "ns"))
        left = (rest != "").to_numpy().copy()
        blank[todo] = ~left
        serial = left & rest.str.fullmatch(EXCEL_SERIAL).to_numpy(dtype=bool)
        if serial.any():
            days = rest[serial].astype("float64").to_numpy()
            if not with_time:
                days = numpy.floor(days)
            parsed_rest[serial] = EXCEL_DAY_ZERO + (days * 86_400e9).astype("timedelta64[ns]")
            left &= ~serial
        for fmt in formats:
            if not left.any():
                break
            found = pandas.to_datetime(rest[left], format=fmt, errors="coerce")
            parsed_rest[left] = found.to_numpy("datetime64[ns]")
            left[left] = numpy.isnat(parsed_rest[left])
        parsed[todo] = parsed_rest
    return parsed, blank


def fixed_width_dates(text: numpy.ndarray) -> numpy.ndarray:
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


_DAY_MONTH_YEAR = re.compile(
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)


def not_a_date(value: str, expected: str = "dd/mm/yyyy") -> str:
    """Why a cell is not a date, in the user's words: a day that is not in the calendar
    ('31/09/22': tháng 9 chỉ có 30 ngày) rather than a format it already follows."""
    text = value.strip()
    found = _DAY_MONTH_YEAR.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        year += 2000 if year < 100 else 0
        if not 1 <= month <= 12:
            return f"'{text}' có tháng {month}, không có trong lịch"
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"'{text}' không có trong lịch: tháng {month}/{year} chỉ có {last} ngày"
    return f"'{text}' không phải ngày {expected}"
