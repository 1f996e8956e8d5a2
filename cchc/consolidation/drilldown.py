"""The units' values behind one consolidated value: for each unit expected, its value, the
state of its report, where the figure came from (register, typed, formula), its evidence and
note, and the report one click away."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.catalog.models import Consolidation, Indicator, ValueType
from cchc.catalog.values import format_number
from cchc.consolidation.engine import Consolidated, UnitPart, places
from cchc.reports.models import Evidence, Report, Source, Status, Value

SORTS = {
    "unit": "Đơn vị",
    "value": "Số liệu",
    "status": "Trạng thái",
}


@dataclass
class DrillRow:
    part: UnitPart
    value: Decimal | None
    shown: str
    state: str
    source: str
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    by_period: list[tuple[str, str]] = field(default_factory=list)  # (period label, value)

    @property
    def unit(self):
        return self.part.unit

    @property
    def report(self) -> Report | None:
        return self.part.report or (self.part.reports[-1] if self.part.reports else None)


def _state(part: UnitPart, counted_label: str) -> str:
    if part.counted and part.report is not None:
        return f"{part.report.get_status_display()} — {counted_label}"
    if part.counted:
        used = ", ".join(r.period.code for r in part.reports)
        lacking = f"; thiếu {', '.join(part.lacking_periods)}" if part.lacking_periods else ""
        return f"Tổng hợp từ các kỳ {used}{lacking}"
    if part.report is None:
        return "Chưa báo cáo — không tính"
    if part.report.status == Status.SUBMITTED:
        return "Đã gửi, chưa phê duyệt — không tính"
    return f"{part.report.get_status_display()} — không tính"


@dataclass
class Stored:
    """What the drill-down shows of a stored value (read as plain rows, not models)."""

    source: str
    override_reason: str
    note: str


def _source(indicator: Indicator, values: list[Stored]) -> str:
    if indicator.is_derived:
        return f"Tính theo công thức: {indicator.formula}"
    labels = []
    for value in values:
        if value.source == Source.REGISTER and value.override_reason:
            labels.append(f"Sửa số liệu sổ theo dõi ({value.override_reason})")
        elif value.source == Source.REGISTER:
            labels.append("Từ sổ theo dõi")
        else:
            labels.append(str(Source(value.source).label))
    return "; ".join(dict.fromkeys(labels))


def drill_rows(result: Consolidated, key: str, sort: str = "") -> list[DrillRow]:
    indicator = result.indicator(key)
    decimals = indicator.decimals
    reports = [r for part in result.parts for r in part.reports]
    stored: dict[int, list[Stored]] = defaultdict(list)
    rows_read = Value.objects.filter(report__in=reports, indicator__key=key).values_list(
        "report_id", "source", "override_reason", "note"
    )
    for report_id, source, reason, note in rows_read:
        stored[report_id].append(Stored(source, reason, note))
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(report__in=reports, indicator__key=key).order_by("pk"):
        evidence[item.report_id].append(item)
    rows = []
    for part in result.parts:
        figure = result.unit_values.get(key, {}).get(part.unit.pk) if part.counted else None
        values = [v for r in part.reports for v in stored[r.pk]]
        row = DrillRow(
            part=part,
            value=figure,
            shown=format_number(figure, decimals) if figure is not None else "",
            state=_state(part, "được tính"),
            source=_source(indicator, values) if part.counted else "",
            note="\n".join(v.note for v in values if v.note),
            evidence=[e for r in part.reports for e in evidence[r.pk]],
        )
        if len(part.reports) > 1:
            row.by_period = [
                (r.period.code, format_number(result.period_values[r.pk].get(key), decimals))
                for r in part.reports
            ]
        rows.append(row)
    return _sorted(rows, sort)


def _sorted(rows: list[DrillRow], sort: str) -> list[DrillRow]:
    field_name = sort.lstrip("-")
    reverse = sort.startswith("-")
    if field_name == "value":
        # Units without a value stay last whichever way the values are sorted.
        with_value = sorted(
            (r for r in rows if r.value is not None),
            key=lambda r: r.value or Decimal(0),
            reverse=reverse,
        )
        return with_value + [r for r in rows if r.value is None]
    if field_name == "status":
        return sorted(rows, key=lambda r: (not r.part.counted, r.state), reverse=reverse)
    if field_name == "unit":
        return sorted(rows, key=lambda r: r.unit.name, reverse=reverse)
    return rows


def chart_data(result: Consolidated, key: str, rows: list[DrillRow]) -> dict:
    """What the browser draws: one bar per unit with a value, in the table's order, the
    consolidated value as a line (the same figures as the table)."""
    indicator = result.indicator(key)
    shown = [row for row in rows if row.value is not None]
    total = result.values.get(key)
    comparable = indicator.value_type == ValueType.PERCENT or indicator.consolidation in {
        Consolidation.AVG,
        Consolidation.WEIGHTED,
    }
    if not comparable:
        total = None  # a sum is no bar among its parts
    return {
        "type": "bar",
        "title": indicator.label,
        "unit": indicator.unit,
        "labels": [row.unit.name for row in shown],  # short names repeat ("UBND phường")
        "values": [float(row.value) for row in shown if row.value is not None],
        "decimals": indicator.decimals,
        "total": float(total) if total is not None else None,
        "total_label": f"Chung: {format_number(total, places(indicator))}"
        if total is not None
        else "",
    }
