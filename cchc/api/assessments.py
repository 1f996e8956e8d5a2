"""A unit's provincial-index assessment over the API: read it with its computed and entered
points, start it, and take each step of the workflow (self-score, evidence, submit; appraise,
confirm the rest, finish; reply; finalise) through cchc.scoring.assessments, which decides who
may and audits. Every step changes the assessment, so every step needs the ETag read before
(If-Match): two appraisers working from the same reading cannot overwrite each other."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import lookups
from cchc.api.errors import error_body, etag, if_match
from cchc.api.serializers import exact
from cchc.periods.models import Period
from cchc.reports.evidence_files import EvidenceFileError
from cchc.scoring import assessments as steps
from cchc.scoring.engine import score_unit
from cchc.scoring.models import Assessment, Method, Scheme, Stage
from cchc.scoring.views import scheme_or_404

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)
VERBS = "self-score|evidence|submit|appraise|confirm-rest|finish|reply|finalise"


def _period(scheme: Scheme, code: str) -> Period:
    period = lookups.period(code)
    if period.kind not in scheme.period_kinds:
        raise Http404(f"Bộ tiêu chí {scheme.name} không chấm kỳ {period.code}.")
    return period


def _body(scheme: Scheme, unit, period: Period, assessment: Assessment | None) -> dict:
    """The assessment as the page shows it: each criterion the unit or the council scores,
    with cchc's computed points beside the unit's, the appraisers' and the final ones."""
    score = score_unit(scheme, unit, period.window)
    items = {}
    if assessment is not None:
        items = {
            item.criterion.code: item
            for item in assessment.items.select_related("criterion").prefetch_related("evidence")
        }
    return {
        "unit": unit.code,
        "scheme": scheme.code,
        "scheme_version": scheme.version,
        "period": period.code,
        "started": assessment is not None,
        "stage": assessment.stage if assessment else None,
        "stage_label": assessment.get_stage_display() if assessment else "Chưa lập hồ sơ",
        "submitted_at": assessment.submitted_at if assessment else None,
        "appraised_at": assessment.appraised_at if assessment else None,
        "replied_at": assessment.replied_at if assessment else None,
        "finalised_at": assessment.finalised_at if assessment else None,
        "total": exact(score.total) if score.items else None,
        "own_total": exact(score.own_total),
        "appraised_total": exact(score.appraised_total),
        "final_total": exact(assessment.final_total) if assessment else None,
        "band": score.band,
        "problems": steps.submission_problems(assessment)
        if assessment is not None and assessment.stage == Stage.DRAFT
        else [],
        "items": [
            _item(scored, items.get(scored.code))
            for scored in score.items
            if scored.criterion.method in (Method.SELF, Method.RULE)
        ],
    }


def _item(scored, item) -> dict:
    criterion = scored.criterion
    return {
        "code": criterion.code,
        "title": criterion.title,
        "method": criterion.method,
        "max_points": exact(criterion.max_points),
        "computed": exact(scored.computed),
        "points": exact(scored.points),
        "self_points": exact(item.self_points) if item else None,
        "self_note": item.self_note if item else "",
        "override_reason": item.override_reason if item else "",
        "appraised_points": exact(item.appraised_points) if item else None,
        "appraisal_reason": item.appraisal_reason if item else "",
        "reply": item.reply if item else "",
        "final_points": exact(item.final_points) if item else None,
        "final_reason": item.final_reason if item else "",
        "evidence_required": criterion.evidence_required,
        "evidence": [
            {
                "id": evidence.pk,
                "text": str(evidence),
                "doc_type": evidence.doc_type,
                "number_symbol": evidence.number_symbol,
                "issued_on": evidence.issued_on,
                "summary": evidence.summary,
                "file_name": evidence.file_name,
            }
            for evidence in (item.evidence.all() if item else [])
        ],
    }


def version_of(body: dict) -> str:
    """The ETag: a digest of everything the assessment says (stage and every point and text),
    so any change by anyone gives another."""
    canonical = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _respond(body: dict, code: int = status.HTTP_200_OK) -> Response:
    return Response(body, status=code, headers={"ETag": etag(version_of(body))})


def _text(data, name: str) -> str:
    value = data.get(name, "")
    return "" if value is None else str(value)


def _step(verb: str, request: Request, assessment: Assessment) -> None:
    data = request.data
    code = _text(data, "code")
    if verb == "self-score":
        steps.self_score(
            request.user,
            assessment,
            code,
            _text(data, "points"),
            _text(data, "note"),
            _text(data, "reason"),
        )
    elif verb == "evidence":
        upload = request.FILES.get("file")
        try:
            steps.add_evidence(
                request.user,
                assessment,
                code,
                steps.evidence_fields(_text(data, "citation").strip()),
                (upload.name or "tệp", upload.read()) if upload else None,
            )
        except EvidenceFileError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from exc
    elif verb == "submit":
        steps.submit(request.user, assessment)
    elif verb == "appraise":
        steps.appraise(request.user, assessment, code, _text(data, "points"), _text(data, "reason"))
    elif verb == "confirm-rest":
        steps.confirm_rest(request.user, assessment)
    elif verb == "finish":
        steps.finish_appraisal(request.user, assessment)
    elif verb == "reply":
        replies = data.get("replies") or {}
        if not isinstance(replies, dict):
            raise steps.AssessmentError("«replies» phải là {mã tiêu chí: ý kiến giải trình}.")
        steps.reply(request.user, assessment, {str(k): str(v) for k, v in replies.items()})
    else:  # finalise
        changes = data.get("changes") or {}
        if not isinstance(changes, dict) or not all(isinstance(v, dict) for v in changes.values()):
            raise steps.AssessmentError(
                '«changes» phải là {mã tiêu chí: {"points": …, "reason": …}}.'
            )
        steps.finalise(
            request.user,
            assessment,
            {str(k): (_text(v, "points"), _text(v, "reason")) for k, v in changes.items()},
        )


@extend_schema(tags=["Chấm điểm, xếp hạng"])
class AssessmentViewSet(viewsets.ViewSet):
    """/api/v1/units/<unit>/assessments/…: the unit's self-assessments and their appraisal."""

    @extend_schema(
        operation_id="assessments_list",
        summary="Các hồ sơ tự chấm điểm của đơn vị",
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request, unit_code: str) -> Response:
        unit = lookups.visible_unit(request.user, unit_code)
        found = Assessment.objects.filter(unit=unit).select_related("scheme", "period")
        return Response(
            {
                "unit": unit.code,
                "results": [
                    {
                        "scheme": a.scheme.code,
                        "period": a.period.code,
                        "stage": a.stage,
                        "stage_label": a.get_stage_display(),
                        "final_total": exact(a.final_total),
                    }
                    for a in found
                ],
            }
        )

    @extend_schema(
        operation_id="assessment_retrieve",
        summary="Hồ sơ tự chấm điểm của đơn vị theo bộ tiêu chí và kỳ (ETag là phiên bản)",
        responses=OpenApiTypes.OBJECT,
    )
    def retrieve(self, request: Request, unit_code: str, scheme: str, period: str) -> Response:
        unit = lookups.visible_unit(request.user, unit_code)
        found = scheme_or_404(scheme)
        stored = _period(found, period)
        assessment = Assessment.objects.filter(
            unit=unit, scheme=found, period__code=stored.code
        ).first()
        return _respond(_body(found, unit, stored, assessment))

    @extend_schema(
        operation_id="assessment_start",
        summary="Lập hồ sơ tự chấm điểm (người báo cáo của đơn vị)",
        request=None,
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def start(self, request: Request, unit_code: str, scheme: str, period: str) -> Response:
        unit = lookups.visible_unit(request.user, unit_code)
        found = scheme_or_404(scheme)
        stored = Period.objects.for_code(_period(found, period).code)
        existed = Assessment.objects.filter(
            unit=unit, scheme=found, period__code=stored.code
        ).exists()
        assessment = steps.start_assessment(request.user, unit, found, stored)
        body = _body(found, unit, stored, assessment)
        return _respond(body, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="assessment_step",
        summary="Một bước của hồ sơ: tự chấm, tài liệu, gửi, thẩm định, giải trình, chốt "
        "(cần If-Match)",
        parameters=[
            IF_MATCH,
            OpenApiParameter("verb", str, OpenApiParameter.PATH, enum=VERBS.split("|")),
        ],
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
    )
    def act(
        self, request: Request, unit_code: str, scheme: str, period: str, verb: str
    ) -> Response:
        unit = lookups.visible_unit(request.user, unit_code)
        found = scheme_or_404(scheme)
        stored = _period(found, period)
        expected = if_match(request)
        with transaction.atomic():
            assessment = (
                Assessment.objects.select_for_update()
                .filter(unit=unit, scheme=found, period__code=stored.code)
                .first()
            )
            if assessment is None:
                raise Http404("Đơn vị chưa lập hồ sơ tự chấm điểm kỳ này.")
            before = _body(found, unit, stored, assessment)
            current = version_of(before)
            if expected and expected != current:
                return Response(
                    error_body(
                        412,
                        "stale",
                        "Hồ sơ đã được người khác thay đổi sau khi bạn đọc: đọc lại (GET) rồi "
                        "làm lại bước này.",
                        current=before,
                        etag=etag(current),
                    ),
                    status=412,
                    headers={"ETag": etag(current)},
                )
            _step(verb, request, assessment)
        assessment.refresh_from_db()
        return _respond(_body(found, unit, stored, assessment))
