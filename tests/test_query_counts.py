"""Pinned query counts for the report's hot paths: the entry page, an autosave, the pre-fill
and submitting. Each must stay a small constant, the same however many values the report
holds, so that an N+1 shows up here as a failing test."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.catalog.models import ValueType
from cchc.reports import services
from cchc.reports.models import Status
from tests.conftest import COMPLETE_VALUES, PASSWORD

# Measured on 02/12/2026 (SQLite and PostgreSQL agree); a little headroom for a new check.
PAGE_MAX = 25
AUTOSAVE_MAX = 35
SUBMIT_MAX = 28


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


def test_prefill_does_not_grow_with_the_values(report, reporter):
    """The pre-fill runs one query per register source of the template (today ~50 for
    so-nganh); typed values must not add queries of their own."""
    before = _count(lambda: services.prefill_from_registers(reporter, report))
    _fill_more(report, reporter, 30)
    after = _count(lambda: services.prefill_from_registers(reporter, report))
    assert after == before
