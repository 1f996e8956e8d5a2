"""Figures as the documents print them, which is not always as the entry page shows them."""

from __future__ import annotations

from decimal import Decimal

from cchc.catalog.models import ValueType
from cchc.reports.sheet import Row


def padded_count(number: Decimal | int | float | None) -> str | None:
    """'04' for a count of 4: seed 004's appendix writes counts under ten with a leading zero
    ("04", "01", "09"); None when the number is not such a count."""
    if number is None or number != int(number) or not 1 <= number <= 9:
        return None
    return f"{int(number):02d}"


def content_of(row: Row) -> Decimal | str | object | None:
    if row.indicator.is_derived:
        return row.derived
    return row.value.content if row.value else None


def document_display(row: Row) -> str:
    """The value in a document's appendix: the entry page's text ('704.700', '86,96'), with
    whole-number counts from 1 to 9 zero-padded. Codes (Có = 1) keep their one digit."""
    content = content_of(row)
    if row.indicator.value_type == ValueType.INTEGER and isinstance(content, Decimal | int):
        padded = padded_count(content)
        if padded:
            return padded
    return row.display
