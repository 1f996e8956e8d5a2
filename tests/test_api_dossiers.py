"""Dossiers over the API: bulk upsert of JSON rows or a CSV file through the page's importer
(the same checks, verdicts and audit), all-or-nothing, the unit's roles; statistics and the
explanation of a dossier."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cchc.api import tokens
from cchc.audit.models import AuditEntry
from cchc.registers.catalogue import import_procedures
from cchc.registers.models import Dossier
from tests.test_dossier_import import CATALOGUE, DOSSIERS

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "code": "A001",
        "procedure_code": "1.004567",
        "channel": "Trực tuyến",
        "received_at": "2022-07-01T09:00:00+07:00",
        "result_on": "2022-07-12",
        "status": 10,
    },
    {
        "Mã hồ sơ": "A002",
        "Mã TTHC": "1.004567",
        "Kênh": "Qua bưu chính công ích",
        "Ngày tiếp nhận": "10/09/2022 10:00",
    },
]


@pytest.fixture
def unit(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def _client(user, read_only=False) -> APIClient:
    client = APIClient()
    _, key = tokens.create_token(None, user, read_only=read_only)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


URL = "/api/v1/units/ST-STTTT/dossiers/"


def test_json_rows_are_imported_classified_and_audited(unit, reporter):
    answer = _client(reporter).post(URL, {"dossiers": ROWS}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 2 and answer.json()["skipped"] == []
    first = Dossier.objects.get(unit=unit, code="A001")
    assert first.verdict == "early" and first.received_at.hour == 2  # 09:00 +07:00 in UTC
    assert Dossier.objects.get(unit=unit, code="A002").channel == "postal"
    entry = AuditEntry.objects.get(action="dossiers.import")
    assert entry.user == reporter and entry.data["created"] == 2

    # The same codes again update, never duplicate.
    again = _client(reporter).post(URL, {"dossiers": ROWS[:1]}, format="json")
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    assert Dossier.objects.filter(unit=unit).count() == 2


def test_a_bad_row_rejects_all_and_names_row_and_column(unit, reporter):
    rows = [
        *ROWS,
        {
            "code": "A003",
            "procedure_code": "1.004567",
            "channel": "Trực tuyến",
            "received_at": "31/02/2022",
        },
    ]
    answer = _client(reporter).post(URL, {"dossiers": rows}, format="json")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "rejected"
    assert error["rows"][0]["row"] == 4 and error["rows"][0]["column"] == "Ngày tiếp nhận"
    assert "31/02/2022" in error["rows"][0]["message"]
    assert not Dossier.objects.filter(unit=unit).exists()

    kept = _client(reporter).post(URL, {"dossiers": rows, "good_rows_only": True}, format="json")
    assert kept.status_code == 200 and kept.json()["created"] == 2
    assert [s["row"] for s in kept.json()["skipped"]] == [4]


def test_unknown_keys_are_refused_not_dropped(unit, reporter):
    answer = _client(reporter).post(
        URL, {"dossiers": [{**ROWS[0], "ngay_nhan": "01/07/2022"}]}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["dossiers"] == [
        "Hồ sơ thứ 1: không có cột «ngay_nhan»."
    ]
    assert not Dossier.objects.exists()


def test_a_csv_file_takes_the_same_path(unit, reporter):
    upload = SimpleUploadedFile("hs.csv", DOSSIERS.encode(), content_type="text/csv")
    answer = _client(reporter).post(URL, {"file": upload}, format="multipart")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 5
    assert answer.json()["warnings"]  # 9.999999 is not in the catalogue
    odd = SimpleUploadedFile("x.csv", "Số hồ sơ,Thủ tục\n1,2\n".encode(), content_type="text/csv")
    refused = _client(reporter).post(URL, {"file": odd}, format="multipart")
    assert refused.status_code == 400
    assert "ghép cột" in refused.json()["error"]["fields"]["file"][0]


def test_only_the_units_reporters_write_and_others_do_not_see(
    unit, reporter, other_reporter, consolidator
):
    assert _client(other_reporter).post(URL, {"dossiers": ROWS}, format="json").status_code == 404
    watching = _client(consolidator).post(URL, {"dossiers": ROWS}, format="json")
    assert watching.status_code == 403 and "người báo cáo" in watching.json()["error"]["message"]
    read_only = _client(reporter, read_only=True).post(URL, {"dossiers": ROWS}, format="json")
    assert read_only.status_code == 403
    assert not Dossier.objects.exists()


def test_listing_statistics_and_explanation(unit, reporter, consolidator):
    _client(reporter).post(URL, {"dossiers": ROWS}, format="json")
    client = _client(consolidator)
    listed = client.get(URL, {"period": "Q3-2022"}).json()
    assert [d["code"] for d in listed["results"]] == ["A001", "A002"]
    assert client.get(URL, {"verdict": "early"}).json()["count"] == 1
    stats = client.get(URL + "stats/", {"period": "Q3-2022"}).json()
    assert stats["figures"]["received"] == 2 and stats["figures"]["early"] == 1
    one = client.get(URL + "A001/").json()
    assert one["dossier"]["verdict"] == "early"
    assert one["explanation"][0].startswith("Hồ sơ tiếp nhận ngày 01/07/2022")
    assert client.get(URL + "stats/").status_code == 400
    assert client.get(URL + "NONE/").status_code == 404
