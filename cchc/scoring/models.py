"""Scoring schemes as data: a tree of areas, criteria and sub-criteria with their maximum
points, guidance, evidence and (optionally) the rule that scores them from cchc's figures;
bands; and the figures a consolidator enters for criteria cchc cannot compute (the national
portal's)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from cchc.org.models import Unit
from cchc.periods.models import Period


class Method(models.TextChoices):
    RULE = "rule", "Tính từ số liệu của cchc"
    ENTERED = "entered", "Người tổng hợp nhập (nguồn ngoài)"
    SELF = "self", "Đơn vị tự chấm, Sở Nội vụ thẩm định"
    SURVEY = "survey", "Kết quả điều tra xã hội học"


class Rescale(models.TextChoices):
    NONE = "none", "Không quy đổi"
    PROPORTIONAL = "proportional", "Quy đổi theo tỷ lệ khi thiếu phần"


class Windows(models.TextChoices):
    CALENDAR = "calendar", "Tháng, quý, năm dương lịch"
    REPORTING = "reporting", "Kỳ báo cáo (chốt số liệu ngày 14)"


class Scheme(models.Model):
    """One version of a scoring scheme (e.g. qd766 v1); versions are never edited into one
    another: a revised scheme is loaded as the next version."""

    code = models.CharField("mã bộ tiêu chí", max_length=60)
    version = models.PositiveIntegerField("phiên bản")
    name = models.CharField("tên", max_length=255)
    description = models.TextField("mô tả", blank=True)
    unit_kinds = models.JSONField("loại đơn vị được chấm", default=list, blank=True)
    period_kinds = models.JSONField("loại kỳ chấm", default=list)
    # A period's days: the national portal scores QĐ 766 by calendar months, not by the
    # reporting windows of Nghị định 09/2019 (15th to 14th).
    windows = models.CharField(
        "ngày của kỳ chấm", max_length=10, choices=Windows.choices, default=Windows.CALENDAR
    )
    rescale = models.CharField(
        "quy đổi khi thiếu phần", max_length=20, choices=Rescale.choices, default=Rescale.NONE
    )
    # Criterion codes compared in order when two totals are equal (then the unit's name).
    ties = models.JSONField("thứ tự xét khi bằng điểm", default=list, blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    loaded_at = models.DateTimeField("nạp lúc", auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_scheme_version")
        ]
        verbose_name = "bộ tiêu chí chấm điểm"
        verbose_name_plural = "bộ tiêu chí chấm điểm"

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.filter(parent=None)), Decimal(0))


class Criterion(models.Model):
    """An area (lĩnh vực), criterion (tiêu chí) or sub-criterion (tiêu chí thành phần). Only
    leaves are scored; a parent's points are the sum of its children's."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField("mã", max_length=20)
    title = models.TextField("nội dung")
    level = models.PositiveSmallIntegerField("cấp")  # 1 area, 2 criterion, 3 sub-criterion
    order = models.PositiveIntegerField("thứ tự")
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    evidence = models.TextField("tài liệu kiểm chứng", blank=True)
    evidence_required = models.BooleanField("bắt buộc có tài liệu kiểm chứng", default=False)
    method = models.CharField(
        "cách chấm", max_length=10, choices=Method.choices, default=Method.SELF
    )
    # {"numerator": [names], "denominator": name, "threshold": %, "complement": bool} or
    # {"indicator": key, "threshold": %}: see docs/SCORING_FORMAT.md.
    rule = models.JSONField("quy tắc tính điểm", default=dict, blank=True)
    threshold = models.DecimalField(
        "ngưỡng (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    source = models.CharField("nguồn số liệu", max_length=255, blank=True)

    class Meta:
        ordering = ["scheme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_criterion_code")
        ]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:80]}"


class Band(models.Model):
    """A rating (Xuất sắc, Tốt…) for totals at or above `min_points`."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField("xếp loại", max_length=60)
    min_points = models.DecimalField("từ (điểm)", max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["scheme", "-min_points"]
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"

    def __str__(self) -> str:
        return f"{self.label} (từ {self.min_points} điểm)"


class EnteredFigure(models.Model):
    """A criterion's figure from outside cchc (the national portal's publication on time, its
    sync…), entered or imported by a consolidator with where it came from. Kept by scheme
    and criterion code, so a new scheme version keeps what was entered."""

    scheme_code = models.CharField("mã bộ tiêu chí", max_length=60)
    criterion_code = models.CharField("mã tiêu chí", max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    numerator = models.DecimalField("tử số", max_digits=14, decimal_places=2, null=True)
    denominator = models.DecimalField("mẫu số", max_digits=14, decimal_places=2, null=True)
    ratio = models.DecimalField("tỷ lệ (%)", max_digits=7, decimal_places=2, null=True)
    source = models.CharField("nguồn", max_length=255)
    note = models.TextField("ghi chú", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("nhập lúc", auto_now=True)

    class Meta:
        ordering = ["scheme_code", "period", "unit", "criterion_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_code", "criterion_code", "unit", "period"],
                name="one_entered_figure",
            )
        ]
        verbose_name = "số liệu nhập từ nguồn ngoài"
        verbose_name_plural = "số liệu nhập từ nguồn ngoài"

    def __str__(self) -> str:
        return f"{self.scheme_code} {self.criterion_code} {self.unit.code} {self.period.code}"
