"""The reports app's workflow signals, turned into notices."""

from __future__ import annotations

from typing import Any

from cchc.notices import services
from cchc.reports import signals


def on_submitted(sender: Any, report: Any, user: Any, at: Any = None, **kwargs: Any) -> None:
    # A step recorded after the fact (an import, the demo's past events) notifies nobody:
    # the people concerned learned of it when it happened.
    if at is None:
        services.notify_submitted(report, user)


def on_returned(
    sender: Any,
    report: Any,
    user: Any,
    reason: str,
    reopened: bool = False,
    at: Any = None,
    **kwargs: Any,
) -> None:
    if at is None:
        services.notify_returned(report, user, reason, reopened)


def connect() -> None:
    signals.report_submitted.connect(on_submitted, dispatch_uid="notices.on_submitted")
    signals.report_returned.connect(on_returned, dispatch_uid="notices.on_returned")
