"""The appendix workbook: layout like seed 004's Phụ lục, real numbers, print setup, and the
demo report's every value and note."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from django.db import transaction
from django.test import override_settings
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from cchc.catalog.models import Indicator, ReportTemplate, Section, ValueType
from cchc.catalog.values import format_number
from cchc.demo.loader import load_demo
from cchc.documents.xlsx import AppendixXlsx
from cchc.reports import services
from cchc.reports.models import Report
from cchc.reports.words import appendix_reference, appendix_title_lines

DEMO_DATA = Path(__file__).parent.parent / "cchc" / "demo" / "data" / "st-stttt-q3-2022.yaml"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Counts and dates print the same on every reader's locale (literal separators); decimals are
# their Vietnamese text (cchc.documents.xlsx explains why).
COUNT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
PADDED_COUNT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;00"
EXPECTED_FORMATS = {
    ValueType.INTEGER: COUNT,
    ValueType.DECIMAL: "@",
    ValueType.PERCENT: "@",
    ValueType.YES_NO: "0",
    ValueType.CHOICE: "0",
    ValueType.TEXT: "@",
    ValueType.DATE: r"dd\/mm\/yyyy",
}


def open_sheet(report: Report) -> Worksheet:
    rendered = AppendixXlsx(report).render()
    return openpyxl.load_workbook(io.BytesIO(rendered.content))["Phụ lục"]


def header_row(sheet: Worksheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "STT")


def body_rows(sheet: Worksheet) -> list[tuple[Cell, ...]]:
    """Table rows below the header; rows that only continue a tall merged row are skipped."""
    return [
        row
        for row in sheet.iter_rows(min_row=header_row(sheet) + 2, max_col=5)
        if not isinstance(row[1], MergedCell)
    ]


def note_of(sheet: Worksheet, row: tuple[Cell, ...]) -> str | None:
    """The row's Ghi chú whole: a long note is cut into pieces, a row each, beside the row's
    other cells merged down (see test_demo_long_notes_are_cut_into_rows_of_their_own)."""
    first = row[4].row
    last = max(
        (r.max_row for r in sheet.merged_cells.ranges if r.min_row == first and r.min_col == 2),
        default=first,
    )
    pieces = [sheet.cell(row=r, column=5).value for r in range(first, last + 1)]
    return "\n".join(p for p in pieces if p) or None


def is_section_row(row: tuple[Cell, ...]) -> bool:
    return isinstance(row[2], MergedCell)


def indicator_rows(sheet: Worksheet) -> list[tuple[Cell, ...]]:
    return [row for row in body_rows(sheet) if not is_section_row(row)]


def expected_layout(template: ReportTemplate) -> list[tuple[Any, ...]]:
    layout: list[tuple[Any, ...]] = []
    for section in template.sections.all():
        layout.append((section.code, section.title, None))
        for indicator in section.indicators.order_by("order"):
            layout.append((indicator.stt or None, indicator.label, indicator.unit or None))
    return layout


def row_of(sheet: Worksheet, template: ReportTemplate, key: str) -> tuple[Cell, ...]:
    keys = list(template.indicators.values_list("key", flat=True))
    return indicator_rows(sheet)[keys.index(key)]


def merged(sheet: Worksheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


# --- layout -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_render_returns_an_xlsx_named_after_the_report(report):
    rendered = AppendixXlsx(report).render()

    assert rendered.filename == "bao-cao-cchc-ST-STTTT-Q3-2022.xlsx"
    assert rendered.mimetype == XLSX_MIMETYPE
    assert rendered.content.startswith(b"PK")
    workbook = openpyxl.load_workbook(io.BytesIO(rendered.content))
    assert workbook.sheetnames == ["Phụ lục"]


@pytest.mark.django_db
def test_titles_and_reference_line_are_centred_across_the_table(report):
    report.number, report.report_date = "174/BC-STTTT", datetime.date(2022, 9, 15)
    report.save(update_fields=["number", "report_date"])
    sheet = open_sheet(report)
    titles = appendix_title_lines(report)

    for row, line in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=1)
        assert cell.value == line
        assert cell.font.bold
        assert cell.font.name == "Times New Roman"
        assert cell.alignment.horizontal == "center"
        assert f"A{row}:E{row}" in merged(sheet)
    reference = sheet.cell(row=len(titles) + 1, column=1)
    assert reference.value == appendix_reference(report)
    assert "174/BC-STTTT ngày 15/9/2022" in reference.value
    assert reference.font.italic
    assert f"A{reference.row}:E{reference.row}" in merged(sheet)


@pytest.mark.django_db
def test_header_spans_two_rows_with_result_over_unit_and_value(report):
    sheet = open_sheet(report)
    top = header_row(sheet)
    bottom = top + 1

    assert [sheet.cell(row=top, column=c).value for c in range(1, 6)] == [
        "STT",
        "Chỉ tiêu thống kê",
        "Kết quả thống kê",
        None,
        "Ghi chú",
    ]
    assert sheet.cell(row=bottom, column=3).value == "Đơn vị tính"
    assert sheet.cell(row=bottom, column=4).value == "Số liệu"
    assert {
        f"A{top}:A{bottom}",
        f"B{top}:B{bottom}",
        f"C{top}:D{top}",
        f"E{top}:E{bottom}",
    } <= merged(sheet)
    for column in range(1, 6):
        cell = sheet.cell(row=bottom if column in (3, 4) else top, column=column)
        assert cell.font.bold
        assert cell.alignment.horizontal == "center"
        assert cell.alignment.wrap_text
        assert cell.border.left.style == "thin"
        assert cell.fill.fill_type == "solid"


@pytest.mark.django_db
def test_one_bold_row_per_section_with_its_roman_numeral(report, template):
    sheet = open_sheet(report)
    section_rows = [row for row in body_rows(sheet) if is_section_row(row)]

    assert [(row[0].value, row[1].value) for row in section_rows] == [
        (section.code, section.title) for section in template.sections.all()
    ]
    assert [row[0].value for row in section_rows] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    for row in section_rows:
        assert row[0].font.bold and row[1].font.bold
        assert f"B{row[1].row}:E{row[1].row}" in merged(sheet)


@pytest.mark.django_db
def test_every_indicator_row_in_template_order_with_stt_label_and_unit(report, template):
    sheet = open_sheet(report)
    rows = body_rows(sheet)

    assert [(row[0].value, row[1].value, row[2].value) for row in rows] == expected_layout(template)
    indicators = list(template.indicators.all())
    assert len(indicator_rows(sheet)) == len(indicators) == 178
    for indicator, row in zip(indicators, indicator_rows(sheet), strict=True):
        label = row[1]
        assert label.alignment.indent == indicator.level * 2
        assert label.alignment.vertical == "top"
        assert label.alignment.wrap_text
        assert label.font.name == "Times New Roman" and label.font.size == 12
        if indicator.is_group:
            assert label.font.bold
        assert all(cell.border.bottom.style == "thin" for cell in row)


@pytest.mark.django_db
def test_number_formats_follow_the_value_type(complete_report, template):
    sheet = open_sheet(complete_report)

    indicators = list(template.indicators.all())
    for indicator, row in zip(indicators, indicator_rows(sheet), strict=True):
        if not indicator.is_group:
            expected = EXPECTED_FORMATS[indicator.value_type]
            if expected == COUNT and row[3].value in range(1, 10):
                expected = PADDED_COUNT
            assert row[3].number_format == expected, indicator.key
    assert {i.value_type for i in indicators} >= {
        ValueType.INTEGER,
        ValueType.PERCENT,
        ValueType.YES_NO,
        ValueType.CHOICE,
        ValueType.TEXT,
    }


@pytest.mark.django_db
def test_values_are_numbers_codes_and_text_not_strings(report, reporter, template):
    for key, raw in [
        ("plan_tasks_total", "1.234"),
        ("plan_tasks_done", "1.073"),
        ("communication_plan_rate", "85,71"),
        ("innovation", "1"),
        ("survey_method", "2"),
        ("other_tasks", "Tổ chức hội thi tìm hiểu CCHC"),
    ]:
        services.save_value(reporter, report, key, raw)
    sheet = open_sheet(report)

    def value(key: str) -> Any:
        return row_of(sheet, template, key)[3].value

    assert value("plan_tasks_total") == 1234
    assert isinstance(value("plan_tasks_total"), int)
    assert value("plan_completion_rate") == "86,95"
    assert value("communication_plan_rate") == "85,71"
    assert value("innovation") == 1
    assert value("survey_method") == 2
    assert value("other_tasks") == "Tổ chức hội thi tìm hiểu CCHC"


@pytest.mark.django_db
def test_dates_and_decimals_are_real_values(province, reporter, period):
    template = ReportTemplate.objects.create(code="thu-ngay", version=1, name="Biểu thử")
    section = Section.objects.create(template=template, code="I", title="Phần thử", order=1)
    for order, (key, value_type) in enumerate(
        [("signed_on", ValueType.DATE), ("budget", ValueType.DECIMAL)], start=1
    ):
        Indicator.objects.create(
            template=template,
            section=section,
            key=key,
            stt=str(order),
            label=key,
            value_type=value_type,
            order=order,
        )
    report = services.start_report(reporter, province["ST-STTTT"], period, template)
    services.save_value(reporter, report, "signed_on", "15/09/2022")
    services.save_value(reporter, report, "budget", "704.700,5")

    signed_on, budget = (row[3] for row in indicator_rows(open_sheet(report)))

    assert signed_on.value == datetime.datetime(2022, 9, 15)
    assert signed_on.number_format == r"dd\/mm\/yyyy"
    assert budget.value == "704.700,5"
    assert budget.number_format == "@"


@pytest.mark.django_db
def test_draft_keeps_empty_rows_empty_and_shows_derived_values(report, reporter, template):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    services.save_value(reporter, report, "plan_tasks_done", "40")
    services.save_value(reporter, report, "directive_documents_issued", note="Chưa có số liệu")
    sheet = open_sheet(report)

    rate = row_of(sheet, template, "plan_completion_rate")
    assert rate[3].value == "86,96"
    assert rate[3].number_format == "@"
    assert row_of(sheet, template, "plan_tasks_total")[3].value == 46
    empty = row_of(sheet, template, "inspected_divisions")
    assert empty[3].value is None
    assert empty[4].value is None and not empty[4].font.italic
    assert row_of(sheet, template, "directive_documents_issued")[3].value is None
    assert row_of(sheet, template, "directive_documents_issued")[4].value == "Chưa có số liệu"


@pytest.mark.django_db
def test_note_hints_are_printed_as_guidance_where_no_note_was_written(report, reporter, template):
    """Seed 004 prints the form's guidance ("Ghi rõ tên bài, thời gian được duyệt đăng.") in
    the Ghi chú of a row left without a note; cchc prints it in grey italics."""
    services.save_value(reporter, report, "innovation", "1", note="Sáng kiến «Một cửa số»")
    sheet = open_sheet(report)
    hinted = [i for i in template.indicators.all() if i.note_hint]

    assert hinted
    for indicator in hinted:
        note = row_of(sheet, template, indicator.key)[4]
        if indicator.key == "innovation":
            assert note.value == "Sáng kiến «Một cửa số»" and not note.font.italic
        else:
            assert note.value == indicator.note_hint, indicator.key
            assert note.font.italic and note.font.color.rgb.endswith("595959")
    unhinted = [i for i in template.indicators.all() if not i.note_hint]
    assert all(row_of(sheet, template, i.key)[4].value is None for i in unhinted)


@pytest.mark.django_db
def test_page_setup_prints_a4_landscape_one_page_wide(report):
    sheet = open_sheet(report)
    top = header_row(sheet)

    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${top}:${top + 1}"
    assert sheet.freeze_panes == f"A{top + 2}"
    assert sheet.oddFooter.center.text == "Trang &P/&N"
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [6, 60, 14, 12, 50]


# --- the demo report: seed 004 ------------------------------------------------------------


@dataclass
class DemoAppendix:
    sheet: Worksheet
    keys: list[str]
    layout: list[tuple[Any, ...]]
    hints: dict[str, str]

    def row(self, key: str) -> tuple[Cell, ...]:
        return indicator_rows(self.sheet)[self.keys.index(key)]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> DemoAppendix:
    """The demo loaded once for this module's tests, rendered, then rolled back."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast_hashing):
        with transaction.atomic():
            load_demo()
            report = Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")
            appendix = DemoAppendix(
                sheet=open_sheet(report),
                keys=list(report.template.indicators.values_list("key", flat=True)),
                layout=expected_layout(report.template),
                hints=dict(report.template.indicators.values_list("key", "note_hint")),
            )
            transaction.set_rollback(True)
    return appendix


@pytest.fixture(scope="module")
def demo_data() -> dict[str, Any]:
    return yaml.safe_load(DEMO_DATA.read_text(encoding="utf-8"))


def test_demo_titles_are_the_seed_appendix_titles(demo):
    assert [demo.sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "PHỤ LỤC",
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH ĐỊNH KỲ",
        "QUÝ III NĂM 2022 CỦA SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SÓC TRĂNG",
        "(Kèm theo Báo cáo số 174/BC-STTTT ngày 15/9/2022 "
        "của Sở Thông tin và Truyền thông tỉnh Sóc Trăng)",
    ]


def test_demo_has_every_row_of_the_template(demo):
    rows = body_rows(demo.sheet)

    assert len(demo.keys) == 178
    assert len(indicator_rows(demo.sheet)) == 178
    assert [(row[0].value, row[1].value, row[2].value) for row in rows] == demo.layout


def test_demo_has_every_value_and_note_of_the_seed(demo, demo_data):
    for key, item in demo_data["values"].items():
        row = demo.row(key)
        expected = item.get("value", item.get("expected"))
        if isinstance(expected, int | float) and row[3].number_format == "@":
            expected = format_number(Decimal(str(expected)))  # a rate, as its text: 86,96
        assert row[3].value == expected, key
        assert note_of(demo.sheet, row) == (item.get("note") or demo.hints[key] or None), key
    assert demo.row("plan_completion_rate")[3].value == "86,96"
    assert demo.row("plan_tasks_total")[3].value == 46


def test_demo_rows_without_seed_figures_stay_empty(demo, demo_data):
    given = set(demo_data["values"])

    for key in demo.keys:
        if key not in given:
            assert demo.row(key)[3].value is None, key
            note = demo.row(key)[4]
            assert note.value is None or note.font.italic, key  # at most the template's hint


def test_demo_long_notes_are_cut_into_rows_of_their_own(demo, demo_data):
    """A note taller than Excel's 409-point row is cut at its line breaks into rows of its
    own, the other cells merged beside them, so a page break falls between two pieces and
    never through a line of text."""
    row = demo.row("communication_meetings")
    spans = [r for r in demo.sheet.merged_cells.ranges if r.min_row == row[4].row]
    note = demo_data["values"]["communication_meetings"]["note"]

    assert {(r.min_col, r.max_col) for r in spans} == {(c, c) for c in range(1, 5)}
    last = spans[0].max_row
    pieces = [demo.sheet.cell(row=r, column=5).value for r in range(row[4].row, last + 1)]
    assert len(pieces) > 1 and all(pieces)
    assert "\n".join(pieces) == note
    paragraphs = note.split("\n")
    assert all(piece.split("\n")[0] in paragraphs for piece in pieces)  # cut at line breaks
    assert all(demo.sheet.row_dimensions[r].height <= 409 for r in range(row[4].row, last + 1))


@pytest.mark.django_db
def test_a_draft_is_marked_on_every_printed_page_and_an_approved_report_is_not(report):
    from cchc.reports.models import Status

    def header_of(report) -> str:
        workbook = openpyxl.load_workbook(io.BytesIO(AppendixXlsx(report).render().content))
        return workbook["Phụ lục"].oddHeader.right.text or ""

    assert report.status == Status.DRAFT
    assert "DỰ THẢO" in header_of(report)
    Report.objects.filter(pk=report.pk).update(status=Status.APPROVED)
    report.refresh_from_db()
    assert "DỰ THẢO" not in header_of(report)
