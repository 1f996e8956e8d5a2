"""Workflow steps announced to whoever listens (the notices app, which sits above reports
and so cannot be called from here). Sent once the step's transaction commits; a failing
receiver is logged and never undoes or breaks the step.

report_submitted: report, user, at (set when the step is recorded after the fact)
report_returned: report, user, reason, reopened (an approved report unlocked), at
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

report_submitted = Signal()
report_returned = Signal()


def send_on_commit(signal: Signal, report: Any, **kwargs: Any) -> None:
    def send() -> None:
        for receiver, result in signal.send_robust(sender=type(report), report=report, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "Xử lý sự kiện báo cáo %s bằng %r lỗi", report.pk, receiver, exc_info=result
                )

    transaction.on_commit(send)
