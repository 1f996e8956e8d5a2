"""Two roles seen from the pages: the administrator (Role.ADMIN on a unit, not a superuser)
and a consolidator of a sub-tree (a district): what each may see and do."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.org.models import Role
from cchc.registers.models import Procedure
from cchc.reports import services
from cchc.reports.models import Status
from tests.conftest import PASSWORD, _user

pytestmark = pytest.mark.django_db
CATALOGUE = "Mã TTHC,Tên TTHC,Thời hạn giải quyết\n1.0001,Thủ tục A,10\n"


@pytest.fixture
def admin_user(django_user_model, province):
    return _user(django_user_model, "quantri", Role.ADMIN, province["ST"])


@pytest.fixture
def district_consolidator(django_user_model, province):
    return _user(django_user_model, "tonghop-huyen", Role.CONSOLIDATOR, province["ST-HCT"])


@pytest.fixture
def district_report(django_user_model, province, period, template):
    # `template` loads the built-ins; the district's report takes its own (huyen).
    reporter = _user(django_user_model, "bc-huyen", Role.REPORTER, province["ST-HCT"])
    return services.start_report(reporter, province["ST-HCT"], period)


def _overview_units(client, period) -> list[str]:
    page = client.get(reverse("overview", args=[period.code]))
    assert page.status_code == 200
    return re.findall(r'data-unit="([^"]+)"', page.content.decode())


def test_admin_sees_every_unit_and_report_but_does_not_report(
    client, admin_user, report, district_report, period
):
    assert not admin_user.is_superuser
    assert client.login(username="quantri", password=PASSWORD)
    for unit_report in (report, district_report):
        assert client.get(reverse("report", args=[unit_report.pk])).status_code == 200
    assert (
        client.get(reverse("dossiers", args=["ST-STP"]), {"period": period.code}).status_code == 200
    )
    assert _overview_units(client, period) == [
        "ST-SNV",
        "ST-STP",
        "ST-STTTT",
        "ST-HCT",
        "ST-HCT-XAH",
    ]
    # Reporting is the units' own work: no values, no submitting, no register imports.
    value = client.post(
        reverse("save_value", args=[report.pk]),
        {"key": "plan_tasks_total", "value": "46"},
        content_type="application/json",
    )
    assert value.status_code == 403
    client.post(reverse("workflow", args=[report.pk, "submit"]))
    assert type(report).objects.get(pk=report.pk).status == Status.DRAFT
    upload = client.post(
        reverse("upload_procedures", args=["ST-STTTT"]),
        {"file": SimpleUploadedFile("tthc.csv", CATALOGUE.encode())},
    )
    assert upload.status_code == 403 and not Procedure.objects.exists()
    # Not staff: the Django admin is closed to them.
    assert client.get("/admin/").status_code == 302


def test_admin_may_reopen_an_approved_report(
    client, admin_user, complete_report, reporter, approver
):
    services.submit_report(reporter, complete_report)
    services.approve_report(approver, complete_report)
    assert client.login(username="quantri", password=PASSWORD)
    client.post(reverse("workflow", args=[complete_report.pk, "reopen"]), {"reason": "Sửa số liệu"})
    assert type(complete_report).objects.get(pk=complete_report.pk).status == Status.RETURNED


def test_district_consolidator_sees_only_the_district(
    client, district_consolidator, report, district_report, period
):
    assert client.login(username="tonghop-huyen", password=PASSWORD)
    assert client.get(reverse("report", args=[district_report.pk])).status_code == 200
    assert client.get(reverse("report", args=[report.pk])).status_code == 404
    for code, status in (("ST-HCT", 200), ("ST-HCT-XAH", 200), ("ST-STTTT", 404), ("ST", 404)):
        response = client.get(reverse("dossiers", args=[code]), {"period": period.code})
        assert response.status_code == status, code
    assert _overview_units(client, period) == ["ST-HCT", "ST-HCT-XAH"]
    # Watching is not reporting: the district's report is not theirs to fill in.
    value = client.post(
        reverse("save_value", args=[district_report.pk]),
        {"key": "plan_tasks_total", "value": "1"},
        content_type="application/json",
    )
    assert value.status_code == 403


def test_a_successors_people_see_the_reports_of_the_unit_it_took_over(
    client, django_user_model, province, report
):
    """Sở TT&TT merged into Sở KH&CN: its reports stay its own, readable from the successor,
    not editable there (and the successor's people do not see the old unit's siblings)."""
    import datetime

    from cchc.org.models import Unit, UnitKind

    new = Unit.objects.create(
        code="CT-SKHCN",
        name="Sở Khoa học và Công nghệ",
        kind=UnitKind.DEPARTMENT,
        parent=province["ST"],
        valid_from=datetime.date(2025, 7, 1),
    )
    old = province["ST-STTTT"]
    old.valid_to, old.successor = datetime.date(2025, 6, 30), new
    old.save(update_fields=["valid_to", "successor"])
    _user(django_user_model, "khcn", Role.REPORTER, new)
    assert client.login(username="khcn", password=PASSWORD)
    assert client.get(reverse("report", args=[report.pk])).status_code == 200
    saved = client.post(
        reverse("save_value", args=[report.pk]),
        {"key": "plan_tasks_total", "value": "1"},
        content_type="application/json",
    )
    assert saved.status_code == 403
    assert client.get(reverse("dossiers", args=["ST-STTTT-VP"])).status_code == 200  # below it
    assert client.get(reverse("dossiers", args=["ST-STP"])).status_code == 404
