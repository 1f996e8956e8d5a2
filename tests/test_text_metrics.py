"""Row heights of the XLSX appendix from the text: Times New Roman's widths (Liberation Serif's
metrics), wrapped in the column's width, a line each at the font's line height."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cchc.base.text_metrics import column_text_width, line_height, text_width, wrapped_lines
from cchc.documents.registry import exporters
from cchc.documents.xlsx import COLUMN_WIDTHS, NOTE, row_height


def test_a_letter_with_diacritics_is_as_wide_as_its_base_letter():
    assert text_width("Thực hiện", 12) == text_width("Thuc hien", 12)
    assert text_width("đ", 12) > 0
    assert text_width("Thống kê", 12, bold=True) > text_width("Thống kê", 12)
    assert text_width("0", 12) == 6  # a digit is half an em


def test_line_height_is_the_fonts_rounded_up_to_whole_pixels():
    # 1.15 em at 12 pt is 18.4 px; Excel lays out 19 px (14.25 pt), LibreOffice 13.8 pt.
    assert line_height(12) == 14.25
    assert line_height(13) == 15.0


def test_column_width_counts_times_new_roman_digits():
    # Width 50 in digits of 8 px, less 9 px of padding: 391 px.
    assert column_text_width(50) == pytest.approx(391 * 0.75)


def test_wrapping_breaks_at_spaces_and_long_words():
    room = text_width("Tỷ lệ hoàn thành", 12)
    assert wrapped_lines("Tỷ lệ hoàn thành", room, 12) == 1
    assert wrapped_lines("Tỷ lệ hoàn thành kế hoạch", room, 12) == 2
    assert wrapped_lines("một\nhai\n\nba", room, 12) == 4
    url = "https://www.facebook.com/tuyentruyendichvucongsoctrang"
    assert wrapped_lines(url, text_width(url, 12) / 2.5, 12) == 3


@pytest.mark.django_db
def test_a_two_line_hint_gets_two_lines_and_no_more(report):
    """«Có sáng kiến, giải pháp mới về CCHC» prints its hint on two lines in LibreOffice (the
    estimate of letters a line had it three)."""
    sheet = openpyxl.load_workbook(io.BytesIO(exporters()["xlsx"](report).render().content))[
        "Phụ lục"
    ]
    hint = report.template.indicators.get(key="innovation").note_hint
    room = column_text_width(COLUMN_WIDTHS[NOTE])
    assert wrapped_lines(hint, room, 12, italic=True) == 2
    row = next(r for r in sheet.iter_rows(max_col=5) if r[4].value == hint)
    assert sheet.row_dimensions[row[0].row].height == row_height(2) == 30.5


@pytest.mark.django_db
def test_the_workbook_measures_columns_in_times_new_roman(report):
    workbook = openpyxl.load_workbook(io.BytesIO(exporters()["xlsx"](report).render().content))
    assert workbook._fonts[0].name == "Times New Roman" and workbook._fonts[0].sz == 12
