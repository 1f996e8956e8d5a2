"""What the API shows of each object; writes go through the services, never serializer.save."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from cchc.api.models import ApiToken
from cchc.catalog.models import Indicator, ReportTemplate
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.reports.models import Evidence, Report


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "doc_symbol",
            "place",
            "must_report",
            "valid_from",
            "valid_to",
            "successor",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = ["code", "kind", "label", "year", "number", "start", "end"]


class IndicatorSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title", read_only=True)
    derived = serializers.BooleanField(source="is_derived", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "key",
            "stt",
            "label",
            "unit",
            "value_type",
            "required",
            "choices",
            "formula",
            "derived",
            "section",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportTemplate
        fields = ["id", "code", "version", "name", "description", "unit_kinds", "is_active"]


class TemplateDetailSerializer(TemplateSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "indicators"]


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    template = serializers.CharField(source="template.code", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    deadline = serializers.DateField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "unit",
            "period",
            "template",
            "template_version",
            "status",
            "status_label",
            "deadline",
            "number",
            "report_date",
            "created_at",
            "submitted_at",
            "approved_at",
            "return_reason",
        ]


class StartReportSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="Mã đơn vị, ví dụ ST-STTTT")
    period = serializers.CharField(help_text="Mã kỳ, ví dụ Q3-2022")
    template = serializers.CharField(
        required=False, help_text="Mã biểu mẫu; để trống để dùng biểu mẫu phù hợp nhất"
    )


class ValueSerializer(serializers.Serializer):
    """One row of a report as the API reads it: the printed value, the stored figure, the
    note and the version to send back in If-Match."""

    key = serializers.CharField(source="indicator.key")
    label = serializers.CharField(source="indicator.label")
    unit = serializers.CharField(source="indicator.unit")
    value_type = serializers.CharField(source="indicator.value_type")
    derived = serializers.BooleanField(source="indicator.is_derived")
    display = serializers.CharField()
    note = serializers.CharField()
    source = serializers.CharField(source="source_label")
    version = serializers.CharField(help_text="Gửi lại trong If-Match khi sửa")


class ValueWriteSerializer(serializers.Serializer):
    value = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Như gõ trên trang: 86,96"
    )
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Lý do khi sửa số liệu lấy từ sổ theo dõi"
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class TokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "name",
            "prefix",
            "read_only",
            "active",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    read_only = serializers.BooleanField(default=True)


class NarrativeWriteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class EvidenceSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="indicator.key", read_only=True)
    cited = serializers.CharField(source="__str__", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "key",
            "doc_type",
            "number_symbol",
            "issued_on",
            "issuer",
            "summary",
            "cited",
            "has_file",
            "file_name",
            "file_size",
            "created_at",
        ]

    def get_has_file(self, evidence: Evidence) -> bool:
        return bool(evidence.file_path)


class EvidenceWriteSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Mã chỉ tiêu được minh chứng")
    doc_type = serializers.CharField(max_length=40, help_text="Loại văn bản: Kế hoạch, Quyết định…")
    number_symbol = serializers.CharField(max_length=80, help_text="Số, ký hiệu: 02/KH-STTTT")
    issued_on = serializers.DateField(required=False, allow_null=True)
    issuer = serializers.CharField(max_length=255, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)


def exact(value: Decimal | None) -> str | None:
    """A decimal as an exact string ("86.96"), as the API writes computed figures: a float
    would not be exact."""
    return None if value is None else format(value.normalize(), "f")
