"""In a real headless Chromium: a reporter imports a one-stop export whose columns are not
the standard ones through the column-mapping page, then enters a citizen feedback in the work
registers and sees its 15-working-day deadline across Tết."""

import os

import pytest
from playwright.sync_api import expect

from cchc.records.models import Feedback
from cchc.registers.catalogue import import_procedures
from cchc.registers.models import ColumnMapping, Dossier
from tests.test_browser import login
from tests.test_dossier_import import CATALOGUE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

EXPORT = """STT;Số hồ sơ;Mã thủ tục;Hình thức nộp;Ngày nhận;Hạn xử lý;Ngày hoàn thành
1;HS-01;1.004567;Trực tuyến;01/07/2022 09:00;15/07/2022;12/07/2022
2;HS-02;1.004567;Trực tiếp;04/07/2022 16:30;;
"""


def test_mapping_page_then_feedback_register(live_server, browser, reporter, province, tmp_path):
    import_procedures(CATALOGUE.encode(), "tthc.csv", province["ST-STTTT"])
    export = tmp_path / "motcua.csv"
    export.write_text(EXPORT.replace(";", ","), encoding="utf-8")
    page = browser.new_page()
    login(page, live_server.url, reporter.username)

    page.goto(f"{live_server.url}/units/ST-STTTT/dossiers/?period=Q3-2022")
    upload = page.locator("form[action$='/dossiers/import/']")
    upload.locator("input[type=file]").set_input_files(str(export))
    upload.locator("button[type=submit]").click()

    # The mapping page guessed every column from its Vietnamese name and shows samples.
    expect(page.locator("h1")).to_contain_text("Ghép cột")
    code = page.get_by_label("Mã hồ sơ", exact=True)
    expect(code).to_have_value("Số hồ sơ")
    expect(page.get_by_label("Kênh", exact=True)).to_have_value("Hình thức nộp")
    expect(page.get_by_label("Ngày hẹn trả", exact=True)).to_have_value("Hạn xử lý")
    sample = page.locator(f".sample[data-for='{code.get_attribute('id')}']")
    expect(sample).to_contain_text("HS-01")
    code.select_option("STT")  # the sample follows the choice…
    expect(sample).to_contain_text("1 · 2")
    code.select_option("Số hồ sơ")  # …and back
    page.get_by_role("button", name="Tiếp tục: kiểm tra giá trị").click()
    # Every channel is one cchc reads itself.
    expect(page.locator("section.coded")).to_contain_text("Trực tuyến")
    expect(page.locator("tr.unknown")).to_have_count(0)
    page.get_by_label("Lưu cách ghép cột cho nguồn dữ liệu").fill("Một cửa điện tử tỉnh")
    page.get_by_role("button", name="Nhập với cách ghép này và lưu").click()

    expect(page.locator(".messages")).to_contain_text("Đã nhập 2 mới")
    expect(page.locator("#stats")).to_be_visible()
    assert set(Dossier.objects.values_list("code", flat=True)) == {"HS-01", "HS-02"}
    assert ColumnMapping.objects.get(name="Một cửa điện tử tỉnh").columns["Kênh"] == "Hình thức nộp"

    # A feedback received the Monday before Tết 2023 is due 15 working days later, after
    # the nine days off (20–26/01/2023 and the weekends around them).
    page.goto(f"{live_server.url}/units/ST-STTTT/records/feedback/new/?period=Q1-2023")
    page.get_by_label("Ngày tiếp nhận").fill("16/01/2023")
    page.get_by_label("Kênh tiếp nhận").select_option(label="Tổng đài 1022")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Chậm trả kết quả cấp giấy phép")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("table").last).to_contain_text("13/02/2023")
    assert Feedback.objects.get().due_on.isoformat() == "2023-02-13"
