"""Schemathesis against the API: every operation of the OpenAPI document, a bounded number of
generated requests each (derandomised, so a run is repeatable), sent to a live server with a
reporter's read-write token over a unit with a report. No answer may be a server error, and
every documented answer must match its schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from cchc.api import tokens
from cchc.reports import services

pytestmark = pytest.mark.django_db(transaction=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

EXAMPLES = 6
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.specs.openapi.checks.response_schema_conformance,
]


@pytest.fixture
def api_key(province, template, reporter, period) -> str:
    services.start_report(reporter, province["ST-STTTT"], period, template)
    _, key = tokens.create_token(None, reporter, read_only=False)
    return key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_breaks_its_schema(case, live_server, api_key):
    case.call_and_validate(
        base_url=f"{live_server.url}",
        headers={"Authorization": f"Bearer {api_key}"},
        checks=CHECKS,
    )
