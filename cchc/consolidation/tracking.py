"""Submission tracking pages of the consolidator: the overview's filter and sort, its XLSX,
the history across periods, a unit's deadline extension and the acknowledgement of receipt."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from cchc.audit.models import AuditEntry
from cchc.consolidation.overview import (
    KIND_RANK,
    STATE_LABELS,
    Overview,
    OverviewRow,
    history,
    history_periods,
    period_overview,
    tracked_since,
    tracking,
)
from cchc.consolidation.xlsx import OverviewXlsx
from cchc.org import access
from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404
from cchc.registers.catalogue import normalise
from cchc.reports import services
from cchc.reports.models import DeadlineExtension, Report, Status

STATE_FILTERS: dict[str, tuple[str, Callable[[OverviewRow], bool]]] = {
    "received": ("Đã gửi (kể cả đã phê duyệt)", lambda row: row.received),
    "on_time": ("Đã gửi đúng hạn", lambda row: row.late is False),
    "late": ("Đã gửi trễ hạn", lambda row: bool(row.late)),
    "unacknowledged": ("Đã gửi, chưa tiếp nhận", lambda row: row.received and not row.acknowledged),
    "acknowledged": ("Đã tiếp nhận", lambda row: row.acknowledged),
    "not_received": (
        "Chưa gửi (chưa báo cáo, đang soạn, bị trả lại)",
        lambda row: not row.received,
    ),
    "overdue": ("Quá hạn chưa gửi", lambda row: row.days_overdue is not None),
    "not_started": ("Chưa báo cáo", lambda row: row.report is None),
    "draft": ("Đang soạn", lambda row: row.status == Status.DRAFT),
    "returned": ("Bị trả lại", lambda row: row.status == Status.RETURNED),
    "submitted": ("Đã gửi, chờ phê duyệt", lambda row: row.status == Status.SUBMITTED),
    "approved": ("Đã phê duyệt", lambda row: row.status == Status.APPROVED),
    "extended": ("Được gia hạn", lambda row: row.is_extended),
}
STATE_ORDER = {state: rank for rank, state in enumerate(STATE_LABELS)}
# Sort keys: a row without the value (not sent, not late) goes last in either direction.
SORTS: dict[str, tuple[str, Callable[[OverviewRow], Any]]] = {
    "unit": ("Đơn vị", lambda row: (KIND_RANK[row.unit.kind], row.unit.code)),
    "state": ("Trạng thái", lambda row: STATE_ORDER[row.state]),
    "sent": ("Ngày gửi", lambda row: row.sent_at),
    "late": (
        "Số ngày trễ",
        lambda row: row.days_late if row.days_late else row.days_overdue,
    ),
}
SORT_CHOICES = [(key, label) for key, (label, _) in SORTS.items()] + [
    (f"-{key}", f"{label} (giảm dần)") for key, (label, _) in SORTS.items()
]


class OverviewFilter(forms.Form):
    state = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Tất cả")] + [(k, label) for k, (label, _) in STATE_FILTERS.items()],
    )
    kind = forms.ChoiceField(
        label="Loại đơn vị", required=False, choices=[("", "Tất cả"), *UnitKind.choices]
    )
    q = forms.CharField(label="Tên hoặc mã đơn vị", required=False, max_length=100)
    sort = forms.ChoiceField(label="Sắp xếp theo", required=False, choices=SORT_CHOICES)

    def value(self, name: str) -> str:
        """The field's valid value ('' when absent or refused)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""

    def apply(self, rows: list[OverviewRow]) -> list[OverviewRow]:
        state, kind, text = self.value("state"), self.value("kind"), normalise(self.value("q"))
        if state:
            rows = [row for row in rows if STATE_FILTERS[state][1](row)]
        if kind:
            rows = [row for row in rows if row.unit.kind == kind]
        if text:
            rows = [row for row in rows if text in _searchable(row.unit)]
        sort = self.value("sort") or "unit"
        key = SORTS[sort.lstrip("-")][1]
        by_unit = sorted(rows, key=SORTS["unit"][1])
        valued = [row for row in by_unit if key(row) is not None]
        blank = [row for row in by_unit if key(row) is None]
        return sorted(valued, key=key, reverse=sort.startswith("-")) + blank

    def params(self, **changes: str) -> str:
        """The valid parameters as a query string, with `changes` applied."""
        values = {name: self.value(name) for name in ("state", "kind", "q", "sort")}
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value})

    def described(self) -> str:
        """The filter in words, for the XLSX heading; '' for none."""
        parts = []
        if self.value("state"):
            parts.append(f"trạng thái: {STATE_FILTERS[self.value('state')][0]}")
        if self.value("kind"):
            parts.append(f"loại đơn vị: {UnitKind(self.value('kind')).label}")
        if self.value("q"):
            parts.append(f"tìm: “{self.value('q')}”")
        return "; ".join(parts)


def _searchable(unit: Unit) -> str:
    return normalise(f"{unit.code} {unit.name} {unit.short_name}")


def _consolidator_period(request: HttpRequest, period_code: str) -> Period:
    if not access.can_consolidate(request.user):
        raise PermissionDenied("Chỉ người tổng hợp mới xem được trang này.")
    return period_or_404(period_code)


def filtered_overview(request: HttpRequest, period: Period) -> tuple[Overview, OverviewFilter]:
    """The period's overview of the units the user consolidates and its GET filter."""
    overview = period_overview(period, Unit.objects.consolidated_by(request.user))
    return overview, OverviewFilter(request.GET)


def sort_links(form: OverviewFilter) -> dict[str, str]:
    """For each sortable column, the query string sorting by it (again: the other way)."""
    current = form.value("sort") or "unit"
    return {key: form.params(sort=f"-{key}" if current == key else key) for key in SORTS}


@login_required
def overview_xlsx(request: HttpRequest, period_code: str) -> HttpResponse:
    """The overview as shown, same filter and order: the counts, then the rows."""
    period = _consolidator_period(request, period_code)
    overview, form = filtered_overview(request, period)
    scope = access.consolidation_roots(request.user)
    return (
        OverviewXlsx(
            overview,
            form.apply(overview.rows),
            filter_text=form.described(),
            consolidator=", ".join(unit.name for unit in scope) or "Toàn hệ thống",
            default_deadline=services.template_deadline(period),
        )
        .render()
        .download()
    )


@login_required
def overview_history(request: HttpRequest, period_code: str) -> HttpResponse:
    """Each unit's submissions over the last periods of the same kind ending at this one."""
    period = _consolidator_period(request, period_code)
    periods = history_periods(period)
    overviews = tracking(periods, Unit.objects.consolidated_by(request.user))
    first = tracked_since(overviews)
    return render(
        request,
        "consolidation/history.html",
        {
            "period": period,
            "columns": [(index >= first, o) for index, o in enumerate(overviews)],
            # The first and last of the periods before cchc kept any report, if any.
            "untracked": (overviews[0], overviews[first - 1]) if first else None,
            "rows": history(overviews),
        },
    )


def _consolidated_unit(request: HttpRequest, unit_code: str) -> Unit:
    unit = get_object_or_404(Unit, code=unit_code)
    if not Unit.objects.consolidated_by(request.user).filter(pk=unit.pk).exists():
        raise Http404("Không tìm thấy đơn vị")
    return unit


def _parse_day(raw: str) -> datetime.date:
    text = raw.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise services.WorkflowError(
        f"Hạn gia hạn: không đọc được ngày “{text}”; ghi theo dạng ngày/tháng/năm, "
        "ví dụ 30/09/2022."
        if text
        else "Hạn gia hạn: phải ghi ngày được gia hạn đến."
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_deadline(request: HttpRequest, period_code: str, unit_code: str) -> HttpResponse:
    """A unit's deadline for a period: the regular one, the extension, granting, changing or
    withdrawing it (POST), and its trail."""
    period = _consolidator_period(request, period_code)
    unit = _consolidated_unit(request, unit_code)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                services.withdraw_extension(
                    request.user, unit, period, request.POST.get("reason", "")
                )
                messages.success(request, "Đã thu hồi gia hạn; đơn vị theo hạn gửi chung.")
            else:
                day = _parse_day(request.POST.get("deadline", ""))
                granted = services.grant_extension(
                    request.user, unit, period, day, request.POST.get("reason", "")
                )
                messages.success(request, f"Đã gia hạn đến ngày {granted.deadline:%d/%m/%Y}.")
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("unit_deadline", period_code=period.code, unit_code=unit.code)
    extension = (
        DeadlineExtension.objects.filter(unit=unit, period__code=period.code)
        .select_related("granted_by")
        .first()
    )
    report = (
        Report.objects.filter(unit=unit, period__code=period.code)
        .select_related("period", "template")
        .first()
    )
    trail = AuditEntry.objects.filter(unit=unit, action__startswith="report.extension.").filter(
        data__period=period.code
    )
    return render(
        request,
        "consolidation/deadline.html",
        {
            "period": period,
            "unit": unit,
            "report": report,
            "extension": extension,
            "regular": report.regular_deadline if report else services.template_deadline(period),
            "can_extend": access.can_extend_deadline(request.user, unit),
            "trail": trail.select_related("user").order_by("-at", "-pk"),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, report_id: int) -> HttpResponse:
    """Mark a sent report as received ("đã tiếp nhận"); back to where the button was."""
    report = get_object_or_404(
        Report.objects.select_related("unit", "period", "template"), pk=report_id
    )
    if not access.can_view_report(request.user, report):
        raise Http404("Không tìm thấy báo cáo")
    try:
        services.acknowledge_report(request.user, report)
        messages.success(request, f"Đã tiếp nhận báo cáo của {report.unit.name}.")
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("report", args=[report.pk])
    return redirect(target)
