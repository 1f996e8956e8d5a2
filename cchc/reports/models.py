"""A unit's report for a period: values, evidence, narrative, and its workflow state."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone

from cchc.catalog.models import Indicator, OutlineSection, ReportTemplate
from cchc.org.models import Unit
from cchc.org.scoped import UnitScopedQuerySet
from cchc.periods.models import Period, working_calendar
from cchc.periods.workdays import WorkingCalendar


class Status(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã phê duyệt"


class Report(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports", verbose_name="đơn vị"
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name="kỳ báo cáo"
    )
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, related_name="reports", verbose_name="biểu mẫu"
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(
        "số ký hiệu", max_length=60, blank=True, help_text="Ví dụ 174/BC-STTTT"
    )
    report_date = models.DateField("ngày báo cáo", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("phê duyệt lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    # What the signed document carries besides the figures (Nghị định 30/2020 layout).
    signer_authority = models.CharField(
        "thẩm quyền ký",
        max_length=80,
        blank=True,
        help_text="Ví dụ: KT. GIÁM ĐỐC (để trống nếu người đứng đầu ký)",
    )
    signer_title = models.CharField(
        "chức vụ người ký", max_length=80, blank=True, help_text="Ví dụ: GIÁM ĐỐC, PHÓ GIÁM ĐỐC"
    )
    signer_name = models.CharField("họ tên người ký", max_length=120, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi nơi nhận một dòng.")
    opening = models.TextField(
        "đoạn mở đầu", blank=True, help_text="Căn cứ, lý do báo cáo; để trống để hệ thống soạn."
    )
    closing = models.TextField("đoạn kết", blank=True)
    # Sở Nội vụ's acknowledgement of receipt ("đã tiếp nhận"). It holds for the submission it
    # acknowledged (`acknowledged_submission` = that submitted_at): a report returned or
    # reopened, then sent again, is a new submission and is not acknowledged until marked again.
    acknowledged_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_submission = models.DateTimeField("lần gửi được tiếp nhận", null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period__end", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_report_per_unit_period")
        ]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"

    def __str__(self) -> str:
        return f"Báo cáo CCHC {self.period.label} — {self.unit.name}"

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)

    @property
    def submitted_on(self) -> datetime.date | None:
        if self.submitted_at is None:
            return None
        return timezone.localtime(self.submitted_at).date()

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return working_calendar()

    @cached_property
    def extension(self) -> DeadlineExtension | None:
        """The later deadline Sở Nội vụ granted this unit for this period, if any."""
        return DeadlineExtension.objects.filter(
            unit_id=self.unit_id, period_id=self.period_id
        ).first()

    @cached_property
    def regular_deadline(self) -> datetime.date:
        """The period's end day + the template's deadline_working_days, on the calendar in
        force now (derived, never stored, so a calendar change moves it at once)."""
        return self.period.deadline_for(self.template.deadline_working_days, self.calendar)

    @property
    def deadline(self) -> datetime.date:
        """The deadline that applies: the regular one, or the unit's extension when later."""
        return applicable_deadline(self.regular_deadline, self.extension)

    def use_calendar(self, calendar: WorkingCalendar) -> None:
        """Derive the deadline on a calendar already read (a list of reports reads it once)."""
        self.__dict__.pop("regular_deadline", None)
        self.calendar = calendar

    def use_extension(self, extension: DeadlineExtension | None) -> None:
        """The unit's extension for the period, read with those of other reports."""
        self.extension = extension

    @property
    def is_late(self) -> bool | None:
        """Whether the submission came after the deadline; None before submission."""
        submitted_on = self.submitted_on
        if submitted_on is None:
            return None
        return submitted_on > self.deadline

    @property
    def days_late(self) -> int | None:
        """Working days the submission came after the deadline (0 on time); None before."""
        submitted_on = self.submitted_on
        if submitted_on is None:
            return None
        return working_days_late(self.deadline, submitted_on, self.calendar)

    @property
    def is_received(self) -> bool:
        """Sent to the province and not sent back: submitted or approved."""
        return self.status in (Status.SUBMITTED, Status.APPROVED)

    @property
    def is_acknowledged(self) -> bool:
        """Sở Nội vụ acknowledged receipt of the submission the report stands on now."""
        return (
            self.is_received
            and self.acknowledged_at is not None
            and self.acknowledged_submission == self.submitted_at
        )

    @property
    def timeliness_label(self) -> str:
        if self.is_late is None:
            return ""
        return "trễ hạn" if self.is_late else "đúng hạn"


class DeadlineExtension(models.Model):
    """A later deadline Sở Nội vụ grants one unit for one period, with the reason (gia hạn).
    Granted, changed and withdrawn through cchc.reports.services (audited); it may be granted
    before the unit starts its report."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="deadline_extensions", verbose_name="đơn vị"
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="deadline_extensions",
        verbose_name="kỳ báo cáo",
    )
    deadline = models.DateField("hạn gửi được gia hạn đến")
    reason = models.TextField("lý do gia hạn")
    granted_at = models.DateTimeField("gia hạn lúc")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_extension_per_unit_period")
        ]
        verbose_name = "gia hạn gửi báo cáo"
        verbose_name_plural = "gia hạn gửi báo cáo"

    def __str__(self) -> str:
        return f"Gia hạn đến {self.deadline:%d/%m/%Y} — {self.unit.name}, {self.period.label}"


def applicable_deadline(
    regular: datetime.date, extension: DeadlineExtension | None
) -> datetime.date:
    """An extension only ever moves a deadline later (a template later given more working days
    than the extension allowed keeps the template's deadline)."""
    if extension is not None and extension.deadline > regular:
        return extension.deadline
    return regular


def working_days_late(
    deadline: datetime.date, day: datetime.date, calendar: WorkingCalendar
) -> int:
    """Working days after `deadline` up to `day` (0 on or before the deadline). A day off after
    the deadline counts as the next working day, when the sending would be handled: a report
    due Friday and sent on Saturday is one working day late, not zero."""
    if day <= deadline:
        return 0
    until = calendar.next_working_day(day, include_self=True)
    count, current = 0, deadline
    while current < until:
        current += datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


def read_deadlines(reports: Iterable[Report], calendar: WorkingCalendar | None = None) -> None:
    """Derive the deadlines of a list of reports with one read of the calendar and one of the
    extensions granted to their units (a list page must not read them report by report)."""
    reports = list(reports)
    calendar = calendar or working_calendar()
    extensions = {
        (e.unit_id, e.period_id): e
        for e in DeadlineExtension.objects.filter(
            unit_id__in={r.unit_id for r in reports}, period_id__in={r.period_id for r in reports}
        )
    }
    for report in reports:
        report.use_calendar(calendar)
        report.use_extension(extensions.get((report.unit_id, report.period_id)))


class Source(models.TextChoices):
    MANUAL = "manual", "Nhập tay"
    FORMULA = "formula", "Tính theo công thức"
    REGISTER = "register", "Từ sổ theo dõi"


def text_version(text: str) -> str:
    """The version of a narrative section's text (its ETag), as value_version for values."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def value_version(value: Value | None) -> str:
    """A short fingerprint of what a value holds (figure and note): the ETag of the API and
    the version the browser's autosave sends back, so a stale write is refused, not lost."""
    content = "" if value is None or value.content is None else str(value.content)
    note = "" if value is None else value.note
    return hashlib.sha256(f"{content}\x1f{note}".encode()).hexdigest()[:16]


class Value(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField("số liệu", max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField("nội dung", blank=True)
    date = models.DateField("ngày", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    source = models.CharField("nguồn", max_length=10, choices=Source.choices, default=Source.MANUAL)
    override_reason = models.TextField("lý do sửa số liệu tự động", blank=True)
    register_number = models.DecimalField(
        "số liệu từ sổ theo dõi", max_digits=20, decimal_places=4, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator")
        ]
        verbose_name = "số liệu"
        verbose_name_plural = "số liệu"

    def __str__(self) -> str:
        return f"{self.indicator.key} = {self.content}"

    @property
    def content(self) -> Decimal | str | datetime.date | None:
        if self.number is not None:
            number = self.number
            # Stored with 4 places: 46.0000 reads back as 46 and 86.9600 as 86.96.
            return (
                number.quantize(Decimal(1))
                if number == number.to_integral()
                else number.normalize()
            )
        if self.date is not None:
            return self.date
        return self.text or None

    def set_content(self, content: Decimal | str | datetime.date | None) -> None:
        self.number, self.text, self.date = None, "", None
        if isinstance(content, Decimal):
            self.number = content
        elif isinstance(content, datetime.date):
            self.date = content
        elif content:
            self.text = content


class Evidence(models.Model):
    """A document cited as evidence for a value: 'Kế hoạch số 02/KH-STTTT ngày 27/01/2022'."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="chỉ tiêu"
    )
    doc_type = models.CharField("loại văn bản", max_length=40)
    number_symbol = models.CharField("số, ký hiệu", max_length=80, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    summary = models.TextField("trích yếu", blank=True)
    # An uploaded copy of the document (cchc/reports/evidence_files.py): stored under
    # CCHC_DATA_DIR with a generated name; the user's file name is kept for the download.
    file_path = models.CharField("tệp lưu trữ", max_length=255, blank=True)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    file_type = models.CharField("loại tệp", max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField("dung lượng", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = "văn bản minh chứng"
        verbose_name_plural = "văn bản minh chứng"

    def __str__(self) -> str:
        parts = [f"{self.doc_type} số {self.number_symbol}"]
        if self.issued_on:
            parts.append(
                f"ngày {self.issued_on.day:02d}/{self.issued_on.month:02d}/{self.issued_on.year}"
            )
        if self.issuer:
            parts.append(f"của {self.issuer}")
        if self.summary:
            parts.append(f"về việc {self.summary}")
        return " ".join(parts)


class NarrativeText(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narrative")
    section = models.ForeignKey(OutlineSection, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung", blank=True)
    # The figures the text was drafted from, as printed then ({indicator key: "46"}); empty
    # for text written by hand. A figure that no longer prints so makes the section stale.
    basis = models.JSONField("số liệu dùng để soạn", default=dict, blank=True)
    # Stored by approval for a section nobody saved: the draft the approver was shown, so the
    # approved document prints it and never a draft made anew. Cleared when someone edits it.
    drafted_at_approval = models.BooleanField("hệ thống soạn khi phê duyệt", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="one_text_per_section")
        ]
        verbose_name = "nội dung báo cáo"
        verbose_name_plural = "nội dung báo cáo"

    def __str__(self) -> str:
        return f"{self.section.number} {self.section.title}"
