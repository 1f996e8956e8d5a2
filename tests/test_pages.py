"""Every page as the reporter of the unit, a reporter of another unit, the unit's approver,
the province's consolidator and an anonymous visitor: status code, then stored effect."""

import json

import pytest
from django.urls import reverse

from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Evidence, Report, Status
from tests.conftest import PASSWORD

PEOPLE = ["reporter", "other_reporter", "approver", "consolidator", "anonymous"]


@pytest.fixture
def as_person(client, request):
    """A client logged in as the named fixture's user (or anonymous)."""

    def login(name: str):
        if name != "anonymous":
            user = request.getfixturevalue(name)
            assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.fixture
def everyone(reporter, other_reporter, approver, consolidator):
    return None


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 200),
        ("consolidator", 200),
        ("anonymous", "login"),
    ],
)
def test_report_page(as_person, everyone, report, person, status):
    response = as_person(person).get(reverse("report", args=[report.pk]))
    if status == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == status
    if status == 200:
        assert "Báo cáo CCHC quý III năm 2022" in response.content.decode()
        editable = 'data-editable="1"' in response.content.decode()
        assert editable == (person == "reporter")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 403),
        ("consolidator", 403),
        ("anonymous", "login"),
    ],
)
def test_autosave_value(as_person, everyone, report, person, status):
    response = as_person(person).post(
        reverse("save_value", args=[report.pk]),
        data=json.dumps({"key": "plan_tasks_total", "value": "46"}),
        content_type="application/json",
    )
    if status == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == status
    stored = report.values.filter(indicator__key="plan_tasks_total").exists()
    assert stored == (person == "reporter")


def test_autosave_returns_derived_and_issues(as_person, everyone, report):
    client = as_person("reporter")
    url = reverse("save_value", args=[report.pk])
    client.post(
        url, json.dumps({"key": "plan_tasks_total", "value": "46"}), content_type="application/json"
    )
    data = client.post(
        url, json.dumps({"key": "plan_tasks_done", "value": "40"}), content_type="application/json"
    ).json()
    assert data["derived"]["plan_completion_rate"] == "86,96"
    assert data["display"] == "40"
    bad = client.post(
        url, json.dumps({"key": "plan_tasks_done", "value": "4o"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "không phải là số" in bad.json()["error"]
    unknown = client.post(
        url, json.dumps({"key": "khong_co", "value": "1"}), content_type="application/json"
    )
    assert unknown.status_code == 422 and "khong_co" in unknown.json()["error"]
    garbage = client.post(url, "{not json", content_type="application/json")
    assert garbage.status_code == 400


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 403),
        ("consolidator", 403),
        ("anonymous", "login"),
    ],
)
def test_autosave_narrative(as_person, everyone, report, template, person, status):
    section = template.outline.get(number="2.")
    response = as_person(person).post(
        reverse("save_narrative", args=[report.pk, section.pk]),
        data=json.dumps({"text": "Một số phòng còn chậm."}),
        content_type="application/json",
    )
    if status == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == status
    assert report.narrative.filter(text="Một số phòng còn chậm.").exists() == (person == "reporter")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 200),
        ("consolidator", 200),
        ("anonymous", "login"),
    ],
)
def test_citation_and_audit_pages(as_person, everyone, report, person, status):
    client = as_person(person)
    citation = client.get(
        reverse("parse_citation", args=[report.pk]),
        {"text": "Kế hoạch số 02/KH-STTTT ngày 27/01/2022"},
    )
    audit = client.get(reverse("audit_trail", args=[report.pk]))
    for response in (citation, audit):
        if status == "login":
            assert is_login_redirect(response)
        else:
            assert response.status_code == status
    if status == 200:
        assert citation.json()["number_symbol"] == "02/KH-STTTT"
        assert citation.json()["issued_on"] == "27/01/2022"
        assert "Tạo báo cáo" in audit.content.decode()


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 302),
        ("other_reporter", 404),
        ("approver", 403),
        ("consolidator", 403),
        ("anonymous", "login"),
    ],
)
def test_evidence_and_header(as_person, everyone, report, person, status):
    client = as_person(person)
    add = client.post(
        reverse("add_evidence", args=[report.pk]),
        {
            "key": "plan_completion_rate",
            "doc_type": "Kế hoạch",
            "number_symbol": "02/KH-STTTT",
            "issued_on": "27/01/2022",
            "issuer": "Sở TT&TT",
            "summary": "CCHC năm 2022",
        },
    )
    header = client.post(
        reverse("update_header", args=[report.pk]),
        {"number": "174/BC-STTTT", "report_date": "15/09/2022"},
    )
    for response in (add, header):
        if status == "login":
            assert is_login_redirect(response)
        else:
            assert response.status_code == status
    report.refresh_from_db()
    assert Evidence.objects.filter(report=report).exists() == (person == "reporter")
    assert (report.number == "174/BC-STTTT") == (person == "reporter")


def test_evidence_bad_date_is_refused_with_message(as_person, everyone, report):
    client = as_person("reporter")
    response = client.post(
        reverse("add_evidence", args=[report.pk]),
        {
            "key": "plan_completion_rate",
            "doc_type": "Kế hoạch",
            "number_symbol": "02/KH-STTTT",
            "issued_on": "31/02/2022",
        },
        follow=True,
    )
    assert "31/02/2022" in response.content.decode()
    assert not Evidence.objects.filter(report=report).exists()


def test_remove_evidence(as_person, everyone, report, reporter, other_reporter):
    evidence = services.add_evidence(
        reporter,
        report,
        "plan_completion_rate",
        {"doc_type": "Kế hoạch", "number_symbol": "02/KH-STTTT"},
    )
    url = reverse("remove_evidence", args=[report.pk, evidence.pk])
    assert as_person("other_reporter").post(url).status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert as_person("reporter").post(url).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 302),
        ("other_reporter", 404),
        ("approver", 403),
        ("consolidator", 403),
    ],
)
def test_submit(as_person, everyone, complete_report, person, status):
    response = as_person(person).post(reverse("workflow", args=[complete_report.pk, "submit"]))
    assert response.status_code == status
    complete_report.refresh_from_db()
    assert (complete_report.status == Status.SUBMITTED) == (person == "reporter")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 403),
        ("other_reporter", 404),
        ("approver", 302),
        ("consolidator", 403),
    ],
)
def test_approve(as_person, everyone, complete_report, reporter, person, status):
    services.submit_report(reporter, complete_report)
    response = as_person(person).post(reverse("workflow", args=[complete_report.pk, "approve"]))
    assert response.status_code == status
    complete_report.refresh_from_db()
    assert (complete_report.status == Status.APPROVED) == (person == "approver")


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 403),
        ("other_reporter", 404),
        ("approver", 302),
        ("consolidator", 302),
    ],
)
def test_return(as_person, everyone, complete_report, reporter, person, status):
    services.submit_report(reporter, complete_report)
    url = reverse("workflow", args=[complete_report.pk, "return"])
    response = as_person(person).post(url, {"reason": "Thiếu minh chứng"})
    assert response.status_code == status
    complete_report.refresh_from_db()
    assert (complete_report.status == Status.RETURNED) == (status == 302)


def test_return_without_reason_shows_message(as_person, everyone, complete_report, reporter):
    services.submit_report(reporter, complete_report)
    response = as_person("consolidator").post(
        reverse("workflow", args=[complete_report.pk, "return"]), {"reason": ""}, follow=True
    )
    assert "Phải ghi lý do" in response.content.decode()
    complete_report.refresh_from_db()
    assert complete_report.status == Status.SUBMITTED


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 403),
        ("other_reporter", 404),
        ("approver", 302),
        ("consolidator", 302),
    ],
)
def test_reopen(as_person, everyone, complete_report, reporter, approver, person, status):
    services.approve_report(approver, services.submit_report(reporter, complete_report))
    url = reverse("workflow", args=[complete_report.pk, "reopen"])
    response = as_person(person).post(url, {"reason": "Sửa số liệu biên chế"})
    assert response.status_code == status
    complete_report.refresh_from_db()
    assert (complete_report.status == Status.RETURNED) == (status == 302)


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 403),
        ("other_reporter", 403),
        ("approver", 403),
        ("consolidator", 200),
        ("anonymous", "login"),
    ],
)
def test_overview(as_person, everyone, complete_report, reporter, province, person, status):
    services.submit_report(reporter, complete_report)
    response = as_person(person).get(reverse("overview", args=["Q3-2022"]))
    if status == "login":
        assert is_login_redirect(response)
        return
    assert response.status_code == status
    if status == 200:
        rows = {row.unit.code: row for row in response.context["overview"].rows}
        # Units that must report, and only those: the division is not listed.
        assert set(rows) == {"ST-SNV", "ST-STTTT", "ST-STP", "ST-HCT", "ST-HCT-XAH"}
        assert rows["ST-STTTT"].state_label in {"Đã gửi đúng hạn", "Đã gửi trễ hạn"}
        assert rows["ST-STP"].state_label == "Chưa báo cáo"
        assert f"/reports/{complete_report.pk}/" in response.content.decode()


def test_overview_states(
    as_person,
    everyone,
    province,
    template,
    reporter,
    other_reporter,
    consolidator,
    django_user_model,
):
    from cchc.org.models import Role, RoleAssignment

    period = Period.objects.for_code("Q3-2022")
    stp = services.start_report(other_reporter, province["ST-STP"], period, template)
    hct_reporter = django_user_model.objects.create_user("hct", password=PASSWORD)
    RoleAssignment.objects.create(user=hct_reporter, unit=province["ST-HCT"], role=Role.REPORTER)
    hct = services.start_report(hct_reporter, province["ST-HCT"], period)
    from tests.conftest import COMPLETE_VALUES

    for key, raw in COMPLETE_VALUES.items():
        services.save_value(hct_reporter, hct, key, raw)
    services.return_report(consolidator, services.submit_report(hct_reporter, hct), "Sai số liệu")
    Report.objects.filter(pk=stp.pk).update(
        status=Status.SUBMITTED, submitted_at="2022-09-20T02:00:00Z"
    )
    response = as_person("consolidator").get(reverse("overview", args=["Q3-2022"]))
    states = {row.unit.code: row.state_label for row in response.context["overview"].rows}
    assert states["ST-STP"] == "Đã gửi trễ hạn"
    assert states["ST-HCT"] == "Bị trả lại"
    assert states["ST-SNV"] == "Chưa báo cáo"


def test_merged_unit_keeps_its_report_in_overview(as_person, everyone, complete_report, province):
    import datetime

    from cchc.org.models import Unit, UnitKind

    successor = Unit.objects.create(
        code="ST-STTTT2",
        name="Sở Khoa học và Công nghệ (mới)",
        kind=UnitKind.DEPARTMENT,
        parent=province["ST"],
        must_report=True,
        valid_from=datetime.date(2025, 3, 1),
    )
    old = province["ST-STTTT"]
    old.valid_to, old.successor = datetime.date(2025, 2, 28), successor
    old.save(update_fields=["valid_to", "successor"])
    rows = (
        as_person("consolidator")
        .get(reverse("overview", args=["Q3-2022"]))
        .context["overview"]
        .rows
    )
    codes = [row.unit.code for row in rows]
    assert "ST-STTTT" in codes and "ST-STTTT2" not in codes
    assert complete_report.unit == old


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 302),
        ("other_reporter", 404),
        ("approver", 403),
        ("consolidator", 403),
    ],
)
def test_start_report(as_person, everyone, province, template, person, status):
    url = reverse("unit_period", args=["ST-STTTT", "Q4-2022"])
    client = as_person(person)
    page = client.get(url)
    assert page.status_code == (404 if person == "other_reporter" else 200)
    response = client.post(url)
    assert response.status_code == status
    exists = Report.objects.filter(unit=province["ST-STTTT"], period__code="Q4-2022").exists()
    assert exists == (person == "reporter")


def test_unknown_period_code_is_404_with_message(as_person, everyone, province):
    response = as_person("reporter").get(reverse("unit_period", args=["ST-STTTT", "Q5-2022"]))
    assert response.status_code == 404


@pytest.mark.parametrize("person", ["reporter", "other_reporter", "approver", "consolidator"])
def test_home(as_person, everyone, report, person):
    response = as_person(person).get(reverse("home"))
    assert response.status_code == 200
    shows_report = f"/reports/{report.pk}/" in response.content.decode()
    assert shows_report == (person != "other_reporter")


def test_home_anonymous_goes_to_login(client):
    assert is_login_redirect(client.get(reverse("home")))


def test_overview_lookup_accepts_custom_windows(as_person, everyone, province):
    client = as_person("consolidator")
    response = client.get(reverse("overview_lookup"), {"period": "01/01/2024-31/07/2024"})
    assert response.status_code == 302 and response["Location"] == "/overview/C-20240101-20240731/"
    page = client.get(response["Location"])
    assert "từ ngày 01/01/2024 đến ngày 31/07/2024" in page.content.decode()
    bad = client.get(reverse("overview_lookup"), {"period": "Q9-2024"}, follow=True)
    assert "Không hiểu mã kỳ báo cáo" in bad.content.decode()
    assert (
        as_person("reporter").get(reverse("overview_lookup"), {"period": "Q3-2022"}).status_code
        == 403
    )


def test_home_shortcuts_offer_the_quarters_and_the_reporting_year():
    import datetime

    from cchc.web.views import current_period_codes

    assert current_period_codes(datetime.date(2026, 12, 3)) == ["Q4-2026", "Q3-2026", "Y-2026"]
    # After the year's cut-off (14/12) the next reporting year is under way.
    assert current_period_codes(datetime.date(2026, 12, 20))[-1] == "Y-2027"
