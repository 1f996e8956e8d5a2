"""Changes to the working-day calendar: the one audited gate for CalendarOverride rows.

Everything computed from the calendar follows a change in the same transaction. Period and
report deadlines (and so the lateness of submitted reports) are derived on demand and move
by themselves; the stored due dates are recomputed here: dossiers (start day, due date,
verdict, with the cut-off setting in force) and tasks and feedback. A failure anywhere rolls
the whole change back, override included.

It lives in records, not periods, because it must reach every app that stores a date
derived from the calendar (registers and records), and records is the lowest layer that sees
both (periods may only import cchc.base)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cchc.audit.services import log_action
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import CalendarOverride
from cchc.records.services import recompute_due_dates
from cchc.registers.models import Dossier
from cchc.registers.services import reclassify


class CalendarError(ValueError):
    """A calendar change that cannot be made; the message is shown to the user as is."""


def may_change_calendar(user) -> bool:
    return access.is_admin(user)


def _require_admin(user) -> None:
    if not may_change_calendar(user):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được sửa lịch nghỉ, làm bù.")


def _state(override: CalendarOverride | None) -> dict | None:
    if override is None:
        return None
    return {
        "date": override.date.isoformat(),
        "is_working_day": override.is_working_day,
        "note": override.note,
    }


def _kind(is_working_day: bool) -> str:
    return "ngày làm bù" if is_working_day else "ngày nghỉ"


def recompute(user) -> None:
    """What is stored from the calendar, again on the calendar now in force (inside the
    caller's transaction): every unit's dossiers, then every task and feedback."""
    reclassify(list(Unit.objects.filter(pk__in=Dossier.objects.values("unit_id"))))
    recompute_due_dates(user)


@transaction.atomic
def set_override(
    user,
    date: datetime.date,
    is_working_day: bool,
    note: str = "",
    *,
    previous_date: datetime.date | None = None,
) -> CalendarOverride:
    """Mark `date` as a day off or a make-up working day (creating or changing its row) and
    recompute what depends on the calendar. `previous_date`: the row being edited had this
    date (the admin lets one change the date of a row)."""
    _require_admin(user)
    if not isinstance(date, datetime.date):
        raise CalendarError("Ngày nghỉ/làm bù không hợp lệ.")
    note = (note or "").strip()
    max_note = CalendarOverride._meta.get_field("note").max_length or 255
    if len(note) > max_note:
        raise CalendarError(f"Ghi chú dài quá {max_note} ký tự (ngày {date:%d/%m/%Y}).")
    moved: CalendarOverride | None = None
    if previous_date is not None and previous_date != date:
        moved = CalendarOverride.objects.select_for_update().filter(date=previous_date).first()
        if CalendarOverride.objects.filter(date=date).exists():
            raise CalendarError(f"Ngày {date:%d/%m/%Y} đã có trong lịch nghỉ, làm bù.")
    before = _state(moved) or _state(
        CalendarOverride.objects.select_for_update().filter(date=date).first()
    )
    if moved is not None:
        moved.delete()
    override, _ = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_working_day": is_working_day, "note": note}
    )
    after = _state(override)
    log_action(
        user,
        "calendar.set",
        f"Đặt {date:%d/%m/%Y} là {_kind(is_working_day)}" + (f" ({note})" if note else ""),
        data={"before": before, "after": after},
    )
    recompute(user)
    return override


def remove_override(user, date: datetime.date) -> None:
    """Remove the override of `date` (the day follows the ordinary week again) and
    recompute what depends on the calendar."""
    remove_overrides(user, [date])


@transaction.atomic
def remove_overrides(user, dates: list[datetime.date]) -> None:
    """Remove the overrides of `dates` in one change (one recomputation, an audit entry
    per day)."""
    _require_admin(user)
    overrides = {
        o.date: o for o in CalendarOverride.objects.select_for_update().filter(date__in=dates)
    }
    missing = sorted(set(dates) - overrides.keys())
    if missing:
        listed = ", ".join(f"{day:%d/%m/%Y}" for day in missing)
        raise CalendarError(f"Không có trong lịch nghỉ, làm bù: ngày {listed}.")
    for date, override in sorted(overrides.items()):
        before = _state(override)
        override.delete()
        log_action(
            user,
            "calendar.remove",
            f"Bỏ {_kind(override.is_working_day)} {date:%d/%m/%Y} khỏi lịch nghỉ, làm bù",
            data={"before": before, "after": None},
        )
    if overrides:
        recompute(user)
