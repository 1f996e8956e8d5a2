"""The audit trail: every change goes through log_action."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from cchc.audit.models import AuditEntry

# Autosave sends a field many times while the user types; consecutive edits of the
# same field by the same person within this window are one change in the trail.
COALESCE_WINDOW = datetime.timedelta(minutes=10)


def log_action(
    user,
    action: str,
    summary: str,
    *,
    report=None,
    data: dict[str, Any] | None = None,
    coalesce_key: str | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Record a change. With `coalesce_key`, a recent entry of the same user, report and key
    is extended (its 'after' replaced) instead of a new one, keeping the original 'before'.
    `at` dates an entry for a step that happened earlier (imported history)."""
    data = dict(data or {})
    user = user if getattr(user, "is_authenticated", False) else None
    if coalesce_key and report is not None and user is not None:
        data["key"] = coalesce_key
        recent = (
            AuditEntry.objects.filter(
                report=report,
                user=user,
                action=action,
                data__key=coalesce_key,
                updated_at__gte=timezone.now() - COALESCE_WINDOW,
            )
            .order_by("-pk")
            .first()
        )
        latest = AuditEntry.objects.filter(report=report).order_by("-pk").first()
        if recent is not None and latest is not None and recent.pk == latest.pk:
            data["before"] = recent.data.get("before")
            recent.data = data
            recent.summary = summary
            recent.save(update_fields=["data", "summary", "updated_at"])
            return recent
    entry = AuditEntry.objects.create(
        user=user, action=action, summary=summary, report=report, data=data
    )
    if at is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(at=at, updated_at=at)
        entry.at = entry.updated_at = at
    return entry
