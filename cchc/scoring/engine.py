"""Scores of units on a scheme for a period, computed on demand from cchc's figures.

A scored criterion (a leaf of the scheme's tree) gets its points by its method:
- rule: a ratio R = numerator ÷ denominator (in %) of cchc's figures, or an indicator of the
  unit's approved report; with threshold T, R ≥ T scores the maximum and R below it scores
  R × maximum ÷ T (QĐ 766/QĐ-TTg); a complement rule scores 100 % − R;
- entered: the same from a figure a consolidator entered with its source (the portal's);
- self: from the unit's self-assessment, then the appraisal, then the council's final
  points (cchc.scoring.assessments); a computed criterion likewise, starting from the
  computed points unless the unit overrode them with a reason;
- survey: from the imported survey result (ratio × maximum ÷ 100); without one the survey
  part is absent and, when the scheme rescales, leaves the maximum.
A criterion without its figure has no points ("no data", never a zero that looks measured);
one whose denominator is zero does not apply to the unit (no fee-bearing dossier, say) and,
when the scheme rescales, leaves the maximum: the total is brought back to the scheme's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cchc.base.sources import register_values
from cchc.catalog.values import format_number
from cchc.consolidation.engine import units_below
from cchc.org.models import Unit, UnitKind
from cchc.periods.windows import Window, calendar_window
from cchc.reports.models import Status, Value
from cchc.scoring import measures
from cchc.scoring.models import (
    Assessment,
    AssessmentItem,
    Criterion,
    EnteredFigure,
    Method,
    Rescale,
    Scheme,
    Stage,
    Windows,
)

COMPUTED = "computed"
ENTERED = "entered"
NO_DATA = "no_data"
NOT_APPLICABLE = "not_applicable"
AWAITING = "awaiting"
ASSESSED = "assessed"
STATE_LABELS = {
    COMPUTED: "Tính từ số liệu cchc",
    ENTERED: "Số liệu nhập từ nguồn ngoài",
    NO_DATA: "Chưa có số liệu",
    NOT_APPLICABLE: "Không phát sinh (không tính vào điểm tối đa)",
    AWAITING: "Chờ đơn vị tự chấm",
    ASSESSED: "Điểm tự chấm, thẩm định",
}
# The TTHC catalogue keeps no history: its figures are today's. They score a period only
# when the unit's one-stop register holds dossiers of that period (the catalogue then is the
# one those dossiers were handled under), never a period before the unit used cchc.
ACTIVITY = "dossiers.in_period"
TIMELESS_NOTE = (
    "Danh mục TTHC không lưu theo thời gian: chỉ tính cho kỳ đơn vị có hồ sơ TTHC trong sổ"
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def points_for(ratio: Decimal, threshold: Decimal | None, max_points: Decimal) -> Decimal:
    """The maximum at or above the threshold (100 % without one), ratio × maximum ÷
    threshold below it."""
    threshold = threshold or HUNDRED
    if ratio >= threshold:
        return max_points
    return _round(max(ratio, Decimal(0)) * max_points / threshold)


@dataclass
class ItemScore:
    criterion: Criterion
    state: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    ratio: Decimal | None = None
    points: Decimal | None = None
    note: str = ""  # where an entered figure came from
    computed: Decimal | None = None  # what cchc's figures give, before the unit's override
    own: Decimal | None = None  # the unit's points (self-assessment)
    appraised: Decimal | None = None
    assessment: AssessmentItem | None = None

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def max_points(self) -> Decimal:
        return self.criterion.max_points

    @property
    def applies(self) -> bool:
        return self.state != NOT_APPLICABLE

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def lost(self) -> Decimal:
        """Points short of the maximum (what to improve); none for a criterion that does
        not apply."""
        if not self.applies:
            return Decimal(0)
        return self.max_points - (self.points or Decimal(0))

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "title": self.criterion.title,
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            "ratio": _number(self.ratio),
            "threshold": _number(self.criterion.threshold),
            "points": _number(self.points),
            "max_points": _number(self.max_points),
            "state": self.state,
        }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class AreaScore:
    criterion: Criterion
    points: Decimal
    max_points: Decimal  # of the criteria below it that apply
    items: list[ItemScore] = field(default_factory=list)  # the scored criteria below it

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points

    @property
    def has_figures(self) -> bool:
        return any(item.points is not None for item in self.items)

    @property
    def losing(self) -> list[ItemScore]:
        """The criteria below that lost points, most lost first (what to improve)."""
        return sorted((i for i in self.items if i.lost > 0), key=lambda i: -i.lost)


@dataclass
class UnitScore:
    scheme: Scheme
    unit: Unit
    window: Window
    items: list[ItemScore]
    days: Window | None = None  # the days counted (see scoring_days)
    areas: list[AreaScore] = field(default_factory=list)
    raw: Decimal = Decimal(0)  # the sum of the points
    applicable_max: Decimal = Decimal(0)
    total: Decimal = Decimal(0)  # raw, rescaled when the scheme says so
    band: str = ""
    assessment: Assessment | None = None
    own_total: Decimal | None = None  # the unit's self-assessed total (same rescaling)
    appraised_total: Decimal | None = None  # once appraised

    @property
    def appraisal_difference(self) -> Decimal | None:
        """Appraised minus self-assessed points (negative: the council took points off)."""
        if self.own_total is None or self.appraised_total is None:
            return None
        return self.appraised_total - self.own_total

    def item(self, code: str) -> ItemScore:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def area_points(self, code: str) -> Decimal:
        for area in self.areas:
            if area.criterion.code == code:
                return area.points
        return self.item(code).points or Decimal(0)

    @property
    def has_figures(self) -> bool:
        """Whether any criterion got points from a figure: a unit with none is not ranked
        (a total of 0 would read as measured)."""
        return any(item.points is not None for item in self.items)

    @property
    def missing(self) -> list[ItemScore]:
        return [item for item in self.items if item.state == NO_DATA]

    @property
    def shown_total(self) -> str:
        return format_number(self.total, 2) if self.has_figures else "—"

    def as_json(self) -> dict:
        return {
            "scheme": self.scheme.code,
            "version": self.scheme.version,
            "unit": self.unit.code,
            "period": self.window.code,
            "total": _number(self.total) if self.has_figures else None,
            "points": _number(self.raw),
            "max_points": _number(self.applicable_max),
            "band": self.band,
            "items": [item.as_json() for item in self.items],
        }


@dataclass
class Figures:
    """What the scores of some units for a window are computed from, read once for all."""

    measured: dict[str, dict[int, Decimal]]
    registered: dict[int, dict[str, Decimal | None]]
    indicators: dict[str, dict[int, Decimal]]
    entered: dict[tuple[str, int], EnteredFigure]
    assessments: dict[int, Assessment]  # unit id -> its assessment for the period
    assessed: dict[tuple[int, int], AssessmentItem]  # (unit id, criterion id) -> its item


def scored_criteria(criteria: list[Criterion]) -> list[Criterion]:
    """The leaves of a scheme's tree (the criteria that are scored), in order."""
    parents = {c.parent_id for c in criteria if c.parent_id}
    return [c for c in criteria if c.pk not in parents]


def _rule_names(criteria: list[Criterion]) -> set[str]:
    names: set[str] = set()
    for criterion in criteria:
        rule = criterion.rule or {}
        numerator = rule.get("numerator")
        names |= set(numerator if isinstance(numerator, list) else [numerator] if numerator else [])
        if rule.get("denominator"):
            names.add(rule["denominator"])
    return names


def read_figures(
    scheme: Scheme, criteria: list[Criterion], units: list[Unit], window: Window
) -> Figures:
    ids = [unit.pk for unit in units]
    days = scoring_days(scheme, window)
    names = _rule_names([c for c in criteria if c.method == Method.RULE])
    batched = [name for name in names if name in measures.MEASURES]
    if any(measures.MEASURES[name].timeless for name in batched):
        batched.append(ACTIVITY)
    # Register sources are defined on reporting windows (a plan year ends on 14/12): they
    # get the period's own window, whatever days the scheme counts its measures over.
    others = sorted(names - set(batched))
    registered = (
        {unit.pk: register_values(others, unit, window.start, window.end) for unit in units}
        if others
        else {}
    )
    keys = {
        c.rule["indicator"] for c in criteria if c.method == Method.RULE and "indicator" in c.rule
    }
    indicators: dict[str, dict[int, Decimal]] = defaultdict(dict)
    if keys:
        rows = Value.objects.filter(
            report__unit_id__in=ids,
            report__period__code=window.code,
            report__status=Status.APPROVED,
            indicator__key__in=keys,
            number__isnull=False,
        ).values_list("indicator__key", "report__unit_id", "number")
        for key, unit_id, number in rows:
            if number is not None:
                indicators[key][unit_id] = number
    entered = {
        (figure.criterion_code, figure.unit_id): figure
        for figure in EnteredFigure.objects.filter(
            scheme_code=scheme.code, period__code=window.code, unit_id__in=ids
        )
    }
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(scheme=scheme, period__code=window.code, unit_id__in=ids)
    }
    by_pk = {a.pk: a for a in assessments.values()}
    assessed = {
        (by_pk[item.assessment_id].unit_id, item.criterion_id): item
        for item in AssessmentItem.objects.filter(assessment_id__in=by_pk).prefetch_related(
            "evidence"
        )
    }
    return Figures(
        measures.counts(batched, ids, days.start, days.end),
        registered,
        indicators,
        entered,
        assessments,
        assessed,
    )


def _value(name: str, unit_id: int, figures: Figures) -> Decimal | None:
    if name in figures.measured:
        return figures.measured[name].get(unit_id)
    return figures.registered.get(unit_id, {}).get(name)


def _ratio_item(
    criterion: Criterion, numerator: Decimal | None, denominator: Decimal | None, state: str
) -> ItemScore:
    if numerator is None or denominator is None:
        return ItemScore(criterion, NO_DATA, numerator, denominator)
    if denominator == 0:
        return ItemScore(criterion, NOT_APPLICABLE, numerator, denominator)
    ratio = numerator / denominator * HUNDRED
    points = points_for(ratio, criterion.threshold, criterion.max_points)
    return ItemScore(criterion, state, numerator, denominator, _round(ratio), points)


def _catalogue_only(names: list[str]) -> bool:
    known = [measures.MEASURES[name] for name in names if name in measures.MEASURES]
    return bool(known) and all(measure.timeless for measure in known)


def _rule_item(criterion: Criterion, unit: Unit, figures: Figures) -> ItemScore:
    rule = criterion.rule
    if "indicator" in rule:
        ratio = figures.indicators.get(rule["indicator"], {}).get(unit.pk)
        if ratio is None:
            return ItemScore(criterion, NO_DATA)
        points = points_for(ratio, criterion.threshold, criterion.max_points)
        return ItemScore(criterion, COMPUTED, ratio=_round(ratio), points=points)
    parts = rule["numerator"] if isinstance(rule["numerator"], list) else [rule["numerator"]]
    if _catalogue_only([*parts, rule["denominator"]]) and not figures.measured[ACTIVITY].get(
        unit.pk
    ):
        return ItemScore(criterion, NO_DATA, note=TIMELESS_NOTE)
    values = [_value(name, unit.pk, figures) for name in parts]
    known = [v for v in values if v is not None]
    numerator = sum(known, Decimal(0)) if len(known) == len(values) else None
    denominator = _value(rule["denominator"], unit.pk, figures)
    if rule.get("complement") and numerator is not None and denominator is not None:
        # 100 % − (the parts' share): what is counted is the rest of the denominator.
        numerator = max(denominator - numerator, Decimal(0))
    return _ratio_item(criterion, numerator, denominator, COMPUTED)


def _entered_item(criterion: Criterion, unit: Unit, figures: Figures) -> ItemScore:
    figure = figures.entered.get((criterion.code, unit.pk))
    if figure is None:
        return ItemScore(criterion, NO_DATA, note=criterion.source)
    if figure.ratio is not None:
        points = points_for(figure.ratio, criterion.threshold, criterion.max_points)
        return ItemScore(
            criterion,
            ENTERED,
            figure.numerator,
            figure.denominator,
            figure.ratio,
            points,
            note=figure.source,
        )
    item = _ratio_item(criterion, figure.numerator, figure.denominator, ENTERED)
    item.note = figure.source
    return item


def _survey_item(criterion: Criterion, unit: Unit, figures: Figures) -> ItemScore:
    figure = figures.entered.get((criterion.code, unit.pk))
    if figure is None:
        return ItemScore(criterion, NOT_APPLICABLE, note="Chưa có kết quả điều tra xã hội học")
    item = _entered_item(criterion, unit, figures)
    item.state = ENTERED
    return item


def _assessed(item: ItemScore, unit: Unit, figures: Figures) -> ItemScore:
    """The points the assessment's stage gives: the unit's own (or the computed ones it
    kept), the appraised, the final."""
    assessment = figures.assessments.get(unit.pk)
    found = figures.assessed.get((unit.pk, item.criterion.pk))
    item.computed = item.points if item.criterion.method == Method.RULE else None
    if found is None or assessment is None:
        return item
    item.assessment = found
    if found.self_points is not None:
        item.own = found.self_points
    elif item.criterion.method == Method.RULE:
        item.own = item.computed
    item.appraised = found.appraised_points
    if assessment.stage == Stage.FINAL:
        item.points = found.final_points
    elif assessment.stage in (Stage.APPRAISED, Stage.REPLIED):
        item.points = found.appraised_points
    else:
        item.points = item.own
    if item.points is not None and item.state in (AWAITING, NO_DATA):
        item.state = ASSESSED
    return item


def _item(criterion: Criterion, unit: Unit, figures: Figures) -> ItemScore:
    if criterion.method == Method.RULE:
        return _assessed(_rule_item(criterion, unit, figures), unit, figures)
    if criterion.method == Method.ENTERED:
        return _entered_item(criterion, unit, figures)
    if criterion.method == Method.SURVEY:
        return _survey_item(criterion, unit, figures)
    return _assessed(ItemScore(criterion, AWAITING), unit, figures)


def _totals(score: UnitScore, criteria: list[Criterion], bands: list) -> None:
    score.raw = sum((item.points or Decimal(0) for item in score.items), Decimal(0))
    score.applicable_max = sum(
        (item.max_points for item in score.items if item.applies), Decimal(0)
    )
    scheme_max = sum((item.max_points for item in score.items), Decimal(0))

    def rescaled(raw: Decimal) -> Decimal:
        if (
            score.scheme.rescale == Rescale.PROPORTIONAL
            and score.applicable_max
            and score.applicable_max != scheme_max
        ):
            return _round(raw * scheme_max / score.applicable_max)
        return raw

    score.total = rescaled(score.raw)
    if score.assessment is not None:
        own = [i.own if i.assessment else i.points for i in score.items]
        score.own_total = rescaled(sum((p or Decimal(0) for p in own), Decimal(0)))
        if score.assessment.stage not in (Stage.DRAFT, Stage.SUBMITTED):
            appraised = [i.appraised if i.assessment else i.points for i in score.items]
            score.appraised_total = rescaled(sum((p or Decimal(0) for p in appraised), Decimal(0)))
        if score.assessment.stage == Stage.FINAL and score.assessment.final_total is not None:
            score.total = score.assessment.final_total  # locked when finalised
    if score.has_figures:
        score.band = next((b.label for b in bands if score.total >= b.min_points), "")
    by_id = {c.pk: c for c in criteria}
    areas: dict[int, AreaScore] = {}
    for item in score.items:
        parent_id = item.criterion.parent_id
        while parent_id is not None:
            area = areas.setdefault(parent_id, AreaScore(by_id[parent_id], Decimal(0), Decimal(0)))
            area.points += item.points or Decimal(0)
            area.max_points += item.max_points if item.applies else Decimal(0)
            area.items.append(item)
            parent_id = by_id[parent_id].parent_id
    score.areas = sorted(areas.values(), key=lambda area: area.criterion.order)


def scoring_days(scheme: Scheme, window: Window) -> Window:
    """The days a scheme counts for a period: its calendar months, or the reporting window."""
    return calendar_window(window) if scheme.windows == Windows.CALENDAR else window


def score_units(scheme: Scheme, units: list[Unit], window: Window) -> list[UnitScore]:
    """Every unit's score, the figures of all of them read in one pass."""
    criteria = list(scheme.criteria.order_by("order"))
    scored = scored_criteria(criteria)
    figures = read_figures(scheme, scored, units, window)
    days = scoring_days(scheme, window)
    bands = list(scheme.bands.order_by("-min_points"))
    scores = []
    for unit in units:
        score = UnitScore(scheme, unit, window, [_item(c, unit, figures) for c in scored], days)
        score.assessment = figures.assessments.get(unit.pk)
        _totals(score, criteria, bands)
        scores.append(score)
    return scores


def score_unit(scheme: Scheme, unit: Unit, window: Window) -> UnitScore:
    return score_units(scheme, [unit], window)[0]


def scored_units(scheme: Scheme, root: Unit, window: Window, kind: str | None = None) -> list[Unit]:
    """The units below `root` the scheme scores for the window: of its kinds (or `kind`),
    that must report and were open during the window."""
    kinds = {kind} if kind else set(scheme.unit_kinds or UnitKind.values)
    return sorted(
        (
            unit
            for unit in units_below(root)
            if unit.kind in kinds
            and unit.must_report
            and unit.valid_from <= window.end
            and (unit.valid_to is None or unit.valid_to >= window.start)
        ),
        key=lambda unit: unit.code,
    )


@dataclass
class Ranked:
    position: int | None  # None: no figure at all, not ranked
    score: UnitScore
    previous: UnitScore | None = None  # the same unit's score in the previous period

    @property
    def change(self) -> Decimal | None:
        """Against the previous period, when both have figures."""
        if self.previous is None or not (self.score.has_figures and self.previous.has_figures):
            return None
        return self.score.total - self.previous.total


def ranking(scores: list[UnitScore]) -> list[Ranked]:
    """Highest total first; equal totals are ordered by the scheme's tie criteria (points of
    those areas, in order); units equal on all of them share a position (1, 2, 2, 4), listed
    by name. Units without any figure follow, unranked, by name."""
    if not scores:
        return []
    ties = scores[0].scheme.ties

    def merit(score: UnitScore) -> tuple[Decimal, ...]:
        return (score.total, *(score.area_points(code) for code in ties))

    scored = [s for s in scores if s.has_figures]
    ordered = sorted(scored, key=lambda s: (tuple(-v for v in merit(s)), s.unit.name))
    ranked: list[Ranked] = []
    for index, score in enumerate(ordered, start=1):
        if ranked and merit(ranked[-1].score) == merit(score):
            position = ranked[-1].position
        else:
            position = index
        ranked.append(Ranked(position, score))
    unscored = sorted((s for s in scores if not s.has_figures), key=lambda s: s.unit.name)
    return ranked + [Ranked(None, score) for score in unscored]


def newest_scheme(code: str) -> Scheme | None:
    return Scheme.objects.filter(code=code, is_active=True).order_by("-version").first()
