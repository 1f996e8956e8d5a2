"""The layout of an administrative document under Nghị định 30/2020/NĐ-CP, with python-docx.

Only layout lives here: page, fonts, the two-column header, title, headings, body,
signature block, recipients, page numbers. The words come from `words` and the narrative."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from cchc.documents import docx_footnotes as footnotes

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
INDENT = Cm(1.27)
TEXT_WIDTH = Mm(210 - 30 - 15)
LEFT_HEADER_WIDTH = Cm(6.3)
RED = RGBColor(0xC0, 0x00, 0x00)


def new_document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _set_all_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    _page_numbers_from_page_two(section)
    return document


def _set_all_fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _field(paragraph: Paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _page_numbers_from_page_two(section) -> None:
    """Page numbers centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE")
    for run in paragraph.runs:
        run.font.size = Pt(13)


def text(
    paragraph: Paragraph,
    content: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Pt | None = None,
    caps: bool = False,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(content.upper() if caps else content)
    run.bold, run.italic = bold, italic
    run.font.size = size or BODY_SIZE
    if color is not None:
        run.font.color.rgb = color


def paragraph(
    container,
    content: str = "",
    *,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    after: int = 6,
    before: int = 0,
    line: float = 1.15,
    **style,
) -> Paragraph:
    para = container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_after, fmt.space_before, fmt.line_spacing = Pt(after), Pt(before), line
    if indent:
        fmt.first_line_indent = INDENT
    if content:
        text(para, content, **style)
    return para


def rule(cell: _Cell, width: Length, column_width: Length) -> None:
    """A short centred horizontal rule: an empty, narrowed paragraph's top border."""
    para = cell.add_paragraph()
    side = max((column_width - width) // 2, 0)
    fmt = para.paragraph_format
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    para._p.get_or_add_pPr().append(borders)


def _borderless(table: Table, widths: Iterable) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)


def set_widths(table: Table, widths: Iterable) -> None:
    """Column widths on both the grid and every cell: Word reads one, LibreOffice the other."""
    widths = list(widths)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cell_paragraph(cell: _Cell, first: bool) -> Paragraph:
    return cell.paragraphs[0] if first else cell.add_paragraph()


def header_block(document, *, parent: str, agency: str, number: str, place_date: str) -> None:
    """The two columns under the top margin: agency on the left, Quốc hiệu on the right."""
    table = document.add_table(rows=1, cols=2)
    right_width = Length(TEXT_WIDTH - LEFT_HEADER_WIDTH)
    _borderless(table, (LEFT_HEADER_WIDTH, right_width))
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines = []
    if parent:
        lines.append((parent, False))
    lines.append((agency, True))
    for index, (content, bold) in enumerate(lines):
        para = _cell_paragraph(left, index == 0)
        para.alignment = center
        text(para, content, bold=bold, size=Pt(13), caps=True)
    rule(left, Cm(2.2), LEFT_HEADER_WIDTH)
    para = left.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_before = Pt(6)
    text(para, number, size=Pt(13))

    para = _cell_paragraph(right, True)
    para.alignment = center
    text(para, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12))
    para = right.add_paragraph()
    para.alignment = center
    text(para, "Độc lập - Tự do - Hạnh phúc", bold=True, size=Pt(13))
    rule(right, Cm(5.8), right_width)
    para = right.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_before = Pt(6)
    text(para, place_date, italic=True, size=Pt(14))


def draft_mark(document) -> None:
    para = paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    text(para, "DỰ THẢO", bold=True, size=Pt(13), color=RED)
    for section in document.sections:
        header = section.first_page_header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text(header, "Dự thảo — chưa được phê duyệt", italic=True, size=Pt(11), color=RED)


def title(document, heading: str, summary: str) -> None:
    paragraph(
        document,
        heading,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=18,
        after=0,
        bold=True,
        size=Pt(14),
    )
    paragraph(document, summary, align=WD_ALIGN_PARAGRAPH.CENTER, after=12, bold=True, size=Pt(14))


def heading(document, number: str, label: str, level: int) -> Paragraph:
    """Outline headings: I. and 1. bold; 1.1. bold; deeper levels bold italic."""
    content = f"{number} {label}".strip()
    return paragraph(
        document,
        content,
        indent=True,
        before=6 if level <= 2 else 0,
        bold=True,
        italic=level >= 3 and number.count(".") >= 3,
    )


def body(document, content: str) -> None:
    """Narrative text: blank lines separate paragraphs; '- ' and '+ ' lines keep their mark;
    consecutive lines with ' | ' become a table; `[^text]` is a footnote."""
    blocks = [block for block in content.replace("\r\n", "\n").split("\n\n") if block.strip()]
    for block in blocks:
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if len(lines) > 1 and all(" | " in line or line.startswith("|") for line in lines):
            grid(document, [[c.strip() for c in line.strip("|").split("|")] for line in lines])
            continue
        for line in lines:
            para = paragraph(document, indent=True)
            for piece, is_note in footnotes.split(line.strip()):
                if is_note:
                    footnotes.add_footnote(document, para, piece, BODY_SIZE)
                else:
                    text(para, piece)


GRID_SIZE = Pt(12)
PICTURE_WIDTH = Cm(14)


def grid(document, rows: list[list[str]], header: bool = True, size: Pt = GRID_SIZE) -> Table:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row + [""] * (width - len(row)), strict=True):
            para = cell.paragraphs[0]
            para.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if index == 0 and header else WD_ALIGN_PARAGRAPH.LEFT
            )
            text(para, value, bold=index == 0 and header, size=size)
    paragraph(document, after=0)
    return table


def picture(document, png: bytes, width: Cm = PICTURE_WIDTH) -> None:
    para = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    para.add_run().add_picture(io.BytesIO(png), width=width)


def signature_block(document, *, recipients: list[str], authority: list[str], name: str) -> None:
    table = document.add_table(rows=1, cols=2)
    left_width = Cm(8)
    _borderless(table, (left_width, TEXT_WIDTH - left_width))
    left, right = table.rows[0].cells
    para = left.paragraphs[0]
    para.paragraph_format.space_before = Pt(6)
    text(para, "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for item in recipients:
        para = left.add_paragraph()
        text(para, f"- {item}", size=Pt(11))
    for index, line in enumerate(authority):
        para = _cell_paragraph(right, index == 0)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if index == 0:
            para.paragraph_format.space_before = Pt(6)
        text(para, line, bold=True, size=Pt(14), caps=True)
    for _ in range(4):
        right.add_paragraph()
    para = right.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text(para, name, bold=True, size=Pt(14))


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


APPENDIX_WIDTHS = (Cm(1.3), Cm(6.4), Cm(2.4), Cm(2.0), Cm(4.4))


def appendix_table(
    document, rows: list[list[str]], bold_rows: set[int], section_rows: set[int]
) -> Table:
    """The statistical appendix: STT, indicator, unit, value, note; 11 pt, header repeated."""
    table = document.add_table(rows=len(rows), cols=len(APPENDIX_WIDTHS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, APPENDIX_WIDTHS)
    for index, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            para = cell.paragraphs[0]
            if index == 0 or column in (0, 2):
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif column == 3:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            lines = value.split("\n") if value else [""]
            for number, line in enumerate(lines):
                target = para if number == 0 else cell.add_paragraph()
                bold = index in section_rows or (index in bold_rows and column < 2)
                text(target, line, bold=bold, size=Pt(11))
    repeat_header(table)
    return table


def keep_rows_whole(table: Table) -> None:
    """No row broken across two pages (a ranking row, the signature block)."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_header(table: Table) -> None:
    """The first row repeated at the top of every page the table runs over."""
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
