"""Figures as the documents print them, which is not always as the entry page shows them."""

from __future__ import annotations

from decimal import Decimal

from cchc.catalog.models import ValueType
from cchc.catalog.values import padded_count
from cchc.reports.sheet import Row


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
