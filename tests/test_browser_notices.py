"""In a real headless Chromium, with real commits (no captured on-commit callbacks): a
reporter submits, the approver finds the notice on the home page and marks it read, the
consolidator presses "Gửi nhắc nhở"."""

import os

import pytest
from django.core import mail
from playwright.sync_api import expect

from cchc.notices.models import Notice
from tests.test_browser import login
from tests.test_notices import STTTT, addresses  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_submit_tells_the_approver_who_marks_it_read_and_the_button_reminds(
    live_server,
    browser,
    complete_report,
    reporter,
    other_reporter,
    approver,
    consolidator,
    addresses,  # noqa: F811
):
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{complete_report.pk}/")
    page.click("#submit-report")
    expect(page.locator("#status")).to_have_text("Đã gửi")
    assert [m.to for m in mail.outbox] == [["gdhanh@soctrang.gov.vn"]]

    page.context.clear_cookies()
    login(page, live_server.url, approver.username)
    notices = page.locator("#unread-notices")
    expect(notices).to_contain_text("Thông báo mới (1)")
    expect(notices).to_contain_text(f"Báo cáo CCHC quý III năm 2022 của {STTTT} chờ phê duyệt")
    notices.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.locator("#unread-notices")).to_contain_text("Không có thông báo mới.")
    assert Notice.objects.get().read_at is not None

    page.context.clear_cookies()
    login(page, live_server.url, consolidator.username)
    page.goto(f"{live_server.url}/notices/Q3-2022/")
    page.get_by_role("button", name="Gửi nhắc nhở").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi nhắc nhở cho 1 người của 1 đơn vị")
    expect(page.locator("#notices")).to_contain_text("Trần Văn Tư")
    assert mail.outbox[-1].to == ["cchc.stp@soctrang.gov.vn"]
