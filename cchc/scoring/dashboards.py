"""The province's scoring dashboard: for each unit kind, how the units spread over the bands
and over ten-point bins, the share of each area's points they reach (a radar), and the
average over the last periods of the kind (the QĐ 766 index month by month), with every
unit's total in each of those periods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cchc.org.models import Unit, UnitKind
from cchc.periods.windows import Window
from cchc.scoring.engine import UnitScore, score_units, scored_units
from cchc.scoring.models import Scheme

TREND_LENGTH = {"month": 12, "quarter": 8, "half": 6, "nine_months": 5, "year": 5}
BINS = [(low, low + 10) for low in range(0, 100, 10)]


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class KindSummary:
    kind: str
    label: str
    scores: list[UnitScore]

    @property
    def scored(self) -> list[UnitScore]:
        return [s for s in self.scores if s.has_figures]

    @property
    def unscored(self) -> int:
        return len(self.scores) - len(self.scored)

    @property
    def average(self) -> Decimal | None:
        return _average([s.total for s in self.scored])

    def band_counts(self) -> list[tuple[str, int]]:
        bands = list(self.scores[0].scheme.bands.order_by("-min_points")) if self.scores else []
        return [(b.label, sum(1 for s in self.scored if s.band == b.label)) for b in bands]

    def bins(self) -> list[tuple[str, int]]:
        """Units by ten-point bin of their total (90–100 includes 100)."""
        counts = []
        for low, high in BINS:
            top = high if high < 100 else 101
            n = sum(1 for s in self.scored if low <= s.total < top)
            counts.append((f"{low}–{high}", n))
        return counts

    def area_shares(self) -> list[tuple[str, str, Decimal | None]]:
        """(code, title, average % of the area's applicable maximum) over the units with
        figures in the area."""
        if not self.scores:
            return []
        areas = [a for a in self.scores[0].areas if a.criterion.level == 1]
        shares = []
        for area in areas:
            values = []
            for score in self.scored:
                mine = next(a for a in score.areas if a.criterion.pk == area.criterion.pk)
                if mine.has_figures and mine.max_points:
                    values.append(mine.points / mine.max_points * 100)
            shares.append((area.criterion.code, area.criterion.title, _average(values)))
        return shares


def kind_summaries(scheme: Scheme, root: Unit, window: Window) -> list[KindSummary]:
    kinds = [k for k in UnitKind.values if k in (scheme.unit_kinds or UnitKind.values)]
    summaries = []
    for kind in kinds:
        units = scored_units(scheme, root, window, kind)
        if units:
            summaries.append(
                KindSummary(kind, str(UnitKind(kind).label), score_units(scheme, units, window))
            )
    return summaries


def recent(window: Window, count: int) -> list[Window]:
    windows = [window]
    while len(windows) < count and (previous := windows[0].previous()) is not None:
        windows.insert(0, previous)
    return windows


@dataclass
class Trend:
    windows: list[Window]
    # kind -> unit -> its total in each window (None: no figures then)
    totals: dict[str, dict[Unit, list[Decimal | None]]]
    averages: dict[str, list[Decimal | None]]


def trend(scheme: Scheme, root: Unit, window: Window) -> Trend:
    """The last periods of the window's kind (12 months, 8 quarters, 5 years)."""
    windows = recent(window, TREND_LENGTH.get(window.kind, 5))
    kinds = [k for k in UnitKind.values if k in (scheme.unit_kinds or UnitKind.values)]
    totals: dict[str, dict[Unit, list[Decimal | None]]] = {}
    averages: dict[str, list[Decimal | None]] = {}
    for kind in kinds:
        units = scored_units(scheme, root, window, kind)
        if not units:
            continue
        rows: dict[Unit, list[Decimal | None]] = {unit: [] for unit in units}
        means = []
        for each in windows:
            scores = score_units(scheme, units, each)
            for score in scores:
                rows[score.unit].append(score.total if score.has_figures else None)
            means.append(_average([s.total for s in scores if s.has_figures]))
        totals[kind] = rows
        averages[kind] = means
    return Trend(windows, totals, averages)
