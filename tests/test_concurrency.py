"""Two people (or programs) at once: two submits or approvals of one report give one
transition and one audit entry; two imports into one unit's register are applied one after
the other, the second updating what the first wrote. Real threads, each with its own
database connection (on PostgreSQL: row locks; on SQLite: its one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from cchc.audit.models import AuditEntry
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.reports import services
from cchc.reports.models import Status
from tests.test_dossier_import import CATALOGUE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database (shared cache) refuses a second writer at "
        "once instead of waiting, unlike the SQLite file cchc runs on (IMMEDIATE transactions, "
        "20 s timeout): run on PostgreSQL (make test-postgres)",
    ),
]


def _at_once(*calls):
    """Run the calls in threads released together; their results or exceptions, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as exc:  # the losing side's refusal is an outcome to look at
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_submits_at_once_make_one_transition(complete_report, reporter):
    outcomes = _at_once(
        lambda: services.submit_report(reporter, complete_report),
        lambda: services.submit_report(reporter, complete_report),
    )
    sent = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(sent) == 1, outcomes
    # The other waited for the lock, then found the report sent: refused, not failed.
    assert all(
        isinstance(o, PermissionDenied | services.WorkflowError) for o in outcomes if o not in sent
    )
    complete_report.refresh_from_db()
    assert complete_report.status == Status.SUBMITTED
    assert AuditEntry.objects.filter(report=complete_report, action="report.submit").count() == 1


def test_two_approvals_at_once_make_one_transition(complete_report, reporter, approver):
    services.submit_report(reporter, complete_report)
    outcomes = _at_once(
        lambda: services.approve_report(approver, complete_report),
        lambda: services.approve_report(approver, complete_report),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, PermissionDenied | services.WorkflowError) for o in refused)
    assert AuditEntry.objects.filter(report=complete_report, action="report.approve").count() == 1


ROWS = "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\n" + "".join(
    f"C{n:04d},1.004567,Trực tiếp,01/07/2022 09:00\n" for n in range(300)
)


def test_two_imports_of_one_unit_are_applied_one_after_the_other(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    outcomes = _at_once(
        lambda: import_dossiers(ROWS.encode(), "a.csv", unit),
        lambda: import_dossiers(ROWS.encode(), "b.csv", unit),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    created = sorted(o.created for o in outcomes)
    updated = sorted(o.updated for o in outcomes)
    assert created == [0, 300] and updated == [0, 300]
    assert Dossier.objects.filter(unit=unit).count() == 300
