"""The Vietnamese words of each notice: subject and body, from the facts the services pass.
Layout only; who gets what, and when, is decided in services.py and reminders.py."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cchc.org.models import Unit
from cchc.periods.models import Period

FOOTER = (
    "Thư này do Hệ thống báo cáo cải cách hành chính gửi tự động; thông báo cũng hiện trên "
    "trang chính của hệ thống. Xin đừng trả lời thư này."
)


def _day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _moment(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _unit(unit: Unit) -> str:
    return unit.short_name or unit.name


def link(unit: Unit, period: Period) -> str:
    """The page of the unit's report for the period (it offers to start one if none yet)."""
    path = reverse("unit_period", args=[unit.code, period.code])
    return f"{settings.CCHC_SITE_URL.rstrip('/')}{path}"


def _letter(name: str, *paragraphs: str) -> str:
    return "\n\n".join([f"Kính gửi: {name},", *paragraphs, FOOTER]) + "\n"


def _subject(text: str) -> str:
    return f"[CCHC] {text}"[:255]


def reminder(
    name: str,
    unit: Unit,
    period: Period,
    deadline: datetime.date,
    state: str,
    working_days: int,
    overdue: bool,
    asked_by: str = "",
) -> tuple[str, str]:
    """A reminder to a reporter whose unit has not sent its report. `working_days` is how
    many working days are left before the deadline, or how many have passed since it."""
    report = (
        f"Báo cáo công tác cải cách hành chính {period.label} của {unit.name} "
        f"(số liệu từ {_day(period.start)} đến {_day(period.end)})"
    )
    if overdue:
        subject = f"Báo cáo CCHC {period.label} của {_unit(unit)} đã quá hạn gửi ({_day(deadline)})"
        facts = (
            f"{report} phải gửi chậm nhất ngày {_day(deadline)}; đến nay đã quá hạn "
            f"{working_days} ngày làm việc mà báo cáo {state}."
        )
        ask = (
            "Đề nghị đồng chí khẩn trương hoàn thành, trình lãnh đạo phê duyệt và gửi báo cáo tại:"
        )
    else:
        subject = f"Nhắc gửi báo cáo CCHC {period.label} của {_unit(unit)}, hạn {_day(deadline)}"
        left = (
            "hôm nay là ngày cuối cùng"
            if working_days == 0
            else f"đến nay còn {working_days} ngày làm việc"
        )
        facts = f"{report} phải gửi chậm nhất ngày {_day(deadline)}; {left}. Báo cáo hiện {state}."
        ask = "Đề nghị đồng chí hoàn thành, trình lãnh đạo phê duyệt và gửi báo cáo đúng hạn tại:"
    paragraphs = [facts, f"{ask}\n{link(unit, period)}"]
    if asked_by:
        paragraphs.insert(0, f"{asked_by} nhắc đồng chí về việc gửi báo cáo của đơn vị.")
    return _subject(subject), _letter(name, *paragraphs)


def submitted(
    name: str,
    unit: Unit,
    period: Period,
    submitter: str,
    submitted_at: datetime.datetime,
    deadline: datetime.date,
    timeliness: str,
) -> tuple[str, str]:
    """To the unit's approvers: a report waits for their decision."""
    return _subject(f"Báo cáo CCHC {period.label} của {_unit(unit)} chờ phê duyệt"), _letter(
        name,
        f"{submitter} đã gửi báo cáo công tác cải cách hành chính {period.label} của "
        f"{unit.name} lúc {_moment(submitted_at)} ({timeliness}, hạn gửi {_day(deadline)}).",
        "Đề nghị đồng chí xem xét, phê duyệt hoặc trả lại báo cáo (ghi rõ lý do) tại:\n"
        f"{link(unit, period)}",
    )


def returned(
    name: str,
    unit: Unit,
    period: Period,
    by: str,
    reason: str,
    deadline: datetime.date,
    today: datetime.date,
    reopened: bool,
) -> tuple[str, str]:
    """To the unit's reporters: their report came back, with the reason."""
    if reopened:
        subject = f"Báo cáo CCHC {period.label} của {_unit(unit)} được mở khóa để chỉnh sửa"
        what = (
            f"{by} đã mở khóa báo cáo công tác cải cách hành chính {period.label} của "
            f"{unit.name} (đã phê duyệt) để đơn vị chỉnh sửa."
        )
    else:
        subject = f"Báo cáo CCHC {period.label} của {_unit(unit)} bị trả lại"
        what = (
            f"{by} đã trả lại báo cáo công tác cải cách hành chính {period.label} của {unit.name}."
        )
    when = (
        f"trước hạn gửi ngày {_day(deadline)}"
        if today <= deadline
        else f"sớm nhất có thể (hạn gửi ngày {_day(deadline)} đã qua)"
    )
    return _subject(subject), _letter(
        name,
        what,
        f"Lý do: {reason}",
        f"Đề nghị đồng chí chỉnh sửa và gửi lại báo cáo {when} tại:\n{link(unit, period)}",
    )
