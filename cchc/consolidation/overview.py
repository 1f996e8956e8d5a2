"""Who has reported for a period, and across periods: the consolidator's submission tracking.

A unit is expected for a period when it must report and was open during the period, or when
it has a report for it. Its deadline is its report's (the template's working days after the
cut-off, on today's calendar) or, with no report yet, that of a report started now; an
extension granted by Sở Nội vụ moves it later. Lateness is counted in working days after
that deadline (cchc.reports.models.working_days_late)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cchc.org.models import Unit, UnitKind, UnitQuerySet
from cchc.periods.models import Period, working_calendar
from cchc.periods.workdays import WorkingCalendar
from cchc.reports.models import (
    DeadlineExtension,
    Report,
    Status,
    applicable_deadline,
    working_days_late,
)
from cchc.reports.services import WorkflowError, default_template

NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: "Chưa báo cáo",
    Status.DRAFT: "Đang soạn",
    "submitted_on_time": "Đã gửi đúng hạn",
    "submitted_late": "Đã gửi trễ hạn",
    Status.RETURNED: "Bị trả lại",
    Status.APPROVED: "Đã phê duyệt",
}
# The counts of the overview, in the order shown (page and XLSX).
COUNT_LABELS = {
    "expected": "Phải báo cáo",
    "received": "Đã gửi",
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "not_started": "Chưa báo cáo",
    "draft": "Đang soạn",
    "returned": "Bị trả lại",
    "overdue": "Quá hạn chưa gửi",
    "acknowledged": "Đã tiếp nhận",
}
KIND_RANK = {kind: rank for rank, kind in enumerate(UnitKind.values)}
HISTORY_LENGTH = 8


@dataclass
class OverviewRow:
    unit: Unit
    report: Report | None
    regular_deadline: datetime.date | None  # None: no template loaded, so no deadline yet
    extension: DeadlineExtension | None
    today: datetime.date
    calendar: WorkingCalendar = field(repr=False)

    @property
    def deadline(self) -> datetime.date | None:
        """The deadline that applies to the unit, its extension included."""
        if self.regular_deadline is None:
            return None
        return applicable_deadline(self.regular_deadline, self.extension)

    @property
    def is_extended(self) -> bool:
        return self.deadline is not None and self.deadline != self.regular_deadline

    @property
    def status(self) -> str:
        return self.report.status if self.report is not None else NOT_STARTED

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.is_received

    @property
    def sent_at(self) -> datetime.datetime | None:
        return self.report.submitted_at if self.received and self.report else None

    @property
    def late(self) -> bool | None:
        """Received after its deadline; None while not received."""
        if not self.received or self.report is None:
            return None
        return bool(self.report.is_late)

    @property
    def days_late(self) -> int | None:
        """Working days after the deadline a received report came (0 on time)."""
        if not self.received or self.report is None:
            return None
        return self.report.days_late

    @property
    def days_overdue(self) -> int | None:
        """For a unit that has not sent (or was sent back): working days since the deadline
        so far; None before the deadline has passed."""
        if self.received or self.deadline is None or self.today <= self.deadline:
            return None
        return working_days_late(self.deadline, self.today, self.calendar)

    @property
    def acknowledged(self) -> bool:
        return self.report is not None and self.report.is_acknowledged

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

    @property
    def timeliness(self) -> str:
        """Đúng hạn / Trễ 3 ngày làm việc / Quá hạn 2 ngày làm việc, or blank."""
        if self.days_late is not None:
            return f"Trễ {self.days_late} ngày làm việc" if self.late else "Đúng hạn"
        if self.days_overdue is not None:
            return f"Quá hạn {self.days_overdue} ngày làm việc"
        return ""

    @property
    def buckets(self) -> set[str]:
        """The counts this row adds to (keys of COUNT_LABELS)."""
        found = {"expected"}
        if self.received:
            found |= {"received", "late" if self.late else "on_time"}
            if self.acknowledged:
                found.add("acknowledged")
        else:
            found.add(self.status)
            if self.days_overdue is not None:
                found.add("overdue")
        return found


def count_rows(rows: list[OverviewRow]) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for row in rows:
        counter.update(row.buckets)
    return {key: counter.get(key, 0) for key in COUNT_LABELS}


@dataclass
class Overview:
    period: Period
    rows: list[OverviewRow]

    @property
    def totals(self) -> dict[str, int]:
        return count_rows(self.rows)

    @property
    def by_kind(self) -> list[tuple[str, str, dict[str, int]]]:
        """(kind, label, counts) for each kind of unit listed, in the kinds' order."""
        labels = dict(UnitKind.choices)
        kinds = sorted({row.unit.kind for row in self.rows}, key=KIND_RANK.__getitem__)
        return [
            (kind, labels[kind], count_rows([row for row in self.rows if row.unit.kind == kind]))
            for kind in kinds
        ]

    @property
    def sent(self) -> int:
        return self.totals["received"]


def _expected(unit: Unit, period: Period) -> bool:
    return (
        unit.must_report
        and unit.valid_from <= period.end
        and (unit.valid_to is None or unit.valid_to >= period.start)
    )


def tracking(
    periods: list[Period], units: UnitQuerySet, today: datetime.date | None = None
) -> list[Overview]:
    """The overview of each of `periods` for `units`, read together: one query for the
    units, one for the reports, one for the extensions, one for the calendar."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    codes = [period.code for period in periods]
    reports = list(
        Report.objects.filter(period__code__in=codes, unit__in=units).select_related(
            "period", "template", "acknowledged_by"
        )
    )
    extensions = {
        (e.unit_id, e.period.code): e
        for e in DeadlineExtension.objects.filter(
            period__code__in=codes, unit__in=units
        ).select_related("period", "granted_by")
    }
    by_unit_period = {(r.unit_id, r.period.code): r for r in reports}
    for report in reports:
        report.use_calendar(calendar)
        report.use_extension(extensions.get((report.unit_id, report.period.code)))
    try:
        working_days: int | None = default_template().deadline_working_days
    except WorkflowError:
        working_days = None
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)
    listed = sorted(
        units.filter(
            Q(must_report=True, valid_from__lte=last)
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))
            | Q(pk__in={r.unit_id for r in reports})
        ),
        key=lambda unit: (KIND_RANK[unit.kind], unit.code),
    )
    overviews = []
    for period in periods:
        default_deadline = (
            period.deadline_for(working_days, calendar) if working_days is not None else None
        )
        rows = []
        for unit in listed:
            found = by_unit_period.get((unit.pk, period.code))
            if found is None and not _expected(unit, period):
                continue
            rows.append(
                OverviewRow(
                    unit=unit,
                    report=found,
                    regular_deadline=found.regular_deadline if found else default_deadline,
                    extension=extensions.get((unit.pk, period.code)),
                    today=today,
                    calendar=calendar,
                )
            )
        overviews.append(Overview(period, rows))
    return overviews


def period_overview(
    period: Period, units: UnitQuerySet, today: datetime.date | None = None
) -> Overview:
    """Units that must report and were open during the period (or have a report for it)."""
    return tracking([period], units, today)[0]


def history_periods(period: Period) -> list[Period]:
    """The period and up to HISTORY_LENGTH - 1 before it of the same kind (quarters, years…),
    oldest first; a custom window has no series, so it stands alone. Read-only lookups."""
    windows = [period.window]
    while len(windows) < HISTORY_LENGTH:
        previous = windows[-1].previous()
        if previous is None:
            break
        windows.append(previous)
    stored = {p.code: p for p in Period.objects.filter(code__in=[w.code for w in windows])}
    return [stored.get(w.code) or Period.from_window(w) for w in reversed(windows)]


@dataclass
class HistoryRow:
    unit: Unit
    # (tracked, cell) per period: cell None when the unit did not have to report for it;
    # tracked False for a period before any report of these units was kept in cchc.
    cells: list[tuple[bool, OverviewRow | None]]

    @property
    def counted(self) -> list[OverviewRow]:
        return [cell for tracked, cell in self.cells if tracked and cell is not None]

    @property
    def times_late(self) -> int:
        return sum(1 for cell in self.counted if cell.late)

    @property
    def times_on_time(self) -> int:
        return sum(1 for cell in self.counted if cell.late is False)

    @property
    def times_missing(self) -> int:
        """Periods whose deadline passed with nothing received (yet)."""
        return sum(1 for cell in self.counted if cell.days_overdue is not None)

    @property
    def working_days_late(self) -> int:
        return sum(cell.days_late or 0 for cell in self.counted)


def tracked_since(overviews: list[Overview]) -> int:
    """Index of the first overview followed in cchc: the earliest period (of those shown) with
    any report of these units, else the last one. Earlier periods were reported outside cchc,
    so "not sent" would not be true of them."""
    for index, overview in enumerate(overviews):
        if any(row.report is not None for row in overview.rows):
            return index
    return len(overviews) - 1


def history(overviews: list[Overview]) -> list[HistoryRow]:
    """One row per unit listed in any of the overviews, one cell per overview."""
    units: dict[int, Unit] = {}
    for overview in overviews:
        for row in overview.rows:
            units.setdefault(row.unit.pk, row.unit)
    first = tracked_since(overviews)
    cells = [{row.unit.pk: row for row in overview.rows} for overview in overviews]
    ordered = sorted(units.values(), key=lambda unit: (KIND_RANK[unit.kind], unit.code))
    return [
        HistoryRow(
            unit, [(index >= first, by_unit.get(unit.pk)) for index, by_unit in enumerate(cells)]
        )
        for unit in ordered
    ]
