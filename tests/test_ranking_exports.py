"""A ranking's downloads: the XLSX workbook (one sheet a kind of unit with the page's columns,
then every criterion of every unit), checked cell by cell against the engine; the
announcement (THÔNG BÁO) with its header, tables, paragraphs, the draft mark while an
assessment is not final; who may download them."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cchc.org.models import Role, UnitKind
from cchc.periods.models import Period
from cchc.periods.windows import parse_period
from cchc.registers.models import Channel, Verdict
from cchc.scoring.engine import ranking, score_units, scored_units
from cchc.scoring.loader import load_builtin_schemes
from cchc.scoring.models import Assessment, AssessmentItem, Stage
from tests.conftest import _user
from tests.scoring_fixtures import dossier
from tests.test_get_never_writes import assert_get_writes_nothing

pytestmark = pytest.mark.django_db

HEADER_ROW = 7  # five title rows, a blank row, the header


@pytest.fixture
def qd766(db):
    load_builtin_schemes()


@pytest.fixture
def dossiers(province, qd766):
    """Sở TT&TT in Q3-2026: HS-1 early, HS-2 late, HS-3 still within time: 2.1 scores
    2/3 × 20 = 13,33; in Q2-2026 (the period before), HS-0 early."""
    unit = province["ST-STTTT"]
    dossier(unit, "HS-1", "2026-07-02", "2026-07-15", "2026-07-10", Verdict.EARLY)
    dossier(unit, "HS-2", "2026-07-03", "2026-07-20", "2026-08-01", Verdict.LATE)
    dossier(unit, "HS-3", "2026-09-20", "2026-10-05", channel=Channel.ONLINE)
    dossier(unit, "HS-0", "2026-04-02", "2026-04-15", "2026-04-10", Verdict.EARLY)
    return unit


def download(client, user, name, scheme="qd766", period="Q3-2026", **params):
    client.force_login(user)
    return client.get(reverse(name, args=[scheme, period]), {"unit": "ST", **params})


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def engine_ranking(scheme_code, period_code, province, kind):
    from cchc.scoring.engine import newest_scheme

    scheme = newest_scheme(scheme_code)
    window = parse_period(period_code)
    units = scored_units(scheme, province["ST"], window, kind)
    ranked = ranking(score_units(scheme, units, window))
    before = {s.unit.pk: s for s in score_units(scheme, units, window.previous())}
    for row in ranked:
        row.previous = before.get(row.score.unit.pk)
    return scheme, ranked


def number(value: Decimal | None):
    if value is None:
        return "—"
    return int(value) if value == value.to_integral_value() else float(value)


# --- XLSX -------------------------------------------------------------------------------


def test_each_kind_sheet_matches_the_engine_cell_by_cell(client, consolidator, province, dossiers):
    book = workbook(download(client, consolidator, "ranking_xlsx"))
    assert book.sheetnames == ["Sở, ban, ngành", "UBND huyện", "UBND xã", "Chi tiết"]
    sheet = book["Sở, ban, ngành"]
    titles = [sheet.cell(row=r, column=1).value for r in range(1, 6)]
    assert titles[0] == "UBND TỈNH SÓC TRĂNG"
    assert titles[1] == (
        "Kết quả xếp hạng Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) "
        "quý III năm 2026"
    )
    assert titles[2] == "Số liệu tính từ ngày 01/07/2026 đến ngày 30/09/2026"
    assert titles[3] == "Sở, ban, ngành: 3 đơn vị, 1 đơn vị có số liệu được xếp hạng"
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:5] == [
        "Hạng",
        "Đơn vị",
        "Tổng điểm",
        "Xếp loại",
        "1. Công khai, minh bạch (tối đa 18)",
    ]
    assert header[-2:] == ["Thay đổi so với quý II năm 2026", "Số tiêu chí thiếu số liệu"]
    assert "Tự chấm, thẩm định" not in header  # QĐ 766 has no self-assessed criterion
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.page_setup.orientation == "landscape"

    scheme, ranked = engine_ranking("qd766", "Q3-2026", province, UnitKind.DEPARTMENT)
    areas = list(scheme.criteria.filter(parent=None).order_by("order"))
    assert len(header) == 4 + len(areas) + 2
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(ranked) == 3
    for cells, row in zip(rows, ranked, strict=True):
        score = row.score
        by_area = {a.criterion.code: a for a in score.areas}
        expected = [
            row.position or "—",
            score.unit.name,
            number(score.total) if score.has_figures else "—",
            score.band or "Chưa có số liệu",
            *[
                number(by_area[a.code].points) if by_area[a.code].has_figures else "—"
                for a in areas
            ],
            number(row.change),
            len(score.missing),
        ]
        assert list(cells) == expected
    # Sở TT&TT: ranked first with 2.1's 13,33 (rescaled over what applies); 0 is never
    # written for a unit without figures.
    first = rows[0]
    assert first[:2] == (1, "Sở Thông tin và Truyền thông") and isinstance(first[2], float)
    assert rows[1][:4] == ("—", "Sở Nội vụ", "—", "Chưa có số liệu")
    total = sheet.cell(row=HEADER_ROW + 1, column=3)
    assert total.number_format == "#,##0.00" and total.data_type == "n"
    assert sheet.cell(row=HEADER_ROW + 1, column=1).number_format == "#,##0"
    change = sheet.cell(row=HEADER_ROW + 1, column=len(header) - 1)
    assert change.number_format.startswith("+#,##0.00")


def test_the_detail_sheet_has_every_unit_and_criterion(client, consolidator, province, dossiers):
    sheet = workbook(download(client, consolidator, "ranking_xlsx"))["Chi tiết"]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == [
        "Loại đơn vị",
        "Hạng",
        "Mã đơn vị",
        "Đơn vị",
        "Mã tiêu chí",
        "Tiêu chí",
        "Tử số",
        "Mẫu số",
        "Tỷ lệ (%)",
        "Ngưỡng (%)",
        "Điểm",
        "Điểm tối đa",
        "Tình trạng",
        "Nguồn số liệu, ghi chú",
    ]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    scheme, _ = engine_ranking("qd766", "Q3-2026", province, UnitKind.DEPARTMENT)
    scored = scheme.criteria.filter(children=None).count()
    window = parse_period("Q3-2026")
    units = scored_units(scheme, province["ST"], window)
    assert len(rows) == len(units) * scored == 5 * scored
    on_time = next(r for r in rows if r[2] == "ST-STTTT" and r[4] == "2.1")
    assert on_time[:2] == ("Sở, ban, ngành", 1)
    assert on_time[6:13] == (2, 3, 66.67, 100, 13.33, 20, "Tính từ số liệu cchc")
    missing = next(r for r in rows if r[2] == "ST-SNV" and r[4] == "1.1")
    assert missing[1] is None and missing[10] is None and missing[12] == "Chưa có số liệu"
    assert missing[13] == "Cổng Dịch vụ công quốc gia (Cơ sở dữ liệu quốc gia về TTHC)"


def test_text_that_a_spreadsheet_would_run_is_stored_as_text(
    client, consolidator, province, dossiers
):
    unit = province["ST-STTTT"]
    unit.name = '=HYPERLINK("http://x.example","bấm")'
    unit.save(update_fields=["name"])
    province["ST-STP"].name = "-1+2"
    province["ST-STP"].save(update_fields=["name"])
    book = workbook(download(client, consolidator, "ranking_xlsx"))
    sheet = book["Sở, ban, ngành"]
    names = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=2) for r in (8, 9, 10)}
    for text in ('=HYPERLINK("http://x.example","bấm")', "-1+2"):
        cell = names[text]
        assert cell.data_type == "s" and cell.quotePrefix
    detail = book["Chi tiết"]
    cells = [
        row[3] for row in detail.iter_rows(min_row=HEADER_ROW + 1) if row[2].value == "ST-STTTT"
    ]
    assert all(c.data_type == "s" and c.value.startswith("=HYPERLINK") for c in cells)


def test_the_provincial_index_shows_the_assessment_stage(
    client, consolidator, province, index_scheme, planned_unit
):
    book = workbook(download(client, consolidator, "ranking_xlsx", "chi-so-thu", "Y-2026"))
    assert book.sheetnames == ["Sở, ban, ngành", "Chi tiết"]
    sheet = book["Sở, ban, ngành"]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[-3:] == ["Tự chấm, thẩm định", "Thẩm định − tự chấm", "Số tiêu chí thiếu số liệu"]
    row = [c.value for c in sheet[HEADER_ROW + 1]]
    # 3/4 plan tasks: 15 of 20 points; the survey (30) is absent and leaves the maximum:
    # 15 × 100 ÷ 70 = 21,43.
    assert row[:4] == [1, "Sở Thông tin và Truyền thông", 21.43, "Khá"]
    # Self-assessed criteria await the unit's points: awaited, not missing figures.
    assert row[-3:] == ["Chưa tự chấm", "—", 0]


# --- DOCX -------------------------------------------------------------------------------


def docx_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="thong-bao-xep-hang-' in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    parts += [p.text for s in document.sections for p in s.first_page_header.paragraphs]
    return "\n".join(parts)


def test_the_announcement_of_sở_nội_vụ(client, consolidator, province, dossiers):
    document = docx_of(download(client, consolidator, "ranking_docx"))
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    number, date = (cell.text for cell in header.rows[1].cells)
    assert left.split("\n")[:2] == ["UBND TỈNH SÓC TRĂNG", "SỞ NỘI VỤ"]
    assert "Số:      /TB-SNV" in number
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "năm " in date
    texts = [p.text for p in document.paragraphs]
    title = texts.index("THÔNG BÁO")
    assert texts[title + 1] == (
        "Kết quả xếp hạng Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) "
        "quý III năm 2026"
    )
    opening = texts[title + 2]
    assert opening.startswith("Căn cứ bộ tiêu chí Chỉ số phục vụ người dân")
    assert "từ ngày 01/07/2026 đến ngày 30/09/2026" in opening
    assert "Sở Nội vụ thông báo kết quả xếp hạng quý III năm 2026 của 5 cơ quan, đơn vị" in opening
    assert "(3 sở, ban, ngành; 1 UBND cấp huyện; 1 UBND cấp xã)" in opening
    assert "DỰ THẢO" not in all_text(document)  # nothing here is self-assessed

    assert "1. Sở, ban, ngành (3 đơn vị)" in texts
    summary = texts[texts.index("1. Sở, ban, ngành (3 đơn vị)") + 1]
    assert summary.startswith("1/3 đơn vị có số liệu được xếp hạng: Sở Thông tin và Truyền thông")
    assert "Chưa có số liệu (2 đơn vị, không xếp hạng): Sở Nội vụ, Sở Tư pháp." in summary
    communes = texts[texts.index("3. UBND xã (1 đơn vị)") + 1]
    assert communes == (
        "Chưa UBND cấp xã nào có số liệu để xếp hạng. Chưa có số liệu (1 đơn vị, không xếp "
        "hạng): UBND xã An Hiệp."
    )

    tables = document.tables[1:-1]  # the header block first, the signature block last
    assert len(tables) == 3
    departments = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert departments[0] == [
        "STT",
        "Hạng",
        "Đơn vị",
        "Tổng điểm",
        "Xếp loại",
        "Thay đổi so với quý II năm 2026",
    ]
    _, ranked = engine_ranking("qd766", "Q3-2026", province, UnitKind.DEPARTMENT)
    top = ranked[0].score
    assert departments[1][:3] == ["1", "1", "Sở Thông tin và Truyền thông"]
    assert departments[1][3] == f"{top.total:.2f}".replace(".", ",")
    assert departments[1][4] == top.band
    # No figure: "Chưa có số liệu" across total and band, never a 0.
    assert departments[2] == ["2", "—", "Sở Nội vụ", "Chưa có số liệu", "Chưa có số liệu", "—"]
    assert "tblHeader" in tables[0].rows[0]._tr.xml
    assert "0,00" not in "".join(departments[2] + departments[3])

    signature = [cell.text for cell in document.tables[-1].rows[0].cells]
    assert signature[0].startswith("Nơi nhận:\n- UBND tỉnh (để báo cáo);\n- Các sở, ban, ngành;")
    assert signature[0].endswith("- Lưu: VT, CCHC.")
    assert signature[1].startswith("GIÁM ĐỐC")


def test_without_a_sở_nội_vụ_the_committee_announces_it(client, consolidator, province, dossiers):
    province["ST-SNV"].name = "Sở Y tế"
    province["ST-SNV"].save(update_fields=["name"])
    document = docx_of(download(client, consolidator, "ranking_docx"))
    left = document.tables[0].rows[0].cells[0].text.split("\n")
    # No agency above a committee, and "ỦY BAN NHÂN DÂN" a line of its own.
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG"]
    signature = document.tables[-1].rows[0].cells[1].text
    assert signature.startswith("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    assert "Ủy ban nhân dân tỉnh thông báo kết quả xếp hạng" in all_text(document)
    assert "- Bộ Nội vụ (để báo cáo);" in document.tables[-1].rows[0].cells[0].text


def _finalise(unit, scheme, period, points):
    assessment = Assessment.objects.create(
        unit=unit,
        scheme=scheme,
        period=period,
        stage=Stage.FINAL,
        final_total=Decimal(points),
    )
    AssessmentItem.objects.create(
        assessment=assessment,
        criterion=scheme.criteria.get(code="2.1"),
        self_points=Decimal(points),
        appraised_points=Decimal(points),
        final_points=Decimal(points),
    )


def test_a_draft_until_every_assessment_is_final(
    client, consolidator, province, index_scheme, planned_unit
):
    response = download(client, consolidator, "ranking_docx", "chi-so-thu", "Y-2026")
    text = all_text(docx_of(response))
    assert "DỰ THẢO" in text and "Dự thảo — chưa được phê duyệt" in text
    assert "Kết quả dưới đây là dự thảo: 3/3 đơn vị chưa được Hội đồng thẩm định chốt điểm" in text
    period = Period.objects.for_code("Y-2026")
    for code, points in (("ST-SNV", "30"), ("ST-STTTT", "35"), ("ST-STP", "35")):
        _finalise(province[code], index_scheme, period, points)
    document = docx_of(download(client, consolidator, "ranking_docx", "chi-so-thu", "Y-2026"))
    text = all_text(document)
    assert "DỰ THẢO" not in text and "Dự thảo" not in text
    assert "Điểm của các đơn vị là điểm đã được Hội đồng thẩm định chốt." in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    # The locked totals; equal ones are decided by area 1 (Sở TT&TT's computed plan points);
    # no year before with figures: the change column still shows, with "—".
    assert rows[0][:5] == ["STT", "Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"]
    assert [r[:5] for r in rows[1:]] == [
        ["1", "1", "Sở Thông tin và Truyền thông", "35,00", "Khá"],
        ["2", "2", "Sở Tư pháp", "35,00", "Khá"],
        ["3", "3", "Sở Nội vụ", "30,00", "Khá"],
    ]
    assert "cao nhất là Sở Thông tin và Truyền thông (35,00 điểm), thấp nhất là Sở Nội vụ" in text


# --- who may download -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ranking_xlsx", "ranking_docx"])
def test_downloads_by_role(client, request, province, dossiers, name):
    for who in ("reporter", "approver", "other_reporter"):
        response = download(client, request.getfixturevalue(who), name)
        assert response.status_code == 403, who
    district = _user(
        request.getfixturevalue("django_user_model"), "huyen", Role.CONSOLIDATOR, province["ST-HCT"]
    )
    assert download(client, district, name).status_code == 403  # not the province's follower
    response = download(client, district, name, unit="ST-HCT")
    assert response.status_code == 200 and "ST-HCT" in response["Content-Disposition"]
    consolidator = request.getfixturevalue("consolidator")
    assert download(client, consolidator, name).status_code == 200
    assert download(client, consolidator, name, period="H1-2026").status_code == 404
    assert download(client, consolidator, name, scheme="none").status_code == 404


def test_downloading_writes_nothing(client, consolidator, dossiers):
    client.force_login(consolidator)
    for name in ("ranking_xlsx", "ranking_docx"):
        url = f"{reverse(name, args=['qd766', 'Q3-2026'])}?unit=ST"
        assert assert_get_writes_nothing(client, url) == 200
    assert not Period.objects.filter(code__in=["Q3-2026", "Q2-2026"]).exists()


def test_anonymous_visitors_log_in_first(client, qd766):
    for name in ("ranking_xlsx", "ranking_docx"):
        response = client.get(reverse(name, args=["qd766", "Q3-2026"]), {"unit": "ST"})
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_ranking_page_links_the_downloads(client, consolidator, dossiers):
    client.force_login(consolidator)
    html = client.get(reverse("ranking", args=["qd766", "Q3-2026"]), {"unit": "ST"}).content
    for name in ("ranking_xlsx", "ranking_docx", "opendata_ranking"):
        assert f"{reverse(name, args=['qd766', 'Q3-2026'])}?unit=ST".encode() in html
