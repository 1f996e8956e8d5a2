"""In a real headless Chromium, the mapping page's steps on an export whose title rows fool
the search for its header: the header row picked from the preview, the columns chosen, a
status word mapped to its DVCQG code, a refused import's rows downloaded, then the import."""

import io
import os

import openpyxl
import pytest
from playwright.sync_api import expect

from cchc.registers.catalogue import import_procedures
from cchc.registers.models import ColumnMapping, Dossier
from tests.test_browser import login
from tests.test_dossier_import import CATALOGUE
from tests.test_mapping_steps import MISLEADING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_header_row_columns_values_import(live_server, browser, reporter, province, tmp_path):
    import_procedures(CATALOGUE.encode(), "tthc.csv", province["ST-STTTT"])
    export = tmp_path / "motcua-huyen.csv"
    export.write_text(MISLEADING, encoding="utf-8")
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/units/ST-STTTT/dossiers/?period=Q3-2022")
    upload = page.locator("form[action$='/dossiers/import/']")
    upload.locator("input[type=file]").set_input_files(str(export))
    upload.locator("button[type=submit]").click()

    # The search took the unit's line for the header; row 3 is picked from the preview.
    expect(page.locator("#header-row h2")).to_have_text("Dòng tiêu đề: dòng 2")
    expect(page.locator("#preview tr.header-row")).to_contain_text("Sở TTTT")
    page.get_by_role("button", name="Chọn dòng 3 làm dòng tiêu đề").click()
    expect(page.locator("#header-row h2")).to_have_text("Dòng tiêu đề: dòng 3")
    expect(page.locator("#preview tr.title-row")).to_have_count(2)
    for standard, source in [
        ("Mã hồ sơ", "SoHS"),
        ("Mã TTHC", "MaTT"),
        ("Kênh", "KenhNop"),
        ("Ngày tiếp nhận", "NgayNhan"),
        ("Trạng thái", "TinhTrang"),
    ]:
        page.get_by_label(standard, exact=True).select_option(source)
    page.get_by_role("button", name="Tiếp tục: kiểm tra giá trị").click()

    # What cchc reads itself is shown; "Xong" and "Nộp qua Zalo" are asked for.
    status = page.locator("section.coded[data-column='Trạng thái']")
    expect(status.locator("tr.understood")).to_contain_text(
        ["4 · Đang xử lý", "10 · Đã trả kết quả"]
    )
    status.get_by_label("Xong").select_option(label="9 · Đã xử lý xong")
    page.get_by_label("Lưu cách ghép cột cho nguồn dữ liệu").fill("Một cửa huyện")
    page.get_by_role("button", name="Nhập với cách ghép này và lưu").click()

    # The channel was left: the file is refused, its row offered as an XLSX with the reason.
    expect(page.locator(".messages")).to_contain_text(
        "Dòng 5, cột «KenhNop»: kênh 'Nộp qua Zalo' không hợp lệ"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải các dòng bị từ chối (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == (5, "M002", "1.004567", "Nộp qua Zalo")
    assert not Dossier.objects.exists() and not ColumnMapping.objects.exists()

    channel = page.locator("section.coded[data-column='Kênh']")
    channel.get_by_label("Nộp qua Zalo").select_option(label="Trực tuyến")
    page.get_by_role("button", name="Nhập với cách ghép này và lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhập 3 mới")
    expect(page.locator(".messages")).to_contain_text(
        "Đã lưu cách ghép cột cho nguồn «Một cửa huyện»"
    )
    saved = ColumnMapping.objects.get(name="Một cửa huyện")
    assert saved.header_row == 3
    assert saved.values == {"Trạng thái": {"xong": "9"}, "Kênh": {"nop qua zalo": "online"}}
    assert Dossier.objects.get(code="M002").channel == "online"
    page.close()
