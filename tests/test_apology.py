"""The apology letter (Mẫu 04, QĐ 766) of an overdue dossier: recorded by a reporter of the
unit, checked, audited, shown in the explanation and the overdue list, kept on re-import."""

import datetime

import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS

pytestmark = pytest.mark.django_db

GOOD = {"number": "15/XL-STTTT", "apology_on": "29/08/2022", "new_due_on": "05/09/2022"}


@pytest.fixture
def unit(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    return unit


def _post(client, user, code: str, data: dict):
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(reverse("dossier_apology", args=["ST-STTTT", code]), data)


def test_reporter_records_an_apology_letter_audited_and_explained(client, unit, reporter):
    response = _post(client, reporter, "H004", GOOD)
    assert response.status_code == 302
    dossier = Dossier.objects.get(unit=unit, code="H004")
    assert (dossier.apology_number, dossier.apology_on, dossier.new_due_on) == (
        "15/XL-STTTT",
        datetime.date(2022, 8, 29),
        datetime.date(2022, 9, 5),
    )
    entry = AuditEntry.objects.get(action="dossier.apology")
    assert entry.user == reporter and entry.data["dossier"] == "H004"
    assert entry.data["before"]["apology_number"] == ""
    assert entry.data["after"]["new_due_on"] == "2022-09-05"
    assert "Văn bản xin lỗi số 15/XL-STTTT ngày 29/08/2022" in entry.summary
    detail = client.get(response.url).content.decode()
    assert (
        # A 2022 dossier: the letter of Nghị định 61/2018's regime.
        "Đơn vị đã gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) số 15/XL-STTTT ngày "
        "29/08/2022, hẹn trả kết quả lại vào thứ Hai 05/09/2022" in detail
    )
    # The form shows the dates as they are typed: dd/mm/yyyy, not the browser's locale.
    assert 'value="29/08/2022"' in detail and 'value="05/09/2022"' in detail
    page = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"})
    assert page.context["rates"].overdue_with_apology == 1
    assert page.context["rates"].overdue_without_apology == 2
    assert "số 15/XL-STTTT ngày 29/08/2022" in page.content.decode()


@pytest.mark.parametrize(
    "code, change, field, message",
    [
        (
            "H004",
            {"apology_on": "19/08/2022"},
            "apology_on",
            "Ngày văn bản xin lỗi (19/08/2022) không được trước ngày tiếp nhận hồ sơ (20/08/2022).",
        ),
        (
            "H004",
            {"new_due_on": "29/08/2022"},
            "new_due_on",
            "Ngày hẹn trả mới (29/08/2022) phải sau ngày văn bản xin lỗi (29/08/2022).",
        ),
        ("H004", {"apology_on": "31/02/2022"}, "apology_on", "Nhập một ngày hợp lệ."),
        ("H001", {}, None, "Hồ sơ này không quá hạn"),
    ],
)
def test_apology_dates_are_checked(client, unit, reporter, code, change, field, message):
    response = _post(client, reporter, code, {**GOOD, **change})
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors[field] if field else form.non_field_errors()
    assert any(message in error for error in errors)
    assert Dossier.objects.get(code=code).apology_number == ""
    assert not AuditEntry.objects.filter(action="dossier.apology").exists()


def test_the_return_date_is_re_set_only_once(client, unit, reporter):
    assert _post(client, reporter, "H004", GOOD).status_code == 302
    # Correcting the letter's number keeps the same new date: allowed.
    assert _post(client, reporter, "H004", {**GOOD, "number": "16/XL"}).status_code == 302
    again = _post(client, reporter, "H004", {**GOOD, "new_due_on": "09/09/2022"})
    assert again.status_code == 400
    assert "chỉ được hẹn lại một lần" in again.content.decode()
    assert Dossier.objects.get(code="H004").new_due_on == datetime.date(2022, 9, 5)


def test_reimport_keeps_the_apology_letter(client, unit, reporter):
    _post(client, reporter, "H004", GOOD)
    result = import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    assert result.updated == 5
    dossier = Dossier.objects.get(code="H004")
    assert dossier.apology_number == "15/XL-STTTT"
    assert dossier.new_due_on == datetime.date(2022, 9, 5)


@pytest.mark.parametrize(
    "person, status", [("other_reporter", 404), ("approver", 403), ("consolidator", 403)]
)
def test_only_a_reporter_of_the_unit_records_it(client, request, unit, person, status):
    user = request.getfixturevalue(person)
    assert _post(client, user, "H004", GOOD).status_code == status
    assert Dossier.objects.get(code="H004").apology_number == ""
    if status == 403:
        detail = client.get(reverse("dossier_detail", args=["ST-STTTT", "H004"]))
        assert detail.status_code == 200 and 'id="apology-form"' not in detail.content.decode()


def test_anonymous_is_sent_to_login(client, unit):
    response = client.post(reverse("dossier_apology", args=["ST-STTTT", "H004"]), GOOD)
    assert response.status_code == 302 and response.url.startswith("/login/")
