"""The one place that decides who may see or change what.

A role held on a unit covers that unit and all units below it. Views and services
ask these functions; nothing else decides. The role scope itself (which units a user's roles
cover) is computed in cchc.org.models, where Unit.objects.visible_to uses it too.
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth.models import AnonymousUser, User

from cchc.org.models import (
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
    holds_admin,
    role_scope,
    viewing_scope,
)

AnyUser = User | AnonymousUser


class Report(Protocol):
    """What the rules read of a report (cchc.reports.models.Report has it): org sits below
    reports, so it names the attributes rather than the model."""

    unit: Unit
    unit_id: int

    @property
    def is_editable(self) -> bool: ...


def _scope(user: AnyUser, roles: set[str]) -> set[int]:
    return role_scope(user, roles)


def is_admin(user: AnyUser) -> bool:
    return holds_admin(user)


def visible_unit_ids(user: AnyUser) -> set[int]:
    """Units the user may see: their roles' units and, for history, those they took over."""
    if is_admin(user):
        return set(Unit.objects.values_list("pk", flat=True))
    return viewing_scope(user)


def reporting_unit_ids(user: AnyUser) -> set[int]:
    """Units the user reports for or approves for (their own work, not what they watch)."""
    return _scope(user, {Role.REPORTER, Role.APPROVER})


def can_view_unit(user: AnyUser, unit: Unit) -> bool:
    return unit.pk in visible_unit_ids(user)


def can_view_report(user: AnyUser, report: Report) -> bool:
    return can_view_unit(user, report.unit)


def own_report_units(user: AnyUser) -> set[int]:
    """The provinces whose own report the user prepares as their consolidator: Sở Nội vụ
    drafts the province's CCHC report, so the consolidator role held on exactly a province
    covers its report (not those of the units below it: watching is not reporting)."""
    if not user.is_authenticated:
        return set()
    return set(
        RoleAssignment.objects.filter(
            user=user, role=Role.CONSOLIDATOR, unit__kind=UnitKind.PROVINCE
        ).values_list("unit_id", flat=True)
    )


def can_edit_report(user: AnyUser, report: Report) -> bool:
    """Reporters of the unit edit a report while it is a draft or returned; so does the
    consolidator of the unit itself (the province's report)."""
    if not report.is_editable:
        return False
    return report.unit_id in _scope(user, {Role.REPORTER}) or report.unit_id in own_report_units(
        user
    )


def can_submit_report(user: AnyUser, report: Report) -> bool:
    return can_edit_report(user, report)


def can_approve_report(user: AnyUser, report: Report) -> bool:
    return report.unit_id in _scope(user, {Role.APPROVER})


def can_return_report(user: AnyUser, report: Report) -> bool:
    """The unit's leader, or the province's consolidator, may send a report back."""
    return report.unit_id in _scope(user, {Role.APPROVER, Role.CONSOLIDATOR})


def can_reopen_report(user: AnyUser, report: Report) -> bool:
    return report.unit_id in _scope(user, {Role.APPROVER, Role.CONSOLIDATOR}) or is_admin(user)


def can_start_report(user: AnyUser, unit: Unit) -> bool:
    return unit.pk in _scope(user, {Role.REPORTER}) or unit.pk in own_report_units(user)


def can_edit_registers(user: AnyUser, unit: Unit) -> bool:
    """Reporters keep their unit's registers (catalogue, dossiers); the consolidator keeps
    those of the unit it holds the role on (the province's plan, documents, inspections)."""
    return unit.pk in _scope(user, {Role.REPORTER}) or unit.pk in own_report_units(user)


def consolidated_unit_ids(user: AnyUser) -> set[int]:
    """Units whose reporting status the user watches as consolidator."""
    return set(Unit.objects.consolidated_by(user).values_list("pk", flat=True))


def consolidation_roots(user: AnyUser) -> list[Unit]:
    """The units on which the user holds the consolidator role (empty for an admin without
    one: an admin sees everything)."""
    if not user.is_authenticated:
        return []
    return [
        assignment.unit
        for assignment in RoleAssignment.objects.filter(user=user, role=Role.CONSOLIDATOR)
        .select_related("unit")
        .order_by("unit__code")
    ]


def can_consolidate(user: AnyUser) -> bool:
    return bool(consolidated_unit_ids(user))


def can_send_reminders(user: AnyUser, unit: Unit) -> bool:
    """Consolidators of the unit, and admins, remind its reporters to send their report."""
    return unit.pk in _scope(user, {Role.CONSOLIDATOR}) or is_admin(user)


def can_extend_deadline(user: AnyUser, unit: Unit) -> bool:
    """Sở Nội vụ grants, changes and withdraws a unit's deadline extension: the consolidator
    role on the unit (an admin runs the system, not the reporting regime)."""
    return unit.pk in _scope(user, {Role.CONSOLIDATOR})


def can_acknowledge_report(user: AnyUser, report: Report) -> bool:
    """The receiving office acknowledges receipt of a sent report: the unit's consolidator."""
    return report.unit_id in _scope(user, {Role.CONSOLIDATOR})


def can_self_assess(user: AnyUser, unit: Unit) -> bool:
    """A unit's reporters score it on the provincial index; its leader submits with them."""
    return unit.pk in _scope(user, {Role.REPORTER, Role.APPROVER})


def can_appraise(user: AnyUser, unit: Unit) -> bool:
    """The appraisal council (the appraiser role on the province, or on the unit)."""
    return unit.pk in _scope(user, {Role.APPRAISER})
