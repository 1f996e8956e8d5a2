"""The layout of an administrative document under Nghị định 30/2020/NĐ-CP, with python-docx.

Only layout lives here: page, fonts, the two-column header, title, headings, body,
signature block, recipients, page numbers. The words come from `words` and the narrative."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
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
    """Column widths on both the grid and every cell: Word reads one, LibreOffice the other.
    A cell merged across columns gets their sum; the layout is fixed, not fitted."""
    widths = list(widths)
    table.autofit = False  # <w:tblLayout w:type="fixed"/>
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        column = 0
        for tc in row._tr.tc_lst:
            tc.width = Length(sum(widths[column : column + tc.grid_span]))
            column += tc.grid_span


def _cell_paragraph(cell: _Cell, first: bool) -> Paragraph:
    return cell.paragraphs[0] if first else cell.add_paragraph()


# Where a name too long for the header column is best broken: before "VÀ" ("SỞ KHOA HỌC / VÀ
# CÔNG NGHỆ") or the administrative word of a place ("VĂN PHÒNG UBND / THÀNH PHỐ"), or after
# "THÀNH PHỐ" and "UBND" ("UBND THÀNH PHỐ / CẦN THƠ"); anywhere else splits a word of two
# syllables or a place name, and costs as much as a line this much wider.
BREAK_BEFORE = {"VÀ", "THÀNH", "TỈNH", "HUYỆN", "QUẬN", "THỊ", "XÃ", "PHƯỜNG", "ĐẶC"}
BREAK_AFTER = {"PHỐ", "UBND"}
BAD_BREAK = Cm(3)
HEADER_ROOM = Cm(0.5)  # the cell's own margins


def header_lines(content: str, size: Pt, bold: bool, width: Length) -> list[str]:
    """`content` as it fits the header column: one line, or two broken where a Vietnamese
    official would break it (never inside a place name when another break fits)."""
    room = width - HEADER_ROOM
    words = content.split()
    if text_width(content, size, bold) <= room or len(words) < 2:
        return [content]

    def cost(at: int) -> float:
        first, second = " ".join(words[:at]), " ".join(words[at:])
        longest = max(text_width(first, size, bold), text_width(second, size, bold))
        good = words[at] in BREAK_BEFORE or words[at - 1] in BREAK_AFTER
        return longest + (0 if good else BAD_BREAK) + (BAD_BREAK if longest > room else 0)

    at = min(range(1, len(words)), key=cost)
    return [" ".join(words[:at]), " ".join(words[at:])]


def header_block(
    document, *, parent: str, agency: str | list[str], number: str, place_date: str
) -> None:
    """The two columns under the top margin: the agency on the left (its name a line each, as
    `words.agency_lines` gives it, a line too long for the column broken in two), Quốc hiệu on
    the right; below them, in a row of their own so that they stand level, the number and
    the place and date."""
    table = document.add_table(rows=2, cols=2)
    right_width = Length(TEXT_WIDTH - LEFT_HEADER_WIDTH)
    _borderless(table, (LEFT_HEADER_WIDTH, right_width))
    (left, right), (number_cell, date_cell) = (row.cells for row in table.rows)
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines: list[tuple[str, bool]] = []
    if parent:
        lines.extend(
            (line, False) for line in header_lines(parent, Pt(13), False, LEFT_HEADER_WIDTH)
        )
    names = [agency] if isinstance(agency, str) else agency
    for name in names:
        lines.extend((line, True) for line in header_lines(name, Pt(13), True, LEFT_HEADER_WIDTH))
    for index, (content, bold) in enumerate(lines):
        para = _cell_paragraph(left, index == 0)
        para.alignment = center
        text(para, content, bold=bold, size=Pt(13), caps=True)
    rule(left, Cm(2.2), LEFT_HEADER_WIDTH)
    para = _cell_paragraph(number_cell, True)
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
    para = _cell_paragraph(date_cell, True)
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
# Times New Roman's letters in ems, roughly: capitals and '@' wide, lower case and digits
# about half an em, spaces and stops narrow; bold a tenth wider. A cell keeps 0.19 cm of
# margin a side.
CAPITAL_EM, LETTER_EM, NARROW_EM, WIDE_EM = 0.7, 0.5, 0.28, 0.92
BOLD_STRETCH = 1.1
NARROW = set(" .,;:'|/()-iljtf")
CELL_PADDING = Cm(0.4)
# A column asks room for a line of up to this many letters before it wraps.
WANTED_LETTERS = 40


def letter_width(size: Pt) -> float:
    """The width of an average lower-case letter at `size`."""
    return size * LETTER_EM


def text_width(content: str, size: Pt, bold: bool = False) -> float:
    ems = sum(
        WIDE_EM
        if char in "@mwMW"
        else CAPITAL_EM
        if char.isupper()
        else NARROW_EM
        if char in NARROW
        else LETTER_EM
        for char in content
    )
    return ems * size * (BOLD_STRETCH if bold else 1)


def _spread(base: list[float], more: list[float], room: float) -> list[float]:
    """`base` widened by `room`, shared in proportion to what each column still wants."""
    wanting = sum(more)
    return [b + room * m / wanting for b, m in zip(base, more, strict=True)]


def column_widths(
    rows: list[list[str]], total: Length, size: Pt = GRID_SIZE, header: bool = True
) -> list[Length]:
    """Widths in proportion to the content, spanning `total`: every column gets at least its
    longest word (an e-mail address, a telephone number, "STT" is never broken), then room
    for a line of up to WANTED_LETTERS letters, then what is left goes to the columns whose
    text still wraps."""
    count = max(len(row) for row in rows)
    least, wanted, full = [0.0] * count, [0.0] * count, [0.0] * count
    for index, row in enumerate(rows):
        bold = header and index == 0
        for column, value in enumerate(row):
            for line in value.split("\n"):
                longest = max((text_width(word, size, bold) for word in line.split()), default=0)
                width = text_width(line, size, bold)
                share = min(1.0, WANTED_LETTERS / len(line)) if line else 0
                least[column] = max(least[column], longest + CELL_PADDING)
                wanted[column] = max(wanted[column], width * share + CELL_PADDING)
                full[column] = max(full[column], width + CELL_PADDING)
    wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    if sum(least) >= total:
        widths = [total * m / sum(least) for m in least]
    elif sum(wanted) >= total:
        more = [w - m for w, m in zip(wanted, least, strict=True)]
        widths = _spread(least, more, total - sum(least))
    elif sum(full) > total:
        more = [f - w for f, w in zip(full, wanted, strict=True)]
        widths = _spread(wanted, more, total - sum(wanted))
    else:
        widths = _spread(full, full, total - sum(full))
    return [Length(int(width)) for width in widths]


def grid(
    document,
    rows: list[list[str]],
    header: bool = True,
    size: Pt = GRID_SIZE,
    width: Length = TEXT_WIDTH,
) -> Table:
    """A table of text: columns proportioned to their content, the header row repeated on
    every page, no row broken across two pages."""
    count = max(len(row) for row in rows)
    rows = [row + [""] * (count - len(row)) for row in rows]
    table = document.add_table(rows=0, cols=count)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            para = cell.paragraphs[0]
            para.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if index == 0 and header else WD_ALIGN_PARAGRAPH.LEFT
            )
            text(para, value, bold=index == 0 and header, size=size)
    set_widths(table, column_widths(rows, width, size, header))
    keep_rows_whole(table)
    if header:
        repeat_header(table)
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
    keep_rows_whole(table)  # the title never on one page and the name on the next


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# The appendix on its own landscape pages, so that a long Ghi chú (seed 004 has notes of a
# page) stays readable: 25.2 cm of text split like seed 004's columns.
LANDSCAPE_WIDTH = Mm(297 - 30 - 15)
LANDSCAPE_BODY_HEIGHT = Mm(210 - 20 - 20)
# STT and value are narrow and fixed, the unit as wide as its longest ("Cơ quan, đơn vị") within
# UNIT_WIDTHS; the indicator and the Ghi chú share the rest, the note taking one of
# NOTE_WIDTHS, whichever makes the table shortest.
STT_WIDTH, VALUE_WIDTH = Cm(1.2), Cm(1.8)
UNIT_WIDTHS = (Cm(2.4), Cm(3.6))
NOTE_WIDTHS = tuple(Cm(width) for width in (7.4, 8.4, 9.4, 10.4, 11.4))
APPENDIX_SIZE = Pt(11)
APPENDIX_LINE = APPENDIX_SIZE * 1.2
HINT_COLOR = RGBColor(0x59, 0x59, 0x59)
# A row taller than this share of the page may run over to the next one; a shorter row is
# kept whole (a row taller than a page must split, and a tall one kept whole leaves gaps).
SPLIT_SHARE = 0.5


def _shrink_section_break(document) -> None:
    """The empty paragraph python-docx adds to end the portrait section, hidden and 1 pt high:
    as a 14 pt line it spilled onto a page of its own whenever the signature block ended at
    the foot of a page, leaving a blank page before the appendix (its mark hidden, LibreOffice
    lays nothing out for it; Word keeps the section break it carries)."""
    breaker = Paragraph(document.element.body.findall(qn("w:p"))[-1], document._body)
    breaker.paragraph_format.space_before = breaker.paragraph_format.space_after = Pt(0)
    breaker.paragraph_format.line_spacing = Pt(1)
    breaker.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # The paragraph mark's own size: w:pPr/w:rPr/w:sz (half-points), before the w:sectPr.
    properties = breaker._p.get_or_add_pPr()
    mark, hidden, size = OxmlElement("w:rPr"), OxmlElement("w:vanish"), OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(hidden)
    mark.append(size)
    section_properties = properties.find(qn("w:sectPr"))
    if section_properties is not None:
        section_properties.addprevious(mark)
    else:
        properties.append(mark)


def landscape_section(document):
    """A new section on a new page, A4 landscape, page numbers on every page."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _shrink_section_break(document)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = False
    return section


@dataclass
class AppendixRow:
    """One row of the appendix: STT, indicator, unit, value, note. `hint` is the template's
    guidance printed in the Ghi chú when no note was written; a section row spans the
    columns after its numeral."""

    cells: list[str]
    bold: bool = False
    section: bool = False
    hint: str = ""


def _lines(value: str, width: Length, size: Pt) -> int:
    per_line = max(int((width - CELL_PADDING) / letter_width(size)), 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


def _row_lines(row: AppendixRow, widths: list[Length]) -> int:
    shown = [*row.cells[:4], row.cells[4] or row.hint]
    if row.section:
        shown, widths = shown[:2], [widths[0], Length(sum(widths[1:]))]
    return max(
        _lines(value, width, APPENDIX_SIZE) for value, width in zip(shown, widths, strict=False)
    )


def appendix_widths(rows: list[AppendixRow]) -> list[Length]:
    """The five columns across the landscape page, the note column as wide as the notes need
    (the estimated table is shortest): a report with long notes gets a wide Ghi chú, one with
    few a wide Chỉ tiêu."""
    longest_unit = max((text_width(row.cells[2], APPENDIX_SIZE) for row in rows), default=0)
    unit = Length(int(min(max(longest_unit + CELL_PADDING, UNIT_WIDTHS[0]), UNIT_WIDTHS[1])))
    shared = LANDSCAPE_WIDTH - STT_WIDTH - unit - VALUE_WIDTH

    def widths_for(note: Length) -> list[Length]:
        return [STT_WIDTH, Length(shared - note), unit, VALUE_WIDTH, note]

    def height(note: Length) -> int:
        widths = widths_for(note)
        return sum(_row_lines(row, widths) for row in rows)

    # Between widths that make the table as short, the one nearest the text's own shares.
    labels = sum(len(row.cells[1]) for row in rows)
    notes = sum(len(row.cells[4] or row.hint) for row in rows)
    fair = shared * notes / max(labels + notes, 1)
    return widths_for(min(NOTE_WIDTHS, key=lambda note: (height(note), abs(note - fair))))


def _put(cell: _Cell, value: str, align, **style) -> None:
    lines = value.split("\n") if value else [""]
    for number, line in enumerate(lines):
        target = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        target.alignment = align
        text(target, line, size=APPENDIX_SIZE, **style)


def appendix_table(document, rows: list[AppendixRow]) -> Table:
    """The statistical appendix laid out like seed 004: STT | Chỉ tiêu thống kê | Kết quả
    thống kê (Đơn vị tính | Số liệu) | Ghi chú, the two header rows repeated on every page."""
    center, left, right = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.RIGHT,
    )
    widths = appendix_widths(rows)
    table = document.add_table(rows=2 + len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, bottom = table.rows[0].cells, table.rows[1].cells
    for column, label in ((0, "STT"), (1, "Chỉ tiêu thống kê"), (4, "Ghi chú")):
        merged = top[column].merge(bottom[column])
        _put(merged, label, center, bold=True)
    _put(top[2].merge(top[3]), "Kết quả thống kê", center, bold=True)
    _put(bottom[2], "Đơn vị tính", center, bold=True)
    _put(bottom[3], "Số liệu", center, bold=True)
    for cell in (*top, *bottom):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    page = LANDSCAPE_BODY_HEIGHT - 3 * APPENDIX_LINE
    for table_row, row in zip(table.rows[2:], rows, strict=True):
        cells = table_row.cells
        if row.section:
            _put(cells[0], row.cells[0], center, bold=True)
            _put(cells[1].merge(cells[4]), row.cells[1], left, bold=True)
        else:
            for column, (cell, value) in enumerate(zip(cells[:4], row.cells[:4], strict=True)):
                align = center if column in (0, 2) else right if column == 3 else left
                _put(cell, value, align, bold=row.bold and column < 2)
            if row.cells[4] or not row.hint:
                _put(cells[4], row.cells[4], left)
            else:
                _put(cells[4], row.hint, left, italic=True, color=HINT_COLOR)
        if _row_lines(row, widths) * APPENDIX_LINE < page * SPLIT_SHARE:
            _keep_whole(table_row)
    set_widths(table, widths)
    for header_row in table.rows[:2]:
        _keep_whole(header_row)
        _repeat(header_row)
    return table


def _keep_whole(row) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:cantSplit")) is None:
        properties.append(OxmlElement("w:cantSplit"))


def _repeat(row) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:tblHeader")) is None:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def keep_rows_whole(table: Table) -> None:
    """No row broken across two pages (a ranking row, the signature block)."""
    for row in table.rows:
        _keep_whole(row)


def repeat_header(table: Table) -> None:
    """The first row repeated at the top of every page the table runs over."""
    _repeat(table.rows[0])
