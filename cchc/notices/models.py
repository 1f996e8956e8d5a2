"""A notice sent to one person: by e-mail when they have an address, and always in the app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.reports.models import Report


class Kind(models.TextChoices):
    REMIND_BEFORE = "remind_before", "Nhắc trước hạn"
    REMIND_OVERDUE = "remind_overdue", "Nhắc quá hạn"
    REMIND_NOW = "remind_now", "Nhắc nhở của người tổng hợp"
    SUBMITTED = "submitted", "Báo cáo chờ phê duyệt"
    RETURNED = "returned", "Báo cáo bị trả lại"
    REOPENED = "reopened", "Báo cáo được mở khóa"


REMINDER_KINDS = (Kind.REMIND_BEFORE, Kind.REMIND_OVERDUE, Kind.REMIND_NOW)


class Delivery(models.TextChoices):
    PENDING = "pending", "Đang gửi"
    SENT = "sent", "Đã gửi thư"
    FAILED = "failed", "Gửi thư lỗi"
    NO_EMAIL = "no_email", "Không gửi thư (chưa có e-mail)"


# A notice with one of these results is not sent again for the same key; a failed one is.
DELIVERED = (Delivery.PENDING, Delivery.SENT, Delivery.NO_EMAIL)


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)

    def for_list(self) -> NoticeQuerySet:
        return self.select_related("unit", "period", "recipient", "triggered_by")


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="notices",
        verbose_name="người nhận",
    )
    recipient_name = models.CharField("tên người nhận", max_length=150)
    email = models.CharField("địa chỉ e-mail đã dùng", max_length=254, blank=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    subject = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="notices", verbose_name="đơn vị"
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="notices", verbose_name="kỳ báo cáo"
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name="báo cáo",
    )
    deadline = models.DateField("hạn gửi nêu trong thông báo", null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người gửi",
    )
    # Who or what sent it: a person's name, or the scheduler ("cchc remind").
    trigger = models.CharField("gửi bởi", max_length=150)
    # The same reminder (kind, unit, period, deadline or day) is not sent to a person twice.
    key = models.CharField("khóa chống gửi trùng", max_length=120, db_index=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi thư lúc", null=True, blank=True)
    delivery = models.CharField(
        "kết quả gửi thư", max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    error = models.TextField("lỗi gửi thư", blank=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread"),
            models.Index(fields=["period", "unit"], name="notice_period_unit"),
        ]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo, nhắc nhở đã gửi"

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_name}"

    @property
    def badge(self) -> str:
        """The status colour of the delivery result on the pages."""
        return BADGES[self.delivery]


BADGES: dict[str, str] = {
    Delivery.PENDING: "st-submitted",
    Delivery.SENT: "st-approved",
    Delivery.FAILED: "st-returned",
    Delivery.NO_EMAIL: "st-not_started",
}
