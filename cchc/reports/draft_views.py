"""Drafts of a report's narrative: one section's draft for the editor, or every empty
section filled at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from cchc.org import access
from cchc.reports.drafting import DraftContext, DraftError, draft_checked
from cchc.reports.drafts import fill_empty_sections
from cchc.reports.models import Report
from cchc.reports.narrative_basis import sign_basis
from cchc.reports.views import visible_report


@login_required
@require_GET
def section_draft(request: HttpRequest, report_id: int, section_id: int) -> JsonResponse:
    """The drafted text of one section, for the 'Soạn từ số liệu' button; nothing is saved."""
    report = visible_report(request, report_id)
    if not access.can_edit_report(request.user, report):
        return JsonResponse({"error": "Bạn không sửa được báo cáo này."}, status=403)
    section = get_object_or_404(report.template.outline, pk=section_id)
    try:
        text, basis = draft_checked(DraftContext(report), section)
    except DraftError as exc:
        return JsonResponse({"error": str(exc)}, status=422)
    # The figures come back signed with the text; saving the text stores them as its basis.
    return JsonResponse({"text": text, "basis": sign_basis(report, section, basis)})


@login_required
@require_POST
def fill_drafts(request: HttpRequest, report_id: int) -> HttpResponse:
    report: Report = visible_report(request, report_id)
    filled, skipped = fill_empty_sections(request.user, report)
    if filled:
        messages.success(request, f"Đã soạn tự động {filled} mục còn trống từ số liệu.")
    elif not skipped:
        messages.info(request, "Không có mục nào còn trống mà soạn được từ số liệu.")
    for refusal in skipped:
        messages.warning(request, refusal)
    return redirect(f"/reports/{report.pk}/#narrative")
