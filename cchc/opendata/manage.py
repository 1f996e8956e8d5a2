"""The consolidator's open-data page for a period: what is published, a preview of what would
be published now, and the publish and withdraw forms (withdrawing serves rankings too)."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cchc.catalog.models import ReportTemplate
from cchc.consolidation.choice import Choice, consolidation_choice
from cchc.consolidation.engine import (
    INCLUDE_LABELS,
    Consolidated,
    ConsolidationError,
    consolidate,
)
from cchc.opendata import services
from cchc.opendata.forms import PublishForm, WithdrawForm
from cchc.opendata.models import Kind, Publication
from cchc.opendata.snapshot import Snapshot, shown_rows, take_snapshot
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404


def _choice(request: HttpRequest, data: QueryDict) -> Choice:
    """The unit, template and reports asked for, checked: consolidators and admins only."""
    return consolidation_choice(request, data, "Chỉ người tổng hợp mới công bố được số liệu.")


def _consolidate(choice: Choice, period: Period) -> Consolidated:
    try:
        return consolidate(choice.root, period.window, choice.template_code, choice.include)
    except ConsolidationError as exc:
        raise Http404(str(exc)) from exc


def _query(root: Unit, template_code: str, include: str) -> str:
    return urlencode({"unit": root.code, "template": template_code, "include": include})


def _page(
    request: HttpRequest,
    period: Period,
    choice: Choice,
    form: PublishForm | None = None,
) -> HttpResponse:
    result = _consolidate(choice, period)
    snapshot: Snapshot = take_snapshot(result)
    code = result.template.code
    history = list(
        Publication.objects.filter(kind=Kind.STATISTICS, root=choice.root, period__code=period.code)
        .select_related("published_by", "withdrawn_by")
        .defer("statistics")
        .order_by("-published_at", "-pk")
    )
    current = next((p for p in history if p.is_public and p.template_code == code), None)
    if form is None:
        details = services.default_details(
            request.user, choice.root, period.window, result.template
        )
        form = PublishForm(initial=asdict(details))
    templates = ReportTemplate.objects.filter(is_active=True).order_by("code", "-version")
    return render(
        request,
        "opendata/manage.html",
        {
            "period": period,
            "choice": choice,
            "result": result,
            "snapshot": snapshot,
            "rows": shown_rows(snapshot.rows),
            "current": current,
            "history": history,
            "form": form,
            "withdraw_form": WithdrawForm(),
            "templates": list(dict.fromkeys(t.code for t in templates)),
            "include_labels": INCLUDE_LABELS,
            "include_label": INCLUDE_LABELS[result.include],
            "may_publish": services.may_publish(request.user, choice.root),
            "missing": [part.unit for part in result.parts if not part.counted],
        },
    )


@login_required
@require_GET
def manage(request: HttpRequest, period_code: str) -> HttpResponse:
    choice = _choice(request, request.GET)
    period = period_or_404(period_code)
    if "include" not in request.GET:
        # Preview what is published by default: its template and its choice of reports.
        visible = Publication.objects.public().filter(
            kind=Kind.STATISTICS, root=choice.root, period__code=period.code
        )
        if choice.template_code:
            visible = visible.filter(template_code=choice.template_code)
        current = visible.order_by("-published_at").only("template_code", "include").first()
        if current is not None:
            choice.template_code, choice.include = current.template_code, current.include
    return _page(request, period, choice)


@login_required
@require_POST
def publish(request: HttpRequest, period_code: str) -> HttpResponse:
    choice = _choice(request, request.POST)
    period = period_or_404(period_code)
    form = PublishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            publication = services.publish(
                request.user,
                choice.root,
                period,
                data["template"],
                data["include"],
                form.details(),
                expected_fingerprint=data["fingerprint"],
            )
        except services.PublishError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Đã công bố số liệu {period.label} (phiên bản {publication.version}); "
                "người dùng không cần đăng nhập cũng xem và tải về được.",
            )
            query = _query(choice.root, publication.template_code, publication.include)
            return redirect(f"{reverse('opendata_manage', args=[period.code])}?{query}")
    choice.template_code = request.POST.get("template") or choice.template_code
    return _page(request, period, choice, form=form)


@login_required
@require_POST
def withdraw(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = get_object_or_404(
        Publication.objects.select_related("root", "period"), pk=publication_id
    )
    if not services.may_publish(request.user, publication.root):
        raise PermissionDenied("Chỉ người tổng hợp của đơn vị mới rút được số liệu đã công bố.")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(request.user, publication, form.cleaned_data["reason"])
        except services.PublishError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Đã rút số liệu {publication.period.label} (phiên bản {publication.version}) "
                "khỏi trang dữ liệu mở.",
            )
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
    if publication.is_ranking:
        args = [publication.scheme_code, publication.period.code]
        return redirect(f"{reverse('opendata_ranking', args=args)}?unit={publication.root.code}")
    query = _query(publication.root, publication.template_code, publication.include)
    return redirect(f"{reverse('opendata_manage', args=[publication.period.code])}?{query}")
