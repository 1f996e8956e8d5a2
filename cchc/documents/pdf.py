"""PDF through LibreOffice: the DOCX converted headless, so both files say the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from cchc.base.exporters import Exporter, Rendered
from cchc.documents.report_docx import ReportDocx
from cchc.reports.models import Report

CANDIDATES = ("libreoffice", "soffice")
TIMEOUT_SECONDS = 120


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed here, or the conversion failed; the message says which."""


def libreoffice() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(docx: bytes) -> bytes:
    return to_pdf(docx, "docx")


def to_pdf(content: bytes, extension: str, environment: dict[str, str] | None = None) -> bytes:
    """A DOCX or XLSX converted by LibreOffice; `environment` (e.g. LC_ALL) for the process."""
    binary = libreoffice()
    if binary is None:
        raise PdfUnavailable(
            "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX, hoặc nhờ "
            "quản trị cài gói libreoffice-writer-nogui."
        )
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as folder:
        source = Path(folder) / f"bao-cao.{extension}"
        source.write_bytes(content)
        # A private profile: a second conversion running at the same time must not share it.
        profile = Path(folder) / "profile"
        command = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(source),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=True,
                env={**os.environ, **(environment or {})},
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable("LibreOffice chuyển đổi quá lâu; hãy thử lại sau.") from exc
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode(errors="replace").strip()[:300]
            raise PdfUnavailable(f"LibreOffice không chuyển được tệp: {detail}") from exc
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise PdfUnavailable("LibreOffice không tạo ra tệp PDF.")
        return target.read_bytes()


class ReportPdf(Exporter[Report]):
    format = "pdf"
    extension = "pdf"
    mimetype = "application/pdf"

    def render(self) -> Rendered:
        docx = ReportDocx(self.report).render().content
        return Rendered(self.filename(), self.mimetype, docx_to_pdf(docx))
