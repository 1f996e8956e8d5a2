"""The formats a report can be exported to, by name."""

from __future__ import annotations

from cchc.documents.base import Exporter
from cchc.documents.pdf import ReportPdf
from cchc.documents.report_docx import ReportDocx


def exporters() -> dict[str, type[Exporter]]:
    from cchc.documents.xlsx import AppendixXlsx

    return {"docx": ReportDocx, "xlsx": AppendixXlsx, "pdf": ReportPdf}
