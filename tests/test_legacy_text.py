"""Text typed with the legacy TCVN3 (.VnTime) and VNI (VNI-Times) fonts: the tables against
the fixed phrases of official documents, detection that never touches Unicode or plain ASCII
text, and every import (dossiers, the catalogue, the work registers) converting such files
from tests/data/imports with a warning the user sees."""

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.base import legacy_text, sniff
from cchc.base.legacy_text import TCVN3, VNI, detect, fix, is_syllable, to_unicode
from cchc.base.tables import ImportRejected, read_header, read_table
from cchc.records.imports import import_records
from cchc.records.models import Task
from cchc.records.registry import REGISTERS
from cchc.registers.catalogue import HEADERS, import_procedures
from cchc.registers.imports import DOSSIER_COLUMNS, import_dossiers
from cchc.registers.mapping import import_file, read_headers
from cchc.registers.models import Dossier, ImportKind, Procedure
from tests.conftest import PASSWORD
from tests.test_read_files import CORPUS, corpus

# Typed by hand in each encoding (as Windows-1252 shows the bytes), with what they say.
TCVN3_PHRASES = {
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam": "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "§éc lËp - Tù do - H¹nh phóc": "Độc lập - Tự do - Hạnh phúc",
    "C¨n cø NghÞ ®Þnh sè 61/2018/N§-CP": "Căn cứ Nghị định số 61/2018/NĐ-CP",
    "Xin chµo tÊt c¶ mäi ng\u00adêi": "Xin chào tất cả mọi người",
    "Sè hå s¬ tiÕp nhËn trong kú": "Số hồ sơ tiếp nhận trong kỳ",
    "Uû ban nh©n d©n tØnh": "Uỷ ban nhân dân tỉnh",
}
VNI_PHRASES = {
    "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam": "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Ñoäc laäp - Töï do - Haïnh phuùc": "Độc lập - Tự do - Hạnh phúc",
    "Caên cöù Nghò ñònh soá 61/2018/NÑ-CP": "Căn cứ Nghị định số 61/2018/NĐ-CP",
    "Xin chaøo caùc baïn": "Xin chào các bạn",
    "Ngöôøi daân ñeán noäp hoà sô": "Người dân đến nộp hồ sơ",
    "Saün coù ôû Ñaø Naüng": "Sẵn có ở Đà Nẵng",
}
# Real report text (Unicode), lines without a letter outside Latin-1 included: the words the
# properties below draw from.
REPORT = """Thực hiện Kế hoạch số 02/KH-STTTT ngày 27/01/2022 của Sở Thông tin và Truyền thông
về cải cách hành chính năm 2022, đơn vị báo cáo kết quả như sau: tiếp nhận 1.245 hồ sơ,
giải quyết đúng hạn 1.230 hồ sơ, trễ hạn 15 hồ sơ; tỷ lệ hồ sơ trực tuyến toàn trình đạt
85%. Tình hình thực hiện các nhiệm vụ được giao: hoàn thành tốt công tác tuyên truyền,
kiểm tra tại các phòng ban; còn tồn tại, hạn chế về chuyển đổi số và số hóa kết quả.
Tôi là cán bộ một cửa; chị Lan hỏi về thủ tục cấp phép, anh Tâm và chú Tý cùng đi.
Mã TTHC Tên TTHC Kênh Có Không Tỉnh Huyện Xã Trực tiếp Bưu chính công ích Cá nhân"""
WORDS = sorted({word for word in REPORT.replace("\n", " ").split() if word.isalpha()})
TONE_FREE_LATIN1 = [w for w in WORDS if not legacy_text.is_unicode(w) and not w.isascii()]


def _from_unicode(text: str, kind: str) -> str:
    """The legacy form of `text`, with the inverse of the tables (for round trips only;
    the phrases above are typed by hand)."""
    table = legacy_text._table(kind)
    inverse = {letter: legacy for legacy, letter in sorted(table.items(), key=lambda i: len(i[0]))}
    if kind == VNI:
        inverse.update({"í": "í", "ì": "ì", "Í": "Í", "Ì": "Ì", "ỵ": "î", "Ỵ": "Î"})
    return "".join(inverse.get(char, char) for char in text)


@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_PHRASES.items())
def test_tcvn3_phrases(legacy, unicode):
    assert to_unicode(legacy, TCVN3) == unicode
    assert detect(legacy) == TCVN3


@pytest.mark.parametrize(("legacy", "unicode"), VNI_PHRASES.items())
def test_vni_phrases(legacy, unicode):
    assert to_unicode(legacy, VNI) == unicode
    assert detect(legacy) == VNI


def test_a_tcvn3_title_set_in_capitals_comes_out_in_capitals():
    """.VnTimeH draws the lower-case codes as capitals: a line of capitals stays so."""
    assert to_unicode("DANH S¸CH Hå S¬ TIÕP NHËN", TCVN3) == "DANH SÁCH HỒ SƠ TIẾP NHẬN"
    assert to_unicode("UBND tØnh", TCVN3) == "UBND tỉnh"
    assert to_unicode("Hå s¬", TCVN3) == "Hồ sơ"
    assert to_unicode("H402,TTHC,Cã", TCVN3) == "H402,TTHC,Có"  # cells, not capitals
    assert to_unicode("TTHC Cã", TCVN3) == "TTHC Có"  # an acronym is not a converted word


@given(st.text(alphabet=st.sampled_from([bytes([b]).decode("latin-1") for b in range(256)])))
def test_the_fast_tcvn3_path_gives_what_the_table_says(text):
    """Windows-1252 text goes through a charmap codec; anything else through the table."""
    expected = text.translate(legacy_text._tcvn3_translation())
    assert legacy_text._tcvn3_letters(text) == expected
    assert legacy_text._tcvn3_letters(text + "ơ") == expected + "ơ"


@pytest.mark.parametrize(
    ("font", "kind"),
    [
        (".VnTime", TCVN3),
        (".VnArialH", TCVN3),
        ("ABCDEF+.VnTimeH", TCVN3),
        ("VNI-Times", VNI),
        ("vni-helve", VNI),
        ("Times New Roman", None),
        ("Arial", None),
    ],
)
def test_the_font_names_the_encoding(font, kind):
    assert legacy_text.font_encoding(font) == kind


def test_the_tables_cover_every_vietnamese_letter():
    letters = {
        unicodedata.normalize("NFC", base + mark)
        for base in "aăâeêioôơuưy"
        for mark in ["", *legacy_text.TONES]
    }
    letters -= set("aeiouy")
    letters |= {"đ"}
    tcvn3 = set(legacy_text._table(TCVN3).values())
    vni = set(legacy_text._table(VNI).values()) | {"í", "ì", "Í", "Ì"}
    assert letters <= tcvn3  # lower case: TCVN3 has no toned capitals
    assert letters | {letter.upper() for letter in letters} <= vni
    assert all(len(key) == 1 and 0xA1 <= ord(key) <= 0xFE for key in legacy_text._table(TCVN3))
    assert all(key.encode("cp1252") for key in legacy_text._table(VNI))  # Windows-1252 text


def test_a_round_trip_through_each_table():
    text = "Tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính của Sở Tư pháp"
    for kind in (TCVN3, VNI):
        legacy = _from_unicode(text, kind)
        assert legacy != text and not legacy_text.is_unicode(legacy)
        assert fix(legacy) == (text, kind)


def test_the_report_is_unicode_line_by_line():
    for line in REPORT.splitlines():
        assert all(is_syllable(w) for w in line.split() if w.isalpha() and not w.isupper())
        assert fix(line) == (line, None)
    assert len(TONE_FREE_LATIN1) > 10  # "Tình", "Tôi", "Có": the words a table could change


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.sampled_from([" ", ", "]))
def test_unicode_vietnamese_is_never_changed(words, separator):
    text = separator.join(words)
    assert detect(text) is None
    assert fix(text) == (text, None)


@given(st.lists(st.sampled_from(TONE_FREE_LATIN1), min_size=1, max_size=40))
def test_vietnamese_that_a_table_could_change_is_never_taken_for_legacy(words):
    text = " ".join(words)
    assert detect(text) is None
    assert detect(text.upper()) is None


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_is_never_changed(text):
    assert detect(text) is None
    assert to_unicode(text, TCVN3) == text and to_unicode(text, VNI) == text


@given(st.lists(st.text(), min_size=1, max_size=5), st.sampled_from(["ơ", "ư", "đ", "ạ", "ồ"]))
def test_a_line_with_a_letter_only_unicode_has_is_never_converted(lines, letter):
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") + letter for line in lines)
    assert to_unicode(text, TCVN3) == text and to_unicode(text, VNI) == text


@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]),
)
def test_a_unicode_file_in_any_encoding_is_never_converted(rows, encoding):
    text = "".join(
        ",".join(" ".join(words) for words in rows[i : i + 2]) + "\r\n"
        for i in range(0, len(rows), 2)
    )
    data = corpus.to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    layout = sniff.csv_layout(data, "x.csv")
    assert layout.legacy is None
    assert layout.data.decode("utf-8") == text


def test_signs_are_not_legacy_letters():
    assert detect("Dien tich 5 × 3 m · 2 × 4 m · 6 × 2 m") is None
    assert detect("Tình hình 5 × 3 · Tôi là ai · 1 × 2") is None


def test_only_old_lines_are_converted():
    text = "Mã hồ sơ;Tên TTHC\nH1;CÊp giÊy phÐp b\u00adu chÝnh\n"
    assert to_unicode(text, TCVN3) == "Mã hồ sơ;Tên TTHC\nH1;Cấp giấy phép bưu chính\n"
    assert detect(text) == TCVN3


# The corpus, through every import


@pytest.fixture
def unit(province):
    return province["ST-STTTT"]


def test_a_tcvn3_dossier_csv_in_windows_1252(unit):
    path = CORPUS / "ho_so_tcvn3.csv"
    data = path.read_bytes()
    assert data.decode("cp1252") == corpus.tcvn3_csv().decode("cp1252")
    assert sniff.csv_layout(data, path.name).legacy == TCVN3
    frame = read_table(path, path.name, DOSSIER_COLUMNS)
    assert list(frame.columns) == corpus.DOSSIER_HEADER
    assert frame.attrs["header_row"] == 2  # the title row above, read right too
    assert frame["Kênh"].tolist() == corpus.LEGACY_DOSSIER_CHANNELS
    assert read_headers(data, path.name, ImportKind.DOSSIERS) == corpus.DOSSIER_HEADER
    import_procedures(CORPUS / "tthc_tab.csv", "tthc_tab.csv", unit)
    result = import_dossiers(path, path.name, unit)
    assert result.created == 3 and not result.skipped
    assert result.warnings == [
        "Tệp ho_so_tcvn3.csv được gõ bằng bảng mã TCVN3 (ABC) cũ; cchc đã chuyển sang Unicode "
        "— xin kiểm tra lại tên cột và nội dung."
    ]
    assert Dossier.objects.get(code="H403").channel == "postal"
    assert Dossier.objects.get(code="H401").received_at.year == 2022  # "01/07/22 09:00"
    assert Dossier.objects.get(code="H402").fee_due is True  # "Cã"


def test_a_tcvn3_file_read_whole_says_so_too(unit):
    """read_table (the mapping page, XLSX dossiers) passes the warning on as the CSV
    reader does."""
    frame = read_table(CORPUS / "ho_so_tcvn3.csv", "ho_so_tcvn3.csv", DOSSIER_COLUMNS)
    assert frame.iloc[0, 0] == "H401"
    assert frame.attrs["warnings"][0].startswith("Tệp ho_so_tcvn3.csv được gõ bằng bảng mã TCVN3")


def test_a_genuine_windows_1258_file_is_not_taken_for_legacy():
    path = CORPUS / "ho_so_windows1258.csv"
    assert sniff.csv_layout(path.read_bytes(), path.name).legacy is None
    assert read_table(path, path.name).attrs["warnings"] == []


def test_a_vni_task_register(unit):
    path = CORPUS / "nhiem_vu_vni.csv"
    result = import_records(REGISTERS["tasks"], path, path.name, unit)
    assert result.created == 3 and not result.skipped
    assert result.warnings[0] == (
        "Tệp nhiem_vu_vni.csv được gõ bằng bảng mã VNI cũ; cchc đã chuyển sang Unicode — xin "
        "kiểm tra lại tên cột và nội dung."
    )
    assert list(read_table(path, path.name).columns) == corpus.VNI_TASK_UNICODE["headers"]
    tasks = Task.objects.filter(unit=unit).order_by("pk")
    assert [t.content for t in tasks] == corpus.VNI_TASK_UNICODE["contents"]
    assert [t.note for t in tasks] == corpus.VNI_TASK_UNICODE["notes"]
    assert tasks[0].source_document == "Kế hoạch số 02/KH-STTTT ngày 27/01/2022"


@pytest.mark.parametrize("name", ["tthc_tcvn3.xlsx", "tthc_tcvn3_utf8.csv"])
def test_a_tcvn3_catalogue_below_a_unicode_header(unit, name):
    """An XLSX whose cells are .VnTime text, and the same saved as "CSV UTF-8": the header
    retyped in Unicode stays as it is, the old rows are converted."""
    path = CORPUS / name
    assert read_header(path, name, HEADERS) == corpus.TCVN3_CATALOGUE_ROWS[0]
    result = import_procedures(path, name, unit)
    assert result.created == 3 and not result.skipped
    assert "bảng mã TCVN3 (ABC) cũ" in result.warnings[0]
    procedures = Procedure.objects.filter(unit=unit).order_by("name")
    assert sorted(p.name for p in procedures) == sorted(corpus.TCVN3_CATALOGUE_NAMES)
    postal = Procedure.objects.get(unit=unit, code="1.004567")
    assert (postal.field, postal.level, postal.online_level, postal.postal) == (
        "Bưu chính",
        "Tỉnh",
        "full",
        True,
    )
    assert Procedure.objects.get(unit=unit, code="1.001234").time_unit == "calendar"


def test_the_catalogue_through_the_dossiers_page_import(unit):
    data = (CORPUS / "tthc_tcvn3.xlsx").read_bytes()
    result = import_file(data, "tthc_tcvn3.xlsx", unit, ImportKind.PROCEDURES)
    assert result.created == 3 and "TCVN3" in result.warnings[0]


def test_the_warning_reaches_the_register_page(client, unit, reporter):
    client.login(username=reporter.username, password=PASSWORD)
    upload = io.BytesIO((CORPUS / "nhiem_vu_vni.csv").read_bytes())
    upload.name = "nhiem_vu_vni.csv"
    url = "/units/ST-STTTT/records/tasks/import/"
    page = client.post(url, {"file": upload, "period": "Q3-2022"}, follow=True).content.decode()
    assert "Đã nhập 3 mới, cập nhật 0." in page
    assert (
        "Lưu ý — Tệp nhiem_vu_vni.csv được gõ bằng bảng mã VNI cũ; cchc đã chuyển sang Unicode"
        in page
    )
    assert "cũng nhận dd/mm/yy" in page and "bảng mã TCVN3 hoặc VNI cũ" in page  # the hint


def test_the_warning_reaches_the_dossiers_page(client, unit, reporter):
    from django.urls import reverse

    client.login(username=reporter.username, password=PASSWORD)
    upload = io.BytesIO((CORPUS / "tthc_tcvn3.xlsx").read_bytes())
    upload.name = "tthc_tcvn3.xlsx"
    url = reverse("upload_procedures", args=["ST-STTTT"])
    page = client.post(url, {"file": upload, "mode": "all"}, follow=True).content.decode()
    assert "Lưu ý — Tệp tthc_tcvn3.xlsx được gõ bằng bảng mã TCVN3 (ABC) cũ" in page


def test_a_refused_legacy_file_says_it_was_converted(unit):
    """The rows named read as converted, so the refusal says the file was converted."""
    data = corpus.vni_csv().replace(b"44834", b"31/02/2022")
    with pytest.raises(ImportRejected) as rejected:
        import_records(REGISTERS["tasks"], data, "nv.csv", unit)
    assert str(rejected.value).endswith(
        "Tệp nv.csv được gõ bằng bảng mã VNI cũ; cchc đã chuyển sang Unicode — xin kiểm tra "
        "lại tên cột và nội dung."
    )
    assert [str(e) for e in rejected.value.errors] == [
        "Dòng 3, cột «Hạn hoàn thành»: '31/02/2022' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
    ]
    catalogue = corpus.tcvn3_utf8_csv().replace("Toµn tr×nh".encode(), "Møc 9".encode())
    with pytest.raises(ImportRejected) as rejected:
        import_procedures(catalogue, "tthc.csv", unit)
    assert "Tệp tthc.csv được gõ bằng bảng mã TCVN3 (ABC) cũ" in str(rejected.value)
    assert "'Mức 9' không hợp lệ" in str(rejected.value.errors[0])
    dossiers = corpus.tcvn3_csv().replace("Trùc tiÕp".encode("cp1252"), b"Fax")
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(dossiers, "hs.csv", unit)
    assert "Tệp hs.csv được gõ bằng bảng mã TCVN3 (ABC) cũ" in str(rejected.value)


def test_a_tcvn3_export_through_a_column_mapping(unit):
    """The mapping page reads the file as read_table does: the converted names are guessed,
    and the import that follows still warns."""
    from cchc.registers.mapping import guess_mapping, is_standard

    data = corpus.tcvn3_csv().replace("Kªnh".encode("cp1252"), "H×nh thøc nép".encode("cp1252"))
    headers = read_headers(data, "hs.csv", ImportKind.DOSSIERS)
    assert "Hình thức nộp" in headers and not is_standard(headers, ImportKind.DOSSIERS)
    mapping = guess_mapping(headers, ImportKind.DOSSIERS)
    assert mapping["Kênh"] == "Hình thức nộp"
    import_procedures(CORPUS / "tthc_tab.csv", "tthc_tab.csv", unit)
    result = import_file(data, "hs.csv", unit, ImportKind.DOSSIERS, mapping)
    assert result.created == 3
    assert result.warnings[0].startswith("Tệp hs.csv được gõ bằng bảng mã TCVN3 (ABC) cũ")


def test_the_mapping_pages_preview_shows_an_xlsx_as_the_import_reads_it():
    from cchc.registers.mapping import first_rows

    rows = first_rows((CORPUS / "tthc_tcvn3.xlsx").read_bytes(), "tthc_tcvn3.xlsx")
    assert rows[1][1:3] == ["Cấp giấy phép bưu chính", "Bưu chính"]
    assert rows[0][0] == "Mã TTHC"  # the Unicode header row is left as it is
