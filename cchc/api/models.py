"""Per-user API tokens: only a hash of the key is stored, so the key is shown once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="người dùng",
    )
    name = models.CharField("tên gợi nhớ", max_length=100, blank=True)
    prefix = models.CharField("đầu mã", max_length=12, help_text="Để nhận ra mã, không đủ để dùng.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField("chỉ đọc", default=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người tạo",
    )
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self) -> str:
        scope = "chỉ đọc" if self.read_only else "đọc và ghi"
        return f"{self.prefix}… của {self.user} ({scope})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
