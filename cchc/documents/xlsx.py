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
from cchc.base.xlsx import APPENDIX_SHEETS, defuse_formulas, print_landscape_a4
from cchc.catalog.models import Section, ValueType
from cchc.catalog.values import padded_count
from cchc.reports.models import Report, Status
from cchc.reports.sheet import ReportSheet, Row
from cchc.reports.words import appendix_reference, appendix_title_lines

SHEET_TITLE = "Phụ lục"
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
INDENT_PER_LEVEL = 2
# Neither LibreOffice nor Excel fits merged or imported rows reliably, so heights are estimated:
# a column of width w holds about 1.3 w characters of 12 pt Times New Roman (or its metric twin
# Liberation Serif) a line, as measured on the rendered appendix; 1.25 leaves a margin.
CHARS_PER_WIDTH = 1.25
LINE_HEIGHT = 15.75
ROW_PADDING = 4
MAX_ROW_HEIGHT = 409
CHARS_PER_INDENT = 2
BOLD_WIDTH = 0.9

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
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def line_count(row: Row, content: CellValue, bold: bool) -> int:
    indicator = row.indicator
    label_width = COLUMN_WIDTHS[LABEL] - indicator.level * INDENT_PER_LEVEL * CHARS_PER_INDENT
    return max(
        text_lines(indicator.label, label_width * (BOLD_WIDTH if bold else 1)),
        text_lines(indicator.unit, COLUMN_WIDTHS[UNIT]),
        text_lines(content, COLUMN_WIDTHS[VALUE]) if isinstance(content, str) else 1,
        text_lines(shown_note(row), COLUMN_WIDTHS[NOTE]),
    )


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
        scale = FONT_SIZE / title_font.size * (BOLD_WIDTH if title_font.bold else 1)
        lines = text_lines(text, TABLE_WIDTH * scale)
        self.sheet.row_dimensions[self.row].height = (
            lines * LINE_HEIGHT * title_font.size / FONT_SIZE
        )
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
        note = self.put(NOTE, shown_note(row))
        if not row.appendix_note and indicator.note_hint:
            note.font = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color=HINT_FONT_COLOR)
        self.fit_height(line_count(row, content, bold))

    def fit_height(self, lines: int) -> None:
        """Give the row room for its text. Text taller than one row can hold is spread over
        several rows merged together, since Excel caps a row at 409 points."""
        if lines <= 1:
            self.row += 1
            return
        height = lines * LINE_HEIGHT + ROW_PADDING
        span = math.ceil(height / MAX_ROW_HEIGHT)
        for offset in range(span):
            self.sheet.row_dimensions[self.row + offset].height = math.ceil(height / span)
        if span > 1:
            for column in range(STT, LAST_COLUMN + 1):
                self.merge(self.row, column, self.row + span - 1, column)
        self.row += span

    def set_columns(self) -> None:
        for column, width in COLUMN_WIDTHS.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = width

    def set_page(self, header_start: int) -> None:
        body_start = header_start + 2
        print_landscape_a4(
            self.sheet, f"A{body_start}", f"{header_start}:{body_start - 1}", left_margin=0.6
        )
