"""History pages: the audit trail of a unit, and the units it took over with their reports
(the trails of a report, a dossier and a register row are shown on their own pages, with
audit.services.trail_of)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.audit.models import AuditEntry
from cchc.audit.services import coalesced
from cchc.org.models import Unit
from cchc.org.shortcuts import visible_unit
from cchc.periods.models import working_calendar
from cchc.reports.models import Report

PAGE_SIZE = 200


@dataclass
class Predecessor:
    """A unit merged into (or renamed as) the unit of the page, and the reports it sent
    before, those the user may see."""

    unit: Unit
    reports: list[Report] = field(default_factory=list)


def predecessors(unit: Unit, user) -> list[Predecessor]:
    """Every unit whose work passed to `unit`, directly or through other merges (one query a
    generation), nearest first, each with the reports of it the user may see (one
    query for all)."""
    found: list[Unit] = []
    frontier = [unit.pk]
    seen = {unit.pk}
    while frontier:
        generation = [
            u
            for u in Unit.objects.filter(successor_id__in=frontier).order_by("code")
            if u.pk not in seen
        ]
        found.extend(generation)
        seen.update(u.pk for u in generation)
        frontier = [u.pk for u in generation]
    by_unit = {u.pk: Predecessor(u) for u in found}
    reports = (
        Report.objects.visible_to(user)
        .filter(unit_id__in=by_unit)
        .select_related("period", "template")
        .order_by("-period__end")
    )
    calendar = working_calendar()
    for report in reports:
        report.use_calendar(calendar)  # on time / late on today's calendar, read once
        by_unit[report.unit_id].reports.append(report)
    return list(by_unit.values())


@login_required
@require_GET
def unit_history(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    entries = AuditEntry.objects.filter(unit=unit).visible_to(request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    successor = Unit.objects.filter(pk=unit.successor_id).first() if unit.successor_id else None
    return render(
        request,
        "web/unit_history.html",
        {
            "unit": unit,
            "page": page,
            "lines": coalesced(page.object_list),
            "predecessors": predecessors(unit, request.user),
            "successor": successor,
        },
    )
