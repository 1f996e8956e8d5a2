"""The province's own report (template `tinh`, seed 003): filled from the units' approved
reports, drafted with the units best and worst and the previous year, a People's Committee's
header and signature, footnotes, and the units side by side in its workbook."""

import io
import re
import zipfile
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.catalog.models import ReportTemplate
from cchc.documents.registry import exporters
from cchc.org.models import Role
from cchc.periods.models import Period
from cchc.reports import services, words
from cchc.reports.drafting import draft_report
from cchc.reports.models import Status
from cchc.reports.sheet import ReportSheet
from tests.conftest import _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(make_report):
    """2022: Sở TT&TT and Sở Tư pháp approved, UBND huyện Châu Thành only submitted."""
    make_report(
        "ST-STTTT",
        "Y-2022",
        {"dossiers_received": "100", "dossiers_returned": "80", "dossiers_on_time_rate": "90"},
        Status.APPROVED,
    )
    make_report(
        "ST-STP",
        "Y-2022",
        {
            "plan_tasks_done": "23",
            "dossiers_received": "25",
            "dossiers_returned": "20",
            "dossiers_on_time_rate": "50",
        },
        Status.APPROVED,
    )
    make_report("ST-HCT", "Y-2022", {"dossiers_received": "9000"}, Status.SUBMITTED)


@pytest.fixture
def province_report(consolidator, province, template):
    tinh = ReportTemplate.objects.get(code="tinh")
    return services.start_report(
        consolidator, province["ST"], Period.objects.for_code("Y-2022"), tinh
    )


def values(report) -> dict[str, Decimal | None]:
    return ReportSheet(report).numbers


def test_the_consolidator_starts_it_filled_from_the_approved_reports(year, province_report):
    numbers = values(province_report)
    assert numbers["units_plan_tasks_total"] == 92  # 46 + 46
    assert numbers["units_plan_tasks_done"] == 63  # 40 + 23
    assert numbers["units_plan_completion_rate"] == Decimal("68.48")
    assert numbers["dossiers_received"] == 125  # the district's 9000 is not approved
    # Weighted by the dossiers resolved: (90 × 80 + 50 × 20) / 100, not (90 + 50) / 2.
    assert numbers["dossiers_on_time_rate"] == Decimal("82.00")
    # Sở Nội vụ, Sở TT&TT, Sở Tư pháp (so-nganh-nam or so-nganh), UBND huyện (huyen), the commune
    # (the xã template): every unit that must report, whatever template it reports with.
    assert numbers["reports_expected"] == 5
    assert numbers["reports_counted"] == 2
    assert numbers["plan_tasks_total"] is None  # the province's own register is empty
    rows = {
        row.indicator.key: row
        for _, section in ReportSheet(province_report).rows()
        for row in section
    }
    assert rows["dossiers_received"].source_label == "Tổng hợp từ các đơn vị"


def test_the_draft_names_missing_units_in_a_footnote_and_the_best_and_worst(
    year, province, province_report
):
    # Short names may repeat ("UBND phường" for every phường): the units go by full name.
    for code in ("ST-STTTT", "ST-STP"):
        province[code].short_name = "Sở"
        province[code].save(update_fields=["short_name"])
    text = "\n".join(draft_report(province_report).values())
    assert "2/5 cơ quan, đơn vị có báo cáo cải cách hành chính đã được phê duyệt" in text
    footnote = re.search(r"chưa có báo cáo được tổng hợp\[\^([^\]]+)\]", text).group(1)
    assert footnote == "Sở Nội vụ; UBND huyện Châu Thành; UBND xã An Hiệp."
    assert "cao nhất là Sở Thông tin và Truyền thông (90%)" in text
    assert "thấp nhất là Sở Tư pháp (50%)" in text
    assert "tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn đạt 82%" in text


def test_the_draft_compares_with_the_units_previous_year(make_report, year, province_report):
    make_report(
        "ST-STTTT",
        "Y-2021",
        {"dossiers_received": "50", "dossiers_returned": "50", "dossiers_on_time_rate": "70"},
        Status.APPROVED,
    )
    text = "\n".join(draft_report(province_report).values())
    assert "82%, tăng 12 điểm phần trăm so với năm 2021" in text
    assert "125 hồ sơ thủ tục hành chính (tăng 75 (150%) so với năm 2021)" in text


def test_the_docx_has_the_committees_header_signature_and_footnotes(year, province_report):
    content = exporters()["docx"](province_report).render().content
    document = docx.Document(io.BytesIO(content))
    header = document.tables[0].rows[0].cells[0].text.split("\n")
    # No parent line above it, and "ỦY BAN NHÂN DÂN" never broken: a line of its own.
    assert header[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG"]
    number = document.tables[0].rows[1].cells[0].text
    assert number.startswith("Số:") and "/BC-" in number
    block = next(t for t in document.tables if "Nơi nhận" in t.rows[0].cells[0].text)
    signature = block.rows[0].cells[1].text.split("\n")
    assert "Bộ Nội vụ (để tổng hợp);" in block.rows[0].cells[0].text
    assert signature[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        notes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
    assert "Sở Nội vụ; UBND huyện Châu Thành; UBND xã An Hiệp." in notes
    assert "<w:footnoteReference" in body
    assert "[^" not in body


def test_a_district_signs_for_its_committee(make_report, province):
    report = make_report("ST-HCT", "Q3-2022", {}, Status.DRAFT)
    assert words.parent_agency(report) == ""
    assert words.issuing_agency(report) == "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH"
    assert words.signer_block(report) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    report.signer_title = "CHỦ TỊCH"
    assert words.signer_block(report) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    department = make_report("ST-STP", "Q3-2022", {}, Status.DRAFT)
    assert words.signer_block(department) == ["GIÁM ĐỐC"]


def test_its_workbook_has_the_units_side_by_side(year, province_report):
    content = exporters()["xlsx"](province_report).render().content
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Phụ lục", "Các đơn vị"]
    sheet = workbook["Các đơn vị"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    header = rows["Chỉ tiêu"]
    assert header[4:] == ("Sở Tư pháp", "Sở Thông tin và Truyền thông")
    received = rows["Số hồ sơ TTHC các cơ quan, đơn vị tiếp nhận"]
    assert received[3:] == (125, 25, 100)
    rate = rows["Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn"]
    assert rate[3:] == (82, 50, 90)


def test_it_is_submitted_and_approved_like_any_report(
    django_user_model, consolidator, province, year, province_report
):
    for key, raw in {"plan_tasks_total": "20", "plan_tasks_done": "18"}.items():
        services.save_value(consolidator, province_report, key, raw)
    submitted = services.submit_report(consolidator, province_report)
    leader = _user(django_user_model, "pct", Role.APPROVER, province["ST"])
    approved = services.approve_report(leader, submitted)
    assert approved.status == Status.APPROVED


def test_the_consolidated_workbook_download(client, consolidator, reporter, year):
    url = reverse("consolidated_xlsx", args=["Y-2022"])
    client.force_login(reporter)
    assert client.get(url).status_code == 403
    client.force_login(consolidator)
    response = client.get(url, {"template": "so-nganh", "include": "submitted"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tổng hợp", "Các đơn vị"]
    summary = {row[1]: row for row in workbook["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Số lượng hồ sơ TTHC do cơ quan, đơn vị tiếp nhận"][3] == 125
    assert summary["Số nhiệm vụ đề ra trong kế hoạch"][5] == 2  # units with a value
    units = list(workbook["Các đơn vị"].iter_rows(values_only=True))
    header = next(row for row in units if row[1] == "Chỉ tiêu")
    assert header[4:] == ("Sở Tư pháp", "Sở Thông tin và Truyền thông")
    # The district's report, on its own template, has its own workbook.
    response = client.get(url, {"template": "huyen", "include": "submitted"})
    workbook = load_workbook(io.BytesIO(response.content))
    summary = {row[1]: row for row in workbook["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Số hồ sơ TTHC tiếp nhận (kể cả kỳ trước chuyển sang)"][3] == 9000
    units = list(workbook["Các đơn vị"].iter_rows(values_only=True))
    header = next(row for row in units if row[1] == "Chỉ tiêu")
    assert header[4:] == ("UBND huyện Châu Thành",)


def test_only_units_past_their_deadline_are_said_to_break_the_reporting_rule(year, province_report):
    """Y-2022 is due 16/12/2022 (2 working days after 14/12). Before then, a unit without a
    report is not yet late; after it, Sở Nội vụ and the commune (never sent) are, and the draft says so."""
    import datetime

    import time_machine
    from django.utils import timezone

    overdue = "đơn vị đã quá hạn mà chưa gửi báo cáo"
    before = timezone.make_aware(datetime.datetime(2022, 12, 15, 9, 0))
    with time_machine.travel(before, tick=False):
        text = "\n".join(draft_report(province_report).values())
    assert overdue not in text
    after = timezone.make_aware(datetime.datetime(2023, 1, 10, 9, 0))
    with time_machine.travel(after, tick=False):
        text = "\n".join(draft_report(province_report).values())
    assert f"2 {overdue}" in text  # Sở Nội vụ and the commune; the district has sent
