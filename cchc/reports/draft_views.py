"""Drafts of a report's narrative: one section's draft for the editor, every empty section
filled at once, and the drafts an approver reads before approving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cchc.org import access
from cchc.reports.drafting import (
    DraftContext,
    DraftError,
    draft_checked,
    drafts_version,
    unsaved_drafts,
)
from cchc.reports.drafts import fill_empty_sections
from cchc.reports.models import Report, Status
from cchc.reports.narrative_basis import heading, sign_basis
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


@login_required
@require_GET
def approval(request: HttpRequest, report_id: int) -> HttpResponse:
    """What approving stores: the drafts of the sections nobody saved, shown to the approver
    before they confirm; the form posts their fingerprint so exactly these are stored."""
    report: Report = visible_report(request, report_id)
    if not access.can_approve_report(request.user, report):
        raise PermissionDenied("Bạn không có quyền phê duyệt báo cáo này.")
    if report.status != Status.SUBMITTED:
        messages.info(request, "Chỉ phê duyệt được báo cáo đã gửi.")
        return redirect("report", report_id=report.pk)
    refusal = ""
    drafts: list = []
    try:
        drafts = unsaved_drafts(report)
    except DraftError as exc:
        refusal = str(exc)
    shown = [(section, heading(section, report), text) for section, text, _ in drafts]
    return render(
        request,
        "reports/approve.html",
        {
            "report": report,
            "drafts": shown,
            "version": drafts_version(drafts),
            "refusal": refusal,
        },
    )
