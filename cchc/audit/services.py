"""The audit trail: every change goes through log_action, which only ever adds a row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cchc.audit.models import AuditEntry

# Autosave sends a field many times while the user types; consecutive edits of the same field
# by the same person within this window are shown as one change (the stored rows stay apart).
COALESCE_WINDOW = datetime.timedelta(minutes=10)


def _repr(obj: Any, limit: int = 255) -> str:
    return str(obj)[:limit] if obj is not None else ""


def log_action(*args, **kwargs) -> AuditEntry:
    """Record a change as a new row (see audit_entry for the arguments)."""
    entry = audit_entry(*args, **kwargs)
    entry.save()
    return entry


def log_actions(entries: list[AuditEntry]) -> None:
    """Record several changes of one step (a pre-fill) in one insert."""
    AuditEntry.objects.bulk_create(entries)


def audit_entry(
    user,
    action: str,
    summary: str,
    *,
    report=None,
    data: dict[str, Any] | None = None,
    coalesce_key: str | None = None,
    at: datetime.datetime | None = None,
    obj: models.Model | None = None,
    unit=None,
) -> AuditEntry:
    """The entry recording a change, not yet stored; nothing stored is ever edited.

    `obj` is what changed (defaults to the report); `unit` defaults from the report or from the
    object (its `unit`, or the object itself when it is a unit). `coalesce_key` names the field an
    autosave wrote, so the trail can show repeated saves as one line. `at` is when the recorded
    step happened when it is recorded later (imported history): it is kept as `occurred_at`,
    while `at` is always the real time of writing.
    """
    data = dict(data or {})
    user = user if getattr(user, "is_authenticated", False) else None
    if coalesce_key:
        data["key"] = coalesce_key
    if report is None and obj is not None:
        candidate = getattr(obj, "report", None)
        if candidate is not None and candidate._meta.label == "reports.Report":
            report = candidate
        elif obj._meta.label == "reports.Report":
            report = obj
    if obj is None:
        obj = report
    if unit is None:
        if report is not None:
            unit = report.unit
        elif obj is not None and obj._meta.label == "org.Unit":
            unit = obj
        elif obj is not None:
            unit = getattr(obj, "unit", None)
    return AuditEntry(
        user=user,
        user_repr=_repr(user and (user.get_full_name() or user.username), 150),
        action=action,
        summary=summary,
        data=data,
        occurred_at=at,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=_repr(obj),
        unit=unit,
        unit_repr=_repr(unit),
        report=report,
        report_repr=_repr(report),
    )


def _shown(value: Any) -> str:
    return str(value) if value not in (None, "") else "(trống)"


@dataclass
class TrailLine:
    """One line of a displayed trail: one entry, or a run of autosaves of one field."""

    entries: list[AuditEntry] = field(default_factory=list)

    @property
    def first(self) -> AuditEntry:
        return self.entries[0]

    @property
    def last(self) -> AuditEntry:
        return self.entries[-1]

    @property
    def at(self) -> datetime.datetime:
        return self.last.at

    @property
    def occurred_at(self) -> datetime.datetime | None:
        return self.last.occurred_at

    @property
    def user(self):
        return self.last.user

    @property
    def user_repr(self) -> str:
        return self.last.user_repr

    @property
    def action(self) -> str:
        return self.last.action

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def before(self) -> Any:
        return self.first.data.get("before")

    @property
    def after(self) -> Any:
        return self.last.data.get("after")

    @property
    def summary(self) -> str:
        """The last summary, its "before → after" tail taken from the run's first entry."""
        text = self.last.summary
        if self.count > 1:
            tail = f"{_shown(self.last.data.get('before'))} → {_shown(self.after)}"
            if text.endswith(tail):
                text = text[: -len(tail)] + f"{_shown(self.before)} → {_shown(self.after)}"
        return text

    def joins(self, entry: AuditEntry) -> bool:
        key = entry.data.get("key")
        return bool(
            key
            and entry.user_id is not None
            and entry.occurred_at is None
            and self.last.occurred_at is None
            and key == self.last.data.get("key")
            and entry.user_id == self.last.user_id
            and entry.action == self.last.action
            and entry.object_id == self.last.object_id
            and entry.at - self.last.at <= COALESCE_WINDOW
        )


def coalesced(entries: Iterable[AuditEntry]) -> list[TrailLine]:
    """The trail as shown, newest first: consecutive autosaves of one field by one person
    within COALESCE_WINDOW make one line (first 'before', last 'after')."""
    chronological = sorted(entries, key=lambda e: (e.at, e.pk))
    lines: list[TrailLine] = []
    for entry in chronological:
        if lines and lines[-1].joins(entry):
            lines[-1].entries.append(entry)
        else:
            lines.append(TrailLine([entry]))
    lines.reverse()
    return lines


def trail_of(obj: models.Model, user) -> list[TrailLine]:
    """What happened to one object, as the trail shows it (only entries the user may see)."""
    return coalesced(AuditEntry.objects.about(obj).visible_to(user).select_related("user"))
