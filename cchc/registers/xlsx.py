"""Biểu số II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) as an XLSX workbook: the results of
handling the unit's dossiers in a period, one row per procedure field and a total row.

Figures are written as numbers so the receiving office can add them up."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.base.exporters import Rendered
from cchc.base.xlsx import defuse_formulas, print_landscape_a4
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.registers.figures import field_stats, unit_figures

FORM = "Biểu số II.06a/VPCP/KSTT"
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP "
    "GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
)
FONT_NAME = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Columns 3.. in the form's order, after STT and Lĩnh vực.
FIGURE_KEYS = [
    "received",
    "carried_over",
    "new_online",
    "new_direct",
    "new_postal",
    "resolved",
    "early",
    "on_time",
    "late",
    "in_progress",
    "in_progress_within",
    "in_progress_overdue",
]
LAST_COLUMN = 2 + len(FIGURE_KEYS)
WIDTHS = [6, 46] + [11] * len(FIGURE_KEYS)
# (first row, first column, last row, last column, text) of the four header rows, relative
# to the header's first row and in the form's wording.
HEADER = [
    (0, 1, 3, 1, "STT"),
    (0, 2, 3, 2, "Lĩnh vực, công việc giải quyết theo cấp"),
    (0, 3, 0, 7, "Số hồ sơ nhận giải quyết"),
    (0, 8, 0, 11, "Số hồ sơ đã giải quyết"),
    (0, 12, 0, 14, "Số hồ sơ đang giải quyết"),
    (1, 3, 3, 3, "Tổng số"),
    (1, 4, 1, 7, "Trong đó"),
    (2, 4, 3, 4, "Số kỳ trước chuyển qua"),
    (2, 5, 2, 7, "Số mới tiếp nhận"),
    (3, 5, 3, 5, "Trực tuyến"),
    (3, 6, 3, 6, "Trực tiếp"),
    (3, 7, 3, 7, "Dịch vụ bưu chính"),
    (1, 8, 3, 8, "Tổng số"),
    (1, 9, 3, 9, "Trước hạn"),
    (1, 10, 3, 10, "Đúng hạn"),
    (1, 11, 3, 11, "Quá hạn"),
    (1, 12, 3, 12, "Tổng số"),
    (1, 13, 3, 13, "Trong hạn"),
    (1, 14, 3, 14, "Quá hạn"),
]


def _font(size: int = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def _row_values(figures: dict[str, int]) -> list[int]:
    values = dict(
        figures, in_progress=figures["in_progress_within"] + figures["in_progress_overdue"]
    )
    return [values[key] for key in FIGURE_KEYS]


class DossierStatsXlsx:
    """Exporter of Biểu II.06a for one period: render() -> Rendered. By default the rows are
    the unit's procedure fields; `rows` and `total` give other rows (e.g. one per unit of
    the province, with no `unit`: then `reporter_name` is required), `row_header` names
    them."""

    def __init__(
        self,
        unit: Unit | None,
        period: Period,
        *,
        rows: list[tuple[str, dict[str, int]]] | None = None,
        total: dict[str, int] | None = None,
        row_header: str = "Lĩnh vực, công việc giải quyết theo cấp",
        reporter_name: str | None = None,
    ) -> None:
        self.unit = unit
        self.period = period
        self.rows = rows
        self.total = total
        self.row_header = row_header
        if unit is None and (rows is None or total is None or reporter_name is None):
            raise ValueError("Biểu tổng hợp cần các dòng, dòng tổng và tên đơn vị báo cáo.")
        self.reporter_name = reporter_name or (unit.name if unit else "")

    def filename(self) -> str:
        code = self.unit.code if self.unit else "tong-hop"
        return f"bieu-II.06a-{code}-{self.period.code}.xlsx"

    def render(self) -> Rendered:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Biểu II.06a"
        workbook.properties.title = f"{FORM} {self.reporter_name} {self.period.label}"
        workbook.properties.creator = "cchc"
        self.write(sheet)
        buffer = io.BytesIO()
        defuse_formulas(workbook)
        workbook.save(buffer)
        return Rendered(self.filename(), MIMETYPE, buffer.getvalue())

    def write(self, sheet: Worksheet) -> None:
        start, end = self.period.start, self.period.end
        self._title(sheet, 1, FORM, _font(12, bold=True), "right")
        self._title(sheet, 2, TITLE, _font(13, bold=True), "center", height=36)
        self._title(
            sheet,
            3,
            f"Kỳ báo cáo: {self.period.label} (từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})",
            _font(12, italic=True),
            "center",
        )
        self._title(sheet, 4, f"Đơn vị báo cáo: {self.reporter_name}", _font(12), "left")
        self._title(sheet, 5, "Đơn vị tính: Số hồ sơ TTHC", _font(12, italic=True), "right")
        top = 6
        for first_row, first_col, last_row, last_col, text in HEADER:
            text = self.row_header if (first_row, first_col) == (0, 2) else text
            sheet.cell(row=top + first_row, column=first_col, value=text)
            if (first_row, first_col) != (last_row, last_col):
                sheet.merge_cells(
                    start_row=top + first_row,
                    start_column=first_col,
                    end_row=top + last_row,
                    end_column=last_col,
                )
        numbers = top + 4
        for column in range(1, LAST_COLUMN + 1):
            sheet.cell(row=numbers, column=column, value=f"({column})")
        for row in range(top, numbers + 1):
            for column in range(1, LAST_COLUMN + 1):
                cell = sheet.cell(row=row, column=column)
                cell.font = _font(11, bold=row < numbers, italic=row == numbers)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.border = BORDER
                cell.fill = HEADER_FILL
        sheet.row_dimensions[top + 3].height = 32
        row = numbers + 1
        rows = self.rows
        if rows is None:
            assert self.unit is not None  # checked in __init__
            rows = field_stats(self.unit, start, end)
        for index, (label, figures) in enumerate(rows, start=1):
            self._body_row(sheet, row, index, label, _row_values(figures), bold=False)
            row += 1
        total = self.total
        if total is None:
            assert self.unit is not None  # checked in __init__
            total = unit_figures(self.unit, start, end)
        self._body_row(sheet, row, None, "Tổng cộng", _row_values(total), bold=True)
        for column, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        print_landscape_a4(sheet, f"C{numbers + 1}", f"{top}:{numbers}")

    def _title(
        self, sheet: Worksheet, row: int, text: str, font: Font, horizontal: str, height=None
    ) -> None:
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST_COLUMN)
        if height:
            sheet.row_dimensions[row].height = height

    def _body_row(
        self, sheet: Worksheet, row: int, stt: int | None, label: str, values: list[int], bold
    ) -> None:
        cells = [stt, label, *values]
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = _font(12, bold=bold)
            cell.border = BORDER
            cell.alignment = Alignment(
                horizontal="left" if column == 2 else "center", vertical="center", wrap_text=True
            )
            if column > 2:
                cell.number_format = "#,##0"
