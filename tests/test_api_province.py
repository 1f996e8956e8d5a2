"""The province's side over the API: the overview of who has reported, the consolidated
values and a ranking — consolidators only, the same figures as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cchc.api import tokens
from cchc.periods.models import Period
from cchc.scoring.rankings import rank_units

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    _, key = tokens.create_token(None, user, read_only=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_overview_counts_and_rows(quarter, consolidator, reporter):
    answer = _client(consolidator).get("/api/v1/overview/Q3-2022/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"]["received"]["units"] == 2
    rows = {row["unit"]: row for row in body["units"]}
    assert rows["ST-STTTT"]["status"] == "approved" and rows["ST-STTTT"]["late"] is True
    assert rows["ST-SNV"]["status"] == "not_started" and rows["ST-SNV"]["report"] is None
    assert rows["ST-SNV"]["days_overdue"] > 0
    refused = _client(reporter).get("/api/v1/overview/Q3-2022/")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Chỉ người tổng hợp")


def test_consolidated_values_are_the_engines(quarter, consolidator, reporter):
    client = _client(consolidator)
    body = client.get(
        "/api/v1/consolidation/Q3-2022/", {"template": "so-nganh", "include": "submitted"}
    ).json()
    assert body["counted"] == ["ST-STP", "ST-STTTT"]
    values = {row["key"]: row for row in body["values"]}
    assert values["plan_tasks_total"]["value"] == "78"
    assert values["plan_completion_rate"]["value"] == "85.9"
    assert values["plan_completion_rate"]["display"] == "85,9"
    assert values["legal_docs_reviewed"]["value"] is None  # nobody gave one: not zero
    assert values["communication_plan_rate"]["contributors"] == 1
    approved = client.get("/api/v1/consolidation/Q3-2022/", {"template": "so-nganh"}).json()
    assert approved["counted"] == ["ST-STTTT"]
    assert _client(reporter).get("/api/v1/consolidation/Q3-2022/").status_code == 403
    other = client.get("/api/v1/consolidation/Q3-2022/", {"unit": "KHONG-CO"})
    assert other.status_code == 403 and "KHONG-CO" in other.json()["error"]["message"]


def test_a_ranking_as_the_page_computes_it(index_scheme, planned_unit, consolidator, reporter):
    client = _client(consolidator)
    body = client.get("/api/v1/rankings/chi-so-thu/Y-2026/").json()
    expected = rank_units(index_scheme, Period.objects.lookup("Y-2026"), planned_unit.parent)
    rows = [row for kind in body["kinds"] for row in kind["rows"]]
    assert [row["unit"] for row in rows] == [r.score.unit.code for r in expected.rows]
    first = next(row for row in rows if row["unit"] == "ST-STTTT")
    assert first["areas"]["1"] is not None
    assert body["final"] is expected.is_final
    assert client.get("/api/v1/rankings/khong-co/Y-2026/").status_code == 404
    assert client.get("/api/v1/rankings/chi-so-thu/Q3-2026/").status_code == 404
    assert _client(reporter).get("/api/v1/rankings/chi-so-thu/Y-2026/").status_code == 403
