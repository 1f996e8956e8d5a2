"""The work registers over the API (/api/v1/units/<code>/registers/…): what each register
holds, its rows for a period, and upsert of rows (JSON or a CSV/XLSX file) through the
register's own import, all-or-nothing unless asked, audited as on the page."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import lookups
from cchc.api import rows as json_rows
from cchc.api.registers import _rejected, _result
from cchc.base.tables import ImportRejected
from cchc.org import access
from cchc.org.models import Unit
from cchc.records.registry import REGISTERS, RegisterSpec
from cchc.records.services import import_register
from cchc.registers.imports import MAX_UPLOAD_BYTES


class RowsSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=50_000,
        help_text="Mỗi dòng một đối tượng, khóa là tên cột như tệp mẫu hoặc tên trường.",
    )
    good_rows_only = serializers.BooleanField(default=False)


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def rows_as_csv(spec: RegisterSpec, given: list[dict[str, Any]]) -> bytes:
    """JSON rows as the register's import file."""
    return json_rows.rows_as_csv(
        spec.headers,
        {column.field: column.header for column in spec.columns},
        given,
        "rows",
        lambda number, key: f"Dòng thứ {number}: sổ {spec.title} không có cột «{key}».",
    )


@extend_schema(tags=["Sổ theo dõi"])
class RegisterViewSet(viewsets.ViewSet):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _unit(self) -> Unit:
        return lookups.visible_unit(self.request.user, self.kwargs["unit_code"])

    @staticmethod
    def _spec(register: str) -> RegisterSpec:
        spec = REGISTERS.get(register)
        if spec is None:
            raise Http404(f"Không có sổ theo dõi '{register}'; có: {', '.join(REGISTERS)}.")
        return spec

    @extend_schema(
        summary="Các sổ theo dõi và cột của chúng",
        responses=inline_serializer(
            "Register",
            {
                "register": serializers.CharField(),
                "title": serializers.CharField(),
                "columns": serializers.ListField(child=serializers.DictField()),
                "key": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
        operation_id="units_registers_list",
    )
    def list(self, request: Request, unit_code: str) -> Response:
        self._unit()
        return Response(
            [
                {
                    "register": spec.slug,
                    "title": spec.title,
                    "columns": [
                        {
                            "header": c.header,
                            "field": c.field,
                            "kind": c.kind,
                            "required": c.required,
                        }
                        for c in spec.columns
                    ],
                    "key": list(spec.key),
                }
                for spec in REGISTERS.values()
            ]
        )

    @extend_schema(
        summary="Các dòng của sổ trong kỳ",
        parameters=[OpenApiParameter("period", str, required=True, description="Mã kỳ")],
        responses=OpenApiTypes.OBJECT,
    )
    def retrieve(self, request: Request, unit_code: str, register: str) -> Response:
        unit, spec = self._unit(), self._spec(register)
        code = request.query_params.get("period")
        if not code:
            raise exceptions.ValidationError({"period": ["Cần mã kỳ, ví dụ ?period=Q3-2022."]})
        period = lookups.period(code, "period")
        records = spec.in_period(
            spec.model._default_manager.filter(unit=unit), period.start, period.end
        ).order_by("pk")
        return Response(
            {
                "register": spec.slug,
                "unit": unit.code,
                "period": period.code,
                "rows": [
                    {
                        "id": record.pk,
                        **{c.field: _json(getattr(record, c.field)) for c in spec.columns},
                    }
                    for record in records
                ],
            }
        )

    @extend_schema(
        summary="Nhập hoặc cập nhật dòng của sổ (JSON hoặc tệp CSV/XLSX)",
        request=RowsSerializer,
        responses=OpenApiTypes.OBJECT,
    )
    def upsert(self, request: Request, unit_code: str, register: str) -> Response:
        unit, spec = self._unit(), self._spec(register)
        if not access.can_edit_registers(request.user, unit):
            raise exceptions.PermissionDenied(
                "Chỉ người báo cáo của đơn vị mới cập nhật được sổ theo dõi."
            )
        upload = request.FILES.get("file")
        if upload is not None:
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                raise exceptions.ValidationError(
                    {"file": [f"Tệp lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."]}
                )
            data, name = upload.read(), upload.name or "tai-len.csv"
            good_rows_only = str(request.data.get("good_rows_only", "")).lower() in ("1", "true")
        else:
            given = RowsSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            data, name = rows_as_csv(spec, given.validated_data["rows"]), "api.csv"
            good_rows_only = given.validated_data["good_rows_only"]
        try:
            result = import_register(
                request.user, spec, unit, data, name, good_rows_only=good_rows_only
            )
        except ImportRejected as exc:
            return _rejected(exc)
        return Response(_result(result))
