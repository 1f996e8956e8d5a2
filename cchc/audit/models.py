from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who changed what, when, from what to what."""

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="người thực hiện",
    )
    action = models.CharField("thao tác", max_length=60)
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="báo cáo",
    )
    summary = models.TextField("nội dung")
    data = models.JSONField("chi tiết", default=dict, blank=True)
    updated_at = models.DateTimeField("cập nhật lần cuối", auto_now=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.summary}"
