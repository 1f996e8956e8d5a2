"""The Vietnamese working-day calendar.

Monday to Friday, minus the public holidays the `holidays` package knows for Vietnam
(Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and its adjacent day, observed days), then
the yearly overrides kept in the database: extra days off and working Saturdays
announced by government notice each year.

A day off around Tết is named by its lunar date ("Tết Nguyên đán, 28 tháng Chạp"), read
from the Vietnamese lunar calendar of `lunar-vn` (Hồ Ngọc Đức's algorithm, UTC+7): the
`holidays` package calls the second day before mùng 1 "29 Tết" even when tháng Chạp has
29 days and that day is the 28th (27/01/2025).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from lunar_vn import solar_to_lunar

MAX_SCAN_DAYS = 3660  # a deadline never lies ten years away; stops runaway loops on bad input


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


# The lunar days a Tết break can span: from the 20th of tháng Chạp to mùng 10 tháng Giêng.
TET_FROM_DAY_OF_CHAP = 20
TET_UNTIL_DAY_OF_GIENG = 10


def tet_day_name(day: datetime.date) -> str | None:
    """'28 tháng Chạp', 'giao thừa 29 tháng Chạp', 'mùng 1 tháng Giêng' for a day of the
    Tết season; None for any other day."""
    lunar = solar_to_lunar(day)
    if lunar.leap:
        return None
    if lunar.month == 12 and lunar.day >= TET_FROM_DAY_OF_CHAP:
        eve = solar_to_lunar(day + datetime.timedelta(days=1)).month == 1
        return ("giao thừa " if eve else "") + f"{lunar.day} tháng Chạp"
    if lunar.month == 1 and lunar.day <= TET_UNTIL_DAY_OF_GIENG:
        return f"mùng {lunar.day} tháng Giêng"
    return None


@lru_cache(maxsize=4096)
def _tet_day_name(day: datetime.date) -> str | None:
    return tet_day_name(day)


def _is_tet_holiday(name: str) -> bool:
    return "Tết" in name and "Dương lịch" not in name


@dataclass
class WorkingCalendar:
    extra_days_off: dict[datetime.date, str] = field(default_factory=dict)
    working_days: dict[datetime.date, str] = field(default_factory=dict)

    @classmethod
    def from_overrides(
        cls, overrides: Iterable[tuple[datetime.date, bool, str]]
    ) -> WorkingCalendar:
        """Build from (date, is_working_day, note) rows."""
        calendar = cls()
        for day, is_working, note in overrides:
            if is_working:
                calendar.working_days[day] = note
            else:
                calendar.extra_days_off[day] = note
        return calendar

    def day_off_reason(self, day: datetime.date) -> str | None:
        """Why `day` is not a working day, in Vietnamese; None for a working day. A day off
        in the Tết season says its lunar date: 'Tết Nguyên đán, 28 tháng Chạp',
        'Thứ Bảy, 26 tháng Chạp'."""
        reason = self._plain_reason(day)
        if reason is None:
            return None
        lunar = _tet_day_name(day)
        if lunar is None:
            return reason
        if _is_tet_holiday(reason) and day not in self.extra_days_off:
            return f"Tết Nguyên đán, {lunar}"
        return f"{reason}, {lunar}"

    def _plain_reason(self, day: datetime.date) -> str | None:
        if day in self.working_days:
            return None
        if day in self.extra_days_off:
            return self.extra_days_off[day] or "Ngày nghỉ theo thông báo"
        holiday = _public_holidays(day.year).get(day)
        if holiday:
            return holiday
        if day.weekday() == 5:
            return "Thứ Bảy"
        if day.weekday() == 6:
            return "Chủ nhật"
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day_off_reason(day) is None

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `day` (count 0: `day` itself if it is a working day,
        else the next working day)."""
        if count < 0:
            raise ValueError("count must not be negative")
        current = day
        if count == 0:
            return self.next_working_day(current, include_self=True)
        for _ in range(MAX_SCAN_DAYS):
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                count -= 1
                if count == 0:
                    return current
        raise ValueError("no working day found within ten years")

    def next_working_day(self, day: datetime.date, include_self: bool = False) -> datetime.date:
        current = day if include_self else day + datetime.timedelta(days=1)
        for _ in range(MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current += datetime.timedelta(days=1)
        raise ValueError("no working day found within ten years")

    def skipped_days(
        self, start: datetime.date, end: datetime.date
    ) -> list[tuple[datetime.date, str]]:
        """Days off strictly between start and end, with the reason for each."""
        skipped = []
        current = start + datetime.timedelta(days=1)
        while current < end:
            reason = self.day_off_reason(current)
            if reason:
                skipped.append((current, reason))
            current += datetime.timedelta(days=1)
        return skipped


EPOCH = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2050, 12, 31)


class WorkdayTable:
    """The working-day calendar as arrays over every day from 2000 to 2050, so that deadlines
    for a million dossiers are computed with array operations instead of a loop per dossier.

    Days are integers: days since 2000-01-01. `cumulative[d]` counts working days in [0, d].
    Built with numpy: weekends from the day number, then the public holidays, the extra days
    off and the worked days set by index, in the precedence `WorkingCalendar` uses.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:
        import numpy

        self.calendar = calendar
        size = (LAST_DAY - EPOCH).days + 1
        weekday = (numpy.arange(size) + EPOCH.weekday()) % 7
        working = weekday < 5
        public = [
            (day - EPOCH).days
            for year in range(EPOCH.year, LAST_DAY.year + 1)
            for day in _public_holidays(year)
        ]
        working[_indices(public, size)] = False
        working[_indices([(d - EPOCH).days for d in calendar.extra_days_off], size)] = False
        working[_indices([(d - EPOCH).days for d in calendar.working_days], size)] = True
        self.working = working
        self.cumulative = numpy.cumsum(working, dtype=numpy.int64)
        # next_working[d]: the first working day on or after d.
        positions = numpy.where(working, numpy.arange(size), size)
        self.next_working = numpy.minimum.accumulate(positions[::-1])[::-1]
        self.size = size

    @classmethod
    def for_overrides(cls, overrides: Iterable[tuple[datetime.date, bool, str]]) -> WorkdayTable:
        """The table for these (date, is_working_day, note) override rows, built once per
        distinct set of rows: a changed, added or deleted override gives a new table."""
        return _table_for(tuple(sorted(overrides)))

    @staticmethod
    def day_number(day: datetime.date) -> int:
        return (day - EPOCH).days

    @staticmethod
    def to_date(number: int) -> datetime.date:
        return EPOCH + datetime.timedelta(days=int(number))

    def next_working_day(self, days):
        """First working day on or after each day (array or int)."""
        return self.next_working[days]

    def add_working_days(self, start, count):
        """The `count`-th working day after each start day (count 0: the start day itself when
        it is a working day). `start` and `count` are arrays or ints."""
        import numpy

        # The first day whose running count reaches start's count + `count` is the count-th
        # working day after start; for count 0 it is the next working day on or after start.
        found = numpy.searchsorted(self.cumulative, self.cumulative[start] + count, side="left")
        return numpy.where(numpy.asarray(count) == 0, self.next_working[start], found)

    def working_days_between(self, after, until):
        """Working days d with after < d <= until."""
        return self.cumulative[until] - self.cumulative[after]


def _indices(days: list[int], size: int):
    import numpy

    found = numpy.asarray(days, dtype=numpy.int64)
    return found[(found >= 0) & (found < size)]


@lru_cache(maxsize=8)
def _table_for(overrides: tuple[tuple[datetime.date, bool, str], ...]) -> WorkdayTable:
    table = WorkdayTable(WorkingCalendar.from_overrides(overrides))
    # Shared between imports: nobody may change it in place.
    for array in (table.working, table.cumulative, table.next_working):
        array.flags.writeable = False
    return table
