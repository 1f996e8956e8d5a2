"""The dossier register of a unit: Biểu II.06a for a period (per field, rates, charts, XLSX),
import with a column-mapping step, the TTHC catalogue upload, and each dossier's explanation
and apology letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.audit.services import trail_of
from cchc.base.rowgroups import grouped
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
from cchc.registers.forms import ApologyForm, MappingForm, is_overdue
from cchc.registers.imports import MAX_UPLOAD_BYTES, ImportRejected, ImportResult, read_table
from cchc.registers.mapping import (
    MappingTaken,
    discard_upload,
    guess_mapping,
    import_file,
    import_frame,
    is_standard,
    keep_upload,
    known_names,
    pending_upload,
    read_headers,
    save_mapping,
    saved_mapping_for,
)
from cchc.registers.models import ColumnMapping, Dossier, ImportKind, Procedure
from cchc.registers.regimes import regime_on
from cchc.registers.services import cut_off_label, record_apology
from cchc.registers.stats import received_by, window_stats
from cchc.registers.xlsx import DossierStatsXlsx

SHOWN_ERRORS = 30
SAMPLE_ROWS = 3


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


def _report_rejection(request: HttpRequest, exc: ImportRejected) -> None:
    messages.error(request, str(exc))
    lines = grouped(exc.errors)
    for line in lines[:SHOWN_ERRORS]:
        messages.error(request, line)
    if len(lines) > SHOWN_ERRORS:
        messages.error(request, f"… và {len(lines) - SHOWN_ERRORS} lỗi khác.")


def _report_result(request: HttpRequest, result: ImportResult, what: str) -> None:
    messages.success(request, f"{what}: {result.summary}")
    for warning in result.warnings:
        messages.warning(request, f"Lưu ý — {warning}")
    lines = grouped(result.skipped)
    for line in lines[:SHOWN_ERRORS]:
        messages.warning(request, f"Bỏ qua — {line}")
    if len(lines) > SHOWN_ERRORS:
        messages.warning(request, f"… và {len(lines) - SHOWN_ERRORS} lỗi khác.")


def _upload(request: HttpRequest, unit_code: str, kind: str) -> HttpResponse:
    """Import at once when the header is standard or a saved mapping fits; otherwise keep
    the file and ask for the mapping."""
    unit = register_unit(request, unit_code)
    period_code = request.POST.get("period", "")
    back = redirect(_page_url(unit, period_code))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chưa chọn tệp để nhập.")
        return back
    size, name = upload.size or 0, upload.name or "tải lên"
    if size > MAX_UPLOAD_BYTES:
        messages.error(
            request,
            f"Tệp {name} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp.",
        )
        return back
    what = ImportKind(kind).label
    good_rows_only = request.POST.get("mode") == "good_rows"
    data = upload.read()
    try:
        headers = read_headers(data, name, kind)
        mapping = None
        if not is_standard(headers, kind):
            saved = saved_mapping_for(headers, kind)
            if saved is None:
                pending = keep_upload(data, name, unit, kind, request.user, good_rows_only)
                url = reverse("map_upload", args=[unit.code, pending.token])
                return redirect(f"{url}?period={period_code}")
            messages.info(request, f"Dùng cách ghép cột đã lưu cho nguồn «{saved.name}».")
            mapping = saved.columns
        result = import_file(
            data,
            name,
            unit,
            kind,
            mapping,
            good_rows_only=good_rows_only,
            user=request.user,
        )
    except ImportRejected as exc:
        _report_rejection(request, exc)
        return back
    _report_result(request, result, what)
    return back


@login_required
@require_POST
def upload_dossiers(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _upload(request, unit_code, ImportKind.DOSSIERS)


@login_required
@require_POST
def upload_procedures(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _upload(request, unit_code, ImportKind.PROCEDURES)


@login_required
@require_http_methods(["GET", "POST"])  # GET shows the mapping and writes nothing
def map_upload(request: HttpRequest, unit_code: str, token: str) -> HttpResponse:
    """The mapping page of a kept upload: choose the file's column for each standard one,
    name the source, import, and save the mapping."""
    unit = register_unit(request, unit_code)
    pending = pending_upload(token, unit, request.user)
    period_code = request.GET.get("period") or request.POST.get("period", "")
    if pending is None:
        messages.error(
            request, "Tệp đã tải lên không còn (quá một ngày hoặc đã nhập); hãy tải lại."
        )
        return redirect(_page_url(unit, period_code))
    try:
        frame = read_table(pending.read(), pending.filename, known_names(pending.kind))
    except ImportRejected as exc:
        discard_upload(token)
        _report_rejection(request, exc)
        return redirect(_page_url(unit, period_code))
    headers = list(frame.columns)
    kind = pending.kind
    if request.method == "POST":
        form = MappingForm(request.POST, kind=kind, headers=headers)
        if form.is_valid():
            name = form.cleaned_data["source_name"].strip()
            try:
                with transaction.atomic():
                    save_mapping(kind, name, form.mapping(), request.user)
                    result = import_frame(
                        frame,
                        pending.filename,
                        unit,
                        kind,
                        form.mapping(),
                        good_rows_only=pending.good_rows_only,
                        user=request.user,
                    )
            except MappingTaken as exc:
                form.add_error("source_name", str(exc))
            except ImportRejected as exc:
                _report_rejection(request, exc)
            else:
                discard_upload(token)
                _report_result(request, result, ImportKind(kind).label)
                messages.info(request, f"Đã lưu cách ghép cột cho nguồn «{name}».")
                return redirect(_page_url(unit, period_code))
    else:
        guess = guess_mapping(headers, kind)
        initial = {
            name: guess.get(standard, "")
            for name, standard in MappingForm(kind=kind, headers=headers).columns
        }
        form = MappingForm(initial=initial, kind=kind, headers=headers)
    samples = {
        header: [value for value in frame[header].head(SAMPLE_ROWS) if value] for header in headers
    }
    rows = [
        (field, standard, required, samples.get(field.value() or "", []))
        for field, standard, required in form.rows()
    ]
    return render(
        request,
        "registers/mapping.html",
        {
            "unit": unit,
            "pending": pending,
            "kind_what": "hồ sơ TTHC" if kind == ImportKind.DOSSIERS else "danh mục TTHC",
            "form": form,
            "rows": rows,
            "headers": headers,
            "samples": samples,
            "period_code": period_code,
            "row_count": len(frame),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )
