"""Reading and writing indicator values the Vietnamese way: 704.700 ; 86,96 ; 15/09/2022."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from cchc.catalog.models import Indicator, ValueType

LOCALE = "vi"


class InvalidValue(ValueError):
    """A value typed for an indicator that cannot be read; the message is Vietnamese."""


def parse_number(raw: str) -> Decimal:
    """Parse '704.700', '86,96', '04', '-3' (Vietnamese grouping and decimal marks)."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not text or "e" in text.lower():
        raise ValueError(text or "empty")
    try:
        return parse_decimal(text, locale=LOCALE, strict=True)
    except NumberFormatError as exc:
        raise ValueError(text) from exc


def format_number(value: Decimal | int | float | None, decimals: int = 2) -> str:
    if value is None:
        return ""
    pattern = "#,##0" if decimals == 0 else "#,##0." + "#" * decimals
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    return format_decimal(rounded, format=pattern, locale=LOCALE, decimal_quantization=True)


# A rate in words, as the seeds write it: at most two decimals after a comma, none for a whole
# number ("86,96%", "23,6%", "100%"). Every rate a draft, a footnote or a message writes goes
# through rate_words, so a report never prints "56%" beside "86,96%" for a 56,15 rate.
RATE_PLACES = 2


def rate_words(value: Decimal | int | float | None) -> str:
    """'86,96%' for 86.9565…; '' when there is no rate."""
    if value is None:
        return ""
    return f"{format_number(value, RATE_PLACES)}%"


def percent_of(part: Decimal | int | float | None, whole: Decimal | int | float | None) -> str:
    """`part` as a rate of `whole` in words ('56,15%' for 73 of 130); '' without both or with
    a whole of zero."""
    if part is None or whole is None or not whole:
        return ""
    return rate_words(Decimal(part) * 100 / Decimal(whole))


def parse_value(indicator: Indicator, raw: str) -> Decimal | str | datetime.date | None:
    """The stored form of `raw` for `indicator`; None for an empty field."""
    text = (raw or "").strip()
    if not text:
        return None
    name = indicator.quoted_label
    kind = indicator.value_type
    if kind == ValueType.TEXT:
        return text
    if kind == ValueType.DATE:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise InvalidValue(f"Chỉ tiêu {name}: '{text}' không phải là ngày (nhập dạng 15/09/2022).")
    if kind == ValueType.GROUP:
        raise InvalidValue(f"Chỉ tiêu {name} là tiêu đề nhóm, không nhập số liệu.")
    try:
        number = parse_number(text)
    except ValueError:
        raise InvalidValue(
            f"Chỉ tiêu {name}: '{text}' không phải là số (ví dụ 704.700 hoặc 86,96)."
        ) from None
    if (
        kind in {ValueType.INTEGER, ValueType.YES_NO, ValueType.CHOICE}
        and number != number.to_integral()
    ):
        raise InvalidValue(f"Chỉ tiêu {name}: phải là số nguyên, không phải '{text}'.")
    if kind in {ValueType.YES_NO, ValueType.CHOICE}:
        allowed = {Decimal(str(c["value"])) for c in indicator.choices}
        if allowed and number not in allowed:
            coding = "; ".join(f"{c['label']} = {c['value']}" for c in indicator.choices)
            raise InvalidValue(f"Chỉ tiêu {name}: chỉ nhận các giá trị {coding}.")
    if kind == ValueType.INTEGER and number < 0:
        raise InvalidValue(f"Chỉ tiêu {name}: số lượng không được âm.")
    return number


def display_value(indicator: Indicator, value: Decimal | str | datetime.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str):
        return value
    return format_number(value, indicator.decimals)


def padded_count(number: Decimal | int | float | None) -> str | None:
    """'04' for a count of 4: the reports write counts under ten with a leading zero ("04
    phòng ban", "01 cuộc"), in their text and their appendix, never on the entry page; None
    when the number is not such a count (0 stays 0, 12 stays 12)."""
    if number is None or number != int(number) or not 1 <= number <= 9:
        return None
    return f"{int(number):02d}"
