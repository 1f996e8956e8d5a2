"""Scoring schemes as data and the QĐ 766 index, hand-checked on small dossier sets:
thresholds, the proportion below them, supplements, period boundaries, complement rules,
entered figures, rescaling, bands, ranking ties and the `cchc score` / `cchc ranking`
commands."""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cchc.periods.models import Period
from cchc.periods.windows import parse_period
from cchc.records.models import Feedback, FeedbackChannel
from cchc.registers.models import Channel, OnlineLevel, Procedure, Verdict
from cchc.scoring.engine import (
    NO_DATA,
    NOT_APPLICABLE,
    points_for,
    ranking,
    score_unit,
    score_units,
)
from cchc.scoring.loader import SchemeFileError, load_builtin_schemes, load_scheme
from cchc.scoring.models import EnteredFigure, Scheme
from tests.scoring_fixtures import dossier

pytestmark = pytest.mark.django_db
Q3 = parse_period("Q3-2026")


@pytest.fixture
def qd766(db) -> Scheme:
    load_builtin_schemes()
    return Scheme.objects.get(code="qd766")


def test_the_builtin_766_scheme_has_its_groups_and_points(qd766):
    areas = {c.code: c.max_points for c in qd766.criteria.filter(parent=None)}
    assert areas == {"1": 18, "2": 20, "3": 12, "3.5": 10, "4": 22, "5": 18}
    assert qd766.max_points == 100
    assert [b.label for b in qd766.bands.order_by("-min_points")][0] == "Xuất sắc"


@pytest.mark.parametrize(
    ("ratio", "threshold", "points"),
    [
        ("100", "100", "20"),
        ("50", "100", "10.00"),
        ("80", "80", "4"),  # at the threshold: the maximum
        ("95", "80", "4"),  # above it: the maximum, never more
        ("40", "80", "2.00"),  # below: 40 × 4 ÷ 80
        ("75", "80", "3.75"),
        ("0", "50", "0.00"),
    ],
)
def test_points_at_and_below_the_threshold(ratio, threshold, points):
    maximum = Decimal(20) if threshold == "100" else Decimal(4)
    assert points_for(Decimal(ratio), Decimal(threshold), maximum) == Decimal(points)


@pytest.fixture
def quarter_dossiers(province):
    """Sở Tư pháp's dossiers around Q3-2026 (01/07–30/09)."""
    unit = province["ST-STP"]
    dossier(unit, "A", "2026-07-02", "2026-07-15", "2026-07-10", Verdict.EARLY)
    dossier(unit, "B", "2026-07-03", "2026-07-20", "2026-08-01", Verdict.LATE)
    dossier(unit, "C", "2026-09-20", "2026-10-05")  # unfinished, within time at 30/09
    dossier(unit, "D", "2026-09-01", "2026-09-15")  # unfinished, overdue at 30/09
    # Unfinished and not yet due, but asked twice for supplements: overdue (QĐ 766).
    dossier(unit, "E", "2026-09-25", "2026-10-10", supplement_count=2)
    # Carried over from June, resolved on time in July.
    dossier(unit, "F", "2026-06-20", "2026-07-06", "2026-07-06", Verdict.ON_TIME)
    # Finished before the quarter: not one of its dossiers.
    dossier(unit, "G", "2026-05-01", "2026-06-12", "2026-06-10", Verdict.EARLY)
    # The quarter's last minute counts; the next quarter's first does not.
    dossier(unit, "H", ("2026-09-30", "23:59"), "2026-10-14")
    dossier(unit, "I", ("2026-10-01", "00:00"), "2026-10-14")
    return unit


def test_21_on_time_counts_within_time_and_treats_two_supplements_as_overdue(
    qd766, quarter_dossiers
):
    item = score_unit(qd766, quarter_dossiers, Q3).item("2.1")
    # Of the quarter: A B C D E F H (G finished in June, I came in October).
    assert item.denominator == 7
    # On track: A (early), F (on time), C and H (unfinished, within time); not B (late),
    # D (overdue), E (two supplement requests).
    assert item.numerator == 4
    assert item.ratio == Decimal("57.14")
    assert item.points == Decimal("11.43")  # 4/7 × 20, below the 100 % threshold


def test_54_is_the_complement_of_overdue_and_feedback(qd766, quarter_dossiers):
    Feedback.objects.create(
        unit=quarter_dossiers,
        received_on=datetime.date(2026, 7, 10),
        channel=FeedbackChannel.HOTLINE,
        content="Chậm trả kết quả",
        handled_on=datetime.date(2026, 7, 20),
        due_on=datetime.date(2026, 7, 31),
    )
    score = score_unit(qd766, quarter_dossiers, Q3)
    item = score.item("5.4")
    # Overdue B D E, one feedback: 100 % − 4/7 = 42.86 %, below 90 %: 42.86 × 6 ÷ 90.
    assert (item.numerator, item.denominator) == (3, 7)
    assert item.ratio == Decimal("42.86")
    assert item.points == Decimal("2.86")
    feedback = score.item("5.2")
    assert (feedback.numerator, feedback.denominator, feedback.points) == (1, 1, 6)


def test_52_feedback_handled_late_or_overdue_is_not_on_track(qd766, province):
    unit = province["ST-STP"]
    for received, handled, due in (
        ("2026-07-01", "2026-07-10", "2026-07-22"),  # on time
        ("2026-07-01", "2026-08-10", "2026-07-22"),  # late
        ("2026-09-01", None, "2026-09-22"),  # overdue at 30/09
        ("2026-09-25", None, "2026-10-16"),  # still within time
        ("2026-06-25", "2026-07-01", "2026-07-16"),  # received in June: not this quarter's
    ):
        Feedback.objects.create(
            unit=unit,
            received_on=datetime.date.fromisoformat(received),
            channel=FeedbackChannel.PORTAL,
            content=f"Phản ánh {received} {handled}",
            handled_on=datetime.date.fromisoformat(handled) if handled else None,
            due_on=datetime.date.fromisoformat(due),
        )
    item = score_unit(qd766, unit, Q3).item("5.2")
    assert (item.numerator, item.denominator, item.ratio) == (2, 4, Decimal("50.00"))
    assert item.points == Decimal("3.00")


def test_31_below_the_threshold_and_33_of_full_online_procedures(qd766, province):
    unit = province["ST-STP"]
    for code, level in (("P1", OnlineLevel.FULL), ("P2", OnlineLevel.PARTIAL), ("P3", "none")):
        Procedure.objects.create(
            unit=unit, code=code, name=code, online_level=level, processing_time=5
        )
    Procedure.objects.create(unit=unit, code="P4", name="P4", processing_time=5)
    dossier(unit, "A", "2026-07-02", channel=Channel.ONLINE, procedure_code="P1")
    dossier(unit, "B", "2026-07-03", channel=Channel.DIRECT, procedure_code="P1")
    dossier(unit, "C", "2026-07-04", channel=Channel.DIRECT, procedure_code="P1")
    dossier(unit, "D", "2026-07-05", channel=Channel.ONLINE, procedure_code="P2")
    score = score_unit(qd766, unit, Q3)
    online = score.item("3.1")
    # 2 of 4 procedures (full or partial): 50 %, threshold 80 %: 50 × 6 ÷ 80 = 3.75.
    assert (online.numerator, online.denominator, online.points) == (2, 4, Decimal("3.75"))
    share = score.item("3.3")
    # Of P1's (the only full-online procedure) three dossiers one came online: 33.33 % of
    # a 50 % threshold: 33.33.. × 6 ÷ 50 = 4.00.
    assert (share.numerator, share.denominator, share.points) == (1, 3, Decimal("4.00"))


def test_no_data_is_not_zero_and_what_does_not_apply_is_rescaled(qd766, province):
    unit = province["ST-STP"]
    empty = score_unit(qd766, unit, Q3)
    # Nothing imported at all: every computed criterion lacks its figure; no points.
    assert {i.state for i in empty.items} == {NO_DATA}
    assert empty.total == 0 and empty.applicable_max == 100
    # Dossiers in the register, none this quarter: the dossier criteria do not apply.
    dossier(unit, "OLD", "2025-01-05", "2025-01-20", "2025-01-10", Verdict.EARLY)
    score = score_unit(qd766, unit, Q3)
    assert score.item("2.1").state == NOT_APPLICABLE
    assert score.item("2.1").points is None
    EnteredFigure.objects.create(
        scheme_code="qd766",
        criterion_code="1.1",
        unit=unit,
        period=Period.objects.for_code("Q3-2026"),
        ratio=Decimal("90"),
        source="Cổng DVCQG, số liệu ngày 05/10/2026",
    )
    score = score_unit(qd766, unit, Q3)
    published = score.item("1.1")
    assert (published.points, published.note) == (
        Decimal("5.40"),
        "Cổng DVCQG, số liệu ngày 05/10/2026",
    )
    not_applicable = sum(i.max_points for i in score.items if i.state == NOT_APPLICABLE)
    assert score.applicable_max == 100 - not_applicable
    assert score.raw == Decimal("5.40")
    assert score.total == (Decimal("5.40") * 100 / score.applicable_max).quantize(Decimal("0.01"))


TIE_SCHEME = """
code: ties
version: 1
name: "Thử xếp hạng"
period_kinds: [year]
ties: ["2"]
bands:
  - {label: "Tốt", from: 15}
  - {label: "Khá", from: 0}
criteria:
  - code: "1"
    title: "Lĩnh vực 1"
    children:
      - {code: "1.1", title: "Tiêu chí 1.1", points: 10, method: entered}
  - code: "2"
    title: "Lĩnh vực 2"
    children:
      - {code: "2.1", title: "Tiêu chí 2.1", points: 10, method: entered}
"""


def test_ties_are_ordered_by_the_schemes_rule_then_share_a_position(province, tmp_path: Path):
    path = tmp_path / "ties.yaml"
    path.write_text(TIE_SCHEME, encoding="utf-8")
    scheme = load_scheme(path)
    period = Period.objects.for_code("Y-2026")
    figures = {
        "ST-SNV": ("100", "50"),  # 15, area 2: 5
        "ST-STTTT": ("50", "100"),  # 15, area 2: 10 → ahead of the other 15s
        "ST-STP": ("100", "50"),  # 15, area 2: 5 → tied with Sở Nội vụ
        "ST-HCT": ("100", "100"),  # 20
    }
    for code, ratios in figures.items():
        for criterion, ratio in zip(("1.1", "2.1"), ratios, strict=True):
            EnteredFigure.objects.create(
                scheme_code="ties",
                criterion_code=criterion,
                unit=province[code],
                period=period,
                ratio=Decimal(ratio),
                source="Hội đồng",
            )
    units = [province[code] for code in figures]
    ranked = ranking(score_units(scheme, units, parse_period("Y-2026")))
    assert [(r.position, r.score.unit.code, r.score.total) for r in ranked] == [
        (1, "ST-HCT", 20),
        (2, "ST-STTTT", 15),
        (3, "ST-SNV", 15),  # same position, by name: Sở Nội vụ before Sở Tư pháp
        (3, "ST-STP", 15),
    ]
    assert [r.score.band for r in ranked] == ["Tốt", "Tốt", "Tốt", "Tốt"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('points: 10, method: entered}\n  - code: "2"', "trùng"),
        ("points: 10, method: entered}", "không phải là số liệu"),
        ("method: entered", "method: guess"),
        ("points: 10", "points: -1"),
    ],
)
def test_a_wrong_scheme_file_is_refused_with_where_it_is(db, tmp_path, change, message):
    text = TIE_SCHEME
    if message == "trùng":
        text = text.replace('code: "2.1"', 'code: "1.1"')
        expected = "mã '1.1' trùng"
    elif message == "không phải là số liệu":
        text = text.replace(
            '{code: "2.1", title: "Tiêu chí 2.1", points: 10, method: entered}',
            '{code: "2.1", title: "Tiêu chí 2.1", points: 10, method: rule, '
            "rule: {numerator: dossiers.guess, denominator: dossiers.new}}",
        )
        expected = "tiêu chí 2.1: 'dossiers.guess' không phải là số liệu"
    elif message == "method: guess":
        text = text.replace(
            'points: 10, method: entered}\n  - code: "2"',
            'points: 10, method: guess}\n  - code: "2"',
        )
        expected = "tiêu chí 1.1: cách chấm 'guess' không hợp lệ"
    else:
        text = text.replace('"Tiêu chí 2.1", points: 10', '"Tiêu chí 2.1", points: -1')
        expected = "tiêu chí 2.1: điểm '-1' phải là số không âm"
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeFileError, match=expected):
        load_scheme(path)
    assert not Scheme.objects.exists()


def test_a_parents_points_must_be_its_childrens_sum(db, tmp_path):
    path = tmp_path / "sum.yaml"
    path.write_text(
        TIE_SCHEME.replace('title: "Lĩnh vực 1"', 'title: "Lĩnh vực 1"\n    points: 12'),
        encoding="utf-8",
    )
    with pytest.raises(SchemeFileError, match="tiêu chí 1: điểm tối đa 12 khác tổng"):
        load_scheme(path)


def test_the_score_command_prints_the_items(qd766, quarter_dossiers):
    out = StringIO()
    call_command(
        "score",
        "--scheme",
        "qd766",
        "--unit",
        "ST-STP",
        "--period",
        "Q3-2026",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    item = next(i for i in data["items"] if i["code"] == "2.1")
    assert item == {
        "code": "2.1",
        "title": "Giải quyết hồ sơ trước hạn, đúng hạn",
        "numerator": 4,
        "denominator": 7,
        "ratio": 57.14,
        "threshold": 100,
        "points": 11.43,
        "max_points": 20,
        "state": "computed",
    }
    assert data["total"] == pytest.approx(
        sum(i["points"] or 0 for i in data["items"])
        * 100
        / sum(i["max_points"] for i in data["items"] if i["state"] != "not_applicable"),
        abs=0.01,
    )


def test_the_ranking_command_and_its_errors(qd766, quarter_dossiers):
    out = StringIO()
    call_command("ranking", "--scheme", "qd766", "--period", "Q3-2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    departments = next(d for d in data if d["kind"] == "department")
    assert departments["unit"] == "ST"
    assert departments["ranking"][0]["unit"] == "ST-STP"  # the only one with figures
    with pytest.raises(CommandError, match="Không có bộ tiêu chí mã 'none'"):
        call_command("ranking", "--scheme", "none", "--period", "Q3-2026")
    with pytest.raises(CommandError, match="chấm theo kỳ month, quarter, year"):
        call_command("score", "--scheme", "qd766", "--unit", "ST-STP", "--period", "H1-2026")


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("M2-2028", "2028-02-01", "2028-02-29"),
        ("Q3-2026", "2026-07-01", "2026-09-30"),
        ("Q4-2026", "2026-10-01", "2026-12-31"),
        ("H1-2026", "2026-01-01", "2026-06-30"),
        ("9M-2026", "2026-01-01", "2026-09-30"),
        ("Y-2026", "2026-01-01", "2026-12-31"),
        ("C-20260105-20260220", "2026-01-05", "2026-02-20"),
    ],
)
def test_an_index_counts_calendar_months_not_the_reporting_window(code, start, end):
    from cchc.periods.windows import calendar_window

    window = calendar_window(parse_period(code))
    assert (window.start.isoformat(), window.end.isoformat()) == (start, end)
    assert window.code == parse_period(code).code


def test_a_scheme_may_count_the_reporting_window(province, tmp_path):
    unit = province["ST-STP"]
    # 20/06/2026 is in Q3-2026's reporting window (15/06–14/09), not in its calendar months.
    dossier(unit, "JUNE", "2026-06-20", "2026-07-01", "2026-06-25", Verdict.EARLY)
    text = TIE_SCHEME.replace("period_kinds: [year]", "period_kinds: [quarter]").replace(
        '{code: "1.1", title: "Tiêu chí 1.1", points: 10, method: entered}',
        '{code: "1.1", title: "Tiêu chí 1.1", points: 10, method: rule, '
        "rule: {numerator: dossiers.on_track, denominator: dossiers.in_period}}",
    )
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(text, encoding="utf-8")
    reporting = tmp_path / "reporting.yaml"
    reporting.write_text(
        text.replace("code: ties", "code: ties-reporting\nwindows: reporting"), encoding="utf-8"
    )
    assert score_unit(load_scheme(calendar), unit, Q3).item("1.1").state == NOT_APPLICABLE
    assert score_unit(load_scheme(reporting), unit, Q3).item("1.1").points == 10


def test_a_unit_without_any_figure_is_not_ranked(qd766, quarter_dossiers, province):
    units = [province["ST-SNV"], quarter_dossiers]
    ranked = ranking(score_units(qd766, units, Q3))
    assert [(r.position, r.score.unit.code) for r in ranked] == [(1, "ST-STP"), (None, "ST-SNV")]
    nothing = ranked[1].score
    assert (nothing.band, nothing.shown_total, nothing.as_json()["total"]) == ("", "—", None)


def test_the_catalogue_scores_only_periods_with_dossiers(qd766, province):
    # The catalogue keeps no history: today's catalogue says nothing of a month in which
    # the unit had no dossier in cchc.
    unit = province["ST-STP"]
    Procedure.objects.create(
        unit=unit, code="P1", name="P1", online_level=OnlineLevel.FULL, processing_time=5
    )
    dossier(unit, "A", "2026-07-02", "2026-07-15", "2026-07-10", Verdict.EARLY)
    july = score_unit(qd766, unit, parse_period("M7-2026")).item("3.1")
    assert (july.state, july.points) == ("computed", 6)
    march = score_unit(qd766, unit, parse_period("M3-2026"))
    assert (march.item("3.1").state, march.item("3.1").points) == (NO_DATA, None)
    assert not march.has_figures


@pytest.mark.parametrize("code", ["Y-2026", "Q3-2026", "M1-2026"])
def test_register_measures_give_the_register_sources_figures(province, code):
    """The batched figures (one query for all units) are the report templates' register
    sources, except that a count of one kind is 0 where the source says "no figure"."""
    from cchc.base.sources import register_value
    from cchc.records.models import (
        DocumentForm,
        InspectedKind,
        Inspection,
        OutgoingDocument,
        Task,
        TaskKind,
    )
    from cchc.scoring.measures import REGISTER_MEASURES, counts

    unit = province["ST-STP"]
    day = datetime.date
    for n, (kind, deadline, assigned, done) in enumerate(
        [
            (TaskKind.PLAN, day(2026, 3, 31), None, day(2026, 3, 20)),  # on time
            (TaskKind.PLAN, day(2026, 6, 30), None, day(2026, 7, 10)),  # late
            (TaskKind.PLAN, day(2026, 12, 10), None, None),
            (TaskKind.PLAN, day(2026, 11, 30), day(2026, 10, 1), None),  # assigned in October
            (TaskKind.PLAN, day(2025, 12, 31), None, day(2025, 12, 20)),  # last year's plan
            (TaskKind.PPC, day(2026, 8, 31), None, day(2026, 8, 1)),
            (TaskKind.PPC, day(2026, 9, 30), None, None),
        ]
    ):
        Task.objects.create(
            unit=unit,
            kind=kind,
            content=f"Nhiệm vụ {n}",
            deadline=deadline,
            assigned_on=assigned,
            completed_on=done,
            due_on=deadline,
        )
    for n, (issued, form, signed) in enumerate(
        [
            (day(2026, 1, 5), DocumentForm.PAPER, False),
            (day(2026, 8, 5), DocumentForm.ELECTRONIC, True),
            (day(2026, 8, 6), DocumentForm.ELECTRONIC, False),
            (day(2026, 9, 1), DocumentForm.BOTH, True),
        ]
    ):
        OutgoingDocument.objects.create(
            unit=unit,
            number=f"{n}/STP",
            issued_on=issued,
            summary="Văn bản",
            form=form,
            digitally_signed=signed,
        )
    for n, (on, found, fixed) in enumerate([(day(2026, 4, 1), 4, 3), (day(2026, 9, 1), 2, None)]):
        Inspection.objects.create(
            unit=unit,
            inspected_on=on,
            inspected_unit=f"Phòng {n}",
            inspected_kind=InspectedKind.values[0],
            issues_found=found,
            issues_fixed=fixed,
        )
    window = parse_period(code)
    batched = counts(REGISTER_MEASURES, [unit.pk], window.start, window.end)
    compared = 0
    for name in REGISTER_MEASURES:
        source = register_value(name, unit, window.start, window.end)
        mine = batched[name].get(unit.pk)
        assert mine == source or (source is None and mine in (None, 0)), (name, mine, source)
        compared += source is not None
    if code == "Y-2026":  # every figure has rows in the year: all eight compared
        assert compared == len(REGISTER_MEASURES)
