"""Writes the files of tests/data/imports: uploads as officials get them from Excel and the
one-stop systems (Windows-1258, UTF-16, semicolons, tabs, title rows above the header, text
typed with the legacy TCVN3 and VNI fonts, dates as Excel keeps them), and one that is not
text at all. Every byte is reproducible: run `python make_corpus.py` from
anywhere and the files come out the same; tests/test_read_files.py checks they do.

Each file's rows are plain strings here, so a test can say which row of the file is which."""

from __future__ import annotations

import codecs
import datetime
import io
import random
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2022, 10, 1, 8, 0, 0)
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below

DOSSIER_HEADER = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Số lần yêu cầu bổ sung",
    "Ngày yêu cầu bổ sung",
    "Ngày bổ sung đủ",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Trạng thái",
    "Có phí, lệ phí",
]
# Row 1 is a title, row 2 the header: what "Save as CSV" gives for a report sheet.
WINDOWS_1258_ROWS = [
    ["DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ III/2022 - SỞ THÔNG TIN VÀ TRUYỀN THÔNG"] + [""] * 11,
    DOSSIER_HEADER,
    ["H101", "1.004567", "Trực tuyến", "01/07/2022 09:00", "15/07/2022"]
    + ["0", "", "", "12/07/2022", "13/07/2022", "10", "Không"],
    ["H102", "1.004567", "Trực tiếp", "10/08/2022 10:00", "24/08/2022"]
    + ["0", "", "", "", "", "4", "Có"],
    ["H103", "1.001234", "Qua mạng", "11/08/2022 14:30", "22/08/2022"]
    + ["0", "", "", "", "", "4", ""],
]
# Vietnamese-locale Excel: semicolons (the header "Có phí, lệ phí" holds a comma), UTF-8
# with BOM ("CSV UTF-8"), a blank line among the rows.
SEMICOLON_ROWS = [
    DOSSIER_HEADER,
    ["H201", "1.004567", "Bưu chính", "04/07/2022 08:15", "18/07/2022"]
    + ["1", "05/07/2022 09:00", "06/07/2022 10:00", "15/07/2022", "18/07/2022", "10", "50.000"],
    [""] * 12,
    ["H202", "1.001234", "Trực tuyến", "05/07/2022 07:45", "14/07/2022"]
    + ["0", "", "", "13/07/2022", "13/07/2022", "10", "Không"],
    ["H203", "1.001234", "Trực tuyến", "32/07/2022 07:45", "14/07/2022"]
    + ["0", "", "", "", "", "4", "Không"],
]
# The TTHC catalogue as tab-separated text.
CATALOGUE_ROWS = [
    ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện", "Mức độ DVC"]
    + ["Thời hạn giải quyết", "Đơn vị thời hạn"],
    ["1.004567", "Cấp giấy phép bưu chính", "Bưu chính", "Tỉnh", "Toàn trình"]
    + ["10", "ngày làm việc"],
    ["1.001234", "Cấp giấy phép xuất bản bản tin", "Báo chí", "Tỉnh", "Một phần", "7", "ngày"],
]
# Excel's "Unicode Text": UTF-16 LE with BOM, tab-separated; a title row, then the tasks.
UTF16_ROWS = [
    ["THEO DÕI NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2022", "", "", "", "", "", ""],
    ["Loại nhiệm vụ", "Nội dung nhiệm vụ", "Văn bản giao", "Ngày giao"]
    + ["Hạn hoàn thành", "Ngày hoàn thành", "Ghi chú"],
    ["Kế hoạch", "Ban hành Kế hoạch CCHC năm 2022", "Kế hoạch số 02/KH-STTTT ngày 27/01/2022"]
    + ["27/01/2022", "31/01/2022", "27/01/2022", ""],
    ["UBND tỉnh giao", "Triển khai chuyển đổi số", "Kế hoạch số 182/KH-UBND ngày 28/12/2021"]
    + ["28/12/2021", "31/08/2022", "", "đang chờ ý kiến các sở"],
    ["Kế hoạch", "Kiểm tra CCHC các phòng", "", "27/01/2022", "30/02/2022", "", ""],
]
# A sheet with two title rows and a blank one above the header (row 4).
XLSX_ROWS: list[list[object]] = [
    ["ỦY BAN NHÂN DÂN TỈNH SƠN TÂY"],
    ["BÁO CÁO HỒ SƠ TIẾP NHẬN THÁNG 7/2022"],
    [],
    DOSSIER_HEADER,
    ["H301", "1.004567", "Trực tuyến", "06/07/2022 09:00", "20/07/2022"]
    + [0, "", "", "19/07/2022", "19/07/2022", 10, "Có"],
    ["H302", "1.001234", "Trực tiếp", "07/07/2022 15:00", "18/07/2022"]
    + [0, "", "", "", "", 4, "Không"],
    ["H303", "", "Trực tiếp", "08/07/2022 15:00", "19/07/2022", 0, "", "", "", "", 4, ""],
]

# Typed with the .VnTime font (TCVN3, "ABC"): the characters Windows-1252 shows for its bytes,
# written here by hand; LEGACY_DOSSIER_UNICODE is what they say.
TCVN3_DOSSIER_ROWS = [
    ["Danh s¸ch hå s¬ tiÕp nhËn quý III/2022 - Së Th«ng tin vµ TruyÒn th«ng"] + [""] * 11,
    [
        "M· hå s¬",
        "M· TTHC",
        "Kªnh",
        "Ngµy tiÕp nhËn",
        "Ngµy hÑn tr¶",
        "Sè lÇn yªu cÇu bæ sung",
        "Ngµy yªu cÇu bæ sung",
        "Ngµy bæ sung ®ñ",
        "Ngµy cã kÕt qu¶",
        "Ngµy tr¶ kÕt qu¶",
        "Tr¹ng th¸i",
        "Cã phÝ, lÖ phÝ",
    ],
    ["H401", "1.004567", "Trùc tuyÕn", "01/07/22 09:00", "15/07/2022"]
    + ["0", "", "", "12/07/2022", "13/07/2022", "10", "Kh«ng"],
    ["H402", "1.004567", "Trùc tiÕp", "10/08/2022 10:00", "24/08/2022"]
    + ["0", "", "", "", "", "4", "Cã"],
    ["H403", "1.001234", "B\u00adu chÝnh", "11/08/2022 14:30", "22/08/2022"]
    + ["0", "", "", "", "", "4", ""],
]
LEGACY_DOSSIER_TITLE = "Danh sách hồ sơ tiếp nhận quý III/2022 - Sở Thông tin và Truyền thông"
LEGACY_DOSSIER_CHANNELS = ["Trực tuyến", "Trực tiếp", "Bưu chính"]
# The task register typed with VNI-Times: a toned letter is its base letter and a mark.
VNI_TASK_ROWS = [
    ["Loaïi nhieäm vuï", "Noäi dung nhieäm vuï", "Vaên baûn giao", "Ngaøy giao"]
    + ["Haïn hoaøn thaønh", "Ngaøy hoaøn thaønh", "Ghi chuù"],
    ["Keá hoaïch", "Ban haønh Keá hoaïch CCHC naêm 2022"]
    + ["Keá hoaïch soá 02/KH-STTTT ngaøy 27/01/2022", "27/01/22", "31/03/22", "08/03/2022", ""],
    ["UBND tænh giao", "Trieån khai chuyeån ñoåi soá", "", "28/12/2021 08:30", "44834", ""]
    + ["ñang chôø yù kieán caùc sôû"],
    ["Keá hoaïch", "Tuyeân truyeàn caûi caùch haønh chính", "", "01/03/2022", "30/06/2022"]
    + ["15/02/2022", "Ñaõ laøm tröôùc khi coù keá hoaïch"],
]
VNI_TASK_UNICODE = {
    "headers": [
        "Loại nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Văn bản giao",
        "Ngày giao",
        "Hạn hoàn thành",
        "Ngày hoàn thành",
        "Ghi chú",
    ],
    "contents": [
        "Ban hành Kế hoạch CCHC năm 2022",
        "Triển khai chuyển đổi số",
        "Tuyên truyền cải cách hành chính",
    ],
    "notes": ["", "đang chờ ý kiến các sở", "Đã làm trước khi có kế hoạch"],
}
# A catalogue sheet whose header was retyped in Unicode above rows typed with .VnTime.
TCVN3_CATALOGUE_ROWS = [
    ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện", "Mức độ DVC"]
    + ["Thời hạn giải quyết", "Đơn vị thời hạn", "Phí, lệ phí", "Bưu chính công ích"],
    ["1.004567", "CÊp giÊy phÐp b\u00adu chÝnh", "B\u00adu chÝnh", "TØnh", "Toµn tr×nh"]
    + ["10", "ngµy lµm viÖc", "", "Cã"],
    ["1.001234", "CÊp giÊy phÐp xuÊt b¶n b¶n tin", "B¸o chÝ", "TØnh", "Mét phÇn", "7"]
    + ["ngµy", "", "Kh«ng"],
    ["1.003000", "CÊp giÊy phÐp thiÕt lËp trang th«ng tin ®iÖn tö tæng hîp"]
    + ["Th«ng tin ®iÖn tö", "TØnh", "Mét phÇn", "10", "ngµy lµm viÖc", "", "Kh«ng"],
]
TCVN3_CATALOGUE_NAMES = [
    "Cấp giấy phép bưu chính",
    "Cấp giấy phép xuất bản bản tin",
    "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
]
# Tasks with a date left as "chưa rõ" in 37 rows, two deadlines before their assignment and
# one good row: the errors come grouped by column and value.
BAD_DATE_TASK_ROWS = [
    ["Loại nhiệm vụ", "Nội dung nhiệm vụ", "Văn bản giao", "Ngày giao"]
    + ["Hạn hoàn thành", "Ngày hoàn thành", "Ghi chú"],
    *(
        ["Kế hoạch", f"Rà soát thủ tục hành chính đợt {n}", "", "chưa rõ", "31/12/2022", "", ""]
        for n in range(1, 38)
    ),
    ["Kế hoạch", "Số hóa hồ sơ", "", "15/03/2022", "01/03/2022", "", ""],
    ["UBND tỉnh giao", "Báo cáo chuyển đổi số", "", "20/05/2022", "19/05/2022", "", ""],
    ["Kế hoạch", "Kiểm tra công vụ", "", "01/02/2022", "30/04/2022", "28/04/2022", ""],
]
# Feedback as an Excel sheet keeps dates: date cells, a serial number left unformatted, a
# date with a time; one handled before it was received, one received "in 2049".
FEEDBACK_XLSX_ROWS: list[list[object]] = [
    ["Ngày tiếp nhận", "Kênh tiếp nhận", "Cá nhân, tổ chức phản ánh", "Nội dung"]
    + ["Ngày giải quyết xong", "Văn bản trả lời"],
    [datetime.datetime(2022, 7, 5), "Tổng đài 1022", "Nguyễn Văn A", "Hỏi thủ tục cấp phép"]
    + [datetime.datetime(2022, 7, 12), "Công văn 1203/STTTT"],
    [44757, "Cổng DVC", "Trần Thị B", "Phản ánh chậm trả kết quả", 44760, ""],
    ["20/07/2022 09:15", "Văn bản", "Công ty C", "Kiến nghị sửa quy định", "18/07/2022", ""],
    ["02/01/2049", "Email", "Lê Văn D", "Hỏi lệ phí", "", ""],
]


# A department's own task list, saved from Excel as CSV in Windows-1258 with semicolons: a
# title row, its own column names, its own words for the kind of task ("Tỉnh giao").
OWN_HEADER_TASK_ROWS = [
    ["KẾ HOẠCH CCHC NĂM 2022 - DANH MỤC NHIỆM VỤ", "", "", "", "", ""],
    ["STT", "Nhiệm vụ", "Phân loại nhiệm vụ", "Căn cứ", "Thời hạn", "Ngày xong"],
    ["1", "Ban hành Kế hoạch kiểm tra CCHC năm 2022", "Kế hoạch", "KH 02/KH-STTTT", "31/03/22"]
    + ["08/03/22"],
    ["2", "Triển khai Kế hoạch ứng dụng CNTT", "Tỉnh giao", "KH 182/KH-UBND", "30/06/2022", ""],
    ["3", "Rà soát TTHC lĩnh vực bưu chính", "Tỉnh giao", "CV 15/UBND", "30/09/2022"]
    + ["20/09/2022"],
]
# The document-management system's export of outgoing documents: a title row above the
# header, its own column names, "Đã ký" / "Chưa ký" for the digital signature, dates as Excel
# keeps them.
OWN_HEADER_DOCUMENT_ROWS: list[list[object]] = [
    ["SỔ VĂN BẢN ĐI - XUẤT TỪ HỆ THỐNG QUẢN LÝ VĂN BẢN", "", "", "", ""],
    ["Số ký hiệu", "Ngày ký", "Trích yếu nội dung", "Hình thức phát hành", "Chữ ký số"],
    ["174/BC-STTTT", datetime.datetime(2022, 9, 15), "Báo cáo CCHC quý III năm 2022"]
    + ["Hoàn toàn điện tử", "Đã ký"],
    ["175/BC-STTTT", datetime.datetime(2022, 9, 16), "Báo cáo kết quả tháng 9"]
    + ["Bản giấy", "Chưa ký"],
]


def to_cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese in its code page 1258: letters it has whole (â, ơ, đ, à)
    as one byte, other toned letters as the letter and a combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(mark for mark in parts if mark in TONE_MARKS)
            letter = "".join(mark for mark in parts if mark not in TONE_MARKS)
            out += (unicodedata.normalize("NFC", letter) + tones).encode("cp1258")
    return bytes(out)


def _lines(rows: list[list[str]], separator: str) -> str:
    out = io.StringIO()
    for row in rows:
        cells = [f'"{cell}"' if separator in cell else cell for cell in row]
        out.write(separator.join(cells) + "\r\n")
    return out.getvalue()


def windows_1258_csv() -> bytes:
    return to_cp1258(_lines(WINDOWS_1258_ROWS, ","))


def semicolon_csv() -> bytes:
    return codecs.BOM_UTF8 + _lines(SEMICOLON_ROWS, ";").encode("utf-8")


def tab_csv() -> bytes:
    return _lines(CATALOGUE_ROWS, "\t").encode("utf-8")


def utf16_csv() -> bytes:
    return _lines(UTF16_ROWS, "\t").encode("utf-16")  # a BOM, then little-endian


def tcvn3_csv() -> bytes:
    """Saved as "CSV (Comma delimited)" on a Windows set up for Western languages: the
    .VnTime characters as Windows-1252 bytes."""
    return _lines(TCVN3_DOSSIER_ROWS, ",").encode("cp1252")


def vni_csv() -> bytes:
    return _lines(VNI_TASK_ROWS, ";").encode("cp1252")


def tcvn3_utf8_csv() -> bytes:
    """The same .VnTime text saved as "CSV UTF-8": the legacy characters, in UTF-8."""
    return codecs.BOM_UTF8 + _lines(TCVN3_CATALOGUE_ROWS, ",").encode("utf-8")


def bad_dates_csv() -> bytes:
    return _lines(BAD_DATE_TASK_ROWS, ",").encode("utf-8")


def own_header_tasks_csv() -> bytes:
    return to_cp1258(_lines(OWN_HEADER_TASK_ROWS, ";"))


def own_header_documents_xlsx() -> bytes:
    return _workbook("Văn bản đi", OWN_HEADER_DOCUMENT_ROWS, ["A1:E1"])


def title_rows_xlsx() -> bytes:
    return _workbook("Hồ sơ", XLSX_ROWS, ["A1:L1", "A2:L2"])


def tcvn3_xlsx() -> bytes:
    return _workbook("Danh mục", TCVN3_CATALOGUE_ROWS)


def feedback_xlsx() -> bytes:
    return _workbook("Phản ánh", FEEDBACK_XLSX_ROWS)


def _workbook(title: str, rows: list[list[object]], merged: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merged or []:
        sheet.merge_cells(cells)
    book.properties.creator = "cchc"
    book.properties.created = book.properties.modified = datetime.datetime(*ZIP_TIME)
    written = io.BytesIO()
    book.save(written)
    # openpyxl stamps the zip entries and the "modified" property with the time of writing:
    # restamp them (and store the entries uncompressed, the same whatever zlib does).
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(written.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for name in source.namelist():
            content = source.read(name)
            if name == "docProps/core.xml":
                content = re.sub(
                    rb">[0-9T:-]+Z</dcterms:modified>",
                    b">2022-10-01T08:00:00Z</dcterms:modified>",
                    content,
                )
            target.writestr(zipfile.ZipInfo(name, ZIP_TIME), content)
    return out.getvalue()


def not_text_csv() -> bytes:
    """An old .xls (OLE2) renamed .csv: its signature, then bytes of no text encoding."""
    signature = bytes.fromhex("d0cf11e0a1b11ae1")
    return signature + random.Random(11).randbytes(2048)


FILES: dict[str, Callable[[], bytes]] = {
    "ho_so_windows1258.csv": windows_1258_csv,
    "ho_so_cham_phay_bom.csv": semicolon_csv,
    "tthc_tab.csv": tab_csv,
    "nhiem_vu_utf16.csv": utf16_csv,
    "ho_so_dong_tieu_de.xlsx": title_rows_xlsx,
    "khong_phai_van_ban.csv": not_text_csv,
    "ho_so_tcvn3.csv": tcvn3_csv,
    "nhiem_vu_vni.csv": vni_csv,
    "tthc_tcvn3_utf8.csv": tcvn3_utf8_csv,
    "tthc_tcvn3.xlsx": tcvn3_xlsx,
    "nhiem_vu_loi_ngay.csv": bad_dates_csv,
    "phan_anh_ngay.xlsx": feedback_xlsx,
    "nhiem_vu_cot_khac.csv": own_header_tasks_csv,
    "van_ban_di_cot_khac.xlsx": own_header_documents_xlsx,
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(HERE / name)


if __name__ == "__main__":
    sys.exit(main())
