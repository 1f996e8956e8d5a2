"""Report pages: thin views over access (who may) and services (what happens)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.audit.models import AuditEntry
from cchc.audit.services import coalesced
from cchc.catalog.values import InvalidValue
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.periods.shortcuts import period_or_404
from cchc.reports import evidence_files, services
from cchc.reports.evidence_files import EvidenceFileError
from cchc.reports.models import Evidence, Report
from cchc.reports.narrative_basis import read_basis
from cchc.reports.sheet import ReportSheet
from cchc.reports.words import outline_title


def visible_report(request: HttpRequest, report_id: int) -> Report:
    """The report if the user may see it; 404 otherwise, so others cannot probe ids."""
    report = get_object_or_404(
        # The unit's parents too: drafts name the province ("UBND thành phố giao").
        Report.objects.select_related("unit__parent__parent", "period", "template"),
        pk=report_id,
    )
    if not access.can_view_report(request.user, report):
        raise Http404("Không tìm thấy báo cáo")
    return report


@login_required
@require_http_methods(["GET", "POST"])  # GET offers to start; only POST starts
def unit_period(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    """The report of a unit for a period; offers to start it, with the templates that fit the
    unit's kind and the period (the best fit chosen), when there is none yet."""
    unit = get_object_or_404(Unit, code=unit_code)
    if not access.can_view_unit(request.user, unit):
        raise Http404("Không tìm thấy đơn vị")
    period = period_or_404(period_code)
    report = Report.objects.filter(unit=unit, period__code=period.code).first()
    if report is not None:
        return redirect("report", report_id=report.pk)
    offered = services.templates_for(unit.kind, period.kind)
    if request.method == "POST":
        chosen = None
        if request.POST.get("template"):
            chosen = next((t for t in offered if str(t.pk) == request.POST["template"]), None)
            if chosen is None:
                messages.error(
                    request, "Biểu mẫu đã chọn không dùng được cho đơn vị và kỳ báo cáo này."
                )
                return redirect("unit_period", unit_code=unit.code, period_code=period.code)
        try:
            report = services.start_report(request.user, unit, period, chosen)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("unit_period", unit_code=unit.code, period_code=period.code)
        return redirect("report", report_id=report.pk)
    calendar = working_calendar()
    choices = [(t, period.deadline_for(t.deadline_working_days, calendar)) for t in offered]
    # The annual templates (so-nganh-nam, seed 000) are made for a year: from a quarter's page
    # they are offered for the year the quarter belongs to.
    annual = (
        [t for t in services.templates_for(unit.kind, "year") if t not in offered]
        if period.kind != "year" and period.year
        else []
    )
    return render(
        request,
        "reports/start.html",
        {
            "unit": unit,
            "period": period,
            "choices": choices,
            "annual": annual,
            "annual_code": f"Y-{period.year}",
            "deadline": choices[0][1] if choices else None,
            "can_start": access.can_start_report(request.user, unit),
        },
    )


@login_required
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    report = visible_report(request, report_id)
    sheet = ReportSheet(report)
    narrative = list(report.narrative.all())
    texts = {t.section_id: t.text for t in narrative}
    system = {t.section_id for t in narrative if t.drafted_at_approval}
    sections = sheet.outline
    stale = sheet.stale_sections
    outline = [
        (
            section,
            outline_title(section.title, report),
            texts.get(section.pk, ""),
            stale.get(section.pk),
            section.pk in system,
        )
        for section in sections
    ]
    charts = list(dict.fromkeys(section.chart for section in sections if section.chart))
    user = request.user
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "sheet": sheet,
            "outline": outline,
            "can_edit": access.can_edit_report(user, report),
            "can_approve": access.can_approve_report(user, report) and report.status == "submitted",
            "can_return": access.can_return_report(user, report) and report.status == "submitted",
            "can_reopen": access.can_reopen_report(user, report) and report.status == "approved",
            "can_acknowledge": access.can_acknowledge_report(user, report),
            "derived_json": sheet.derived_display(),
            "charts": charts,
        },
    )


def _sheet_state(sheet: ReportSheet) -> dict:
    return {
        "derived": sheet.derived_display(),
        # The drafted sections whose figures changed since: {section id: what changed}.
        "stale": {str(pk): issue.message for pk, issue in sheet.stale_sections.items()},
        "issues": [
            {"severity": issue.severity, "message": issue.message, "keys": list(issue.keys)}
            for issue in sheet.issues
        ],
    }


@login_required
@require_POST
def save_value(request: HttpRequest, report_id: int) -> JsonResponse:
    """Autosave of one field: {"key": ..., "value": ...} and/or {"note": ...}."""
    report = visible_report(request, report_id)
    try:
        payload = json.loads(request.body or b"{}")
        key = str(payload["key"])
    except (ValueError, KeyError):
        return JsonResponse({"error": "Yêu cầu không hợp lệ."}, status=400)
    try:
        sheet = services.save_value(
            request.user,
            report,
            key,
            payload.get("value"),
            payload.get("note"),
            payload.get("reason"),
            expected_version=payload.get("version"),
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except services.StaleValue as exc:
        # Another tab or person saved this row since the page was loaded: nothing is written,
        # and the page shows both values for the user to choose.
        return JsonResponse(
            {
                "error": str(exc),
                "key": key,
                "stale": True,
                "current": exc.current,
                "current_note": exc.value.note,
                "version": exc.version,
            },
            status=409,
        )
    except (InvalidValue, services.WorkflowError) as exc:
        return JsonResponse({"error": str(exc), "key": key}, status=422)
    row_value = next((r for s in sheet.rows() for r in s[1] if r.indicator.key == key), None)
    return JsonResponse(
        {
            "saved": True,
            "key": key,
            "display": row_value.display if row_value else "",
            "version": row_value.version if row_value else "",
            "source": {
                "label": row_value.source_label if row_value else "",
                "overridden": bool(row_value and row_value.overridden),
            },
            **_sheet_state(sheet),
        }
    )


@login_required
@require_POST
def save_narrative(request: HttpRequest, report_id: int, section_id: int) -> JsonResponse:
    report = visible_report(request, report_id)
    section = get_object_or_404(report.template.outline, pk=section_id)
    try:
        payload = json.loads(request.body or b"{}")
        text = payload.get("text", "")
        token = payload.get("basis")
    except (ValueError, AttributeError):
        return JsonResponse({"error": "Yêu cầu không hợp lệ."}, status=400)
    # A drafted text arrives with the signed figures it was drafted from (section_draft).
    basis = read_basis(str(token), report, section) if token else None
    if token and basis is None:
        return JsonResponse({"error": "Bản soạn không hợp lệ; hãy soạn lại mục này."}, status=400)
    try:
        services.save_narrative(request.user, report, section, str(text), basis=basis)
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    return JsonResponse({"saved": True, **_sheet_state(ReportSheet(report))})


@login_required
@require_POST
def confirm_narrative(request: HttpRequest, report_id: int, section_id: int) -> HttpResponse:
    """'Xác nhận nội dung vẫn đúng': the section's current figures become its basis."""
    report = visible_report(request, report_id)
    section = get_object_or_404(report.template.outline, pk=section_id)
    try:
        services.confirm_narrative(request.user, report, section)
        messages.success(request, f"Đã xác nhận nội dung mục {section.number} vẫn đúng.")
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(f"/reports/{report.pk}/#narr-{section.pk}")


@login_required
@require_GET
def parse_citation(request: HttpRequest, report_id: int) -> JsonResponse:
    report = visible_report(request, report_id)
    fields = services.evidence_from_citation(request.GET.get("text", ""), report)
    if fields is None:
        return JsonResponse({"found": False})
    issued = fields["issued_on"]
    return JsonResponse(
        {"found": True, **fields, "issued_on": issued.strftime("%d/%m/%Y") if issued else ""}
    )


@login_required
@require_POST
def add_evidence(request: HttpRequest, report_id: int) -> HttpResponse:
    report = visible_report(request, report_id)
    key = request.POST.get("key", "")
    issued_raw = request.POST.get("issued_on", "").strip()
    issued_on = None
    if issued_raw:
        try:
            issued_on = datetime.datetime.strptime(issued_raw, "%d/%m/%Y").date()
        except ValueError:
            messages.error(request, f"Ngày ban hành '{issued_raw}' không đúng dạng ngày/tháng/năm.")
            return redirect(f"/reports/{report.pk}/#row-{key}")
    fields = {
        "doc_type": request.POST.get("doc_type", "").strip(),
        "number_symbol": request.POST.get("number_symbol", "").strip(),
        "issued_on": issued_on,
        "issuer": request.POST.get("issuer", "").strip(),
        "summary": request.POST.get("summary", "").strip(),
    }
    upload = request.FILES.get("file")
    try:
        services.add_evidence(
            request.user,
            report,
            key,
            fields,
            (upload.name or "", upload.read()) if upload is not None else None,
        )
        messages.success(request, "Đã thêm văn bản minh chứng.")
    except (services.WorkflowError, EvidenceFileError) as exc:
        messages.error(request, str(exc))
    return redirect(f"/reports/{report.pk}/#row-{key}")


@login_required
@require_POST
def remove_evidence(request: HttpRequest, report_id: int, evidence_id: int) -> HttpResponse:
    report = visible_report(request, report_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, report=report)
    key = evidence.indicator.key
    services.remove_evidence(request.user, evidence)
    messages.success(request, "Đã xóa văn bản minh chứng.")
    return redirect(f"/reports/{report.pk}/#row-{key}")


@login_required
@require_GET
def evidence_file(request: HttpRequest, report_id: int, evidence_id: int) -> FileResponse:
    """The uploaded copy of a cited document, for whoever may see the report (404 otherwise)."""
    report = visible_report(request, report_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, report=report)
    return evidence_files.download(evidence.file_path, evidence.file_name, evidence.file_type)


@login_required
@require_POST
def update_header(request: HttpRequest, report_id: int) -> HttpResponse:
    """Number, date, signer and recipients of the document (only the fields posted)."""
    report = visible_report(request, report_id)
    fields: dict[str, Any] = {
        name: request.POST[name] for name in services.DOCUMENT_FIELDS if name in request.POST
    }
    raw_date = fields.get("report_date", "").strip()
    try:
        fields["report_date"] = (
            datetime.datetime.strptime(raw_date, "%d/%m/%Y").date() if raw_date else None
        )
    except ValueError:
        messages.error(request, f"Ngày báo cáo '{raw_date}' không đúng dạng ngày/tháng/năm.")
        return redirect("report", report_id=report.pk)
    if "report_date" not in request.POST:
        fields.pop("report_date")
    services.update_document_details(request.user, report, **fields)
    messages.success(request, "Đã lưu thông tin văn bản.")
    return redirect("report", report_id=report.pk)


@login_required
@require_POST
def prefill(request: HttpRequest, report_id: int) -> HttpResponse:
    report = visible_report(request, report_id)
    changed = services.prefill_from_registers(request.user, report)
    messages.success(request, f"Đã lấy số liệu từ sổ theo dõi ({changed} chỉ tiêu thay đổi).")
    return redirect("report", report_id=report.pk)


WORKFLOW_ACTIONS: dict[str, tuple[Callable[..., Report], str]] = {
    "submit": (services.submit_report, "Đã gửi báo cáo."),
    "approve": (services.approve_report, "Đã phê duyệt báo cáo."),
    "return": (services.return_report, "Đã trả lại báo cáo cho đơn vị."),
    "reopen": (services.reopen_report, "Đã mở khóa báo cáo."),
}


@login_required
@require_POST
def workflow(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = visible_report(request, report_id)
    if action not in WORKFLOW_ACTIONS:
        raise Http404("Không có thao tác này")
    verb, done = WORKFLOW_ACTIONS[action]
    try:
        if action in ("return", "reopen"):
            verb(request.user, report, request.POST.get("reason", ""))
        elif action == "approve":  # the drafts the approval page showed, by fingerprint
            verb(request.user, report, drafts_seen=request.POST.get("drafts") or None)
        else:
            verb(request.user, report)
        messages.success(request, done)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("report", report_id=report.pk)


@login_required
def audit_trail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = visible_report(request, report_id)
    lines = coalesced(AuditEntry.objects.filter(report=report))
    return render(request, "reports/audit.html", {"report": report, "lines": lines})
