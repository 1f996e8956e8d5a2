"""PDF through LibreOffice (rendered to PNG and looked at by pixel counts), downloads by
role, the export command and the charts."""

import os
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc.documents import pdf
from cchc.documents.charts import dossiers_chart, tasks_chart
from cchc.reports import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HAS_LIBREOFFICE = pdf.libreoffice() is not None and shutil.which("pdftoppm") is not None
needs_libreoffice = pytest.mark.skipif(
    not HAS_LIBREOFFICE and os.environ.get("CCHC_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice/poppler chưa cài (scripts/install-system-deps cài libreoffice-writer-nogui "
    "và poppler-utils)",
)


def dark_share(ppm: bytes) -> float:
    """Share of dark pixels in a binary PPM (P6) image."""
    parts = ppm.split(b"\n", 3)
    assert parts[0] == b"P6"
    width, height = (int(v) for v in parts[1].split())
    pixels = parts[3]
    dark = sum(1 for i in range(0, width * height * 3, 3 * 7) if pixels[i] < 128)
    return dark / (width * height / 7)


@needs_libreoffice
def test_docx_converts_to_pdf_and_the_first_page_renders(demo_documents, tmp_path):
    content = pdf.docx_to_pdf(demo_documents["docx"])
    assert content.startswith(b"%PDF")
    target = tmp_path / "report.pdf"
    target.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert pages >= 8  # narrative, signature, then the appendix on its own pages
    assert "595" in info.stdout and "841" in info.stdout  # A4 in points
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(target), str(tmp_path / "p")], check=True
    )
    first_page = next(tmp_path.glob("p-*1.ppm")).read_bytes()
    share = dark_share(first_page)
    assert 0.01 < share < 0.5, share  # text on the page, not blank, not black
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(target), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text
    assert "40/46" in text and "86,96%" in text
    # One serif family for every letter: Liberation Serif 1.x lacks Vietnamese letters
    # (ệ, ữ…), and LibreOffice then set them in DejaVu Serif (fonts-liberation2 has them).
    fonts = subprocess.run(
        ["pdffonts", str(target)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts if line.strip()}
    assert families == {"LiberationSerif"}, families


def test_pdf_without_libreoffice_says_so(monkeypatch, report, reporter, client):
    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    with pytest.raises(pdf.PdfUnavailable, match="LibreOffice"):
        pdf.docx_to_pdf(b"")
    client.login(username=reporter.username, password=PASSWORD)
    response = client.get(reverse("download", args=[report.pk, "pdf"]), follow=True)
    assert "chưa cài LibreOffice" in response.content.decode()


@pytest.mark.parametrize(
    "person, status",
    [
        ("reporter", 200),
        ("other_reporter", 404),
        ("approver", 200),
        ("consolidator", 200),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_download_by_role(
    client, request, report, reporter, other_reporter, approver, consolidator, person, status, fmt
):
    if person != "anonymous":
        client.login(username=request.getfixturevalue(person).username, password=PASSWORD)
    response = client.get(reverse("download", args=[report.pk, fmt]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == (
            f'attachment; filename="bao-cao-cchc-ST-STTTT-Q3-2022.{fmt}"'
        )
        assert response.content[:2] == b"PK"


def test_unknown_format_is_404(client, report, reporter):
    client.login(username=reporter.username, password=PASSWORD)
    assert client.get(reverse("download", args=[report.pk, "odt"])).status_code == 404


def test_export_command(report, tmp_path):
    target = tmp_path / "bc.docx"
    call_command(
        "export", "--unit", "ST-STTTT", "--period", "Q3-2022", "--format", "docx", "-o", str(target)
    )
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="chưa có báo cáo kỳ Q3-2022"):
        call_command("export", "--unit", "ST-STP", "--period", "Q3-2022", "--format", "docx")
    with pytest.raises(CommandError, match="Không hiểu mã kỳ"):
        call_command("export", "--unit", "ST-STTTT", "--period", "Q7-2022", "--format", "xlsx")


def test_charts_need_their_figures(report, reporter, client):
    assert tasks_chart({}) is None and dossiers_chart({}) is None
    client.login(username=reporter.username, password=PASSWORD)
    url = reverse("chart", args=[report.pk, "tasks"])
    assert client.get(url).status_code == 404
    services.save_value(reporter, report, "plan_tasks_total", "46")
    services.save_value(reporter, report, "plan_tasks_done", "40")
    response = client.get(url)
    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(reverse("chart", args=[report.pk, "nope"])).status_code == 404


def test_fill_drafts_keeps_what_the_user_wrote(report, reporter, client, template):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    services.save_value(reporter, report, "plan_tasks_done", "40")
    mine = template.outline.get(number="1.1.2.")
    services.save_narrative(reporter, report, mine, "Nội dung tôi tự viết.")
    client.login(username=reporter.username, password=PASSWORD)
    response = client.post(reverse("fill_drafts", args=[report.pk]))
    assert response.status_code == 302
    texts = {item.section.number: item.text for item in report.narrative.select_related("section")}
    assert texts["1.1.2."] == "Nội dung tôi tự viết."
    assert "40/46" in texts["1.1.1."]
    draft = client.get(
        reverse("section_draft", args=[report.pk, template.outline.get(number="1.1.1.").pk])
    )
    assert "86,96" in draft.json()["text"]
