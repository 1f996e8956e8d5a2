"""The CCHC work registers a unit keeps: tasks, citizen feedback, propaganda posts, outgoing
documents, inspections, trainings and staffing snapshots.

Tasks and feedback have a deadline; their status at any date (done on time, done late, in
progress, overdue) is decided by the same rule in Python (`status_at`) and in SQL
(`status_q`), so a period's counts are one aggregate query."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5

from cchc.org.models import Unit
from cchc.org.scoped import UnitScopedQuerySet
from cchc.periods.workdays import WorkdayTable, WorkingCalendar

# Working days a unit has to handle a phản ánh, kiến nghị after receiving it; QĐ 766/QĐ-TTg
# scores units on feedback handled within 15 working days. A province that counts otherwise
# sets CCHC_FEEDBACK_WORKING_DAYS; stored due dates follow after `cchc records recompute`.
DEFAULT_FEEDBACK_WORKING_DAYS = 15


def feedback_working_days() -> int:
    return int(getattr(settings, "CCHC_FEEDBACK_WORKING_DAYS", DEFAULT_FEEDBACK_WORKING_DAYS))


class Progress(models.TextChoices):
    ON_TIME = "on_time", "Hoàn thành đúng hạn"
    LATE = "late", "Hoàn thành quá hạn"
    IN_PROGRESS = "in_progress", "Đang thực hiện, trong hạn"
    OVERDUE = "overdue", "Quá hạn, chưa hoàn thành"


class DeadlineRecord(models.Model):
    """A record finished on `DONE_FIELD`, due on `due_on`: a working day computed from
    `DUE_FROM` when saved, and again by `cchc records recompute` when the calendar changes."""

    DONE_FIELD = ""
    DUE_FROM = ""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("hạn (ngày làm việc)", editable=False)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def compute_due(self, calendar: WorkingCalendar) -> datetime.date:
        raise NotImplementedError

    @classmethod
    def due_days(cls, table: WorkdayTable, days):
        """compute_due over an array of `DUE_FROM` day numbers (see WorkdayTable)."""
        raise NotImplementedError

    def status_at(self, day: datetime.date) -> Progress:
        done = getattr(self, self.DONE_FIELD)
        if done is not None and done <= day:
            return Progress.ON_TIME if done <= self.due_on else Progress.LATE
        return Progress.IN_PROGRESS if self.due_on >= day else Progress.OVERDUE

    @classmethod
    def status_q(cls, day: datetime.date) -> dict[Progress, Q]:
        """The status at `day` of every row, as filters (the SQL twin of status_at)."""
        done = cls.DONE_FIELD
        finished = Q(**{f"{done}__lte": day})
        return {
            Progress.ON_TIME: finished & Q(**{f"{done}__lte": F("due_on")}),
            Progress.LATE: finished & Q(**{f"{done}__gt": F("due_on")}),
            Progress.IN_PROGRESS: ~finished & Q(due_on__gte=day),
            Progress.OVERDUE: ~finished & Q(due_on__lt=day),
        }


class TaskKind(models.TextChoices):
    PLAN = "plan", "Nhiệm vụ trong Kế hoạch CCHC của đơn vị"
    PPC = "ppc", "Nhiệm vụ UBND tỉnh giao"


class Task(DeadlineRecord):
    """A task of the unit's yearly CCHC plan, or one assigned by the provincial People's
    Committee. It belongs to the plan year of its deadline."""

    DONE_FIELD = "completed_on"
    DUE_FROM = "deadline"

    kind = models.CharField("loại nhiệm vụ", max_length=10, choices=TaskKind.choices)
    content = models.TextField("nội dung nhiệm vụ")
    source_document = models.CharField(
        "văn bản giao",
        max_length=300,
        blank=True,
        help_text="Ví dụ: Kế hoạch số 02/KH-STTTT ngày 27/01/2022",
    )
    assigned_on = models.DateField("ngày giao", null=True, blank=True)
    deadline = models.DateField("hạn hoàn thành")
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["unit", "kind", "deadline", "pk"]
        indexes = [models.Index(fields=["unit", "kind", "deadline"])]
        # The natural key an import updates by; the text is hashed because PostgreSQL
        # refuses an index entry over ~2.7 kB. A recurring task differs by its deadline.
        constraints = [
            models.UniqueConstraint(
                "unit", "kind", MD5("content"), "source_document", "deadline", name="unique_task"
            )
        ]
        verbose_name = "nhiệm vụ CCHC"
        verbose_name_plural = "sổ theo dõi nhiệm vụ CCHC"

    def __str__(self) -> str:
        return self.content[:80]

    def compute_due(self, calendar: WorkingCalendar) -> datetime.date:
        # A deadline falling on a day off moves to the next working day (Bộ luật Dân sự, Điều 148).
        return calendar.next_working_day(self.deadline, include_self=True)

    @classmethod
    def due_days(cls, table: WorkdayTable, days):
        return table.next_working_day(days)

    def clean(self) -> None:
        # Completion before the assigning document is allowed: a yearly plan often lists
        # work already done in January before the plan itself is signed.
        if self.assigned_on and self.deadline and self.deadline < self.assigned_on:
            raise ValidationError({"deadline": "hạn hoàn thành trước ngày giao"})


class FeedbackChannel(models.TextChoices):
    HOTLINE = "hotline", "Tổng đài 1022"
    PORTAL = "portal", "Cổng Dịch vụ công"
    DIRECT = "direct", "Trực tiếp"
    LETTER = "letter", "Văn bản, đơn thư"
    EMAIL = "email", "Thư điện tử"
    PHONE = "phone", "Điện thoại"
    OTHER = "other", "Kênh khác"


class Feedback(DeadlineRecord):
    """A citizen's or organisation's feedback (phản ánh, kiến nghị) on administrative
    regulations or procedures, due `feedback_working_days()` after receipt."""

    DONE_FIELD = "handled_on"
    DUE_FROM = "received_on"

    received_on = models.DateField("ngày tiếp nhận")
    channel = models.CharField("kênh tiếp nhận", max_length=10, choices=FeedbackChannel.choices)
    sender = models.CharField("cá nhân, tổ chức phản ánh", max_length=200, blank=True)
    content = models.TextField("nội dung phản ánh, kiến nghị")
    handled_on = models.DateField("ngày giải quyết xong", null=True, blank=True)
    reply = models.CharField("văn bản trả lời", max_length=300, blank=True)

    class Meta:
        ordering = ["unit", "received_on", "pk"]
        indexes = [models.Index(fields=["unit", "received_on"])]
        constraints = [
            models.UniqueConstraint(
                "unit", "received_on", "channel", "sender", MD5("content"), name="unique_feedback"
            )
        ]
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "sổ theo dõi phản ánh, kiến nghị"

    def __str__(self) -> str:
        return f"{self.received_on:%d/%m/%Y} {self.content[:60]}"

    def compute_due(self, calendar: WorkingCalendar) -> datetime.date:
        return calendar.add_working_days(self.received_on, feedback_working_days())

    @classmethod
    def due_days(cls, table: WorkdayTable, days):
        return table.add_working_days(days, feedback_working_days())

    def clean(self) -> None:
        if self.received_on and self.handled_on and self.handled_on < self.received_on:
            raise ValidationError({"handled_on": "ngày giải quyết trước ngày tiếp nhận"})


class PostChannel(models.TextChoices):
    UNIT_SITE = "unit_site", "Trang TTĐT của đơn vị"
    PROVINCE_PAGE = "province_page", "Chuyên trang CCHC tỉnh"
    PRESS = "press", "Báo chí"
    BROADCAST = "broadcast", "Đài phát thanh, truyền hình"
    SOCIAL = "social", "Mạng xã hội (Zalo, Facebook…)"
    MEETING = "meeting", "Hội nghị, cuộc họp"


MEDIA_CHANNELS = [c for c in PostChannel.values if c != PostChannel.MEETING]


class Post(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField("ngày đăng")
    channel = models.CharField("kênh tuyên truyền", max_length=20, choices=PostChannel.choices)
    title = models.CharField("tên tin, bài", max_length=500)
    link = models.URLField("đường dẫn", max_length=500, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "published_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "published_on", "channel", "title"], name="unique_post"
            )
        ]
        verbose_name = "tin, bài tuyên truyền CCHC"
        verbose_name_plural = "sổ theo dõi tuyên truyền CCHC"

    def __str__(self) -> str:
        return self.title


class DocumentForm(models.TextChoices):
    ELECTRONIC = "electronic", "Hoàn toàn điện tử"
    BOTH = "both", "Điện tử và song song bản giấy"
    PAPER = "paper", "Bản giấy"


class OutgoingDocument(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("số, ký hiệu", max_length=80)
    issued_on = models.DateField("ngày ban hành")
    summary = models.CharField("trích yếu", max_length=500)
    form = models.CharField("hình thức gửi", max_length=12, choices=DocumentForm.choices)
    digitally_signed = models.BooleanField("có ký số", default=False)
    cchc_directive = models.BooleanField("văn bản chỉ đạo, điều hành CCHC", default=False)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number", "issued_on"], name="unique_outgoing_document"
            )
        ]
        verbose_name = "văn bản đi"
        verbose_name_plural = "sổ văn bản đi"

    def __str__(self) -> str:
        return self.number


class InspectedKind(models.TextChoices):
    DIVISION = "division", "Phòng, ban thuộc cơ quan"
    SUBUNIT = "subunit", "Đơn vị trực thuộc"
    OTHER = "other", "Cơ quan, đơn vị khác"


class Inspection(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField("ngày kiểm tra")
    inspected_unit = models.CharField("đơn vị được kiểm tra", max_length=200)
    inspected_kind = models.CharField(
        "loại đơn vị được kiểm tra", max_length=10, choices=InspectedKind.choices
    )
    scope = models.CharField("nội dung kiểm tra", max_length=300, blank=True)
    # Blank when the inspection record does not say (not 0): a sum over blanks is no figure.
    issues_found = models.PositiveIntegerField("số vấn đề phát hiện", null=True, blank=True)
    issues_fixed = models.PositiveIntegerField("số vấn đề đã xử lý xong", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "inspected_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "inspected_on", "inspected_unit"], name="unique_inspection"
            ),
            models.CheckConstraint(
                condition=Q(issues_fixed__lte=F("issues_found")), name="inspection_fixed_le_found"
            ),
        ]
        verbose_name = "cuộc kiểm tra CCHC"
        verbose_name_plural = "sổ theo dõi kiểm tra CCHC"

    def __str__(self) -> str:
        return f"{self.inspected_unit} ({self.inspected_on:%d/%m/%Y})"

    def clean(self) -> None:
        if (self.issues_fixed or 0) > (self.issues_found or 0):
            raise ValidationError(
                {"issues_fixed": "số vấn đề đã xử lý xong lớn hơn số vấn đề phát hiện"}
            )


class TrainingKind(models.TextChoices):
    EDUCATION = "education", "Đào tạo"
    FOSTERING = "fostering", "Bồi dưỡng"
    WORKSHOP = "workshop", "Tập huấn"


class Training(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("ngày khai giảng")
    title = models.CharField("tên lớp, khóa học", max_length=300)
    kind = models.CharField("hình thức", max_length=10, choices=TrainingKind.choices)
    participants = models.PositiveIntegerField("số người của đơn vị tham gia")
    note = models.TextField("ghi chú", blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "held_on", "title"], name="unique_training")
        ]
        verbose_name = "lớp đào tạo, bồi dưỡng"
        verbose_name_plural = "sổ theo dõi đào tạo, bồi dưỡng"

    def __str__(self) -> str:
        return self.title


class StaffCategory(models.TextChoices):
    CIVIL_SERVANTS = "civil_servants", "Biên chế công chức"
    CONTRACT = "contract", "Hợp đồng lao động tại cơ quan hành chính"
    PUBLIC_EMPLOYEES = "public_employees", "Người làm việc tại đơn vị sự nghiệp công lập"
    LEADERS_DEPARTMENT = "leaders_department", "Lãnh đạo cấp sở, ngành"
    LEADERS_DIVISION = "leaders_division", "Lãnh đạo cấp phòng thuộc sở, ngành"
    LEADERS_SUBUNIT = "leaders_subunit", "Lãnh đạo cấp phòng trong đơn vị trực thuộc"


class StaffingSnapshot(models.Model):
    """Staff numbers by category on one date; all rows of one date form a snapshot."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField("ngày chốt số liệu")
    category = models.CharField("loại", max_length=20, choices=StaffCategory.choices)
    quota = models.PositiveIntegerField("số được giao", null=True, blank=True)
    actual = models.PositiveIntegerField("số có mặt")

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "-as_of", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "as_of", "category"], name="unique_staffing_category"
            )
        ]
        verbose_name = "số liệu biên chế"
        verbose_name_plural = "sổ theo dõi biên chế"

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.as_of:%d/%m/%Y})"
