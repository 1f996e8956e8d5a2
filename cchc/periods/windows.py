"""Reporting period codes and their data cut-off windows (Nghị định 09/2019/NĐ-CP).

M8-2021   month:        15/07/2021 - 14/08/2021
Q3-2022   quarter:      15/06/2022 - 14/09/2022
H1-2024   first half:   15/12/2023 - 14/06/2024
H2-2024   second half:  15/06/2024 - 14/12/2024
9M-2024   nine months:  15/12/2023 - 14/09/2024
Y-2022    year:         15/12/2021 - 14/12/2022
C-20240101-20240731     custom window (also typed as 01/01/2024-31/07/2024)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

CUT_OFF_DAY = 15  # a window runs from the 15th to the 14th


class PeriodCodeError(ValueError):
    pass


@dataclass(frozen=True)
class Window:
    code: str
    kind: str  # month | quarter | half | nine_months | year | custom
    year: int | None
    number: int | None
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"tháng {self.number} năm {self.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[self.number or 0]} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        if self.kind == "nine_months":
            return f"9 tháng năm {self.year}"
        if self.kind == "year":
            return f"năm {self.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def text(self) -> str:
        return f"{self.start:%d/%m/%Y} - {self.end:%d/%m/%Y}"

    def previous(self) -> Window | None:
        """The period just before this one, of the same kind (Q1 → Q4 of last year)."""
        if self.kind == "month":
            assert self.year and self.number
            if self.number == 1:
                return parse_period(f"M12-{self.year - 1}")
            return parse_period(f"M{self.number - 1}-{self.year}")
        if self.kind == "quarter":
            assert self.year and self.number
            if self.number == 1:
                return parse_period(f"Q4-{self.year - 1}")
            return parse_period(f"Q{self.number - 1}-{self.year}")
        if self.kind == "half":
            assert self.year
            if self.number == 1:
                return parse_period(f"H2-{self.year - 1}")
            return parse_period(f"H1-{self.year}")
        return self.same_period_last_year()

    def same_period_last_year(self) -> Window | None:
        if self.year is None:
            return None
        return parse_period(self.code.replace(str(self.year), str(self.year - 1)))


ROMAN = ["", "I", "II", "III", "IV"]


def calendar_window(window: Window) -> Window:
    """The calendar months of a period (Q3 = 01/07 → 30/09) instead of its reporting
    window (15/06 → 14/09): what an index scored by calendar month, quarter or year counts
    (the national portal's QĐ 766 index). A custom window stays as it is."""
    if window.year is None or window.kind == "custom":
        return window
    first, last = {
        "month": (window.number, window.number),
        "quarter": (3 * (window.number or 1) - 2, 3 * (window.number or 1)),
        "half": (1, 6) if window.number == 1 else (7, 12),
        "nine_months": (1, 9),
        "year": (1, 12),
    }[window.kind]
    assert first is not None and last is not None
    start = datetime.date(window.year, first, 1)
    following = datetime.date(window.year + (last == 12), last % 12 + 1, 1)
    return replace(window, start=start, end=following - datetime.timedelta(days=1))


_PATTERNS = [
    (re.compile(r"^M(1[0-2]|[1-9])-(\d{4})$"), "month"),
    (re.compile(r"^Q([1-4])-(\d{4})$"), "quarter"),
    (re.compile(r"^H([12])-(\d{4})$"), "half"),
    (re.compile(r"^9M-(\d{4})$"), "nine_months"),
    (re.compile(r"^Y-(\d{4})$"), "year"),
]
_CUSTOM_CODE = re.compile(r"^C-(\d{8})-(\d{8})$")
_CUSTOM_TEXT = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})\s*(?:-|–|đến)\s*(\d{1,2}/\d{1,2}/\d{4})$")


def _day(year: int, month: int, day: int) -> datetime.date:
    """Day in a month counted from January of `year`, month 0 meaning December before."""
    if month <= 0:
        return datetime.date(year - 1, 12 + month, day)
    return datetime.date(year, month, day)


def _window(start_month: int, end_month: int, year: int) -> tuple[datetime.date, datetime.date]:
    return _day(year, start_month, CUT_OFF_DAY), _day(year, end_month, CUT_OFF_DAY - 1)


def parse_period(code: str) -> Window:
    """Parse a period code into its window; raises PeriodCodeError with a Vietnamese message."""
    raw = code.strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        groups = match.groups()
        year = int(groups[-1])
        number = int(groups[0]) if len(groups) == 2 else None
        if kind == "month":
            assert number is not None
            start, end = _window(number - 1, number, year)
        elif kind == "quarter":
            assert number is not None
            start, end = _window(3 * number - 3, 3 * number, year)
        elif kind == "half":
            start, end = _window(0, 6, year) if number == 1 else _window(6, 12, year)
        elif kind == "nine_months":
            start, end = _window(0, 9, year)
        else:
            start, end = _window(0, 12, year)
        return Window(raw, kind, year, number, start, end)

    match = _CUSTOM_CODE.match(raw)
    if match:
        try:
            start = datetime.datetime.strptime(match.group(1), "%Y%m%d").date()
            end = datetime.datetime.strptime(match.group(2), "%Y%m%d").date()
        except ValueError as exc:
            raise PeriodCodeError(f"Kỳ báo cáo '{code}': ngày không hợp lệ.") from exc
        return custom_window(start, end)
    match = _CUSTOM_TEXT.match(code.strip())
    if match:
        try:
            start = datetime.datetime.strptime(match.group(1), "%d/%m/%Y").date()
            end = datetime.datetime.strptime(match.group(2), "%d/%m/%Y").date()
        except ValueError as exc:
            raise PeriodCodeError(f"Kỳ báo cáo '{code}': ngày không hợp lệ.") from exc
        return custom_window(start, end)
    raise PeriodCodeError(
        f"Không hiểu mã kỳ báo cáo '{code}'. Dùng M8-2021, Q3-2022, H1-2024, H2-2024, "
        "9M-2024, Y-2022 hoặc khoảng ngày 01/01/2024-31/07/2024."
    )


def custom_window(start: datetime.date, end: datetime.date) -> Window:
    if end < start:
        raise PeriodCodeError(
            f"Kỳ báo cáo tùy chọn: ngày kết thúc {end:%d/%m/%Y} "
            f"trước ngày bắt đầu {start:%d/%m/%Y}."
        )
    return Window(f"C-{start:%Y%m%d}-{end:%Y%m%d}", "custom", None, None, start, end)


def current_quarter(today: datetime.date) -> str:
    """The quarter whose data window holds today (15/12 opens Q1 of the next year): what a
    register page shows when no period is asked for."""
    for year in (today.year, today.year + 1):
        for number in range(1, 5):
            window = parse_period(f"Q{number}-{year}")
            if window.start <= today <= window.end:
                return window.code
    raise AssertionError("every day lies in a quarter window")
