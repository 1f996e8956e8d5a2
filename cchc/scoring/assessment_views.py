"""A unit's provincial-index assessment page: self-scoring with evidence, submission,
appraisal, the unit's reply and the council's final points, each step by whoever may take
it (cchc.scoring.assessments decides and audits)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cchc.org import access
from cchc.org.shortcuts import visible_unit
from cchc.reports import evidence_files
from cchc.scoring import assessments as steps
from cchc.scoring.engine import score_unit
from cchc.scoring.models import Assessment, AssessmentEvidence, Method, Stage
from cchc.scoring.views import scheme_or_404, scheme_period_or_404


def _act(request: HttpRequest, assessment: Assessment) -> str:
    """Run the posted step; returns the message for the user."""
    action = request.POST.get("action", "")
    code = request.POST.get("code", "")
    if action == "self_score":
        steps.self_score(
            request.user,
            assessment,
            code,
            request.POST.get("points", ""),
            request.POST.get("note", ""),
            request.POST.get("reason", ""),
        )
        return f"Đã lưu điểm tự chấm tiêu chí {code}."
    if action == "evidence":
        upload = request.FILES.get("file")
        steps.add_evidence(
            request.user,
            assessment,
            code,
            steps.evidence_fields(request.POST.get("citation", "").strip()),
            (upload.name or "tệp", upload.read()) if upload else None,
        )
        return f"Đã thêm tài liệu kiểm chứng cho tiêu chí {code}."
    if action == "submit":
        steps.submit(request.user, assessment)
        return "Đã gửi hồ sơ tự chấm điểm để thẩm định."
    if action == "appraise":
        steps.appraise(
            request.user,
            assessment,
            code,
            request.POST.get("points", ""),
            request.POST.get("reason", ""),
        )
        return f"Đã thẩm định tiêu chí {code}."
    if action == "confirm_rest":
        confirmed = steps.confirm_rest(request.user, assessment)
        return f"Đã thống nhất điểm tự chấm của {confirmed} tiêu chí còn lại."
    if action == "finish":
        steps.finish_appraisal(request.user, assessment)
        return "Đã thẩm định xong; đơn vị được giải trình một lần."
    if action == "reply":
        replies = {
            key.removeprefix("reply-"): request.POST.get(key, "")
            for key in request.POST
            if key.startswith("reply-")
        }
        steps.reply(request.user, assessment, replies)
        return "Đã gửi ý kiến giải trình."
    if action == "finalise":
        changes = {
            key.removeprefix("final-"): (
                request.POST.get(key, ""),
                request.POST.get(f"final-reason-{key.removeprefix('final-')}", ""),
            )
            for key in request.POST
            if key.startswith("final-")
            and not key.startswith("final-reason-")
            and request.POST.get(key, "").strip()
        }
        steps.finalise(request.user, assessment, changes)
        return "Đã chốt điểm."
    raise Http404("Thao tác không có.")


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(
    request: HttpRequest, unit_code: str, scheme_code: str, period_code: str
) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    assessment = Assessment.objects.filter(
        unit=unit, scheme=scheme, period__code=period.code
    ).first()
    url = reverse("assessment", args=[unit.code, scheme.code, period.code])
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                steps.start_assessment(request.user, unit, scheme, period)
                messages.success(request, "Đã lập hồ sơ tự chấm điểm.")
            elif assessment is None:
                raise Http404("Đơn vị chưa lập hồ sơ tự chấm điểm kỳ này.")
            else:
                messages.success(request, _act(request, assessment))
        except (steps.AssessmentError, evidence_files.EvidenceFileError) as exc:
            messages.error(request, str(exc))
        return redirect(url + (f"#item-{request.POST['code']}" if request.POST.get("code") else ""))
    score = score_unit(scheme, unit, period.window)
    stage = assessment.stage if assessment else None
    can_self = access.can_self_assess(request.user, unit)
    can_appraise = access.can_appraise(request.user, unit)
    return render(
        request,
        "scoring/assessment.html",
        {
            "unit": unit,
            "scheme": scheme,
            "period": period,
            "assessment": assessment,
            "score": score,
            "problems": steps.submission_problems(assessment)
            if assessment is not None and stage == Stage.DRAFT
            else [],
            "can_start": assessment is None and can_self,
            "can_self_score": stage == Stage.DRAFT and can_self,
            "can_add_evidence": stage in (Stage.DRAFT, Stage.APPRAISED) and can_self,
            "can_appraise": stage == Stage.SUBMITTED and can_appraise,
            "can_reply": stage == Stage.APPRAISED and can_self,
            "can_finalise": stage in (Stage.APPRAISED, Stage.REPLIED) and can_appraise,
            "assessed": {Method.SELF, Method.RULE},
            "trail_actions": "assessment.",
        },
    )


@login_required
@require_GET
def assessment_file(request: HttpRequest, unit_code: str, evidence_id: int) -> FileResponse:
    """The uploaded copy of a document, for whoever may see the unit (404 otherwise)."""
    unit = visible_unit(request, unit_code)
    evidence = get_object_or_404(AssessmentEvidence, pk=evidence_id, item__assessment__unit=unit)
    return evidence_files.download(evidence.file_path, evidence.file_name, evidence.file_type)
