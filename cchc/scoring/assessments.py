"""The provincial index's workflow, the one gate every step passes through: the unit scores
itself criterion by criterion with evidence (computed criteria come pre-scored and are
overridden only with a reason), submits; appraisers confirm or adjust each criterion (an
adjustment needs a reason); the unit replies once (giải trình); the council finalises and
the scores are locked. Every step is checked here and audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import log_action
from cchc.catalog.values import format_number, parse_number
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.reports import evidence_files
from cchc.reports.citations import parse_citation
from cchc.scoring.engine import UnitScore, score_unit, scored_criteria
from cchc.scoring.models import (
    Assessment,
    AssessmentEvidence,
    AssessmentItem,
    Method,
    Scheme,
    Stage,
)

ASSESSED = {Method.SELF, Method.RULE}


class AssessmentError(ValueError):
    """A step refused; the message (Vietnamese) names the criteria concerned."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _points(raw: str | Decimal | None, item: AssessmentItem) -> Decimal:
    code = item.criterion.code
    try:
        points = raw if isinstance(raw, Decimal) else parse_number(str(raw or ""))
    except (ValueError, InvalidOperation) as exc:
        raise AssessmentError(f"Tiêu chí {code}: '{raw}' không phải là số điểm.") from exc
    if points < 0 or points > item.criterion.max_points:
        raise AssessmentError(
            f"Tiêu chí {code}: điểm phải từ 0 đến {format_number(item.criterion.max_points, 2)}."
        )
    return points.quantize(Decimal("0.01"))


def _shown(points: Decimal | None) -> str:
    return format_number(points, 2) if points is not None else "không có số liệu"


def _audit(user, assessment: Assessment, action: str, summary: str, **data) -> None:
    log_action(
        user,
        action,
        f"{assessment.scheme.code} {assessment.period.code}, {assessment.unit.name}: {summary}",
        data={"scheme": assessment.scheme.code, "period": assessment.period.code, **data},
        obj=assessment,
        unit=assessment.unit,
    )


@transaction.atomic
def start_assessment(user, unit: Unit, scheme: Scheme, period: Period) -> Assessment:
    """The unit's assessment for the period (created with a row for every criterion the
    unit or the council scores)."""
    _require(access.can_self_assess(user, unit), "Chỉ người báo cáo của đơn vị mới tự chấm điểm.")
    if period.kind not in scheme.period_kinds:
        raise AssessmentError(f"Bộ tiêu chí {scheme.name} không chấm kỳ {period.code}.")
    if scheme.unit_kinds and unit.kind not in scheme.unit_kinds:
        raise AssessmentError(f"Bộ tiêu chí {scheme.name} không chấm {unit.get_kind_display()}.")
    # The period is stored only now, for someone allowed to start: a refused request writes
    # nothing (the page passes the period it looked up, perhaps unsaved).
    period = Period.objects.for_code(period.code)
    assessment, created = Assessment.objects.get_or_create(unit=unit, scheme=scheme, period=period)
    if created:
        criteria = scored_criteria(list(scheme.criteria.order_by("order")))
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, criterion=c)
            for c in criteria
            if c.method in ASSESSED
        )
        _audit(user, assessment, "assessment.start", "bắt đầu tự chấm điểm")
    return assessment


def _item(assessment: Assessment, code: str) -> AssessmentItem:
    item = assessment.items.select_related("criterion").filter(criterion__code=code).first()
    if item is None:
        raise AssessmentError(f"Không có tiêu chí {code} để chấm.")
    return item


@transaction.atomic
def self_score(
    user,
    assessment: Assessment,
    code: str,
    points: str | Decimal,
    note: str = "",
    reason: str = "",
) -> AssessmentItem:
    """The unit's points for one criterion; for a computed one, a value other than the
    computed points needs the reason (empty points: keep the computed ones)."""
    _require(
        access.can_self_assess(user, assessment.unit), "Chỉ người báo cáo của đơn vị mới tự chấm."
    )
    if assessment.stage != Stage.DRAFT:
        raise AssessmentError("Hồ sơ đã gửi thẩm định: không sửa điểm tự chấm được nữa.")
    item = _item(assessment, code)
    before = item.self_points
    if item.criterion.method == Method.RULE:
        computed = score_unit(assessment.scheme, assessment.unit, assessment.period.window).item(
            code
        )
        if not str(points or "").strip():
            item.self_points, item.override_reason = None, ""
        else:
            value = _points(points, item)
            if value != computed.points and not reason.strip():
                raise AssessmentError(
                    f"Tiêu chí {code}: cchc tính được {_shown(computed.points)}; "
                    "sửa điểm cần ghi lý do."
                )
            item.self_points = value
            item.override_reason = reason.strip() if value != computed.points else ""
    else:
        item.self_points = _points(points, item)
    item.self_note = note.strip()
    item.save(update_fields=["self_points", "self_note", "override_reason"])
    _audit(
        user,
        assessment,
        "assessment.self_score",
        f"tự chấm tiêu chí {code}: "
        + (_shown(item.self_points) if item.self_points is not None else "theo số liệu cchc")
        + (f" (lý do sửa: {item.override_reason})" if item.override_reason else ""),
        criterion=code,
        before=str(before) if before is not None else None,
        after=str(item.self_points) if item.self_points is not None else None,
    )
    return item


@transaction.atomic
def add_evidence(
    user,
    assessment: Assessment,
    code: str,
    fields: dict,
    upload: tuple[str, bytes] | None = None,
) -> AssessmentEvidence:
    """Cite a document (and attach its copy) for a criterion; a refused file raises
    EvidenceFileError and nothing is written."""
    _require(
        access.can_self_assess(user, assessment.unit),
        "Chỉ người báo cáo của đơn vị mới thêm tài liệu.",
    )
    if assessment.stage not in (Stage.DRAFT, Stage.APPRAISED):
        raise AssessmentError("Chỉ thêm tài liệu kiểm chứng khi tự chấm hoặc khi giải trình.")
    item = _item(assessment, code)
    evidence = AssessmentEvidence(item=item, added_by=user, **fields)
    if upload is None and not (evidence.doc_type or evidence.number_symbol or evidence.summary):
        raise AssessmentError(f"Tiêu chí {code}: ghi văn bản kiểm chứng hoặc chọn tệp.")
    if upload is not None:
        checked = evidence_files.check_file(*upload)
        evidence.file_name = checked.name
        evidence.file_type = checked.content_type
        evidence.file_size = len(checked.content)
        evidence.file_path = evidence_files.store(f"assessment-{assessment.pk}", checked)
    try:
        evidence.save()
        _audit(
            user,
            assessment,
            "assessment.evidence",
            f"thêm tài liệu kiểm chứng tiêu chí {code}: {evidence}",
            criterion=code,
            evidence=str(evidence),
        )
    except BaseException:
        evidence_files.delete(evidence.file_path)
        raise
    return evidence


def evidence_fields(text: str) -> dict:
    """A cited document typed as officials write it ("Kế hoạch số 02/KH-STTTT ngày
    27/01/2026 về…"), read into its parts; otherwise kept as the summary."""
    citation = parse_citation(text) if text else None
    if citation is None:
        return {"summary": text}
    return {
        "doc_type": citation.doc_type,
        "number_symbol": citation.number_symbol,
        "issued_on": citation.issued_on,
        "summary": citation.summary,
    }


def submission_problems(assessment: Assessment) -> list[str]:
    """What stops the assessment from being submitted, criterion by criterion."""
    problems = []
    for item in assessment.items.select_related("criterion").prefetch_related("evidence"):
        criterion = item.criterion
        if criterion.method == Method.SELF and item.self_points is None:
            problems.append(f"{criterion.code}: chưa tự chấm điểm")
        if criterion.evidence_required and not item.evidence.all() and not item.self_note.strip():
            wanted = criterion.evidence or "theo hướng dẫn"
            problems.append(
                f"{criterion.code}: cần tài liệu kiểm chứng ({wanted}) hoặc giải thích vì sao "
                "không có"
            )
    return problems


@transaction.atomic
def submit(user, assessment: Assessment) -> Assessment:
    _require(access.can_self_assess(user, assessment.unit), "Chỉ đơn vị mới gửi hồ sơ tự chấm.")
    if assessment.stage != Stage.DRAFT:
        raise AssessmentError("Hồ sơ đã được gửi.")
    problems = submission_problems(assessment)
    if problems:
        raise AssessmentError("Chưa gửi được: " + "; ".join(problems) + ".")
    assessment.stage = Stage.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["stage", "submitted_at"])
    score = score_unit(assessment.scheme, assessment.unit, assessment.period.window)
    _audit(
        user,
        assessment,
        "assessment.submit",
        f"gửi hồ sơ tự chấm, {score.shown_total} điểm",
        total=str(score.total),
    )
    return assessment


@transaction.atomic
def appraise(
    user,
    assessment: Assessment,
    code: str,
    points: str | Decimal,
    reason: str = "",
    scored: UnitScore | None = None,
) -> AssessmentItem:
    """Confirm (the unit's points) or adjust one criterion; an adjustment needs the reason.
    `scored`: the unit's score already computed (confirming many criteria at once)."""
    _require(access.can_appraise(user, assessment.unit), "Chỉ người thẩm định mới thẩm định điểm.")
    if assessment.stage != Stage.SUBMITTED:
        raise AssessmentError("Chỉ thẩm định hồ sơ đã gửi, chưa thẩm định xong.")
    item = _item(assessment, code)
    own = _own_points(assessment, item, scored)
    value = _points(points, item) if str(points or "").strip() else own
    if value is None:
        raise AssessmentError(f"Tiêu chí {code}: ghi điểm thẩm định.")
    if value != own and not reason.strip():
        raise AssessmentError(
            f"Tiêu chí {code}: điểm thẩm định khác điểm tự chấm "
            f"({format_number(own, 2) if own is not None else 'chưa có'}) phải ghi lý do."
        )
    item.appraised_points = value
    item.appraisal_reason = reason.strip() or "Thống nhất với điểm tự chấm"
    item.save(update_fields=["appraised_points", "appraisal_reason"])
    _audit(
        user,
        assessment,
        "assessment.appraise",
        f"thẩm định tiêu chí {code}: {format_number(value, 2)} ({item.appraisal_reason})",
        criterion=code,
        own=str(own) if own is not None else None,
        appraised=str(value),
    )
    return item


def _own_points(
    assessment: Assessment, item: AssessmentItem, scored: UnitScore | None = None
) -> Decimal | None:
    """The unit's points for the item: its own, or the computed ones it kept."""
    if item.self_points is not None or item.criterion.method != Method.RULE:
        return item.self_points
    score = scored or score_unit(assessment.scheme, assessment.unit, assessment.period.window)
    return score.item(item.criterion.code).computed


@transaction.atomic
def confirm_rest(user, assessment: Assessment) -> int:
    """Confirm the unit's points on every criterion not yet appraised that has them (the
    council adjusts a few and agrees with the rest); returns how many were confirmed."""
    pending = assessment.items.select_related("criterion").filter(appraised_points__isnull=True)
    scored = score_unit(assessment.scheme, assessment.unit, assessment.period.window)
    confirmed = 0
    for item in pending:
        if _own_points(assessment, item, scored) is not None:
            appraise(user, assessment, item.criterion.code, "", scored=scored)
            confirmed += 1
    return confirmed


@transaction.atomic
def finish_appraisal(user, assessment: Assessment) -> Assessment:
    _require(access.can_appraise(user, assessment.unit), "Chỉ người thẩm định mới thẩm định điểm.")
    if assessment.stage != Stage.SUBMITTED:
        raise AssessmentError("Hồ sơ không ở bước thẩm định.")
    pending = [
        i.criterion.code
        for i in assessment.items.select_related("criterion")
        if i.appraised_points is None
    ]
    if pending:
        raise AssessmentError(f"Còn tiêu chí chưa thẩm định: {', '.join(pending)}.")
    assessment.stage = Stage.APPRAISED
    assessment.appraised_at = timezone.now()
    assessment.save(update_fields=["stage", "appraised_at"])
    _audit(user, assessment, "assessment.appraised", "thẩm định xong, gửi đơn vị để giải trình")
    return assessment


@transaction.atomic
def reply(user, assessment: Assessment, replies: dict[str, str]) -> Assessment:
    """The unit's one answer to the appraisal: a text per adjusted criterion it disputes."""
    _require(access.can_self_assess(user, assessment.unit), "Chỉ đơn vị mới giải trình.")
    if assessment.stage != Stage.APPRAISED:
        raise AssessmentError("Đơn vị chỉ giải trình một lần, sau khi thẩm định xong.")
    items = {i.criterion.code: i for i in assessment.items.select_related("criterion")}
    given = {code: text.strip() for code, text in replies.items() if text.strip()}
    for code in given:
        if code not in items:
            raise AssessmentError(f"Không có tiêu chí {code}.")
    for code, text in given.items():
        items[code].reply = text
        items[code].save(update_fields=["reply"])
    assessment.stage = Stage.REPLIED
    assessment.replied_at = timezone.now()
    assessment.save(update_fields=["stage", "replied_at"])
    _audit(
        user,
        assessment,
        "assessment.reply",
        f"giải trình {len(given)} tiêu chí" if given else "không có ý kiến giải trình",
        replies=given,
    )
    return assessment


@transaction.atomic
def finalise(
    user, assessment: Assessment, changes: dict[str, tuple[str, str]] | None = None
) -> Assessment:
    """The council's final points (the appraised ones, changed after the reply only with a
    reason: `changes` = {code: (points, reason)}), the total locked."""
    _require(access.can_appraise(user, assessment.unit), "Chỉ hội đồng thẩm định mới chốt điểm.")
    if assessment.stage not in (Stage.APPRAISED, Stage.REPLIED):
        raise AssessmentError("Chỉ chốt điểm hồ sơ đã thẩm định.")
    changes = changes or {}
    items = {i.criterion.code: i for i in assessment.items.select_related("criterion")}
    for code, (_, reason) in changes.items():
        if code not in items:
            raise AssessmentError(f"Không có tiêu chí {code}.")
        if not reason.strip():
            raise AssessmentError(f"Tiêu chí {code}: đổi điểm khi chốt phải ghi lý do.")
    for code, item in items.items():
        if code in changes:
            item.final_points = _points(changes[code][0], item)
            item.final_reason = changes[code][1].strip()
        else:
            item.final_points, item.final_reason = item.appraised_points, ""
        item.save(update_fields=["final_points", "final_reason"])
    assessment.stage = Stage.FINAL
    assessment.finalised_at = timezone.now()
    assessment.save(update_fields=["stage", "finalised_at"])
    score = score_unit(assessment.scheme, assessment.unit, assessment.period.window)
    assessment.final_total = score.total
    assessment.save(update_fields=["final_total"])
    _audit(
        user,
        assessment,
        "assessment.final",
        f"chốt điểm: {score.shown_total} điểm, {score.band}",
        total=str(score.total),
        changes={code: [p, r] for code, (p, r) in changes.items()},
    )
    return assessment
