"""The work registers over the API: their columns, a period's rows, and upserts of JSON rows
through the register's import (all-or-nothing, by the register's key, audited)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cchc.api import tokens
from cchc.audit.models import AuditEntry
from cchc.records.models import Task

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/ST-STTTT/registers/"
TASKS = [
    {
        "kind": "Kế hoạch",
        "content": "Ban hành Kế hoạch kiểm tra công tác CCHC năm 2022",
        "source_document": "Kế hoạch số 02/KH-STTTT ngày 27/01/2022",
        "assigned_on": "2022-01-27",
        "deadline": "31/03/2022",
        "completed_on": "2022-03-08",
    },
    {
        "Loại nhiệm vụ": "UBND tỉnh giao",
        "Nội dung nhiệm vụ": "Triển khai Kế hoạch ứng dụng CNTT năm 2022",
        "Hạn hoàn thành": "30/06/2022",
    },
]


def _client(user) -> APIClient:
    client = APIClient()
    _, key = tokens.create_token(None, user, read_only=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_registers_are_listed_with_their_columns(reporter):
    body = _client(reporter).get(URL).json()
    tasks = next(r for r in body if r["register"] == "tasks")
    assert {
        "header": "Hạn hoàn thành",
        "field": "deadline",
        "kind": "date",
        "required": True,
    } in tasks["columns"]
    assert _client(reporter).get(URL + "khong-co/", {"period": "Q3-2022"}).status_code == 404


def test_rows_are_upserted_by_the_registers_key_and_read_back(reporter, province):
    client = _client(reporter)
    answer = client.post(URL + "tasks/", {"rows": TASKS}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 2
    again = client.post(URL + "tasks/", {"rows": TASKS[:1]}, format="json")
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    assert Task.objects.filter(unit=province["ST-STTTT"]).count() == 2
    assert AuditEntry.objects.filter(action="records.import").count() == 2
    rows = client.get(URL + "tasks/", {"period": "Q3-2022"}).json()["rows"]
    planned = next(r for r in rows if r["kind"] == "plan")
    assert planned["deadline"] == "2022-03-31" and planned["completed_on"] == "2022-03-08"


def test_a_bad_row_rejects_the_lot_and_unknown_keys_are_named(reporter, province):
    client = _client(reporter)
    bad = [*TASKS, {"kind": "Kế hoạch", "content": "Thiếu hạn"}]
    refused = client.post(URL + "tasks/", {"rows": bad}, format="json")
    assert refused.status_code == 422
    rows = refused.json()["error"]["rows"]
    assert rows and rows[0]["row"] == 4 and rows[0]["column"] == "Hạn hoàn thành"
    assert not Task.objects.exists()
    unknown = client.post(URL + "tasks/", {"rows": [{"han": "1/1/2022"}]}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"]["rows"] == [
        "Dòng thứ 1: sổ Nhiệm vụ CCHC không có cột «han»."
    ]


def test_only_the_units_reporters_write(reporter, other_reporter, consolidator):
    assert (
        _client(other_reporter).post(URL + "tasks/", {"rows": TASKS}, format="json").status_code
        == 404
    )
    assert (
        _client(consolidator).post(URL + "tasks/", {"rows": TASKS}, format="json").status_code
        == 403
    )
    assert _client(consolidator).get(URL + "tasks/", {"period": "Q3-2022"}).status_code == 200
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("2022-03-31", "31/03/2022"),
        ("2022-07-01T09:00:00+07:00", "01/07/2022 09:00"),
        ("2022-07-01T02:00:00Z", "01/07/2022 09:00"),  # in local time (UTC+7)
        ("31/03/2022", "31/03/2022"),
        (True, "Có"),
        (None, ""),
        ("2022-02-30", "2022-02-30"),  # left for the importer to name
    ],
)
def test_json_values_become_the_cells_an_official_types(value, cell):
    from cchc.api.rows import cell as as_cell

    assert as_cell(value) == cell
