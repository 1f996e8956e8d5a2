"""Filters of the draft sentences (OutlineSection.draft): rates written by one rule.

`{{ n.plan_completion_rate|rate }}` → "86,96%"; `{{ n.online|percent_of:n.total }}` → "56,15%".
"""

from __future__ import annotations

from django import template

from cchc.catalog import values

register = template.Library()


@register.filter
def rate(value) -> str:
    return values.rate_words(value)


@register.filter
def percent_of(part, whole) -> str:
    return values.percent_of(part, whole)
