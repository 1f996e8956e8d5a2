"""The provincial index's workflow and its guards: self-scoring (computed criteria overridden
only with a reason), the evidence requirement, submission, appraisal (adjustments need a
reason), one reply, finalisation and the lock, the survey part and rescaling when it is
absent, the audit trail of every step, and who may take each step."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.org.models import Role, RoleAssignment
from cchc.periods.models import Period
from cchc.periods.windows import parse_period
from cchc.records.models import Task
from cchc.scoring import assessments as steps
from cchc.scoring.engine import NOT_APPLICABLE, score_unit
from cchc.scoring.models import EnteredFigure, Stage
from tests.conftest import _user

pytestmark = pytest.mark.django_db
YEAR = parse_period("Y-2026")


@pytest.fixture
def assessment(index_scheme, planned_unit, reporter):
    return steps.start_assessment(
        reporter, planned_unit, index_scheme, Period.objects.for_code("Y-2026")
    )


def test_the_whole_workflow_from_self_scoring_to_the_locked_final(
    index_scheme, planned_unit, assessment, reporter, appraiser
):
    # The computed criterion comes pre-scored; self-scored ones wait for the unit.
    score = score_unit(index_scheme, planned_unit, YEAR)
    assert score.item("1.2").points == 15 and score.item("1.1").points is None
    steps.self_score(reporter, assessment, "1.1", "10")
    steps.add_evidence(
        reporter, assessment, "1.1", {"doc_type": "Kế hoạch", "number_symbol": "02/KH-STTTT"}
    )
    steps.self_score(reporter, assessment, "2.1", "35,5", note="Rà soát 12 TTHC")
    steps.submit(reporter, assessment)
    # No survey result yet: the survey part is absent, the total is rescaled to 100.
    score = score_unit(index_scheme, planned_unit, YEAR)
    assert score.item("3.1").state == NOT_APPLICABLE
    assert score.raw == Decimal("60.50") and score.applicable_max == 70
    assert score.total == Decimal("86.43")  # 60.5 × 100 ÷ 70
    steps.appraise(appraiser, assessment, "1.1", "")  # confirmed
    steps.appraise(appraiser, assessment, "1.2", "")
    steps.appraise(appraiser, assessment, "2.1", "30", "Chưa công khai kết quả rà soát")
    steps.finish_appraisal(appraiser, assessment)
    score = score_unit(index_scheme, planned_unit, YEAR)
    assert (score.own_total, score.appraised_total) == (Decimal("86.43"), Decimal("78.57"))
    assert score.appraisal_difference == Decimal("-7.86")
    steps.reply(reporter, assessment, {"2.1": "Đã công khai tại Công văn 45/STTTT"})
    EnteredFigure.objects.create(
        scheme_code="chi-so-thu",
        criterion_code="3.1",
        unit=planned_unit,
        period=Period.objects.for_code("Y-2026"),
        ratio=Decimal("80"),
        source="Điều tra xã hội học năm 2026",
    )
    steps.finalise(appraiser, assessment, {"2.1": ("33", "Chấp nhận một phần giải trình")})
    assessment.refresh_from_db()
    # 10 + 15 + 33 + survey 80 % of 30 = 24: 82.
    assert assessment.stage == Stage.FINAL and assessment.final_total == Decimal("82.00")
    score = score_unit(index_scheme, planned_unit, YEAR)
    assert (score.total, score.band) == (Decimal("82.00"), "Tốt")
    # Locked: the figures may change, the final total does not; no step is open any more.
    Task.objects.filter(unit=planned_unit, completed_on__isnull=True).update(
        completed_on=datetime.date(2026, 11, 1)
    )
    assert score_unit(index_scheme, planned_unit, YEAR).total == Decimal("82.00")
    with pytest.raises(steps.AssessmentError, match="đã gửi thẩm định"):
        steps.self_score(reporter, assessment, "2.1", "40")
    with pytest.raises(steps.AssessmentError, match="Chỉ chốt điểm"):
        steps.finalise(appraiser, assessment)
    actions = list(
        AuditEntry.objects.filter(action__startswith="assessment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.start",
        "assessment.self_score",
        "assessment.evidence",
        "assessment.self_score",
        "assessment.submit",
        "assessment.appraise",
        "assessment.appraise",
        "assessment.appraise",
        "assessment.appraised",
        "assessment.reply",
        "assessment.final",
    ]


def test_a_computed_criterion_is_overridden_only_with_a_reason(assessment, reporter):
    with pytest.raises(steps.AssessmentError, match="1.2: cchc tính được 15; sửa điểm cần"):
        steps.self_score(reporter, assessment, "1.2", "20")
    item = steps.self_score(reporter, assessment, "1.2", "20", reason="Nhiệm vụ 4 đã xong")
    assert (item.self_points, item.override_reason) == (20, "Nhiệm vụ 4 đã xong")
    with pytest.raises(steps.AssessmentError, match="1.1: điểm phải từ 0 đến 10"):
        steps.self_score(reporter, assessment, "1.1", "12")
    with pytest.raises(steps.AssessmentError, match="'mười' không phải là số điểm"):
        steps.self_score(reporter, assessment, "1.1", "mười")


def test_required_evidence_or_an_explanation_before_submitting(assessment, reporter):
    steps.self_score(reporter, assessment, "2.1", "30")
    with pytest.raises(steps.AssessmentError) as refused:
        steps.submit(reporter, assessment)
    assert "1.1: chưa tự chấm điểm" in str(refused.value)
    assert "1.1: cần tài liệu kiểm chứng (Kế hoạch CCHC năm)" in str(refused.value)
    steps.self_score(reporter, assessment, "1.1", "5", note="Kế hoạch ban hành chậm, đang tìm bản")
    assert steps.submit(reporter, assessment).stage == Stage.SUBMITTED


def test_appraisal_guards(assessment, reporter, appraiser, consolidator):
    steps.self_score(reporter, assessment, "1.1", "10", note="Không có bản giấy")
    steps.self_score(reporter, assessment, "2.1", "30")
    with pytest.raises(steps.AssessmentError, match="Chỉ thẩm định hồ sơ đã gửi"):
        steps.appraise(appraiser, assessment, "1.1", "")
    steps.submit(reporter, assessment)
    for user in (reporter, consolidator):
        with pytest.raises(PermissionDenied):
            steps.appraise(user, assessment, "1.1", "")
    with pytest.raises(steps.AssessmentError, match="khác điểm tự chấm .10. phải ghi lý do"):
        steps.appraise(appraiser, assessment, "1.1", "8")
    steps.appraise(appraiser, assessment, "1.1", "8", "Kế hoạch ban hành chậm")
    with pytest.raises(steps.AssessmentError, match="Còn tiêu chí chưa thẩm định: 1.2, 2.1"):
        steps.finish_appraisal(appraiser, assessment)
    assert steps.confirm_rest(appraiser, assessment) == 2  # 1.2 (computed) and 2.1
    assert assessment.items.get(criterion__code="1.1").appraised_points == 8  # kept
    steps.finish_appraisal(appraiser, assessment)
    steps.reply(reporter, assessment, {})
    with pytest.raises(steps.AssessmentError, match="giải trình một lần"):
        steps.reply(reporter, assessment, {"1.1": "Một lần nữa"})
    with pytest.raises(steps.AssessmentError, match="đổi điểm khi chốt phải ghi lý do"):
        steps.finalise(appraiser, assessment, {"1.1": ("10", "")})


def test_the_page_by_role(client, index_scheme, assessment, reporter, appraiser, other_reporter):
    url = reverse("assessment", args=["ST-STTTT", "chi-so-thu", "Y-2026"])
    client.force_login(other_reporter)
    assert client.get(url).status_code == 404
    client.force_login(reporter)
    html = client.get(url).content.decode()
    assert 'name="action" value="self_score"' in html and 'value="appraise"' not in html
    response = client.post(
        url, {"action": "self_score", "code": "1.1", "points": "11"}, follow=True
    )
    assert "Tiêu chí 1.1: điểm phải từ 0 đến 10." in response.content.decode()
    client.post(url, {"action": "self_score", "code": "1.1", "points": "9", "note": "Có kế hoạch"})
    client.post(url, {"action": "self_score", "code": "2.1", "points": "30"})
    response = client.post(url, {"action": "submit"}, follow=True)
    assert "Đã gửi hồ sơ tự chấm điểm để thẩm định." in response.content.decode()
    # The planned_unit cannot appraise its own submission; the appraiser sees the forms.
    response = client.post(url, {"action": "appraise", "code": "1.1", "points": "5"})
    assert response.status_code == 403
    client.force_login(appraiser)
    html = client.get(url).content.decode()
    assert 'value="appraise"' in html and 'value="self_score"' not in html
    client.post(url, {"action": "appraise", "code": "1.1", "points": "7", "reason": "Chậm"})
    assessment.refresh_from_db()
    assert assessment.items.get(criterion__code="1.1").appraised_points == 7


def test_an_appraiser_role_is_granted_like_the_others(db, province, django_user_model):
    user = _user(django_user_model, "council", None, None)
    RoleAssignment.objects.create(user=user, unit=province["ST"], role=Role.APPRAISER)
    from cchc.org import access

    assert access.can_appraise(user, province["ST-STP"])
    assert not access.can_self_assess(user, province["ST-STP"])


def test_survey_results_are_imported_from_a_csv_and_end_the_rescaling(
    index_scheme, planned_unit, consolidator, reporter
):
    from cchc.base.tables import ImportRejected
    from cchc.scoring.entered import import_figures

    period = Period.objects.for_code("Y-2026")
    before = score_unit(index_scheme, planned_unit, YEAR)
    assert before.item("3.1").state == NOT_APPLICABLE and before.applicable_max == 70
    csv = 'Mã đơn vị,Mã tiêu chí,Tỷ lệ (%),Nguồn\nST-STTTT,3.1,"80,5",Điều tra XHH 2026\n'
    with pytest.raises(ImportRejected) as refused:
        import_figures(reporter, index_scheme, period, csv.encode(), "xhh.csv")
    assert [str(e) for e in refused.value.errors] == [
        "Dòng 2, cột «Mã đơn vị»: bạn không tổng hợp đơn vị ST-STTTT"
    ]
    result = import_figures(consolidator, index_scheme, period, csv.encode(), "xhh.csv")
    assert (result.created, result.updated) == (1, 0)
    after = score_unit(index_scheme, planned_unit, YEAR)
    survey = after.item("3.1")
    assert (survey.ratio, survey.points, survey.note) == (
        Decimal("80.5"),
        Decimal("24.15"),
        "Điều tra XHH 2026",
    )
    assert after.applicable_max == 100  # the survey part is present: no rescaling


def test_survey_results_typed_in_tcvn3_are_converted_with_a_warning(
    index_scheme, planned_unit, consolidator
):
    from cchc.scoring.entered import import_figures
    from cchc.scoring.models import EnteredFigure

    # Typed with the .VnTime font (TCVN3), saved from Excel as Windows-1252 bytes.
    raw = ("M· ®¬n vÞ,M· tiªu chÝ,Tû lÖ (%),Nguån\nST-STTTT,3.1,80,§iÒu tra x· héi häc\n").encode(
        "cp1252"
    )
    result = import_figures(
        consolidator, index_scheme, Period.objects.for_code("Y-2026"), raw, "xhh.csv"
    )
    assert result.created == 1
    assert any("TCVN3" in warning for warning in result.warnings)
    assert EnteredFigure.objects.get().source == "Điều tra xã hội học"
