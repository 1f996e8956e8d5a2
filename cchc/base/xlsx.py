"""Page setup shared by the XLSX workbooks (the report's appendix, Biểu II.06a)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "Times New Roman"

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
