"""Cần Thơ's 2026 provincial CCHC index in the demo, in every state of its workflow, run
through the workflow's own steps: Sở Khoa học và Công nghệ self-scored, was appraised,
replied and was finalised; Sở Tư pháp submitted and waits for the council; Sở Nội vụ is still
self-scoring. The survey results of the first two were imported. The points are illustrative
(a share of each criterion's maximum), the documents cited are the units' own reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User

from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.scoring import assessments as steps
from cchc.scoring.engine import score_unit
from cchc.scoring.models import EnteredFigure, Method, Scheme

# unit, its reporter, share of the maximum it gives itself, how far it goes
UNITS = [
    ("CT-SKHCN", "khcn", Decimal("0.9"), "final"),
    ("CT-STP", "cttp", Decimal("0.8"), "submitted"),
    ("CT-SNV", "ctnv", Decimal("0.85"), "draft"),
]
SURVEY = {"CT-SKHCN": Decimal("84.5"), "CT-STP": Decimal("78.2")}


def _points(maximum: Decimal, share: Decimal) -> Decimal:
    # Quarter points, as councils give them.
    quarters = (maximum * share * 4).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return quarters / 4


def load_scoring_demo() -> None:
    scheme = Scheme.objects.filter(code="chi-so-cchc-so").order_by("-version").first()
    if scheme is None:
        return
    period = Period.objects.for_code("Y-2026")
    appraiser = User.objects.get(username="ct_thamdinh")
    for code, username, share, stage in UNITS:
        unit = Unit.objects.get(code=code)
        reporter = User.objects.get(username=username)
        assessment = steps.start_assessment(reporter, unit, scheme, period)
        items = list(assessment.items.select_related("criterion"))
        computed = score_unit(scheme, unit, period.window)
        for item in items:
            criterion = item.criterion
            if criterion.method == Method.RULE:
                if computed.item(criterion.code).points is None:
                    # No register kept in cchc for it: the unit scores it from its own reports.
                    steps.self_score(
                        reporter,
                        assessment,
                        criterion.code,
                        _points(criterion.max_points, share),
                        reason="Số liệu theo báo cáo của đơn vị; sổ theo dõi chưa nhập vào cchc",
                    )
                continue
            if stage == "draft" and criterion.order % 3 == 0:
                continue  # a third still to score
            steps.self_score(
                reporter, assessment, criterion.code, _points(criterion.max_points, share)
            )
            if criterion.evidence_required:
                steps.add_evidence(
                    reporter,
                    assessment,
                    criterion.code,
                    {
                        "doc_type": "Báo cáo",
                        "number_symbol": f"{40 + criterion.order}/BC-{unit.doc_symbol}",
                        "summary": f"kết quả thực hiện tiêu chí {criterion.code} năm 2026",
                    },
                )
        if stage == "draft":
            continue
        steps.submit(reporter, assessment)
        if code in SURVEY:
            for criterion in scheme.criteria.filter(method=Method.SURVEY, children=None):
                EnteredFigure.objects.create(
                    scheme_code=scheme.code,
                    criterion_code=criterion.code,
                    unit=unit,
                    period=period,
                    ratio=SURVEY[code],
                    source="Điều tra xã hội học năm 2026 của Sở Nội vụ",
                    entered_by=appraiser,
                )
        if stage != "final":
            continue
        adjusted = next((i.criterion for i in items if i.criterion.method == Method.SELF), None)
        for item in items:
            if adjusted is not None and item.criterion.pk == adjusted.pk:
                lower = _points(item.criterion.max_points, share - Decimal("0.3"))
                steps.appraise(
                    appraiser,
                    assessment,
                    item.criterion.code,
                    lower,
                    "Tài liệu kiểm chứng chưa thể hiện đủ nội dung tiêu chí",
                )
            else:
                steps.appraise(appraiser, assessment, item.criterion.code, "")
        steps.finish_appraisal(appraiser, assessment)
        replies = (
            {adjusted.code: "Đơn vị bổ sung Báo cáo số 52/BC-SKHCN ngày 12/12/2026"}
            if adjusted is not None
            else {}
        )
        steps.reply(reporter, assessment, replies)
        steps.finalise(appraiser, assessment)
