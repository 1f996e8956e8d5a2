"""In a real headless Chromium: the consolidator consolidates the period, chooses which
reports count, opens a value's drill-down (its chart drawn from the table's figures), sorts
it and goes on to a unit's report; then opens the province dashboard."""

import os
import re

import pytest
from playwright.sync_api import expect

from cchc.reports.models import Status
from tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_consolidator_consolidates_and_drills_down(
    live_server, browser, consolidator, make_report
):
    make_report(
        "ST-STTTT",
        "Q3-2022",
        {"plan_tasks_total": "46", "plan_tasks_done": "40"},
        Status.APPROVED,
    )
    make_report(
        "ST-STP", "Q3-2022", {"plan_tasks_total": "32", "plan_tasks_done": "27"}, Status.SUBMITTED
    )
    page = browser.new_page()
    login(page, live_server.url, consolidator.username)
    page.goto(f"{live_server.url}/consolidation/Q3-2022/")
    expect(page.locator("#counted-count")).to_have_text("1")
    rate = page.locator('tr[data-key="plan_completion_rate"] td.value')
    expect(rate).to_have_text("86,96")

    # Count the submitted report too: the rate is recomputed from the summed tasks.
    page.check('input[name="include"][value="submitted"]')
    page.click("#consolidation-choice button[type=submit]")
    expect(page.locator("#counted-count")).to_have_text("2")
    expect(rate).to_have_text("85,9")
    expect(page.locator("#missing")).to_contain_text("Sở Nội vụ")

    page.click('tr[data-key="plan_tasks_total"] td.value a')
    expect(page.locator("h1")).to_have_text("Số nhiệm vụ đề ra trong kế hoạch")
    expect(page.locator("#consolidated-value")).to_have_text("78")
    chart = page.locator("#drill-chart")
    expect(chart).to_have_attribute("data-drawn", "2")  # one bar per counted unit
    page.click("#drilldown thead a:has-text('Số liệu')")
    units = page.locator("#drilldown tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.unit)"
    )
    assert units[:2] == ["ST-STTTT", "ST-STP"]
    page.locator('tr[data-unit="ST-STP"] a:has-text("Xem báo cáo")').click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.locator("body")).to_contain_text("Sở Tư pháp")

    page.goto(f"{live_server.url}/dashboard/Q3-2022/?include=submitted")
    expect(page.locator('#completeness tfoot [data-key="received"]')).to_have_text("2")
    for canvas in page.locator("canvas.cchc-chart").all():
        expect(canvas).to_have_attribute("data-drawn", "8")  # the last 8 quarters
