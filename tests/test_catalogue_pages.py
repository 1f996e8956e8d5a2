"""The TTHC catalogue kept through the register pages: a reporter adds, edits, imports and
deletes procedures; a changed processing time moves the deadlines of the unit's dossiers, and
a procedure that dossiers use cannot be deleted."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEntry
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier, OnlineLevel, Procedure, TimeUnit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "/units/ST-STTTT/records/procedures"
FORM = {
    "code": "1.004503",
    "name": "Cấp giấy phép bưu chính",
    "field": "Bưu chính",
    "level": "Tỉnh",
    "online_level": OnlineLevel.FULL,
    "processing_time": "10",
    "time_unit": TimeUnit.WORKING_DAYS,
    "fee": "",
    "postal": "on",
}
DOSSIER = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
    "P1,1.004503,Trực tuyến,01/07/2022 09:00,12/07/2022\n"
)


@pytest.fixture
def logged_in(client, reporter):
    assert client.login(username=reporter.username, password=PASSWORD)
    return client


def test_add_edit_and_the_dossiers_follow(logged_in, province):
    client = logged_in
    assert client.post(f"{BASE}/new/?period=Q3-2022", FORM).status_code == 302
    procedure = Procedure.objects.get(unit=province["ST-STTTT"], code="1.004503")
    assert procedure.postal and procedure.online_level == OnlineLevel.FULL
    import_dossiers(DOSSIER.encode(), "hs.csv", province["ST-STTTT"])
    dossier = Dossier.objects.get(code="P1")
    # 10 working days from Friday 01/07/2022: 15/07; the result on 12/07 is early.
    assert (dossier.due_on, dossier.verdict) == (datetime.date(2022, 7, 15), "early")

    # Shortened to 5 working days: due 08/07, so the same result is late.
    edited = FORM | {"processing_time": "5"}
    assert client.post(f"{BASE}/{procedure.pk}/?period=Q3-2022", edited).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.due_on, dossier.verdict) == (datetime.date(2022, 7, 8), "late")
    assert AuditEntry.objects.filter(action="dossier.reclassify").exists()

    page = client.get(f"{BASE}/?period=Q3-2022").content.decode()
    assert "Cấp giấy phép bưu chính" in page and "Toàn trình" in page


def test_a_procedure_in_use_is_not_deleted(logged_in, province):
    client = logged_in
    client.post(f"{BASE}/new/", FORM)
    procedure = Procedure.objects.get(code="1.004503")
    import_dossiers(DOSSIER.encode(), "hs.csv", province["ST-STTTT"])
    refused = client.post(f"{BASE}/{procedure.pk}/delete/", follow=True)
    assert "đã có 1 hồ sơ" in refused.content.decode()
    assert Procedure.objects.filter(pk=procedure.pk).exists()
    Dossier.objects.all().delete()
    assert client.post(f"{BASE}/{procedure.pk}/delete/").status_code == 302
    assert not Procedure.objects.filter(pk=procedure.pk).exists()


def test_catalogue_file_through_the_register_page(logged_in, province):
    client = logged_in
    text = (
        "Mã TTHC,Tên TTHC,Lĩnh vực,Cấp thực hiện,Mức độ DVC,Thời hạn giải quyết,Đơn vị thời hạn,"
        "Phí, lệ phí,Bưu chính công ích\n"
    ).replace("Phí, lệ phí", '"Phí, lệ phí"') + (
        "1.004503,Cấp giấy phép bưu chính,Bưu chính,Tỉnh,Toàn trình,10,ngày làm việc,,Có\n"
        "1.001234,Cấp giấy phép xuất bản bản tin,Báo chí,Tỉnh,Một phần,7,ngày,,Không\n"
        "1.009999,Thủ tục sai,Báo chí,Tỉnh,Mức 5,7,ngày,,Không\n"
    )
    upload = SimpleUploadedFile("tthc.csv", text.encode())
    response = client.post(f"{BASE}/import/", {"file": upload, "mode": "all"}, follow=True)
    body = response.content.decode()
    assert "Dòng 4" in body and "Mức độ DVC" in body
    assert not Procedure.objects.exists()
    upload = SimpleUploadedFile("tthc.csv", text.encode())
    client.post(f"{BASE}/import/", {"file": upload, "mode": "good_rows"})
    assert dict(Procedure.objects.values_list("code", "time_unit")) == {
        "1.004503": TimeUnit.WORKING_DAYS,
        "1.001234": TimeUnit.CALENDAR_DAYS,
    }
