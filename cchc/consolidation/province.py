"""Dossier figures of every unit a consolidator watches, side by side for one period (the
Department of Home Affairs' view of Biểu II.06a across the province)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.org import access
from cchc.org.models import Unit, UnitKind, UnitQuerySet
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404
from cchc.registers.figures import on_time_rate
from cchc.registers.models import Dossier
from cchc.registers.stats import KEYS, grouped_stats
from cchc.registers.xlsx import DossierStatsXlsx


@dataclass
class UnitRow:
    unit: Unit
    figures: dict[str, int] | None  # None: the unit keeps no dossier register in cchc

    @property
    def on_time_rate(self) -> Decimal | None:
        return on_time_rate(self.figures)


def province_rows(period: Period, units: UnitQuerySet) -> tuple[list[UnitRow], dict[str, int]]:
    """One row per unit that keeps a dossier register or had to report in the period (open
    during it), and the totals of the units that keep one."""
    dossiers = Dossier.objects.filter(unit__in=units)
    figures = grouped_stats(dossiers, period.start, period.end, "unit_id")
    kept = set(dossiers.order_by().values_list("unit_id", flat=True).distinct())
    units = units.filter(
        Q(pk__in=kept)
        | Q(must_report=True, valid_from__lte=period.end)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
    )
    zero = dict.fromkeys(KEYS, 0)
    kind_rank = {kind: rank for rank, kind in enumerate(UnitKind.values)}
    rows = [
        UnitRow(unit, figures.get(unit.pk, zero) if unit.pk in kept else None)
        for unit in sorted(units, key=lambda unit: (kind_rank[unit.kind], unit.code))
    ]
    totals = {key: sum(row.figures[key] for row in rows if row.figures) for key in KEYS}
    return rows, totals


def _consolidator_period(request: HttpRequest, period_code: str) -> Period:
    if not access.can_consolidate(request.user):
        raise PermissionDenied("Chỉ người tổng hợp mới xem được trang này.")
    return period_or_404(period_code)


@login_required
def dossier_overview_xlsx(request: HttpRequest, period_code: str) -> HttpResponse:
    """Biểu II.06a with a row per unit that keeps a dossier register, and the total."""
    period = _consolidator_period(request, period_code)
    rows, totals = province_rows(period, Unit.objects.consolidated_by(request.user))
    scope = access.consolidation_roots(request.user)
    rendered = DossierStatsXlsx(
        scope[0] if len(scope) == 1 else None,
        period,
        rows=[(row.unit.name, row.figures) for row in rows if row.figures is not None],
        total=totals,
        row_header="Cơ quan, đơn vị",
        reporter_name=", ".join(unit.name for unit in scope) or "Toàn hệ thống",
    ).render()
    return rendered.download()


@login_required
def dossier_overview(request: HttpRequest, period_code: str) -> HttpResponse:
    period = _consolidator_period(request, period_code)
    rows, totals = province_rows(period, Unit.objects.consolidated_by(request.user))
    return render(
        request,
        "consolidation/dossier_overview.html",
        {
            "period": period,
            "rows": rows,
            "totals": totals,
            "total_rate": on_time_rate(totals),
            "kept": sum(1 for row in rows if row.figures is not None),
        },
    )
