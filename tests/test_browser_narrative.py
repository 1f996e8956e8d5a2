"""In headless Chromium: a section drafted from figures that changed since shows as out of
date; "↻ Soạn từ số liệu" redrafts it and saves the new figures with it. An evidence file is
uploaded from the row's form and linked for download."""

import os
import re

import pytest
from playwright.sync_api import expect

from cchc.registers.catalogue import import_procedures
from cchc.reports import services
from cchc.reports.drafts import fill_empty_sections
from cchc.reports.models import Evidence, NarrativeText, Value
from cchc.reports.sheet import ReportSheet
from tests.test_browser import login
from tests.test_dossier_import import CATALOGUE

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


def test_page_marks_changes_as_they_are_saved(live_server, browser, complete_report, reporter):
    """Without reloading: a figure typed on the page marks the section drafted from it as out
    of date (with its confirm button), and a register figure overridden with a reason shows
    as overridden beside the value."""
    report = complete_report
    import_procedures(CATALOGUE.encode(), "tthc.csv", report.unit)
    services.prefill_from_registers(reporter, report)
    fill_empty_sections(reporter, report)
    section = report.template.outline.get(number="1.1.1.")
    page = browser.new_page()
    login(page, live_server.url, reporter.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator(f"#stale-{section.pk}")).to_have_count(0)
    expect(page.locator("#src-procedures_in_force")).to_have_text("Từ sổ theo dõi")

    page.locator("#v-plan_tasks_done").fill("30")
    stale = page.locator(f"#stale-{section.pk}")
    expect(stale).to_contain_text("40 → 30", timeout=20_000)
    expect(page.locator(f"#narr-{section.pk}")).to_have_class(re.compile("stale"))

    page.locator("#v-procedures_in_force").fill("3")
    expect(page.locator("#msg-procedures_in_force")).to_contain_text("ghi lý do", timeout=20_000)
    page.locator('input.reason[data-key="procedures_in_force"]').fill("01 TTHC mới công bố")
    source = page.locator("#src-procedures_in_force")
    expect(source).to_have_text("Đã sửa; sổ theo dõi: 2", timeout=20_000)
    expect(source).to_have_class(re.compile("overridden"))

    catalogue = report.template.outline.get(number="1.3.1.")
    expect(page.locator(f"#stale-{catalogue.pk}")).to_contain_text("2 → 3")

    stale.get_by_role("button", name="Xác nhận nội dung vẫn đúng").click()
    expect(page.get_by_text("Đã xác nhận nội dung mục 1.1.1. vẫn đúng.")).to_be_visible()
    expect(page.locator(f"#stale-{section.pk}")).to_have_count(0)
    assert set(ReportSheet(report).stale_sections) == {catalogue.pk}
    assert Value.objects.get(report=report, indicator__key="procedures_in_force").number == 3
