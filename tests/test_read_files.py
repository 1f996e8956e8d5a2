"""Uploads as officials get them (tests/data/imports, written by its make_corpus.py): their
encoding, separator and title rows are found, their Vietnamese text comes out exact, and row
numbers in errors are the rows of the file, title rows counted."""

import codecs
import importlib.util
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.base import sniff
from cchc.base.tables import ImportRejected, read_header, read_table
from cchc.records.imports import import_records
from cchc.records.models import Task
from cchc.records.registry import REGISTERS
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import DOSSIER_COLUMNS, import_dossiers
from cchc.registers.mapping import guess_mapping, import_file, known_names, read_headers
from cchc.registers.models import Dossier, ImportKind, Procedure

CORPUS = Path(__file__).parent / "data" / "imports"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


@pytest.fixture
def unit(province):
    """A department whose catalogue came as tab-separated text."""
    unit = province["ST-STTTT"]
    import_procedures(CORPUS / "tthc_tab.csv", "tthc_tab.csv", unit)
    return unit


def _rows(error: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in error.value.errors]


@pytest.mark.parametrize("name", sorted(corpus.FILES))
def test_the_corpus_is_what_its_script_writes(name):
    assert (CORPUS / name).read_bytes() == corpus.FILES[name]()


def test_the_windows_1258_file_is_really_in_windows_1258_with_combining_tones():
    data = (CORPUS / "ho_so_windows1258.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "\u0301" in data.decode("cp1258")  # "Mã hồ sơ" is not one code point per letter


def test_windows_1258_csv_with_a_title_row(unit):
    path = CORPUS / "ho_so_windows1258.csv"
    frame = read_table(path, path.name, DOSSIER_COLUMNS)
    assert list(frame.columns) == corpus.DOSSIER_HEADER
    assert frame.attrs["header_row"] == 2
    assert frame["Kênh"].tolist() == ["Trực tuyến", "Trực tiếp", "Qua mạng"]
    assert all(unicodedata.is_normalized("NFC", c) for c in frame.columns)
    assert frame.index.tolist() == [1, 2, 3]  # rows 3, 4, 5 of the file
    assert read_headers(path.read_bytes(), path.name, ImportKind.DOSSIERS) == (
        corpus.DOSSIER_HEADER
    )

    # "Qua mạng" is one of the channel's synonyms (cchc/registers/values.py): every row
    # imports, the Vietnamese text read right.
    result = import_dossiers(path, path.name, unit)
    assert result.created == 3 and not result.skipped
    assert Dossier.objects.get(unit=unit, code="H101").channel == "online"
    assert Dossier.objects.filter(channel="online").count() == 2


def test_semicolon_utf8_bom_csv(unit):
    path = CORPUS / "ho_so_cham_phay_bom.csv"
    assert sniff.csv_layout(path.read_bytes(), path.name).separator == ";"
    frame = read_table(path, path.name)
    assert list(frame.columns) == corpus.DOSSIER_HEADER  # "Có phí, lệ phí" kept whole
    assert frame.columns[0] == "Mã hồ sơ"  # no BOM left on the first name
    assert frame["Kênh"].tolist() == ["Bưu chính", "Trực tuyến", "Trực tuyến"]

    with pytest.raises(ImportRejected) as error:
        import_dossiers(path, path.name, unit)
    assert _rows(error) == [(5, "Ngày tiếp nhận")]  # the blank row 3 counted
    result = import_dossiers(path, path.name, unit, good_rows_only=True)
    assert result.created == 2
    postal = Dossier.objects.get(unit=unit, code="H201")
    assert postal.channel == "postal" and postal.supplement_count == 1


def test_tab_separated_catalogue(unit):
    path = CORPUS / "tthc_tab.csv"
    assert read_header(path, path.name) == corpus.CATALOGUE_ROWS[0]
    names = dict(Procedure.objects.filter(unit=unit).values_list("code", "name"))
    assert names == {
        "1.004567": "Cấp giấy phép bưu chính",
        "1.001234": "Cấp giấy phép xuất bản bản tin",
    }
    assert Procedure.objects.get(unit=unit, code="1.001234").field == "Báo chí"


def test_utf16_tasks_register_with_a_title_row(province):
    path = CORPUS / "nhiem_vu_utf16.csv"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    spec = REGISTERS["tasks"]
    with pytest.raises(ImportRejected) as error:
        import_records(spec, path, path.name, province["ST-STTTT"])
    assert _rows(error) == [(5, "Hạn hoàn thành")]
    assert str(error.value.errors[0]) == (
        "Dòng 5, cột «Hạn hoàn thành»: '30/02/2022' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
    )
    result = import_records(spec, path, path.name, province["ST-STTTT"], good_rows_only=True)
    assert result.created == 2
    task = Task.objects.get(content="Triển khai chuyển đổi số")
    assert task.note == "đang chờ ý kiến các sở"
    assert task.source_document == "Kế hoạch số 182/KH-UBND ngày 28/12/2021"


def test_xlsx_with_title_rows_and_a_blank_row_above_the_header(unit):
    path = CORPUS / "ho_so_dong_tieu_de.xlsx"
    frame = read_table(path, path.name, DOSSIER_COLUMNS)
    assert list(frame.columns) == corpus.DOSSIER_HEADER
    assert not any(c.startswith("Unnamed") for c in frame.columns)
    assert frame.attrs["header_row"] == 4
    assert frame["Mã hồ sơ"].tolist() == ["H301", "H302", "H303"]
    assert frame["Kênh"].tolist() == ["Trực tuyến", "Trực tiếp", "Trực tiếp"]
    # The titles alone do not look like a header either, without the names to go by.
    assert list(read_table(path, path.name).columns) == corpus.DOSSIER_HEADER

    with pytest.raises(ImportRejected) as error:
        import_dossiers(path, path.name, unit)
    assert _rows(error) == [(7, "Mã TTHC")]
    assert str(error.value.errors[0]) == "Dòng 7, cột «Mã TTHC»: thiếu mã TTHC"
    result = import_dossiers(path, path.name, unit, good_rows_only=True)
    assert result.created == 2
    assert Dossier.objects.get(unit=unit, code="H301").fee_due is True


def test_a_file_that_is_not_text_is_refused_by_name(unit):
    path = CORPUS / "khong_phai_van_ban.csv"
    expected = "Không đọc được tệp khong_phai_van_ban.csv: tệp không phải văn bản"
    for read in (
        lambda: read_table(path, path.name),
        lambda: read_header(path, path.name),
        lambda: import_dossiers(path, path.name, unit),
        lambda: import_procedures(path, path.name, unit),
    ):
        with pytest.raises(ImportRejected) as error:
            read()
        assert str(error.value).startswith(expected)
        assert "UTF-8, UTF-16 hay Windows-1258" in str(error.value)
    assert not Dossier.objects.exists()


def test_a_mapped_export_with_title_rows_keeps_its_row_numbers(unit):
    text = (
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG;;;;\n"
        "Kết xuất từ hệ thống một cửa;;;;\n"
        "Số hồ sơ;Mã thủ tục;Hình thức nộp;Ngày nhận hồ sơ;Hạn xử lý\n"
        "K1;1.004567;Trực tuyến;01/07/2022 09:00;15/07/2022\n"
        "K2;1.004567;Fax;02/07/2022 09:00;15/07/2022\n"
    )
    data = corpus.to_cp1258(text)
    kind = ImportKind.DOSSIERS
    headers = read_headers(data, "export.csv", kind)
    assert headers == ["Số hồ sơ", "Mã thủ tục", "Hình thức nộp", "Ngày nhận hồ sơ", "Hạn xử lý"]
    assert list(read_table(data, "export.csv", known_names(kind)).columns) == headers
    mapping = guess_mapping(headers, kind)
    with pytest.raises(ImportRejected) as error:
        import_file(data, "export.csv", unit, kind, mapping)
    assert _rows(error) == [(5, "Hình thức nộp")]  # the file's own column name
    result = import_file(data, "export.csv", unit, kind, mapping, good_rows_only=True)
    assert result.created == 1 and Dossier.objects.filter(unit=unit, code="K1").exists()


def test_a_utf8_header_typed_with_combining_marks_is_the_standard_one(unit):
    text = "\n".join(
        [",".join(corpus.DOSSIER_HEADER[:5]), "D1,1.004567,Trực tiếp,01/07/2022 09:00,"]
    )
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    frame = read_table(decomposed.encode(), "hs.csv")
    assert list(frame.columns) == corpus.DOSSIER_HEADER[:5]
    assert frame.iat[0, 2] == "Trực tiếp"
    assert import_dossiers(decomposed.encode(), "hs.csv", unit).created == 1


# Surrogates (category Cs) are no characters: they cannot be written in UTF-8 at all.
@given(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))))
def test_valid_utf8_is_never_read_as_another_encoding(text):
    """Any text but NUL, which no CSV holds: bytes with NULs are UTF-16 without a BOM or
    not text at all."""
    data = text.encode("utf-8")
    assert sniff.detect_encoding(data, "x.csv") in ("utf-8", "utf-8-sig")
    expected = text.removeprefix("\ufeff")
    assert sniff.decode(data, "x.csv") == unicodedata.normalize("NFC", expected)


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("Một cột\nmột giá trị\n", ","),  # nothing to tell: comma
        ("", ","),
    ],
)
def test_separator(text, separator):
    assert sniff.detect_separator(text) == separator


def test_the_header_is_found_by_its_names_or_by_its_shape():
    rows = [
        ["BÁO CÁO", "", "", ""],
        ["Kỳ báo cáo: Quý III/2022", "", "", ""],
        ["", "", "", ""],
        ["Mã hồ sơ", "Mã TTHC", "Kênh", "Ghi chú"],
        ["H1", "1.004567", "Trực tiếp", ""],
    ]
    assert sniff.find_header(rows, ["Mã hồ sơ", "Mã TTHC"]) == 3
    assert sniff.find_header(rows) == 3
    assert sniff.find_header(rows, ["mã hồ sơ", "MÃ TTHC"]) == 3  # case does not matter
    assert sniff.find_header([["1", "2", "3"], ["Tên", "Mã", "Số"]]) == 1  # numbers: data
    assert sniff.find_header([["Chỉ một ô"]]) == 0
    assert sniff.find_header([]) == 0
    # A header below the first 15 rows is not looked for.
    assert sniff.find_header([["Tiêu đề"]] * 15 + [rows[3]], ["Mã hồ sơ", "Mã TTHC"]) == 0


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "Mã hồ sơ".encode("cp1258", errors="replace") + b"\x81\x00",
        codecs.BOM_UTF16_LE + b"M\x00\x00\xd8",  # a lone surrogate
        b"Ma ho so,Kenh\n\x00\x01\x02,\x03\n",
        "Mã hồ sơ,Kênh\n".encode("utf-16-le")[:-1],  # cut in the middle of a character
    ],
)
def test_bytes_that_only_look_like_text_are_refused_by_name(data):
    with pytest.raises(ImportRejected, match=r"^Không đọc được tệp hs\.csv: tệp không phải"):
        read_table(data, "hs.csv")


def test_utf16_without_its_bom():
    text = "Mã hồ sơ\tKênh\nH1\tTrực tiếp\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        frame = read_table(text.encode(encoding), "hs.csv")
        assert list(frame.columns) == ["Mã hồ sơ", "Kênh"]
        assert frame["Kênh"].tolist() == ["Trực tiếp"]
