"""Without login the API answers only the published open data and the calendar; everything
else asks for a login or token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.test_opendata import DETAILS, SLUG, publish

pytestmark = pytest.mark.django_db


def test_published_open_data_without_login(consolidator, province, quarter):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/opendata/").json() == []
    publication = publish(consolidator, province["ST"])
    listed = anonymous.get("/api/v1/opendata/").json()
    assert [d["title"] for d in listed] == [DETAILS.title]
    document = anonymous.get(f"/api/v1/opendata/{SLUG}/").json()
    # The same document as the public JSON file: only consolidated figures leave cchc.
    public_file = anonymous.get(f"/du-lieu-mo/{SLUG}.json").json()
    assert document["rows"] == public_file["rows"] and document["rows"]
    from cchc.opendata import services

    services.withdraw(consolidator, publication, "Số liệu sai")
    assert anonymous.get("/api/v1/opendata/").json() == []
    assert anonymous.get(f"/api/v1/opendata/{SLUG}/").status_code == 404


def test_the_calendar_of_a_year_names_each_day_off(db):
    body = APIClient().get("/api/v1/calendar/2025/").json()
    days_off = {row["date"]: row["reason"] for row in body["days_off"]}
    assert days_off["2025-01-27"] == "Tết Nguyên đán, 28 tháng Chạp"
    assert days_off["2025-09-02"] == "Quốc khánh"
    assert "2025-01-25" not in days_off  # a Saturday: not a working day to begin with
    assert {
        "date": "2025-04-26",
        "reason": "Làm bù cho ngày nghỉ 02/5/2025 (Công văn số 2560/BNV-CTL&BHXH)",
    } in body["working_weekend_days"]
    assert APIClient().get("/api/v1/calendar/1990/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/me/",
        "/api/v1/units/",
        "/api/v1/periods/Q3-2022/",
        "/api/v1/templates/",
        "/api/v1/reports/",
        "/api/v1/tokens/",
        "/api/v1/overview/Q3-2022/",
        "/api/v1/consolidation/Q3-2022/",
        "/api/v1/rankings/qd766/M1-2026/",
        "/api/v1/units/ST/dossiers/",
        "/api/v1/units/ST/registers/",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ],
)
def test_anonymous_callers_reach_nothing_else(db, url):
    answer = APIClient().get(url)
    assert answer.status_code == 401, (url, answer.status_code)
