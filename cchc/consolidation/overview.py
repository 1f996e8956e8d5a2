"""Who has reported for a period: the consolidator's view."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from cchc.org.models import Unit, UnitKind, UnitQuerySet
from cchc.periods.models import Period, working_calendar
from cchc.reports.models import Report, Status

NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: "Chưa báo cáo",
    Status.DRAFT: "Đang soạn",
    "submitted_on_time": "Đã gửi đúng hạn",
    "submitted_late": "Đã gửi trễ hạn",
    Status.RETURNED: "Bị trả lại",
    Status.APPROVED: "Đã phê duyệt",
}


@dataclass
class OverviewRow:
    unit: Unit
    report: Report | None

    @property
    def state(self) -> str:
        if self.report is None:
            return NOT_STARTED
        if self.report.status == Status.SUBMITTED:
            return "submitted_late" if self.report.is_late else "submitted_on_time"
        return self.report.status

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class Overview:
    rows: list[OverviewRow]

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        counter = Counter(row.state for row in self.rows)
        return [(state, label, counter.get(state, 0)) for state, label in STATE_LABELS.items()]

    @property
    def sent(self) -> int:
        return sum(
            1
            for row in self.rows
            if row.state in ("submitted_on_time", "submitted_late", Status.APPROVED)
        )


def period_overview(period: Period, units: UnitQuerySet) -> Overview:
    """Units that must report and were open during the period (or have a report for it)."""
    calendar = working_calendar()
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(period__code=period.code, unit__in=units).select_related(
            "period", "template"
        )
    }
    for report in reports.values():
        report.use_calendar(calendar)  # lateness on today's calendar, read once
    units = units.filter(
        Q(must_report=True, valid_from__lte=period.end)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        | Q(pk__in=reports.keys())
    ).select_related("parent")
    kind_rank = {kind: rank for rank, kind in enumerate(UnitKind.values)}
    ordered = sorted(units, key=lambda unit: (kind_rank[unit.kind], unit.code))
    return Overview([OverviewRow(unit, reports.get(unit.pk)) for unit in ordered])
