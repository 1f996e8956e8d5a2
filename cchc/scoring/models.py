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


class Stage(models.TextChoices):
    DRAFT = "draft", "Đơn vị đang tự chấm"
    SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
    APPRAISED = "appraised", "Đã thẩm định, chờ đơn vị giải trình"
    REPLIED = "replied", "Đơn vị đã giải trình"
    FINAL = "final", "Đã chốt điểm"


class Assessment(models.Model):
    """A unit's self-assessment on a scheme for a period and its appraisal: self-scored,
    submitted, appraised criterion by criterion, answered once by the unit (giải trình),
    then finalised by the council and locked."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(
        "trạng thái", max_length=10, choices=Stage.choices, default=Stage.DRAFT
    )
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    appraised_at = models.DateTimeField("thẩm định xong lúc", null=True, blank=True)
    replied_at = models.DateTimeField("giải trình lúc", null=True, blank=True)
    finalised_at = models.DateTimeField("chốt điểm lúc", null=True, blank=True)
    # The locked result, kept as finalised (the rules and figures may change afterwards).
    final_total = models.DecimalField(
        "tổng điểm chốt", max_digits=7, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "scheme", "period"], name="one_assessment_per_scheme_period"
            )
        ]
        verbose_name = "hồ sơ tự đánh giá"
        verbose_name_plural = "hồ sơ tự đánh giá, thẩm định"

    def __str__(self) -> str:
        return f"{self.unit.name} — {self.scheme.code} — {self.period.code}"

    @property
    def is_locked(self) -> bool:
        return self.stage == Stage.FINAL


class AssessmentItem(models.Model):
    """One scored criterion of an assessment: the unit's points (for a computed criterion,
    its override of the computed points, with the reason), the appraised points with their
    reason, the unit's reply and the final points."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(
        "điểm tự chấm", max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField("thuyết minh, giải thích", blank=True)
    override_reason = models.TextField("lý do sửa điểm tự tính", blank=True)
    appraised_points = models.DecimalField(
        "điểm thẩm định", max_digits=6, decimal_places=2, null=True, blank=True
    )
    appraisal_reason = models.TextField("ý kiến thẩm định", blank=True)
    reply = models.TextField("giải trình của đơn vị", blank=True)
    final_points = models.DecimalField(
        "điểm chốt", max_digits=6, decimal_places=2, null=True, blank=True
    )
    final_reason = models.TextField("lý do điểm chốt khác điểm thẩm định", blank=True)

    class Meta:
        ordering = ["assessment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_item_per_criterion"
            )
        ]
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"

    def __str__(self) -> str:
        return f"{self.assessment} — {self.criterion.code}"


class AssessmentEvidence(models.Model):
    """A document a unit cites for a criterion, with an uploaded copy when it has one."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="evidence")
    doc_type = models.CharField("loại văn bản", max_length=40, blank=True)
    number_symbol = models.CharField("số, ký hiệu", max_length=80, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    summary = models.TextField("trích yếu", blank=True)
    file_path = models.CharField("tệp lưu trữ", max_length=255, blank=True)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    file_type = models.CharField("loại tệp", max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField("dung lượng", null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"

    def __str__(self) -> str:
        parts = [
            p
            for p in (self.doc_type, f"số {self.number_symbol}" if self.number_symbol else "")
            if p
        ]
        if self.issued_on:
            parts.append(f"ngày {self.issued_on:%d/%m/%Y}")
        if self.summary:
            parts.append(f"về việc {self.summary}")
        text = " ".join(parts)
        if self.file_name:
            text = f"{text} (tệp {self.file_name})" if text else f"Tệp {self.file_name}"
        return text
