"""Script typed into every free-text field stays text: the pages escape it, the DOCX and XLSX
hold it as text, and a real Chromium opening the pages fires no dialog.

Each field gets the payload behind its own label ("[unit]", "[note]"…), so a test can say
which page shows which field, and fails when a field is no longer shown (escaped or not)."""

from __future__ import annotations

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.test import Client
from docx import Document

from cchc.documents.registry import exporters
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.records.models import Task, TaskKind
from cchc.registers.models import Procedure
from cchc.reports import services
from cchc.reports.models import Report
from cchc.scoring import assessments
from tests.conftest import COMPLETE_VALUES
from tests.scoring_fixtures import dossier

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;"
# Playwright's sync API runs an event loop in this thread; the live server's ORM calls are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")
FIELDS = [
    "unit",
    "note",
    "narrative",
    "evidence",
    "signer",
    "reason",
    "tthc",
    "task",
    "assessment",
    "issuer",
    "extension",
]


def hostile(label: str) -> str:
    return f"[{label}] {PAYLOAD}"


def escaped(label: str) -> str:
    return f"[{label}] {ESCAPED}"


@pytest.fixture
def typed(province, reporter, approver, consolidator, template, period, index_scheme, settings,
          tmp_path, django_capture_on_commit_callbacks) -> Report:  # fmt: skip
    """Sở TT&TT's Q3-2022 report with the payload in every free-text field a user types,
    returned once (the reason), with a TTHC, a plan task and a self-assessment note."""
    settings.DATA_DIR = tmp_path
    unit = province["ST-STTTT"]
    Unit.objects.filter(pk=unit.pk).update(name=hostile("unit"))
    unit.refresh_from_db()
    report = services.start_report(reporter, unit, period, template)
    for key, raw in COMPLETE_VALUES.items():
        services.save_value(reporter, report, key, raw)
    services.save_value(reporter, report, "plan_tasks_total", "46", hostile("note"))
    section = report.template.outline.order_by("order").first()
    services.save_narrative(reporter, report, section, hostile("narrative"))
    services.add_evidence(
        reporter,
        report,
        "plan_completion_rate",
        {
            "doc_type": "Kế hoạch",
            "number_symbol": "02/KH",
            "issuer": hostile("issuer"),
            "summary": hostile("evidence"),
        },
        None,
    )
    services.update_document_details(
        reporter, report, signer_name=hostile("signer"), opening=hostile("opening")
    )
    with django_capture_on_commit_callbacks(execute=True):  # the notices go after commit
        services.submit_report(reporter, report)
        services.return_report(approver, report, hostile("reason"))
    Procedure.objects.create(unit=unit, code="P1", name=hostile("tthc"), processing_time=10)
    dossier(unit, "H001", "2022-07-01", due="2022-07-15", result="2022-07-10")
    Task.objects.create(
        unit=unit,
        kind=TaskKind.PLAN,
        content=hostile("task"),
        deadline=datetime.date(2022, 9, 30),
        due_on=datetime.date(2022, 9, 30),
    )
    assessment = assessments.start_assessment(
        reporter, unit, index_scheme, Period.objects.for_code("Y-2026")
    )
    assessments.self_score(reporter, assessment, "2.1", "30", note=hostile("assessment"))
    services.grant_extension(
        consolidator, unit, period, datetime.date(2022, 9, 30), hostile("extension")
    )
    return Report.objects.get(pk=report.pk)


def pages(report: Report) -> dict[str, tuple[str, list[str]]]:
    """url: (who opens it, the fields it shows)."""
    unit = report.unit.code
    return {
        "/": ("reporter", ["unit"]),
        f"/reports/{report.pk}/": (
            "reporter",
            ["unit", "note", "narrative", "evidence", "issuer", "signer", "reason"],
        ),
        f"/reports/{report.pk}/audit/": ("reporter", ["note", "reason"]),
        "/notices/": ("reporter", ["reason"]),
        f"/units/{unit}/dossiers/?period=Q3-2022": ("reporter", ["unit"]),
        f"/units/{unit}/dossiers/H001/": ("reporter", ["tthc"]),
        f"/units/{unit}/records/tasks/?period=Q3-2022": ("reporter", ["task"]),
        f"/units/{unit}/history/": ("reporter", ["unit"]),
        f"/units/{unit}/assessments/chi-so-thu/Y-2026/": ("reporter", ["assessment"]),
        "/overview/Q3-2022/": ("consolidator", ["unit"]),
        f"/overview/Q3-2022/units/{unit}/deadline/": ("consolidator", ["unit", "extension"]),
    }


@pytest.mark.django_db
def test_pages_escape_every_typed_field(typed, reporter, consolidator):
    users = {"reporter": reporter, "consolidator": consolidator}
    shown: set[str] = set()
    for url, (who, fields) in pages(typed).items():
        client = Client()
        client.force_login(users[who])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for raw in RAW:
            assert raw not in html, (url, raw)
        for label in fields:
            assert escaped(label) in html, (url, label)
            shown.add(label)
    assert shown == set(FIELDS)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


@pytest.mark.django_db
def test_the_docx_holds_the_fields_as_text(typed):
    content = exporters()["docx"](typed).render().content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    for raw in RAW:
        assert raw not in xml
    assert "[narrative] &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x" in xml
    text = _docx_text(content)
    for label in ("unit", "narrative", "evidence", "signer", "opening"):
        assert hostile(label) in text, label


@pytest.mark.django_db
def test_the_xlsx_holds_the_fields_as_text(typed):
    content = exporters()["xlsx"](typed).render().content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode()
                for raw in RAW:
                    assert raw not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(content))
    values = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value}
    found = {label for label in FIELDS for value in values if hostile(label) in value}
    assert {"unit", "evidence"} <= found, found


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_dialog_fires_in_chromium(live_server, browser, typed, reporter, consolidator):
    from tests.test_browser import login

    dialogs: list[str] = []
    for who in ("reporter", "consolidator"):
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        login(page, live_server.url, who)
        for url, (opener, fields) in pages(typed).items():
            if opener != who:
                continue
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            # The payload is on the page as text, not as an element.
            assert page.locator(f"text={hostile(fields[0])}").count() >= 1, url
            assert page.locator("img[src=x]").count() == 0, url
        page.close()
    assert dialogs == []
