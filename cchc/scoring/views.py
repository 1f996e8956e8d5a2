"""Scoring pages: the ranking of a province's units on a scheme for a period, a unit's score
with the figures behind every criterion, the rows behind a numerator or denominator, and
the consolidator's entry of the figures cchc cannot compute."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.base.tables import MAX_UPLOAD_BYTES, ImportRejected
from cchc.consolidation.choice import consolidation_choice
from cchc.org.models import UnitKind
from cchc.org.shortcuts import visible_unit
from cchc.periods.models import Period
from cchc.periods.shortcuts import period_or_404
from cchc.periods.windows import Window, calendar_window, parse_period
from cchc.scoring import measures
from cchc.scoring.dashboards import kind_summaries, trend
from cchc.scoring.engine import newest_scheme, score_unit, scoring_days
from cchc.scoring.entered import COLUMNS, EntryError, can_enter, enter_figure, import_figures
from cchc.scoring.models import Method, Scheme
from cchc.scoring.rankings import rank_units

PARTS = {"numerator": "tử số", "denominator": "mẫu số"}


def scheme_or_404(code: str) -> Scheme:
    scheme = newest_scheme(code)
    if scheme is None:
        raise Http404(f"Không có bộ tiêu chí mã '{code}'.")
    return scheme


def scheme_period_or_404(scheme: Scheme, code: str) -> Period:
    period = period_or_404(code)
    if period.kind not in scheme.period_kinds:
        raise Http404(
            f"Bộ tiêu chí {scheme.name} chấm theo {', '.join(scheme.period_kinds)}, không chấm "
            f"kỳ {period.code}."
        )
    return period


def recent_periods(scheme: Scheme, today: datetime.date, count: int = 4) -> list[str]:
    """The last periods of the scheme's shortest kind, the one under way first (a year's
    index is scored in its last weeks, before the year ends)."""
    kind = next((k for k in ("month", "quarter", "year") if k in scheme.period_kinds), None)
    if kind is None:
        return []
    code = {
        "month": f"M{today.month}-{today.year}",
        "quarter": f"Q{(today.month - 1) // 3 + 1}-{today.year}",
        "year": f"Y-{today.year}",
    }[kind]
    window: Window | None = parse_period(code)
    codes: list[str] = []
    while window is not None and len(codes) < count:
        if calendar_window(window).start <= today:
            codes.append(window.code)
        window = window.previous()
    return codes


@login_required
@require_GET
def schemes(request: HttpRequest) -> HttpResponse:
    choice = consolidation_choice(request, refusal="Chỉ người tổng hợp mới xem được xếp hạng.")
    if request.GET.get("scheme") and request.GET.get("period"):
        url = reverse("ranking", args=[request.GET["scheme"], request.GET["period"].strip()])
        return redirect(f"{url}?unit={choice.root.code}")
    today = timezone.localdate()
    found = Scheme.objects.filter(is_active=True).order_by("code", "-version")
    newest: dict[str, Scheme] = {}
    for scheme in found:
        newest.setdefault(scheme.code, scheme)
    return render(
        request,
        "scoring/schemes.html",
        {
            "schemes": [(s, recent_periods(s, today)) for s in newest.values()],
            "choice": choice,
        },
    )


@login_required
@require_GET
def ranking_page(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    """The units of each kind the scheme scores, ranked, with the change since the period
    before and what each lacks."""
    choice = consolidation_choice(request, refusal="Chỉ người tổng hợp mới xem được xếp hạng.")
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    found = rank_units(scheme, period, choice.root)
    return render(
        request,
        "scoring/ranking.html",
        {
            "scheme": scheme,
            "period": period,
            "previous": found.previous,
            "days": found.days,
            "choice": choice,
            "tables": [(kind.label, kind.kind, kind.rows) for kind in found.kinds],
            "areas": found.areas,
            "self_assessed": found.self_assessed,
        },
    )


@login_required
@require_GET
def unit_score(
    request: HttpRequest, unit_code: str, scheme_code: str, period_code: str
) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    score = score_unit(scheme, unit, period.window)
    listable = {
        item.code: {part: _listable(item.criterion.rule.get(part)) for part in PARTS}
        for item in score.items
        if item.criterion.method == Method.RULE
    }
    worst = sorted(
        (a for a in score.areas if a.criterion.level == 1), key=lambda a: a.points - a.max_points
    )
    return render(
        request,
        "scoring/unit_score.html",
        {
            "unit": unit,
            "scheme": scheme,
            "period": period,
            "score": score,
            "listable": listable,
            "areas_by_loss": worst,
            "can_enter": can_enter(request.user, unit),
            "self_assessed": scheme.criteria.filter(method=Method.SELF, children=None).exists(),
            "chart": {
                "type": "bar",
                "labels": [a.criterion.title for a in score.areas if a.criterion.level == 1],
                "values": [
                    float(a.points) if a.has_figures else None
                    for a in score.areas
                    if a.criterion.level == 1
                ],
                "decimals": 2,
                "title": "Điểm đạt theo lĩnh vực",
            },
        },
    )


LISTED = {"dossier", "procedure", "feedback"}  # the registers behind.html lists


def _listable(names) -> bool:
    parts = names if isinstance(names, list) else [names]
    return bool(parts) and all(
        name in measures.MEASURES and measures.MEASURES[name].model._meta.model_name in LISTED
        for name in parts
    )


@login_required
@require_GET
def behind(
    request: HttpRequest, unit_code: str, scheme_code: str, period_code: str, code: str, part: str
) -> HttpResponse:
    """The dossiers (or procedures, feedback) counted in a criterion's numerator or
    denominator."""
    unit = visible_unit(request, unit_code)
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    criterion = scheme.criteria.filter(code=code, method=Method.RULE).first()
    if criterion is None or part not in PARTS:
        raise Http404("Tiêu chí này không tính từ số liệu của cchc.")
    names = criterion.rule.get(part)
    names = names if isinstance(names, list) else [names]
    if not _listable(names):
        raise Http404("Số liệu này không liệt kê được từng dòng.")
    days = scoring_days(scheme, period.window)
    groups = []
    for name in names:
        measure = measures.MEASURES[name]
        rows = measures.rows(name, unit.pk, days.start, days.end)
        page = Paginator(rows.order_by("pk"), 100).get_page(request.GET.get(name))
        groups.append((name, measure, page, measure.model.__name__.lower()))
    return render(
        request,
        "scoring/behind.html",
        {
            "unit": unit,
            "scheme": scheme,
            "period": period,
            "criterion": criterion,
            "part": PARTS[part],
            "complement": part == "numerator" and criterion.rule.get("complement"),
            "days": days,
            "groups": groups,
        },
    )


@login_required
@require_POST
def enter(request: HttpRequest, unit_code: str, scheme_code: str, period_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    if not can_enter(request.user, unit):
        raise PermissionDenied("Chỉ người tổng hợp của tỉnh mới nhập số liệu này.")
    stored = Period.objects.for_code(period.code)
    try:
        enter_figure(
            request.user, scheme, request.POST.get("criterion", ""), unit, stored, request.POST
        )
    except EntryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã lưu số liệu tiêu chí {request.POST.get('criterion')}.")
    return redirect(reverse("unit_score", args=[unit.code, scheme.code, period.code]))


@login_required
@require_http_methods(["GET", "POST"])
def import_entered(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    """A CSV/XLSX of the portal's figures for many units at once, all rows or none."""
    choice = consolidation_choice(request, request.POST if request.method == "POST" else None)
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Chọn tệp CSV hoặc XLSX để nhập.")
        elif (upload.size or 0) > MAX_UPLOAD_BYTES:
            messages.error(request, f"Tệp {upload.name} quá lớn.")
        else:
            try:
                result = import_figures(
                    request.user,
                    scheme,
                    Period.objects.for_code(period.code),
                    upload.read(),
                    upload.name or "tệp",
                )
            except ImportRejected as exc:
                messages.error(request, str(exc))
                errors = exc.errors
            else:
                messages.success(request, result.summary)
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(
                    reverse("ranking", args=[scheme.code, period.code])
                    + f"?unit={choice.root.code}"
                )
    return render(
        request,
        "scoring/import_entered.html",
        {
            "scheme": scheme,
            "period": period,
            "choice": choice,
            "columns": list(COLUMNS),
            "criteria": scheme.criteria.filter(method=Method.ENTERED, children=None).order_by(
                "order"
            ),
            "errors": errors,
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    """The province's scores at a glance: bands, bins, areas, and the last periods."""
    choice = consolidation_choice(request, refusal="Chỉ người tổng hợp mới xem được xếp hạng.")
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    summaries = kind_summaries(scheme, choice.root, period.window)
    history = trend(scheme, choice.root, period.window)
    labels = dict(UnitKind.choices)
    charts = {
        "bands": {
            "type": "columns",
            "decimals": 0,
            "labels": [label for label, _ in summaries[0].band_counts()] if summaries else [],
            "series": [
                {"label": s.label, "values": [n for _, n in s.band_counts()]} for s in summaries
            ],
        },
        "bins": {
            "type": "columns",
            "decimals": 0,
            "labels": [label for label, _ in summaries[0].bins()] if summaries else [],
            "series": [{"label": s.label, "values": [n for _, n in s.bins()]} for s in summaries],
        },
        "areas": {
            "type": "radar",
            "decimals": 1,
            "labels": [title for _, title, _ in summaries[0].area_shares()] if summaries else [],
            "series": [
                {
                    "label": s.label,
                    "values": [float(v) if v is not None else None for *_, v in s.area_shares()],
                }
                for s in summaries
            ],
        },
        "trend": {
            "type": "line",
            "decimals": 2,
            "labels": [w.code for w in history.windows],
            "series": [
                {
                    "label": str(labels[kind]),
                    "values": [float(v) if v is not None else None for v in values],
                }
                for kind, values in history.averages.items()
            ],
        },
    }
    return render(
        request,
        "scoring/dashboard.html",
        {
            "scheme": scheme,
            "period": period,
            "choice": choice,
            "summaries": summaries,
            "history": history,
            "kind_labels": labels,
            "charts": charts,
        },
    )
