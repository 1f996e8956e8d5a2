"""Vietnamese display of numbers and dates in templates."""

import datetime

from django import template
from django.utils import timezone

from cchc.catalog.values import format_number

register = template.Library()


@register.filter
def vn_number(value, decimals: int = 2) -> str:
    return format_number(value, int(decimals))


@register.filter
def vn_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return f"{value:%H:%M} {value:%d/%m/%Y}"
    return f"{value:%d/%m/%Y}"


@register.filter
def vn_long_date(value) -> str:
    """ngày 15 tháng 9 năm 2022"""
    if not value:
        return ""
    return f"ngày {value.day:02d} tháng {value.month} năm {value.year}"


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template ("" when absent): figures keyed by indicator code."""
    return mapping.get(key, "") if mapping else ""
