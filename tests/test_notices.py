"""Notices and reminders: the e-mails in Django's outbox (recipients, Vietnamese subject and
body), the notice recorded for each, reminder days counted in working days (across Tết),
`cchc remind` run twice, a failing mail backend, the home page, and every new page by role."""

from __future__ import annotations

import datetime
import os
import re
import smtplib
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.catalog.models import ReportTemplate
from cchc.notices.models import Delivery, Kind, Notice
from cchc.notices.reminders import Schedule, working_days_before
from cchc.org.models import Role, Unit, UnitKind
from cchc.periods.models import CalendarOverride, Period, working_calendar
from cchc.reports import services
from cchc.reports.models import Report, Status
from tests.conftest import PASSWORD, _user

pytestmark = pytest.mark.django_db

STTTT = "Sở Thông tin và Truyền thông"


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def open(self):
        raise smtplib.SMTPConnectError(421, "Máy chủ thư không nhận kết nối")

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Máy chủ thư không nhận kết nối")


@pytest.fixture
def addresses(reporter, other_reporter, approver, consolidator):
    for user, email in (
        (reporter, "bctuyen@soctrang.gov.vn"),
        (other_reporter, "cchc.stp@soctrang.gov.vn"),
        (approver, "gdhanh@soctrang.gov.vn"),
        (consolidator, "cchc.snv@soctrang.gov.vn"),
    ):
        user.email = email
        user.first_name, user.last_name = {
            "reporter": ("Nguyễn Bé", "Tuyên"),
            "other": ("Trần Văn", "Tư"),
            "approver": ("Nguyễn Hữu", "Hạnh"),
            "consolidator": ("Lê Thị", "Nội"),
        }[user.username]
        user.save()


@pytest.fixture
def admin_user(django_user_model, province):
    return _user(django_user_model, "quantri", Role.ADMIN, province["ST"])


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


# On submit, to the approvers; on return or reopening, to the reporters with the reason.


def test_submit_emails_the_units_approvers(
    complete_report, reporter, approver, addresses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(reporter, complete_report)
    (message,) = mail.outbox
    assert message.to == ["gdhanh@soctrang.gov.vn"]
    assert message.subject == (f"[CCHC] Báo cáo CCHC quý III năm 2022 của {STTTT} chờ phê duyệt")
    assert "Kính gửi: Nguyễn Hữu Hạnh," in message.body
    assert "Nguyễn Bé Tuyên đã gửi báo cáo công tác cải cách hành chính quý III năm 2022" in (
        message.body
    )
    # Submitted today, long after Q3-2022's deadline (14/09/2022 + 2 working days).
    assert "(trễ hạn, hạn gửi 16/09/2022)" in message.body
    assert "http://127.0.0.1:8000/units/ST-STTTT/periods/Q3-2022/" in message.body
    notice = Notice.objects.get()
    assert (notice.recipient, notice.email, notice.kind) == (
        approver,
        "gdhanh@soctrang.gov.vn",
        Kind.SUBMITTED,
    )
    assert notice.delivery == Delivery.SENT and notice.sent_at is not None
    assert notice.report == complete_report and notice.unit.code == "ST-STTTT"
    assert notice.period.code == "Q3-2022" and notice.deadline == datetime.date(2022, 9, 16)
    assert notice.triggered_by == reporter and notice.trigger == "Nguyễn Bé Tuyên"
    assert notice.subject == message.subject and notice.body == message.body
    assert notice.read_at is None


def test_nothing_is_sent_before_the_submit_commits(
    complete_report, reporter, addresses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_report(reporter, complete_report)
    assert len(callbacks) == 1
    assert mail.outbox == [] and not Notice.objects.exists()


def test_return_emails_the_reporters_with_the_reason(
    complete_report, reporter, consolidator, addresses, django_capture_on_commit_callbacks
):
    services.submit_report(reporter, complete_report)  # not committed: no notice
    reason = "Số liệu biên chế (27) chưa khớp với quyết định giao biên chế; đề nghị rà soát."
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(consolidator, complete_report, reason)
    (message,) = mail.outbox
    assert message.to == ["bctuyen@soctrang.gov.vn"]
    assert message.subject == f"[CCHC] Báo cáo CCHC quý III năm 2022 của {STTTT} bị trả lại"
    assert "Kính gửi: Nguyễn Bé Tuyên," in message.body
    assert (
        f"Lê Thị Nội đã trả lại báo cáo công tác cải cách hành chính quý III năm 2022 của {STTTT}."
        in message.body
    )
    assert f"Lý do: {reason}" in message.body
    assert "sớm nhất có thể (hạn gửi ngày 16/09/2022 đã qua)" in message.body
    notice = Notice.objects.get()
    assert notice.kind == Kind.RETURNED and notice.recipient == reporter
    assert notice.triggered_by == consolidator and notice.delivery == Delivery.SENT


def test_reopening_an_approved_report_tells_the_reporters(
    complete_report, reporter, approver, addresses, django_capture_on_commit_callbacks
):
    services.approve_report(approver, services.submit_report(reporter, complete_report))
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_report(approver, complete_report, "Bổ sung minh chứng kế hoạch")
    (message,) = mail.outbox
    assert message.to == ["bctuyen@soctrang.gov.vn"]
    assert "được mở khóa để chỉnh sửa" in message.subject
    assert "Lý do: Bổ sung minh chứng kế hoạch" in message.body
    assert Notice.objects.get().kind == Kind.REOPENED


def test_steps_recorded_after_the_fact_notify_nobody(
    complete_report, reporter, consolidator, addresses, django_capture_on_commit_callbacks
):
    past = datetime.datetime(2022, 9, 15, 9, 10, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(reporter, complete_report, at=past)
        services.return_report(consolidator, complete_report, "Sửa số liệu", at=past)
    assert mail.outbox == [] and not Notice.objects.exists()


def test_a_failing_mail_server_is_recorded_and_the_submit_still_succeeds(
    client,
    settings,
    complete_report,
    reporter,
    approver,
    addresses,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "tests.test_notices.BrokenBackend"
    assert client.login(username="reporter", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workflow", args=[complete_report.pk, "submit"]))
    assert response.status_code == 302
    assert Report.objects.get(pk=complete_report.pk).status == Status.SUBMITTED
    notice = Notice.objects.get()
    assert notice.delivery == Delivery.FAILED and notice.sent_at is None
    assert "SMTPConnectError" in notice.error and "không nhận kết nối" in notice.error
    assert notice.recipient == approver  # still shown in the app
    client.force_login(approver)
    home = client.get(reverse("home")).content.decode()
    assert notice.subject in home


def test_a_person_without_an_address_gets_the_notice_in_the_app_only(
    client, complete_report, reporter, approver, django_capture_on_commit_callbacks
):
    assert approver.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(reporter, complete_report)
    assert mail.outbox == []
    notice = Notice.objects.get()
    assert notice.delivery == Delivery.NO_EMAIL and notice.email == ""
    assert "chưa có địa chỉ e-mail" in notice.error
    client.force_login(approver)
    assert notice.subject in client.get(reverse("home")).content.decode()


def test_approvers_of_the_nearest_unit_above_are_told_when_the_unit_has_none(
    django_user_model, province, period, template, django_capture_on_commit_callbacks
):
    """A commune without a leader in cchc: the district's leader, whose role covers it,
    approves its report, so is the one told."""
    chairman = _user(django_user_model, "chutich", Role.APPROVER, province["ST-HCT"])
    chairman.email = "ubnd.chauthanh@soctrang.gov.vn"
    chairman.save()
    clerk = _user(django_user_model, "congchuc", Role.REPORTER, province["ST-HCT-XAH"])
    commune_template = ReportTemplate.objects.get(code="xa")  # the xã template
    report = services.start_report(clerk, province["ST-HCT-XAH"], period, commune_template)
    for key, raw in {
        "plan_tasks_total": "10",
        "plan_tasks_done": "9",
        "ppc_tasks_assigned": "2",
        "dossiers_received": "3",
        "dossiers_returned": "3",
        "staff_quota": "5",
        "staff_present": "5",
    }.items():
        services.save_value(clerk, report, key, raw)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(clerk, report)
    assert [m.to for m in mail.outbox] == [["ubnd.chauthanh@soctrang.gov.vn"]]
    assert "UBND xã An Hiệp" in mail.outbox[0].subject


# Reminders by the scheduler: which days, to whom, once.


def test_reminder_days_are_working_days_across_tet():
    calendar = working_calendar()
    # M2-2026 ends Sat 14/02/2026; 2 working days later, after Tết (16-20/02): Tue 24/02.
    deadline = Period.objects.lookup("M2-2026").deadline_for(2, calendar)
    assert deadline == datetime.date(2026, 2, 24)
    # 3 working days before: Mon 23/02, Fri 13/02, Thu 12/02 (not Sat 21/02 in calendar days).
    assert working_days_before(calendar, deadline, 3) == datetime.date(2026, 2, 12)
    schedule = Schedule.of(calendar, deadline, 3, 1)
    assert (schedule.before, schedule.after) == (
        datetime.date(2026, 2, 12),
        datetime.date(2026, 2, 25),
    )
    # The calendar's overrides count: a day off added on Fri 13/02 moves the reminder back.
    CalendarOverride.objects.create(
        date=datetime.date(2026, 2, 13), is_working_day=False, note="Nghỉ Tết bổ sung"
    )
    calendar = working_calendar()
    deadline = Period.objects.lookup("M2-2026").deadline_for(2, calendar)
    assert deadline == datetime.date(2026, 2, 24)
    assert working_days_before(calendar, deadline, 3) == datetime.date(2026, 2, 11)


def test_cchc_remind_before_a_deadline_just_after_tet(
    template, province, reporter, other_reporter, addresses
):
    assert "không có nhắc nhở" in remind("--period", "M2-2026", "--date", "2026-02-11")
    out = remind("--period", "M2-2026", "--date", "2026-02-12")
    assert len(mail.outbox) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    message = by_address["bctuyen@soctrang.gov.vn"]
    assert (
        message.subject
        == f"[CCHC] Nhắc gửi báo cáo CCHC tháng 2 năm 2026 của {STTTT}, hạn 24/02/2026"
    )
    assert (
        f"Báo cáo công tác cải cách hành chính tháng 2 năm 2026 của {STTTT} (số liệu từ "
        "15/01/2026 đến 14/02/2026) phải gửi chậm nhất ngày 24/02/2026; đến nay còn 3 ngày làm "
        "việc. Báo cáo hiện chưa được lập." in message.body
    )
    assert "Sở Tư pháp" in by_address["cchc.stp@soctrang.gov.vn"].subject
    assert (
        "M2-2026 ST-STTTT Nhắc trước hạn (hạn 24/02/2026) → Nguyễn Bé Tuyên <bctuyen@soctrang.gov.vn>: Đã gửi thư"
        in out
    )
    # Units with nobody to tell are named, not skipped silently.
    assert "ST-SNV Sở Nội vụ: chưa có người báo cáo để nhắc." in out
    notices = Notice.objects.order_by("unit__code")
    assert [(n.unit.code, n.kind, n.trigger, n.triggered_by) for n in notices] == [
        ("ST-STP", Kind.REMIND_BEFORE, "Lịch nhắc tự động (cchc remind)", None),
        ("ST-STTTT", Kind.REMIND_BEFORE, "Lịch nhắc tự động (cchc remind)", None),
    ]
    assert Period.objects.filter(code="M2-2026").exists()  # stored now that notices name it
    # Tết: days off send nothing, whatever is due.
    assert "là ngày nghỉ (Tết Nguyên đán, mùng 1 tháng Giêng)" in remind(
        "--period", "M2-2026", "--date", "2026-02-17"
    )
    # The day after the deadline + 1 working day: overdue, counted in working days.
    remind("--period", "M2-2026", "--date", "2026-02-25")
    overdue = [m for m in mail.outbox[2:] if m.to == ["bctuyen@soctrang.gov.vn"]]
    (message,) = overdue
    assert (
        message.subject
        == f"[CCHC] Báo cáo CCHC tháng 2 năm 2026 của {STTTT} đã quá hạn gửi (24/02/2026)"
    )
    assert "đến nay đã quá hạn 1 ngày làm việc mà báo cáo chưa được lập" in message.body


def test_cchc_remind_twice_the_same_day_sends_nothing_twice(
    template, report, reporter, other_reporter, addresses
):
    # Q3-2022 ends Wed 14/09/2022, due Fri 16/09; 3 working days before: Tue 13/09.
    first = remind("--date", "2022-09-13")
    assert "Q3-2022 ST-STTTT Nhắc trước hạn (hạn 16/09/2022)" in first
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bctuyen@soctrang.gov.vn",
        "cchc.stp@soctrang.gov.vn",
    ]
    draft = next(m for m in mail.outbox if m.to == ["bctuyen@soctrang.gov.vn"])
    assert "Báo cáo hiện đang soạn, chưa gửi." in draft.body
    second = remind("--date", "2022-09-13")
    assert len(mail.outbox) == 2 and Notice.objects.count() == 2
    assert "Đã nhắc trước đó, không gửi lại: 2 người nhận." in second
    assert "không có nhắc nhở nào cần gửi" in second
    # The next days up to the deadline catch up a missed run, but never repeat.
    remind("--date", "2022-09-14")
    assert len(mail.outbox) == 2
    assert "không có nhắc nhở" in remind("--date", "2022-09-12")


def test_units_that_have_submitted_are_not_reminded(
    template, complete_report, reporter, other_reporter, approver, addresses
):
    services.submit_report(reporter, complete_report)
    remind("--date", "2022-09-19")  # the first working day after the deadline + 1
    assert [m.to for m in mail.outbox] == [["cchc.stp@soctrang.gov.vn"]]
    assert "đã quá hạn 1 ngày làm việc" in mail.outbox[0].body
    assert not Notice.objects.filter(unit__code="ST-STTTT").exists()
    # A returned report is not sent any more: its reporters are reminded.
    services.return_report(approver, complete_report, "Thiếu minh chứng")
    remind("--date", "2022-09-20")
    (message,) = [m for m in mail.outbox if m.to == ["bctuyen@soctrang.gov.vn"]]
    assert "mà báo cáo bị trả lại, chưa gửi lại" in message.body


def test_a_failed_reminder_is_retried_by_the_next_run(
    settings, template, report, reporter, addresses
):
    settings.EMAIL_BACKEND = "tests.test_notices.BrokenBackend"
    with pytest.raises(CommandError, match="gửi lỗi"):
        remind("--period", "Q3-2022", "--date", "2022-09-13")
    assert Notice.objects.get(unit__code="ST-STTTT").delivery == Delivery.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind("--period", "Q3-2022", "--date", "2022-09-13")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bctuyen@soctrang.gov.vn",
        "cchc.stp@soctrang.gov.vn",
    ]
    assert sorted(Notice.objects.values_list("delivery", flat=True)) == [
        Delivery.FAILED,
        Delivery.FAILED,
        Delivery.SENT,
        Delivery.SENT,
    ]
    # Sent now: a third run has nothing left to do.
    assert "không có nhắc nhở" in remind("--period", "Q3-2022", "--date", "2022-09-13")


def test_dry_run_writes_and_sends_nothing(template, province, reporter, addresses):
    out = remind("--period", "M2-2026", "--date", "2026-02-12", "--dry-run")
    assert (
        "M2-2026 ST-STTTT Nhắc trước hạn (hạn 24/02/2026) → Nguyễn Bé Tuyên <bctuyen@soctrang.gov.vn>: sẽ gửi"
        in out
    )
    assert "Chạy thử: 2 nhắc nhở sẽ được gửi, chưa gửi gì." in out
    assert mail.outbox == [] and not Notice.objects.exists()
    assert not Period.objects.filter(code="M2-2026").exists()


def test_cchc_remind_refuses_bad_options(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("--date", "12/02/2026")
    with pytest.raises(CommandError, match="--period"):
        remind("--period", "Q5-2026")


# The consolidator's page and button.


def test_the_button_reminds_the_units_that_have_not_submitted(
    client, template, report, reporter, other_reporter, consolidator, addresses
):
    client.force_login(consolidator)
    page = client.get(reverse("period_notices", args=["Q3-2022"])).content.decode()
    assert re.findall(r'<tr data-unit="([^"]+)">', page) == [
        "ST-HCT",
        "ST-HCT-XAH",
        "ST-SNV",
        "ST-STP",
        "ST-STTTT",
    ]
    assert "bctuyen@soctrang.gov.vn" in page and "Gửi nhắc nhở" in page
    response = client.post(reverse("remind", args=["Q3-2022"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("period_notices", args=["Q3-2022"])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bctuyen@soctrang.gov.vn",
        "cchc.stp@soctrang.gov.vn",
    ]
    message = next(m for m in mail.outbox if m.to == ["bctuyen@soctrang.gov.vn"])
    assert "Lê Thị Nội nhắc đồng chí về việc gửi báo cáo của đơn vị." in message.body
    assert "phải gửi chậm nhất ngày 16/09/2022; đến nay đã quá hạn" in message.body
    assert {n.kind for n in Notice.objects.all()} == {Kind.REMIND_NOW}
    assert {n.triggered_by for n in Notice.objects.all()} == {consolidator}
    entries = AuditEntry.objects.filter(action="notice.remind").order_by("unit__code")
    assert [e.unit.code for e in entries] == ["ST-STP", "ST-STTTT"]
    assert entries[1].report == report and "Nguyễn Bé Tuyên" in entries[1].summary
    page = client.get(response["Location"]).content.decode()
    assert "Đã gửi nhắc nhở cho 2 người của 2 đơn vị" in page
    assert "Chưa có người báo cáo để nhắc ở: UBND huyện Châu Thành" in page
    assert page.count('data-kind="remind_now" data-delivery="sent"') == 2
    # Pressed again the same day: nobody is reminded twice.
    client.post(reverse("remind", args=["Q3-2022"]))
    assert len(mail.outbox) == 2
    page = client.get(reverse("period_notices", args=["Q3-2022"])).content.decode()
    assert "đã được nhắc hôm nay; không gửi lại" in page


def test_the_button_needs_a_csrf_token(template, report, consolidator, addresses):
    client = Client(enforce_csrf_checks=True)
    client.force_login(consolidator)
    assert client.post(reverse("remind", args=["Q3-2022"])).status_code == 403
    assert mail.outbox == [] and not Notice.objects.exists()


def test_a_district_consolidator_reminds_and_sees_only_the_district(
    client, django_user_model, province, template, report, addresses
):
    watcher = _user(django_user_model, "tonghop-huyen", Role.CONSOLIDATOR, province["ST-HCT"])
    _user(django_user_model, "bc-xa", Role.REPORTER, province["ST-HCT-XAH"])
    client.force_login(watcher)
    page = client.get(reverse("period_notices", args=["Q3-2022"])).content.decode()
    assert re.findall(r'<tr data-unit="([^"]+)">', page) == ["ST-HCT", "ST-HCT-XAH"]
    client.post(reverse("remind", args=["Q3-2022"]))
    # The commune's reporter has no address: recorded, shown in the app; nothing for STTTT.
    assert mail.outbox == []
    assert [(n.unit.code, n.delivery) for n in Notice.objects.all()] == [
        ("ST-HCT-XAH", Delivery.NO_EMAIL)
    ]
    # The notices about other units stay out of the page.
    Notice.objects.create(
        recipient=watcher,
        recipient_name="x",
        kind=Kind.RETURNED,
        subject="Báo cáo STTTT bị trả lại",
        body="…",
        unit=province["ST-STTTT"],
        period=Period.objects.get(code="Q3-2022"),
        trigger="y",
        key="k",
        delivery=Delivery.SENT,
    )
    page = client.get(reverse("period_notices", args=["Q3-2022"])).content.decode()
    assert "Báo cáo STTTT bị trả lại" not in page and 'data-unit="ST-HCT-XAH" data-kind' in page


ROLES = ["reporter", "approver", "consolidator", "admin_user", "anonymous"]


def _as(client, request, person):
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    return client


def _is_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 403),
        ("approver", 403),
        ("consolidator", 200),
        ("admin_user", 200),
        ("anonymous", "login"),
    ],
)
def test_period_page_by_role(client, request, template, report, person, status):
    response = _as(client, request, person).get(reverse("period_notices", args=["Q3-2022"]))
    assert _is_login(response) if status == "login" else response.status_code == status


@pytest.mark.parametrize(
    "person, status, sent",
    [
        ("reporter", 403, False),
        ("approver", 403, False),
        ("consolidator", 302, True),
        ("admin_user", 302, True),
        ("anonymous", "login", False),
    ],
)
def test_the_button_by_role(client, request, template, report, addresses, person, status, sent):
    client = _as(client, request, person)
    assert client.get(reverse("remind", args=["Q3-2022"])).status_code in (302, 405)
    response = client.post(reverse("remind", args=["Q3-2022"]))
    assert _is_login(response) if status == "login" else response.status_code == status
    assert Notice.objects.exists() == sent
    assert AuditEntry.objects.filter(action="notice.remind").exists() == sent
    # The reporters of ST-STTTT and ST-STP, who have addresses.
    assert len(mail.outbox) == (2 if sent else 0)


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("approver", 200),
        ("consolidator", 200),
        ("admin_user", 200),
        ("anonymous", "login"),
    ],
)
def test_my_notices_page_by_role(client, request, report, reporter, approver, person, status):
    for user, subject in ((reporter, "Thư cho người báo cáo"), (approver, "Thư cho lãnh đạo")):
        Notice.objects.create(
            recipient=user,
            recipient_name=user.username,
            kind=Kind.REMIND_NOW,
            subject=subject,
            body="Nội dung",
            unit=report.unit,
            period=report.period,
            trigger="t",
            key="k",
            delivery=Delivery.SENT,
        )
    response = _as(client, request, person).get(reverse("my_notices"))
    if status == "login":
        assert _is_login(response)
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Thư cho người báo cáo" in page) == (person == "reporter")
    assert ("Thư cho lãnh đạo" in page) == (person == "approver")


# In the app: the home page's unread notices.


def test_home_page_shows_unread_notices_until_marked_read(
    client,
    complete_report,
    reporter,
    consolidator,
    approver,
    addresses,
    django_capture_on_commit_callbacks,
):
    services.submit_report(reporter, complete_report)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(consolidator, complete_report, "Thiếu minh chứng kế hoạch")
    notice = Notice.objects.get()
    client.force_login(reporter)
    home = client.get(reverse("home")).content.decode()
    assert "Thông báo mới (1)" in home
    assert notice.subject in home
    assert f'href="/units/ST-STTTT/periods/Q3-2022/">{notice.subject}' in home
    # Someone else cannot mark it read; GET does not either.
    other = Client()
    other.force_login(approver)
    assert other.post(reverse("mark_read", args=[notice.pk])).status_code == 404
    assert client.get(reverse("mark_read", args=[notice.pk])).status_code == 405
    assert Notice.objects.get(pk=notice.pk).read_at is None
    response = client.post(reverse("mark_read", args=[notice.pk]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    home = client.get(reverse("home")).content.decode()
    assert "Không có thông báo mới." in home and notice.subject not in home
    # Still on the list of all the user's notices, shown as read.
    assert notice.subject in client.get(reverse("my_notices")).content.decode()


def test_mark_all_read_touches_only_ones_own_notices(client, report, reporter, approver):
    for user in (reporter, reporter, approver):
        Notice.objects.create(
            recipient=user,
            recipient_name=user.username,
            kind=Kind.REMIND_NOW,
            subject="s",
            body="b",
            unit=report.unit,
            period=report.period,
            trigger="t",
            key="k",
            delivery=Delivery.SENT,
        )
    client.force_login(reporter)
    assert client.get(reverse("mark_all_read")).status_code == 405
    assert Notice.objects.filter(read_at__isnull=True).count() == 3
    response = client.post(reverse("mark_all_read"), {"next": "https://example.com/"})
    assert response["Location"] == reverse("my_notices")  # never off-site
    assert Notice.objects.filter(read_at__isnull=True).get().recipient == approver


def _count(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_notice_pages_do_not_grow_with_the_notices(
    client, django_user_model, province, template, report, reporter, consolidator
):
    def add(how_many: int) -> None:
        for i in range(how_many):
            Notice.objects.create(
                recipient=reporter,
                recipient_name="r",
                kind=Kind.REMIND_NOW,
                subject=f"s{i}",
                body="b",
                unit=report.unit,
                period=report.period,
                triggered_by=consolidator,
                trigger="t",
                key="k",
                delivery=Delivery.SENT,
            )

    add(2)
    client.force_login(consolidator)
    period_page = _count(lambda: client.get(reverse("period_notices", args=["Q3-2022"])))
    client.force_login(reporter)
    mine = _count(lambda: client.get(reverse("my_notices")))
    home = _count(lambda: client.get(reverse("home")))
    add(20)
    # More units that have not reported, each with a reporter, one with a draft.
    st = province["ST"]
    for code in ("ST-SYT", "ST-STC", "ST-SGDDT"):
        unit = Unit.objects.create(
            code=code, name=code, kind=UnitKind.DEPARTMENT, parent=st, must_report=True
        )
        _user(django_user_model, f"bc-{code}", Role.REPORTER, unit)
    services.start_report(
        User.objects.get(username="bc-ST-SYT"),
        Unit.objects.get(code="ST-SYT"),
        report.period,
        template,
    )
    client.force_login(consolidator)
    assert _count(lambda: client.get(reverse("period_notices", args=["Q3-2022"]))) == period_page
    client.force_login(reporter)
    assert _count(lambda: client.get(reverse("my_notices"))) == mine
    assert _count(lambda: client.get(reverse("home"))) == home
    # home: 17 since the units a user sees include those their units took over (one query)
    assert period_page <= 20 and mine <= 6 and home <= 17


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import cchc.settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH, s.EMAIL_USE_TLS, s.CCHC_REMIND_BEFORE_DAYS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_EMAIL")}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_mail_settings_from_the_environment(tmp_path):
    default = _settings()
    assert default.stdout.startswith("django.core.mail.backends.console.EmailBackend")
    folder = tmp_path / "thu"
    to_files = _settings(CCHC_EMAIL_FILE_PATH=str(folder))
    assert to_files.stdout.split()[:2] == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(folder),
    ]
    smtp = _settings(CCHC_EMAIL_BACKEND="smtp", CCHC_EMAIL_USE_TLS="1", CCHC_REMIND_BEFORE_DAYS="5")
    assert smtp.stdout.split()[0] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp.stdout.split()[2:] == ["True", "5"]
    for env, message in (
        ({"CCHC_EMAIL_BACKEND": "pigeon"}, "CCHC_EMAIL_BACKEND must be one of"),
        ({"CCHC_EMAIL_USE_TLS": "1", "CCHC_EMAIL_USE_SSL": "1"}, "cannot both be on"),
        ({"CCHC_EMAIL_PORT": "hai mươi lăm"}, "CCHC_EMAIL_PORT must be an integer"),
        ({"CCHC_REMIND_AFTER_DAYS": "0"}, "CCHC_REMIND_AFTER_DAYS must be at least 1"),
        ({"CCHC_SITE_URL": "cchc.soctrang.gov.vn"}, "CCHC_SITE_URL must be an http(s) address"),
    ):
        run = _settings(**env)
        assert run.returncode != 0 and message in run.stderr, env


def test_the_demo_reminds_its_late_units_and_its_past_events_notify_nobody(db):
    from cchc.demo.loader import load_demo

    load_demo()
    notices = Notice.objects.select_related("unit", "recipient").order_by("unit__code")
    assert {n.kind for n in notices} == {Kind.REMIND_NOW}  # no notice of the 2022 events
    assert [(n.unit.code, n.recipient.username, n.email) for n in notices] == [
        ("ST-HCT", "chauthanh", "pnv.chauthanh@soctrang.gov.vn"),
        ("ST-HCT-XAH", "chauthanh", "pnv.chauthanh@soctrang.gov.vn"),
        ("ST-HCT-XPT", "chauthanh", "pnv.chauthanh@soctrang.gov.vn"),
        ("ST-SYT", "syt", "cchc.syt@soctrang.gov.vn"),
    ]
    assert len(mail.outbox) == 4 and all(n.delivery == Delivery.SENT for n in notices)
    syt = next(m for m in mail.outbox if m.to == ["cchc.syt@soctrang.gov.vn"])
    assert "Chuyên viên Sở Nội vụ nhắc đồng chí" in syt.body
    assert "mà báo cáo đang soạn, chưa gửi." in syt.body


def test_an_extension_moves_the_reminders_of_a_unit_that_has_not_started(
    province, template, consolidator
):
    """Granted before the unit starts its report: its reminders follow the new deadline."""

    from cchc.notices.reminders import pending_units
    from cchc.periods.models import Period, working_calendar
    from cchc.reports.services import grant_extension

    period = Period.objects.for_code("Q3-2022")
    calendar = working_calendar()
    before = {p.unit.code: p.deadline for p in pending_units(period, Unit.objects.all(), calendar)}
    later = calendar.add_working_days(before["ST-STP"], 5)
    grant_extension(consolidator, province["ST-STP"], period, later, "Thay đổi lãnh đạo Sở")
    after = {p.unit.code: p.deadline for p in pending_units(period, Unit.objects.all(), calendar)}
    assert after["ST-STP"] == later > before["ST-STP"]
    assert after["ST-SNV"] == before["ST-SNV"]
