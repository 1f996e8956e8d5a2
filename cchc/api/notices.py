"""Notices over the API: a person's own (filter unread, mark read), and for consolidators a
period's notices with the units still to report and the reminder button
(cchc.notices.services decides and audits, as on the pages)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import lookups
from cchc.api.pagination import Pages
from cchc.notices import services
from cchc.notices.models import Notice
from cchc.notices.reminders import pending_units
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import working_calendar


class NoticeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unit = serializers.CharField(source="unit.code", default=None, read_only=True)
    period = serializers.CharField(source="period.code", default=None, read_only=True)
    report = serializers.IntegerField(source="report_id", default=None, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject",
            "body",
            "unit",
            "period",
            "report",
            "deadline",
            "recipient_name",
            "trigger",
            "created_at",
            "delivery",
            "read_at",
        ]


def _require_consolidator(user) -> None:
    if not access.can_consolidate(user):
        raise PermissionDenied("Chỉ người tổng hợp hoặc quản trị mới xem được thông báo của kỳ.")


@extend_schema(tags=["Thông báo"])
class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """/api/v1/notices/: the caller's own notices, newest first."""

    serializer_class = NoticeSerializer
    pagination_class = Pages
    queryset = Notice.objects.none()  # for the schema; get_queryset gives the caller's
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        notices = Notice.objects.filter(recipient_id=self.request.user.pk).for_list()
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            notices = notices.filter(read_at__isnull=True)
        return notices

    @extend_schema(
        summary="Thông báo của tôi",
        parameters=[OpenApiParameter("unread", bool, description="Chỉ thông báo chưa đọc")],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Đánh dấu đã đọc", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: Request, pk: str | None = None) -> Response:
        notice = Notice.objects.filter(pk=int(pk or 0), recipient_id=request.user.pk).first()
        if notice is None:
            raise Http404("Không có thông báo này trong hộp thư của bạn.")
        services.mark_read(request.user, [notice])
        notice.refresh_from_db()
        return Response(NoticeSerializer(notice).data)

    @extend_schema(
        summary="Đánh dấu mọi thông báo là đã đọc",
        request=None,
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_read(request.user)})


@extend_schema(tags=["Thông báo"])
class PeriodNoticeViewSet(viewsets.ViewSet):
    """/api/v1/periods/<code>/notices/: a period's notices and who is still to report, for
    the consolidator of those units; POST …/remind/ reminds them now (once a day)."""

    @extend_schema(
        summary="Thông báo của kỳ và các đơn vị chưa gửi báo cáo (người tổng hợp)",
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request, period_code: str) -> Response:
        _require_consolidator(request.user)
        period = lookups.period(period_code)
        units = Unit.objects.consolidated_by(request.user)
        pending = pending_units(period, units, working_calendar())
        notices = Notice.objects.filter(period__code=period.code, unit__in=units).for_list()
        pages = Pages()
        page = pages.paginate_queryset(notices, request, view=self)
        response = pages.get_paginated_response(NoticeSerializer(page, many=True).data)
        response.data["period"] = period.code
        response.data["pending"] = [
            {
                "unit": item.unit.code,
                "name": item.unit.name,
                "deadline": item.deadline,
                "state": item.state,
                "report": item.report.pk if item.report else None,
            }
            for item in pending
        ]
        return response

    @extend_schema(
        summary="Nhắc ngay các đơn vị chưa gửi báo cáo (mỗi ngày một lần)",
        request=None,
        responses=OpenApiTypes.OBJECT,
    )
    def remind(self, request: Request, period_code: str) -> Response:
        period = lookups.period(period_code)
        run = services.remind_now(request.user, period)
        return Response(
            {
                "period": period.code,
                "sent": NoticeSerializer(run.notices, many=True).data,
                "units": [item.unit.code for item in run.units],
                "already_reminded_today": sorted({d.unit.code for d in run.already}),
                "without_reporter": [item.unit.code for item in run.nobody],
            }
        )
