"""The dossier register of a unit: Biểu II.06a for a period, import, and each dossier's
explanation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period, working_calendar
from cchc.periods.windows import PeriodCodeError
from cchc.registers.explain import explain
from cchc.registers.imports import ImportRejected, import_dossiers
from cchc.registers.models import Dossier, Procedure
from cchc.registers.stats import window_stats


def _unit(request: HttpRequest, code: str) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    if not access.can_view_unit(request.user, unit):
        raise Http404("Không tìm thấy đơn vị")
    return unit


@login_required
def dossiers(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    try:
        period = Period.objects.for_code(request.GET.get("period") or "Q3-2022")
    except PeriodCodeError as exc:
        raise Http404(str(exc)) from exc
    register = Dossier.objects.filter(unit=unit)
    figures = window_stats(register, period.start, period.end)
    in_window = register.filter(received_at__date__lte=period.end).order_by("-received_at")
    page = Paginator(in_window, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registers/dossiers.html",
        {
            "unit": unit,
            "period": period,
            "figures": figures,
            "page": page,
            "catalogue_size": Procedure.objects.filter(unit=unit).count(),
            "can_import": access.can_edit_registers(request.user, unit),
        },
    )


@login_required
def dossier_detail(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    dossier = get_object_or_404(Dossier, unit=unit, code=code)
    procedure = Procedure.objects.filter(unit=unit, code=dossier.procedure_code).first()
    return render(
        request,
        "registers/dossier.html",
        {
            "unit": unit,
            "dossier": dossier,
            "procedure": procedure,
            "lines": explain(dossier, procedure, working_calendar()),
        },
    )


@login_required
@require_POST
def upload_dossiers(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    if not access.can_edit_registers(request.user, unit):
        raise PermissionDenied("Chỉ người báo cáo của đơn vị mới nhập được hồ sơ.")
    upload = request.FILES.get("file")
    back = redirect(f"/units/{unit.code}/dossiers/?period={request.POST.get('period', '')}")
    if upload is None:
        messages.error(request, "Chưa chọn tệp để nhập.")
        return back
    try:
        result = import_dossiers(
            upload.read(), upload.name, unit, good_rows_only=request.POST.get("mode") == "good_rows"
        )
    except ImportRejected as exc:
        messages.error(request, str(exc))
        for error in exc.errors[:30]:
            messages.error(request, str(error))
        if len(exc.errors) > 30:
            messages.error(request, f"… và {len(exc.errors) - 30} lỗi khác.")
        return back
    messages.success(request, result.summary)
    for error in result.skipped[:30]:
        messages.warning(request, f"Bỏ qua — {error}")
    return back
