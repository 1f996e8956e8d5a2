"""Sending notices: each is recorded first, then e-mailed through Django's mail backend, and
its result (sent, failed with the error, or no address) stored on it. A failed e-mail is
recorded, logged and shown, never raised: it must not undo or break the step it follows."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import audit_entry, log_actions
from cchc.notices import texts
from cchc.notices.models import DELIVERED, Delivery, Kind, Notice
from cchc.notices.reminders import (
    Pending,
    Schedule,
    approvers,
    candidate_periods,
    pending_units,
    reporters,
    working_days_between,
)
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period, working_calendar
from cchc.periods.workdays import WorkingCalendar
from cchc.reports.models import Report

logger = logging.getLogger(__name__)

SCHEDULER = "Lịch nhắc tự động (cchc remind)"
NO_ADDRESS = "Người nhận chưa có địa chỉ e-mail: chỉ thông báo trên hệ thống."


@dataclass
class Draft:
    """A notice about to be recorded and sent."""

    recipient: User
    kind: str
    subject: str
    body: str
    unit: Unit
    period: Period
    report: Report | None
    deadline: datetime.date | None
    key: str


def name_of(user: User) -> str:
    return user.get_full_name() or user.username


def record(drafts: Sequence[Draft], by: User | None) -> list[Notice]:
    """Store the notices (in the app at once; e-mail still to send). Stores the periods
    they are about when those were only looked up so far."""
    stored: dict[str, Period] = {}
    notices = []
    for draft in drafts:
        period = draft.period
        if period.pk is None:
            period = stored.get(period.code) or Period.objects.for_code(period.code)
        stored[period.code] = period
        email = (draft.recipient.email or "").strip()
        notices.append(
            Notice(
                recipient=draft.recipient,
                recipient_name=name_of(draft.recipient),
                email=email,
                kind=draft.kind,
                subject=draft.subject,
                body=draft.body,
                unit=draft.unit,
                period=period,
                report=draft.report,
                deadline=draft.deadline,
                triggered_by=by,
                trigger=name_of(by) if by else SCHEDULER,
                key=draft.key,
                delivery=Delivery.PENDING if email else Delivery.NO_EMAIL,
                error="" if email else NO_ADDRESS,
            )
        )
    return Notice.objects.bulk_create(notices)


def deliver(notices: Sequence[Notice]) -> None:
    """E-mail the recorded notices that have an address, one connection for the batch; each
    notice keeps its own result."""
    pending = [n for n in notices if n.delivery == Delivery.PENDING]
    if not pending:
        return
    connection = None
    try:
        for notice in pending:
            try:
                if connection is None:
                    connection = mail.get_connection()
                    connection.open()
                message = mail.EmailMessage(
                    notice.subject,
                    notice.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.email],
                    connection=connection,
                )
                message.send()
            except Exception as exc:  # any backend failure is the notice's result, not ours
                notice.delivery = Delivery.FAILED
                notice.error = f"{type(exc).__name__}: {exc}"[:2000]
                logger.warning("Gửi thư thông báo %s cho %s lỗi: %s", notice.pk, notice.email, exc)
            else:
                notice.delivery, notice.sent_at, notice.error = Delivery.SENT, timezone.now(), ""
            notice.save(update_fields=["delivery", "sent_at", "error"])
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a broken connection must not hide the results
                logger.warning("Đóng kết nối gửi thư lỗi", exc_info=True)


def send(drafts: Sequence[Draft], by: User | None) -> list[Notice]:
    """Record, then e-mail. The records are committed before any e-mail leaves, so a crash
    while sending leaves them visible as "đang gửi" rather than lost."""
    with transaction.atomic():
        notices = record(drafts, by)
    deliver(notices)
    return notices


def _already_sent(drafts: Sequence[Draft]) -> set[tuple[int, str]]:
    """(recipient, key) pairs among `drafts` already sent or shown: not sent again."""
    keys = {d.key for d in drafts}
    if not keys:
        return set()
    return set(
        Notice.objects.filter(key__in=keys, delivery__in=DELIVERED).values_list(
            "recipient_id", "key"
        )
    )


def fresh(drafts: Sequence[Draft]) -> list[Draft]:
    done = _already_sent(drafts)
    return [d for d in drafts if (d.recipient.pk, d.key) not in done]


# The workflow: on submit to the approvers, on return or reopening to the reporters.


def notify_submitted(report: Report, by: User) -> list[Notice]:
    report = Report.objects.select_related("unit", "period", "template").get(pk=report.pk)
    assert report.submitted_at is not None  # sent after a submission
    unit, period = report.unit, report.period
    drafts = []
    for person in approvers([unit])[unit.pk]:
        if person.pk == by.pk:
            continue
        subject, body = texts.submitted(
            name_of(person),
            unit,
            period,
            name_of(by),
            report.submitted_at,
            report.deadline,
            report.timeliness_label,
        )
        drafts.append(
            Draft(
                person,
                Kind.SUBMITTED,
                subject,
                body,
                unit,
                period,
                report,
                report.deadline,
                f"submitted:{report.pk}:{report.submitted_at.isoformat()}",
            )
        )
    return send(drafts, by)


def notify_returned(report: Report, by: User, reason: str, reopened: bool) -> list[Notice]:
    report = Report.objects.select_related("unit", "period", "template").get(pk=report.pk)
    unit, period = report.unit, report.period
    kind = Kind.REOPENED if reopened else Kind.RETURNED
    now = timezone.now()
    drafts = []
    for person in reporters([unit])[unit.pk]:
        if person.pk == by.pk:
            continue
        subject, body = texts.returned(
            name_of(person),
            unit,
            period,
            name_of(by),
            reason,
            report.deadline,
            timezone.localdate(now),
            reopened,
        )
        drafts.append(
            Draft(
                person,
                kind,
                subject,
                body,
                unit,
                period,
                report,
                report.deadline,
                f"{kind}:{report.pk}:{now.isoformat()}",
            )
        )
    return send(drafts, by)


# Reminders.


def _reminders(
    pending: Pending,
    period: Period,
    people: list[User],
    kind: str,
    key: str,
    today: datetime.date,
    calendar: WorkingCalendar,
    asked_by: str = "",
) -> list[Draft]:
    overdue = today > pending.deadline
    days = (
        working_days_between(calendar, pending.deadline, today)
        if overdue
        else working_days_between(calendar, today, pending.deadline)
    )
    drafts = []
    for person in people:
        subject, body = texts.reminder(
            name_of(person),
            pending.unit,
            period,
            pending.deadline,
            pending.state,
            days,
            overdue,
            asked_by,
        )
        drafts.append(
            Draft(
                person,
                kind,
                subject,
                body,
                pending.unit,
                period,
                pending.report,
                pending.deadline,
                key,
            )
        )
    return drafts


@dataclass
class ReminderRun:
    """What one run of reminders did (or, dry, would do)."""

    drafts: list[Draft] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    already: list[Draft] = field(default_factory=list)  # sent earlier, not repeated
    nobody: list[Pending] = field(default_factory=list)  # units without a reporter to tell
    units: list[Pending] = field(default_factory=list)  # the units reminded


def _key(kind: str, pending: Pending, period: Period, tail: str) -> str:
    return f"{kind}:{pending.unit.pk}:{period.code}:{tail}"


def due_reminders(
    today: datetime.date,
    periods: Sequence[Period] | None = None,
    before: int | None = None,
    after: int | None = None,
) -> ReminderRun:
    """The reminders due on `today` for `periods` (the scheduler's candidates when None) and
    not sent yet. Writes nothing."""
    before = settings.CCHC_REMIND_BEFORE_DAYS if before is None else before
    after = settings.CCHC_REMIND_AFTER_DAYS if after is None else after
    calendar = working_calendar()
    run = ReminderRun()
    if not calendar.is_working_day(today):
        return run
    for period in periods if periods is not None else candidate_periods(today):
        due = []
        for pending in pending_units(period, Unit.objects.all(), calendar):
            which = Schedule.of(calendar, pending.deadline, before, after).due(
                today, pending.deadline
            )
            if which is not None:
                due.append((pending, which))
        people = reporters([pending.unit for pending, _ in due])
        for pending, which in due:
            if not people[pending.unit.pk]:
                run.nobody.append(pending)
                continue
            kind = Kind.REMIND_BEFORE if which == "before" else Kind.REMIND_OVERDUE
            key = _key(kind, pending, period, pending.deadline.isoformat())
            drafts = _reminders(
                pending, period, people[pending.unit.pk], kind, key, today, calendar
            )
            new = fresh(drafts)
            run.already += [d for d in drafts if d not in new]
            run.drafts += new
            if new:
                run.units.append(pending)
    return run


def send_due_reminders(
    today: datetime.date,
    periods: Sequence[Period] | None = None,
    dry_run: bool = False,
) -> ReminderRun:
    """The scheduler's run (`cchc remind`): send what is due today and not sent yet."""
    run = due_reminders(today, periods)
    if not dry_run:
        run.notices = send(run.drafts, None)
    return run


def remind_now(user: Any, period: Period, today: datetime.date | None = None) -> ReminderRun:
    """The consolidator's button: remind now the reporters of the units they follow that
    have not sent their report. Once a day per unit and person; audited per unit."""
    if not access.can_consolidate(user):
        raise PermissionDenied("Chỉ người tổng hợp hoặc quản trị mới gửi được nhắc nhở.")
    today = today or timezone.localdate()
    calendar = working_calendar()
    pending = [
        p
        for p in pending_units(period, Unit.objects.consolidated_by(user), calendar)
        if access.can_send_reminders(user, p.unit)
    ]
    people = reporters([p.unit for p in pending])
    run = ReminderRun()
    for item in pending:
        if not people[item.unit.pk]:
            run.nobody.append(item)
            continue
        key = _key(Kind.REMIND_NOW, item, period, today.isoformat())
        drafts = _reminders(
            item,
            period,
            people[item.unit.pk],
            Kind.REMIND_NOW,
            key,
            today,
            calendar,
            asked_by=name_of(user),
        )
        new = fresh(drafts)
        run.already += [d for d in drafts if d not in new]
        run.drafts += new
        if new:
            run.units.append(item)
    with transaction.atomic():
        run.notices = record(run.drafts, user)
        log_actions(
            [
                audit_entry(
                    user,
                    "notice.remind",
                    f"Nhắc gửi báo cáo CCHC {period.label} (hạn {item.deadline:%d/%m/%Y}, "
                    f"báo cáo {item.state}): "
                    + ", ".join(name_of(d.recipient) for d in run.drafts if d.unit == item.unit),
                    report=item.report,
                    unit=item.unit,
                    obj=item.report or item.unit,
                    data={
                        "period": period.code,
                        "deadline": item.deadline.isoformat(),
                        "recipients": [
                            d.recipient.username for d in run.drafts if d.unit == item.unit
                        ],
                    },
                )
                for item in run.units
            ]
        )
    deliver(run.notices)
    return run


def mark_read(user: Any, notices: Sequence[Notice] | None = None) -> int:
    """Mark the user's notices (all unread ones when None) as read; returns how many."""
    unread = Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notices is not None:
        unread = unread.filter(pk__in=[n.pk for n in notices])
    return unread.update(read_at=timezone.now())
