"""Work-register imports held to the dossier import's standard, with files from
tests/data/imports: dates as Excel and officials write them, errors told once per column and
value, impossible date orders refused and doubtful ones warned of, naming the rows."""

import datetime
import io

import openpyxl
import pandas
import pytest
import time_machine

from cchc.base.dates import parse_dates
from cchc.base.rowgroups import grouped
from cchc.records.imports import import_records
from cchc.records.models import Feedback, StaffingSnapshot, Task
from cchc.records.registry import REGISTERS, DateOrder
from cchc.registers import imports as dossier_imports
from cchc.registers.imports import ImportRejected
from tests.conftest import PASSWORD
from tests.test_read_files import CORPUS

pytestmark = pytest.mark.django_db

D = datetime.date
TASKS = REGISTERS["tasks"]
FEEDBACK = REGISTERS["feedback"]
TASK_HEADER = "Loại nhiệm vụ,Nội dung nhiệm vụ,Văn bản giao,Ngày giao,Hạn hoàn thành,"
TASK_HEADER += "Ngày hoàn thành,Ghi chú\n"
BAD_DATE_LINES = [
    "Cột «Ngày giao», 37 dòng (dòng 2, 3, 4, 5, 6… và 32 dòng khác): 'chưa rõ' không phải "
    "ngày dd/mm/yyyy",
    "Cột «Hạn hoàn thành», 2 dòng (dòng 39 và 40): hạn hoàn thành trước ngày giao",
]


@pytest.fixture
def unit(province):
    return province["ST-STTTT"]


def test_the_dossier_import_and_the_registers_read_dates_alike():
    assert dossier_imports._parse_dates is parse_dates
    texts = ["27/01/22", "27/01/2022", "27/01/2022 08:30", "2022-01-27", "44588", "44588.5"]
    parsed, blank = parse_dates(pandas.Series(texts, dtype=str), with_time=False)
    assert {str(day)[:10] for day in parsed} == {"2022-01-27"} and not blank.any()


def test_errors_come_grouped_by_column_and_value(unit):
    path = CORPUS / "nhiem_vu_loi_ngay.csv"
    with pytest.raises(ImportRejected) as rejected:
        import_records(TASKS, path, path.name, unit)
    assert str(rejected.value).startswith("Tệp nhiem_vu_loi_ngay.csv có 39 dòng lỗi")
    assert grouped(rejected.value.errors) == BAD_DATE_LINES
    assert not Task.objects.exists()

    result = import_records(TASKS, path, path.name, unit, good_rows_only=True)
    assert (result.created, len({e.row for e in result.skipped})) == (1, 39)
    assert Task.objects.get().content == "Kiểm tra công vụ"


def test_the_register_page_groups_the_errors(client, unit, reporter):
    client.login(username=reporter.username, password=PASSWORD)
    upload = io.BytesIO((CORPUS / "nhiem_vu_loi_ngay.csv").read_bytes())
    upload.name = "nhiem_vu_loi_ngay.csv"
    url = "/units/ST-STTTT/records/tasks/import/"
    page = client.post(url, {"file": upload}, follow=True).content.decode()
    assert "Tệp nhiem_vu_loi_ngay.csv có 39 dòng lỗi; chưa nhập dòng nào." in page
    for line in BAD_DATE_LINES:
        assert line.replace("'", "&#x27;") in page
    assert page.count("không phải ngày dd/mm/yyyy") == 1  # not 37 identical lines

    upload.seek(0)
    page = client.post(url, {"file": upload, "mode": "good_rows"}, follow=True)
    text = page.content.decode()
    assert "Đã nhập 1 mới, cập nhật 0; bỏ qua 39 dòng lỗi." in text
    assert f"Bỏ qua — {BAD_DATE_LINES[1]}" in text


def test_dates_as_excel_keeps_them_and_date_orders(unit):
    """Date cells, serial numbers left unformatted, a date with a time: all read; a
    feedback handled before it was received is refused, one received in 2049 warned of."""
    path = CORPUS / "phan_anh_ngay.xlsx"
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0), tick=False):
        with pytest.raises(ImportRejected) as rejected:
            import_records(FEEDBACK, path, path.name, unit)
        assert [str(e) for e in rejected.value.errors] == [
            "Dòng 4, cột «Ngày giải quyết xong»: ngày giải quyết trước ngày tiếp nhận"
        ]
        result = import_records(FEEDBACK, path, path.name, unit, good_rows_only=True)
    assert result.created == 3 and [e.row for e in result.skipped] == [4]
    assert result.warnings == [
        "Dòng 5, cột «Ngày tiếp nhận»: ngày tiếp nhận sau ngày nhập (03/12/2026); kiểm tra lại năm"
    ]
    days = sorted(Feedback.objects.values_list("received_on", "handled_on"))
    assert days == [
        (D(2022, 7, 5), D(2022, 7, 12)),  # date cells
        (D(2022, 7, 15), D(2022, 7, 18)),  # 44757 and 44760
        (D(2049, 1, 2), None),
    ]


def test_a_task_done_before_it_was_assigned_is_a_warning_not_an_error(unit):
    """Task.clean allows it (a plan lists work done before it is signed); the import
    imports it and says which rows to look at. dd/mm/yy, a time and a serial are read."""
    path = CORPUS / "nhiem_vu_vni.csv"
    result = import_records(TASKS, path, path.name, unit)
    assert result.created == 3 and not result.skipped
    assert result.warnings[1:] == [
        "Dòng 4, cột «Ngày hoàn thành»: ngày hoàn thành trước ngày giao; kiểm tra lại nếu "
        "không phải việc đã làm trước khi có văn bản giao"
    ]
    tasks = Task.objects.order_by("pk")
    assert [(t.assigned_on, t.deadline) for t in tasks] == [
        (D(2022, 1, 27), D(2022, 3, 31)),  # 27/01/22, 31/03/22
        (D(2021, 12, 28), D(2022, 9, 30)),  # "28/12/2021 08:30", 44834
        (D(2022, 3, 1), D(2022, 6, 30)),
    ]


def test_many_doubtful_rows_are_one_warning(unit):
    rows = [f"Kế hoạch,Việc {n},,10/03/2022,30/06/2022,01/03/2022,\n" for n in range(6)]
    result = import_records(TASKS, (TASK_HEADER + "".join(rows)).encode(), "nv.csv", unit)
    assert result.created == 6
    assert result.warnings == [
        "Cột «Ngày hoàn thành», 6 dòng (dòng 2, 3, 4, 5, 6… và 1 dòng khác): ngày hoàn thành "
        "trước ngày giao; kiểm tra lại nếu không phải việc đã làm trước khi có văn bản giao"
    ]


def test_no_warning_for_a_row_already_in_error(unit):
    rows = "Kế hoạch,Việc A,,10/03/2022,01/03/2022,01/02/2022,\n"
    result = import_records(
        TASKS, (TASK_HEADER + rows).encode(), "nv.csv", unit, good_rows_only=True
    )
    assert [str(e) for e in result.skipped] == [
        "Dòng 2, cột «Hạn hoàn thành»: hạn hoàn thành trước ngày giao"
    ]
    assert result.warnings == []


@pytest.mark.parametrize("spec", REGISTERS.values(), ids=lambda spec: spec.slug)
def test_every_date_order_names_date_columns_of_its_register(spec):
    dates = {column.field for column in spec.columns if column.kind == "date"}
    for order in spec.date_orders:
        assert isinstance(order, DateOrder)
        assert {order.earlier, order.later} <= dates
    assert all(column.kind == "date" for column in spec.columns if column.past)


def test_the_catalogue_on_the_register_page_groups_its_errors(client, unit, reporter):
    client.login(username=reporter.username, password=PASSWORD)
    header = "Mã TTHC,Tên TTHC,Mức độ DVC,Thời hạn giải quyết\n"
    rows = "".join(f"1.00{n},Thủ tục {n},Mức 9,10\n" for n in range(4))
    upload = io.BytesIO((header + rows).encode())
    upload.name = "tthc.csv"
    url = "/units/ST-STTTT/records/procedures/import/"
    page = client.post(url, {"file": upload}, follow=True).content.decode()
    assert "Cột «Mức độ DVC», 4 dòng (dòng 2, 3, 4 và 5): &#x27;Mức 9&#x27; không hợp lệ" in page


def test_a_vni_staffing_sheet(unit):
    """An XLSX of VNI text in a register with numbers and a date cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ngaøy choát", "Loaïi", "Soá ñöôïc giao", "Soá coù maët"])
    sheet.append([datetime.datetime(2022, 9, 14), "Coâng chöùc", 29, 27])
    sheet.append(["14/09/22", "Vieân chöùc", 12, 11])
    written = io.BytesIO()
    book.save(written)
    result = import_records(REGISTERS["staffing"], written.getvalue(), "bc.xlsx", unit)
    assert result.created == 2 and not result.skipped
    assert "bảng mã VNI cũ" in result.warnings[0]
    rows = sorted(StaffingSnapshot.objects.values_list("as_of", "category", "quota", "actual"))
    assert rows == [
        (D(2022, 9, 14), "civil_servants", 29, 27),
        (D(2022, 9, 14), "public_employees", 12, 11),
    ]
