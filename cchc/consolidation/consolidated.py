"""The consolidator's pages of consolidated values: every indicator of a template over the
units below a unit for a period, and the drill-down of one value into the units behind it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.base.sources import shared_queries
from cchc.catalog.models import Consolidation, Indicator, PeriodConsolidation, ReportTemplate
from cchc.consolidation.choice import Choice, consolidation_choice
from cchc.consolidation.dashboard import (
    FIGURES,
    STATES,
    province_dashboard,
    recent_windows,
    unit_dashboard,
)
from cchc.consolidation.drilldown import SORTS, chart_data, drill_rows
from cchc.consolidation.engine import (
    INCLUDE_LABELS,
    Consolidated,
    ConsolidationError,
    consolidate,
    consolidate_periods,
)
from cchc.consolidation.values_xlsx import consolidated_xlsx
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404
from cchc.reports.models import Report


def _choice(request: HttpRequest) -> Choice:
    return consolidation_choice(request)


def _consolidate(
    choice: Choice, period_code: str, keys: set[str] | None = None
) -> tuple[Period, Consolidated]:
    period = period_or_404(period_code)
    try:
        result = consolidate(choice.root, period.window, choice.template_code, choice.include, keys)
    except ConsolidationError as exc:
        raise Http404(str(exc)) from exc
    return period, result


def rule_label(indicator: Indicator) -> str:
    """The rule as the table states it: how the value is made from the units' values."""
    if indicator.is_derived:
        return "Tính lại theo công thức từ số liệu tổng hợp"
    if indicator.consolidation == Consolidation.WEIGHTED:
        return f"Bình quân gia quyền theo «{indicator.consolidation_weight}»"
    label = str(Consolidation(indicator.consolidation).label)
    if indicator.period_consolidation == PeriodConsolidation.SUM:
        label += "; các kỳ: cộng"
    return label


@login_required
@require_GET
def consolidated(request: HttpRequest, period_code: str) -> HttpResponse:
    choice = _choice(request)
    period, result = _consolidate(choice, period_code)
    templates = ReportTemplate.objects.filter(is_active=True).order_by("code", "-version")
    rows: list[dict[str, Any]] = []
    section = None
    for indicator in result.template.indicators.select_related("section").order_by("order"):
        if indicator.section_id != section:
            section = indicator.section_id
            rows.append({"section": indicator.section})
        if indicator.key not in result.values:
            if indicator.is_group:
                rows.append({"group": indicator})
            continue
        rows.append(
            {
                "indicator": indicator,
                "shown": result.shown(indicator.key),
                "rule": rule_label(indicator),
                "contributors": result.contributors(indicator.key),
            }
        )
    return render(
        request,
        "consolidation/consolidated.html",
        {
            "result": result,
            "choice": choice,
            "period": period,
            "rows": rows,
            "templates": list(dict.fromkeys(t.code for t in templates)),
            "include_labels": INCLUDE_LABELS,
            "query": _query(choice, result),
            "missing_parts": [part for part in result.parts if not part.counted],
            "partial": [part for part in result.parts if part.lacking_periods],
        },
    )


def _query(choice: Choice, result: Consolidated) -> str:
    return f"unit={choice.root.code}&template={result.template.code}&include={choice.include}"


@login_required
@require_GET
def consolidated_download(request: HttpRequest, period_code: str) -> HttpResponse:
    """The consolidated appendix and the units side by side, as XLSX."""
    _, result = _consolidate(_choice(request), period_code)
    return consolidated_xlsx(result, rule_label).download()


@login_required
@require_GET
def drilldown(request: HttpRequest, period_code: str, key: str) -> HttpResponse:
    choice = _choice(request)
    period, result = _consolidate(choice, period_code, keys={key})
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in SORTS:
        sort = ""
    rows = drill_rows(result, key, sort)
    indicator = result.indicator(key)
    return render(
        request,
        "consolidation/drilldown.html",
        {
            "result": result,
            "period": period,
            "indicator": indicator,
            "rule": rule_label(indicator),
            "rows": rows,
            "sort": sort,
            "sorts": SORTS,
            "query": _query(choice, result),
            "chart": chart_data(result, key, rows),
            "shown": result.shown(key),
        },
    )


@login_required
@require_GET
def trend(request: HttpRequest, period_code: str, key: str) -> HttpResponse:
    """One indicator's consolidated value over the last 8 periods of the kind."""
    choice = _choice(request)
    period, result = _consolidate(choice, period_code, keys={key})
    with shared_queries():  # the template and its indicators read once for the 8 periods
        found = consolidate_periods(
            choice.root, recent_windows(period.window), result.template.code, choice.include, {key}
        )
    rows = [(f.window, f.shown(key), f.values.get(key), len(f.counted)) for f in found]
    indicator = result.indicator(key)
    chart = {
        "type": "line",
        "labels": [each.code for each, *_ in rows],
        "decimals": indicator.decimals,
        "series": [
            {
                "label": indicator.label,
                "values": [float(v) if v is not None else None for _, _, v, _ in rows],
            }
        ],
    }
    return render(
        request,
        "consolidation/trend.html",
        {
            "period": period,
            "result": result,
            "indicator": indicator,
            "rows": rows,
            "chart": chart,
            "query": _query(choice, result),
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest, period_code: str) -> HttpResponse:
    """The province's dashboard: the period's headline figures and the last 8 periods."""
    choice = _choice(request)
    period = period_or_404(period_code)
    try:
        data = province_dashboard(choice.root, period.window, choice.template_code, choice.include)
    except ConsolidationError as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "consolidation/dashboard.html",
        {
            "period": period,
            "choice": choice,
            "data": data,
            "figures": FIGURES,
            "states": STATES,
            "charts": data.chart(),
            "query": f"unit={choice.root.code}&template={data.template.code}"
            f"&include={choice.include}",
            "include_labels": INCLUDE_LABELS,
        },
    )


@login_required
@require_GET
def unit_dashboard_page(request: HttpRequest, unit_code: str) -> HttpResponse:
    """A unit's own figures over its last 8 periods, for whoever may see the unit."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not access.can_view_unit(request.user, unit):
        raise Http404("Không có đơn vị này, hoặc bạn không được xem đơn vị này.")
    period = period_or_404(request.GET.get("period"))
    code = request.GET.get("template") or _unit_template(unit, period.code)
    if code is None:
        raise Http404("Đơn vị chưa có báo cáo nào.")
    try:
        rows = unit_dashboard(unit, period.window, code)
    except ConsolidationError as exc:
        raise Http404(str(exc)) from exc
    labels = [row.window.code for row in rows]
    chart = {
        "type": "line",
        "labels": labels,
        "decimals": 2,
        "series": [
            {
                "label": label,
                "values": [
                    float(v) if (v := row.values.get(key)) is not None else None for row in rows
                ],
            }
            for key, label, _ in FIGURES
            if key.endswith("rate")
        ],
    }
    return render(
        request,
        "consolidation/unit_dashboard.html",
        {
            "unit": unit,
            "period": period,
            "rows": rows,
            "figures": FIGURES,
            "chart": chart,
            "template_code": code,
        },
    )


def _unit_template(unit: Unit, period_code: str) -> str | None:
    """The template of the unit's report for the period, else of its latest report."""
    report = (
        Report.objects.filter(unit=unit, period__code=period_code)
        .select_related("template")
        .first()
        or Report.objects.filter(unit=unit)
        .select_related("template")
        .order_by("-period__end")
        .first()
    )
    return report.template.code if report else None
