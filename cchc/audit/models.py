"""The audit trail's storage: rows are written once and never changed or removed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

# The links an entry may lose when the linked row is deleted (Django's SET_NULL runs a queryset
# update); their *_repr text stays, so the trail still says what it was about.
UNLINKABLE = frozenset({"user", "report", "unit", "content_type"})


class ImmutableAuditEntry(RuntimeError):
    """Raised by any attempt to rewrite or remove an audit entry."""

    def __init__(self) -> None:
        super().__init__("Nhật ký thay đổi không được sửa hoặc xóa.")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        # Only the unlinking Django does when a user, report or unit is deleted is allowed.
        if not kwargs or set(kwargs) - UNLINKABLE or any(v is not None for v in kwargs.values()):
            raise ImmutableAuditEntry()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditEntry()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ImmutableAuditEntry()

    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        """Entries about units the user may see (an admin sees all, including unit-less ones).

        The decision is the Unit queryset's (org's access rules), reached through the `unit`
        relation: org sits above audit (role changes are audited), so audit does not import it.
        """
        unit_model = self.model._meta.get_field("unit").related_model
        assert isinstance(unit_model, type)
        units: Any = unit_model._default_manager
        if units.sees_all(user):
            return self.all()
        return self.filter(unit__in=units.visible_to(user))

    def about(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEntry(models.Model):
    """Who changed what, when, from what to what.

    `at` is the real time the entry was written; `occurred_at` is set only for an entry that
    records afterwards something that happened earlier (imported history), and is shown so.
    """

    at = models.DateTimeField("thời điểm ghi", auto_now_add=True, db_index=True)
    occurred_at = models.DateTimeField("thời điểm sự việc", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="người thực hiện",
    )
    user_repr = models.CharField("tên người thực hiện", max_length=150, blank=True)
    action = models.CharField("thao tác", max_length=60)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="loại đối tượng",
    )
    object_id = models.CharField("mã đối tượng", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("đối tượng", max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="đơn vị",
    )
    unit_repr = models.CharField("tên đơn vị", max_length=255, blank=True)
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="báo cáo",
    )
    report_repr = models.CharField("tên báo cáo", max_length=255, blank=True)
    summary = models.TextField("nội dung")
    data = models.JSONField("chi tiết", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_repr or '(hệ thống)'} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise ImmutableAuditEntry()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditEntry()
