"""The unit and the period a request names, looked up once for every API view: a unit the
caller may not see is a 404 (as on the pages), a bad period code the parser's Vietnamese
message, as a 404 when it is in the path and a 400 on the field when it is a parameter."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions

from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.windows import PeriodCodeError


def visible_unit(user, code: str) -> Unit:
    unit = Unit.objects.visible_to(user).filter(code=code).first()
    if unit is None:
        raise Http404(f"Không tìm thấy đơn vị {code}.")
    return unit


def period(code: str, field: str | None = None) -> Period:
    """The period of `code` without writing anything (Period.objects.lookup)."""
    try:
        return Period.objects.lookup(code)
    except PeriodCodeError as exc:
        if field is None:
            raise Http404(str(exc)) from exc
        raise exceptions.ValidationError({field: [str(exc)]}) from exc
