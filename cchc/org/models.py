"""Organisation units in a tree, time-aware, and the roles people hold on them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DIVISION = "division", "Phòng"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    DISTRICT = "district", "UBND huyện"
    DISTRICT_DIVISION = "district_division", "Phòng thuộc huyện"
    COMMUNE = "commune", "UBND xã"


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(self, user: Any) -> UnitQuerySet:
        """The units `user` may see (see cchc.org.scoped for the other models)."""
        if self.sees_all(user):
            return self.all()
        return self.filter(pk__in=viewing_scope(user))

    def consolidated_by(self, user: Any) -> UnitQuerySet:
        """The units whose reporting `user` follows as consolidator (all, for an admin)."""
        if self.sees_all(user):
            return self.all()
        return self.filter(pk__in=role_scope(user, {Role.CONSOLIDATOR}))

    def sees_all(self, user: Any) -> bool:
        """Whether `user` sees every unit (and so every unit-less row, e.g. of the trail)."""
        return holds_admin(user)


class Unit(models.Model):
    """An agency as it was between valid_from and valid_to.

    A merged or abolished unit is closed (valid_to) and names its successor; its
    reports stay attached to it, so old reports keep the name they were sent under.
    """

    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="đơn vị cấp trên",
    )
    doc_symbol = models.CharField(
        "chữ viết tắt trên văn bản",
        max_length=40,
        blank=True,
        help_text="Phần sau dấu gạch trong số ký hiệu, ví dụ STTTT trong 02/KH-STTTT.",
    )
    place = models.CharField(
        "địa danh",
        max_length=80,
        blank=True,
        help_text="Địa danh ghi trên văn bản, ví dụ Sóc Trăng.",
    )
    must_report = models.BooleanField("phải báo cáo CCHC", default=False)
    valid_from = models.DateField("hiệu lực từ", default=datetime.date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="đơn vị kế thừa",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """Ids of this unit and every unit below it (one query per level)."""
        found = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            found.update(frontier)
        return found


class Role(models.TextChoices):
    REPORTER = "reporter", "Người báo cáo"
    APPROVER = "approver", "Người phê duyệt"
    CONSOLIDATOR = "consolidator", "Người tổng hợp"
    # Sở Nội vụ's staff on the appraisal council of the provincial CCHC index.
    APPRAISER = "appraiser", "Người thẩm định"
    ADMIN = "admin", "Quản trị"


class RoleAssignment(models.Model):
    """A person's role on a unit; it covers the unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name="người dùng",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="đơn vị"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_assignment")
        ]
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"


# The role scopes every rule in access.py is built from. They live beside the models so that
# Unit.objects.visible_to can use them without importing access.py (which imports the models).
VIEWING_ROLES = frozenset({Role.REPORTER, Role.APPROVER, Role.CONSOLIDATOR, Role.APPRAISER})


def role_scope(user: Any, roles: set[str] | frozenset[str]) -> set[int]:
    """Ids of the units on which the user holds one of `roles` (directly or above); cached on
    the user object for the request."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_cchc_scope_cache", None)
    if cache is None:
        cache = {}
        user._cchc_scope_cache = cache
    key = frozenset(roles)
    if key not in cache:
        ids: set[int] = set()
        assignments = RoleAssignment.objects.filter(user=user, role__in=roles).select_related(
            "unit"
        )
        for assignment in assignments:
            ids |= assignment.unit.descendant_ids()
        cache[key] = ids
    return cache[key]


def viewing_scope(user: Any) -> set[int]:
    """The units the user may see: those their roles cover, and the units those took over
    (merged or abolished units whose successor they cover, with the units below them), so
    the reports sent before a merger stay reachable from the successor."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_cchc_scope_cache", {})
    if "viewing" not in cache:
        ids = set(role_scope(user, VIEWING_ROLES))
        frontier = set(ids)
        while frontier:
            older = set(
                Unit.objects.filter(successor_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            below = set()
            for unit in Unit.objects.filter(pk__in=older):
                below |= unit.descendant_ids()
            frontier = (older | below) - ids
            ids |= frontier
        cache = getattr(user, "_cchc_scope_cache", {})
        cache["viewing"] = ids
        user._cchc_scope_cache = cache
    return cache["viewing"]


def holds_admin(user: Any) -> bool:
    """A superuser, or a user holding the admin role anywhere: sees and may do everything."""
    return bool(user.is_authenticated and (user.is_superuser or role_scope(user, {Role.ADMIN})))
