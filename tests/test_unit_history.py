"""The history page of a unit that took over others' work lists them and the reports they
sent, for whoever may see those reports; the page of a closed unit names its successor."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(province, template, reporter, django_user_model):
    """Sở TT&TT closes on 30/6/2025 and hands over to a new Sở KH&CN, which has a reporter; Sở
    Tư pháp merges into it as well (to see two predecessors, and one through another merge)."""
    new = Unit.objects.create(
        code="ST-SKHCN",
        name="Sở Khoa học và Công nghệ",
        kind=UnitKind.DEPARTMENT,
        parent=province["ST"],
        must_report=True,
        valid_from=datetime.date(2025, 7, 1),
    )
    old = province["ST-STTTT"]
    old.valid_to, old.successor = datetime.date(2025, 6, 30), new
    old.save()
    older = province["ST-STP"]
    older.valid_to, older.successor = datetime.date(2024, 12, 31), old
    older.save()
    for code in ("Q1-2022", "Q2-2022", "Q3-2022"):
        services.start_report(reporter, old, Period.objects.for_code(code), template)
    new_reporter = django_user_model.objects.create_user("khcn", password="x")
    RoleAssignment.objects.create(user=new_reporter, unit=new, role=Role.REPORTER)
    return new, new_reporter


def test_the_successor_lists_its_predecessors_and_their_reports(client, merged, consolidator):
    client.force_login(consolidator)
    html = client.get("/units/ST-SKHCN/history/").content.decode()
    assert "Đơn vị tiền thân và báo cáo đã gửi" in html
    assert html.index("Sở Thông tin và Truyền thông") < html.index("Sở Tư pháp")
    for report in Report.objects.filter(unit__code="ST-STTTT"):
        assert f'href="/reports/{report.pk}/"' in html
    assert "Quý III năm 2022" in html and "(đến 30/06/2025)" in html


def test_the_closed_unit_names_its_successor(client, merged, consolidator):
    client.force_login(consolidator)
    html = client.get("/units/ST-STTTT/history/").content.decode()
    assert "Đơn vị hoạt động đến ngày 30/06/2025" in html
    assert 'href="/units/ST-SKHCN/history/"' in html


@pytest.mark.parametrize(
    "who, status, sees_reports",
    [
        ("consolidator", 200, True),
        ("new_reporter", 200, True),  # the successor's people read the old unit's reports
        ("other_reporter", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_the_history_page_by_role(client, request, merged, who, status, sees_reports):
    if who == "new_reporter":
        client.force_login(merged[1])
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get("/units/ST-SKHCN/history/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Sở Thông tin và Truyền thông" in html
        assert ("Quý III năm 2022" in html) == sees_reports
        if not sees_reports:
            assert "Không có báo cáo nào của đơn vị này mà bạn được xem." in html


def test_the_predecessors_reports_cost_the_same_queries_however_many(
    client, merged, consolidator, reporter, template
):
    client.force_login(consolidator)
    client.get("/units/ST-SKHCN/history/")  # warm the session and the calendar

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/units/ST-SKHCN/history/").status_code == 200
        return len(queries)

    before = count()
    for code in ("Q4-2022", "Q1-2023", "Q2-2023", "Q3-2023"):
        services.start_report(
            reporter, Unit.objects.get(code="ST-STTTT"), Period.objects.for_code(code), template
        )
    assert count() == before
    assert before <= 15
