"""The REST API, version 1: thin views over the same services and access rules as the pages.

Reads use the `visible_to` querysets (an object another unit owns is a 404, as on the
pages); writes call the services, which check the roles again and audit the change. Updates
of a value need the ETag read before (If-Match); a stale one is refused with 412 and both
values."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api import lookups, tokens
from cchc.api import serializers as api
from cchc.api.errors import etag, if_match
from cchc.api.models import ApiToken
from cchc.api.report_parts import ReportPartsMixin
from cchc.catalog.models import ReportTemplate
from cchc.org import access
from cchc.org.models import Role, RoleAssignment, Unit
from cchc.reports import services
from cchc.reports.models import Report, Status
from cchc.reports.sheet import ReportSheet, Row

WORKFLOW: dict[str, Callable[..., Report]] = {
    "submit": services.submit_report,
    "approve": services.approve_report,
    "return": services.return_report,
    "reopen": services.reopen_report,
}
NEEDS_REASON = {"return", "reopen"}


@extend_schema(tags=["Người dùng"])
class MeView(APIView):
    @extend_schema(
        summary="Người dùng hiện tại và vai trò",
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "full_name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.DictField()),
                "token": serializers.DictField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        roles = RoleAssignment.objects.filter(user=request.user).select_related("unit")
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            {
                "username": request.user.username,
                "full_name": request.user.get_full_name(),
                "roles": [
                    {"unit": r.unit.code, "role": r.role, "label": Role(r.role).label}
                    for r in roles
                ],
                "token": {"prefix": token.prefix, "read_only": token.read_only} if token else None,
            }
        )


@extend_schema(tags=["Đơn vị"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the caller may see (their roles' units and those below)."""

    serializer_class = api.UnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="Loại đơn vị (department, district…)"),
            OpenApiParameter("parent", str, description="Mã đơn vị cấp trên"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        units = Unit.objects.visible_to(self.request.user).select_related("parent", "successor")
        params = self.request.query_params
        if params.get("kind"):
            units = units.filter(kind=params["kind"])
        if params.get("parent"):
            units = units.filter(parent__code=params["parent"])
        return units.order_by("code")


@extend_schema(tags=["Kỳ báo cáo"])
class PeriodViewSet(viewsets.ViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        summary="Một kỳ báo cáo theo mã (Q3-2022, 6M-2024, Y-2026, 01/01/2024-31/07/2024)",
        responses=api.PeriodSerializer,
    )
    def retrieve(self, request: Request, code: str) -> Response:
        return Response(api.PeriodSerializer(lookups.period(code)).data)


@extend_schema(tags=["Biểu mẫu"])
class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"  # any other id is a 404, never a failed int()
    queryset = ReportTemplate.objects.order_by("code", "-version")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.TemplateDetailSerializer
        return api.TemplateSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return self.queryset.prefetch_related("indicators__section")
        return self.queryset


@extend_schema(tags=["Báo cáo"])
class ReportViewSet(ReportPartsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = api.ReportSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="Mã đơn vị"),
            OpenApiParameter("period", str, description="Mã kỳ"),
            OpenApiParameter("status", str, enum=[s.value for s in Status]),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        reports = Report.objects.visible_to(self.request.user).select_related(
            "unit", "period", "template"
        )
        params = self.request.query_params
        if params.get("unit"):
            reports = reports.filter(unit__code=params["unit"])
        if params.get("period"):
            reports = reports.filter(period__code=params["period"])
        if params.get("status"):
            reports = reports.filter(status=params["status"])
        return reports.order_by("-period__end", "unit__code")

    @extend_schema(
        summary="Bắt đầu báo cáo của đơn vị cho kỳ",
        request=api.StartReportSerializer,
        responses={201: api.ReportSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        given = api.StartReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        unit = lookups.visible_unit(request.user, data["unit"])
        period = lookups.period(data["period"], "period")
        template = None
        if data.get("template"):
            offered = services.templates_for(unit.kind, period.kind)
            template = next((t for t in offered if t.code == data["template"]), None)
            if template is None:
                raise serializers.ValidationError(
                    {"template": [f"Biểu mẫu {data['template']} không dùng cho đơn vị, kỳ này."]}
                )
        report = services.start_report(request.user, unit, period, template)
        return Response(api.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Các chỉ tiêu của báo cáo", responses=api.ValueSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def values(self, request: Request, pk=None) -> Response:
        sheet = ReportSheet(self.get_object())
        rows = [row for _, section_rows in sheet.rows() for row in section_rows]
        return Response(api.ValueSerializer(rows, many=True).data)

    @extend_schema(
        methods=["GET"], summary="Một chỉ tiêu (ETag là phiên bản)", responses=api.ValueSerializer
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Sửa một chỉ tiêu (cần If-Match)",
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        request=api.ValueWriteSerializer,
        responses={200: api.ValueSerializer, 412: OpenApiTypes.OBJECT, 428: OpenApiTypes.OBJECT},
    )
    @action(
        detail=True,
        methods=["get", "put", "patch"],
        url_path=r"values/(?P<key>[-\w]+)",
        url_name="value",
    )
    def value(self, request: Request, pk=None, key: str = "") -> Response:
        report = self.get_object()
        if request.method != "GET":
            given = api.ValueWriteSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            data = given.validated_data
            expected = if_match(request)
            with transaction.atomic():
                services.save_value(
                    request.user,
                    report,
                    key,
                    data.get("value") if "value" in data else None,
                    data.get("note"),
                    data.get("reason"),
                    expected_version=expected or None,
                )
        row = self._row(report, key)
        body = api.ValueSerializer(row).data
        return Response(body, headers={"ETag": etag(body["version"])})

    @staticmethod
    def _row(report: Report, key: str) -> Row:
        sheet = ReportSheet(report)
        for _, rows in sheet.rows():
            for row in rows:
                if row.indicator.key == key:
                    return row
        raise Http404(f"Biểu mẫu không có chỉ tiêu mã '{key}'.")

    @extend_schema(
        summary="Gửi, phê duyệt, trả lại hoặc mở khóa báo cáo",
        request=api.ReasonSerializer,
        responses=api.ReportSerializer,
    )
    @action(
        detail=True, methods=["post"], url_path=r"workflow/(?P<verb>submit|approve|return|reopen)"
    )
    def workflow(self, request: Request, pk=None, verb: str = "") -> Response:
        report = self.get_object()
        given = api.ReasonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        if verb in NEEDS_REASON:
            WORKFLOW[verb](request.user, report, given.validated_data.get("reason", ""))
        else:
            WORKFLOW[verb](request.user, report)
        report.refresh_from_db()
        return Response(api.ReportSerializer(report).data)


@extend_schema(tags=["Mã truy cập"])
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens (an administrator sees everyone's). Creating one returns
    its key once; deleting revokes it (kept, for the audit trail)."""

    serializer_class = api.TokenSerializer
    lookup_value_regex = r"\d+"
    queryset = ApiToken.objects.none()  # for the schema; get_queryset gives the caller's

    def get_queryset(self):
        tokens_ = ApiToken.objects.select_related("user")
        if access.is_admin(self.request.user):
            return tokens_
        return tokens_.filter(user=self.request.user)

    @extend_schema(
        request=api.TokenCreateSerializer,
        responses={
            201: inline_serializer(
                "CreatedToken", {"key": serializers.CharField(), "token": api.TokenSerializer()}
            )
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        if isinstance(request.auth, ApiToken):
            # A token never makes another: a leaked key must not outlive its revocation.
            raise exceptions.PermissionDenied(
                "Mã truy cập mới chỉ tạo được khi đăng nhập trên trang, không bằng mã khác."
            )
        given = api.TokenCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        token, key = tokens.create_token(
            request.user,
            request.user,
            read_only=given.validated_data["read_only"],
            name=given.validated_data.get("name", ""),
        )
        return Response(
            {"key": key, "token": api.TokenSerializer(token).data}, status=status.HTTP_201_CREATED
        )

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        token = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        tokens.revoke_token(request.user, token)
        return Response(status=status.HTTP_204_NO_CONTENT)
