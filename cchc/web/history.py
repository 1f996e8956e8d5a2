"""History pages: the audit trail of a unit (the trails of a report, a dossier and a register row
are shown on their own pages, with audit.services.trail_of)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.audit.models import AuditEntry
from cchc.audit.services import coalesced
from cchc.org.shortcuts import visible_unit

PAGE_SIZE = 200


@login_required
@require_GET
def unit_history(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    entries = AuditEntry.objects.filter(unit=unit).visible_to(request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/unit_history.html",
        {"unit": unit, "page": page, "lines": coalesced(page.object_list)},
    )
