"""The formats a report can be exported to, by name."""

from __future__ import annotations

from cchc.base.exporters import Exporter
from cchc.documents.pdf import ReportPdf
from cchc.documents.report_docx import ReportDocx
from cchc.documents.xlsx import AppendixXlsx


def exporters() -> dict[str, type[Exporter]]:
    return {"docx": ReportDocx, "xlsx": AppendixXlsx, "pdf": ReportPdf}
