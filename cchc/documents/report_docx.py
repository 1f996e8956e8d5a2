"""The report as a DOCX in the Nghị định 30/2020 format, with its appendix."""

from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from cchc.base.exporters import Exporter, Rendered
from cchc.documents import docx_layout as layout
from cchc.documents.charts import draw
from cchc.documents.figures import document_display
from cchc.reports import words
from cchc.reports.drafting import section_texts
from cchc.reports.models import Report, Status
from cchc.reports.sheet import ReportSheet

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportDocx(Exporter[Report]):
    format = "docx"
    extension = "docx"
    mimetype = DOCX_MIMETYPE

    def render(self) -> Rendered:
        report = self.report
        sheet = ReportSheet(report)
        document = layout.new_document()
        if report.status != Status.APPROVED:
            layout.draft_mark(document)
        layout.header_block(
            document,
            parent=words.parent_agency(report),
            agency=words.agency_lines(report),
            number=words.number_line(report),
            place_date=words.place_date(report),
        )
        layout.title(document, "BÁO CÁO", words.summary_line(report))
        layout.body(document, words.opening(report))
        texts = section_texts(report)
        for section in report.template.outline.all():
            layout.heading(
                document, section.number, words.outline_title(section.title, report), section.level
            )
            if texts.get(section.pk):
                layout.body(document, texts[section.pk])
            chart = draw(section.chart, sheet.numbers) if section.chart else None
            if chart:
                layout.picture(document, chart)
        layout.body(document, words.closing(report))
        # "Trên đây là báo cáo…" stays on the page of the signature block below it.
        document.paragraphs[-1].paragraph_format.keep_with_next = True
        layout.signature_block(
            document,
            recipients=words.recipients(report),
            authority=words.signer_block(report),
            name=report.signer_name,
        )
        self._appendix(document, sheet)
        buffer = io.BytesIO()
        document.save(buffer)
        return Rendered(self.filename(), self.mimetype, buffer.getvalue())

    def _appendix(self, document, sheet: ReportSheet) -> None:
        """The Phụ lục on landscape pages of its own, laid out like seed 004's."""
        report = self.report
        layout.landscape_section(document)
        for line in words.appendix_title_lines(report):
            layout.paragraph(
                document, line, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, bold=True, size=Pt(13)
            )
        layout.paragraph(
            document,
            words.appendix_reference(report),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            after=6,
            italic=True,
            size=Pt(13),
        )
        rows: list[layout.AppendixRow] = []
        for section, section_rows in sheet.rows():
            rows.append(layout.AppendixRow([section.code, section.title, "", "", ""], section=True))
            for row in section_rows:
                indicator = row.indicator
                cells = [
                    indicator.stt,
                    indicator.label,
                    indicator.unit,
                    document_display(row),
                    row.appendix_note,
                ]
                rows.append(
                    layout.AppendixRow(cells, bold=indicator.is_group, hint=indicator.note_hint)
                )
        layout.appendix_table(document, rows)
