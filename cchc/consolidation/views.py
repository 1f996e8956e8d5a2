"""The consolidator's overview of a period: who has reported (filter, sort, counts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cchc.consolidation.overview import COUNT_LABELS
from cchc.consolidation.tracking import SORTS, filtered_overview, sort_links
from cchc.org import access
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
    overview, form = filtered_overview(request, period)
    rows = form.apply(overview.rows)
    user = request.user
    return render(
        request,
        "consolidation/overview.html",
        {
            "period": period,
            "overview": overview,
            "rows": rows,
            "form": form,
            "count_labels": COUNT_LABELS,
            "sorts": {key: label for key, (label, _) in SORTS.items()},
            "sort": form.value("sort") or "unit",
            "sort_links": sort_links(form),
            "params": form.params(),
            "deadline": template_deadline(period),
            # Units whose deadline and receipt this user handles (consolidator of the unit).
            "actionable": {
                row.unit.pk for row in overview.rows if access.can_extend_deadline(user, row.unit)
            },
            "next": request.get_full_path(),
        },
    )
