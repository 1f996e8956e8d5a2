"""The DOCX report: Nghị định 30/2020 layout, fonts and sizes, the words and numbers."""

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(demo_documents):
    return Document(io.BytesIO(demo_documents["docx"]))


def runs_of(paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def find(document, text):
    for paragraph in document.paragraphs:
        if paragraph.text.strip() == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


def close(length, expected):
    return abs(length - expected) <= Mm(0.5)


def between(length, low, high):
    """Word stores lengths in twips, so 15 mm reads back a hair under 15 mm."""
    return low - Mm(0.1) <= length <= high + Mm(0.1)


def test_page_is_a4_with_decree_margins(document):
    section = document.sections[0]
    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
    assert between(section.top_margin, Mm(20), Mm(25))
    assert between(section.bottom_margin, Mm(20), Mm(25))
    assert between(section.left_margin, Mm(30), Mm(35))
    assert between(section.right_margin, Mm(15), Mm(20))


def test_times_new_roman_everywhere(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "hAnsi", "cs")} == {
        "Times New Roman"
    }
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert run.font.name in (None, "Times New Roman")


def test_page_numbers_from_page_two(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer is True
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in header._p.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_header_block(document):
    left, right = document.tables[0].rows[0].cells
    number_cell, date_cell = document.tables[0].rows[1].cells
    parent = left.paragraphs[0]
    assert parent.text == "UBND TỈNH SÓC TRĂNG"
    assert runs_of(parent)[0].font.size == Pt(13) and not runs_of(parent)[0].bold
    # Too long for the column on one line: broken before "VÀ", never inside a word.
    agency = left.paragraphs[1:3]
    assert [line.text for line in agency] == ["SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"]
    assert all(runs_of(line)[0].bold and runs_of(line)[0].font.size == Pt(13) for line in agency)
    rule = left.paragraphs[3]
    assert rule.text == "" and "w:top" in rule._p.xml
    # The number and the place and date stand level, in a row of their own.
    number = number_cell.paragraphs[0]
    assert number.text == "Số: 174/BC-STTTT" and runs_of(number)[0].font.size == Pt(13)

    national, motto, motto_rule = right.paragraphs[:3]
    place = date_cell.paragraphs[0]
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert runs_of(national)[0].bold and Pt(12) <= runs_of(national)[0].font.size <= Pt(13)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert runs_of(motto)[0].bold and Pt(13) <= runs_of(motto)[0].font.size <= Pt(14)
    assert "w:top" in motto_rule._p.xml
    assert place.text == "Sóc Trăng, ngày 15 tháng 9 năm 2022"
    assert runs_of(place)[0].italic and Pt(13) <= runs_of(place)[0].font.size <= Pt(14)
    for paragraph in (parent, *agency, number, national, motto, place):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(
    ("name", "bold", "lines"),
    [
        ("UBND THÀNH PHỐ CẦN THƠ", False, ["UBND THÀNH PHỐ", "CẦN THƠ"]),
        ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", True, ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", True, ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]),
        ("VĂN PHÒNG UBND THÀNH PHỐ", True, ["VĂN PHÒNG UBND", "THÀNH PHỐ"]),
        ("UBND TỈNH SÓC TRĂNG", False, ["UBND TỈNH SÓC TRĂNG"]),
        ("SỞ TƯ PHÁP", True, ["SỞ TƯ PHÁP"]),
    ],
)
def test_header_names_break_where_an_official_breaks_them(name, bold, lines):
    from cchc.documents.docx_layout import LEFT_HEADER_WIDTH, header_lines

    assert header_lines(name, Pt(13), bold, LEFT_HEADER_WIDTH) == lines


def test_title_and_summary(document):
    title = find(document, "BÁO CÁO")
    summary = find(document, "Tình hình, kết quả thực hiện cải cách hành chính quý III năm 2022")
    for paragraph in (title, summary):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        run = runs_of(paragraph)[0]
        assert run.bold and Pt(13) <= run.font.size <= Pt(14)


def test_body_paragraphs(document):
    body = [p for p in document.paragraphs if p.text.startswith("Tính đến thời điểm báo cáo")]
    assert body, "the 1.1.1 paragraph is missing"
    paragraph = body[0]
    assert "40/46" in paragraph.text and "86,96%" in paragraph.text
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= paragraph.paragraph_format.first_line_indent <= Cm(1.27) + Mm(0.1)
    assert paragraph.paragraph_format.space_after >= Pt(6)
    assert 1 <= paragraph.paragraph_format.line_spacing <= 1.5
    assert all(Pt(13) <= run.font.size <= Pt(14) for run in runs_of(paragraph))


def test_outline_numbering_as_in_the_seeds(document):
    texts = [p.text for p in document.paragraphs]
    for heading in (
        "I. Tình hình thực hiện nhiệm vụ CCHC quý III năm 2022",
        "1.1. Công tác chỉ đạo, điều hành CCHC",
        "1.1.1. Về kế hoạch CCHC",
        "2. Khó khăn, hạn chế",
        "3. Kiến nghị, đề xuất",
    ):
        assert any(text.startswith(heading) for text in texts), heading
    assert texts.index(next(t for t in texts if t.startswith("1.1.1."))) < texts.index(
        next(t for t in texts if t.startswith("1.2."))
    )


def test_signature_block_and_recipients(document):
    table = next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    run = runs_of(heading)[0]
    assert run.bold and run.italic and run.font.size == Pt(12)
    assert [p.text for p in left.paragraphs[1:]] == ["- Sở Nội vụ (để tổng hợp);", "- Lưu: VT."]
    assert all(runs_of(p)[0].font.size == Pt(11) for p in left.paragraphs[1:])
    lines = [p for p in right.paragraphs if p.text.strip()]
    assert [p.text for p in lines] == ["GIÁM ĐỐC", "Nguyễn Hữu Hạnh"]
    assert all(runs_of(p)[0].bold for p in lines)


def test_appendix_table_holds_every_row(document, template):
    table = document.tables[-1]
    top = [cell.text for cell in table.rows[0].cells]
    bottom = [cell.text for cell in table.rows[1].cells]
    # Seed 004's two header rows: "Kết quả thống kê" over "Đơn vị tính" and "Số liệu".
    assert top == ["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Kết quả thống kê", "Ghi chú"]
    assert bottom == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    assert len(table.rows) == 2 + template.sections.count() + template.indicators.count()
    rows = {row.cells[1].text: row.cells for row in table.rows}
    rate = rows["Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"]
    assert rate[3].text == "86,96"
    assert rate[4].text.startswith("Kế hoạch số 02/KH-STTTT ngày 27/01/2022")
    assert (
        rows["Tổng số văn bản đi của cơ quan, đơn vị (văn bản điện tử và văn bản giấy)"][3].text
        == "714"
    )
    # Counts under ten as seed 004 writes them; a Có/Không code keeps its one digit.
    assert rows["Số phòng ban đã kiểm tra"][3].text == "04"
    assert rows["Số nhiệm vụ đã hoàn thành đúng hạn"][3].text == "09"
    for row in table.rows[:2]:
        assert "tblHeader" in row._tr.xml and "cantSplit" in row._tr.xml
    assert "tblHeader" not in table.rows[2]._tr.xml


def test_approved_report_has_no_draft_mark(document):
    assert not any("DỰ THẢO" in p.text for p in document.paragraphs)


def test_draft_report_is_marked(demo_documents):
    draft = Document(io.BytesIO(demo_documents["draft_docx"]))
    mark = draft.paragraphs[0]
    assert mark.text == "DỰ THẢO" and runs_of(mark)[0].bold
    assert "Dự thảo" in draft.sections[0].first_page_header.paragraphs[0].text
    assert draft.tables[0].rows[1].cells[0].paragraphs[0].text == "Số:      /BC-STTTT"
    # Not dated yet: blanks to fill in by hand, in the year the report is due (16/12/2022).
    place = draft.tables[0].rows[1].cells[1].paragraphs[0].text
    assert place == "Sóc Trăng, ngày      tháng      năm 2022"


def test_the_summary_line_follows_the_period_and_the_template(
    province, reporter, template, tmp_path
):
    from cchc.periods.models import Period
    from cchc.reports import services
    from cchc.reports.words import summary_line

    annual = services.start_report(
        reporter, province["ST-STTTT"], Period.objects.for_code("Y-2022"), template
    )
    assert summary_line(annual) == "Cải cách hành chính năm 2022"  # as seeds 000 and 003
    quarterly = services.start_report(
        reporter, province["ST-STTTT"], Period.objects.for_code("Q2-2022"), template
    )
    assert summary_line(quarterly) == (
        "Tình hình, kết quả thực hiện cải cách hành chính quý II năm 2022"  # as seed 004
    )
    template.summary = "Kết quả thực hiện công tác cải cách hành chính {period}"
    template.save(update_fields=["summary"])
    annual.refresh_from_db()
    assert summary_line(annual) == "Kết quả thực hiện công tác cải cách hành chính năm 2022"


def test_the_appendix_title_follows_the_period(province, reporter, template):
    from cchc.periods.models import Period
    from cchc.reports import services
    from cchc.reports.words import appendix_title_lines

    annual = services.start_report(
        reporter, province["ST-STTTT"], Period.objects.for_code("Y-2022"), template
    )
    assert appendix_title_lines(annual) == [
        "PHỤ LỤC",
        "KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
        "NĂM 2022 CỦA SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    ]
    quarterly = services.start_report(
        reporter, province["ST-STTTT"], Period.objects.for_code("Q3-2022"), template
    )
    assert appendix_title_lines(quarterly)[1] == (
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH ĐỊNH KỲ"  # as seed 004
    )


def test_the_paragraph_ending_the_portrait_section_takes_no_room(document):
    """Else a signature block ending at the foot of a page pushes it onto a blank page of its
    own before the appendix (seen in a phường's annual report)."""
    from docx.oxml.ns import qn

    body = document.element.body
    breaker = next(
        p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    )
    mark = breaker.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    assert mark is not None and mark.find(qn("w:vanish")) is not None
    assert mark.find(qn("w:sz")).get(qn("w:val")) == "2"
    assert not "".join(breaker.itertext()).strip()


def test_the_closing_paragraph_keeps_with_the_signature_block(document):
    closing = next(p for p in document.paragraphs if p.text.startswith("Trên đây là báo cáo"))
    assert closing.paragraph_format.keep_with_next
