"""Report templates as data: versioned sections, indicators, rules and outline."""

from __future__ import annotations

from django.db import models


class ValueType(models.TextChoices):
    GROUP = "group", "Nhóm (không có số liệu)"
    INTEGER = "integer", "Số nguyên"
    DECIMAL = "decimal", "Số thập phân"
    PERCENT = "percent", "Tỷ lệ %"
    YES_NO = "yes_no", "Có/Không (mã hóa 1/0)"
    CHOICE = "choice", "Lựa chọn mã hóa"
    TEXT = "text", "Văn bản"
    DATE = "date", "Ngày"


NUMERIC_TYPES = {
    ValueType.INTEGER,
    ValueType.DECIMAL,
    ValueType.PERCENT,
    ValueType.YES_NO,
    ValueType.CHOICE,
}


class Consolidation(models.TextChoices):
    """How the units' values of an indicator make the consolidated value (DHIS2's
    aggregation type across the organisation tree)."""

    SUM = "sum", "Cộng"
    AVG = "avg", "Trung bình các đơn vị có số liệu"
    WEIGHTED = "weighted", "Bình quân gia quyền (theo chỉ tiêu trọng số)"
    MIN = "min", "Nhỏ nhất"
    MAX = "max", "Lớn nhất"
    COUNT = "count", "Đếm số đơn vị có số liệu"
    COUNT_TRUE = "count_true", "Đếm số đơn vị có"
    NONE = "none", "Không tổng hợp"


class PeriodConsolidation(models.TextChoices):
    """How one unit's values of shorter periods make the value of a longer one (the
    quarters of a year): flows add up, stocks and year-to-date figures take the last."""

    SUM = "sum", "Cộng các kỳ"
    LAST = "last", "Số liệu kỳ cuối"
    AVG = "avg", "Trung bình các kỳ"
    WEIGHTED = "weighted", "Bình quân gia quyền các kỳ"


class Severity(models.TextChoices):
    ERROR = "error", "Lỗi (chặn gửi báo cáo)"
    WARNING = "warning", "Cảnh báo"


class ReportTemplate(models.Model):
    code = models.CharField("mã biểu mẫu", max_length=60)
    version = models.PositiveIntegerField("phiên bản")
    name = models.CharField("tên", max_length=255)
    description = models.TextField("mô tả", blank=True)
    # The report's summary line (trích yếu) under "BÁO CÁO", {period} standing for the
    # period ("Cải cách hành chính {period}"); empty: the wording of the period's kind.
    summary = models.CharField("trích yếu của báo cáo", max_length=255, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        "số ngày làm việc được gửi sau ngày chốt", default=2
    )
    is_active = models.BooleanField("đang dùng", default=True)
    unit_kinds = models.JSONField(
        "loại đơn vị dùng biểu mẫu",
        default=list,
        blank=True,
        help_text='Ví dụ ["department"]; để trống: mọi loại đơn vị.',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_template_version")
        ]
        verbose_name = "biểu mẫu báo cáo"
        verbose_name_plural = "biểu mẫu báo cáo"

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def indicators_by_key(self) -> dict[str, Indicator]:
        return {i.key: i for i in self.indicators.all()}


class Section(models.Model):
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField("số La Mã", max_length=10)
    title = models.CharField("tên phần", max_length=255)
    order = models.PositiveIntegerField("thứ tự")

    class Meta:
        ordering = ["template", "order"]
        verbose_name = "phần"
        verbose_name_plural = "phần"

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Indicator(models.Model):
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="indicators"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField("mã chỉ tiêu", max_length=80)
    stt = models.CharField("STT", max_length=10, blank=True)
    ref = models.CharField(
        "mục",
        max_length=20,
        blank=True,
        help_text="Mục chứa chỉ tiêu, ví dụ I.1; đặt khi nạp biểu mẫu.",
    )
    label = models.TextField("chỉ tiêu")
    unit = models.CharField("đơn vị tính", max_length=120, blank=True)
    value_type = models.CharField("kiểu số liệu", max_length=10, choices=ValueType.choices)
    level = models.PositiveSmallIntegerField("cấp thụt lề", default=0)
    required = models.BooleanField("bắt buộc", default=False)
    choices = models.JSONField("mã hóa lựa chọn", default=list, blank=True)
    formula = models.CharField("công thức", max_length=500, blank=True)
    consolidation = models.CharField(
        "tổng hợp theo đơn vị",
        max_length=12,
        choices=Consolidation.choices,
        default=Consolidation.NONE,
    )
    consolidation_weight = models.CharField(
        "chỉ tiêu trọng số",
        max_length=80,
        blank=True,
        help_text="Với bình quân gia quyền: mã chỉ tiêu làm trọng số, ví dụ dossiers_returned "
        "cho tỷ lệ hồ sơ đúng hạn (tỷ lệ chung = tổng số đúng hạn / tổng số đã giải quyết).",
    )
    period_consolidation = models.CharField(
        "tổng hợp theo kỳ",
        max_length=12,
        choices=PeriodConsolidation.choices,
        default=PeriodConsolidation.LAST,
        help_text="Khi số liệu của kỳ dài (năm) được lập từ các kỳ ngắn (quý) của đơn vị.",
    )
    # A year-to-date figure ("Lũy kế đến thời điểm báo cáo"): counted from the start of the
    # reporting year to the cut-off, so a draft says "từ đầu năm đến nay", not "trong kỳ".
    cumulative = models.BooleanField(
        "lũy kế từ đầu năm",
        default=False,
        help_text="Số liệu tính từ đầu năm đến thời điểm báo cáo, không chỉ trong kỳ.",
    )
    source = models.CharField(
        "lấy từ sổ theo dõi",
        max_length=60,
        blank=True,
        help_text="Truy vấn sổ theo dõi để điền sẵn, ví dụ dossiers.received.",
    )
    note_hint = models.TextField("hướng dẫn ghi chú", blank=True)
    order = models.PositiveIntegerField("thứ tự")

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_indicator_key")
        ]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"

    def __str__(self) -> str:
        return f"{self.stt} {self.label}".strip()

    @property
    def is_group(self) -> bool:
        return self.value_type == ValueType.GROUP

    @property
    def is_numeric(self) -> bool:
        return self.value_type in NUMERIC_TYPES

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)

    @property
    def decimals(self) -> int:
        return (
            0 if self.value_type in {ValueType.INTEGER, ValueType.YES_NO, ValueType.CHOICE} else 2
        )

    @property
    def quoted_label(self) -> str:
        """The indicator as a message names it, with the item it sits in: «…» (mục I.1)."""
        label = self.label.strip().rstrip(":").strip()
        return f"«{label}» (mục {self.ref})" if self.ref else f"«{label}»"


class Rule(models.Model):
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="rules")
    expression = models.CharField("điều kiện", max_length=500)
    message = models.TextField("thông báo khi vi phạm")
    severity = models.CharField(
        "mức độ", max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["template", "order"]
        verbose_name = "quy tắc kiểm tra"
        verbose_name_plural = "quy tắc kiểm tra"

    def __str__(self) -> str:
        return self.expression


class OutlineSection(models.Model):
    """One heading of the narrative outline (đề cương), e.g. "1.1.1. Về kế hoạch CCHC"."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="outline")
    number = models.CharField("số thứ tự", max_length=20)
    title = models.CharField("tiêu đề", max_length=255)
    level = models.PositiveSmallIntegerField("cấp", default=1)
    hint = models.TextField("gợi ý nội dung", blank=True)
    draft = models.TextField(
        "mẫu soạn tự động",
        blank=True,
        help_text="Mẫu câu (cú pháp Django template) để soạn nội dung từ số liệu, "
        "ví dụ: đã hoàn thành {{ v.plan_tasks_done }}/{{ v.plan_tasks_total }} nhiệm vụ.",
    )
    chart = models.CharField(
        "biểu đồ kèm theo",
        max_length=40,
        blank=True,
        help_text="Mã biểu đồ vẽ sau nội dung mục, ví dụ: tasks, dossiers.",
    )
    order = models.PositiveIntegerField("thứ tự")

    class Meta:
        ordering = ["template", "order"]
        verbose_name = "mục đề cương"
        verbose_name_plural = "đề cương"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
