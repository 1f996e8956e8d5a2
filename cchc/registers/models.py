"""Registers a unit keeps: the TTHC catalogue and the dossiers of its one-stop system."""

from __future__ import annotations

from django.db import models

from cchc.org.models import Unit
from cchc.org.scoped import UnitScopedQuerySet


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không"


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working", "ngày làm việc"
    CALENDAR_DAYS = "calendar", "ngày"


class Procedure(models.Model):
    """A procedure (thủ tục hành chính) in the unit's catalogue."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="procedures")
    code = models.CharField("mã TTHC", max_length=60)
    name = models.TextField("tên TTHC")
    field = models.CharField("lĩnh vực", max_length=255, blank=True)
    level = models.CharField("cấp thực hiện", max_length=60, blank=True)
    online_level = models.CharField(
        "mức độ DVC", max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    postal = models.BooleanField("tiếp nhận, trả kết quả qua BCCI", default=False)
    online_payment = models.BooleanField("tích hợp thanh toán trực tuyến", default=False)
    fee = models.CharField("phí, lệ phí", max_length=255, blank=True)
    processing_time = models.PositiveIntegerField("thời hạn giải quyết")
    time_unit = models.CharField(
        "đơn vị thời hạn", max_length=10, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="unique_procedure_code")
        ]
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "danh mục thủ tục hành chính"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Channel(models.TextChoices):
    DIRECT = "direct", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Bưu chính"


# DVCQG statuses of dossiers that never entered processing or left it without a result: 1
# registered online but not yet received, 3 refused at the counter (Mẫu 03), 7 withdrawn at
# the citizen's request, 8 processing stopped (Mẫu 05). Biểu II.06a counts none of them
# (neither received, resolved nor in progress) and none is owed an apology letter.
NOT_COUNTED_STATUSES: dict[int, str] = {
    1: "Mới đăng ký, chưa được tiếp nhận",
    3: "Không được tiếp nhận",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
}
COUNTED = models.Q(status__isnull=True) | ~models.Q(status__in=list(NOT_COUNTED_STATUSES))


class Verdict(models.TextChoices):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class Dossier(models.Model):
    """One dossier (hồ sơ) as imported, with the dates cchc computed for it."""

    # No index of its own: the (unit, code) constraint's index starts with the unit and
    # serves every lookup by unit; one index less to keep up on a million-row import. No
    # database-level foreign key either: it checks every imported row again at commit (about
    # 4 s of a million-row import on PostgreSQL), while the import writes the id of a unit it
    # has in hand and units are never deleted (PROTECT here, closed with valid_to instead).
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    code = models.CharField("mã hồ sơ", max_length=80)
    procedure_code = models.CharField("mã TTHC", max_length=60)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField("ngày tiếp nhận")
    promised_on = models.DateField("ngày hẹn trả (hệ thống nguồn)", null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    supplement_requested_at = models.DateTimeField("ngày yêu cầu bổ sung", null=True, blank=True)
    supplement_completed_at = models.DateTimeField("ngày bổ sung đủ", null=True, blank=True)
    result_on = models.DateField("ngày có kết quả", null=True, blank=True)
    returned_on = models.DateField("ngày trả kết quả", null=True, blank=True)
    status = models.PositiveSmallIntegerField("trạng thái (DVCQG)", null=True, blank=True)
    # Computed on import (cchc.registers.classify): the clock and the verdict.
    start_on = models.DateField("ngày bắt đầu tính hạn")
    due_on = models.DateField("hạn giải quyết (cchc tính)", null=True, blank=True)
    verdict = models.CharField("kết quả", max_length=10, choices=Verdict.choices, blank=True)
    promised_differs = models.BooleanField(
        "hạn của hệ thống nguồn khác hạn cchc tính", default=False
    )
    # From the source file when it says so (None: the file does not tell).
    digitised = models.BooleanField("đã số hóa hồ sơ", null=True, blank=True)
    fee_due = models.BooleanField("phải nộp phí, lệ phí", null=True, blank=True)
    paid_online = models.BooleanField("đã thanh toán trực tuyến", null=True, blank=True)
    electronic_result = models.BooleanField("có kết quả điện tử", null=True, blank=True)
    # Entered in cchc, never overwritten by a re-import: the apology letter (Mẫu 04,
    # Quyết định 766/QĐ-TTg) sent for an overdue dossier and the new date it promises.
    apology_number = models.CharField("số văn bản xin lỗi", max_length=80, blank=True)
    apology_on = models.DateField("ngày văn bản xin lỗi", null=True, blank=True)
    new_due_on = models.DateField("ngày hẹn trả mới", null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "received_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="unique_dossier_code")]
        # No index on (unit, result_on): the statistics read a unit's rows through the unit
        # prefix of the others, and every import paid for keeping it (docs/BENCHMARKS.md).
        indexes = [models.Index(fields=["unit", "received_at"])]
        verbose_name = "hồ sơ TTHC"
        verbose_name_plural = "hồ sơ TTHC"

    def __str__(self) -> str:
        return self.code


class ImportKind(models.TextChoices):
    DOSSIERS = "dossiers", "Hồ sơ TTHC"
    PROCEDURES = "procedures", "Danh mục TTHC"
    # The work registers (cchc.records.registry, by slug), imported through the same mapping
    # page (cchc.records.mapping).
    TASKS = "tasks", "Nhiệm vụ CCHC"
    FEEDBACK = "feedback", "Phản ánh, kiến nghị"
    POSTS = "posts", "Tuyên truyền CCHC"
    DOCUMENTS = "documents", "Văn bản đi"
    INSPECTIONS = "inspections", "Kiểm tra CCHC"
    TRAININGS = "trainings", "Đào tạo, bồi dưỡng"
    STAFFING = "staffing", "Biên chế"


class ColumnMapping(models.Model):
    """How the columns of one source system's export map to cchc's standard columns, saved
    so the next file from the same source imports without asking again."""

    kind = models.CharField("loại dữ liệu", max_length=20, choices=ImportKind.choices)
    name = models.CharField("nguồn dữ liệu", max_length=200)
    # {standard column name (e.g. "Mã hồ sơ"): the source file's column name}
    columns = models.JSONField("cột tương ứng", default=dict)
    # The header's row number when the user chose it (title rows the automatic search takes
    # for the header); null: found automatically.
    header_row = models.PositiveIntegerField("dòng tiêu đề", null=True, blank=True)
    # {standard column: {normalised source value: code}}: the values of coded columns
    # (status, channel, yes/no) that cchc's own names do not cover, as the user mapped them
    # (a DVCQG status code 1–10, a Channel value, true/false).
    values = models.JSONField("giá trị tương ứng", default=dict, blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_column_mapping")
        ]
        verbose_name = "cách ghép cột"
        verbose_name_plural = "cách ghép cột theo nguồn dữ liệu"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"
