"""A province's ranking on a scheme for a period, kind by kind, as the exports (XLSX, the
announcement, open data) need it: what the ranking page shows, computed once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period
from cchc.periods.windows import Window
from cchc.scoring.engine import Ranked, UnitScore, ranking, score_units, scored_units, scoring_days
from cchc.scoring.models import Criterion, Method, Scheme, Stage


@dataclass
class KindRanking:
    """The units of one kind, ranked (unranked ones, without any figure, last)."""

    kind: str
    label: str
    rows: list[Ranked]

    @property
    def ranked(self) -> list[Ranked]:
        return [row for row in self.rows if row.position is not None]

    @property
    def unscored(self) -> list[Ranked]:
        return [row for row in self.rows if row.position is None]


@dataclass
class Rankings:
    scheme: Scheme
    period: Period
    root: Unit
    days: Window  # the days the scheme counts (calendar months, or the reporting window)
    previous: Window | None
    kinds: list[KindRanking]
    areas: list[Criterion]  # the scheme's top-level criteria, in order
    self_assessed: bool  # the scheme has criteria the units score themselves

    @property
    def rows(self) -> list[Ranked]:
        return [row for kind in self.kinds for row in kind.rows]

    @property
    def pending(self) -> list[UnitScore]:
        """Units whose self-assessment is not finalised (none started counts): while there
        is one, the ranking is a draft."""
        if not self.self_assessed:
            return []
        return [
            row.score
            for row in self.rows
            if row.score.assessment is None or row.score.assessment.stage != Stage.FINAL
        ]

    @property
    def is_final(self) -> bool:
        return not self.pending


def rank_units(scheme: Scheme, period: Period, root: Unit) -> Rankings:
    """The units below `root` that the scheme scores, ranked kind by kind, each with its
    score of the period before (for the change)."""
    window = period.window
    previous = window.previous()
    kinds = []
    for kind in [k for k in UnitKind.values if k in (scheme.unit_kinds or UnitKind.values)]:
        units = scored_units(scheme, root, window, kind)
        if not units:
            continue
        rows = ranking(score_units(scheme, units, window))
        if previous is not None:
            before = {score.unit.pk: score for score in score_units(scheme, units, previous)}
            for row in rows:
                row.previous = before.get(row.score.unit.pk)
        kinds.append(KindRanking(kind, UnitKind(kind).label, rows))
    return Rankings(
        scheme=scheme,
        period=period,
        root=root,
        days=scoring_days(scheme, window),
        previous=previous,
        kinds=kinds,
        areas=list(scheme.criteria.filter(parent=None).order_by("order")),
        # Leaves only: a parent's method is the default (self) and is never scored.
        self_assessed=scheme.criteria.filter(method=Method.SELF, children=None).exists(),
    )


def area_points(score: UnitScore, area: Criterion) -> Decimal | None:
    """A unit's points in a top-level criterion; None when none of it has a figure (the page
    shows "—", never 0)."""
    for found in score.areas:
        if found.criterion.pk == area.pk:
            return found.points if found.has_figures else None
    for item in score.items:  # a top-level criterion scored by itself
        if item.criterion.pk == area.pk:
            return item.points
    return None
