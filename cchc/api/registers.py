"""Dossiers over the API: bulk upsert (JSON rows or a CSV/XLSX file) through the same
importer as the page, so every check, message, classification and audit entry is the
page's; reading a unit's dossiers, one dossier with its explanation, and Biểu II.06a."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import lookups
from cchc.api import rows as json_rows
from cchc.api.errors import error_body
from cchc.base.tables import ImportRejected, ImportResult, RowError
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period, working_calendar
from cchc.registers.explain import explain
from cchc.registers.imports import DOSSIER_COLUMNS, MAX_UPLOAD_BYTES
from cchc.registers.mapping import import_file, is_standard, read_headers, saved_mapping_for_file
from cchc.registers.models import Dossier, ImportKind, Procedure
from cchc.registers.stats import window_stats

# JSON rows may name a column as the import file does ("Mã hồ sơ") or by its field ("code").
FIELD_TO_COLUMN = {field: column for column, field in DOSSIER_COLUMNS.items()}
MAX_JSON_ROWS = 50_000


class DossierSerializer(serializers.ModelSerializer):
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure_code",
            "channel",
            "channel_label",
            "received_at",
            "promised_on",
            "supplement_count",
            "supplement_requested_at",
            "supplement_completed_at",
            "result_on",
            "returned_on",
            "status",
            "start_on",
            "due_on",
            "verdict",
            "verdict_label",
            "promised_differs",
            "digitised",
            "fee_due",
            "paid_online",
            "electronic_result",
            "apology_number",
            "apology_on",
            "new_due_on",
        ]


class UpsertSerializer(serializers.Serializer):
    dossiers = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=MAX_JSON_ROWS,
        help_text=(
            "Mỗi hồ sơ một đối tượng, khóa là tên cột như tệp nhập ('Mã hồ sơ', 'Mã TTHC', "
            "'Kênh', 'Ngày tiếp nhận'…) hoặc tên trường ('code', 'procedure_code', 'channel', "
            "'received_at'…); ngày dạng dd/mm/yyyy [HH:MM] hoặc ISO 8601."
        ),
    )
    good_rows_only = serializers.BooleanField(
        default=False, help_text="Nhập các dòng đúng, bỏ qua dòng lỗi (mặc định: tất cả hoặc không)"
    )


def rows_as_csv(rows: list[dict[str, Any]]) -> bytes:
    """The rows as a CSV with cchc's standard dossier header, for the one importer."""
    return json_rows.rows_as_csv(
        list(DOSSIER_COLUMNS),
        FIELD_TO_COLUMN,
        rows,
        "dossiers",
        lambda number, key: f"Hồ sơ thứ {number}: không có cột «{key}».",
    )


def _result(result: ImportResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "updated": result.updated,
        "skipped": [_row_error(error) for error in result.skipped],
        "warnings": result.warnings,
        "summary": result.summary,
    }


def _row_error(error: RowError) -> dict[str, Any]:
    return {"row": error.row, "column": error.column, "message": str(error)}


def _rejected(exc: ImportRejected) -> Response:
    rows = [_row_error(error) for error in exc.errors]
    return Response(error_body(422, "rejected", str(exc), rows=rows), status=422)


@extend_schema(tags=["Hồ sơ TTHC"])
class DossierViewSet(viewsets.GenericViewSet):
    """/api/v1/units/<code>/dossiers/: the one-stop dossiers of a unit."""

    serializer_class = DossierSerializer
    queryset = Dossier.objects.none()  # for the schema; the views read the unit's
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def _unit(self) -> Unit:
        return lookups.visible_unit(self.request.user, self.kwargs["unit_code"])

    def _period(self) -> Period | None:
        code = self.request.query_params.get("period")
        if not code:
            return None
        return lookups.period(code, "period")

    @extend_schema(
        summary="Hồ sơ của đơn vị",
        parameters=[
            OpenApiParameter("period", str, description="Chỉ hồ sơ tiếp nhận trong kỳ"),
            OpenApiParameter("verdict", str, description="early, on_time, late…"),
            OpenApiParameter("procedure", str, description="Mã TTHC"),
        ],
        responses=DossierSerializer(many=True),
    )
    def list(self, request: Request, unit_code: str) -> Response:
        dossiers = Dossier.objects.filter(unit=self._unit()).order_by("received_at", "code")
        period = self._period()
        if period is not None:
            dossiers = dossiers.filter(
                received_at__date__gte=period.start, received_at__date__lte=period.end
            )
        if request.query_params.get("verdict"):
            dossiers = dossiers.filter(verdict=request.query_params["verdict"])
        if request.query_params.get("procedure"):
            dossiers = dossiers.filter(procedure_code=request.query_params["procedure"])
        page = self.paginate_queryset(dossiers)
        return self.get_paginated_response(DossierSerializer(page, many=True).data)

    @extend_schema(
        summary="Một hồ sơ và lời giải thích cách tính hạn",
        responses=inline_serializer(
            "DossierExplained",
            {"dossier": DossierSerializer(), "explanation": serializers.ListField()},
        ),
    )
    def retrieve(self, request: Request, unit_code: str, code: str) -> Response:
        unit = self._unit()
        dossier = get_object_or_404(Dossier, unit=unit, code=code)
        procedure = Procedure.objects.filter(unit=unit, code=dossier.procedure_code).first()
        return Response(
            {
                "dossier": DossierSerializer(dossier).data,
                "explanation": explain(dossier, procedure, working_calendar()),
            }
        )

    @extend_schema(
        summary="Nhập hoặc cập nhật hồ sơ (theo mã hồ sơ)",
        description=(
            "JSON {'dossiers': [...]} hoặc tệp CSV/XLSX (multipart, trường 'file') với dòng "
            "tiêu đề chuẩn hoặc cách ghép cột đã lưu. Tất cả hoặc không, trừ khi "
            "good_rows_only; dòng lỗi được nêu rõ dòng, cột và lý do."
        ),
        request=UpsertSerializer,
        responses={
            200: inline_serializer(
                "DossierImport",
                {
                    "created": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "skipped": serializers.ListField(),
                    "warnings": serializers.ListField(),
                    "summary": serializers.CharField(),
                },
            )
        },
    )
    def create(self, request: Request, unit_code: str) -> Response:
        unit = self._unit()
        if not access.can_edit_registers(request.user, unit):
            raise exceptions.PermissionDenied(
                "Chỉ người báo cáo của đơn vị mới cập nhật được sổ theo dõi."
            )
        upload = request.FILES.get("file")
        saved = None
        try:
            if upload is not None:
                good_rows_only = str(request.data.get("good_rows_only", "")).lower() in (
                    "1",
                    "true",
                    "có",
                )
                if (upload.size or 0) > MAX_UPLOAD_BYTES:
                    raise exceptions.ValidationError(
                        {"file": [f"Tệp lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."]}
                    )
                data, name = upload.read(), upload.name or "tai-len.csv"
                headers = read_headers(data, name, ImportKind.DOSSIERS)
                if not is_standard(headers, ImportKind.DOSSIERS):
                    saved = saved_mapping_for_file(data, name, ImportKind.DOSSIERS, headers)
                    if saved is None:
                        raise exceptions.ValidationError(
                            {
                                "file": [
                                    "Dòng tiêu đề không theo tên cột chuẩn và chưa có cách ghép "
                                    "cột đã lưu cho nguồn này; hãy ghép cột một lần trên trang "
                                    "nhập hồ sơ."
                                ]
                            }
                        )
            else:
                given = UpsertSerializer(data=request.data)
                given.is_valid(raise_exception=True)
                good_rows_only = given.validated_data["good_rows_only"]
                data, name = rows_as_csv(given.validated_data["dossiers"]), "api.csv"
            result = import_file(
                data,
                name,
                unit,
                ImportKind.DOSSIERS,
                saved.columns if saved else None,
                good_rows_only=good_rows_only,
                user=request.user,
                header_row=saved.header_row if saved else None,
                values=saved.values if saved else None,
            )
        except ImportRejected as exc:
            return _rejected(exc)
        return Response(_result(result))

    @extend_schema(
        summary="Số liệu Biểu II.06a của kỳ",
        parameters=[OpenApiParameter("period", str, required=True)],
        responses=inline_serializer(
            "DossierStats", {"period": serializers.CharField(), "figures": serializers.DictField()}
        ),
    )
    @action(detail=False, methods=["get"])
    def stats(self, request: Request, unit_code: str) -> Response:
        unit = self._unit()
        period = self._period()
        if period is None:
            raise exceptions.ValidationError({"period": ["Cần mã kỳ, ví dụ ?period=Q3-2022."]})
        figures = window_stats(Dossier.objects.filter(unit=unit), period.start, period.end)
        return Response({"unit": unit.code, "period": period.code, "figures": figures})
