"""Writes the files of tests/data/imports: uploads as officials get them from Excel and the
one-stop systems (Windows-1258, UTF-16, semicolons, tabs, title rows above the header), and
one that is not text at all. Every byte is reproducible: run `python make_corpus.py` from
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


def title_rows_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    for row in XLSX_ROWS:
        sheet.append(row)
    sheet.merge_cells("A1:L1")
    sheet.merge_cells("A2:L2")
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
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(HERE / name)


if __name__ == "__main__":
    sys.exit(main())
