"""What a province's report may say about the units below it, for its drafted narrative:
how many reported (on time, late, missing, named in footnotes), the units best and worst on
each rate, and each figure against the units' previous period (`units.*` in the drafts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cchc.catalog.formulas import compute_derived
from cchc.catalog.models import ValueType
from cchc.catalog.values import rate_words
from cchc.consolidation.engine import APPROVED, Across, consolidate_all
from cchc.consolidation.overview import period_overview
from cchc.org.models import Unit, UnitKind
from cchc.reports.drafting import CONTEXT_PROVIDERS, compare
from cchc.reports.models import Report, read_deadlines

RANKED_TYPES = {ValueType.PERCENT}


def _name(unit: Unit) -> str:
    # The full name: a short name such as "UBND phường" is the same for every phường.
    return unit.name


def _ranked(result: Across) -> tuple[dict[str, str], dict[str, str]]:
    """For each rate, the unit(s) with the highest and the lowest value, "Sở Y tế (98,5%)";
    only where at least two units gave one (one unit is neither best nor worst)."""
    best: dict[str, str] = {}
    worst: dict[str, str] = {}
    units = {part.unit.pk: part.unit for part in result.parts}
    for key, indicator in result.indicators.items():
        if indicator.value_type not in RANKED_TYPES:
            continue
        given = {uid: v for uid, v in result.unit_values.get(key, {}).items() if v is not None}
        if len(given) < 2 or len(set(given.values())) < 2:
            continue
        for target, pick in ((best, max), (worst, min)):
            value = pick(given.values())
            names = ", ".join(sorted(_name(units[uid]) for uid, v in given.items() if v == value))
            target[key] = f"{names} ({rate_words(value)})"
    return best, worst


def _as_report_keys(report: Report, values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    """The units' consolidated figures under the report's own keys (`source: units.KEY`),
    with the report's formulas recomputed from them."""
    indicators = list(report.template.indicators.all())
    mapped: dict[str, Decimal | None] = {}
    for indicator in indicators:
        prefix, _, key = indicator.source.partition(".")
        if prefix == "units":
            mapped[indicator.key] = values.get(key)
    formulas = {i.key: i.formula for i in indicators if i.formula}
    places = {i.key: i.decimals for i in indicators}
    return {**mapped, **compute_derived(formulas, mapped, places)}


def units_context(report: Report, numbers: dict[str, Decimal | None]) -> dict[str, Any]:
    if report.unit.kind != UnitKind.PROVINCE:
        return {}
    result = consolidate_all(report.unit, report.period.window, APPROVED)
    sent = [part.report for part in result.parts if part.counted and part.report is not None]
    read_deadlines(sent)
    late = [r for r in sent if r.is_late]
    missing = result.missing
    # Of those, the ones past their deadline (extensions counted) without having sent: only
    # they failed the reporting rule; a report still due, or sent and awaiting approval, did not.
    tracked = period_overview(report.period, Unit.objects.filter(pk__in=[u.pk for u in missing]))
    overdue = [row.unit for row in tracked.rows if row.days_overdue is not None]
    best, worst = _ranked(result)
    context: dict[str, Any] = {
        "expected": len(result.parts),
        "counted": len(result.counted),
        "on_time": len(sent) - len(late),
        "late": len(late),
        "late_names": "; ".join(_name(r.unit) for r in late),
        "missing": len(missing),
        "missing_names": "; ".join(_name(unit) for unit in missing),
        "overdue": len(overdue),
        "overdue_names": "; ".join(_name(unit) for unit in overdue),
        "best": best,
        "worst": worst,
        "cmp": {},
    }
    previous = report.period.window.previous()
    if previous is not None:
        before = _as_report_keys(report, consolidate_all(report.unit, previous, APPROVED).values)
        by_key = {i.key: i for i in report.template.indicators.all()}
        context["cmp"] = {
            key: text
            for key, value in before.items()
            if (text := compare(by_key[key], numbers.get(key), value, previous.label))
        }
    return {"units": context}


CONTEXT_PROVIDERS.append(units_context)
