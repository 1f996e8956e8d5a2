"""Exporters turn a report into a file: render() -> (filename, mimetype, bytes).

The layout of each format lives in its own module; the words (narrative, titles, the
reference line) come from `cchc.documents.words`, shared by every format."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse

from cchc.reports.models import Report


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


class Exporter:
    format: str = ""
    extension: str = ""
    mimetype: str = ""

    def __init__(self, report: Report) -> None:
        self.report = report

    def filename(self) -> str:
        period = self.report.period.code
        return f"bao-cao-cchc-{self.report.unit.code}-{period}.{self.extension}"

    def render(self) -> Rendered:
        raise NotImplementedError
