"""Consolidated values: every indicator of a template over the units below a unit, by the
template's rules, computed on demand from the stored values (DHIS2's aggregation types).

A unit's value for the period comes from its counted report for the period itself or, when
it has none and the period is longer than the template's (a year from quarters), from its
counted reports of the shorter periods inside it, combined by the indicator's rule over
periods (sum of flows, last of stocks and year-to-date figures, average, weighted average).
The units' values are then combined by the rule over units. Derived indicators (with a
formula) are never combined: they are recomputed from the consolidated parts. Reports of
different versions of the template meet by indicator key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField

from cchc.base.sources import shared
from cchc.catalog.formulas import compute_derived, expression_names
from cchc.catalog.models import (
    NUMERIC_TYPES,
    Consolidation,
    Indicator,
    PeriodConsolidation,
    ReportTemplate,
)
from cchc.catalog.values import format_number
from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period
from cchc.periods.windows import Window, parse_period
from cchc.reports.models import Report, Status, Value
from cchc.reports.services import templates_for

APPROVED = "approved"
SUBMITTED = "submitted"
INCLUDE_LABELS = {
    APPROVED: "Chỉ báo cáo đã phê duyệt",
    SUBMITTED: "Báo cáo đã gửi và đã phê duyệt",
}
COUNTED_STATUSES: dict[str, set[str]] = {
    APPROVED: {Status.APPROVED},
    SUBMITTED: {Status.SUBMITTED, Status.APPROVED},
}
AVERAGE_PLACES = 2


class ConsolidationError(ValueError):
    pass


@dataclass
class UnitPart:
    """One unit's share of a consolidation: the reports that count, or why none does."""

    unit: Unit
    reports: list[Report]  # counted, oldest period first
    report: Report | None  # its report for the period itself, counted or not
    lacking_periods: list[str] = field(default_factory=list)  # shorter periods not counted

    @property
    def counted(self) -> bool:
        return bool(self.reports)


class Outcome:
    """What every consolidation answers: the units counted and missing, and `as_json()` (the
    command's output)."""

    parts: list[UnitPart]
    values: dict[str, Decimal | None]

    @property
    def counted(self) -> list[Unit]:
        return [part.unit for part in self.parts if part.counted]

    @property
    def missing(self) -> list[Unit]:
        return [part.unit for part in self.parts if not part.counted]

    def as_json(self) -> dict:
        return {
            "values": {key: _json_number(value) for key, value in self.values.items()},
            "counted": [unit.code for unit in self.counted],
            "missing": [unit.code for unit in self.missing],
        }


@dataclass
class Consolidated(Outcome):
    root: Unit
    window: Window
    template: ReportTemplate  # the newest version: the keys consolidated
    include: str
    indicators: list[Indicator]  # numeric, in template order
    values: dict[str, Decimal | None]
    parts: list[UnitPart]  # every unit expected, in tree order
    unit_values: dict[str, dict[int, Decimal | None]]  # key -> unit id -> its value
    period_values: dict[int, dict[str, Decimal | None]]  # report id -> key -> stored value
    lacking_keys: dict[int, list[str]]  # version -> keys of the newest version it lacks
    versions: dict[int, int]  # unit id -> version of the template its reports use

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    def shown(self, key: str) -> str:
        """The consolidated value as a Vietnamese official writes it ("86,96"), "" for none."""
        value = self.values.get(key)
        return "" if value is None else format_number(value, places(self.indicator(key)))

    def contributors(self, key: str) -> int:
        """How many counted units have a value for `key`."""
        return sum(1 for value in self.unit_values.get(key, {}).values() if value is not None)


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def places(indicator: Indicator) -> int:
    """Decimals of a consolidated value: an average of whole numbers keeps two."""
    averaged = {Consolidation.AVG, Consolidation.WEIGHTED}
    return AVERAGE_PLACES if indicator.consolidation in averaged else indicator.decimals


def shorter_periods(window: Window) -> list[Window]:
    """The windows a longer period is built from: quarters of a year, a half or nine months,
    months of a quarter; none for a month or a custom window."""
    if window.kind == "quarter":
        assert window.number is not None
        codes = [
            f"M{month}-{window.year}"
            for month in range(3 * window.number - 2, 3 * window.number + 1)
        ]
    elif window.kind in ("half", "nine_months", "year"):
        codes = [f"Q{number}-{window.year}" for number in range(1, 5)]
    else:
        return []
    windows = [parse_period(code) for code in codes]
    return [w for w in windows if w.start >= window.start and w.end <= window.end]


def default_template_code(below: set[int], window: Window) -> str:
    """The template most of the units `below` used for the period; before any report, the
    one most of the units that must report would start theirs with (templates_for: a
    district's is not a department's), else the first active one."""
    used = Counter(
        Report.objects.filter(unit_id__in=below, period__code=window.code).values_list(
            "template__code", flat=True
        )
    )
    if not used:
        kinds = Counter(
            Unit.objects.filter(pk__in=below, must_report=True, valid_from__lte=window.end)
            .exclude(valid_to__lt=window.start)
            .values_list("kind", flat=True)
        )
        for kind, count in kinds.items():
            fitting = templates_for(kind, window.kind)
            if fitting:
                used[fitting[0].code] += count
    if used:
        return used.most_common(1)[0][0]
    template = ReportTemplate.objects.filter(is_active=True).order_by("code", "-version").first()
    if template is None:
        raise ConsolidationError("Chưa có biểu mẫu báo cáo nào.")
    return template.code


def units_below(root: Unit) -> list[Unit]:
    """Every unit below `root` (read once and shared when several periods are consolidated)."""
    return list(Unit.objects.filter(pk__in=root.descendant_ids() - {root.pk}))


def newest_template(code: str) -> ReportTemplate:
    """The newest version of template `code`: the keys consolidated."""
    template = shared(
        ("newest_template", code),
        lambda: ReportTemplate.objects.filter(code=code).order_by("-version").first(),
    )
    if template is None:
        raise ConsolidationError(f"Không có biểu mẫu mã '{code}'.")
    return template


def _numeric_indicators(template: ReportTemplate) -> list[Indicator]:
    """The template's numeric indicators in order (read once per shared_queries() block:
    a dashboard consolidates eight periods of one template)."""
    return shared(
        ("numeric_indicators", template.pk),
        lambda: [i for i in template.indicators.order_by("order") if i.value_type in NUMERIC_TYPES],
    )


def unit_values_of(
    unit: Unit, reports: list[Report], keys: set[str]
) -> dict[int, dict[str, Decimal | None]]:
    """Each report's own figures of `keys` (derived ones by formula), by report id: a unit's
    series over periods, whatever the reports' states."""
    if not reports:
        return {}
    template = newest_template(reports[0].template.code)
    indicators = _needed(_numeric_indicators(template), keys)
    stored = _stored_values(reports, {i.key for i in indicators if not i.is_derived})
    result: dict[int, dict[str, Decimal | None]] = {}
    for report in reports:
        by_key = _unit_values(indicators, [UnitPart(unit, [report], report)], stored)
        result[report.pk] = {key: values.get(unit.pk) for key, values in by_key.items()}
    return result


def consolidate(
    root: Unit,
    period: str | Window,
    template_code: str | None = None,
    include: str = APPROVED,
    keys: set[str] | None = None,
    below: list[Unit] | None = None,
) -> Consolidated:
    """Every numeric indicator of `template_code` over the units below `root` for `period`,
    counting approved reports only or submitted ones too (`include`); only `keys` and what
    they are computed from, when given (a drill-down)."""
    window = parse_period(period) if isinstance(period, str) else period
    return consolidate_periods(root, [window], template_code, include, keys, below)[0]


def consolidate_periods(
    root: Unit,
    windows: list[Window],
    template_code: str | None = None,
    include: str = APPROVED,
    keys: set[str] | None = None,
    below: list[Unit] | None = None,
) -> list[Consolidated]:
    """`consolidate()` of each of `windows` with one template, their reports and values
    read in one query each (a dashboard or a trend shows eight periods). Without
    `template_code`, the template most units used for the last window."""
    if include not in COUNTED_STATUSES:
        raise ConsolidationError(
            f"Cách chọn báo cáo '{include}' không hợp lệ; dùng approved hoặc submitted."
        )
    below = units_below(root) if below is None else below
    template = newest_template(
        template_code or default_template_code({u.pk for u in below}, windows[-1])
    )
    indicators = _numeric_indicators(template)
    if keys is not None:
        indicators = _needed(indicators, keys)
    reports = _reports_by_period(below, windows)
    statuses = COUNTED_STATUSES[include]
    parts = {w.code: _unit_parts(below, w, template, statuses, reports) for w in windows}
    counted = {r.pk: r for each in parts.values() for part in each for r in part.reports}
    stored = _stored_values(list(counted.values()), {i.key for i in indicators if not i.is_derived})
    return [
        _consolidated(root, window, template, include, indicators, parts[window.code], stored)
        for window in windows
    ]


def _consolidated(
    root: Unit,
    window: Window,
    template: ReportTemplate,
    include: str,
    indicators: list[Indicator],
    parts: list[UnitPart],
    stored: dict[int, dict[str, Decimal | None]],
) -> Consolidated:
    counted = [report for part in parts for report in part.reports]
    period_values = {report.pk: stored[report.pk] for report in counted}
    unit_values = _unit_values(indicators, parts, period_values)
    versions = {part.unit.pk: part.reports[-1].template.version for part in parts if part.reports}
    return Consolidated(
        root=root,
        window=window,
        template=template,
        include=include,
        indicators=indicators,
        values=_over_units(indicators, unit_values),
        parts=parts,
        unit_values=unit_values,
        period_values=period_values,
        lacking_keys=_lacking_keys(indicators, template, {r.template for r in counted}),
        versions=versions,
    )


@dataclass
class Across(Outcome):
    """A consolidation over every template the units below report with, by indicator key
    (what the province's own report is filled from: the departments' and the communes'
    reports together). A unit counts once, by the template of its report for the period."""

    root: Unit
    window: Window
    include: str
    results: list[Consolidated]
    parts: list[UnitPart]
    indicators: dict[str, Indicator]  # key -> the first template's indicator of that key
    unit_values: dict[str, dict[int, Decimal | None]]
    values: dict[str, Decimal | None]


def consolidate_all(root: Unit, period: str | Window, include: str = APPROVED) -> Across:
    window = parse_period(period) if isinstance(period, str) else period
    below = units_below(root)
    shorter = [w.code for w in shorter_periods(window)]
    used = set(
        Report.objects.filter(
            unit_id__in=[u.pk for u in below], period__code__in=[window.code, *shorter]
        )
        .values_list("template__code", flat=True)
        .distinct()
    )
    declared = {
        template.code
        for template in ReportTemplate.objects.filter(is_active=True)
        if template.unit_kinds and UnitKind.PROVINCE not in template.unit_kinds
    }
    results = [
        consolidate(root, window, code, include, below=below) for code in sorted(used | declared)
    ]
    chosen: dict[int, tuple[UnitPart, Consolidated]] = {}
    for result in results:
        for part in result.parts:
            known = chosen.get(part.unit.pk)
            if known is None or _rank(part) > _rank(known[0]):
                chosen[part.unit.pk] = (part, result)
    indicators: dict[str, Indicator] = {}
    for result in results:
        for indicator in result.indicators:
            indicators.setdefault(indicator.key, indicator)
    unit_values: dict[str, dict[int, Decimal | None]] = {key: {} for key in indicators}
    for unit_id, (part, result) in chosen.items():
        if not part.counted:
            continue
        for key, by_unit in result.unit_values.items():
            if unit_id in by_unit:
                unit_values[key][unit_id] = by_unit[unit_id]
    kind_rank = {kind: rank for rank, kind in enumerate(UnitKind.values)}
    parts = sorted(
        (part for part, _ in chosen.values()),
        key=lambda part: (kind_rank[part.unit.kind], part.unit.code),
    )
    return Across(
        root=root,
        window=window,
        include=include,
        results=results,
        parts=parts,
        indicators=indicators,
        unit_values=unit_values,
        values=_over_units(list(indicators.values()), unit_values),
    )


def _rank(part: UnitPart) -> int:
    """Which of a unit's parts (one per template) stands for it: a counted report for the
    period itself, then counted shorter periods, then an uncounted report, then nothing."""
    if part.counted and part.report is not None:
        return 3
    if part.counted:
        return 2
    return 1 if part.report is not None else 0


def _needed(indicators: list[Indicator], keys: set[str]) -> list[Indicator]:
    """`keys` and, transitively, the indicators their formulas and weights use."""
    by_key = {i.key: i for i in indicators}
    unknown = keys - set(by_key)
    if unknown:
        raise ConsolidationError(f"Biểu mẫu không có chỉ tiêu mã: {', '.join(sorted(unknown))}.")
    needed: set[str] = set()
    frontier = set(keys)
    while frontier:
        key = frontier.pop()
        needed.add(key)
        indicator = by_key[key]
        uses = expression_names(indicator.formula) if indicator.formula else set()
        if indicator.consolidation_weight:
            uses.add(indicator.consolidation_weight)
        frontier |= (uses & set(by_key)) - needed
    return [i for i in indicators if i.key in needed]


def _reports_by_period(below: list[Unit], windows: list[Window]) -> dict[str, list[Report]]:
    """The reports of the units `below` for `windows` and the shorter periods inside them,
    by period code, whatever their template and state, with their unit and period set
    (periods and units are few: read once and shared by every report)."""
    codes = {w.code for w in windows} | {s.code for w in windows for s in shorter_periods(w)}
    periods = {p.pk: p for p in Period.objects.filter(code__in=codes)}
    by_pk = {unit.pk: unit for unit in below}
    by_period: dict[str, list[Report]] = {code: [] for code in codes}
    for report in Report.objects.filter(unit_id__in=by_pk, period_id__in=periods):
        report.period = periods[report.period_id]
        report.unit = by_pk[report.unit_id]
        by_period[report.period.code].append(report)
    return by_period


def _unit_parts(
    below: list[Unit],
    window: Window,
    template: ReportTemplate,
    statuses: set[str],
    reports_by_period: dict[str, list[Report]],
) -> list[UnitPart]:
    """Every unit expected to report with the template for the window, with its reports:
    the units of the template's kinds that must report and were open during the window,
    and any unit that reported with it; not those that reported with another template."""
    shorter = {w.code: w for w in shorter_periods(window)}
    versions = shared(
        ("versions", template.code),
        lambda: {t.pk: t for t in ReportTemplate.objects.filter(code=template.code)},
    )
    reports = [r for code in [window.code, *shorter] for r in reports_by_period[code]]
    elsewhere = set()
    by_unit: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        if report.template_id in versions:
            report.template = versions[report.template_id]
            by_unit[report.unit_id].append(report)
        elif report.period.code == window.code:
            elsewhere.add(report.unit_id)
    direct = {uid for uid, own in by_unit.items() if any(r.period.code == window.code for r in own)}
    kinds = set(template.unit_kinds)

    def expected(unit: Unit) -> bool:
        if unit.pk in elsewhere:
            return False
        open_then = unit.valid_from <= window.end and (
            unit.valid_to is None or unit.valid_to >= window.start
        )
        must = unit.must_report and open_then and (not kinds or unit.kind in kinds)
        return must or unit.pk in direct

    kind_rank = {kind: rank for rank, kind in enumerate(UnitKind.values)}
    parts = []
    for unit in sorted(filter(expected, below), key=lambda u: (kind_rank[u.kind], u.code)):
        own = by_unit.get(unit.pk, [])
        own_report = next((r for r in own if r.period.code == window.code), None)
        if own_report is not None:
            counts = own_report.status in statuses
            parts.append(UnitPart(unit, [own_report] if counts else [], own_report))
            continue
        counted = sorted((r for r in own if r.status in statuses), key=lambda r: r.period.start)
        lacking = [c for c in shorter if c not in {r.period.code for r in counted}]
        parts.append(UnitPart(unit, counted, None, lacking if counted else []))
    return parts


def _stored_values(reports: list[Report], keys: set[str]) -> dict[int, dict[str, Decimal | None]]:
    stored: dict[int, dict[str, Decimal | None]] = {report.pk: {} for report in reports}
    if not reports:
        return stored
    templates = frozenset(r.template_id for r in reports)
    key_of = shared(
        ("indicator_ids", templates, frozenset(keys)),
        lambda: dict(
            Indicator.objects.filter(template_id__in=templates, key__in=keys).values_list(
                "pk", "key"
            )
        ),
    )
    rows = Value.objects.filter(
        report_id__in=stored.keys(), indicator_id__in=key_of, number__isnull=False
    )
    if connection.vendor == "sqlite":
        # SQLite keeps decimals as REAL: Django's converter (a Decimal made from the float,
        # then quantized) costs more than the query; the shortest repr of a number stored
        # with four decimals is that number, exactly.
        raw = rows.annotate(raw=ExpressionWrapper(F("number"), output_field=FloatField()))
        for report_id, indicator_id, number in raw.values_list("report_id", "indicator_id", "raw"):
            stored[report_id][key_of[indicator_id]] = (
                Decimal(number) if isinstance(number, int) else Decimal(repr(number))
            )
        return stored
    for report_id, indicator_id, number in rows.values_list("report_id", "indicator_id", "number"):
        stored[report_id][key_of[indicator_id]] = number
    return stored


def _unit_values(
    indicators: list[Indicator],
    parts: list[UnitPart],
    period_values: dict[int, dict[str, Decimal | None]],
) -> dict[str, dict[int, Decimal | None]]:
    """Each counted unit's value of every indicator: its report's, or its shorter periods'
    combined by the rule over periods; derived ones by formula from the unit's own parts."""
    by_key = {i.key: i for i in indicators}
    formulas = {i.key: i.formula for i in indicators if i.is_derived}
    places = {i.key: i.decimals for i in indicators}
    result: dict[str, dict[int, Decimal | None]] = {i.key: {} for i in indicators}
    for part in parts:
        if not part.counted:
            continue
        series = [period_values[report.pk] for report in part.reports]
        own: dict[str, Decimal | None] = {}
        for key, indicator in by_key.items():
            if indicator.is_derived:
                continue
            own[key] = _over_periods(indicator, series)
        own.update(compute_derived(formulas, own, places))
        for key, value in own.items():
            result[key][part.unit.pk] = value
    return result


def _over_periods(indicator: Indicator, series: list[dict[str, Decimal | None]]) -> Decimal | None:
    if len(series) == 1:
        return series[0].get(indicator.key)
    present = [v for v in (values.get(indicator.key) for values in series) if v is not None]
    if not present:
        return None
    rule = indicator.period_consolidation
    if rule == PeriodConsolidation.SUM:
        return sum(present, Decimal(0))
    if rule == PeriodConsolidation.AVG:
        return _average(present)
    if rule == PeriodConsolidation.WEIGHTED:
        return _weighted(
            (values.get(indicator.key), values.get(indicator.consolidation_weight))
            for values in series
        )
    return present[-1]


def _over_units(
    indicators: list[Indicator], unit_values: dict[str, dict[int, Decimal | None]]
) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {}
    for indicator in indicators:
        if indicator.is_derived or indicator.consolidation == Consolidation.NONE:
            continue
        by_unit = unit_values[indicator.key]
        present = [value for value in by_unit.values() if value is not None]
        rule = indicator.consolidation
        if rule == Consolidation.COUNT:
            values[indicator.key] = Decimal(len(present)) if by_unit else None
        elif rule == Consolidation.COUNT_TRUE:
            values[indicator.key] = (
                Decimal(sum(1 for value in present if value == 1)) if present else None
            )
        elif not present:
            values[indicator.key] = None
        elif rule == Consolidation.SUM:
            values[indicator.key] = sum(present, Decimal(0))
        elif rule == Consolidation.AVG:
            values[indicator.key] = _average(present)
        elif rule == Consolidation.MIN:
            values[indicator.key] = min(present)
        elif rule == Consolidation.MAX:
            values[indicator.key] = max(present)
        elif rule == Consolidation.WEIGHTED:
            weights = unit_values[indicator.consolidation_weight]
            values[indicator.key] = _weighted(
                (value, weights.get(unit_id)) for unit_id, value in by_unit.items()
            )
    formulas = {i.key: i.formula for i in indicators if i.is_derived}
    values.update(compute_derived(formulas, values, {i.key: i.decimals for i in indicators}))
    return {i.key: values[i.key] for i in indicators if i.key in values}


def _average(values: list[Decimal]) -> Decimal:
    return _round(sum(values, Decimal(0)) / len(values))


def _weighted(pairs: Iterable[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """Σ value × weight ÷ Σ weight over the pairs with both: a rate of the parts' totals
    when the weight is the rate's denominator (on-time ÷ resolved, by resolved)."""
    total = weights = Decimal(0)
    for value, weight in pairs:
        if value is None or weight is None:
            continue
        total += value * weight
        weights += weight
    return _round(total / weights) if weights else None


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-AVERAGE_PLACES), rounding=ROUND_HALF_UP)


def _lacking_keys(
    indicators: list[Indicator], template: ReportTemplate, used: set[ReportTemplate]
) -> dict[int, list[str]]:
    keys = [i.key for i in indicators]
    lacking = {}
    for version in sorted(used, key=lambda t: t.version):
        if version.pk == template.pk:
            continue
        own = set(version.indicators.values_list("key", flat=True))
        missing = [key for key in keys if key not in own]
        if missing:
            lacking[version.version] = missing
    return lacking
