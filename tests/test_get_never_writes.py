"""Opening a page by GET writes nothing: a period named in the URL or the query that has
no stored row yet is looked up, not created, and its deadline is derived."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cchc.periods.models import Period
from cchc.records.registry import REGISTERS
from cchc.reports.models import Report

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
PERIODS = ["Q4-2022", "C-20240101-20240731", "Y-2023", "H1-2024"]


def unit_pages(code: str) -> list[str]:
    pages = [
        f"/units/ST-STTTT/periods/{code}/",
        f"/units/ST-STTTT/dossiers/?period={code}",
        f"/units/ST-STTTT/dossiers/export/bieu-II.06a.xlsx?period={code}",
        f"/units/ST-STTTT/dossiers/charts/fields.png?period={code}",
        f"/units/ST-STTTT/records/?period={code}",
    ]
    pages += [f"/units/ST-STTTT/records/{slug}/?period={code}" for slug in REGISTERS]
    return pages


def consolidator_pages(code: str) -> list[str]:
    return [
        f"/overview/?period={code}",
        f"/overview/{code}/",
        f"/overview/{code}/dossiers/",
        f"/overview/{code}/dossiers/bieu-II.06a.xlsx",
    ]


def assert_get_writes_nothing(client, url: str) -> int:
    """GET `url`; fail when any INSERT, UPDATE or DELETE ran. Returns the status."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
    assert writes == [], f"GET {url} wrote: {writes}"
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    return response.status_code


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_no_get_page_writes_or_creates_a_period(reporter, consolidator, report):
    stored = set(Period.objects.values_list("code", flat=True))
    assert stored == {"Q3-2022"}
    as_reporter, as_consolidator = Client(), Client()
    as_reporter.force_login(reporter)  # logging in writes the session: before counting
    as_consolidator.force_login(consolidator)
    before = table_counts()
    statuses = {}
    for url in ["/", f"/reports/{report.pk}/", f"/reports/{report.pk}/audit/"]:
        statuses[url] = assert_get_writes_nothing(as_reporter, url)
    for code in PERIODS + ["Q3-2022", ""]:
        for url in unit_pages(code):
            statuses[url] = assert_get_writes_nothing(as_reporter, url)
    for code in PERIODS + ["Q3-2022"]:
        for url in ["/", *consolidator_pages(code)]:
            statuses[url] = assert_get_writes_nothing(as_consolidator, url)
    assert table_counts() == before
    assert set(Period.objects.values_list("code", flat=True)) == stored
    # The pages really rendered the unsaved periods (not a blanket 404).
    assert statuses["/units/ST-STTTT/periods/Q4-2022/"] == 200
    assert statuses["/units/ST-STTTT/dossiers/?period=C-20240101-20240731"] == 200
    assert statuses["/overview/H1-2024/"] == 200
    assert statuses["/overview/Y-2023/dossiers/bieu-II.06a.xlsx"] == 200
    assert statuses["/overview/?period=Q4-2022"] == 302


@pytest.mark.django_db
def test_the_start_page_shows_the_derived_deadline_and_starting_stores_the_period(
    client, reporter, template
):
    client.force_login(reporter)
    page = client.get("/units/ST-STTTT/periods/Q4-2022/").content.decode()
    # Q4-2022 ends Wed 14/12/2022; the template gives 2 working days: Fri 16/12.
    assert "hạn gửi 16/12/2022" in page
    assert not Period.objects.filter(code="Q4-2022").exists()
    response = client.post("/units/ST-STTTT/periods/Q4-2022/")
    report = Report.objects.get(period__code="Q4-2022")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.deadline.isoformat() == "2022-12-16"


@pytest.mark.django_db
def test_a_reports_deadline_follows_its_templates_working_days(report):
    assert report.deadline.isoformat() == "2022-09-16"
    report.template.deadline_working_days = 5
    report.template.save()
    again = Report.objects.select_related("period", "template").get(pk=report.pk)
    assert again.deadline.isoformat() == "2022-09-21"


@pytest.mark.django_db
def test_lists_of_reports_read_the_calendar_once(client, reporter, consolidator, template):
    from django.utils import timezone

    from cchc.reports import services
    from cchc.reports.models import Status

    unit = reporter.roles.get().unit
    for code in ("Q1-2022", "Q2-2022", "Q3-2022"):
        report = services.start_report(reporter, unit, Period.objects.for_code(code), template)
        Report.objects.filter(pk=report.pk).update(
            status=Status.SUBMITTED, submitted_at=timezone.now()
        )
    for user, url in ((reporter, "/"), (consolidator, "/overview/Q3-2022/")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        calendar_reads = [
            q for q in queries.captured_queries if "periods_calendaroverride" in q["sql"]
        ]
        assert len(calendar_reads) <= 2, url  # the list's read (+ the header's deadline)
        assert "trễ hạn" in response.content.decode()
