"""How much room text set in Times New Roman takes, from the metrics of its metric twin
Liberation Serif (data/serif_widths.yaml): a cell's wrapped line count, so a spreadsheet row
can be given the height of its text, neither clipped nor padded with blank lines."""

from __future__ import annotations

import math
import unicodedata
from functools import cache
from pathlib import Path

import yaml

WIDTHS_FILE = Path(__file__).parent / "data" / "serif_widths.yaml"
# A letter the table does not know (a rare symbol) counts as a wide one, so it never clips.
UNKNOWN_EM = 0.72
POINTS_PER_PIXEL = 0.75  # 96 pixels to the inch

# A spreadsheet column width counts characters of the workbook's default font: with Times New
# Roman 12 as that font, a digit is 0.5 em = 8 px, and a cell keeps 5 px of the width as
# padding (ECMA-376 §18.3.1.13), with 2 px of it a side inside the grid lines.
DIGIT_PIXELS = 8
COLUMN_PADDING_PIXELS = 5
CELL_MARGIN_PIXELS = 4


@cache
def _metrics() -> dict:
    return yaml.safe_load(WIDTHS_FILE.read_text(encoding="utf-8"))


def _style(bold: bool, italic: bool) -> str:
    return "bold" if bold else "italic" if italic else "regular"


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` set at `size` points, in points."""
    widths = _metrics()[_style(bold, italic)]
    ems = 0.0
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            continue  # a diacritic sits over its letter
        ems += widths.get(char, UNKNOWN_EM)
    return ems * size


def line_height(size: float) -> float:
    """One line of text at `size` points, in points: the font's ascender, descender and line
    gap (1.15 em), each rounded up to whole pixels as Excel lays them out (13.8 pt at 12 pt
    in LibreOffice, 14.25 pt in Excel: the taller, so that neither clips)."""
    pixels = size / POINTS_PER_PIXEL
    return math.ceil(pixels * _metrics()["line_height_em"]) * POINTS_PER_PIXEL


def column_text_width(width: float) -> float:
    """The room, in points, for text in a spreadsheet column `width` characters wide (in the
    workbook's default font, Times New Roman 12)."""
    pixels = width * DIGIT_PIXELS - COLUMN_PADDING_PIXELS - CELL_MARGIN_PIXELS
    return max(pixels, DIGIT_PIXELS) * POINTS_PER_PIXEL


def wrapped_lines(
    text: str, room: float, size: float, bold: bool = False, italic: bool = False
) -> int:
    """How many lines `text` takes wrapped at spaces into `room` points (a word longer than a
    line is broken, as the spreadsheet does); at least one, a line per line break."""
    space = text_width(" ", size, bold, italic)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            width = text_width(word, size, bold, italic)
            if used and used + space + width > room:
                lines, used = lines + 1, 0.0
            elif used:
                used += space
            while width > room:  # a word wider than the column runs on to the next line
                lines, width = lines + 1, width - room
            used += width
        total += lines
    return total
