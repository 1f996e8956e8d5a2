"""Pages of the CCHC work registers: one set of views for every register in REGISTERS."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.audit.services import trail_of
from cchc.base import tables as dossier_imports
from cchc.base.exporters import Rendered
from cchc.base.sources import SOURCES, register_values
from cchc.base.tables import ImportRejected
from cchc.org import access
from cchc.org.models import Unit
from cchc.org.shortcuts import register_unit, visible_unit
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404
from cchc.records import services
from cchc.records.forms import form_class
from cchc.records.imports import sample_csv
from cchc.records.models import DeadlineRecord, Progress
from cchc.records.registry import BOOL, CHOICE, DATE, INT, REGISTERS, Column, RegisterSpec
from cchc.registers.upload_views import (
    import_mapped,
    mapping_needed,
    offer_fixes,
    report_rejection,
    report_result,
)

STATUS_BADGE = {
    Progress.ON_TIME: "v-early",
    Progress.LATE: "st-submitted_late",
    Progress.IN_PROGRESS: "v-on_time",
    Progress.OVERDUE: "v-late",
}
CELL_CLASS = {DATE: "nowrap", INT: "number"}


def _rows_visible(spec: RegisterSpec, request: HttpRequest) -> QuerySet:
    """The register's rows the user may see (every register model has visible_to)."""
    manager: Any = spec.model._default_manager
    return manager.visible_to(request.user)


def _spec(slug: str) -> RegisterSpec:
    if slug not in REGISTERS:
        raise Http404("Không có sổ theo dõi này")
    return REGISTERS[slug]


def _record(spec: RegisterSpec, unit: Unit, pk: int) -> models.Model:
    return get_object_or_404(spec.model, unit=unit, pk=pk)


def _period(request: HttpRequest) -> Period:
    return period_or_404(request.GET.get("period") or request.POST.get("period"))


def _list_url(spec: RegisterSpec, unit: Unit, period: Period) -> str:
    return f"/units/{unit.code}/records/{spec.slug}/?period={period.code}"


def _cell(record: models.Model, column: Column, short: bool = False) -> str:
    value = getattr(record, column.field)
    if column.kind == CHOICE:
        if short and value in column.short:
            return column.short[value]
        return getattr(record, f"get_{column.field}_display")()
    if column.kind == DATE:
        return f"{value:%d/%m/%Y}" if value else ""
    if column.kind == BOOL:
        return "Có" if value else "Không"
    return "" if value is None else str(value)


@login_required
def index(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    period = _period(request)
    registers = [
        (spec, _rows_visible(spec, request).filter(unit=unit).count())
        for spec in REGISTERS.values()
    ]
    return render(
        request,
        "records/index.html",
        {"unit": unit, "period": period, "registers": registers},
    )


@login_required
def register_list(request: HttpRequest, unit_code: str, register: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    spec = _spec(register)
    period = _period(request)
    rows = spec.in_period(_rows_visible(spec, request).filter(unit=unit), period.start, period.end)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    lines = []
    for record in page:
        status = record.status_at(period.end) if isinstance(record, DeadlineRecord) else None
        lines.append(
            {
                "record": record,
                "cells": [
                    (_cell(record, column, short=True), CELL_CLASS.get(column.kind, ""))
                    for column in spec.columns
                ],
                "status": status,
                "badge": STATUS_BADGE.get(status, "") if status else "",
                "due_on": getattr(record, "due_on", None),
            }
        )
    figures = register_values(spec.summary, unit, period.start, period.end)
    summary = [(SOURCES[name][0], figures[name]) for name in spec.summary]
    return render(
        request,
        "records/list.html",
        {
            "unit": unit,
            "spec": spec,
            "period": period,
            "heading": spec.heading(period.label, period.end),
            "page": page,
            "lines": lines,
            "summary": summary,
            "total": spec.model._default_manager.filter(unit=unit).count(),
            "can_edit": access.can_edit_registers(request.user, unit),
        },
    )


def _edit(request: HttpRequest, unit: Unit, spec: RegisterSpec, record) -> HttpResponse:
    period = _period(request)
    form = form_class(spec)(request.POST or None, instance=record, unit=unit)
    if request.method == "POST" and form.is_valid():
        saved = services.save_record(request.user, spec, unit, form)
        messages.success(request, f"Đã lưu {spec.verbose_name} «{saved}».")
        return redirect(_list_url(spec, unit, period))
    return render(
        request,
        "records/form.html",
        {
            "unit": unit,
            "spec": spec,
            "period": period,
            "form": form,
            "record": record,
            "lines": trail_of(record, request.user) if record is not None else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])  # GET shows the form and writes nothing
def create(request: HttpRequest, unit_code: str, register: str) -> HttpResponse:
    unit = register_unit(request, unit_code)
    return _edit(request, unit, _spec(register), None)


@login_required
@require_http_methods(["GET", "POST"])  # GET shows the form and writes nothing
def edit(request: HttpRequest, unit_code: str, register: str, pk: int) -> HttpResponse:
    unit = register_unit(request, unit_code)
    spec = _spec(register)
    return _edit(request, unit, spec, _record(spec, unit, pk))


@login_required
@require_GET
def history(request: HttpRequest, unit_code: str, register: str, pk: int) -> HttpResponse:
    """A row's trail, for everyone who may see the unit (its edit page is for reporters)."""
    unit = visible_unit(request, unit_code)
    spec = _spec(register)
    record = _record(spec, unit, pk)
    return render(
        request,
        "records/history.html",
        {
            "unit": unit,
            "spec": spec,
            "period": _period(request),
            "record": record,
            "lines": trail_of(record, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])  # GET shows the form and writes nothing
def delete(request: HttpRequest, unit_code: str, register: str, pk: int) -> HttpResponse:
    unit = register_unit(request, unit_code)
    spec = _spec(register)
    record = _record(spec, unit, pk)
    period = _period(request)
    blocked = spec.delete_blocked(record) if spec.delete_blocked else None
    if blocked:  # said at once, not after the confirmation (the service checks again)
        messages.error(request, blocked)
        return redirect(_list_url(spec, unit, period))
    if request.method == "POST":
        text = str(record)
        services.delete_record(request.user, spec, unit, record)
        messages.success(request, f"Đã xóa {spec.verbose_name} «{text}».")
        return redirect(_list_url(spec, unit, period))
    cells = [(column.header, _cell(record, column)) for column in spec.columns]
    return render(
        request,
        "records/delete.html",
        {"unit": unit, "spec": spec, "period": period, "record": record, "cells": cells},
    )


@login_required
@require_POST
def upload(request: HttpRequest, unit_code: str, register: str) -> HttpResponse:
    """Import at once when the header row is the register's own (or a saved mapping fits the
    file); otherwise keep the file and ask for the mapping (cchc.registers.upload_views)."""
    unit = register_unit(request, unit_code)
    spec = _spec(register)
    period = _period(request)
    back = redirect(_list_url(spec, unit, period))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chưa chọn tệp để nhập.")
        return back
    limit = dossier_imports.MAX_UPLOAD_BYTES
    size, name = upload.size or 0, upload.name or "tải lên"
    if size > limit:
        messages.error(
            request,
            f"Tệp {name} có {size / (1024 * 1024):.1f} MB, lớn hơn giới hạn "
            f"{limit // (1024 * 1024)} MB; hãy chia nhỏ tệp rồi nhập từng phần.",
        )
        return back
    data, good_rows_only = upload.read(), request.POST.get("mode") == "good_rows"
    kind, saved = spec.slug, None
    try:
        if spec.importer is None:
            to_map, saved = mapping_needed(
                request, unit, data, name, kind, good_rows_only, period.code
            )
            if to_map is not None:
                return to_map
        if saved is not None:
            result = import_mapped(request, unit, data, name, kind, saved, good_rows_only)
        else:
            result = services.import_register(
                request.user, spec, unit, data, name, good_rows_only=good_rows_only
            )
    except ImportRejected as exc:
        report_rejection(request, exc)
        if spec.importer is None:
            offer_fixes(request, unit, data, name, kind, saved, exc.errors, good_rows_only)
        return back
    report_result(request, result, spec.title)
    if spec.importer is None:
        offer_fixes(request, unit, data, name, kind, saved, result.skipped, good_rows_only)
    return back


@login_required
def sample(request: HttpRequest, unit_code: str, register: str) -> HttpResponse:
    visible_unit(request, unit_code)
    spec = _spec(register)
    return Rendered(f"mau-{spec.slug}.csv", "text/csv; charset=utf-8", sample_csv(spec)).download()
