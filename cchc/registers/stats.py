"""Dossier statistics over a period's window (Biểu II.06a/VPCP/KSTT), aggregated in SQL.

received = carried over (received before the window, not finished before it) + new (received
within it, by channel); resolved = finished within the window, early / on time / late;
in progress = not finished by the window's last day: within time when its due date is on or
after that day (or its clock is stopped), overdue otherwise or after several supplements."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cchc.registers.models import COUNTED, Channel, Dossier, Verdict

KEYS = [
    "received",
    "carried_over",
    "new_online",
    "new_direct",
    "new_postal",
    "resolved",
    "early",
    "on_time",
    "late",
    "in_progress_within",
    "in_progress_overdue",
]


def window_stats(
    dossiers: QuerySet[Dossier], start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """The Biểu II.06a figures of `dossiers` over the window start..end (both included)."""
    counts, in_play = _counts(start, end)
    return _with_received(dossiers.filter(in_play).aggregate(**counts))


def grouped_stats(
    dossiers: QuerySet[Dossier], start: datetime.date, end: datetime.date, by: str
) -> dict[Any, dict[str, int]]:
    """The same figures for each value of the field `by` (e.g. "unit_id", "procedure_code"),
    in one query; a value with no dossier in play gives all zeros and may be left out."""
    counts, in_play = _counts(start, end)
    rows = dossiers.filter(in_play).order_by().values(by).annotate(**counts)
    return {row[by]: _with_received(row) for row in rows}


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


def received_by(end: datetime.date) -> Q:
    """Received on or before `end` (local day), without received_at__date."""
    return Q(received_at__lt=local_midnight(end + datetime.timedelta(days=1)))


def received_within(start: datetime.date, end: datetime.date) -> Q:
    return Q(received_at__gte=local_midnight(start)) & received_by(end)


def resolved_within(start: datetime.date, end: datetime.date) -> Q:
    return Q(result_on__gte=start, result_on__lte=end)


def window_filters(start: datetime.date, end: datetime.date) -> tuple[dict[str, Q], Q]:
    """Each figure of KEYS as a filter on dossiers (what the scoring lists behind a figure),
    and a filter that every dossier counted by one of them passes (so that the others are
    rejected before the counts are evaluated).

    received_at is compared with the local midnights that bound the window rather than
    through received_at__date, which SQLite evaluates with a Python function on every row."""
    window_opens = local_midnight(start)
    window_closes = local_midnight(end + datetime.timedelta(days=1))
    received_before = Q(received_at__lt=window_opens)
    received_within = Q(received_at__gte=window_opens, received_at__lt=window_closes)
    not_finished_before = Q(result_on__isnull=True) | Q(result_on__gte=start)
    unfinished_at_end = Q(received_at__lt=window_closes) & (
        Q(result_on__isnull=True) | Q(result_on__gt=end)
    )
    resolved = resolved_within(start, end)
    overdue = Q(supplement_count__gt=1) | Q(due_on__lt=end)
    filters = dict(
        received=(received_before & not_finished_before) | received_within,
        carried_over=received_before & not_finished_before,
        new_online=received_within & Q(channel=Channel.ONLINE),
        new_direct=received_within & Q(channel=Channel.DIRECT),
        new_postal=received_within & Q(channel=Channel.POSTAL),
        resolved=resolved,
        early=resolved & Q(verdict=Verdict.EARLY),
        on_time=resolved & Q(verdict=Verdict.ON_TIME),
        late=resolved & Q(verdict=Verdict.LATE),
        in_progress_within=unfinished_at_end & ~overdue,
        in_progress_overdue=unfinished_at_end & overdue,
    )
    # Received before the window closes and not finished before it opens covers carried
    # over, in progress and (with valid data) new and resolved; the other two terms keep the
    # counts exact for a result dated before its receipt.
    in_play = (Q(received_at__lt=window_closes) & not_finished_before) | resolved | received_within
    # Refused, withdrawn, stopped or not yet received dossiers count in no figure.
    return {key: q & COUNTED for key, q in filters.items()}, in_play & COUNTED


def _counts(start: datetime.date, end: datetime.date) -> tuple[dict[str, Count], Q]:
    """The Count expressions of KEYS but "received" (the sum of four of them)."""
    filters, in_play = window_filters(start, end)
    counts = {key: Count("pk", filter=q) for key, q in filters.items() if key != "received"}
    return counts, in_play


def _with_received(figures: dict) -> dict[str, int]:
    figures["received"] = (
        figures["carried_over"]
        + figures["new_online"]
        + figures["new_direct"]
        + figures["new_postal"]
    )
    return {key: figures[key] for key in KEYS}
