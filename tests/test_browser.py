"""In a real headless Chromium: a reporter types values, sees the derived rate and a
validation message appear, submits; the consolidator then sees the report as submitted."""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from cchc.reports.models import Report, Status
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in
# a thread with a running loop unless told it is safe (the test owns both).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()


def type_value(page: Page, key: str, text: str) -> None:
    field = page.locator(f"#v-{key}")
    field.click()
    field.fill("")
    field.press_sequentially(text)


def test_reporter_fills_and_submits_consolidator_sees_it(
    live_server, browser, report, reporter, consolidator
):
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")

    # Keyboard only: type, Enter moves to the next field.
    type_value(page, "plan_tasks_total", "46")
    page.keyboard.press("Enter")
    expect(page.locator("#v-plan_tasks_done")).to_be_focused()
    page.keyboard.type("50")
    expect(page.locator("#issue-list")).to_contain_text("không được lớn hơn")
    expect(page.locator("#row-plan_tasks_done")).to_have_class(re.compile("has-issue"))
    type_value(page, "plan_tasks_done", "40")
    expect(page.locator("#v-plan_completion_rate")).to_have_text("86,96")
    expect(page.locator("#issue-list")).not_to_contain_text("không được lớn hơn")

    # A value that is not a number gets a message at the field, naming it.
    type_value(page, "ppc_tasks_assigned", "mười")
    # The answer waits behind the autosaves of the fields before it: on a loaded machine
    # that takes longer than Playwright's 5 s default.
    expect(page.locator("#msg-ppc_tasks_assigned")).to_contain_text(
        "không phải là số", timeout=20_000
    )
    type_value(page, "ppc_tasks_assigned", "10")
    expect(page.locator("#msg-ppc_tasks_assigned")).to_have_text("")
    for key, text in [
        ("dossiers_received", "15"),
        ("dossiers_returned", "15"),
        ("staff_quota", "29"),
        ("staff_present", "27"),
    ]:
        type_value(page, key, text)
    # No error is left; the outline items still without text are a warning, not an error.
    expect(page.locator("#issue-list li.error")).to_have_count(0)
    expect(page.locator("#issue-list li.warning")).to_contain_text("chưa có nội dung")
    expect(page.locator("#save-state")).to_contain_text("Đã lưu")

    page.click("#submit-report")
    expect(page.locator("#status")).to_have_text("Đã gửi")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.values.get(indicator__key="plan_completion_rate").number == Decimal("86.96")

    page.context.clear_cookies()
    login(page, live_server.url, consolidator.username)
    page.goto(f"{live_server.url}/overview/Q3-2022/")
    row = page.locator('tr[data-unit="ST-STTTT"]')
    # Submitted today, long after the Q3-2022 deadline of 16/09/2022.
    expect(row).to_contain_text("Đã gửi trễ hạn")
    row.get_by_text("Xem báo cáo").click()
    expect(page.locator("#v-plan_completion_rate")).to_have_text("86,96")
    expect(page.locator("#approve-report")).to_have_count(0)
    expect(page.locator("#return-report")).to_be_visible()


def test_typed_work_survives_a_lost_connection(live_server, browser, report, reporter):
    context = browser.new_context()
    page = context.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.route("**/values/", lambda route: route.abort())
    type_value(page, "plan_tasks_total", "46")
    expect(page.locator("#save-state")).to_contain_text("Chưa lưu được")
    assert not report.values.filter(indicator__key="plan_tasks_total").exists()

    # The tab is gone; the same browser opens the report again with the network back.
    page.unroute("**/values/")
    page.close()
    again = context.new_page()
    again.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(again.locator("#v-plan_tasks_total")).to_have_value("46")
    expect(again.locator("#save-state")).to_contain_text("Đã lưu")
    assert (
        Report.objects.get(pk=report.pk).values.get(indicator__key="plan_tasks_total").number == 46
    )
    context.close()


def test_citation_fills_evidence_fields(live_server, browser, report, reporter, province):
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    row = page.locator("#row-plan_completion_rate")
    row.locator("summary").click()
    row.locator("input.citation").fill(
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2022 về việc thực hiện cải cách hành chính năm 2022"
    )
    expect(row.locator("[name=number_symbol]")).to_have_value("02/KH-STTTT")
    expect(row.locator("[name=doc_type]")).to_have_value("Kế hoạch")
    expect(row.locator("[name=issued_on]")).to_have_value("27/01/2022")
    expect(row.locator("[name=issuer]")).to_have_value("Sở Thông tin và Truyền thông")
    row.get_by_role("button", name="Thêm minh chứng").click()
    expect(page.locator("#row-plan_completion_rate .evidence")).to_contain_text(
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2022"
    )


def test_a_second_tab_with_stale_data_is_told_and_shown_both_values(
    live_server, browser, report, reporter
):
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    login(first, live_server.url, reporter.username)
    for page in (first, second):
        page.goto(f"{live_server.url}/reports/{report.pk}/")
    type_value(first, "plan_tasks_total", "46")
    expect(first.locator("#save-state")).to_contain_text("Đã lưu")

    # The second tab still shows the empty field it loaded: its write is refused, not lost.
    type_value(second, "plan_tasks_total", "50")
    message = second.locator("#msg-plan_tasks_total")
    expect(message).to_contain_text("Giá trị đã lưu: «46»; giá trị của bạn: «50»", timeout=20_000)
    assert report.values.get(indicator__key="plan_tasks_total").number == 46
    message.get_by_role("button", name="Giữ giá trị của tôi").click()
    expect(second.locator("#save-state")).to_contain_text("Đã lưu")
    expect(message).to_have_text("")
    assert report.values.get(indicator__key="plan_tasks_total").number == 50

    # Now the first tab is the stale one; it takes the saved value instead.
    type_value(first, "plan_tasks_total", "47")
    message = first.locator("#msg-plan_tasks_total")
    expect(message).to_contain_text("Giá trị đã lưu: «50»", timeout=20_000)
    message.get_by_role("button", name="Dùng giá trị đã lưu").click()
    expect(first.locator("#v-plan_tasks_total")).to_have_value("50")
    assert report.values.get(indicator__key="plan_tasks_total").number == 50
    context.close()
