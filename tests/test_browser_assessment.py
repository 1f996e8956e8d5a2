"""In a real headless Chromium: a unit self-scores a criterion with a cited document and an
uploaded file, submits; an appraiser adjusts a score with a reason."""

import os

import pytest
from playwright.sync_api import expect

from cchc.scoring.models import Assessment, AssessmentEvidence
from tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_unit_self_scores_with_evidence_and_an_appraiser_adjusts(
    live_server, browser, index_scheme, planned_unit, reporter, appraiser, tmp_path
):
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    url = f"{live_server.url}/units/{planned_unit.code}/assessments/{index_scheme.code}/Y-2026/"
    page.goto(url)
    page.click("#start")
    expect(page.locator("#stage")).to_have_text("Đơn vị đang tự chấm")
    row = page.locator('tr[data-code="1.1"]')
    row.locator('input[name="points"]').fill("9,5")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator('tr[data-code="1.1"] [data-key="own"] b')).to_have_text("9,5")
    # Submitting before the evidence required is attached is refused, naming the criterion.
    page.locator('tr[data-code="2.1"] input[name="points"]').fill("30")
    page.locator('tr[data-code="2.1"]').get_by_role("button", name="Lưu").click()
    expect(page.locator("#problems")).to_contain_text("1.1: cần tài liệu kiểm chứng")
    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(PDF)
    row = page.locator('tr[data-code="1.1"]')
    row.locator('input[name="citation"]').fill(
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2026 về cải cách hành chính năm 2026"
    )
    row.locator('input[name="file"]').set_input_files(str(plan))
    row.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator('tr[data-code="1.1"] .evidence')).to_contain_text("Kế hoạch số 02/KH-STTTT")
    evidence = AssessmentEvidence.objects.get()
    assert (evidence.number_symbol, evidence.file_name) == ("02/KH-STTTT", "ke-hoach.pdf")
    page.click("#submit")
    expect(page.locator("#stage")).to_have_text("Đã gửi, chờ thẩm định")

    page.context.clear_cookies()
    login(page, live_server.url, appraiser.username)
    page.goto(url)
    row = page.locator('tr[data-code="2.1"]')
    row.locator('input[name="points"]').fill("25")
    row.get_by_role("button", name="Thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("phải ghi lý do")
    row = page.locator('tr[data-code="2.1"]')
    row.locator('input[name="points"]').fill("25")
    row.locator('input[name="reason"]').fill("Chưa công khai kết quả rà soát")
    row.get_by_role("button", name="Thẩm định").click()
    expect(page.locator('tr[data-code="2.1"] [data-key="appraised"]')).to_contain_text(
        "Chưa công khai kết quả rà soát"
    )
    item = Assessment.objects.get().items.get(criterion__code="2.1")
    assert (item.self_points, item.appraised_points) == (30, 25)
    # The unit's file opens for the appraiser.
    with page.expect_download() as download:
        page.locator('tr[data-code="1.1"] .evidence a').click()
    assert download.value.suggested_filename == "ke-hoach.pdf"
