"""In a real headless Chromium: the pages keep to the Content-Security-Policy (no inline
script or style, nothing from another server) — every page a reporter, a consolidator and an
administrator open, the charts, the API's Swagger UI; a violation fails the test."""

import os

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cchc.reports.models import Status
from tests.conftest import PASSWORD
from tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _watched(browser):
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text[:160]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    # A violation also raises the DOM event; count those the console may not print.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return page, violations


def test_pages_keep_to_the_content_security_policy(
    live_server, browser, reporter, consolidator, make_report
):
    report = make_report("ST-STTTT", "Q3-2022", {"plan_tasks_total": "46"}, Status.APPROVED)
    make_report("ST-STP", "Q3-2022", {"plan_tasks_total": "48"}, Status.SUBMITTED)
    base = live_server.url
    page, violations = _watched(browser)

    login(page, base, reporter.username)
    response = page.goto(f"{base}/reports/{report.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in [
        "/",
        "/units/ST-STTTT/dossiers/",
        "/units/ST-STTTT/records/",
        "/units/ST-STTTT/records/tasks/?period=Q3-2022",
        "/units/ST-STTTT/records/tasks/new/",
        "/units/ST-STTTT/dashboard/",
        "/api/v1/docs/",
    ]:
        page.goto(base + path)
        expect(page.locator("body")).to_be_visible()
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)

    page.context.clear_cookies()
    login(page, base, consolidator.username)
    for path in [
        "/overview/Q3-2022/",
        "/consolidation/Q3-2022/?include=submitted",
        "/consolidation/Q3-2022/plan_tasks_total/?include=submitted",
        "/dashboard/Q3-2022/?include=submitted",
        "/du-lieu-mo/",
    ]:
        page.goto(base + path)
        expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(500)  # the charts draw after load

    get_user_model().objects.create_superuser("quantri", password=PASSWORD)
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    for path in ["/admin/", "/admin/reports/report/", f"/admin/reports/report/{report.pk}/change/"]:
        page.goto(base + path)
        expect(page.locator("body")).to_be_visible()

    assert violations == [], "\n".join(violations)
