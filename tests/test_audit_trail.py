"""The audit trail: every call is its own row, written once (edits and deletes refused), with
the object, unit and report named; autosaves coalesced only when shown; history pages by role;
role changes and template loads audited; visible_to filters."""

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.audit.models import AuditEntry, ImmutableAuditEntry
from cchc.audit.services import COALESCE_WINDOW, coalesced, log_action
from cchc.catalog.loader import BUILTIN_DIR, load_template
from cchc.catalog.models import ReportTemplate
from cchc.org import services as org_services
from cchc.org.models import Role, RoleAssignment, Unit
from cchc.records.models import Post
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.registers.services import record_apology
from cchc.reports import services
from cchc.reports.models import Report
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(minutes: float):
    """Freeze the clock `minutes` after T0 (what auto_now_add and log_action read)."""
    return mock.patch(
        "django.utils.timezone.now", return_value=T0 + datetime.timedelta(minutes=minutes)
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Storage: one row per call, never rewritten.


def test_autosaves_are_separate_rows_shown_as_one_line(client, report, reporter):
    for minute, raw in [(0, "46"), (2, "45"), (5, "44")]:
        with at(minute):
            services.save_value(reporter, report, "plan_tasks_total", raw)
    rows = AuditEntry.objects.filter(report=report, action="value.value").order_by("pk")
    assert [(r.data["before"], r.data["after"]) for r in rows] == [
        ("", "46"),
        ("46", "45"),
        ("45", "44"),
    ]
    assert [r.at for r in rows] == [
        T0,
        T0 + datetime.timedelta(minutes=2),
        T0 + datetime.timedelta(minutes=5),
    ]
    (line,) = [
        ln
        for ln in coalesced(AuditEntry.objects.filter(report=report))
        if ln.action == "value.value"
    ]
    assert line.count == 3 and line.before == "" and line.after == "44"
    assert line.summary.endswith("(trống) → 44")
    page = login(client, reporter).get(reverse("audit_trail", args=[report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Số nhiệm vụ đề ra trong kế hoạch") == 1
    assert "(trống) → 44" in text and "(3 lần lưu)" in text
    assert "46 → 45" not in text


def test_saves_far_apart_or_interleaved_are_separate_lines(report, reporter):
    with at(0):
        services.save_value(reporter, report, "plan_tasks_total", "46")
    with at(0 + COALESCE_WINDOW.total_seconds() / 60 + 1):
        services.save_value(reporter, report, "plan_tasks_total", "45")
    with at(30):
        services.save_value(reporter, report, "plan_tasks_done", "40")
    with at(31):
        services.save_value(reporter, report, "plan_tasks_total", "47")
    lines = [
        ln
        for ln in coalesced(AuditEntry.objects.filter(report=report))
        if ln.action == "value.value"
    ]
    assert [(ln.before, ln.after) for ln in reversed(lines)] == [
        ("", "46"),
        ("46", "45"),
        ("", "40"),
        ("45", "47"),
    ]


def test_entry_names_object_unit_and_report_and_survives_their_deletion(report, reporter, province):
    evidence = services.add_evidence(
        reporter,
        report,
        "plan_tasks_total",
        {"doc_type": "Kế hoạch", "number_symbol": "02/KH-STTTT"},
    )
    entry = AuditEntry.objects.get(action="evidence.add")
    assert entry.content_type == ContentType.objects.get_for_model(evidence)
    assert entry.object_id == str(evidence.pk) and entry.object_repr == str(evidence)
    assert entry.unit == province["ST-STTTT"] and entry.unit_repr == "Sở Thông tin và Truyền thông"
    assert entry.report == report and entry.report_repr == str(report)
    assert entry.user_repr == "reporter"
    services.remove_evidence(reporter, evidence)
    report_text = str(report)
    count = AuditEntry.objects.filter(report=report).count()
    Report.objects.filter(pk=report.pk).delete()
    kept = AuditEntry.objects.filter(report_repr=report_text)
    assert kept.count() == count and not kept.filter(report__isnull=False).exists()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == str(evidence)


def test_tamper_attempts_raise(report, reporter):
    entry = log_action(reporter, "test.action", "Một thay đổi", report=report)
    entry.summary = "Viết lại"
    with pytest.raises(ImmutableAuditEntry):
        entry.save()
    with pytest.raises(ImmutableAuditEntry):
        entry.delete()
    with pytest.raises(ImmutableAuditEntry):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="Viết lại")
    with pytest.raises(ImmutableAuditEntry):
        AuditEntry.objects.filter(pk=entry.pk).update(at=T0)
    with pytest.raises(ImmutableAuditEntry):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ImmutableAuditEntry):
        AuditEntry.objects.bulk_update([entry], ["summary"])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Một thay đổi"


def test_at_is_kept_as_occurred_at_and_shown_as_recorded_later(client, report, reporter):
    happened = datetime.datetime(2022, 9, 15, 2, 10, tzinfo=datetime.UTC)
    with at(0):
        entry = log_action(reporter, "report.submit", "Gửi báo cáo", report=report, at=happened)
    entry.refresh_from_db()
    assert entry.at == T0 and entry.occurred_at == happened
    text = login(client, reporter).get(reverse("audit_trail", args=[report.pk])).content.decode()
    assert "ghi nhận lúc 16:00 02/03/2026 về sự việc ngày 09:10 15/09/2022" in text


def test_submit_with_at_is_recorded_later(complete_report, reporter):
    happened = timezone.now() - datetime.timedelta(days=3)
    services.submit_report(reporter, complete_report, at=happened)
    entry = AuditEntry.objects.get(report=complete_report, action="report.submit")
    assert entry.occurred_at == happened and entry.at > happened


# Role changes and template loads.


def test_assign_and_revoke_role_through_service_are_audited(
    province, consolidator, django_user_model
):
    newcomer = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    assignment = org_services.assign_role(consolidator, newcomer, province["ST-STP"], Role.REPORTER)
    entry = AuditEntry.objects.get(action="role.assign")
    assert entry.user == consolidator and entry.unit == province["ST-STP"]
    assert entry.object_id == str(assignment.pk) and entry.data["after"] == Role.REPORTER
    org_services.revoke_role(consolidator, assignment)
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    revoked = AuditEntry.objects.get(action="role.revoke")
    assert revoked.data["before"] == Role.REPORTER and revoked.object_repr == entry.object_repr


def test_role_grants_are_permission_checked(province, consolidator, reporter, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    # A consolidator may not hand out oversight roles, a reporter may not grant at all.
    with pytest.raises(PermissionDenied):
        org_services.assign_role(consolidator, newcomer, province["ST-STP"], Role.CONSOLIDATOR)
    with pytest.raises(PermissionDenied):
        org_services.assign_role(reporter, newcomer, province["ST-STTTT"], Role.REPORTER)
    # Nor outside their sub-tree.
    local = django_user_model.objects.create_user("local", password=PASSWORD)
    RoleAssignment.objects.create(user=local, unit=province["ST-HCT"], role=Role.CONSOLIDATOR)
    with pytest.raises(PermissionDenied):
        org_services.assign_role(local, newcomer, province["ST-STP"], Role.REPORTER)
    org_services.assign_role(local, newcomer, province["ST-HCT-XAH"], Role.APPROVER)
    assert not AuditEntry.objects.filter(action="role.assign", unit=province["ST-STP"]).exists()
    assert AuditEntry.objects.filter(action="role.assign", unit=province["ST-HCT-XAH"]).count() == 1


def test_admin_role_changes_go_through_service(client, province, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    newcomer = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    login(client, admin)
    response = client.post(
        "/admin/org/roleassignment/add/",
        {"user": newcomer.pk, "unit": province["ST-STP"].pk, "role": Role.APPROVER},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert AuditEntry.objects.get(action="role.assign").user == admin
    response = client.post(
        f"/admin/org/roleassignment/{assignment.pk}/change/",
        {"user": newcomer.pk, "unit": province["ST-SNV"].pk, "role": Role.REPORTER},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.unit, assignment.role) == (province["ST-SNV"], Role.REPORTER)
    assert AuditEntry.objects.get(action="role.change").unit == province["ST-SNV"]
    response = client.post(
        "/admin/org/roleassignment/",
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.get(action="role.revoke").user == admin


def test_staff_without_role_rights_cannot_assign_in_admin(client, province, django_user_model):
    staff = django_user_model.objects.create_user("staff", password=PASSWORD, is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["add_roleassignment", "view_roleassignment"])
    )
    login(client, staff)
    response = client.post(
        "/admin/org/roleassignment/add/",
        {"user": staff.pk, "unit": province["ST"].pk, "role": Role.ADMIN},
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=staff).exists()
    assert not AuditEntry.objects.filter(action="role.assign").exists()


def test_template_load_is_audited(db, tmp_path):
    source = (BUILTIN_DIR / "so-nganh.yaml").read_text(encoding="utf-8")
    path = Path(tmp_path) / "so-nganh-v9.yaml"
    path.write_text(source.replace("version: 1", "version: 9", 1), encoding="utf-8")
    template = load_template(path)
    entry = AuditEntry.objects.get(action="template.load", data__version=9)
    assert entry.user is None and entry.object_id == str(template.pk)
    assert (
        entry.data["code"] == "so-nganh" and entry.data["indicators"] == template.indicators.count()
    )
    assert entry.data["rules"] == template.rules.count()
    assert f"{template.indicators.count()} chỉ tiêu" in entry.summary


def test_template_builtin_command_is_audited_as_system(db):
    call_command("template", "builtin")
    loaded = ReportTemplate.objects.count()
    assert loaded and AuditEntry.objects.filter(action="template.load", user=None).count() == loaded


# History pages, by role.


@pytest.fixture
def dossier(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    return Dossier.objects.get(unit=unit, code="H004")


@pytest.fixture
def post(province, reporter, client):
    row = Post.objects.create(
        unit=province["ST-STTTT"],
        published_on=datetime.date(2022, 8, 5),
        channel="unit_site",
        title="Quy chế hoạt động",
    )
    login(client, reporter).post(
        f"/units/ST-STTTT/records/posts/{row.pk}/",
        {
            "published_on": "05/08/2022",
            "channel": "unit_site",
            "title": "Quy chế hoạt động mới",
            "period": "Q3-2022",
        },
    )
    client.logout()
    return row


def _history_urls(dossier, post):
    return {
        "unit": reverse("unit_history", args=["ST-STTTT"]),
        "dossier": reverse("dossier_detail", args=["ST-STTTT", dossier.code]),
        "row": reverse("record_history", args=["ST-STTTT", "posts", post.pk]),
    }


@pytest.mark.parametrize("page", ["unit", "dossier", "row"])
def test_history_pages_by_role(client, page, dossier, post, reporter, other_reporter, consolidator):
    record_apology(
        reporter, dossier, "15/XL-STTTT", datetime.date(2022, 8, 29), datetime.date(2022, 9, 5)
    )
    url = _history_urls(dossier, post)[page]
    expected = {
        "unit": "Văn bản xin lỗi số 15/XL-STTTT",
        "dossier": "Văn bản xin lỗi số 15/XL-STTTT",
        "row": "Sửa tin, bài",
    }[page]
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for user in (reporter, consolidator):
        response = login(client, user).get(url)
        assert response.status_code == 200
        assert expected in response.content.decode()
    assert login(client, other_reporter).get(url).status_code == 404


def test_row_history_shown_on_edit_page_and_linked_from_list(client, post, reporter):
    login(client, reporter)
    edit = client.get(f"/units/ST-STTTT/records/posts/{post.pk}/?period=Q3-2022").content.decode()
    assert 'id="history"' in edit and "Quy chế hoạt động mới" in edit
    listing = client.get("/units/ST-STTTT/records/posts/?period=Q3-2022").content.decode()
    assert reverse("record_history", args=["ST-STTTT", "posts", post.pk]) in listing


def test_unit_history_lists_only_that_unit(client, report, reporter, other_reporter, province):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    log_action(other_reporter, "test.other", "Việc của Sở Tư pháp", unit=province["ST-STP"])
    text = login(client, reporter).get(reverse("unit_history", args=["ST-STTTT"])).content.decode()
    assert "Số nhiệm vụ đề ra trong kế hoạch" in text and "Việc của Sở Tư pháp" not in text
    home = client.get(reverse("home")).content.decode()
    assert reverse("unit_history", args=["ST-STTTT"]) in home


# visible_to.


def test_visible_to_filters(
    report, reporter, other_reporter, consolidator, province, django_user_model, dossier
):
    other_unit_post = Post.objects.create(
        unit=province["ST-STP"],
        published_on=datetime.date(2022, 8, 5),
        channel="unit_site",
        title="x",
    )
    log_action(other_reporter, "test.other", "Việc của Sở Tư pháp", unit=province["ST-STP"])
    log_action(None, "test.system", "Không thuộc đơn vị nào")
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    anonymous = AnonymousUser()
    assert set(Unit.objects.visible_to(reporter)) == {province["ST-STTTT"], province["ST-STTTT-VP"]}
    assert Unit.objects.visible_to(consolidator).count() == Unit.objects.count()
    assert not Unit.objects.visible_to(anonymous).exists()
    assert list(Report.objects.visible_to(reporter)) == [report]
    assert not Report.objects.visible_to(other_reporter).exists()
    assert Dossier.objects.visible_to(reporter).count() == Dossier.objects.count() > 0
    assert not Dossier.objects.visible_to(other_reporter).exists()
    assert list(Post.objects.visible_to(other_reporter)) == [other_unit_post]
    assert not Post.objects.visible_to(reporter).filter(pk=other_unit_post.pk).exists()
    mine = AuditEntry.objects.visible_to(reporter)
    assert mine.exists() and not mine.exclude(unit=province["ST-STTTT"]).exists()
    assert set(AuditEntry.objects.visible_to(other_reporter).values_list("action", flat=True)) == {
        "test.other"
    }
    assert AuditEntry.objects.visible_to(admin).count() == AuditEntry.objects.count()
    assert not AuditEntry.objects.visible_to(consolidator).filter(action="test.system").exists()


def test_unit_admin_edit_and_inline_role_are_audited(client, province, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", password=PASSWORD)
    newcomer = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    unit = province["ST-STP"]
    login(client, admin_user)
    response = client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": "Sở Tư pháp tỉnh Sóc Trăng",
            "short_name": "",
            "kind": unit.kind,
            "parent": unit.parent_id,
            "doc_symbol": unit.doc_symbol,
            "place": "",
            "must_report": "on",
            "valid_from": "01/01/2000",
            "valid_to": "",
            "successor": "",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-user": newcomer.pk,
            "role_assignments-0-role": Role.REPORTER,
            "role_assignments-0-unit": unit.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEntry.objects.get(action="unit.change")
    assert change.data["changes"]["name"] == ["Sở Tư pháp", "Sở Tư pháp tỉnh Sóc Trăng"]
    assert change.user == admin_user and change.unit == unit
    role = AuditEntry.objects.get(action="role.assign")
    assert role.unit == unit and RoleAssignment.objects.filter(user=newcomer, unit=unit).exists()
