"""A ranking as an XLSX workbook: one sheet a kind of unit with the ranking page's columns,
then "Chi tiết" with every unit's every scored criterion. Points are numbers with two fixed
decimals (a Vietnamese system shows 39,95); "—" where the page shows it (no figure, never 0).
Text that a spreadsheet would run as a formula is stored as text."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.base.exporters import Rendered
from cchc.base.xlsx import FORMULA_STARTS, print_landscape_a4
from cchc.documents.xlsx import (
    BORDER,
    CHARS_PER_WIDTH,
    DECIMAL_FORMAT,
    HEADER_FILL,
    INTEGER_FORMAT,
    LINE_HEIGHT,
    ROW_PADDING,
    align,
    font,
    text_lines,
)
from cchc.scoring import ranking_words as words
from cchc.scoring.engine import Ranked
from cchc.scoring.rankings import KindRanking, Rankings, area_points

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGE_FORMAT = "+#,##0.00;-#,##0.00;0.00"
DASH = "—"
DETAIL_SHEET = "Chi tiết"
MIN_WIDTH, MAX_WIDTH = 6, 48
# Sheet names may not hold these, nor be longer than 31 characters.
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    heading: str
    number_format: str | None = None  # None: text
    widest: int = MAX_WIDTH  # the most it may take; long text wraps


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _or_dash(value: Decimal | int | None) -> Value:
    number = _number(value)
    return DASH if number is None else number


def put(sheet: Worksheet, row: int, column: int, value: Value, fmt: str | None = None) -> Cell:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cell.quotePrefix = True  # and Excel would run it once edited
        cell.alignment = align("center" if value == DASH else "left")
    else:
        cell.alignment = align("right" if value is not None else "left")
        if fmt:
            cell.number_format = fmt
    cell.font = font(11)
    cell.border = BORDER
    return cell


def _shown(value: Value, fmt: str | None) -> str:
    """What the cell shows, for the column width."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if fmt in (DECIMAL_FORMAT, CHANGE_FORMAT):
        return f"+{value:,.2f}"
    return f"{value:,}"


class Sheet:
    """A titled table: title rows, one header row repeated on every printed page, rows, and
    the column widths and row heights the content needs."""

    def __init__(self, sheet: Worksheet, columns: list[Column], titles: list[str]) -> None:
        self.sheet = sheet
        self.columns = columns
        self.row = 1
        self.rows: list[list[Value]] = []
        self.titles: list[tuple[int, str, int]] = []  # row, text, font size
        for index, text in enumerate(titles):
            self.title(text, bold=index < 3, size=13 if index < 2 else 12)
        self.row += 1
        self.header = self.row
        self.row += 1

    def title(self, text: str, bold: bool, size: int) -> None:
        cell = self.sheet.cell(row=self.row, column=1, value=text)
        cell.font = Font(name=font().name, size=size, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        last = max(len(self.columns), 1)
        self.sheet.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=last
        )
        self.titles.append((self.row, text, size))
        self.row += 1

    def add(self, values: Sequence[Value], bold: bool = False) -> None:
        for column, (value, spec) in enumerate(zip(values, self.columns, strict=True), start=1):
            cell = put(self.sheet, self.row, column, value, spec.number_format)
            if bold:
                cell.font = font(11, bold=True)
        self.rows.append(list(values))
        self.row += 1

    def finish(self, freeze_column: str = "A") -> None:
        widths = self._widths()
        for column, (spec, width) in enumerate(zip(self.columns, widths, strict=True), start=1):
            cell = self.sheet.cell(row=self.header, column=column, value=spec.heading)
            cell.font = font(11, bold=True)
            cell.alignment = align("center", "center")
            cell.border = BORDER
            cell.fill = HEADER_FILL
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        self._heights(widths)
        print_landscape_a4(
            self.sheet, f"{freeze_column}{self.header + 1}", f"{self.header}:{self.header}"
        )

    def _widths(self) -> list[float]:
        widths = []
        for index, spec in enumerate(self.columns):
            shown = [len(_shown(row[index], spec.number_format)) for row in self.rows]
            longest_word = max((len(word) for word in spec.heading.split()), default=0)
            content = max([*shown, longest_word + 1, len(spec.heading) // 3])
            widths.append(float(min(max(math.ceil(content * 1.1) + 2, MIN_WIDTH), spec.widest)))
        return widths

    def _heights(self, widths: list[float]) -> None:
        def lines(values: Sequence[Value]) -> int:
            return max(
                (
                    text_lines(value, width * 1.05)
                    for value, width in zip(values, widths, strict=True)
                    if isinstance(value, str)
                ),
                default=1,
            )

        header = lines([spec.heading for spec in self.columns])
        self.sheet.row_dimensions[self.header].height = header * LINE_HEIGHT + ROW_PADDING
        for offset, values in enumerate(self.rows, start=self.header + 1):
            count = lines(values)
            if count > 1:
                self.sheet.row_dimensions[offset].height = count * LINE_HEIGHT + ROW_PADDING
        total = sum(widths)
        for row, text, size in self.titles:
            count = text_lines(text, total * CHARS_PER_WIDTH * 12 / size)
            self.sheet.row_dimensions[row].height = count * LINE_HEIGHT * size / 12 + 2


def sheet_name(label: str, taken: set[str]) -> str:
    name = label.translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "Xếp hạng"
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base[:28]} {n}"
    taken.add(name)
    return name


class RankingXlsx:
    """Exporter: render() -> Rendered."""

    def __init__(self, rankings: Rankings) -> None:
        self.rankings = rankings

    def filename(self) -> str:
        return words.filename(self.rankings, "xep-hang", "xlsx")

    def render(self) -> Rendered:
        workbook = Workbook()
        workbook.remove(workbook.active)
        workbook.properties.title = words.title_line(self.rankings)
        workbook.properties.creator = "cchc"
        taken: set[str] = set()
        for kind in self.rankings.kinds:
            sheet = workbook.create_sheet(sheet_name(kind.label, taken))
            self.write_kind(sheet, kind)
        self.write_detail(workbook.create_sheet(sheet_name(DETAIL_SHEET, taken)))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return Rendered(self.filename(), MIMETYPE, buffer.getvalue())

    def kind_columns(self) -> list[Column]:
        rankings = self.rankings
        columns = [
            Column("Hạng", INTEGER_FORMAT),
            Column("Đơn vị", widest=45),
            Column("Tổng điểm", DECIMAL_FORMAT),
            Column("Xếp loại", widest=18),
        ]
        columns += [
            Column(
                f"{area.code}. {area.title} (tối đa {words.maximum_text(area.max_points)})",
                DECIMAL_FORMAT,
                widest=16,
            )
            for area in rankings.areas
        ]
        if rankings.previous is not None:
            columns.append(
                Column(f"Thay đổi so với {rankings.previous.label}", CHANGE_FORMAT, widest=14)
            )
        if rankings.self_assessed:
            columns.append(Column("Tự chấm, thẩm định", widest=24))
            columns.append(Column("Thẩm định − tự chấm", CHANGE_FORMAT, widest=14))
        columns.append(Column("Số tiêu chí thiếu số liệu", INTEGER_FORMAT, widest=14))
        return columns

    def kind_cells(self, row: Ranked) -> list[Value]:
        rankings, score = self.rankings, row.score
        cells: list[Value] = [
            _or_dash(row.position),
            score.unit.name,
            _or_dash(score.total if score.has_figures else None),
            score.band or words.NO_FIGURES,
        ]
        cells += [_or_dash(area_points(score, area)) for area in rankings.areas]
        if rankings.previous is not None:
            cells.append(_or_dash(row.change))
        if rankings.self_assessed:
            stage = score.assessment.get_stage_display() if score.assessment else "Chưa tự chấm"
            cells += [stage, _or_dash(score.appraisal_difference)]
        cells.append(len(score.missing))
        return cells

    def write_kind(self, worksheet: Worksheet, kind: KindRanking) -> None:
        rankings = self.rankings
        summary = (
            f"{kind.label}: {len(kind.rows)} đơn vị, {len(kind.ranked)} đơn vị có số liệu "
            "được xếp hạng"
        )
        titles = [*words.heading_lines(rankings), summary, words.note_line(rankings)]
        sheet = Sheet(worksheet, self.kind_columns(), titles)
        for row in kind.rows:
            sheet.add(self.kind_cells(row))
        sheet.finish(freeze_column="C")

    def write_detail(self, worksheet: Worksheet) -> None:
        columns = [
            Column("Loại đơn vị", widest=18),
            Column("Hạng", INTEGER_FORMAT),
            Column("Mã đơn vị", widest=18),
            Column("Đơn vị", widest=40),
            Column("Mã tiêu chí", widest=10),
            Column("Tiêu chí", widest=48),
            Column("Tử số", DECIMAL_FORMAT),
            Column("Mẫu số", DECIMAL_FORMAT),
            Column("Tỷ lệ (%)", DECIMAL_FORMAT),
            Column("Ngưỡng (%)", DECIMAL_FORMAT),
            Column("Điểm", DECIMAL_FORMAT),
            Column("Điểm tối đa", DECIMAL_FORMAT),
            Column("Tình trạng", widest=26),
            Column("Nguồn số liệu, ghi chú", widest=30),
        ]
        titles = [
            *words.heading_lines(self.rankings),
            "Chi tiết điểm từng tiêu chí của từng đơn vị",
            words.note_line(self.rankings),
        ]
        sheet = Sheet(worksheet, columns, titles)
        for kind in self.rankings.kinds:
            for row in kind.rows:
                unit = row.score.unit
                for item in row.score.items:
                    sheet.add(
                        [
                            kind.label,
                            row.position,
                            unit.code,
                            unit.name,
                            item.code,
                            item.criterion.title,
                            _number(item.numerator),
                            _number(item.denominator),
                            _number(item.ratio),
                            _number(item.criterion.threshold),
                            _number(item.points),
                            _number(item.max_points),
                            item.state_label,
                            item.note,
                        ]
                    )
        for index, spec in enumerate(columns, start=1):
            if spec.heading in ("Tử số", "Mẫu số"):
                self._integers(worksheet, index, sheet.header + 1)
        sheet.finish(freeze_column="E")

    @staticmethod
    def _integers(worksheet: Worksheet, column: int, first: int) -> None:
        """Counts (dossiers, procedures) without decimals; an entered 12.5 keeps them."""
        for (cell,) in worksheet.iter_rows(min_row=first, min_col=column, max_col=column):
            if isinstance(cell.value, int):
                cell.number_format = INTEGER_FORMAT
