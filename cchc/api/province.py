"""The province's side over the API, for consolidators: who has reported (the overview),
the consolidated values of a period, and a scheme's ranking. The same functions as the
pages compute them, with the same refusal for anyone who does not consolidate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import lookups
from cchc.api.serializers import exact
from cchc.consolidation.choice import consolidation_choice
from cchc.consolidation.engine import ConsolidationError, consolidate
from cchc.consolidation.overview import COUNT_LABELS, period_overview
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.scoring.rankings import rank_units
from cchc.scoring.views import scheme_or_404

CHOICE_PARAMETERS = [
    OpenApiParameter("unit", str, description="Mã đơn vị tổng hợp (mặc định: đơn vị đầu tiên)"),
    OpenApiParameter(
        "template", str, description="Mã biểu mẫu (mặc định: biểu mẫu các đơn vị dùng)"
    ),
    OpenApiParameter(
        "include", str, enum=["approved", "submitted"], description="Báo cáo được tính"
    ),
]


def _period(code: str) -> Period:
    return lookups.period(code)


@extend_schema(tags=["Tổng hợp"])
class OverviewViewSet(viewsets.ViewSet):
    lookup_field = "period"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        summary="Tình hình gửi báo cáo của các đơn vị trong kỳ", responses=OpenApiTypes.OBJECT
    )
    def retrieve(self, request: Request, period: str) -> Response:
        if not access.can_consolidate(request.user):
            raise PermissionDenied("Chỉ người tổng hợp mới xem được tình hình gửi báo cáo.")
        found = _period(period)
        overview = period_overview(found, Unit.objects.consolidated_by(request.user))
        return Response(
            {
                "period": found.code,
                "counts": {
                    key: {"label": str(label), "units": overview.totals[key]}
                    for key, label in COUNT_LABELS.items()
                },
                "units": [
                    {
                        "unit": row.unit.code,
                        "name": row.unit.name,
                        "kind": row.unit.kind,
                        "status": row.status,
                        "report": row.report.pk if row.report else None,
                        "deadline": row.deadline,
                        "extended": row.is_extended,
                        "sent_at": row.sent_at,
                        "late": row.late,
                        "days_late": row.days_late,
                        "days_overdue": row.days_overdue,
                        "acknowledged": row.acknowledged,
                    }
                    for row in overview.rows
                ],
            }
        )


@extend_schema(tags=["Tổng hợp"])
class ConsolidationViewSet(viewsets.ViewSet):
    lookup_field = "period"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        summary="Số liệu tổng hợp của các đơn vị cấp dưới trong kỳ",
        parameters=CHOICE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
    )
    def retrieve(self, request: Request, period: str) -> Response:
        choice = consolidation_choice(request)
        window = _period(period).window
        try:
            result = consolidate(choice.root, window, choice.template_code, choice.include)
        except ConsolidationError as exc:
            raise Http404(str(exc)) from exc
        return Response(
            {
                "unit": choice.root.code,
                "period": window.code,
                "template": result.template.code,
                "include": result.include,
                "counted": [unit.code for unit in result.counted],
                "missing": [unit.code for unit in result.missing],
                "values": [
                    {
                        "key": indicator.key,
                        "label": indicator.label,
                        "unit": indicator.unit,
                        "value": exact(result.values.get(indicator.key)),
                        "display": result.shown(indicator.key),
                        "contributors": result.contributors(indicator.key),
                    }
                    for indicator in result.indicators
                ],
            }
        )


@extend_schema(tags=["Chấm điểm, xếp hạng"])
class RankingViewSet(viewsets.ViewSet):
    """/api/v1/rankings/<scheme>/<period>/: the units the scheme scores, ranked by kind."""

    @extend_schema(
        summary="Xếp hạng các đơn vị theo bộ tiêu chí trong kỳ",
        parameters=[OpenApiParameter("unit", str, description="Mã đơn vị tổng hợp")],
        responses=OpenApiTypes.OBJECT,
    )
    def retrieve(self, request: Request, scheme: str, period: str) -> Response:
        choice = consolidation_choice(request, refusal="Chỉ người tổng hợp mới xem được xếp hạng.")
        found = scheme_or_404(scheme)
        stored = _period(period)
        if stored.kind not in found.period_kinds:
            raise Http404(f"Bộ tiêu chí {found.name} không chấm kỳ {stored.code}.")
        rankings = rank_units(found, stored, choice.root)
        return Response(
            {
                "scheme": found.code,
                "version": found.version,
                "period": stored.code,
                "unit": choice.root.code,
                "final": rankings.is_final,
                "kinds": [
                    {
                        "kind": kind.kind,
                        "label": kind.label,
                        "rows": [
                            {
                                "position": row.position,
                                "unit": row.score.unit.code,
                                "name": row.score.unit.name,
                                "total": exact(row.score.total) if row.score.has_figures else None,
                                "band": row.score.band if row.score.has_figures else "",
                                "change": exact(row.change),
                                "areas": {
                                    area.criterion.code: exact(area.points)
                                    for area in row.score.areas
                                    if area.has_figures
                                },
                            }
                            for row in kind.rows
                        ],
                    }
                    for kind in rankings.kinds
                ],
            }
        )
