"""The consolidated values page and the drill-down, by role, with what they show."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.org.models import Role
from cchc.reports import services
from cchc.reports.models import Report
from tests.conftest import COMPLETE_VALUES, _user

pytestmark = pytest.mark.django_db

PAGE_QUERIES_MAX = 25  # per page; measured 21


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    ("who", "status"),
    [("reporter", 403), ("approver", 403), ("consolidator", 200), ("admin", 200)],
)
def test_pages_by_role(client, request, province, quarter, who, status):
    if who == "admin":
        user = _user(request.getfixturevalue("django_user_model"), "qt", Role.ADMIN, province["ST"])
    else:
        user = request.getfixturevalue(who)
    assert page(client, user, "consolidated", "Q3-2022").status_code == status
    drill = page(client, user, "drilldown", "Q3-2022", "plan_tasks_total")
    assert drill.status_code == status


def test_anonymous_is_sent_to_login(client, province, template):
    for url in (
        reverse("consolidated", args=["Q3-2022"]),
        reverse("drilldown", args=["Q3-2022", "plan_tasks_total"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_consolidator_of_a_district_cannot_ask_for_the_province(
    client,
    django_user_model,
    province,
    quarter,
):
    district = _user(django_user_model, "th-huyen", Role.CONSOLIDATOR, province["ST-HCT"])
    assert page(client, district, "consolidated", "Q3-2022", unit="ST").status_code == 403
    own = page(client, district, "consolidated", "Q3-2022", template="so-nganh")
    assert own.status_code == 200  # below the district: nothing counted, the commune not expected
    assert 'id="counted-count">0<' in own.content.decode()


def test_the_page_shows_values_rules_and_missing_units(client, consolidator, quarter):
    html = page(client, consolidator, "consolidated", "Q3-2022", include="submitted")
    html = html.content.decode()
    row = html.split('data-key="plan_completion_rate"')[1].split("</tr>")[0]
    assert ">85,9<" in row and "Tính lại theo công thức" in row
    row = html.split('data-key="survey_satisfaction_rate"')[1].split("</tr>")[0]
    assert ">67,5<" in row and "Bình quân gia quyền" in row and "2/2" in row
    row = html.split('data-key="legal_docs_reviewed"')[1].split("</tr>")[0]
    assert ">—<" in row and "0/2" in row
    missing = html.split('id="missing"')[1].split("</details>")[0]
    assert re.findall(r'data-unit="([^"]+)"', missing) == ["ST-SNV"]
    # The district reports on its own template: its draft is missing there.
    html = page(client, consolidator, "consolidated", "Q3-2022", template="huyen")
    missing = html.content.decode().split('id="missing"')[1].split("</details>")[0]
    assert re.findall(r'data-unit="([^"]+)"', missing) == ["ST-HCT"]
    assert "đang soạn" in missing


def test_the_drilldown_lists_every_unit_with_state_source_and_report(
    client,
    consolidator,
    quarter,
    staff,
):
    report = Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")
    html = page(
        client, consolidator, "drilldown", "Q3-2022", "plan_tasks_total", include="approved"
    ).content.decode()
    rows = dict(re.findall(r'data-unit="([^"]+)"[^>]*>(.*?)</tr>', html, re.S))
    assert list(rows) == ["ST-SNV", "ST-STP", "ST-STTTT"]
    assert ">46<" in rows["ST-STTTT"] and "Đã phê duyệt — được tính" in rows["ST-STTTT"]
    assert "Nhập tay" in rows["ST-STTTT"]
    assert reverse("report", args=[report.pk]) in rows["ST-STTTT"]
    assert "Đã gửi, chưa phê duyệt — không tính" in rows["ST-STP"]
    assert "Chưa báo cáo — không tính" in rows["ST-SNV"]
    assert 'id="consolidated-value">46<' in html
    assert '"values": [46.0]' in html  # the chart's data: the counted units only


def test_the_drilldown_shows_notes_and_evidence(
    client,
    consolidator,
    province,
    staff,
    template,
):
    from cchc.periods.models import Period

    user = staff[Role.REPORTER]
    report = services.start_report(
        user, province["ST-STP"], Period.objects.for_code("Q3-2022"), template
    )
    for key, raw in COMPLETE_VALUES.items():
        services.save_value(user, report, key, raw)
    services.save_value(user, report, "plan_tasks_total", "46", note="Kế hoạch 15/KH-STP")
    services.add_evidence(
        user,
        report,
        "plan_tasks_total",
        {"doc_type": "Kế hoạch", "number_symbol": "15/KH-STP", "summary": "CCHC năm 2022"},
    )
    html = page(
        client, consolidator, "drilldown", "Q3-2022", "plan_tasks_total", include="submitted"
    ).content.decode()
    row = html.split('data-unit="ST-STP"')[1].split("</tr>")[0]
    assert "Đang soạn — không tính" in row  # a draft's figure is not shown as counted
    assert ">—<" in row
    services.submit_report(user, report)
    html = page(
        client, consolidator, "drilldown", "Q3-2022", "plan_tasks_total", include="submitted"
    ).content.decode()
    row = html.split('data-unit="ST-STP"')[1].split("</tr>")[0]
    assert ">46<" in row
    assert "Kế hoạch 15/KH-STP" in row
    assert "Kế hoạch số 15/KH-STP về việc CCHC năm 2022" in row


def test_the_drilldown_sorts(client, consolidator, quarter, staff):
    report = Report.objects.get(unit__code="ST-STP", period__code="Q3-2022")
    services.approve_report(staff[Role.APPROVER], report)
    units = lambda sort: re.findall(  # noqa: E731
        r'<tr data-unit="([^"]+)"',
        page(
            client, consolidator, "drilldown", "Q3-2022", "plan_tasks_total", sort=sort
        ).content.decode(),
    )
    assert units("-value") == ["ST-STTTT", "ST-STP", "ST-SNV"]
    assert units("value") == ["ST-STP", "ST-STTTT", "ST-SNV"]


def test_an_unknown_indicator_is_not_found(client, consolidator, quarter):
    response = page(client, consolidator, "drilldown", "Q3-2022", "khong_co")
    assert response.status_code == 404
    assert "khong_co" in response.content.decode()


def test_the_page_takes_a_constant_number_of_queries(
    client,
    consolidator,
    province,
    make_report,
):
    def queries() -> int:
        client.force_login(consolidator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("consolidated", args=["Q3-2022"])).status_code == 200
            drill = reverse("drilldown", args=["Q3-2022", "plan_completion_rate"])
            assert client.get(drill).status_code == 200
        return len(captured)

    make_report("ST-STTTT", "Q3-2022", {}, "approved")
    one = queries()
    for code in ("ST-STP", "ST-SNV", "ST-HCT"):
        make_report(code, "Q3-2022", {}, "approved")
    assert queries() == one <= 2 * PAGE_QUERIES_MAX
