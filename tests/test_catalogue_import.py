"""The one TTHC catalogue importer: the dossiers page, `cchc tthc import` and the register
page give the same row errors for the same file, and each rule of the catalogue holds on
every path (time-unit spellings, yes/no values, empty names, over-long fields, duplicates),
with the import audited and the unit's dossier deadlines recomputed."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.records.registry import REGISTERS
from cchc.records.services import import_register
from cchc.registers.catalogue import HEADERS, import_procedures, time_unit_of
from cchc.registers.imports import ImportRejected, import_dossiers
from cchc.registers.models import Dossier, OnlineLevel, Procedure, TimeUnit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = ",".join(f'"{h}"' if "," in h else h for h in HEADERS) + "\n"
GOOD = "1.004503,Cấp giấy phép bưu chính,Bưu chính,Tỉnh,Toàn trình,10,ngày LV,,Có\n"
BAD_FILE = HEADER + (
    GOOD
    + "1.000002,,Báo chí,Tỉnh,Một phần,7,ngày,,Không\n"  # row 3: no name
    + "1.000003,Cấp phép X,Báo chí,Tỉnh,Một phần,7,ngày,,Có thể\n"  # row 4: bad yes/no
    + f"1.000004,Cấp phép Y,{'Lĩnh vực rất dài ' * 20},Tỉnh,Không,5,,,\n"  # row 5: too long
    + "1.004503,Trùng mã,Bưu chính,Tỉnh,Không,3,ngày,,\n"  # row 6: code of row 2 again
)
EXPECTED = [
    "Dòng 3, cột «Tên TTHC»: thiếu tên TTHC",
    "Dòng 4, cột «Bưu chính công ích»: 'Có thể' không hợp lệ; dùng Có (hoặc x, 1) hoặc "
    "Không (hoặc 0, để trống)",
    "Dòng 5, cột «Lĩnh vực»: dài 339 ký tự, quá giới hạn 255 ký tự",
    "Dòng 6, cột «Mã TTHC»: mã TTHC 1.004503 trùng với dòng 2",
]


def _login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_same_bad_file_gives_the_same_errors_on_every_path(client, reporter, tmp_path):
    _login(client, reporter)
    dossiers_page = client.post(
        reverse("upload_procedures", args=["ST-STTTT"]),
        {"file": SimpleUploadedFile("tthc.csv", BAD_FILE.encode()), "mode": "all"},
        follow=True,
    )
    assert dossiers_page.status_code == 200
    page_errors = [m for m in _messages(dossiers_page) if m.startswith("Dòng ")]
    register_page = client.post(
        "/units/ST-STTTT/records/procedures/import/",
        {"file": SimpleUploadedFile("tthc.csv", BAD_FILE.encode()), "mode": "all"},
        follow=True,
    )
    register_errors = [m for m in _messages(register_page) if m.startswith("Dòng ")]
    path = tmp_path / "tthc.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    with pytest.raises(CommandError) as command:
        call_command("tthc", "import", str(path), "--unit", "ST-STTTT")
    command_errors = [line for line in str(command.value).splitlines() if line.startswith("Dòng")]
    assert page_errors == register_errors == command_errors == EXPECTED
    assert "có 4 dòng lỗi; chưa nhập dòng nào" in str(command.value)
    assert not Procedure.objects.exists()
    assert not AuditEntry.objects.filter(action="procedures.import").exists()


def test_good_rows_on_every_path_write_the_same_rows(client, reporter, province, tmp_path):
    _login(client, reporter)
    unit = province["ST-STTTT"]
    client.post(
        reverse("upload_procedures", args=["ST-STTTT"]),
        {"file": SimpleUploadedFile("tthc.csv", BAD_FILE.encode()), "mode": "good_rows"},
    )
    assert list(Procedure.objects.filter(unit=unit).values_list("code", flat=True)) == ["1.004503"]
    Procedure.objects.all().delete()
    client.post(
        "/units/ST-STTTT/records/procedures/import/",
        {"file": SimpleUploadedFile("tthc.csv", BAD_FILE.encode()), "mode": "good_rows"},
    )
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.004503"]
    Procedure.objects.all().delete()
    path = tmp_path / "tthc.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    call_command("tthc", "import", str(path), "--unit", "ST-STTTT", "--good-rows")
    procedure = Procedure.objects.get()
    assert (procedure.code, procedure.time_unit, procedure.postal) == (
        "1.004503",
        TimeUnit.WORKING_DAYS,
        True,
    )
    entries = AuditEntry.objects.filter(action="procedures.import")
    assert entries.count() == 3
    assert all(entry.data["skipped_rows"] == [3, 4, 5, 6] for entry in entries)


@pytest.mark.parametrize(
    "spelling, unit",
    [
        ("ngày làm việc", TimeUnit.WORKING_DAYS),
        ("Ngày làm việc", TimeUnit.WORKING_DAYS),
        ("ngày lv", TimeUnit.WORKING_DAYS),
        ("ngày LV", TimeUnit.WORKING_DAYS),
        ("Ngày l.v", TimeUnit.WORKING_DAYS),
        ("NGAY LAM VIEC", TimeUnit.WORKING_DAYS),
        ("ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", TimeUnit.WORKING_DAYS),
        ("", TimeUnit.WORKING_DAYS),
        ("ngày", TimeUnit.CALENDAR_DAYS),
        ("Ngày", TimeUnit.CALENDAR_DAYS),
        ("ngày lịch", TimeUnit.CALENDAR_DAYS),
        ("ngày kể từ ngày nhận đủ hồ sơ", TimeUnit.CALENDAR_DAYS),
        ("tuần", None),
        ("ngày nghỉ", None),
        ("giờ làm việc", None),
    ],
)
def test_time_unit_spellings(spelling, unit):
    assert time_unit_of(spelling) == unit


def test_time_unit_in_a_file_and_in_the_processing_time(province):
    unit = province["ST-STTTT"]
    text = HEADER + (
        "A1,Thủ tục A,,,,10,ngày lv,,\n"
        "A2,Thủ tục B,,,,7,ngày,,\n"
        "A3,Thủ tục C,,,,15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ,,,\n"
        "A4,Thủ tục D,,,Mức độ 3,30 ngày,,,x\n"
    )
    result = import_procedures(text.encode(), "tthc.csv", unit)
    assert (result.created, result.updated) == (4, 0)
    stored = {p.code: (p.processing_time, p.time_unit) for p in Procedure.objects.all()}
    assert stored == {
        "A1": (10, TimeUnit.WORKING_DAYS),
        "A2": (7, TimeUnit.CALENDAR_DAYS),
        "A3": (15, TimeUnit.WORKING_DAYS),
        "A4": (30, TimeUnit.CALENDAR_DAYS),
    }
    assert Procedure.objects.get(code="A4").online_level == OnlineLevel.PARTIAL
    assert Procedure.objects.get(code="A4").postal is True


def test_a_bad_time_unit_and_a_contradiction_are_row_errors(province):
    text = HEADER + ("B1,Thủ tục A,,,,10,tuần,,\nB2,Thủ tục B,,,,10 ngày làm việc,ngày,,\n")
    with pytest.raises(ImportRejected) as error:
        import_procedures(text.encode(), "tthc.csv", province["ST-STTTT"])
    assert [str(e) for e in error.value.errors] == [
        "Dòng 2, cột «Đơn vị thời hạn»: 'tuần' không hợp lệ; dùng ngày làm việc (cũng viết "
        "ngày LV, ngày làm việc kể từ …) hoặc ngày (ngày lịch, ngày kể từ …); để trống là "
        "ngày làm việc",
        "Dòng 3, cột «Đơn vị thời hạn»: 'ngày' khác đơn vị ghi trong cột «Thời hạn giải "
        "quyết» ('10 ngày làm việc')",
    ]
    assert not Procedure.objects.exists()


def test_missing_code_name_and_time_and_bad_numbers(province):
    text = HEADER + (
        ",Thủ tục A,,,,10,,,\n"
        "C2,,,,,10,,,\n"
        "C3,Thủ tục C,,,,,,,\n"
        "C4,Thủ tục D,,,,-3,,,\n"
        "C5,Thủ tục E,,,,99999999999,,,\n"
        "C6,Thủ tục F,,,Mức 5,1,,,\n"
    )
    with pytest.raises(ImportRejected) as error:
        import_procedures(text.encode(), "tthc.csv", province["ST-STTTT"])
    assert [str(e) for e in error.value.errors] == [
        "Dòng 2, cột «Mã TTHC»: thiếu mã TTHC",
        "Dòng 3, cột «Tên TTHC»: thiếu tên TTHC",
        "Dòng 4, cột «Thời hạn giải quyết»: thiếu thời hạn giải quyết",
        "Dòng 5, cột «Thời hạn giải quyết»: '-3' phải là số ngày (số nguyên), ví dụ 10 hoặc "
        "10 ngày làm việc",
        "Dòng 6, cột «Thời hạn giải quyết»: '99999999999' quá lớn",
        "Dòng 7, cột «Mức độ DVC»: 'Mức 5' không hợp lệ; dùng Toàn trình (mức độ 4), Một phần "
        "(mức độ 3) hoặc Không; để trống là Không",
    ]


def test_every_text_column_is_checked_for_length(province):
    text = HEADER + (
        f"{'M' * 61},Thủ tục A,,,,10,,,\n"
        f"D2,Thủ tục B,,{'C' * 61},,10,,,\n"
        f"D3,Thủ tục C,,,,10,,{'P' * 256},\n"
        f"D4,{'Tên rất dài ' * 500},,,,10,,,\n"  # the name has no limit
    )
    result = import_procedures(text.encode(), "tthc.csv", province["ST-STTTT"], good_rows_only=True)
    assert [str(e) for e in result.skipped] == [
        "Dòng 2, cột «Mã TTHC»: dài 61 ký tự, quá giới hạn 60 ký tự",
        "Dòng 3, cột «Cấp thực hiện»: dài 61 ký tự, quá giới hạn 60 ký tự",
        "Dòng 4, cột «Phí, lệ phí»: dài 256 ký tự, quá giới hạn 255 ký tự",
    ]
    assert list(Procedure.objects.values_list("code", flat=True)) == ["D4"]


def test_missing_headers_are_named(province):
    with pytest.raises(ImportRejected) as error:
        import_procedures("Mã TTHC,Lĩnh vực\nX,Y\n".encode(), "tthc.csv", province["ST-STTTT"])
    assert "thiếu cột: Tên TTHC, Thời hạn giải quyết" in str(error.value)


def test_update_by_code_is_audited_and_moves_the_deadlines(province, reporter):
    unit = province["ST-STTTT"]
    import_procedures((HEADER + GOOD).encode(), "tthc.csv", unit, user=reporter)
    dossiers = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
        "P1,1.004503,Trực tuyến,01/07/2022 09:00,12/07/2022\n"
    )
    import_dossiers(dossiers.encode(), "hs.csv", unit)
    dossier = Dossier.objects.get(code="P1")
    assert (dossier.due_on, dossier.verdict) == (datetime.date(2022, 7, 15), "early")
    shorter = HEADER + GOOD.replace(",10,", ",5,")
    result = import_register(reporter, REGISTERS["procedures"], unit, shorter.encode(), "t.csv")
    assert (result.created, result.updated) == (0, 1)
    dossier.refresh_from_db()
    assert (dossier.due_on, dossier.verdict) == (datetime.date(2022, 7, 8), "late")
    entry = AuditEntry.objects.filter(action="procedures.import").latest("pk")
    assert entry.user == reporter
    assert entry.data["changes"] == {"1.004503": {"processing_time": ["10", "5"]}}
    assert AuditEntry.objects.filter(action="dossier.reclassify").exists()
    assert not AuditEntry.objects.filter(action="records.import").exists()


def test_a_user_without_the_unit_is_refused_by_the_service(province, other_reporter):
    with pytest.raises(PermissionDenied):
        import_procedures(
            (HEADER + GOOD).encode(), "tthc.csv", province["ST-STTTT"], user=other_reporter
        )
    assert not Procedure.objects.exists()


@pytest.mark.skipif(
    not os.environ.get("CCHC_TEST_POSTGRES"), reason="chạy với CCHC_TEST_POSTGRES=1 (PostgreSQL)"
)
def test_over_long_fields_on_postgresql_are_row_errors_not_server_errors(client, reporter):
    from django.db import connection

    assert connection.vendor == "postgresql"
    _login(client, reporter)
    for url in (
        reverse("upload_procedures", args=["ST-STTTT"]),
        "/units/ST-STTTT/records/procedures/import/",
    ):
        response = client.post(
            url,
            {"file": SimpleUploadedFile("tthc.csv", BAD_FILE.encode()), "mode": "all"},
            follow=True,
        )
        assert response.status_code == 200
        assert EXPECTED[2] in _messages(response)
        assert not Procedure.objects.exists()


def test_online_payment_column_source_and_register_page(client, reporter, province):
    from cchc.registers.mapping import guess_mapping
    from cchc.registers.sources import register_value

    unit = province["ST-STTTT"]
    window = (datetime.date(2022, 6, 15), datetime.date(2022, 9, 14))
    assert register_value("procedures.online_payment", unit, *window) is None  # no catalogue
    assert HEADERS[-1] == "Thanh toán trực tuyến"
    text = HEADER + (
        "E1,Thủ tục A,,,,10,,,,Có\n"
        "E2,Thủ tục B,,,,10,,,,x\n"
        "E3,Thủ tục C,,,,10,,,,\n"
        "E4,Thủ tục D,,,,10,,,,Không\n"
    )
    import_procedures(text.encode(), "tthc.csv", unit)
    stored = dict(Procedure.objects.values_list("code", "online_payment"))
    assert stored == {"E1": True, "E2": True, "E3": False, "E4": False}
    assert register_value("procedures.online_payment", unit, *window) == 2
    import_procedures(text.replace(",Có\n", ",0\n").replace(",x\n", ",\n").encode(), "t.csv", unit)
    # Like the other counts of one kind of procedure: none of the kind gives no figure (a
    # catalogue imported without the column stores "no" for every procedure; 0 would claim
    # a count nobody made).
    assert register_value("procedures.online_payment", unit, *window) is None
    entry = AuditEntry.objects.filter(action="procedures.import").latest("pk")
    assert entry.data["changes"]["E1"] == {"online_payment": ["True", "False"]}
    with pytest.raises(ImportRejected) as error:
        import_procedures((HEADER + "E5,Thủ tục E,,,,10,,,,Có thể\n").encode(), "t.csv", unit)
    assert [str(e) for e in error.value.errors] == [
        "Dòng 2, cột «Thanh toán trực tuyến»: 'Có thể' không hợp lệ; dùng Có (hoặc x, 1) hoặc "
        "Không (hoặc 0, để trống)"
    ]
    guess = guess_mapping(["Mã thủ tục", "Tích hợp thanh toán trực tuyến"], "procedures")
    assert guess["Thanh toán trực tuyến"] == "Tích hợp thanh toán trực tuyến"
    import_procedures(text.encode(), "tthc.csv", unit)
    _login(client, reporter)
    page = client.get("/units/ST-STTTT/records/procedures/?period=Q3-2022").content.decode()
    assert "<th>Thanh toán trực tuyến</th>" in page
    summary = page.split('id="summary"')[1].split("</table>")[0]
    row = summary.split("Số TTHC tích hợp thanh toán trực tuyến</th>")[1].split("</tr>")[0]
    assert ">2</td>" in row
