"""The period a page is about, for views."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from cchc.periods.models import Period
from cchc.periods.windows import PeriodCodeError, current_quarter


def period_or_404(code: str | None) -> Period:
    """The period of `code` (Q3-2022, 01/01/2024-31/07/2024…), the quarter holding
    today when no code is given; read-only (an unsaved Period when none is stored yet, so a
    GET never writes); 404 with the parser's Vietnamese message for a bad code."""
    try:
        return Period.objects.lookup(code or current_quarter(timezone.localdate()))
    except PeriodCodeError as exc:
        raise Http404(str(exc)) from exc
