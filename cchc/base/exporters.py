"""Exporters turn a report into a file: render() -> (filename, mimetype, bytes).

The layout of each format lives in cchc.documents; the words (narrative, titles, the
reference line) come from `cchc.reports.words`, shared by every format. This base sits below
the apps, so the report is described by the attributes it uses, not by the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.http import HttpResponse


class Report(Protocol):
    """What an exporter needs of a report (cchc.reports.models.Report has it)."""

    period: Any
    unit: Any


@dataclass(frozen=True)
class Rendered:
    filename: str
    mimetype: str
    content: bytes

    def download(self) -> HttpResponse:
        """The file as a response the browser saves under its name."""
        response = HttpResponse(self.content, content_type=self.mimetype)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


ReportT = TypeVar("ReportT", bound=Report)


class Exporter(Generic[ReportT]):
    """Subclasses name the report model they export: `class ReportDocx(Exporter[Report])`."""

    format: str = ""
    extension: str = ""
    mimetype: str = ""

    def __init__(self, report: ReportT) -> None:
        self.report = report

    def filename(self) -> str:
        period = self.report.period.code
        return f"bao-cao-cchc-{self.report.unit.code}-{period}.{self.extension}"

    def render(self) -> Rendered:
        raise NotImplementedError
