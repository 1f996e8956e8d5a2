"""The dossier register of a unit: Biểu II.06a for a period (per field, rates, charts, XLSX),
import with a column-mapping step, the TTHC catalogue upload, and each dossier's explanation
and apology letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cchc.audit.services import trail_of
from cchc.org import access
from cchc.org.models import Unit
from cchc.org.shortcuts import register_unit, visible_unit
from cchc.periods.models import working_calendar
from cchc.periods.shortcuts import period_or_404
from cchc.registers.charts import CHARTS
from cchc.registers.explain import explain
from cchc.registers.figures import (
    field_stats,
    overdue_dossiers,
    progress_rate,
    rates,
    year_series,
)
from cchc.registers.forms import ApologyForm, is_overdue
from cchc.registers.models import ColumnMapping, Dossier, Procedure
from cchc.registers.regimes import regime_on
from cchc.registers.services import cut_off_label, record_apology
from cchc.registers.stats import received_by, window_stats
from cchc.registers.xlsx import DossierStatsXlsx

SHOWN_ERRORS = 30
SAMPLE_ROWS = 3
PREVIEW_COLUMNS = 12  # of the header-row preview


def _page_url(unit: Unit, period_code: str) -> str:
    url = reverse("dossiers", args=[unit.code])
    return f"{url}?period={period_code}" if period_code else url


@login_required
def dossiers(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    period = period_or_404(request.GET.get("period"))
    register = Dossier.objects.visible_to(request.user).filter(unit=unit)
    figures = window_stats(register, period.start, period.end)
    in_window = register.filter(received_by(period.end)).order_by("-received_at")
    page = Paginator(in_window, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registers/dossiers.html",
        {
            "unit": unit,
            "period": period,
            "figures": figures,
            "fields": field_stats(unit, period.start, period.end),
            "rates": rates(unit, period.start, period.end),
            "progress_rate": progress_rate(figures),
            "year_rows": year_series(unit, period.end.year, timezone.localdate()),
            "overdue": overdue_dossiers(register, period.start, period.end)[:200],
            "page": page,
            "catalogue_size": Procedure.objects.filter(unit=unit).count(),
            "can_import": access.can_edit_registers(request.user, unit),
            "cut_off": cut_off_label(),
            "mappings": ColumnMapping.objects.all(),
        },
    )


@login_required
@require_GET
def stats_xlsx(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    rendered = DossierStatsXlsx(unit, period_or_404(request.GET.get("period"))).render()
    return rendered.download()


@login_required
@require_GET
def chart(request: HttpRequest, unit_code: str, key: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    if key not in CHARTS:
        raise Http404("Không có biểu đồ này")
    period = period_or_404(request.GET.get("period"))
    png = CHARTS[key](unit, period.start, period.end)
    if png is None:
        raise Http404("Kỳ này chưa có số liệu cho biểu đồ")
    return HttpResponse(png, content_type="image/png")


def _detail(
    request: HttpRequest, unit: Unit, dossier: Dossier, form: ApologyForm | None, status=200
) -> HttpResponse:
    procedure = Procedure.objects.filter(unit=unit, code=dossier.procedure_code).first()
    can_edit = access.can_edit_registers(request.user, unit)
    if form is None and can_edit and (is_overdue(dossier) or dossier.apology_number):
        initial = {
            "number": dossier.apology_number,
            "apology_on": dossier.apology_on,
            "new_due_on": dossier.new_due_on,
        }
        form = ApologyForm(initial=initial, dossier=dossier)
    return render(
        request,
        "registers/dossier.html",
        {
            "unit": unit,
            "dossier": dossier,
            "procedure": procedure,
            "lines": explain(dossier, procedure, working_calendar()),
            "form": form if can_edit else None,
            "history": trail_of(dossier, request.user),
            "regime": regime_on(timezone.localtime(dossier.received_at).date()),
        },
        status=status,
    )


@login_required
def dossier_detail(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    return _detail(request, unit, get_object_or_404(Dossier, unit=unit, code=code), None)


@login_required
@require_POST
def dossier_apology(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    unit = register_unit(request, unit_code)
    dossier = get_object_or_404(Dossier, unit=unit, code=code)
    form = ApologyForm(request.POST, dossier=dossier)
    if not form.is_valid():
        return _detail(request, unit, dossier, form, status=400)
    record_apology(
        request.user,
        dossier,
        form.cleaned_data["number"],
        form.cleaned_data["apology_on"],
        form.cleaned_data["new_due_on"],
    )
    messages.success(request, f"Đã ghi văn bản xin lỗi số {dossier.apology_number}.")
    return redirect("dossier_detail", unit.code, dossier.code)
