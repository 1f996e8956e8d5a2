"""A calendar change goes through cchc.records.calendar: admins only, audited, and in one
transaction it moves every deadline derived from the calendar (periods, reports' lateness)
and every stored one (dossiers, tasks, feedback); a failure part-way changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cchc.audit.models import AuditEntry
from cchc.periods.models import CalendarOverride, Period
from cchc.records import calendar as services
from cchc.records.models import Feedback
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.reports.models import Report, Status
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE

D = datetime.date
DAY_OFF = D(2022, 7, 6)  # a Wednesday
SEPT_DAY_OFF = D(2022, 9, 15)  # the day after Q3-2022's end day

DOSSIERS = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
    # Friday 09:00, 10 working days: due Friday 15/07, the result that day is on time.
    "R2,1.004567,Trực tiếp,01/07/2022 09:00,15/07/2022\n"
)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.vn", PASSWORD)


@pytest.fixture
def world(province, report):
    """A dossier, a feedback and a report submitted on Monday 19/9/2022, three days after
    the Q3-2022 deadline of Friday 16/9 on the ordinary calendar."""
    CalendarOverride.objects.filter(date__range=(D(2022, 7, 1), D(2022, 9, 30))).delete()
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "r.csv", unit)
    feedback = Feedback(unit=unit, received_on=D(2022, 7, 4), channel="hotline", content="PA")
    from cchc.periods.models import working_calendar

    feedback.due_on = feedback.compute_due(working_calendar())
    feedback.save()
    submitted = timezone.make_aware(datetime.datetime(2022, 9, 19, 9, 0))
    Report.objects.filter(pk=report.pk).update(status=Status.SUBMITTED, submitted_at=submitted)
    return unit, feedback


def state(unit, feedback):
    dossier = Dossier.objects.get(unit=unit, code="R2")
    report = Report.objects.select_related("period", "template").get(unit=unit)
    return {
        "period_deadline": Period.objects.get(code="Q3-2022").deadline_for(2),
        "report_deadline": report.deadline,
        "late": report.is_late,
        "dossier": (dossier.due_on, dossier.verdict),
        "feedback": Feedback.objects.get(pk=feedback.pk).due_on,
    }


BEFORE = {
    "period_deadline": D(2022, 9, 16),
    "report_deadline": D(2022, 9, 16),
    "late": True,
    "dossier": (D(2022, 7, 15), "on_time"),
    "feedback": D(2022, 7, 25),
}


def test_two_new_days_off_move_every_deadline(world, admin):
    unit, feedback = world
    assert state(unit, feedback) == BEFORE
    services.set_override(admin, DAY_OFF, False, "Nghỉ đột xuất")
    services.set_override(admin, SEPT_DAY_OFF, False, "Nghỉ bù")
    assert state(unit, feedback) == {
        "period_deadline": D(2022, 9, 19),
        "report_deadline": D(2022, 9, 19),
        "late": False,  # submitted on the new deadline: on time
        "dossier": (D(2022, 7, 18), "early"),
        "feedback": D(2022, 7, 26),
    }
    entries = AuditEntry.objects.filter(action="calendar.set").order_by("pk")
    assert [e.data["after"]["date"] for e in entries] == ["2022-07-06", "2022-09-15"]
    assert entries[0].data["before"] is None and entries[0].user == admin
    assert entries[0].data["after"]["note"] == "Nghỉ đột xuất"
    # Removing the day off puts everything back.
    services.remove_override(admin, DAY_OFF)
    services.remove_overrides(admin, [SEPT_DAY_OFF])
    assert state(unit, feedback) == BEFORE
    removed = AuditEntry.objects.filter(action="calendar.remove").order_by("pk")
    assert [e.data["before"]["date"] for e in removed] == ["2022-07-06", "2022-09-15"]
    assert all(e.data["after"] is None for e in removed)


def test_changing_an_override_records_before_and_after(world, admin):
    services.set_override(admin, DAY_OFF, False, "Nghỉ")
    services.set_override(admin, DAY_OFF, True, "Làm bù")
    entry = AuditEntry.objects.filter(action="calendar.set").latest("pk")
    assert entry.data["before"]["is_working_day"] is False
    assert entry.data["after"]["is_working_day"] is True
    assert CalendarOverride.objects.get(date=DAY_OFF).note == "Làm bù"


def test_a_failure_part_way_leaves_nothing_changed(world, admin, monkeypatch):
    unit, feedback = world
    entries = AuditEntry.objects.count()

    def fail(user, units=None):
        # The dossiers were recomputed already; the tasks and feedback fail.
        assert Dossier.objects.get(code="R2").due_on == D(2022, 7, 18)
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(services, "recompute_due_dates", fail)
    with pytest.raises(RuntimeError, match="hỏng giữa chừng"):
        services.set_override(admin, DAY_OFF, False, "Nghỉ đột xuất")
    assert not CalendarOverride.objects.filter(date=DAY_OFF).exists()
    assert state(unit, feedback) == BEFORE
    assert AuditEntry.objects.count() == entries


def test_only_admins_change_the_calendar(world, reporter, consolidator):
    unit, feedback = world
    for user in (reporter, consolidator):
        with pytest.raises(PermissionDenied, match="Chỉ quản trị hệ thống"):
            services.set_override(user, DAY_OFF, False)
    CalendarOverride.objects.create(date=DAY_OFF, is_working_day=False)
    with pytest.raises(PermissionDenied):
        services.remove_override(reporter, DAY_OFF)
    assert CalendarOverride.objects.filter(date=DAY_OFF).exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_bad_changes_are_refused_with_a_vietnamese_message(world, admin):
    with pytest.raises(
        services.CalendarError, match="Không có trong lịch nghỉ, làm bù: ngày 07/07/2022"
    ):
        services.remove_override(admin, D(2022, 7, 7))
    with pytest.raises(services.CalendarError, match="Ghi chú dài quá 255 ký tự"):
        services.set_override(admin, DAY_OFF, False, "x" * 300)
    services.set_override(admin, DAY_OFF, False)
    with pytest.raises(services.CalendarError, match="Ngày 06/07/2022 đã có"):
        services.set_override(admin, DAY_OFF, True, previous_date=D(2022, 7, 7))


# --- the Django admin goes through the service -----------------------------------------


def test_admin_add_change_and_delete_go_through_the_service(world, admin, client):
    unit, feedback = world
    client.force_login(admin)
    url = "/admin/periods/calendaroverride/"
    response = client.post(
        f"{url}add/", {"date": "2022-07-06", "is_working_day": "", "note": "Nghỉ đột xuất"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get(date=DAY_OFF)
    assert state(unit, feedback)["dossier"] == (D(2022, 7, 18), "early")
    assert AuditEntry.objects.filter(action="calendar.set", user=admin).count() == 1

    # Moving the row to another date: 06/07 is a working day again, 15/09 is off.
    response = client.post(
        f"{url}{override.pk}/change/",
        {"date": "2022-09-15", "is_working_day": "", "note": "Nghỉ bù"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(
        CalendarOverride.objects.filter(date__in=[DAY_OFF, SEPT_DAY_OFF]).values_list(
            "date", flat=True
        )
    ) == [SEPT_DAY_OFF]
    now = state(unit, feedback)
    assert now["dossier"] == BEFORE["dossier"] and now["late"] is False
    moved = AuditEntry.objects.filter(action="calendar.set").latest("pk")
    assert moved.data["before"]["date"] == "2022-07-06"
    assert moved.data["after"]["date"] == "2022-09-15"

    override = CalendarOverride.objects.get(date=SEPT_DAY_OFF)
    response = client.post(f"{url}{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert state(unit, feedback) == BEFORE
    assert AuditEntry.objects.filter(action="calendar.remove").count() == 1

    for day in (DAY_OFF, SEPT_DAY_OFF):
        services.set_override(admin, day, False)
    ids = list(
        CalendarOverride.objects.filter(date__in=[DAY_OFF, SEPT_DAY_OFF]).values_list(
            "pk", flat=True
        )
    )
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert state(unit, feedback) == BEFORE
    assert AuditEntry.objects.filter(action="calendar.remove").count() == 3


def test_staff_without_the_admin_role_cannot_change_the_calendar_in_the_admin(
    world, client, django_user_model
):
    staff = django_user_model.objects.create_user("staff", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    response = client.post(
        "/admin/periods/calendaroverride/add/",
        {"date": "2022-07-06", "is_working_day": "", "note": "x"},
    )
    assert response.status_code == 403
    assert not CalendarOverride.objects.filter(date=DAY_OFF).exists()


# --- the dossier cut-off setting -------------------------------------------------------

LATE_AFTERNOON = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
    # Friday 16:00; 10 working days; result on Friday two weeks later.
    "R1,1.004567,Trực tiếp,01/07/2022 16:00,15/07/2022\n"
)


def test_every_dossier_path_uses_the_cut_off_setting(province, settings):
    """The demo loader and the commands call import_dossiers without a cut-off: the setting
    applies, and `cchc dossiers reclassify --all` applies a changed one."""
    import io

    from django.core.management import call_command

    CalendarOverride.objects.filter(date__range=(D(2022, 7, 1), D(2022, 7, 31))).delete()
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    settings.CCHC_DOSSIER_CUTOFF = 17 * 60
    import_dossiers(LATE_AFTERNOON.encode(), "r.csv", unit)
    dossier = Dossier.objects.get(unit=unit, code="R1")
    # Before 17:00: the clock starts that Friday, due 15/07, on time.
    assert (dossier.start_on, dossier.due_on, dossier.verdict) == (
        D(2022, 7, 1),
        D(2022, 7, 15),
        "on_time",
    )
    settings.CCHC_DOSSIER_CUTOFF = 15 * 60
    out = io.StringIO()
    call_command("dossiers", "reclassify", "--all", stdout=out)
    assert "giờ chốt 15:00: 1 hồ sơ thay đổi" in out.getvalue()
    dossier.refresh_from_db()
    assert (dossier.start_on, dossier.due_on, dossier.verdict) == (
        D(2022, 7, 4),
        D(2022, 7, 18),
        "early",
    )
