"""Dashboards: the province's (headline figures, who has reported and on time, dossier
on-time and online rates, the last 8 periods) and a unit's own, from the same consolidated
values as the tables, so every chart shows the figures printed beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cchc.base.sources import shared_queries
from cchc.catalog.models import ReportTemplate
from cchc.catalog.values import format_number
from cchc.consolidation.engine import (
    UnitPart,
    consolidate_periods,
    default_template_code,
    newest_template,
    unit_values_of,
    units_below,
)
from cchc.org.models import Unit, UnitKind
from cchc.periods.windows import Window
from cchc.reports.models import Report, Status, read_deadlines

PERIODS = 8
FIGURES = [
    # key, label, decimals; the online rate is computed from two of them (below).
    ("plan_completion_rate", "Tỷ lệ hoàn thành kế hoạch CCHC (%)", 2),
    ("dossiers_received", "Hồ sơ TTHC tiếp nhận", 0),
    ("dossiers_returned", "Hồ sơ TTHC đã giải quyết", 0),
    ("dossiers_on_time_rate", "Tỷ lệ hồ sơ giải quyết trước và đúng hạn (%)", 2),
    ("online_rate", "Tỷ lệ hồ sơ tiếp nhận trực tuyến (%)", 2),
]
ONLINE = ("online_dossiers_received", "online_procedures_dossiers_total")
KEYS = {key for key, _, _ in FIGURES} | set(ONLINE) | {"plan_tasks_total", "plan_tasks_done"}
STATES = [
    ("expected", "Phải báo cáo"),
    ("received", "Đã gửi"),
    ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"),
    ("returned", "Bị trả lại"),
    ("draft", "Đang soạn"),
    ("not_started", "Chưa báo cáo"),
]


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole in %, two decimals; None without a whole to divide by."""
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def recent_windows(window: Window, count: int = PERIODS) -> list[Window]:
    """`window` and the periods of its kind before it, oldest first."""
    windows = [window]
    while len(windows) < count:
        previous = windows[0].previous()
        if previous is None:
            break
        windows.insert(0, previous)
    return windows


@dataclass
class Completeness:
    counts: dict[str, int]
    by_kind: list[tuple[str, dict[str, int]]]

    @property
    def received_rate(self) -> Decimal | None:
        return percent(self.counts["received"], self.counts["expected"])


def _state(part: UnitPart) -> str:
    report = part.report
    if report is None:
        return "not_started"
    if report.status in (Status.SUBMITTED, Status.APPROVED):
        return "late" if report.is_late else "on_time"
    return str(report.status)


def completeness(parts: list[UnitPart], deadlines_read: bool = False) -> Completeness:
    """How many of the units expected have reported, on time or late, and by unit kind
    (`deadlines_read`: the caller has read the reports' deadlines, for several periods at
    once)."""
    if not deadlines_read:
        read_deadlines([part.report for part in parts if part.report is not None])

    def count(selected: list[UnitPart]) -> dict[str, int]:
        states = Counter(_state(part) for part in selected)
        counts = {key: states.get(key, 0) for key, _ in STATES}
        counts["expected"] = len(selected)
        counts["received"] = counts["on_time"] + counts["late"]
        return counts

    kinds = dict(UnitKind.choices)
    by_kind = [
        (str(kinds[kind]), count([p for p in parts if p.unit.kind == kind]))
        for kind in UnitKind.values
        if any(p.unit.kind == kind for p in parts)
    ]
    return Completeness(count(parts), by_kind)


@dataclass
class PeriodFigures:
    window: Window
    values: dict[str, Decimal | None]
    completeness: Completeness
    shown: dict[str, str] = field(default_factory=dict)


def _figures(values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    figures = {key: values.get(key) for key, _, _ in FIGURES if key != "online_rate"}
    online, total = (values.get(key) for key in ONLINE)
    figures["online_rate"] = percent(online, total)
    return figures


def _shown(figures: dict[str, Decimal | None]) -> dict[str, str]:
    return {
        key: format_number(figures[key], decimals) if figures.get(key) is not None else ""
        for key, _, decimals in FIGURES
    }


@dataclass
class ProvinceDashboard:
    root: Unit
    template: ReportTemplate
    include: str
    periods: list[PeriodFigures]

    @property
    def current(self) -> PeriodFigures:
        return self.periods[-1]

    def chart(self) -> dict:
        labels = [p.window.code for p in self.periods]

        def series(key: str) -> list[float | None]:
            return [
                float(v) if (v := p.values.get(key)) is not None else None for p in self.periods
            ]

        return {
            "rates": {
                "type": "line",
                "labels": labels,
                "decimals": 2,
                "series": [
                    {"label": label, "values": series(key)}
                    for key, label, _ in FIGURES
                    if key.endswith("rate")
                ],
            },
            "dossiers": {
                "type": "line",
                "labels": labels,
                "decimals": 0,
                "series": [
                    {"label": label, "values": series(key)}
                    for key, label, _ in FIGURES
                    if key in ("dossiers_received", "dossiers_returned")
                ],
            },
            "reporting": {
                "type": "line",
                "labels": labels,
                "decimals": 0,
                "series": [
                    {
                        "label": label,
                        "values": [p.completeness.counts[state] for p in self.periods],
                    }
                    for state, label in STATES[:4]
                ],
            },
        }


def province_dashboard(
    root: Unit, window: Window, template_code: str | None, include: str
) -> ProvinceDashboard:
    """The last PERIODS periods of `window`'s kind, each consolidated for the figures shown
    (the template and its indicators read once for all of them)."""
    with shared_queries():
        return _province_dashboard(root, window, template_code, include)


def _province_dashboard(
    root: Unit, window: Window, template_code: str | None, include: str
) -> ProvinceDashboard:
    below = units_below(root)
    template = newest_template(
        template_code or default_template_code({u.pk for u in below}, window)
    )
    keys = KEYS & set(template.indicators.values_list("key", flat=True))
    results = consolidate_periods(root, recent_windows(window), template.code, include, keys, below)
    read_deadlines(part.report for result in results for part in result.parts if part.report)
    periods = []
    for result in results:
        figures = _figures(result.values)
        periods.append(
            PeriodFigures(result.window, figures, completeness(result.parts, True), _shown(figures))
        )
    return ProvinceDashboard(root, template, include, periods)


@dataclass
class UnitPeriod:
    window: Window
    report: Report | None
    values: dict[str, Decimal | None]
    shown: dict[str, str]


def unit_dashboard(unit: Unit, window: Window, template_code: str) -> list[UnitPeriod]:
    """The unit's own figures in each of the last PERIODS periods, from its reports of the
    template whatever their state (the state is shown beside them)."""
    windows = recent_windows(window)
    reports = {
        r.period.code: r
        for r in Report.objects.filter(
            unit=unit, period__code__in=[w.code for w in windows], template__code=template_code
        ).select_related("period", "template", "unit")
    }
    template = newest_template(template_code)
    keys = KEYS & set(template.indicators.values_list("key", flat=True))
    values = unit_values_of(unit, list(reports.values()), keys)
    read_deadlines(reports.values())
    rows = []
    for each in windows:
        report = reports.get(each.code)
        figures = _figures(values.get(report.pk, {}) if report else {})
        rows.append(UnitPeriod(each, report, figures, _shown(figures)))
    return rows
