"""The built-in provincial CCHC index schemes (Chỉ số CCHC) for sở and for xã: their shape
(eight areas, 100 points, the survey part, guidance and evidence on every criterion, rules
over figures cchc holds) and scores hand-checked on small registers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.base import sources as registry
from cchc.periods.models import working_calendar
from cchc.periods.windows import parse_period
from cchc.records.models import InspectedKind, Inspection, Task, TaskKind
from cchc.registers.models import Channel, Dossier, Verdict
from cchc.scoring.engine import (
    AWAITING,
    COMPUTED,
    NO_DATA,
    NOT_APPLICABLE,
    score_unit,
    scored_criteria,
)
from cchc.scoring.loader import BUILTIN_DIR, load_builtin_schemes, load_scheme
from cchc.scoring.measures import MEASURES
from cchc.scoring.models import Method, Scheme

pytestmark = pytest.mark.django_db
Y2026 = parse_period("Y-2026")  # 15/12/2025 - 14/12/2026
CODES = ["chi-so-cchc-so", "chi-so-cchc-xa"]
D = datetime.date


@pytest.fixture
def schemes(db) -> dict[str, Scheme]:
    load_builtin_schemes()
    return {code: Scheme.objects.get(code=code) for code in CODES}


def leaves(scheme: Scheme):
    return scored_criteria(list(scheme.criteria.order_by("order")))


@pytest.mark.parametrize("name", ["chi-so-cchc-so.yaml", "chi-so-cchc-xa.yaml"])
def test_each_file_loads_on_its_own(db, name):
    scheme = load_scheme(BUILTIN_DIR / name)
    assert scheme.code == name.removesuffix(".yaml")
    assert scheme.max_points == 100


def test_the_builtins_load_together_and_score_their_kind_yearly(schemes):
    assert set(Scheme.objects.values_list("code", flat=True)) == {"qd766", *CODES}
    assert schemes["chi-so-cchc-so"].unit_kinds == ["department"]
    assert schemes["chi-so-cchc-xa"].unit_kinds == ["commune"]
    for scheme in schemes.values():
        assert scheme.period_kinds == ["year"]
        assert scheme.rescale == "proportional"
        assert 2 <= len(scheme.ties) <= 3
        assert set(scheme.ties) <= {str(n) for n in range(1, 9)}
        bands = [(b.label, b.min_points) for b in scheme.bands.order_by("-min_points")]
        assert bands == [
            ("Xuất sắc", 90),
            ("Tốt", 80),
            ("Khá", 70),
            ("Trung bình", 50),
            ("Yếu", 0),
        ]


@pytest.mark.parametrize("code", CODES)
def test_eight_areas_of_100_points_with_the_survey_last(schemes, code):
    scheme = schemes[code]
    areas = list(scheme.criteria.filter(parent=None).order_by("order"))
    assert [a.code for a in areas] == [str(n) for n in range(1, 9)]
    assert sum(a.max_points for a in areas) == 100
    assert areas[0].title.startswith("Công tác chỉ đạo, điều hành")
    assert areas[2].title == "Cải cách thủ tục hành chính"
    assert areas[6].title == "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"
    assert areas[7].title == "Điều tra xã hội học"
    assert 25 <= areas[7].max_points <= 35
    scored = leaves(scheme)
    assert 30 <= len(scored) <= 55
    assert max(c.level for c in scored) <= 3
    by_area: dict[str, list] = {}
    for criterion in scored:
        by_area.setdefault(criterion.code.split(".")[0], []).append(criterion)
    # The survey part is all survey; nothing else is.
    assert {c.method for c in by_area["8"]} == {Method.SURVEY}
    assert all(c.method != Method.SURVEY for a, cs in by_area.items() if a != "8" for c in cs)
    # Each of the seven appraised areas has something to score.
    assert sorted(by_area) == [str(n) for n in range(1, 9)]


@pytest.mark.parametrize("code", CODES)
def test_every_criterion_says_how_it_is_scored_and_what_proves_it(schemes, code):
    for criterion in leaves(schemes[code]):
        assert criterion.guidance.strip(), criterion.code
        assert "điểm" in criterion.guidance, criterion.code
        if criterion.evidence_required:
            assert criterion.evidence.strip(), criterion.code
        # A criterion the unit scores itself is appraised on its documents.
        if criterion.method == Method.SELF:
            assert criterion.evidence_required, criterion.code


@pytest.mark.parametrize("code", CODES)
def test_rules_use_figures_cchc_counts(schemes, code):
    rules = [c for c in leaves(schemes[code]) if c.method == Method.RULE]
    names = set()
    for criterion in rules:
        numerator = criterion.rule["numerator"]
        names |= set(numerator if isinstance(numerator, list) else [numerator])
        names.add(criterion.rule["denominator"])
    assert names
    assert all(name in MEASURES or registry.is_known(name) for name in names), names
    assert {"tasks.plan_done", "dossiers.on_track", "documents.electronic_only"} <= names


def task(unit, kind, deadline, completed=None) -> Task:
    record = Task(unit=unit, kind=kind, content=f"Nhiệm vụ {kind} {deadline}", deadline=deadline)
    record.completed_on = completed
    record.due_on = record.compute_due(working_calendar())
    record.save()
    return record


def test_a_departments_tasks_score_plan_completion_and_the_rest_awaits(schemes, province):
    """Sở Tư pháp, year 2026 (cut-off 14/12/2026)."""
    unit = province["ST-STP"]
    plan = TaskKind.PLAN
    task(unit, plan, D(2026, 3, 31), D(2026, 3, 20))  # done on time
    task(unit, plan, D(2026, 6, 30), D(2026, 7, 15))  # done late: still done
    task(unit, plan, D(2026, 9, 30), D(2026, 9, 30))  # done on its deadline
    task(unit, plan, D(2026, 11, 30))  # overdue at the cut-off
    task(unit, plan, D(2026, 12, 10), D(2026, 12, 20))  # done after the cut-off: not yet
    task(unit, plan, D(2027, 3, 31), D(2026, 5, 1))  # the 2027 plan's: not counted
    task(unit, TaskKind.PPC, D(2026, 5, 15), D(2026, 5, 10))  # on time
    task(unit, TaskKind.PPC, D(2026, 7, 31), D(2026, 8, 20))  # late
    Inspection.objects.create(
        unit=unit,
        inspected_on=D(2026, 10, 5),
        inspected_unit="Phòng Hành chính tư pháp",
        inspected_kind=InspectedKind.DIVISION,
        issues_found=4,
        issues_fixed=3,
    )

    score = score_unit(schemes["chi-so-cchc-so"], unit, Y2026)

    plan_item = score.item("1.1.2")
    assert (plan_item.state, plan_item.numerator, plan_item.denominator) == (COMPUTED, 3, 5)
    assert plan_item.ratio == Decimal("60.00")
    assert plan_item.points == Decimal("1.80")  # 3/5 × 3 points, below the 100 % threshold
    assigned = score.item("1.6")
    assert (assigned.numerator, assigned.denominator) == (1, 2)
    assert assigned.points == Decimal("1.00")  # 1/2 × 2 points: done late does not count
    fixed = score.item("1.3.2")
    assert (fixed.numerator, fixed.denominator, fixed.points) == (3, 4, Decimal("0.75"))
    # No dossier, feedback, outgoing document or catalogue: no data, not zero.
    for code in ("3.2.2", "3.3.1", "7.2.1", "7.3.1", "7.3.2", "7.3.3"):
        assert (score.item(code).state, score.item(code).points) == (NO_DATA, None), code
    # Self-scored criteria wait for the unit's self-assessment; without survey results the
    # survey part is absent and leaves the maximum (the total is brought back to 100).
    waiting = [i for i in score.items if i.criterion.method == Method.SELF]
    assert waiting and all(i.state == AWAITING and i.points is None for i in waiting)
    survey = [i for i in score.items if i.criterion.method == Method.SURVEY]
    assert survey and all(i.state == NOT_APPLICABLE for i in survey)
    assert score.item("1.1.1").state == AWAITING
    assert score.area_points("1") == Decimal("3.55")
    assert score.area_points("8") == 0
    assert score.applicable_max == 70
    assert score.total == Decimal("5.07")  # 3.55 × 100 ÷ 70
    assert score.band == "Yếu"


def dossier(unit, code, received, due, result, verdict, channel, digitised) -> Dossier:
    return Dossier.objects.create(
        unit=unit,
        code=code,
        procedure_code="HT-01",
        channel=channel,
        received_at=timezone.make_aware(datetime.datetime.combine(received, datetime.time(8))),
        start_on=received,
        due_on=due,
        result_on=result,
        verdict=verdict,
        digitised=digitised,
    )


def test_a_communes_dossiers_score_against_the_commune_thresholds(schemes, province):
    """UBND xã An Hiệp, year 2026: five new dossiers, one online, four digitised."""
    unit = province["ST-HCT-XAH"]
    online, direct = Channel.ONLINE, Channel.DIRECT
    for code, received, due, result, verdict, channel, digitised in [
        ("1", D(2026, 2, 2), D(2026, 2, 4), D(2026, 2, 3), Verdict.EARLY, online, True),
        ("2", D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 4), Verdict.ON_TIME, direct, True),
        ("3", D(2026, 4, 1), D(2026, 4, 3), D(2026, 4, 8), Verdict.LATE, direct, True),
        ("4", D(2026, 12, 10), D(2026, 12, 16), None, "", direct, True),  # within time
        ("5", D(2026, 12, 1), D(2026, 12, 3), None, "", direct, False),  # overdue at 14/12
    ]:
        dossier(unit, code, received, due, result, verdict, channel, digitised)

    score = score_unit(schemes["chi-so-cchc-xa"], unit, Y2026)

    on_track = score.item("3.2.2")
    assert (on_track.numerator, on_track.denominator) == (3, 5)  # early, on time, within
    assert on_track.points == Decimal("2.40")  # 60 % × 4 points
    received_online = score.item("7.2.2")
    assert received_online.ratio == Decimal("20.00")
    assert received_online.points == Decimal("1.00")  # 20 % of the 40 % threshold × 2 points
    digitised = score.item("7.2.3")
    assert digitised.ratio == Decimal("80.00")
    assert digitised.points == 2  # at the 80 % threshold: the maximum
    # No task register kept: the plan criterion has no data, never a measured zero.
    assert score.item("1.1.2").state == NO_DATA
    assert score.total == Decimal("7.71")  # 5.40 × 100 ÷ 70: no survey results yet
