"""The statistical appendix (Phụ lục) as an XLSX workbook, laid out like seed 004's.

The appendix is printed, signed and sent, so its figures read as the seeds write them
(704.700 ; 86,96 ; 04) on any reader's machine, whatever its locale: see VALUE_FORMATS."""

from __future__ import annotations

import datetime
import io
import math
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.base.exporters import Exporter, Rendered
from cchc.base.text_metrics import column_text_width, line_height, wrapped_lines
from cchc.base.xlsx import APPENDIX_SHEETS, defuse_formulas, print_landscape_a4, set_default_font
from cchc.catalog.models import Section, ValueType
from cchc.catalog.values import padded_count
from cchc.reports.models import Report, Status
from cchc.reports.sheet import ReportSheet, Row
from cchc.reports.words import appendix_reference, appendix_title_lines

SHEET_TITLE = "Phụ lục"
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
INDENT_PER_LEVEL = 2
# The rankings' rough estimate of a line (ranking_xlsx.py); the appendix measures its text.
CHARS_PER_WIDTH = 1.25
LINE_HEIGHT = 15.75
ROW_PADDING = 4
# Neither LibreOffice nor Excel fits merged or imported rows reliably, so the appendix sets each
# row's height: its cells' text wrapped by the widths of Times New Roman's letters (its metric
# twin Liberation Serif's, cchc/base/text_metrics.py) in the columns' widths, a line each at the
# font's line height, and a little padding. The workbook's default font is Times New Roman 12,
# so that a column width means the same room in Excel and in LibreOffice (with Calibri, whose
# stand-in differs from one machine to another, a width-50 column held 52 or 63 letters).
CELL_PADDING = 2
MAX_ROW_HEIGHT = 409
CHARS_PER_INDENT = 2

STT, LABEL, UNIT, VALUE, NOTE = range(1, 6)
COLUMN_WIDTHS = {STT: 6, LABEL: 60, UNIT: 14, VALUE: 12, NOTE: 50}
LAST_COLUMN = NOTE
TABLE_WIDTH = sum(COLUMN_WIDTHS.values())

# The ranking workbook's formats (a table read on screen, where the reader's separators do).
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"

# Excel and LibreOffice show a number format's "," and "." with the reader's separators:
# "#,##0.00" prints 86.96 on an English system. The appendix must print as the seeds do, so:
# - counts stay numbers, which still add up in the receiving office's sheet, and their
#   thousands dot is a literal character between digit placeholders (704700 prints 704.700
#   under any locale); a count from 1 to 9 prints 04, as seed 004 writes it;
# - decimals (rates cchc computes from the counts, which nobody adds up) are written as the
#   text the entry page shows, 86,96: no number format prints a decimal comma to a reader
#   whose decimal mark is a point;
# - a date's slashes are literal too (a bare "/" is the reader's date separator).
COUNT_FORMAT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
PADDED_COUNT_FORMAT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;00"
CODE_FORMAT = "0"
DATE_FORMAT = r"dd\/mm\/yyyy"
TEXT_FORMAT = "@"
VALUE_FORMATS: dict[str, str] = {
    ValueType.INTEGER: COUNT_FORMAT,
    ValueType.DECIMAL: TEXT_FORMAT,
    ValueType.PERCENT: TEXT_FORMAT,
    ValueType.YES_NO: CODE_FORMAT,
    ValueType.CHOICE: CODE_FORMAT,
    ValueType.TEXT: TEXT_FORMAT,
    ValueType.DATE: DATE_FORMAT,
}
DECIMAL_TYPES = {ValueType.DECIMAL, ValueType.PERCENT}
HINT_FONT_COLOR = "595959"

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")

CellValue = int | float | str | datetime.date | None


def font(size: int = FONT_SIZE, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def align(horizontal: str = "left", vertical: str = "top", indent: int = 0) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True, indent=indent)


def cell_value(row: Row) -> CellValue:
    """What the cell holds: counts and codes as numbers, dates as dates, decimals as their
    Vietnamese text (see VALUE_FORMATS), None when nothing was given."""
    indicator = row.indicator
    if indicator.is_group:
        return None
    content = row.derived if indicator.is_derived else (row.value.content if row.value else None)
    if content is None or content == "":
        return None
    if isinstance(content, Decimal):
        if indicator.value_type in DECIMAL_TYPES:
            return row.display
        return int(content) if content == content.to_integral_value() else float(content)
    return content


def value_format(row: Row, content: CellValue) -> str:
    kind = row.indicator.value_type
    if kind == ValueType.INTEGER and isinstance(content, int) and padded_count(content):
        return PADDED_COUNT_FORMAT
    return VALUE_FORMATS.get(kind, TEXT_FORMAT)


def shown_note(row: Row) -> str:
    """The Ghi chú as printed: the note written, else the template's guidance for it."""
    return row.appendix_note or row.indicator.note_hint


def text_lines(text: str, width: float) -> int:
    """The rankings' estimate: about CHARS_PER_WIDTH letters a line per unit of width."""
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def cell_lines(
    text: str, column: int, bold: bool = False, italic: bool = False, indent: int = 0
) -> int:
    """The lines `text` takes in a column of the appendix (indented by `indent` levels)."""
    room = column_text_width(COLUMN_WIDTHS[column] - indent * CHARS_PER_INDENT)
    return wrapped_lines(text, room, FONT_SIZE, bold=bold, italic=italic)


def line_count(row: Row, content: CellValue, bold: bool) -> int:
    indicator = row.indicator
    hint = not row.appendix_note and bool(indicator.note_hint)
    return max(
        cell_lines(indicator.label, LABEL, bold, indent=indicator.level * INDENT_PER_LEVEL),
        cell_lines(indicator.unit, UNIT),
        cell_lines(content, VALUE) if isinstance(content, str) else 1,
        cell_lines(shown_note(row), NOTE, italic=hint),
    )


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    return lines * line_height(size) + CELL_PADDING


def note_pieces(text: str, italic: bool) -> list[str]:
    """`text` cut into pieces that a row each can hold, at its line breaks (a paragraph too
    long for one row at its words)."""
    most = int((MAX_ROW_HEIGHT - CELL_PADDING) // line_height(FONT_SIZE))
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for paragraph in text.split("\n"):
        for part in _paragraph_parts(paragraph, italic, most):
            lines = cell_lines(part, NOTE, italic=italic)
            if current and used + lines > most:
                pieces.append("\n".join(current))
                current, used = [], 0
            current.append(part)
            used += lines
    pieces.append("\n".join(current))
    return pieces


def _paragraph_parts(paragraph: str, italic: bool, most: int) -> list[str]:
    if cell_lines(paragraph, NOTE, italic=italic) <= most:
        return [paragraph]
    parts: list[str] = []
    words: list[str] = []
    for word in paragraph.split(" "):
        if words and cell_lines(" ".join([*words, word]), NOTE, italic=italic) > most:
            parts.append(" ".join(words))
            words = []
        words.append(word)
    return [*parts, " ".join(words)]


def is_heading(row: Row) -> bool:
    return row.indicator.is_group or row.indicator.level == 0


class AppendixXlsx(Exporter[Report]):
    format = "xlsx"
    extension = "xlsx"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self) -> Rendered:
        buffer = io.BytesIO()
        workbook = build_workbook(self.report)
        defuse_formulas(workbook)
        workbook.save(buffer)
        return Rendered(self.filename(), self.mimetype, buffer.getvalue())


def build_workbook(report: Report) -> Workbook:
    workbook = Workbook()
    set_default_font(workbook, FONT_NAME, FONT_SIZE)
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    titles = appendix_title_lines(report)
    workbook.properties.title = " ".join(titles)
    workbook.properties.creator = "cchc"
    AppendixSheet(sheet).write(report, titles)
    for add_sheet in APPENDIX_SHEETS:
        add_sheet(report, workbook)
    return workbook


class AppendixSheet:
    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1

    def write(self, report: Report, titles: list[str]) -> None:
        self.write_titles(titles, appendix_reference(report))
        header_start = self.row
        self.write_header()
        for section, rows in ReportSheet(report).rows():
            self.write_section(section)
            for row in rows:
                self.write_indicator(row)
        self.set_columns()
        self.set_page(header_start)
        if report.status != Status.APPROVED:
            self.mark_draft()

    def mark_draft(self) -> None:
        """ "DỰ THẢO" at the top right of every printed page, as the DOCX marks a report not
        yet approved (a mark in the page header shifts no cell of the appendix)."""
        for header in (self.sheet.oddHeader, self.sheet.firstHeader):
            header.right.text = "DỰ THẢO"
            header.right.font = f"{FONT_NAME},Bold"
            header.right.color = "C00000"
            header.right.size = 13

    def put(
        self,
        column: int,
        value: CellValue = None,
        bold: bool = False,
        alignment: Alignment | None = None,
    ) -> Cell:
        cell = self.sheet.cell(row=self.row, column=column)
        if value is not None and value != "":
            cell.value = value
        cell.font = font(bold=bold)
        cell.alignment = alignment or align()
        cell.border = BORDER
        return cell

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        self.sheet.merge_cells(
            start_row=first_row,
            start_column=first_column,
            end_row=last_row,
            end_column=last_column,
        )

    def write_titles(self, titles: list[str], reference: str) -> None:
        for index, line in enumerate(titles):
            self.write_title(line, font(14 if index == 0 else 13, bold=True))
        self.write_title(reference, font(italic=True))
        self.row += 1

    def write_title(self, text: str, title_font: Font) -> None:
        cell = self.sheet.cell(row=self.row, column=STT, value=text)
        cell.font = title_font
        cell.alignment = align("center", "center")
        self.merge(self.row, STT, self.row, LAST_COLUMN)
        size = float(title_font.size or FONT_SIZE)
        room = column_text_width(TABLE_WIDTH)
        lines = wrapped_lines(text, room, size, bool(title_font.bold), bool(title_font.italic))
        self.sheet.row_dimensions[self.row].height = row_height(lines, size)
        self.row += 1

    def write_header(self) -> None:
        top, bottom = self.row, self.row + 1
        labels = {
            (top, STT): "STT",
            (top, LABEL): "Chỉ tiêu thống kê",
            (top, UNIT): "Kết quả thống kê",
            (bottom, UNIT): "Đơn vị tính",
            (bottom, VALUE): "Số liệu",
            (top, NOTE): "Ghi chú",
        }
        for row in (top, bottom):
            for column in range(STT, LAST_COLUMN + 1):
                cell = self.sheet.cell(row=row, column=column, value=labels.get((row, column)))
                cell.font = font(bold=True)
                cell.alignment = align("center", "center")
                cell.border = BORDER
                cell.fill = HEADER_FILL
        for column in (STT, LABEL, NOTE):
            self.merge(top, column, bottom, column)
        self.merge(top, UNIT, top, VALUE)
        self.row = bottom + 1

    def write_section(self, section: Section) -> None:
        self.put(STT, section.code, bold=True, alignment=align("center"))
        for column in range(LABEL, LAST_COLUMN + 1):
            self.put(column, section.title if column == LABEL else None, bold=True)
        self.merge(self.row, LABEL, self.row, LAST_COLUMN)
        self.row += 1

    def write_indicator(self, row: Row) -> None:
        indicator = row.indicator
        bold = is_heading(row)
        content = cell_value(row)
        is_text = isinstance(content, str)
        self.put(STT, indicator.stt, bold, align("center"))
        self.put(LABEL, indicator.label, bold, align(indent=indicator.level * INDENT_PER_LEVEL))
        self.put(UNIT, indicator.unit, alignment=align("center"))
        is_figure = indicator.value_type in DECIMAL_TYPES or not is_text
        value = self.put(VALUE, content, alignment=align("center") if is_figure else align())
        value.number_format = value_format(row, content)
        hint = not row.appendix_note and bool(indicator.note_hint)
        lines = line_count(row, content, bold)
        if row_height(lines) <= MAX_ROW_HEIGHT:
            self.put_note(self.row, shown_note(row), hint)
            if lines > 1:
                self.sheet.row_dimensions[self.row].height = row_height(lines)
            self.row += 1
            return
        self.write_long_note(shown_note(row), hint)

    def put_note(self, row: int, text: str, hint: bool, border: Border = BORDER) -> None:
        cell = self.sheet.cell(row=row, column=NOTE, value=text or None)
        italic = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color=HINT_FONT_COLOR)
        cell.font = italic if hint else font()
        cell.alignment = align()
        cell.border = border

    def write_long_note(self, text: str, hint: bool) -> None:
        """A note taller than a row can be (Excel caps a row at 409 points) goes into rows of
        its own, a piece each, the row's other cells merged beside them: a page break then
        falls between two pieces rather than through a line of a merged cell."""
        pieces = note_pieces(text, hint)
        last = len(pieces) - 1
        for offset, piece in enumerate(pieces):
            edges = Border(
                left=THIN,
                right=THIN,
                top=THIN if offset == 0 else Side(),
                bottom=THIN if offset == last else Side(),
            )
            self.put_note(self.row + offset, piece, hint, edges)
            height = row_height(cell_lines(piece, NOTE, italic=hint))
            self.sheet.row_dimensions[self.row + offset].height = height
        for column in range(STT, NOTE):
            self.merge(self.row, column, self.row + last, column)
        self.row += last + 1

    def set_columns(self) -> None:
        for column, width in COLUMN_WIDTHS.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = width

    def set_page(self, header_start: int) -> None:
        body_start = header_start + 2
        print_landscape_a4(
            self.sheet, f"A{body_start}", f"{header_start}:{body_start - 1}", left_margin=0.6
        )
