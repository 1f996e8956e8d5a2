"""The consolidator's overview of a period: who has reported."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cchc.consolidation.overview import period_overview
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.shortcuts import period_or_404
from cchc.periods.windows import PeriodCodeError, parse_period
from cchc.reports.services import template_deadline


@login_required
def overview_lookup(request: HttpRequest) -> HttpResponse:
    """The period typed on the home page: custom windows (01/01/2024-31/07/2024) included."""
    if not access.can_consolidate(request.user):
        raise PermissionDenied("Chỉ người tổng hợp mới xem được trang này.")
    try:
        window = parse_period(request.GET.get("period", ""))
    except PeriodCodeError as exc:
        messages.error(request, str(exc))
        return redirect("home")
    return redirect("overview", period_code=window.code)


@login_required
def overview(request: HttpRequest, period_code: str) -> HttpResponse:
    if not access.can_consolidate(request.user):
        raise PermissionDenied("Chỉ người tổng hợp mới xem được trang này.")
    period = period_or_404(period_code)
    rows = period_overview(period, Unit.objects.consolidated_by(request.user))
    return render(
        request,
        "consolidation/overview.html",
        {"period": period, "overview": rows, "deadline": template_deadline(period)},
    )
