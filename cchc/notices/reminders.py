"""Who has not reported, who is told, and on which days reminders fall.

Reminders go to the reporters of each unit that must report for a period and has not sent
its report (none started, a draft, or returned): N working days before the unit's deadline
and M working days after it (CCHC_REMIND_BEFORE_DAYS, CCHC_REMIND_AFTER_DAYS), counted on
the working-day calendar. A day the scheduler missed is caught up: the reminder before the
deadline stays due until the deadline, the overdue one for OVERDUE_CATCH_UP more working days;
each is sent once per deadline (a moved deadline is a new reminder).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from cchc.org.models import Role, RoleAssignment, Unit, UnitQuerySet
from cchc.periods.models import Period
from cchc.periods.windows import current_quarter, parse_period
from cchc.periods.workdays import WorkingCalendar
from cchc.reports.models import (
    DeadlineExtension,
    Report,
    Status,
    applicable_deadline,
    read_deadlines,
)
from cchc.reports.services import template_deadline

OVERDUE_CATCH_UP = 5
# The scheduler looks at stored periods ending in this range around today (a bound on the
# search, not a reporting rule: deadlines lie a few working days after a period's end).
LOOK_BACK = datetime.timedelta(days=120)
LOOK_AHEAD = datetime.timedelta(days=45)

STATE_WORDS: dict[str | None, str] = {
    None: "chưa được lập",
    Status.DRAFT: "đang soạn, chưa gửi",
    Status.RETURNED: "bị trả lại, chưa gửi lại",
}


@dataclass
class Pending:
    """A unit that has not sent its report for the period."""

    unit: Unit
    report: Report | None
    deadline: datetime.date

    @property
    def state(self) -> str:
        return STATE_WORDS[self.report.status if self.report else None]


def reporting_units(period: Period, units: UnitQuerySet) -> UnitQuerySet:
    """The units that must report for `period`: open during it and marked as reporting."""
    return units.filter(
        Q(must_report=True, valid_from__lte=period.end)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
    )


def pending_units(period: Period, units: UnitQuerySet, calendar: WorkingCalendar) -> list[Pending]:
    """The units among `units` that must report for `period` and have not sent it, each
    with its deadline: the report's own when one exists, the template's otherwise (no
    deadline is known while no template is loaded, and such a unit is left out)."""
    units = reporting_units(period, units)
    reports = {
        report.unit_id: report
        for report in Report.objects.filter(
            period__code=period.code, unit__in=units
        ).select_related("period", "template")
    }
    read_deadlines(reports.values(), calendar)  # extensions included
    extensions = {
        e.unit_id: e
        for e in DeadlineExtension.objects.filter(period__code=period.code, unit__in=units)
    }
    default = None
    pending = []
    for unit in units.order_by("code"):
        report = reports.get(unit.pk)
        if report is not None:
            if not report.is_editable:
                continue
            report.unit = unit
            pending.append(Pending(unit, report, report.deadline))
            continue
        if default is None:
            default = template_deadline(period)
            if default is None:
                continue
        # An extension granted before the unit started its report moves its deadline too.
        pending.append(Pending(unit, None, applicable_deadline(default, extensions.get(unit.pk))))
    return pending


def holders(units: Iterable[Unit], role: str) -> dict[int, list[User]]:
    """The active people holding `role` for each unit: those holding it on the unit itself,
    or, when nobody does, on the nearest unit above it (their role covers it). Two queries."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    by_unit: dict[int, list[User]] = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(role=role, user__is_active=True).select_related(
        "user"
    ):
        by_unit[assignment.unit_id].append(assignment.user)
    found: dict[int, list[User]] = {}
    for unit in units:
        current: int | None = unit.pk
        while current is not None and not by_unit.get(current):
            current = parents.get(current)
        people = by_unit.get(current, []) if current is not None else []
        found[unit.pk] = sorted({p.pk: p for p in people}.values(), key=lambda p: p.username)
    return found


def reporters(units: Iterable[Unit]) -> dict[int, list[User]]:
    return holders(units, Role.REPORTER)


def approvers(units: Iterable[Unit]) -> dict[int, list[User]]:
    return holders(units, Role.APPROVER)


def working_days_before(calendar: WorkingCalendar, day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days before `day` (0: `day` itself, or the working
    day before it when it is a day off)."""
    current = day
    if count == 0:
        while not calendar.is_working_day(current):
            current -= datetime.timedelta(days=1)
        return current
    while count:
        current -= datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            count -= 1
    return current


def working_days_between(
    calendar: WorkingCalendar, start: datetime.date, end: datetime.date
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


@dataclass
class Schedule:
    """The reminder days of one deadline."""

    before: datetime.date
    after: datetime.date
    after_until: datetime.date

    @classmethod
    def of(
        cls, calendar: WorkingCalendar, deadline: datetime.date, before: int, after: int
    ) -> Schedule:
        overdue = calendar.add_working_days(deadline, after)
        return cls(
            before=working_days_before(calendar, deadline, before),
            after=overdue,
            after_until=calendar.add_working_days(overdue, OVERDUE_CATCH_UP),
        )

    def due(self, today: datetime.date, deadline: datetime.date) -> str | None:
        """'before', 'overdue' or None: which reminder `today` falls in."""
        if self.before <= today <= deadline:
            return "before"
        if self.after <= today <= self.after_until:
            return "overdue"
        return None


def candidate_periods(today: datetime.date) -> list[Period]:
    """The periods the scheduler looks at: the quarter holding today and the one before (the
    regular quarterly report), and every stored period (one for which some unit started a
    report) ending near today, except custom windows (asked of some units only)."""
    quarter = parse_period(current_quarter(today))
    previous = quarter.previous()
    codes = [quarter.code] + ([previous.code] if previous else [])
    periods = {code: Period.objects.lookup(code) for code in codes}
    for period in Period.objects.exclude(kind="custom").filter(
        end__gte=today - LOOK_BACK, end__lte=today + LOOK_AHEAD
    ):
        periods.setdefault(period.code, period)
    return sorted(periods.values(), key=lambda p: (p.end, p.code))
