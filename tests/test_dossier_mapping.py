"""The column-mapping step: guessing from Vietnamese headers, checking and applying a mapping,
saved mappings per source, the command line; the cut-off setting and reclassifying."""

import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from cchc.audit.models import AuditEntry
from cchc.periods.models import CalendarOverride, working_calendar
from cchc.registers.explain import explain
from cchc.registers.imports import ImportRejected, import_dossiers, read_table
from cchc.registers.mapping import (
    check_mapping,
    guess_mapping,
    import_frame,
    normalise,
    save_mapping,
    saved_mapping_for,
)
from cchc.registers.models import ColumnMapping, Dossier, ImportKind, Procedure
from cchc.settings import parse_clock
from tests.test_dossier_import import CATALOGUE

pytestmark = pytest.mark.django_db

# An export from another one-stop system: other names, no accents, odd case, extra columns.
EXPORT = """STT,SO HO SO,ma thu tuc,Hình thức nộp,ngay_nhan,HẠN XỬ LÝ,Ngày hoàn thành,Ngày trả,tình trạng,Số hoá
1,E001,1.004567,Trực tuyến,01/07/2022 09:00,15/07/2022,12/07/2022,13/07/2022,10,Có
2,E002,1.004567,Trực tiếp,10/08/2022 10:00,,,,4,Không
3,E003,1.001234,Bưu chính,05/09/2022 08:00,,,,4,
"""
EXPORT_MAPPING = {
    "Mã hồ sơ": "SO HO SO",
    "Mã TTHC": "ma thu tuc",
    "Kênh": "Hình thức nộp",
    "Ngày tiếp nhận": "ngay_nhan",
    "Ngày hẹn trả": "HẠN XỬ LÝ",
    "Ngày có kết quả": "Ngày hoàn thành",
    "Ngày trả kết quả": "Ngày trả",
    "Trạng thái": "tình trạng",
    "Đã số hóa": "Số hoá",
}
EXPORT_HEADERS = EXPORT.splitlines()[0].split(",")


@pytest.fixture
def unit(province):
    from cchc.registers.catalogue import import_procedures

    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def test_normalise_ignores_case_diacritics_and_punctuation():
    assert normalise("  NGÀY  nhận-HS ") == "ngay nhan hs"
    assert normalise("Số hoá") == normalise("so_hóa") == "so hoa"
    assert normalise("Đã số hóa") == "da so hoa"


def test_guess_recognises_synonyms_unaccented_and_odd_case_headers():
    assert guess_mapping(EXPORT_HEADERS, ImportKind.DOSSIERS) == EXPORT_MAPPING
    guess = guess_mapping(
        ["MaHoSo", "Mã TTHC", "KENH", "Ngày tiếp nhận", "Ngày YCBS", "Ngày bổ sung", "Lý do"],
        ImportKind.DOSSIERS,
    )
    assert guess == {
        "Mã hồ sơ": "MaHoSo",
        "Mã TTHC": "Mã TTHC",
        "Kênh": "KENH",
        "Ngày tiếp nhận": "Ngày tiếp nhận",
        "Ngày yêu cầu bổ sung": "Ngày YCBS",
        "Ngày bổ sung đủ": "Ngày bổ sung",
    }


def test_guess_for_the_catalogue():
    headers = ["Mã thủ tục", "Tên thủ tục", "LINH VUC", "Mức độ", "Thời hạn", "Loại ngày"]
    assert guess_mapping(headers, ImportKind.PROCEDURES) == {
        "Mã TTHC": "Mã thủ tục",
        "Tên TTHC": "Tên thủ tục",
        "Lĩnh vực": "LINH VUC",
        "Mức độ DVC": "Mức độ",
        "Thời hạn giải quyết": "Thời hạn",
        "Đơn vị thời hạn": "Loại ngày",
    }


def test_bad_mapping_is_named_in_vietnamese():
    mapping = dict(EXPORT_MAPPING, **{"Mã hồ sơ": "", "Trạng thái": "Hình thức nộp"})
    problems = check_mapping(mapping, EXPORT_HEADERS, ImportKind.DOSSIERS)
    assert "Chưa chọn cột của tệp cho: Mã hồ sơ (bắt buộc)." in problems
    assert any(
        "Cột «Hình thức nộp» của tệp được chọn cho nhiều cột: Kênh, Trạng thái" in p
        for p in problems
    )
    assert check_mapping({**EXPORT_MAPPING, "Kênh": "Fax"}, EXPORT_HEADERS, "dossiers") == [
        "Tệp không có cột: Fax."
    ]


def test_import_through_a_mapping_names_the_file_s_own_columns(unit):
    frame = read_table(EXPORT.encode(), "export.csv")
    result = import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, EXPORT_MAPPING)
    assert (result.created, result.updated) == (3, 0)
    rows = {d.code: d for d in Dossier.objects.filter(unit=unit)}
    assert rows["E001"].verdict == "early" and rows["E001"].status == 10
    assert (rows["E001"].digitised, rows["E002"].digitised, rows["E003"].digitised) == (
        True,
        False,
        None,
    )
    bad = EXPORT.replace("Trực tiếp", "Fax")
    with pytest.raises(ImportRejected) as error:
        import_frame(
            read_table(bad.encode(), "export.csv"),
            "export.csv",
            unit,
            ImportKind.DOSSIERS,
            EXPORT_MAPPING,
        )
    assert [str(e) for e in error.value.errors] == [
        "Dòng 3, cột «Hình thức nộp»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc "
        "Bưu chính)"
    ]


PAYMENT_EXPORT = """SO HO SO,ma thu tuc,Hình thức nộp,ngay_nhan,Ngày hoàn thành,Thu phí,Thanh toán qua DVCQG,Trả kết quả điện tử
E001,1.004567,Trực tuyến,01/07/2022 09:00,12/07/2022,50.000,Có,Có
E002,1.004567,Trực tiếp,10/08/2022 10:00,,Không,Không,
E003,1.001234,Bưu chính,05/09/2022 08:00,,0,Có,
"""


@pytest.mark.parametrize(
    "fee, paid, electronic",
    [
        ("Phí, lệ phí", "Đã thanh toán trực tuyến", "Kết quả bản điện tử"),
        ("Có thu phí", "Thanh toán điện tử", "Số hóa kết quả"),
        ("LE PHI", "thanh toan truc tuyen", "Kết quả điện tử"),
    ],
)
def test_guess_recognises_the_payment_and_electronic_result_columns(fee, paid, electronic):
    headers = ["Số hồ sơ", "Mã TTHC", "Kênh", "Ngày tiếp nhận", "Số hóa", fee, paid, electronic]
    guess = guess_mapping(headers, ImportKind.DOSSIERS)
    assert (guess["Có phí, lệ phí"], guess["Thanh toán trực tuyến"]) == (fee, paid)
    assert (guess["Kết quả điện tử"], guess["Đã số hóa"]) == (electronic, "Số hóa")


def test_payment_columns_through_a_mapping_name_the_file_s_columns(unit):
    headers = PAYMENT_EXPORT.splitlines()[0].split(",")
    mapping = guess_mapping(headers, ImportKind.DOSSIERS)
    assert mapping["Có phí, lệ phí"] == "Thu phí"
    assert mapping["Thanh toán trực tuyến"] == "Thanh toán qua DVCQG"
    assert mapping["Kết quả điện tử"] == "Trả kết quả điện tử"
    frame = read_table(PAYMENT_EXPORT.encode(), "export.csv")
    with pytest.raises(ImportRejected) as error:
        import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, mapping)
    assert [str(e) for e in error.value.errors] == [
        "Dòng 4, cột «Thanh toán qua DVCQG»: hồ sơ ghi đã thanh toán trực tuyến nhưng lại ghi "
        "không phải nộp phí, lệ phí"
    ]
    fixed = PAYMENT_EXPORT.replace(",0,Có,", ",0,Không,")
    frame = read_table(fixed.encode(), "export.csv")
    result = import_frame(frame, "export.csv", unit, ImportKind.DOSSIERS, mapping)
    assert result.created == 3
    stored = {
        d.code: (d.fee_due, d.paid_online, d.electronic_result)
        for d in Dossier.objects.filter(unit=unit)
    }
    assert stored == {
        "E001": (True, True, True),
        "E002": (False, False, None),
        "E003": (False, False, None),
    }


def test_saved_mapping_fits_a_header_holding_all_its_columns(unit, reporter):
    save_mapping(ImportKind.DOSSIERS, "iGate", EXPORT_MAPPING, reporter)
    assert saved_mapping_for(EXPORT_HEADERS + ["Ghi chú"], ImportKind.DOSSIERS).name == "iGate"
    without = [h for h in EXPORT_HEADERS if h != "Ngày trả"]
    assert saved_mapping_for(without, ImportKind.DOSSIERS) is None
    assert saved_mapping_for(EXPORT_HEADERS, ImportKind.PROCEDURES) is None
    # Saving under the same name updates it, and both are audited.
    save_mapping(ImportKind.DOSSIERS, "iGate", {**EXPORT_MAPPING, "Đã số hóa": ""}, reporter)
    saved = ColumnMapping.objects.get(kind="dossiers", name="iGate")
    assert "Đã số hóa" not in saved.columns and saved.columns["Kênh"] == "Hình thức nộp"
    assert ColumnMapping.objects.count() == 1
    assert AuditEntry.objects.filter(action="column_mapping.save").count() == 2


def test_command_imports_with_a_saved_mapping(unit, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    with pytest.raises(CommandError, match="Chưa lưu cách ghép cột nào tên «iGate»"):
        call_command("dossiers", "import", str(path), "--unit", "ST-STTTT", "--mapping", "iGate")
    with pytest.raises(CommandError, match="thiếu cột: Mã hồ sơ"):
        call_command("dossiers", "import", str(path), "--unit", "ST-STTTT")
    save_mapping(ImportKind.DOSSIERS, "iGate", EXPORT_MAPPING)
    out = io.StringIO()
    call_command(
        "dossiers", "import", str(path), "--unit", "ST-STTTT", "--mapping", "iGate", stdout=out
    )
    assert "Đã nhập 3 mới, cập nhật 0." in out.getvalue()
    # Without --mapping, a saved mapping that fits is used and named.
    out = io.StringIO()
    call_command("dossiers", "import", str(path), "--unit", "ST-STTTT", stdout=out)
    assert "«iGate»" in out.getvalue() and "cập nhật 3" in out.getvalue()


def test_catalogue_command_with_a_mapping(province, tmp_path):
    path = tmp_path / "tthc.csv"
    path.write_text(
        "Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn,Loại ngày\n"
        "2.000001,Cấp phép X,Viễn thông,5,ngày làm việc\n",
        encoding="utf-8",
    )
    headers = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn", "Loại ngày"]
    save_mapping(ImportKind.PROCEDURES, "CSDL TTHC", guess_mapping(headers, "procedures"))
    out = io.StringIO()
    call_command(
        "tthc", "import", str(path), "--unit", "ST-STP", "--mapping", "CSDL TTHC", stdout=out
    )
    assert "Đã nhập 1 mới" in out.getvalue()
    procedure = Procedure.objects.get(unit=province["ST-STP"], code="2.000001")
    assert (procedure.field, procedure.processing_time) == ("Viễn thông", 5)


@pytest.mark.parametrize(
    "raw, minutes", [("15:00", 900), ("9:30", 570), ("00:00", 0), (" 17:45 ", 1065)]
)
def test_cut_off_setting_parses_hh_mm(raw, minutes):
    assert parse_clock("CCHC_DOSSIER_CUTOFF", raw) == minutes


@pytest.mark.parametrize("raw", ["", "15", "15h", "24:00", "15:60", "3 PM", "15:00:00", "-1:00"])
def test_cut_off_setting_refuses_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="CCHC_DOSSIER_CUTOFF must be a time"):
        parse_clock("CCHC_DOSSIER_CUTOFF", raw)


LATE_AFTERNOON = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
    # Friday 16:00; 10 working days; result on Friday two weeks later.
    "R1,1.004567,Trực tiếp,01/07/2022 16:00,15/07/2022\n"
    "R2,1.004567,Trực tiếp,01/07/2022 09:00,15/07/2022\n"
)


def test_reclassify_after_the_cut_off_or_the_calendar_changed(unit, settings):
    import_dossiers(LATE_AFTERNOON.encode(), "r.csv", unit)
    first = Dossier.objects.get(unit=unit, code="R1")
    # After 15:00: the clock starts on Monday 04/07, due 18/07, the result is early.
    assert (first.start_on, first.due_on, first.verdict) == (
        datetime.date(2022, 7, 4),
        datetime.date(2022, 7, 18),
        "early",
    )
    settings.CCHC_DOSSIER_CUTOFF = 17 * 60
    # Until it is reclassified, the dossier's explanation says its stored deadline is stale.
    lines = explain(
        first, Procedure.objects.get(unit=unit, code=first.procedure_code), working_calendar()
    )
    assert any("khác hạn tính theo lịch ngày nghỉ và giờ chốt hiện hành" in line for line in lines)
    out = io.StringIO()
    call_command("dossiers", "reclassify", "--unit", "ST-STTTT", stdout=out)
    assert "giờ chốt 17:00: 1 hồ sơ thay đổi" in out.getvalue()
    first.refresh_from_db()
    assert (first.start_on, first.due_on, first.verdict) == (
        datetime.date(2022, 7, 1),
        datetime.date(2022, 7, 15),
        "on_time",
    )
    assert AuditEntry.objects.filter(action="dossier.reclassify").exists()
    lines = explain(
        first, Procedure.objects.get(unit=unit, code=first.procedure_code), working_calendar()
    )
    assert not any("giờ chốt hiện hành" in line for line in lines)
    # A day off added in the admin moves the deadline of both dossiers.
    CalendarOverride.objects.create(date=datetime.date(2022, 7, 6), is_working_day=False)
    call_command("dossiers", "reclassify", "--all", stdout=io.StringIO())
    rows = {d.code: d for d in Dossier.objects.filter(unit=unit)}
    assert rows["R1"].due_on == rows["R2"].due_on == datetime.date(2022, 7, 18)
    assert rows["R1"].verdict == rows["R2"].verdict == "early"
    with pytest.raises(CommandError, match="Không có đơn vị mã XX"):
        call_command("dossiers", "reclassify", "--unit", "XX")


def test_imports_and_explanations_use_the_cut_off_setting(unit, settings):
    from cchc.periods.models import working_calendar
    from cchc.registers.explain import explain
    from cchc.registers.mapping import import_file

    settings.CCHC_DOSSIER_CUTOFF = 17 * 60
    import_file(LATE_AFTERNOON.encode(), "r.csv", unit, ImportKind.DOSSIERS)
    dossier = Dossier.objects.get(unit=unit, code="R1")
    assert (dossier.start_on, dossier.verdict) == (datetime.date(2022, 7, 1), "on_time")
    procedure = Procedure.objects.get(unit=unit, code="1.004567")
    lines = explain(dossier, procedure, working_calendar())
    assert lines[1] == (  # after the line naming the regime
        "Tiếp nhận lúc 16:00 thứ Sáu 01/07/2022, trước 17:00 của ngày làm việc: "
        "tính từ chính ngày này."
    )
