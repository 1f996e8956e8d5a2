"""Shared by the XLSX workbooks (the report's appendix, Biểu II.06a, the overview, the
rankings, rejected rows): page setup, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "Times New Roman"
# A spreadsheet runs a cell starting with one of these as a formula (formula injection): a
# unit name, a note or a reason someone typed is never to be one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Sheets the apps above add to a report's appendix workbook, e.g. the units side by side in
# a province's report: add(report, workbook), called after the appendix sheet is written.
APPENDIX_SHEETS: list[Callable[[Any, Any], None]] = []


def print_landscape_a4(
    sheet: Worksheet, freeze: str, title_rows: str, left_margin: float = 0.4
) -> None:
    """A4 landscape, fitted to the page width, the header rows repeated on every page and
    frozen on screen above `freeze`, "Trang 1/3" at the foot."""
    sheet.freeze_panes = freeze
    sheet.print_title_rows = title_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(
        left=left_margin, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3
    )
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = f"{FONT_NAME},Regular"
    sheet.oddFooter.center.size = 11


def set_default_font(workbook: Any, name: str, size: int) -> None:
    """Make `name` at `size` the workbook's default font (its Normal style's and its first),
    before any cell is styled: column widths count that font's digits, so with it a width
    means the same room in Excel and in LibreOffice whatever fonts the reader has."""
    default = Font(name=name, size=size)
    workbook._fonts = IndexedList([default])  # openpyxl has no public setter for font 0
    workbook._named_styles["Normal"].font = default


def defuse_formulas(workbook: Any) -> None:
    """Every text cell that begins like a formula is stored as text and shown with Excel's
    quote prefix (so editing it does not run it either). cchc writes no formula of its own:
    every figure is computed and written as a value."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
