"""Choosing the template when a report is started: the active templates that fit the unit's
kind and the period are offered, the best fit chosen; a template made for other kinds of unit
is refused."""

from __future__ import annotations

import datetime
import re

import pytest

from cchc.catalog.loader import load_template
from cchc.catalog.models import ReportTemplate
from cchc.org.models import Role, RoleAssignment, UnitKind
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Report

pytestmark = pytest.mark.django_db

PROVINCE_TEMPLATE = """
code: tinh
version: 1
name: "Báo cáo CCHC của UBND tỉnh"
unit_kinds: [province]
sections:
  - code: "I"
    title: "Công tác chỉ đạo điều hành CCHC"
    rows:
      - {key: plan_tasks_total, label: "Số nhiệm vụ đề ra trong kế hoạch", type: integer}
"""


def codes(unit_kind, period_kind) -> list[str]:
    return [t.code for t in services.templates_for(unit_kind, period_kind)]


@pytest.fixture
def commune_reporter(django_user_model, province):
    user = django_user_model.objects.create_user("xa_an_hiep", password="x")
    RoleAssignment.objects.create(user=user, unit=province["ST-HCT-XAH"], role=Role.REPORTER)
    return user


def test_the_templates_offered_fit_the_unit_kind_and_the_period(template):
    assert codes(UnitKind.DEPARTMENT, "quarter") == ["so-nganh"]
    assert codes(UnitKind.DEPARTMENT, "half") == ["so-nganh"]
    # A year: the annual form first, the periodic one still offered.
    assert codes(UnitKind.DEPARTMENT, "year") == ["so-nganh-nam", "so-nganh"]
    assert codes(UnitKind.DISTRICT, "quarter") == ["huyen"]
    assert codes(UnitKind.DISTRICT, "year") == ["huyen"]
    assert codes(UnitKind.COMMUNE, "quarter") == ["xa"]
    assert codes(UnitKind.COMMUNE, "year") == ["xa"]
    assert codes(UnitKind.PROVINCE, "year") == ["tinh"]
    assert codes(UnitKind.DIVISION, "quarter") == []


def test_the_province_template_is_offered_to_the_province_only(template):
    assert codes(UnitKind.PROVINCE, "year") == ["tinh"]
    assert codes(UnitKind.PROVINCE, "quarter") == ["tinh"]
    assert "tinh" not in codes(UnitKind.DEPARTMENT, "year")
    assert "tinh" not in codes(UnitKind.COMMUNE, "year")


def test_only_the_newest_active_version_is_offered_and_a_template_for_every_kind_comes_last(
    template, tmp_path
):
    path = tmp_path / "chung.yaml"
    path.write_text(
        PROVINCE_TEMPLATE.replace("code: tinh", "code: chung").replace(
            "unit_kinds: [province]", "unit_kinds: []"
        ),
        encoding="utf-8",
    )
    load_template(path)
    assert codes(UnitKind.COMMUNE, "year") == ["xa", "chung"]
    assert codes(UnitKind.DIVISION, "quarter") == ["chung"]
    ReportTemplate.objects.filter(code="xa").update(is_active=False)
    assert codes(UnitKind.COMMUNE, "year") == ["chung"]


def test_default_template_picks_by_kind_and_period(template):
    # Without a kind: the first active template by code (only its deadline rule is used).
    assert services.default_template().code == "huyen"
    assert services.default_template(UnitKind.DISTRICT, "year").code == "huyen"
    assert services.default_template(UnitKind.DEPARTMENT, "year").code == "so-nganh-nam"
    assert services.default_template(UnitKind.COMMUNE, "quarter").code == "xa"
    assert services.default_template(None, "year").code == "so-nganh-nam"
    assert services.default_template(UnitKind.PROVINCE, "year").code == "tinh"
    with pytest.raises(services.WorkflowError, match="loại đơn vị «Phòng»"):
        services.default_template(UnitKind.DIVISION, "year")
    year = Period.objects.lookup("Y-2026")
    assert services.template_deadline(year) == datetime.date(2026, 12, 16)
    assert services.template_deadline(year, UnitKind.COMMUNE) == datetime.date(2026, 12, 16)
    assert services.template_deadline(year, UnitKind.DIVISION) is None


def test_start_report_picks_the_best_fit_when_no_template_is_given(
    template, province, reporter, commune_reporter
):
    year = Period.objects.for_code("Y-2022")
    assert services.start_report(reporter, province["ST-STTTT"], year).template.code == (
        "so-nganh-nam"
    )
    quarter = Period.objects.for_code("Q3-2022")
    assert services.start_report(reporter, province["ST-STTTT"], quarter).template.code == (
        "so-nganh"
    )
    report = services.start_report(commune_reporter, province["ST-HCT-XAH"], quarter)
    assert report.template.code == "xa"


def test_start_report_refuses_a_template_made_for_other_kinds_of_unit(
    template, province, reporter, commune_reporter
):
    xa = ReportTemplate.objects.get(code="xa")
    quarter = Period.objects.for_code("Q3-2022")
    with pytest.raises(services.WorkflowError) as refused:
        services.start_report(commune_reporter, province["ST-HCT-XAH"], quarter, template)
    assert str(refused.value) == (
        "Biểu mẫu «Báo cáo CCHC định kỳ của sở, ban, ngành» dùng cho Sở, ban, ngành; UBND xã "
        "An Hiệp là UBND xã, không lập báo cáo theo biểu mẫu này."
    )
    with pytest.raises(services.WorkflowError, match="dùng cho UBND xã"):
        services.start_report(reporter, province["ST-STTTT"], quarter, xa)
    assert not Report.objects.exists()


def radios(html: str) -> list[tuple[str, bool]]:
    return [
        (value, bool(checked))
        for value, checked in re.findall(
            r'<input type="radio" name="template" value="(\d+)"( checked)?>', html
        )
    ]


def test_the_start_page_offers_the_fitting_templates_best_first(client, template, reporter):
    annual = ReportTemplate.objects.get(code="so-nganh-nam")
    client.force_login(reporter)
    response = client.get("/units/ST-STTTT/periods/Y-2022/")
    html = response.content.decode()
    assert response.status_code == 200
    assert radios(html) == [(str(annual.pk), True), (str(template.pk), False)]
    assert "hạn gửi 16/12/2022" in html
    assert radios(client.get("/units/ST-STTTT/periods/Q3-2022/").content.decode()) == [
        (str(template.pk), True)
    ]


def test_starting_with_the_chosen_template(client, template, reporter):
    client.force_login(reporter)
    response = client.post("/units/ST-STTTT/periods/Y-2022/", {"template": template.pk})
    report = Report.objects.get(unit__code="ST-STTTT", period__code="Y-2022")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.template == template
    # Without a choice (an old form), the best fit.
    client.post("/units/ST-STTTT/periods/Y-2023/")
    assert Report.objects.get(period__code="Y-2023").template.code == "so-nganh-nam"


def test_a_template_not_offered_is_refused_with_a_message(client, template, reporter):
    xa = ReportTemplate.objects.get(code="xa")
    client.force_login(reporter)
    response = client.post("/units/ST-STTTT/periods/Q3-2022/", {"template": xa.pk}, follow=True)
    assert "Biểu mẫu đã chọn không dùng được cho đơn vị và kỳ báo cáo này." in (
        response.content.decode()
    )
    assert not Report.objects.exists()


def test_a_commune_is_offered_the_commune_template(client, template, province, commune_reporter):
    xa = ReportTemplate.objects.get(code="xa")
    client.force_login(commune_reporter)
    html = client.get("/units/ST-HCT-XAH/periods/Q3-2022/").content.decode()
    assert radios(html) == [(str(xa.pk), True)]
    client.post("/units/ST-HCT-XAH/periods/Q3-2022/", {"template": xa.pk})
    assert Report.objects.get(unit__code="ST-HCT-XAH").template == xa


def test_a_unit_no_template_fits_says_so(client, template, django_user_model, province):
    user = django_user_model.objects.create_user("phong", password="x")
    RoleAssignment.objects.create(user=user, unit=province["ST-STTTT-VP"], role=Role.REPORTER)
    client.force_login(user)
    html = client.get("/units/ST-STTTT-VP/periods/Y-2022/").content.decode()
    assert "Chưa có biểu mẫu báo cáo nào dùng cho Phòng" in html
    assert radios(html) == []
    response = client.post("/units/ST-STTTT-VP/periods/Y-2022/", follow=True)
    assert "Chưa có biểu mẫu báo cáo nào dùng cho loại đơn vị «Phòng»" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "who, status, form",
    [
        ("reporter", 200, True),
        ("approver", 200, False),
        ("consolidator", 200, False),
        ("other_reporter", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_the_start_page_by_role(client, request, template, province, who, status, form):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get("/units/ST-STTTT/periods/Y-2022/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
    if status == 200:
        assert bool(radios(response.content.decode())) == form
