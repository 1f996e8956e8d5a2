"""In headless Chromium: a section drafted from figures that changed since shows as out of
date; "↻ Soạn từ số liệu" redrafts it and saves the new figures with it. An evidence file is
uploaded from the row's form and linked for download."""

import os
import re

import pytest
from playwright.sync_api import expect

from cchc.reports import services
from cchc.reports.drafts import fill_empty_sections
from cchc.reports.models import Evidence, NarrativeText
from cchc.reports.sheet import ReportSheet
from tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_redraft_clears_out_of_date_section(live_server, browser, complete_report, reporter):
    report = complete_report
    fill_empty_sections(reporter, report)
    services.save_value(reporter, report, "plan_tasks_done", "30")
    section = report.template.outline.get(number="1.1.1.")
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    stale = page.locator(f"#stale-{section.pk}")
    expect(stale).to_contain_text("40 → 30")
    expect(page.locator("#issue-list")).to_contain_text("1.1.1.")
    page.locator(f"#narr-{section.pk} button.redraft").click()
    expect(page.locator(f"#n-{section.pk}")).to_have_value(re.compile("30/46 nhiệm vụ"))
    expect(page.locator("#save-state")).to_contain_text("Đã lưu")
    expect(stale).to_have_count(0)
    expect(page.locator("#issue-list")).not_to_contain_text("1.1.1.")
    item = NarrativeText.objects.get(report=report, section=section)
    assert "30/46 nhiệm vụ" in item.text
    assert item.basis["plan_tasks_done"] == "30"
    assert ReportSheet(report).stale == []


def test_upload_evidence_file_from_the_row(
    live_server, browser, report, reporter, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    row = page.locator("#row-plan_completion_rate")
    row.locator("summary").click()
    row.locator("[name=doc_type]").fill("Kế hoạch")
    row.locator("[name=number_symbol]").fill("02/KH-STTTT")
    row.locator("[name=file]").set_input_files(str(pdf))
    row.get_by_role("button", name="Thêm minh chứng").click()
    expect(page.locator("#row-plan_completion_rate a.ev-file")).to_contain_text("ke-hoach.pdf")
    assert Evidence.objects.get(report=report).file_type == "application/pdf"
