"""One-stop exports' values taken as they come: statuses by name, channel synonyms, the
export's own column names, dd/mm/yy and Excel dates, errors told once per problem, and
warnings for what imports but deserves a look."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cchc.base.rowgroups import grouped, row_list
from cchc.base.tables import RowError
from cchc.registers.imports import ImportRejected, import_dossiers, read_table
from cchc.registers.mapping import (
    check_mapping,
    guess_mapping,
    import_frame,
    is_standard,
    save_mapping,
)
from cchc.registers.models import Dossier, ImportKind
from cchc.registers.values import (
    CHANNEL_NAMES,
    STATUS_BY_NAME,
    STATUS_NAMES,
    channel_value,
    normalise,
    status_code,
)
from tests.test_dossier_import import CATALOGUE, HEADER

pytestmark = pytest.mark.django_db

EXPORT_HEADER = (
    "Số hồ sơ,Mã thủ tục,Tên thủ tục,Ngày nộp,Hạn trả,Ngày hoàn thành,Hình thức nộp,Tình trạng"
)
CHANNEL_CYCLE = [
    "Trực tuyến",
    "Nộp trực tuyến",
    "Dịch vụ công trực tuyến",
    "Trực tiếp",
    "Tại Bộ phận Một cửa",
    "Nộp trực tiếp",
]


def export_200() -> str:
    """A 200-row export as the user's one-stop system writes it: every 12th dossier (16 of
    but the last) sent by post, statuses by name, dates as dd/mm/yy (with a time for the receipt) or
    ISO, and 5 dossiers of a procedure the catalogue does not have (with a promised date)."""
    lines = [EXPORT_HEADER]
    start = datetime.datetime(2022, 7, 1, 8, 0)
    postal = 0
    for number in range(200):
        received = start + datetime.timedelta(days=number % 60, minutes=5 * number)
        promised = received.date() + datetime.timedelta(days=20)
        if number % 12 == 5 and postal < 16:
            channel = "Qua bưu chính công ích"
            postal += 1
        else:
            channel = CHANNEL_CYCLE[number % len(CHANNEL_CYCLE)]
        code = "9.999999" if number % 40 == 7 else ("1.004567", "1.001234")[number % 2]
        name = "Cấp giấy phép bưu chính" if code == "1.004567" else "Thủ tục khác"
        if number % 3 == 0:
            status, done = "Đang xử lý", ""
        else:
            status = "Đã trả kết quả"
            finished = received.date() + datetime.timedelta(days=5)
            done = finished.isoformat() if number % 2 else finished.strftime("%d/%m/%y")
        lines.append(
            f"HS{number:04d},{code},{name},{received:%d/%m/%y %H:%M},{promised:%d/%m/%y},"
            f"{done},{channel},{status}"
        )
    assert postal == 16
    return "\n".join(lines) + "\n"


@pytest.fixture
def unit(province):
    from cchc.registers.catalogue import import_procedures

    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _mapped(text: str):
    frame = read_table(text.encode(), "export.csv")
    headers = list(frame.columns)
    mapping = guess_mapping(headers, ImportKind.DOSSIERS)
    assert not check_mapping(mapping, headers, ImportKind.DOSSIERS)
    return frame, mapping


def test_the_200_row_export_imports_fully_after_mapping(unit):
    text = export_200()
    headers = EXPORT_HEADER.split(",")
    assert not is_standard(headers, ImportKind.DOSSIERS)
    frame, mapping = _mapped(text)
    assert mapping == {
        "Mã hồ sơ": "Số hồ sơ",
        "Mã TTHC": "Mã thủ tục",
        "Kênh": "Hình thức nộp",
        "Ngày tiếp nhận": "Ngày nộp",
        "Ngày hẹn trả": "Hạn trả",
        "Ngày có kết quả": "Ngày hoàn thành",
        "Trạng thái": "Tình trạng",
    }  # "Tên thủ tục" is left out
    result = import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, mapping)
    assert (result.created, result.updated, result.skipped) == (200, 0, [])
    dossiers = Dossier.objects.filter(unit=unit)
    assert dossiers.count() == 200
    assert dossiers.filter(channel="postal").count() == 16
    assert dossiers.filter(channel="online").count() == 101
    assert dossiers.filter(channel="direct").count() == 83
    assert dossiers.filter(status=10).count() == 133
    assert dossiers.filter(status=4).count() == 67
    first = dossiers.get(code="HS0001")
    assert _local(first.received_at) == datetime.datetime(2022, 7, 2, 8, 5)
    assert (first.promised_on, first.result_on) == (
        datetime.date(2022, 7, 22),
        datetime.date(2022, 7, 7),
    )
    assert dossiers.get(code="HS0002").result_on == datetime.date(2022, 7, 8)
    assert result.warnings == [
        "5 hồ sơ có mã TTHC chưa có trong danh mục TTHC của đơn vị: 9.999999 (5 dòng). Hạn "
        "giải quyết của các hồ sơ này lấy theo Ngày hẹn trả trong tệp; hãy bổ sung danh mục "
        "TTHC."
    ]


def test_statuses_by_code_or_by_name_whatever_the_case_and_diacritics():
    for code, names in STATUS_NAMES.items():
        assert status_code(str(code)) == code
        for name in names:
            assert status_code(name) == code
            assert status_code(name.upper()) == code
            assert status_code(normalise(name)) == code  # without diacritics
    assert status_code("Da tra ket qua") == 10
    assert status_code(" ĐÃ TRẢ KẾT QUẢ ") == 10
    assert status_code("Đã có kết quả") == 9  # a result, not said to be handed over
    assert status_code("10.0") == 10
    for bad in ("0", "11", "4.5", "Đã hủy", ""):
        assert status_code(bad) != status_code(bad)  # NaN
    # Every spelling names one status only.
    spellings = [normalise(name) for names in STATUS_NAMES.values() for name in names]
    assert len(spellings) == len(set(spellings)) == len(STATUS_BY_NAME)


def test_status_names_in_a_file(unit):
    rows = [
        "S1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,Đang xử lý",
        "S2,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,12/07/2022,13/07/2022,Da tra ket qua",
        "S3,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,12/07/2022,,Đã có kết quả",
        "S4,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,Đã hủy",
    ]
    text = HEADER + "\n".join(rows) + "\n"
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text.encode(), "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 5, cột «Trạng thái»: trạng thái 'Đã hủy' không hợp lệ: ghi mã từ 1 đến 10 hoặc "
        "tên trạng thái của Cổng DVCQG (ví dụ Đang xử lý, Đã trả kết quả)"
    ]
    import_dossiers(text.encode(), "hs.csv", unit, good_rows_only=True)
    assert dict(Dossier.objects.values_list("code", "status")) == {"S1": 4, "S2": 10, "S3": 9}


def test_channel_synonyms():
    for channel, names in CHANNEL_NAMES.items():
        for name in names:
            assert channel_value(name) == channel.value
            assert channel_value(normalise(name).upper()) == channel.value
    for postal in ("Qua bưu chính công ích", "Bưu chính", "BCCI", "qua buu chinh cong ich"):
        assert channel_value(postal) == "postal"
    for online in ("Trực tuyến", "Nộp trực tuyến", "Dịch vụ công trực tuyến"):
        assert channel_value(online) == "online"
    for direct in ("Trực tiếp", "Tại Bộ phận Một cửa", "Nộp trực tiếp"):
        assert channel_value(direct) == "direct"
    assert channel_value("Fax") is None


def test_postal_dossiers_are_not_dropped_with_the_good_rows(unit):
    rows = [
        "P1,1.004567,Qua bưu chính công ích,01/07/2022 09:00,,0,,,,,4",
        "P2,1.004567,BCCI,01/07/2022 09:00,,0,,,,,4",
        "P3,1.004567,Fax,01/07/2022 09:00,,0,,,,,4",
    ]
    result = import_dossiers(
        (HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit, good_rows_only=True
    )
    assert result.created == 2
    assert [str(error) for error in result.skipped] == [
        "Dòng 4, cột «Kênh»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)"
    ]
    assert set(Dossier.objects.values_list("channel", flat=True)) == {"postal"}


def test_column_aliases_of_the_promised_date():
    for alias in ("Hạn trả", "Ngày hẹn trả kết quả", "Hạn giải quyết", "HAN TRA"):
        headers = ["Số hồ sơ", "Mã thủ tục", "Tên thủ tục", "Ngày nộp", alias]
        guess = guess_mapping(headers, ImportKind.DOSSIERS)
        assert guess["Ngày hẹn trả"] == alias
        assert guess["Mã hồ sơ"] == "Số hồ sơ"
        assert guess["Ngày tiếp nhận"] == "Ngày nộp"
        assert "Tên thủ tục" not in guess.values()


def test_dates_as_dd_mm_yy_iso_with_or_without_a_time(unit):
    rows = [
        "D1,1.004567,Trực tuyến,30/09/22 14:05,15/10/22,0,,,10/10/22 16:30,,10",
        "D2,1.004567,Trực tuyến,2022-12-15,2022-12-30,0,,,2022-12-20 08:00,,10",
        "D3,1.004567,Trực tuyến,1/7/22,,0,,,5/7/2022,,10",
        "D4,1.004567,Trực tuyến,2022-07-01 09:30,,0,,,,,4",
        "D5,1.004567,Trực tuyến,31/02/22,,0,,,,,4",
    ]
    text = HEADER + "\n".join(rows) + "\n"
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text.encode(), "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 6, cột «Ngày tiếp nhận»: '31/02/22' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
    ]
    import_dossiers(text.encode(), "hs.csv", unit, good_rows_only=True)
    got = {
        d.code: (_local(d.received_at), d.promised_on, d.result_on) for d in Dossier.objects.all()
    }
    assert got == {
        "D1": (
            datetime.datetime(2022, 9, 30, 14, 5),
            datetime.date(2022, 10, 15),
            datetime.date(2022, 10, 10),
        ),
        "D2": (
            datetime.datetime(2022, 12, 15),
            datetime.date(2022, 12, 30),
            datetime.date(2022, 12, 20),
        ),
        "D3": (datetime.datetime(2022, 7, 1), None, datetime.date(2022, 7, 5)),
        "D4": (datetime.datetime(2022, 7, 1, 9, 30), None, None),
    }


def test_xlsx_date_cells_and_plain_excel_serials(unit, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    received = datetime.datetime(2022, 9, 30, 14, 5)
    sheet.append(["X1", "1.004567", "Trực tuyến", received, None, 0, None, None, 44844, None, 10])
    sheet.append(["X2", "1.004567", "Trực tuyến", 44834.5, 44849, 0, None, None, None, None, 4])
    sheet.append(["X3", "1.004567", "Trực tuyến", 12, None, 0, None, None, None, None, 4])
    path = tmp_path / "hs.xlsx"
    book.save(path)
    result = import_dossiers(path, path.name, unit, good_rows_only=True)
    assert [str(error) for error in result.skipped] == [
        "Dòng 4, cột «Ngày tiếp nhận»: '12' không phải ngày dd/mm/yyyy HH:MM"
    ]
    x1, x2 = Dossier.objects.get(code="X1"), Dossier.objects.get(code="X2")
    assert _local(x1.received_at) == received
    assert x1.result_on == datetime.date(2022, 10, 10)
    assert _local(x2.received_at) == datetime.datetime(2022, 9, 30, 12, 0)
    assert x2.promised_on == datetime.date(2022, 10, 15)


def test_row_lists_and_grouping():
    assert row_list([7]) == "dòng 7"
    assert row_list([2, 3, 7]) == "dòng 2, 3 và 7"
    assert row_list(list(range(2, 202))) == "dòng 2, 3, 4, 5, 6… và 195 dòng khác"
    errors = [RowError(row, "Tình trạng", "trạng thái 'X' không hợp lệ") for row in (2, 3)]
    errors.insert(1, RowError(2, "Kênh", "kênh 'Fax' không hợp lệ"))
    assert grouped(errors) == [
        "Cột «Tình trạng», 2 dòng (dòng 2 và 3): trạng thái 'X' không hợp lệ",
        "Dòng 2, cột «Kênh»: kênh 'Fax' không hợp lệ",
    ]


BAD_STATUS = (
    "Cột «Tình trạng», 200 dòng (dòng 2, 3, 4, 5, 6… và 195 dòng khác): trạng thái 'Đã trả "
    "lại' không hợp lệ: ghi mã từ 1 đến 10 hoặc tên trạng thái của Cổng DVCQG (ví dụ Đang xử "
    "lý, Đã trả kết quả)"
)


def test_two_hundred_identical_errors_are_told_once(unit, tmp_path):
    text = export_200().replace("Đang xử lý", "Đã trả lại").replace("Đã trả kết quả", "Đã trả lại")
    frame, mapping = _mapped(text)
    with pytest.raises(ImportRejected) as rejected:
        import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, mapping)
    assert len(rejected.value.errors) == 200  # the per-row list stays for the detail
    assert grouped(rejected.value.errors) == [BAD_STATUS]
    save_mapping(ImportKind.DOSSIERS, "Một cửa tỉnh", mapping)
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("dossiers", "import", str(path), "--unit", "ST-STTTT")
    assert str(failed.value).splitlines()[1:] == [BAD_STATUS]


def test_the_command_prints_warnings(unit, tmp_path):
    frame, mapping = _mapped(export_200())
    save_mapping(ImportKind.DOSSIERS, "Một cửa tỉnh", mapping)
    path = tmp_path / "export.csv"
    path.write_text(export_200(), encoding="utf-8")
    out = io.StringIO()
    call_command("dossiers", "import", str(path), "--unit", "ST-STTTT", stdout=out)
    assert out.getvalue().splitlines() == [
        "Dùng cách ghép cột đã lưu cho nguồn «Một cửa tỉnh».",
        "Đã nhập 200 mới, cập nhật 0.",
        "Lưu ý: 5 hồ sơ có mã TTHC chưa có trong danh mục TTHC của đơn vị: 9.999999 (5 dòng). "
        "Hạn giải quyết của các hồ sơ này lấy theo Ngày hẹn trả trong tệp; hãy bổ sung danh mục "
        "TTHC.",
    ]


def test_the_upload_page_shows_grouped_errors_and_warnings(client, unit, reporter):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    client.login(username=reporter.username, password=PASSWORD)
    rows = [f"W{n},1.004567,Fax,01/07/2022 09:00,,0,,,,,4" for n in range(4)]
    upload = io.BytesIO((HEADER + "\n".join(rows) + "\n").encode())
    upload.name = "hs.csv"
    url = reverse("upload_dossiers", args=["ST-STTTT"])
    text = client.post(url, {"file": upload, "mode": "all"}, follow=True).content.decode()
    assert "Cột «Kênh», 4 dòng (dòng 2, 3, 4 và 5): kênh &#x27;Fax&#x27; không hợp lệ" in text
    upload = io.BytesIO(
        (HEADER + "W9,9.999999,BCCI,01/07/2022 09:00,15/07/2022,0,,,,,4\n").encode()
    )
    upload.name = "hs.csv"
    text = client.post(url, {"file": upload, "mode": "all"}, follow=True).content.decode()
    assert (
        "Lưu ý — 1 hồ sơ có mã TTHC chưa có trong danh mục TTHC của đơn vị: 9.999999 (1 dòng)"
        in text
    )
    assert Dossier.objects.get(code="W9").channel == "postal"


def test_dates_out_of_order_are_row_errors(unit):
    rows = [
        "O1,1.004567,Trực tuyến,10/07/2022 09:00,,0,,,05/07/2022,,10",
        "O2,1.004567,Trực tuyến,10/07/2022 09:00,,0,,,12/07/2022,09/07/2022,10",
        "O3,1.004567,Trực tuyến,10/07/2022 09:00,,1,12/07/2022 09:00,11/07/2022 15:00,,,4",
        "O4,1.004567,Trực tuyến,10/07/2022 09:00,,0,,,10/07/2022,10/07/2022,10",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers((HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 2, cột «Ngày có kết quả»: ngày có kết quả trước ngày tiếp nhận",
        "Dòng 3, cột «Ngày trả kết quả»: ngày trả kết quả trước ngày tiếp nhận",
        "Dòng 4, cột «Ngày bổ sung đủ»: ngày bổ sung đủ trước ngày yêu cầu bổ sung",
    ]


def test_a_result_before_the_receipt_names_the_exports_column(unit):
    text = (
        EXPORT_HEADER + "\nR1,1.004567,Thủ tục,10/07/22 09:00,,05/07/22,Trực tuyến,Đã trả kết quả\n"
    )
    frame, mapping = _mapped(text)
    with pytest.raises(ImportRejected) as rejected:
        import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, mapping)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 2, cột «Ngày hoàn thành»: ngày có kết quả trước ngày tiếp nhận"
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/09/22", "'31/09/22' không có trong lịch: tháng 9/2022 chỉ có 30 ngày"),
        ("29/02/2023 08:00", "'29/02/2023 08:00' không có trong lịch: tháng 2/2023 chỉ có 28 ngày"),
        ("12/13/2022", "'12/13/2022' có tháng 13, không có trong lịch"),
        ("hôm qua", "'hôm qua' không phải ngày dd/mm/yyyy"),
    ],
)
def test_a_day_not_in_the_calendar_is_named_as_such(cell, message):
    from cchc.base.dates import not_a_date

    assert not_a_date(cell) == message
