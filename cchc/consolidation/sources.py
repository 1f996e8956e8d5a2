"""Sources a province's own report is filled from (`source:` in its template): the figures
of the units below it, consolidated from their approved reports of the same period
(`units.<indicator key>`), and how many of them reported (`reports.expected`, `.counted`,
`.on_time`, `.late`)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from cchc.base import sources
from cchc.consolidation.engine import APPROVED, Across, consolidate_all
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.windows import Window, custom_window
from cchc.reports.models import read_deadlines

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
REPORT_COUNTS = {
    "expected": "Số cơ quan, đơn vị phải báo cáo",
    "counted": "Số cơ quan, đơn vị có báo cáo đã phê duyệt",
    "on_time": "Số cơ quan, đơn vị gửi báo cáo đúng hạn",
    "late": "Số cơ quan, đơn vị gửi báo cáo trễ hạn",
}


def _window(start: datetime.date, end: datetime.date) -> Window:
    period = Period.objects.filter(start=start, end=end).exclude(kind="custom").first()
    return period.window if period else custom_window(start, end)


def across(unit: Unit, start: datetime.date, end: datetime.date) -> Across:
    """The consolidation below `unit`, once per pre-fill (shared by all its sources)."""
    return sources.shared(
        ("consolidation", unit.pk, start, end),
        lambda: consolidate_all(unit, _window(start, end), APPROVED),
    )


def unit_figure(key: str, unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
    """The units' consolidated figure of `key`; None when no counted report has it."""
    return across(unit, start, end).values.get(key)


def report_count(name: str, unit: Unit, start: datetime.date, end: datetime.date) -> Decimal:
    result = across(unit, start, end)
    if name == "expected":
        return Decimal(len(result.parts))
    if name == "counted":
        return Decimal(len(result.counted))
    sent = [part.report for part in result.parts if part.counted and part.report is not None]
    read_deadlines(sent)
    late = sum(1 for report in sent if report.is_late)
    return Decimal(late if name == "late" else len(sent) - late)


sources.register_family(
    "units",
    "Tổng hợp từ báo cáo đã phê duyệt của các cơ quan, đơn vị",
    unit_figure,
    lambda rest: bool(KEY.match(rest)),
)
sources.register_family(
    "reports",
    "Tình hình gửi báo cáo của các cơ quan, đơn vị",
    report_count,
    REPORT_COUNTS.__contains__,
)
