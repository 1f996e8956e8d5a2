"""The submission overview of a period as an XLSX workbook: the counts by kind of unit, then
the units as the page lists them (same filter, same order). Dates are date cells and working
days numbers, so the sheet can be sorted and summed further."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.base.exporters import Rendered
from cchc.base.xlsx import FONT_NAME, defuse_formulas, print_landscape_a4
from cchc.consolidation.overview import COUNT_LABELS, Overview, OverviewRow
from cchc.org.models import UnitKind

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
# The list's columns, as on the page: (heading, width).
COLUMNS = [
    ("STT", 6),
    ("Mã", 14),
    ("Đơn vị", 40),
    ("Loại đơn vị", 16),
    ("Trạng thái", 18),
    ("Hạn gửi", 12),
    ("Gia hạn (lý do)", 30),
    ("Gửi lúc", 17),
    ("Đúng/trễ hạn", 24),
    ("Số ngày làm việc trễ/quá hạn", 14),
    ("Tiếp nhận lúc", 17),
]
LAST_COLUMN = len(COLUMNS)
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "hh:mm dd/mm/yyyy"


def _font(size: int = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Local time without its zone: what a spreadsheet cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def row_cells(index: int, row: OverviewRow) -> list:
    """One unit's cells, in COLUMNS order."""
    extension = ""
    if row.is_extended and row.extension is not None:
        extension = f"Đến {row.extension.deadline:%d/%m/%Y}: {row.extension.reason}"
    number = row.days_late if row.late else row.days_overdue
    acknowledged = row.report.acknowledged_at if row.acknowledged and row.report else None
    return [
        index,
        row.unit.code,
        row.unit.name,
        UnitKind(row.unit.kind).label,
        row.state_label,
        row.deadline,
        extension,
        _local(row.sent_at),
        row.timeliness,
        number,
        _local(acknowledged),
    ]


class OverviewXlsx:
    """Exporter: render() -> Rendered."""

    def __init__(
        self,
        overview: Overview,
        rows: list[OverviewRow],
        *,
        filter_text: str,
        consolidator: str,
        default_deadline: datetime.date | None,
    ) -> None:
        self.overview = overview
        self.rows = rows
        self.filter_text = filter_text
        self.consolidator = consolidator
        self.default_deadline = default_deadline

    def filename(self) -> str:
        return f"tinh-hinh-bao-cao-{self.overview.period.code}.xlsx"

    def render(self) -> Rendered:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Tình hình báo cáo"
        workbook.properties.title = f"Tình hình gửi báo cáo CCHC {self.overview.period.label}"
        workbook.properties.creator = "cchc"
        self.write(sheet)
        buffer = io.BytesIO()
        defuse_formulas(workbook)
        workbook.save(buffer)
        return Rendered(self.filename(), MIMETYPE, buffer.getvalue())

    def write(self, sheet: Worksheet) -> None:
        period = self.overview.period
        title = f"TÌNH HÌNH GỬI BÁO CÁO CẢI CÁCH HÀNH CHÍNH {period.label.upper()}"
        self._title(sheet, 1, title, _font(13, bold=True), "center")
        deadline = (
            f"; hạn gửi chung {self.default_deadline:%d/%m/%Y}" if self.default_deadline else ""
        )
        self._title(
            sheet,
            2,
            f"Số liệu từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}{deadline}",
            _font(12, italic=True),
            "center",
        )
        today = timezone.localdate()
        self._title(
            sheet,
            3,
            f"Đơn vị tổng hợp: {self.consolidator}. Số liệu đến ngày {today:%d/%m/%Y}.",
            _font(12),
            "left",
        )
        row = 5
        sheet.cell(row=row, column=1, value="I. SỐ ĐƠN VỊ THEO TÌNH TRẠNG").font = _font(bold=True)
        row += 1
        headings = ["STT", "Loại đơn vị", *COUNT_LABELS.values()]
        self._header(sheet, row, headings)
        row += 1
        for index, (_, label, counts) in enumerate(self.overview.by_kind, start=1):
            self._body(sheet, row, [index, label, *counts.values()], bold=False)
            row += 1
        self._body(sheet, row, [None, "Tổng cộng", *self.overview.totals.values()], bold=True)
        row += 2
        listed = f"II. DANH SÁCH ĐƠN VỊ ({len(self.rows)}/{len(self.overview.rows)} đơn vị"
        listed += f"; lọc theo {self.filter_text})" if self.filter_text else ")"
        sheet.cell(row=row, column=1, value=listed).font = _font(bold=True)
        row += 1
        header_row = row
        self._header(sheet, row, [heading for heading, _ in COLUMNS])
        row += 1
        for index, item in enumerate(self.rows, start=1):
            self._body(sheet, row, row_cells(index, item), bold=False)
            row += 1
        for column, (_, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        print_landscape_a4(sheet, f"A{header_row + 1}", f"{header_row}:{header_row}")

    def _title(self, sheet: Worksheet, row: int, text: str, font: Font, horizontal: str) -> None:
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST_COLUMN)

    def _header(self, sheet: Worksheet, row: int, headings: list[str]) -> None:
        for column, text in enumerate(headings, start=1):
            cell = sheet.cell(row=row, column=column, value=text)
            cell.font = _font(11, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
            cell.fill = HEADER_FILL
        sheet.row_dimensions[row].height = 32

    def _body(self, sheet: Worksheet, row: int, values: list, bold: bool) -> None:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = _font(12, bold=bold)
            cell.border = BORDER
            cell.alignment = Alignment(
                horizontal="left" if isinstance(value, str) else "center",
                vertical="center",
                wrap_text=True,
            )
            if isinstance(value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
