"""Consolidated figures as XLSX: the consolidated appendix (one value per indicator, with its
rule and how many units gave it) and every unit side by side (one column per unit counted),
as numbers the receiving office can add up. Also the side-by-side sheet of a province's own
report (added to its appendix workbook)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.base import xlsx as base_xlsx
from cchc.base.exporters import Rendered
from cchc.catalog.models import Indicator, ValueType
from cchc.consolidation.engine import APPROVED, Consolidated, consolidate_all
from cchc.org.models import Unit, UnitKind
from cchc.reports.models import Report

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = base_xlsx.FONT_NAME
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
FORMATS: dict[str, str] = {ValueType.INTEGER: "#,##0", ValueType.YES_NO: "0", ValueType.CHOICE: "0"}
DECIMAL_FORMAT = "#,##0.00"


@dataclass
class Line:
    """One indicator row: what it is called and the figures it holds."""

    indicator: Indicator
    label: str
    total: Decimal | None
    by_unit: dict[int, Decimal | None]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(sheet: Worksheet, row: int, column: int, value=None, *, bold=False, fmt=None):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.font = Font(name=FONT, size=12, bold=bold)
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if fmt:
        cell.number_format = fmt
    return cell


def _title(sheet: Worksheet, row: int, text: str, width: int, size: int = 13) -> None:
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT, size=size, bold=True)
    cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[row].height = 20 * (1 + len(text) // (8 * width + 40))


def side_by_side(sheet: Worksheet, titles: list[str], lines: list[Line], units: list[Unit]) -> None:
    """STT, indicator, unit of measure, the consolidated value, then one column per unit."""
    width = 4 + len(units)
    for row, text in enumerate(titles, start=1):
        _title(sheet, row, text, width, 14 if row == 1 else 12)
    header = len(titles) + 2
    for column, label in enumerate(
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", *[u.name for u in units]],
        start=1,
    ):
        cell = _cell(sheet, header, column, label, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, line in enumerate(lines, start=1):
        row = header + offset
        fmt = FORMATS.get(line.indicator.value_type, DECIMAL_FORMAT)
        _cell(sheet, row, 1, line.indicator.stt or None)
        _cell(sheet, row, 2, line.label, bold=line.indicator.level == 0)
        _cell(sheet, row, 3, line.indicator.unit or None)
        _cell(sheet, row, 4, _number(line.total), bold=True, fmt=fmt)
        for column, unit in enumerate(units, start=5):
            _cell(sheet, row, column, _number(line.by_unit.get(unit.pk)), fmt=fmt)
    for column, size in {1: 6, 2: 55, 3: 14, 4: 14}.items():
        sheet.column_dimensions[get_column_letter(column)].width = size
    for column in range(5, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.row_dimensions[header].height = 48
    base_xlsx.print_landscape_a4(sheet, freeze=f"E{header + 1}", title_rows=f"{header}:{header}")


def consolidated_workbook(result: Consolidated, rule_label) -> Workbook:
    """The consolidated appendix, then the units side by side."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    scope = f"{result.root.name}, {result.window.label}"
    counted = f"{len(result.counted)}/{len(result.parts)} cơ quan, đơn vị được tổng hợp"
    titles = [
        "PHỤ LỤC TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH",
        f"{scope} — biểu mẫu {result.template.code} (phiên bản {result.template.version})",
        counted + (" (chỉ báo cáo đã phê duyệt)" if result.include == APPROVED else ""),
    ]
    workbook.properties.title = " ".join(titles[:2])
    workbook.properties.creator = "cchc"
    for row, text in enumerate(titles, start=1):
        _title(summary, row, text, 6, 14 if row == 1 else 12)
    header = len(titles) + 2
    labels = ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", "Cách tổng hợp", "Số đơn vị có số liệu"]
    for column, label in enumerate(labels, start=1):
        cell = _cell(summary, header, column, label, bold=True)
        cell.fill = HEADER_FILL
    lines = []
    for offset, indicator in enumerate(
        (i for i in result.indicators if i.key in result.values), start=1
    ):
        row = header + offset
        value = result.values[indicator.key]
        fmt = FORMATS.get(indicator.value_type, DECIMAL_FORMAT)
        _cell(summary, row, 1, indicator.stt or None)
        _cell(summary, row, 2, indicator.label, bold=indicator.level == 0)
        _cell(summary, row, 3, indicator.unit or None)
        _cell(summary, row, 4, _number(value), fmt=fmt)
        _cell(summary, row, 5, rule_label(indicator))
        _cell(summary, row, 6, result.contributors(indicator.key), fmt="0")
        lines.append(Line(indicator, indicator.label, value, result.unit_values[indicator.key]))
    for column, size in {1: 6, 2: 60, 3: 14, 4: 14, 5: 30, 6: 12}.items():
        summary.column_dimensions[get_column_letter(column)].width = size
    base_xlsx.print_landscape_a4(summary, freeze=f"A{header + 1}", title_rows=f"{header}:{header}")
    units = workbook.create_sheet("Các đơn vị")
    side_by_side(units, ["SỐ LIỆU CỦA CÁC CƠ QUAN, ĐƠN VỊ", scope], lines, result.counted)
    return workbook


def consolidated_xlsx(result: Consolidated, rule_label) -> Rendered:
    buffer = io.BytesIO()
    workbook = consolidated_workbook(result, rule_label)
    base_xlsx.defuse_formulas(workbook)
    workbook.save(buffer)
    name = f"tong-hop-cchc-{result.root.code}-{result.window.code}-{result.template.code}.xlsx"
    return Rendered(name, MIMETYPE, buffer.getvalue())


def province_units_sheet(report: Report, workbook: Workbook) -> None:
    """In a province's report workbook, the units' figures behind each `units.*` row."""
    if report.unit.kind != UnitKind.PROVINCE:
        return
    across = consolidate_all(report.unit, report.period.window, APPROVED)
    lines = []
    for indicator in report.template.indicators.order_by("order"):
        prefix, _, key = indicator.source.partition(".")
        if prefix == "units" and key in across.unit_values:
            lines.append(
                Line(indicator, indicator.label, across.values.get(key), across.unit_values[key])
            )
    sheet = workbook.create_sheet("Các đơn vị")
    titles = [
        "SỐ LIỆU CỦA CÁC CƠ QUAN, ĐƠN VỊ (BÁO CÁO ĐÃ PHÊ DUYỆT)",
        f"{report.unit.name}, {report.period.label}",
    ]
    side_by_side(sheet, titles, lines, across.counted)


base_xlsx.APPENDIX_SHEETS.append(province_units_sheet)
