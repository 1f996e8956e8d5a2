"""Dossier and catalogue import (all-or-nothing, good rows, upsert), statistics over a
period's window, and the explanation of each verdict."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.periods.models import working_calendar
from cchc.registers.catalogue import import_procedures
from cchc.registers.explain import explain
from cchc.registers.imports import ImportRejected, import_dossiers
from cchc.registers.models import Dossier, Procedure
from cchc.registers.stats import window_stats

pytestmark = pytest.mark.django_db

CATALOGUE = """Mã TTHC,Tên TTHC,Lĩnh vực,Cấp thực hiện,Mức độ DVC,Thời hạn giải quyết,Đơn vị thời hạn
1.004567,Cấp giấy phép bưu chính,Bưu chính,Tỉnh,Toàn trình,10,ngày làm việc
1.001234,Cấp giấy phép xuất bản bản tin,Báo chí,Tỉnh,Một phần,7,ngày
"""
HEADER = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Số lần yêu cầu bổ sung,"
    "Ngày yêu cầu bổ sung,Ngày bổ sung đủ,Ngày có kết quả,Ngày trả kết quả,Trạng thái\n"
)
DOSSIERS = (
    HEADER
    + """H001,1.004567,Trực tuyến,01/07/2022 09:00,15/07/2022,0,,,12/07/2022,13/07/2022,10
H002,1.004567,Trực tiếp,10/09/2022 10:00,,0,,,,,4
H003,1.001234,Bưu chính,10/06/2022 16:00,,1,13/06/2022 10:00,20/06/2022 09:00,30/06/2022,30/06/2022,10
H004,1.004567,Trực tuyến,20/08/2022 08:00,,2,22/08/2022 08:00,25/08/2022 08:00,26/08/2022,26/08/2022,10
H005,9.999999,Trực tuyến,05/09/2022 08:00,09/09/2022,0,,,,,4
"""
)
Q3_2022 = (datetime.date(2022, 6, 15), datetime.date(2022, 9, 14))


@pytest.fixture
def unit(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def test_catalogue_import_and_update(unit):
    assert Procedure.objects.filter(unit=unit).count() == 2
    postal = Procedure.objects.get(unit=unit, code="1.004567")
    assert postal.processing_time == 10 and postal.time_unit == "working"
    assert postal.online_level == "full"
    again = import_procedures(CATALOGUE.replace(",10,", ",12,").encode(), "tthc.csv", unit)
    assert (again.created, again.updated) == (0, 2)
    assert Procedure.objects.get(unit=unit, code="1.004567").processing_time == 12


def test_bad_catalogue_rows_are_named_and_nothing_is_written(province):
    bad = CATALOGUE + "1.0009,Thủ tục X,Khác,Tỉnh,Nửa vời,mười,tuần\n"
    with pytest.raises(ImportRejected) as error:
        import_procedures(bad.encode(), "tthc.csv", province["ST-STTTT"])
    messages = [str(e) for e in error.value.errors]
    assert (
        "Dòng 4, cột «Thời hạn giải quyết»: 'mười' phải là số ngày (số nguyên), ví dụ 10 hoặc "
        "10 ngày làm việc" in messages
    )
    assert any("Mức độ DVC" in m for m in messages) and any(
        "Đơn vị thời hạn" in m for m in messages
    )
    assert not Procedure.objects.exists()


def test_import_classifies_and_reimport_does_not_double_count(unit):
    result = import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    assert (result.created, result.updated) == (5, 0)
    again = import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    assert (again.created, again.updated) == (0, 5)
    assert Dossier.objects.filter(unit=unit).count() == 5
    rows = {d.code: d for d in Dossier.objects.filter(unit=unit)}
    assert (rows["H001"].start_on, rows["H001"].due_on, rows["H001"].verdict) == (
        datetime.date(2022, 7, 1),
        datetime.date(2022, 7, 15),
        "early",
    )
    # Saturday online submission: the clock starts on Monday.
    assert rows["H002"].start_on == datetime.date(2022, 9, 12)
    assert rows["H002"].due_on == datetime.date(2022, 9, 26) and rows["H002"].verdict == ""
    # After 15:00 on Friday → Monday; 7 calendar days counted from the complete dossier.
    assert rows["H003"].due_on == datetime.date(2022, 6, 27) and rows["H003"].verdict == "late"
    # Two supplement requests: overdue whatever the dates say.
    assert rows["H004"].verdict == "late"
    # Unknown procedure: the source system's promised date is the due date.
    assert rows["H005"].due_on == datetime.date(2022, 9, 9)


def test_promised_date_that_differs_is_flagged(unit):
    import_dossiers(DOSSIERS.replace("15/07/2022,0", "14/07/2022,0").encode(), "hs.csv", unit)
    flagged = Dossier.objects.get(unit=unit, code="H001")
    assert flagged.promised_differs is True
    lines = explain(flagged, Procedure.objects.get(unit=unit, code="1.004567"), working_calendar())
    assert any("hệ thống nguồn hẹn trả 14/07/2022" in line for line in lines)


def test_statistics_over_q3_2022(unit):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    figures = window_stats(Dossier.objects.filter(unit=unit), *Q3_2022)
    assert figures == {
        "received": 5,
        "carried_over": 1,
        "new_online": 3,
        "new_direct": 1,
        "new_postal": 0,
        "resolved": 3,
        "early": 1,
        "on_time": 0,
        "late": 2,
        "in_progress_within": 1,
        "in_progress_overdue": 1,
    }


def test_stats_command_prints_json(unit):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    out = io.StringIO()
    call_command(
        "dossiers", "stats", "--unit", "ST-STTTT", "--period", "Q3-2022", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["received"] == 5 and data["carried_over"] == 1 and data["early"] == 1


def test_all_or_nothing_names_every_bad_row(unit):
    bad = (
        HEADER
        + """B1,1.004567,Fax,01/07/2022 09:00,,0,,,,,4
B2,1.004567,Trực tuyến,31/02/2022 09:00,,0,,,,,4
B3,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,30/06/2022,,12
B3,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4
B5,1.004567,Trực tuyến,01/07/2022 09:00,,x,,,,,4
B6,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4
"""
    )
    with pytest.raises(ImportRejected) as error:
        import_dossiers(bad.encode(), "hs.csv", unit)
    messages = [str(e) for e in error.value.errors]
    assert (
        "Dòng 2, cột «Kênh»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)"
        in messages
    )
    assert (
        "Dòng 3, cột «Ngày tiếp nhận»: '31/02/2022 09:00' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
        in messages
    )
    assert "Dòng 4, cột «Ngày có kết quả»: ngày có kết quả trước ngày tiếp nhận" in messages
    assert (
        "Dòng 4, cột «Trạng thái»: trạng thái '12' không hợp lệ: ghi mã từ 1 đến 10 hoặc tên "
        "trạng thái của Cổng DVCQG (ví dụ Đang xử lý, Đã trả kết quả)" in messages
    )
    assert "Dòng 5, cột «Mã hồ sơ»: mã hồ sơ B3 lặp lại trong tệp" in messages
    assert any(m.startswith("Dòng 6, cột «Số lần yêu cầu bổ sung»") for m in messages)
    assert not Dossier.objects.exists()
    result = import_dossiers(bad.encode(), "hs.csv", unit, good_rows_only=True)
    assert result.created == 1 and Dossier.objects.get().code == "B6"
    assert {e.row for e in result.skipped} == {2, 3, 4, 5, 6}


def test_missing_columns_and_corrupt_files(unit):
    with pytest.raises(ImportRejected, match="thiếu cột: Kênh, Ngày tiếp nhận"):
        import_dossiers("Mã hồ sơ,Mã TTHC\nA,B\n".encode(), "hs.csv", unit)
    with pytest.raises(ImportRejected, match="hỏng hoặc không phải tệp Excel"):
        import_dossiers(b"PK\x03\x04 not really a workbook", "hs.xlsx", unit)
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("dossiers", "import", "/nonexistent.csv", "--unit", "ST-STTTT")


def test_xlsx_import_reads_the_same_columns(unit, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in DOSSIERS.strip().split("\n"):
        sheet.append(line.split(","))
    path = tmp_path / "hs.xlsx"
    book.save(path)
    result = import_dossiers(path, path.name, unit)
    assert result.created == 5
    assert Dossier.objects.get(unit=unit, code="H001").verdict == "early"


def test_explanation_names_start_days_off_and_verdict(unit):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    dossier = Dossier.objects.get(unit=unit, code="H004")
    lines = explain(dossier, Procedure.objects.get(unit=unit, code="1.004567"), working_calendar())
    text = "\n".join(lines)
    assert "thứ Bảy 20/08/2022, là ngày nghỉ (Thứ Bảy)" in text
    assert "01/09/2022 (Quốc khánh); 02/09/2022 (Quốc khánh)" in text
    assert "Hạn giải quyết: thứ Hai 12/09/2022." in text
    assert "Yêu cầu bổ sung 2 lần: tính là quá hạn" in text
    assert text.endswith("Có kết quả thứ Sáu 26/08/2022: quá hạn.")


dossier_rows = st.lists(
    st.tuples(
        st.dates(datetime.date(2022, 3, 1), datetime.date(2022, 11, 30)),
        st.integers(0, 23),
        st.sampled_from(["Trực tuyến", "Trực tiếp", "Bưu chính"]),
        st.one_of(st.none(), st.integers(0, 60)),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=dossier_rows)
def test_received_equals_resolved_plus_in_progress(unit, rows):
    lines = []
    for index, (day, hour, channel, finish_after, supplements) in enumerate(rows):
        result = (
            ""
            if finish_after is None
            else (day + datetime.timedelta(days=finish_after)).strftime("%d/%m/%Y")
        )
        asked = (day + datetime.timedelta(days=1)).strftime("%d/%m/%Y 09:00") if supplements else ""
        back = (day + datetime.timedelta(days=3)).strftime("%d/%m/%Y 09:00") if supplements else ""
        lines.append(
            f"P{index},1.004567,{channel},{day:%d/%m/%Y} {hour:02d}:00,,{supplements},"
            f"{asked},{back},{result},,"
        )
    Dossier.objects.filter(unit=unit).delete()
    import_dossiers((HEADER + "\n".join(lines) + "\n").encode(), "p.csv", unit)
    figures = window_stats(Dossier.objects.filter(unit=unit), *Q3_2022)
    assert figures["resolved"] == figures["early"] + figures["on_time"] + figures["late"]
    in_progress = figures["in_progress_within"] + figures["in_progress_overdue"]
    assert figures["received"] == figures["resolved"] + in_progress


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 200),
        ("consolidator", 200),
    ],
)
def test_dossier_pages_by_role(
    client, request, unit, reporter, other_reporter, approver, consolidator, person, status
):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    client.login(username=request.getfixturevalue(person).username, password=PASSWORD)
    page = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"})
    detail = client.get(reverse("dossier_detail", args=["ST-STTTT", "H004"]))
    assert page.status_code == status and detail.status_code == status
    if status == 200:
        assert page.context["figures"]["received"] == 5
        assert "Yêu cầu bổ sung 2 lần" in detail.content.decode()
    upload = io.BytesIO(DOSSIERS.replace("H00", "K00").encode())
    upload.name = "hs.csv"
    response = client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]),
        {"file": upload, "mode": "all", "period": "Q3-2022"},
    )
    expected = {"reporter": 302, "other_reporter": 404}.get(person, 403)
    assert response.status_code == expected
    assert Dossier.objects.filter(code="K001").exists() == (person == "reporter")


def test_upload_with_errors_shows_them_and_writes_nothing(client, unit, reporter):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    client.login(username=reporter.username, password=PASSWORD)
    upload = io.BytesIO((HEADER + "X1,1.004567,Fax,01/07/2022 09:00,,0,,,,,4\n").encode())
    upload.name = "hs.csv"
    response = client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]), {"file": upload, "mode": "all"}, follow=True
    )
    text = response.content.decode()
    assert "chưa nhập dòng nào" in text and "Dòng 2, cột «Kênh»" in text
    assert not Dossier.objects.exists()


def test_a_dossier_whose_deadline_cannot_be_known_is_a_row_error(unit):
    """Without a deadline a resolved dossier is neither early, on time nor late, and an
    unfinished one never overdue: Biểu II.06a would not add up."""
    text = HEADER + (
        "U1,9.999999,Trực tuyến,01/07/2022 09:00,,0,,,12/07/2022,12/07/2022,10\n"
        "U2,9.999999,Trực tiếp,01/07/2022 09:00,,0,,,,,4\n"
        "U3,1.004567,Trực tiếp,01/07/2022 09:00,,1,04/07/2022 09:00,,20/07/2022,20/07/2022,10\n"
        "U4,9.999999,Trực tiếp,01/07/2022 09:00,15/07/2022,0,,,14/07/2022,14/07/2022,10\n"
        "U5,9.999999,Trực tiếp,01/07/2022 09:00,,2,04/07/2022 09:00,,20/07/2022,20/07/2022,10\n"
        "U6,1.004567,Trực tiếp,01/07/2022 09:00,,1,04/07/2022 09:00,,,,5\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text.encode(), "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 2, cột «Mã TTHC»: TTHC 9.999999 chưa có trong danh mục TTHC của đơn vị và tệp "
        "không ghi ngày hẹn trả: không tính được hạn giải quyết. Nhập danh mục TTHC trước hoặc "
        "ghi Ngày hẹn trả.",
        "Dòng 3, cột «Mã TTHC»: TTHC 9.999999 chưa có trong danh mục TTHC của đơn vị và tệp "
        "không ghi ngày hẹn trả: không tính được hạn giải quyết. Nhập danh mục TTHC trước hoặc "
        "ghi Ngày hẹn trả.",
        "Dòng 4, cột «Ngày bổ sung đủ»: hồ sơ đã có kết quả sau khi yêu cầu bổ sung nhưng thiếu "
        "ngày bổ sung đủ: không tính được hạn giải quyết",
    ]
    assert not Dossier.objects.exists()
    # U4 (the source's promised date), U5 (two requests: overdue whatever the deadline) and
    # U6 (clock stopped, waiting for the citizen) are fine.
    result = import_dossiers(text.encode(), "hs.csv", unit, good_rows_only=True)
    assert (result.created, len(result.skipped)) == (3, 3)
    stored = {d.code: d.verdict for d in Dossier.objects.all()}
    assert stored == {"U4": "early", "U5": "late", "U6": ""}


def test_row_numbers_count_blank_lines(unit, monkeypatch):
    """A blank line in the file is a row as the user sees it: the error names the bad row by
    its place in the file, in one pass, in chunks, and through read_table."""
    from cchc.registers import imports

    lines = DOSSIERS.splitlines()
    text = "\n".join([lines[0], lines[1], "", ",,,,,,,,,,", lines[2], "H9,1.004567,Fax"]) + "\n"
    expected = [
        "Dòng 6, cột «Kênh»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)"
    ]
    for chunk in (200_000, 2):
        monkeypatch.setattr(imports, "CSV_CHUNK_ROWS", chunk)
        with pytest.raises(ImportRejected) as rejected:
            import_dossiers(text.encode(), "hs.csv", unit)
        assert [str(e) for e in rejected.value.errors if "Kênh" in e.column] == expected
    frame = imports.read_table(text.encode(), "hs.csv")
    assert list(frame.index) == [0, 3, 4]  # rows 2, 5 and 6 of the file
    result = imports.import_dossier_frame(frame, "hs.csv", unit, good_rows_only=True)
    assert result.created == 2 and {e.row for e in result.skipped} == {6}


PAYMENT_HEADER = HEADER.rstrip("\n") + ',"Có phí, lệ phí",Thanh toán trực tuyến,Kết quả điện tử\n'
# Over Q3-2022: new T1-T5 and T7 (T6 is carried over from 10/06); resolved T1, T2, T3, T5, T6.
PAYMENT = PAYMENT_HEADER + (
    "T1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,12/07/2022,13/07/2022,10,50.000,Có,Có\n"
    "T2,1.004567,Trực tiếp,04/07/2022 09:00,,0,,,08/07/2022,08/07/2022,10,50000,Không,Không\n"
    "T3,1.004567,Trực tuyến,05/07/2022 09:00,,0,,,11/07/2022,11/07/2022,10,0,Không,Có\n"
    "T4,1.004567,Trực tuyến,06/07/2022 09:00,,0,,,,,4,Có,,\n"
    "T5,1.001234,Bưu chính,07/07/2022 09:00,,0,,,12/07/2022,12/07/2022,10,Không,,\n"
    'T6,1.004567,Trực tuyến,10/06/2022 09:00,,0,,,20/06/2022,20/06/2022,10,"1.200.000 đồng",x,1\n'
    "T7,1.004567,Trực tuyến,10/09/2022 09:00,,0,,,,,4,,,\n"
)


def _told(unit) -> dict[str, tuple]:
    return {
        d.code: (d.fee_due, d.paid_online, d.electronic_result)
        for d in Dossier.objects.filter(unit=unit)
    }


def test_fee_online_payment_and_electronic_result_columns(unit):
    result = import_dossiers(PAYMENT.encode(), "hs.csv", unit)
    assert (result.created, result.skipped) == (7, [])
    assert _told(unit) == {
        "T1": (True, True, True),
        "T2": (True, False, False),  # an amount without separators
        "T3": (False, False, True),  # an amount of 0: no fee
        "T4": (True, None, None),
        "T5": (False, None, None),
        "T6": (True, True, True),
        "T7": (None, None, None),  # blank: the file does not tell
    }


def test_reimport_overwrites_what_the_file_tells(unit):
    import_dossiers(PAYMENT.encode(), "hs.csv", unit)
    changed = PAYMENT.replace("50000,Không,Không", "50000,Có,Có").replace(
        "4,Có,,", "4,Không,Không,"
    )
    again = import_dossiers(changed.encode(), "hs.csv", unit)
    assert (again.created, again.updated) == (0, 7)
    told = _told(unit)
    assert (told["T2"], told["T4"]) == ((True, True, True), (False, False, None))
    # A file without the columns does not tell: the re-import stores None, as for
    # "Đã số hóa" (the file is the record of what the one-stop system holds).
    without = HEADER + "T1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,12/07/2022,13/07/2022,10\n"
    import_dossiers(without.encode(), "hs.csv", unit)
    assert _told(unit)["T1"] == (None, None, None)
    assert Dossier.objects.filter(unit=unit).count() == 7


def test_bad_payment_cells_and_payment_without_fee_are_row_errors(unit):
    rows = [
        "B1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,năm chục,,",
        "B2,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,Có,Rồi,",
        "B3,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,Có,Có,1.5",
        "B4,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,12.5,,",
        "B5,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,Không,Có,",
        "B6,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,0,x,",
        "B7,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,,Có,",  # fee not told: fine
    ]
    text = (PAYMENT_HEADER + "\n".join(rows) + "\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text, "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 2, cột «Có phí, lệ phí»: 'năm chục' phải là Có, Không hoặc số tiền (ví dụ 50.000)",
        "Dòng 3, cột «Thanh toán trực tuyến»: 'Rồi' phải là Có hoặc Không",
        "Dòng 4, cột «Kết quả điện tử»: '1.5' phải là Có hoặc Không",
        "Dòng 5, cột «Có phí, lệ phí»: '12.5' phải là Có, Không hoặc số tiền (ví dụ 50.000)",
        "Dòng 6, cột «Thanh toán trực tuyến»: hồ sơ ghi đã thanh toán trực tuyến nhưng lại ghi "
        "không phải nộp phí, lệ phí",
        "Dòng 7, cột «Thanh toán trực tuyến»: hồ sơ ghi đã thanh toán trực tuyến nhưng lại ghi "
        "không phải nộp phí, lệ phí",
    ]
    assert not Dossier.objects.exists()
    result = import_dossiers(text, "hs.csv", unit, good_rows_only=True)
    assert result.created == 1 and _told(unit) == {"B7": (None, True, None)}


def test_a_calendar_day_deadline_on_a_day_off_moves_and_the_explanation_says_why(unit):
    """Bộ luật Dân sự 2015, Điều 148: a deadline counted in calendar days that ends on a day
    off moves to the next working day; the explanation names the day off and the move."""
    from cchc.registers.models import TimeUnit

    procedure = Procedure.objects.create(
        unit=unit,
        code="CAL-5",
        name="Thủ tục 5 ngày",
        processing_time=5,
        time_unit=TimeUnit.CALENDAR_DAYS,
    )
    rows = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
        "T001,CAL-5,Trực tiếp,07/02/2024 10:00,15/02/2024\n"
    )
    import_dossiers(rows.encode(), "tet.csv", unit)
    dossier = Dossier.objects.get(unit=unit, code="T001")
    # 07/02 + 5 = Mon 12/02/2024, a day of Tết Giáp Thìn (08–14/02): due Thu 15/02, on time.
    assert (dossier.due_on, dossier.verdict) == (datetime.date(2024, 2, 15), "on_time")
    text = "\n".join(explain(dossier, procedure, working_calendar()))
    assert "Ngày cuối thời hạn, thứ Hai 12/02/2024, là ngày nghỉ (" in text
    assert "hạn chuyển sang ngày làm việc tiếp theo, thứ Năm 15/02/2024 (Điều 148" in text
    assert "Hạn giải quyết: thứ Năm 15/02/2024." in text


def test_the_explanation_names_the_regime_of_the_receipt_date(unit):
    rows = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\n"
        "R2022,1.004567,Trực tiếp,04/07/2022 09:00\n"
        "R2025,1.004567,Trực tiếp,01/07/2025 09:00\n"
    )
    import_dossiers(rows.encode(), "hs.csv", unit)
    old, new = (Dossier.objects.get(unit=unit, code=c) for c in ("R2022", "R2025"))
    first = explain(old, None, working_calendar())[0]
    assert first == (
        "Hồ sơ tiếp nhận ngày 04/07/2022: áp dụng Nghị định số 61/2018/NĐ-CP và Thông tư số "
        "01/2018/TT-VPCP."
    )
    assert explain(new, None, working_calendar())[0].startswith(
        "Hồ sơ tiếp nhận ngày 01/07/2025: áp dụng Nghị định số 118/2025/NĐ-CP"
    )
    new.apology_number, new.apology_on = "12/STP", datetime.date(2025, 7, 20)
    text = "\n".join(explain(new, None, working_calendar()))
    assert "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04) số 12/STP" in text


def test_the_explanation_names_each_tet_day_skipped_by_its_lunar_date(unit):
    # Received Fri 24/01/2025 at 09:00 for the 1.004567 procedure (working days); Tết Ất Tỵ
    # runs Sat 25/01 – Sun 02/02/2025 and every day of it is listed with its lunar date.
    rows = "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\nT2025,1.004567,Trực tiếp,24/01/2025 09:00\n"
    import_dossiers(rows.encode(), "tet.csv", unit)
    dossier = Dossier.objects.get(unit=unit, code="T2025")
    procedure = Procedure.objects.get(unit=unit, code="1.004567")
    text = "\n".join(explain(dossier, procedure, working_calendar()))
    assert "25/01/2025 (Thứ Bảy, 26 tháng Chạp)" in text
    assert "27/01/2025 (Tết Nguyên đán, 28 tháng Chạp)" in text
    assert "28/01/2025 (Tết Nguyên đán, giao thừa 29 tháng Chạp)" in text
    assert "29/01/2025 (Tết Nguyên đán, mùng 1 tháng Giêng)" in text
    assert "02/02/2025 (Chủ nhật, mùng 5 tháng Giêng)" in text


def test_refused_withdrawn_and_stopped_dossiers_count_in_no_figure(unit):
    """DVCQG statuses 1 (not yet received), 3 (refused, Mẫu 03), 7 (withdrawn) and 8
    (stopped): neither received, resolved nor in progress, and owed no apology."""
    from cchc.registers.figures import overdue_dossiers
    from cchc.registers.forms import is_overdue

    rows = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Trạng thái\n"
        "S4,1.004567,Trực tiếp,01/07/2022 09:00,4\n"
        "S3,1.004567,Trực tiếp,01/07/2022 09:00,Trả lại hồ sơ\n"
        "S7,1.004567,Trực tuyến,01/07/2022 09:00,Rút hồ sơ\n"
        "S8,1.004567,Trực tuyến,01/07/2022 09:00,Dừng xử lý\n"
        "S1,1.004567,Trực tuyến,01/07/2022 09:00,1\n"
    )
    import_dossiers(rows.encode(), "hs.csv", unit)
    figures = window_stats(Dossier.objects.filter(unit=unit), *Q3_2022)
    assert figures["received"] == 1 and figures["new_direct"] == 1 and figures["new_online"] == 0
    assert figures["in_progress_overdue"] == 1  # only S4, due 15/07/2022
    assert [d.code for d in overdue_dossiers(Dossier.objects.filter(unit=unit), *Q3_2022)] == ["S4"]
    refused = Dossier.objects.get(unit=unit, code="S3")
    assert refused.status == 3 and not is_overdue(refused)
    text = "\n".join(explain(refused, None, working_calendar()))
    assert (
        "Trạng thái 3 (Không được tiếp nhận): hồ sơ không được tính vào số liệu Biểu II.06a" in text
    )


def test_a_receipt_without_a_time_is_explained_as_such(unit):
    rows = "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\nD1,1.004567,Trực tiếp,15/09/2022\n"
    import_dossiers(rows.encode(), "hs.csv", unit)
    dossier = Dossier.objects.get(unit=unit, code="D1")
    lines = explain(dossier, None, working_calendar())
    assert "Tiếp nhận thứ Năm 15/09/2022 (tệp không ghi giờ): tính từ chính ngày này." in lines
    assert not any("00:00" in line for line in lines)
