"""Role changes: the one checked, atomic, audited path (pages, the admin and commands)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cchc.audit.services import log_action
from cchc.org import access
from cchc.org.models import Role, RoleAssignment, Unit

# A consolidator staffs the units of their sub-tree; only an admin hands out oversight roles.
CONSOLIDATOR_GRANTS = frozenset({Role.REPORTER, Role.APPROVER})


def can_manage_role(actor, unit: Unit, role: str) -> bool:
    if access.is_admin(actor):
        return True
    return role in CONSOLIDATOR_GRANTS and unit.pk in access.consolidated_unit_ids(actor)


def _require(actor, unit: Unit, role: str) -> None:
    if role not in Role.values:
        raise ValueError(f"Vai trò «{role}» không có trong danh sách vai trò.")
    if not can_manage_role(actor, unit, role):
        raise PermissionDenied(
            f"Bạn không có quyền phân vai trò {Role(role).label} tại {unit.name}: chỉ quản trị, "
            "hoặc người tổng hợp (với vai trò người báo cáo, người phê duyệt trong phạm vi "
            "mình tổng hợp), mới phân quyền được."
        )


def _forget_scopes(user: User) -> None:
    # access caches a user's scope on the object; a role change must not be hidden by it.
    if hasattr(user, "_cchc_scope_cache"):
        del user._cchc_scope_cache


@transaction.atomic
def assign_role(actor, user: User, unit: Unit, role: str) -> RoleAssignment:
    """Give `user` the role on `unit` (and so below it); nothing happens when they have it."""
    _require(actor, unit, role)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        log_action(
            actor,
            "role.assign",
            f"Phân vai trò {Role(role).label} tại {unit.name} cho {user.get_full_name() or user}",
            data={"user": user.username, "unit": unit.code, "before": None, "after": role},
            obj=assignment,
            unit=unit,
        )
        _forget_scopes(user)
    return assignment


@transaction.atomic
def revoke_role(actor, assignment: RoleAssignment) -> None:
    unit, user, role = assignment.unit, assignment.user, assignment.role
    _require(actor, unit, role)
    log_action(
        actor,
        "role.revoke",
        f"Thu hồi vai trò {Role(role).label} tại {unit.name} của {user.get_full_name() or user}",
        data={"user": user.username, "unit": unit.code, "before": role, "after": None},
        obj=assignment,
        unit=unit,
    )
    assignment.delete()
    _forget_scopes(user)


@transaction.atomic
def change_role(actor, assignment: RoleAssignment, user: User, unit: Unit, role: str):
    """Edit an assignment in place: the actor must be allowed both the old and the new role."""
    stored = RoleAssignment.objects.select_related("user", "unit").get(pk=assignment.pk)
    if (stored.user_id, stored.unit_id, stored.role) == (user.pk, unit.pk, role):
        return stored
    _require(actor, stored.unit, stored.role)
    _require(actor, unit, role)
    before = f"{stored.user.username} — {stored.role} — {stored.unit.code}"
    stored.user, stored.unit, stored.role = user, unit, role
    stored.save()
    log_action(
        actor,
        "role.change",
        f"Đổi phân quyền {before} thành {Role(role).label} tại {unit.name} "
        f"cho {user.get_full_name() or user}",
        data={"before": before, "after": f"{user.username} — {role} — {unit.code}"},
        obj=stored,
        unit=unit,
    )
    _forget_scopes(user)
    return stored
