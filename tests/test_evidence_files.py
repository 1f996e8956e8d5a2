"""Evidence in the documents: citations in the appendix's Ghi chú (DOCX and XLSX) and in the
drafting context; uploaded files checked by content, stored, served only to those who may see
the report, and removed with the evidence."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image

from cchc.audit.models import AuditEntry
from cchc.documents.registry import exporters
from cchc.reports import evidence_files, services
from cchc.reports.drafting import DraftContext
from cchc.reports.evidence_files import EvidenceFileError
from cchc.reports.models import Evidence
from cchc.reports.sheet import ReportSheet
from tests.conftest import PASSWORD

KEY = "plan_completion_rate"
CITATION = (
    "Kế hoạch số 02/KH-STTTT ngày 27/01/2022 của Sở Thông tin và Truyền thông "
    "về việc cải cách hành chính năm 2022"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Kế hoạch")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


FIELDS = {
    "doc_type": "Kế hoạch",
    "number_symbol": "02/KH-STTTT",
    "issued_on": datetime.date(2022, 1, 27),
    "issuer": "Sở Thông tin và Truyền thông",
    "summary": "cải cách hành chính năm 2022",
}


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def stored_files(data_dir) -> list:
    return [p for p in (data_dir / "evidence").rglob("*") if p.is_file()]


@pytest.fixture
def cited(complete_report, reporter):
    services.save_value(reporter, complete_report, "plan_tasks_done", "40", note="Lũy kế")
    services.add_evidence(reporter, complete_report, KEY, FIELDS)
    services.add_evidence(
        reporter,
        complete_report,
        KEY,
        {
            "doc_type": "Công văn",
            "number_symbol": "15/STTTT-VP",
            "issued_on": datetime.date(2022, 2, 10),
            "summary": "đôn đốc",
        },
    )
    return complete_report


def test_evidence_in_docx_appendix_note(cited):
    document = Document(io.BytesIO(exporters()["docx"](cited).render().content))
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells][-1] == "Ghi chú"
    row = next(
        r for r in appendix.rows if "Tỷ lệ" in r.cells[1].text and CITATION in r.cells[4].text
    )
    note = row.cells[4].text
    assert note.index(CITATION) < note.index(
        "Công văn số 15/STTTT-VP ngày 10/02/2022 về việc đôn đốc"
    )


def test_evidence_in_xlsx_note_after_the_values_note(cited, reporter):
    services.save_value(reporter, cited, KEY, note="Theo báo cáo quý")  # derived: note only
    book = openpyxl.load_workbook(io.BytesIO(exporters()["xlsx"](cited).render().content))
    sheet = book.worksheets[0]
    header = next(
        cell.column for row in sheet.iter_rows() for cell in row if cell.value == "Ghi chú"
    )
    notes = [str(row[header - 1].value) for row in sheet.iter_rows() if row[header - 1].value]
    note = next(n for n in notes if CITATION in n)
    assert note.startswith("Theo báo cáo quý\n" + CITATION)
    assert "Công văn số 15/STTTT-VP ngày 10/02/2022 về việc đôn đốc" in note


def test_a_note_that_cites_the_document_does_not_repeat_it(cited, reporter):
    services.save_value(reporter, cited, KEY, note="Theo Kế hoạch số 02/KH-STTTT")
    (row,) = [r for _, rows in ReportSheet(cited).rows() for r in rows if r.indicator.key == KEY]
    assert row.appendix_note == (
        "Theo Kế hoạch số 02/KH-STTTT\nCông văn số 15/STTTT-VP ngày 10/02/2022 về việc đôn đốc"
    )


def test_drafting_context_has_all_evidence(cited):
    context = DraftContext(cited).as_dict()
    assert context["doc"][KEY] == (
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2022; Công văn số 15/STTTT-VP ngày 10/02/2022"
    )
    assert context["evidence"][KEY] == [
        CITATION,
        "Công văn số 15/STTTT-VP ngày 10/02/2022 về việc đôn đốc",
    ]


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("ke-hoach.pdf", PDF, "application/pdf"),
        ("anh chup.PNG", png_bytes(), "image/png"),
        ("ke-hoach.docx", docx_bytes(), "wordprocessingml"),
        ("bang.xlsx", xlsx_bytes(), "spreadsheetml"),
    ],
)
def test_upload_good_file(report, reporter, data_dir, name, content, kind):
    evidence = services.add_evidence(reporter, report, KEY, FIELDS, (name, content))
    assert evidence.file_name == name and kind in evidence.file_type
    assert evidence.file_size == len(content)
    (path,) = stored_files(data_dir)
    assert path.read_bytes() == content
    assert name not in str(path)  # a generated name, not the user's
    assert "kèm tệp" in AuditEntry.objects.get(report=report, action="evidence.add").summary


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("ke-hoach.pdf", b"just text, not a PDF", "không phải loại được nhận"),
        ("virus.exe", b"MZ\x90\x00binary", "không phải loại được nhận"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "bị hỏng"),
        ("ke-hoach.docx", b"PK\x03\x04" + b"garbage" * 20, "bị hỏng"),
        ("ke-hoach.pdf", b"%PDF-1.4\ncut short", "bị hỏng"),
        ("ke-hoach.pdf", png_bytes(), "phần mở rộng '.pdf' không khớp"),
        ("ke-hoach.docx", xlsx_bytes(), "phần mở rộng '.docx' không khớp"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_upload_refused(report, reporter, data_dir, name, content, message):
    with pytest.raises(EvidenceFileError, match=message) as refused:
        services.add_evidence(reporter, report, KEY, FIELDS, (name, content))
    assert f"'{name}'" in str(refused.value)
    assert not Evidence.objects.filter(report=report).exists()
    assert not (data_dir / "evidence").exists() or stored_files(data_dir) == []


def test_upload_oversized_through_the_page(client, report, reporter, data_dir, settings):
    settings.CCHC_EVIDENCE_MAX_MB = 1
    assert client.login(username=reporter.username, password=PASSWORD)
    big = PDF[:-7] + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    response = client.post(
        reverse("add_evidence", args=[report.pk]),
        {
            "key": KEY,
            "doc_type": "Kế hoạch",
            "number_symbol": "02/KH-STTTT",
            "file": SimpleUploadedFile("lon.pdf", big, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "Tệp &#x27;lon.pdf&#x27; dung lượng 1.0 MB, vượt mức cho phép 1 MB." in (
        response.content.decode()
    )
    assert not Evidence.objects.filter(report=report).exists()
    assert not (data_dir / "evidence").exists()
    assert evidence_files.check_file("nho.pdf", PDF).kind == "pdf"


@pytest.fixture
def with_file(client, report, reporter, data_dir):
    assert client.login(username=reporter.username, password=PASSWORD)
    response = client.post(
        reverse("add_evidence", args=[report.pk]),
        {
            "key": KEY,
            "doc_type": "Kế hoạch",
            "number_symbol": "02/KH-STTTT",
            "file": SimpleUploadedFile("Kế hoạch 02.pdf", PDF, content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    client.logout()
    evidence = Evidence.objects.get(report=report)
    assert evidence.file_type == "application/pdf"  # from the content, not the browser
    return evidence


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("approver", 200),
        ("consolidator", 200),
        ("other_reporter", 404),
        ("anonymous", "login"),
    ],
)
def test_download_by_role(client, request, with_file, report, person, status):
    if person != "anonymous":
        user = request.getfixturevalue(person)
        assert client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("evidence_file", args=[report.pk, with_file.pk]))
    if status == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        return
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert (
            "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%2002.pdf"
            in (response["Content-Disposition"])
        )


def test_page_links_the_file(client, with_file, report, approver):
    assert client.login(username=approver.username, password=PASSWORD)
    page = client.get(reverse("report", args=[report.pk])).content.decode()
    assert reverse("evidence_file", args=[report.pk, with_file.pk]) in page


def test_removing_evidence_removes_the_file(
    client,
    with_file,
    report,
    reporter,
    other_reporter,
    data_dir,
    django_capture_on_commit_callbacks,
):
    assert len(stored_files(data_dir)) == 1
    url = reverse("remove_evidence", args=[report.pk, with_file.pk])
    assert client.login(username=other_reporter.username, password=PASSWORD)
    assert client.post(url).status_code == 404
    assert len(stored_files(data_dir)) == 1
    assert client.login(username=reporter.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Evidence.objects.filter(pk=with_file.pk).exists()
    assert stored_files(data_dir) == []
    assert "kèm tệp Kế hoạch 02.pdf" in (
        AuditEntry.objects.get(report=report, action="evidence.remove").summary
    )


def test_evidence_without_file_has_no_download(client, report, reporter):
    evidence = services.add_evidence(reporter, report, KEY, FIELDS)
    assert client.login(username=reporter.username, password=PASSWORD)
    assert client.get(reverse("evidence_file", args=[report.pk, evidence.pk])).status_code == 404
