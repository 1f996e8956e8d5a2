"""The parts of a report beyond its values over the API: checks, narrative (with the same
If-Match protection as values), evidence with its file, the documents, the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.api import serializers as api
from cchc.api.errors import Unavailable, etag, if_match
from cchc.audit.models import AuditEntry
from cchc.documents.pdf import PdfUnavailable
from cchc.documents.registry import exporters
from cchc.reports import services
from cchc.reports.evidence_files import EvidenceFileError
from cchc.reports.models import Report, text_version
from cchc.reports.sheet import ReportSheet
from cchc.reports.words import outline_title


class ReportPartsMixin:
    """The parts of a report beyond its values: checks, narrative, evidence, documents, trail.
    Mixed into ReportViewSet; each reads the report through its visible_to queryset."""

    get_object: Callable[[], Report]

    @extend_schema(summary="Kết quả kiểm tra số liệu", responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def checks(self, request: Request, pk=None) -> Response:
        sheet = ReportSheet(self.get_object())
        issues = [
            {"severity": issue.severity, "message": issue.message, "keys": list(issue.keys)}
            for issue in sheet.issues
        ]
        return Response({"blocking": len(sheet.blocking), "issues": issues})

    @extend_schema(
        summary="Các mục nội dung (đề cương)",
        responses=inline_serializer(
            "NarrativeSection",
            {
                "section": serializers.IntegerField(),
                "number": serializers.CharField(),
                "title": serializers.CharField(),
                "text": serializers.CharField(),
                "version": serializers.CharField(),
            },
            many=True,
        ),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def narrative(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        texts = {item.section_id: item.text for item in report.narrative.all()}
        return Response(
            [
                {
                    "section": section.pk,
                    "number": section.number,
                    "title": outline_title(section.title, report),
                    "text": texts.get(section.pk, ""),
                    "version": text_version(texts.get(section.pk, "")),
                }
                for section in report.template.outline.order_by("order")
            ]
        )

    @extend_schema(
        summary="Sửa nội dung một mục (cần If-Match)",
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        request=api.NarrativeWriteSerializer,
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["put"], url_path=r"narrative/(?P<section>\d+)")
    def narrative_section(self, request: Request, pk=None, section: str = "") -> Response:
        report = self.get_object()
        found = get_object_or_404(report.template.outline, pk=section)
        given = api.NarrativeWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        expected = if_match(request)
        with transaction.atomic():
            item = services.save_narrative(
                request.user,
                report,
                found,
                given.validated_data["text"],
                expected_version=expected or None,
            )
        version = text_version(item.text)
        return Response(
            {"section": found.pk, "text": item.text, "version": version},
            headers={"ETag": etag(version)},
        )

    @extend_schema(
        methods=["GET"], summary="Minh chứng", responses=api.EvidenceSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Thêm minh chứng (tệp kèm theo: multipart, trường 'file')",
        request=api.EvidenceWriteSerializer,
        responses={201: api.EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser, MultiPartParser],
        pagination_class=None,
    )
    def evidence(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        if request.method == "GET":
            found = report.evidence.select_related("indicator").order_by("pk")
            return Response(api.EvidenceSerializer(found, many=True).data)
        given = api.EvidenceWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        key = data.pop("key")
        upload = request.FILES.get("file")
        file = (upload.name or "minh-chung", upload.read()) if upload is not None else None
        try:
            evidence = services.add_evidence(request.user, report, key, data, file)
        except EvidenceFileError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from exc
        return Response(api.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Xóa một minh chứng", responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>\d+)")
    def remove_evidence(self, request: Request, pk=None, evidence_id: str = "") -> Response:
        report = self.get_object()
        services.remove_evidence(request.user, get_object_or_404(report.evidence, pk=evidence_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Tải văn bản báo cáo (docx, xlsx phụ lục, pdf)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<fmt>docx|xlsx|pdf)")
    def documents(self, request: Request, pk=None, fmt: str = "") -> HttpResponse:
        report = self.get_object()
        try:
            return exporters()[fmt](report).render().download()
        except PdfUnavailable as exc:
            raise Unavailable(str(exc)) from exc

    @extend_schema(summary="Nhật ký thay đổi của báo cáo", responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def audit(self, request: Request, pk=None) -> Response:
        entries = AuditEntry.objects.filter(report=self.get_object()).order_by("at", "pk")
        page = self.paginate_queryset(entries)  # type: ignore[attr-defined]
        rows = [
            {
                "at": entry.at,
                "occurred_at": entry.occurred_at,
                "user": entry.user_repr,
                "action": entry.action,
                "summary": entry.summary,
            }
            for entry in page
        ]
        return self.get_paginated_response(rows)  # type: ignore[attr-defined]
