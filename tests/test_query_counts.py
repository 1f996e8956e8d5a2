"""Pinned query counts for the report's hot paths: the entry page, an autosave, the pre-fill
and submitting. Each must stay a small constant, the same however many values the report
holds, so that an N+1 shows up here as a failing test."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.base import sources
from cchc.catalog.models import ValueType
from cchc.records.models import (
    DocumentForm,
    Feedback,
    FeedbackChannel,
    InspectedKind,
    Inspection,
    OutgoingDocument,
    Post,
    PostChannel,
    StaffCategory,
    StaffingSnapshot,
    Task,
    TaskKind,
    Training,
    TrainingKind,
)
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.reports import services
from cchc.reports.models import Status
from tests.conftest import COMPLETE_VALUES, PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS

# Measured on 02/12/2026 (SQLite and PostgreSQL agree); a little headroom for a new check.
PAGE_MAX = 25
AUTOSAVE_MAX = 35
SUBMIT_MAX = 28
PREFILL_MAX = 30  # 20 with no register rows, 24 with every register fed
SOURCES_MAX = 20  # 18 aggregates for the 59 sources


def _count(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _fill_more(report, reporter, how_many: int) -> None:
    """Type a value into `how_many` more plain whole-number rows of the report."""
    plain = (
        report.template.indicators.filter(value_type=ValueType.INTEGER, formula="", source="")
        .exclude(key__in=COMPLETE_VALUES)
        .order_by("pk")[:how_many]
    )
    assert len(plain) == how_many
    for indicator in plain:
        services.save_value(reporter, report, indicator.key, "1")


def _page(client, report):
    return lambda: client.get(f"/reports/{report.pk}/")


def _autosave(client, report, value: str):
    return lambda: client.post(
        f"/reports/{report.pk}/values/",
        json.dumps({"key": "plan_tasks_done", "value": value}),
        content_type="application/json",
    )


@pytest.fixture
def logged_in(client, reporter):
    client.login(username=reporter.username, password=PASSWORD)
    return client


def test_page_and_autosave_do_not_grow_with_the_values(logged_in, complete_report, reporter):
    report = complete_report
    logged_in.get(f"/reports/{report.pk}/")  # session and caches warmed, as a user's page is
    page_few = _count(_page(logged_in, report))
    save_few = _count(_autosave(logged_in, report, "41"))
    _fill_more(report, reporter, 30)
    page_many = _count(_page(logged_in, report))
    save_many = _count(_autosave(logged_in, report, "40"))
    assert page_few == page_many <= PAGE_MAX
    assert save_few == save_many <= AUTOSAVE_MAX


def test_submit_is_a_small_constant(logged_in, complete_report):
    report = complete_report
    response = None

    def submit():
        nonlocal response
        response = logged_in.post(f"/reports/{report.pk}/submit/")

    assert _count(submit) <= SUBMIT_MAX
    assert response is not None and response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def _fill_registers(unit) -> None:
    """A row in every register the template's sources read, inside Q3-2022."""
    day = datetime.date(2022, 8, 10)
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    for kind in TaskKind:
        Task.objects.create(
            unit=unit, kind=kind, content="Nhiệm vụ", deadline=day, due_on=day, completed_on=day
        )
    Feedback.objects.create(
        unit=unit, received_on=day, channel=FeedbackChannel.HOTLINE, content="Phản ánh", due_on=day
    )
    for channel in PostChannel:
        Post.objects.create(unit=unit, published_on=day, channel=channel, title="Tin")
    for form in DocumentForm:
        OutgoingDocument.objects.create(
            unit=unit, number=f"1/{form}", issued_on=day, summary="Văn bản", form=form
        )
    for kind in InspectedKind:
        Inspection.objects.create(
            unit=unit, inspected_on=day, inspected_unit=f"Đơn vị {kind}", inspected_kind=kind
        )
    Training.objects.create(
        unit=unit, held_on=day, title="Lớp", kind=TrainingKind.WORKSHOP, participants=20
    )
    for category in StaffCategory:
        StaffingSnapshot.objects.create(unit=unit, as_of=day, category=category, quota=9, actual=8)


def test_register_sources_share_their_queries(report):
    """Reading every source at once costs one query per register aggregate, far fewer than
    the sources, with every register holding rows."""
    _fill_registers(report.unit)
    names = sorted(sources.names())
    window = (report.period.start, report.period.end)
    alone = {name: sources.register_value(name, report.unit, *window) for name in names}
    with CaptureQueriesContext(connection) as queries:
        together = sources.register_values(names, report.unit, *window)
    assert together == alone
    assert sum(value is not None for value in together.values()) >= 40
    assert len(queries) <= SOURCES_MAX < len(names) / 2


def test_prefill_is_a_small_constant(report, reporter):
    """The pre-fill costs the same few queries whether no register feeds the template or
    every one does (then a handful of bulk writes more), and typed values add none."""
    empty = _count(lambda: services.prefill_from_registers(reporter, report))
    _fill_registers(report.unit)
    changed = None

    def prefill():
        nonlocal changed
        changed = services.prefill_from_registers(reporter, report)

    full = _count(prefill)
    assert changed is not None and changed >= 30
    assert full <= PREFILL_MAX and full - empty <= 5
    _fill_more(report, reporter, 30)
    assert _count(lambda: services.prefill_from_registers(reporter, report)) <= full
