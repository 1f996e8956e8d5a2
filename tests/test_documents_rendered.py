"""The documents as a Sở sends them: tables that fit their content, the appendix of seed 004,
the header and signature of each kind of issuing body, the XLSX figures under any locale;
checked in the files and, where LibreOffice is installed, in the PDF it renders."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from cchc.documents import docx_layout as layout
from cchc.documents import pdf
from cchc.documents.figures import padded_count
from cchc.documents.registry import exporters
from cchc.org.models import Role
from cchc.periods.models import Period
from cchc.reports import services, words
from tests.test_exports import needs_libreoffice

pytestmark = pytest.mark.django_db


def has_calc() -> bool:
    """LibreOffice Calc (libreoffice-calc-nogui) beside Writer: its library in the program
    folder LibreOffice runs from."""
    binary = pdf.libreoffice()
    return binary is not None and (Path(binary).resolve().parent / "libsclo.so").exists()


needs_calc = pytest.mark.skipif(
    not has_calc() and os.environ.get("CCHC_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice Calc chưa cài (scripts/install-system-deps cài libreoffice-calc-nogui)",
)

STAFF_TABLE = """STT | Họ và tên | Chức vụ | Số điện thoại | Email | Ghi chú
1 | Nguyễn Hữu Hạnh | Phó Giám đốc | 0299.3822.456 | nhhanh.stttt@soctrang.gov.vn | Lãnh đạo phụ trách CCHC
2 | Trần Thị Thanh Thảo | Chánh Văn phòng | 0918.123.456 | tttthao.stttt@soctrang.gov.vn | Công chức đầu mối
3 | Lê Văn Minh | Chuyên viên | 0939.456.789 | lvminh.stttt@soctrang.gov.vn | Công chức phụ trách CCHC"""
EMAILS = re.findall(r"\S+@\S+", STAFF_TABLE)


def rendered_pdf(content: bytes, extension: str, tmp_path: Path, **environment: str) -> Path:
    target = tmp_path / f"out-{extension}.pdf"
    target.write_bytes(pdf.to_pdf(content, extension, environment or None))
    return target


def pdf_text(target: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(target), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages_of(target: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(target)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (float(width), float(height))
        for width, height in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def font_families(target: Path) -> set[str]:
    lines = subprocess.run(
        ["pdffonts", str(target)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1].split("-")[0] for line in lines if line.strip()}


def grid_widths(table) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


# --- tables ------------------------------------------------------------------------------


def test_a_table_gives_each_column_room_for_its_longest_word():
    document = layout.new_document()
    rows = [[cell.strip() for cell in line.split("|")] for line in STAFF_TABLE.splitlines()]
    table = layout.grid(document, rows)

    widths = grid_widths(table)
    assert abs(sum(widths) - layout.TEXT_WIDTH.twips) <= len(widths)  # the text width, no more
    email = max(layout.text_width(address, layout.GRID_SIZE) for address in EMAILS)
    assert widths[4] * 635 >= email + layout.CELL_PADDING - Mm(0.1)  # twips → EMU
    assert widths[0] * 635 >= layout.text_width("STT", layout.GRID_SIZE, bold=True)
    assert widths[0] < widths[1] and widths[0] < widths[4]  # STT narrow, names and e-mail wide
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    for index, row in enumerate(table.rows):
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert (row._tr.trPr.find(qn("w:tblHeader")) is not None) == (index == 0)
        assert [tc.width.twips for tc in row._tr.tc_lst] == widths


def test_column_widths_share_the_room_left_by_the_longest_words():
    rows = [["STT", "Nội dung"], ["1", "một câu rất dài " * 20]]
    narrow, wide = layout.column_widths(rows, layout.TEXT_WIDTH)
    assert narrow < Mm(20) and abs(narrow + wide - layout.TEXT_WIDTH) <= 2
    # Words that cannot fit are scaled down together rather than overflowing the page.
    crowded = layout.column_widths([["x" * 80, "y" * 80]], Mm(100))
    assert abs(sum(crowded) - Mm(100)) <= 2 and crowded[0] == crowded[1]


@pytest.fixture
def staff_report(report, reporter, template):
    section = template.outline.get(number="II.")
    services.save_narrative(reporter, report, section, STAFF_TABLE)
    return report


def staff_table(document):
    return next(
        t for t in document.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 6
    )


def test_the_staff_table_of_section_two_is_proportioned_and_repeats_its_header(staff_report):
    document = Document(io.BytesIO(exporters()["docx"](staff_report).render().content))
    table = staff_table(document)
    assert [cell.text for cell in table.rows[1].cells][4] == EMAILS[0]
    assert "w:tblHeader" in table.rows[0]._tr.xml
    assert all("w:cantSplit" in row._tr.xml for row in table.rows)
    widths = grid_widths(table)
    assert widths[4] == max(widths)  # the e-mail column is the widest


@needs_libreoffice
def test_the_rendered_staff_table_keeps_each_e_mail_address_whole(staff_report, tmp_path):
    target = rendered_pdf(exporters()["docx"](staff_report).render().content, "docx", tmp_path)
    lines = pdf_text(target).splitlines()
    for address in EMAILS:
        assert address in lines, address  # on one line of its own cell, not split mid-word


# --- the appendix ------------------------------------------------------------------------


def test_the_docx_appendix_has_seed_004s_header_on_landscape_pages(demo_documents):
    document = Document(io.BytesIO(demo_documents["docx"]))
    appendix = document.sections[-1]
    assert appendix.page_width > appendix.page_height  # landscape
    assert document.sections[0].page_width < document.sections[0].page_height
    assert not appendix.different_first_page_header_footer  # page number on its first page
    table = document.tables[-1]
    top, bottom = table.rows[0]._tr, table.rows[1]._tr
    spans = [tc.grid_span for tc in top.tc_lst]
    assert spans == [1, 1, 2, 1]  # "Kết quả thống kê" over two columns
    assert [tc.vMerge for tc in top.tc_lst] == ["restart", "restart", None, "restart"]
    assert [tc.vMerge for tc in bottom.tc_lst] == ["continue", "continue", None, None, "continue"]
    widths = grid_widths(table)
    assert widths[4] == max(widths) and widths[4] >= Mm(90).twips  # room for the long notes
    assert abs(sum(widths) - layout.LANDSCAPE_WIDTH.twips) <= len(widths)


def test_the_appendix_gives_the_room_to_the_notes_only_when_there_are_notes():
    label = "Số lượng tin, bài viết, phóng sự đã đăng tại Chuyên mục CCHC của đơn vị " * 2
    bare = [layout.AppendixRow(["1", label, "Tin, bài", "12", ""]) for _ in range(40)]
    noted = [layout.AppendixRow(["1", label, "Tin, bài", "12", "Tên bài; ngày đăng. " * 60])]
    narrow, wide = layout.appendix_widths(bare), layout.appendix_widths(bare + noted)
    assert narrow[4] == min(layout.NOTE_WIDTHS) and narrow[1] > narrow[4]
    assert wide[4] > narrow[4]
    for widths in (narrow, wide):
        assert abs(sum(widths) - layout.LANDSCAPE_WIDTH) <= len(widths)


def test_the_docx_appendix_prints_the_note_hints_in_grey_italics(demo_documents):
    table = Document(io.BytesIO(demo_documents["docx"])).tables[-1]
    rows = {row.cells[1].text: row.cells for row in table.rows}
    hint = rows[
        "Số lượng tin, bài viết, phóng sự gửi và duyệt đăng tại Chuyên trang CCHC tỉnh (https://cchc.soctrang.gov.vn/)"
    ][4]
    assert hint.text == "Ghi rõ tên bài, thời gian được duyệt đăng."
    run = hint.paragraphs[0].runs[0]
    assert run.italic and str(run.font.color.rgb) == "595959"


@needs_libreoffice
def test_the_rendered_appendix_fits_its_pages(demo_documents, tmp_path):
    target = rendered_pdf(demo_documents["docx"], "docx", tmp_path)
    pages = pages_of(target)
    landscape = [index for index, (width, height) in enumerate(pages) if width > height]
    assert landscape and landscape == list(range(landscape[0], len(pages)))
    assert len(landscape) <= 14, len(landscape)
    texts = [pdf_text(target, "-f", str(number + 1), "-l", str(number + 1)) for number in landscape]
    for number, page in zip(landscape, texts, strict=True):
        assert "Kết quả thống kê" in page and "Đơn vị tính" in page, number + 1
    # The longest note (the articles posted, month by month) ran over three portrait pages in
    # a 4.4 cm column; in the wide column it takes at most two.
    first = next(i for i, page in enumerate(texts) if "1. Tháng 01: Tên bài" in page)
    last = next(i for i, page in enumerate(texts) if "05/8/2022" in page)
    assert last - first <= 1, (first, last)
    assert font_families(target) == {"LiberationSerif"}


def test_counts_under_ten_are_padded_only_in_documents():
    assert [padded_count(n) for n in (0, 1, 4, 9, 10, 86.96)] == [
        None,
        "01",
        "04",
        "09",
        None,
        None,
    ]


# --- issuing bodies ----------------------------------------------------------------------


@pytest.fixture
def unit_report(staff, province, template):
    def make(code: str, authority: str = "", title: str = ""):
        kind_period = Period.objects.for_code("Q3-2022")
        report = services.start_report(staff[Role.REPORTER], province[code], kind_period)
        report.signer_authority, report.signer_title = authority, title
        report.signer_name = "Nguyễn Văn An"
        report.save(update_fields=["signer_authority", "signer_title", "signer_name"])
        return report

    return make


HEADERS = {
    "ST": ["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG"],
    "ST-HCT": ["ỦY BAN NHÂN DÂN", "HUYỆN CHÂU THÀNH"],
    "ST-HCT-XAH": ["ỦY BAN NHÂN DÂN", "XÃ AN HIỆP"],
    "ST-STTTT": ["UBND TỈNH SÓC TRĂNG", "SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"],
}
COMMITTEE_SIGNS = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
SIGNATURES = {
    ("ST", "", ""): COMMITTEE_SIGNS,
    ("ST-HCT", "", ""): COMMITTEE_SIGNS,
    ("ST-HCT-XAH", "", ""): COMMITTEE_SIGNS,
    ("ST-HCT-XAH", "", "CHỦ TỊCH"): ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    ("ST-HCT", "KT. CHỦ TỊCH", ""): COMMITTEE_SIGNS,
    ("ST-STTTT", "", ""): ["GIÁM ĐỐC"],
    ("ST-STTTT", "KT. GIÁM ĐỐC", ""): ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
}


def header_and_signature(document) -> tuple[list[str], list[str]]:
    header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text.strip()]
    block = next(t for t in document.tables if "Nơi nhận" in t.rows[0].cells[0].text)
    signature = [p.text for p in block.rows[0].cells[1].paragraphs if p.text.strip()]
    return header, signature[:-1]  # without the signer's name (the number is a row below)


def test_the_rules_per_issuing_body_are_data():
    bodies = words.issuing_bodies()
    assert {"province", "district", "commune", "department"} <= set(bodies)
    for kind in ("province", "district", "commune"):
        body = bodies[kind]
        assert not body.parent_line and body.collective == "TM. ỦY BAN NHÂN DÂN"
        assert body.deputy_lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert bodies["department"].parent_line and not bodies["department"].collective


@pytest.mark.parametrize("key", list(SIGNATURES), ids=lambda key: "-".join(filter(None, key)))
def test_the_docx_heads_and_signs_as_its_issuing_body_does(unit_report, key):
    code, authority, title = key
    report = unit_report(code, authority, title)
    header, signature = header_and_signature(
        Document(io.BytesIO(exporters()["docx"](report).render().content))
    )
    assert header == HEADERS[code]
    assert signature == SIGNATURES[key]


@needs_libreoffice
@pytest.mark.parametrize("code", list(HEADERS))
def test_the_rendered_header_and_signature_per_kind_of_unit(unit_report, tmp_path, code):
    report = unit_report(code)
    target = rendered_pdf(exporters()["docx"](report).render().content, "docx", tmp_path)
    # The left column of the header, read in order: the lines above the number (or above the
    # national title, read first when the left column is short), without the draft's mark.
    left = []
    for line in pdf_text(target, "-f", "1", "-l", "1").splitlines():
        if line.startswith(("Số:", "CỘNG HÒA")):
            break
        if line.strip() and not line.upper().startswith("DỰ THẢO"):
            left.append(line.strip())
    # Each line whole as cchc broke it (a Sở's long name before "VÀ"), no parent line above a
    # committee: LibreOffice wrapped nothing further.
    assert left == HEADERS[code]
    text = pdf_text(target)
    expected = SIGNATURES[(code, "", "")]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected
    assert font_families(target) == {"LiberationSerif"}


# --- the XLSX appendix -------------------------------------------------------------------


@pytest.fixture
def figures_report(report, reporter):
    for key, raw in {
        "plan_tasks_total": "46",
        "plan_tasks_done": "40",
        "inspected_divisions": "4",
        "docs_outgoing_total": "704.700",
    }.items():
        services.save_value(reporter, report, key, raw)
    return report


def test_xlsx_rows_are_as_tall_as_their_text(figures_report):
    sheet = openpyxl.load_workbook(
        io.BytesIO(exporters()["xlsx"](figures_report).render().content)
    )["Phụ lục"]
    rows = {row[1].value: row for row in sheet.iter_rows(max_col=5) if row[1].value}
    one_line = rows["Số phòng ban đã kiểm tra"][0].row  # unit "Cơ quan, đơn vị" fits one line
    assert sheet.row_dimensions[one_line].height is None
    two_lines = rows["Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"][0].row
    assert (sheet.row_dimensions[two_lines].height or 15.75) <= 2 * 15.75 + 4


@needs_libreoffice
@needs_calc
@pytest.mark.parametrize("locale", ["en_US.UTF-8", "de_DE.UTF-8", "vi_VN.UTF-8"])
def test_the_rendered_xlsx_prints_vietnamese_figures_under_any_locale(
    figures_report, tmp_path, locale
):
    content = exporters()["xlsx"](figures_report).render().content
    target = rendered_pdf(content, "xlsx", tmp_path, LC_ALL=locale, LANG=locale)
    text = pdf_text(target, "-layout")
    assert "86,96" in text and "86.96" not in text
    assert "704.700" in text and "704,700" not in text
    assert re.search(r"Cơ quan, đơn vị\s+04\b", text)  # a count under ten, padded
    assert "DỰ THẢO" in text  # the draft's mark in every page header
    assert "Ghi rõ tên bài, thời gian được duyệt đăng." in text  # the template's hint
    assert font_families(target) == {"LiberationSerif"}
