"""A ranking as an announcement (THÔNG BÁO, abbreviated TB) in the Nghị định 30/2020 layout:
the header of the province's Sở Nội vụ (or of the People's Committee), the title, the basis,
one ranking table a kind of unit with a paragraph on it, the signature and "Nơi nhận". A
draft (DỰ THẢO) while any unit's self-assessment is not finalised. The words come from
cchc.scoring.ranking_words, the layout from cchc.documents.docx_layout."""

from __future__ import annotations

import datetime
import io

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from cchc.base.exporters import Rendered
from cchc.documents import docx_layout as layout
from cchc.scoring import ranking_words as words
from cchc.scoring.rankings import KindRanking, Rankings

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# STT, Hạng, Đơn vị, Tổng điểm, Xếp loại[, Thay đổi]: 16.5 cm, the text width.
WIDTHS = (Cm(1.3), Cm(1.6), Cm(6.5), Cm(2.2), Cm(2.4), Cm(2.5))
WIDTHS_WITHOUT_CHANGE = (Cm(1.3), Cm(1.6), Cm(8.4), Cm(2.4), Cm(2.8))
CENTRED = {0, 1, 3, 4, 5}
TOTAL, BAND = 3, 4


class RankingDocx:
    """Exporter: render() -> Rendered."""

    def __init__(self, rankings: Rankings, today: datetime.date | None = None) -> None:
        self.rankings = rankings
        self.today = today or datetime.date.today()

    def filename(self) -> str:
        return words.filename(self.rankings, "thong-bao-xep-hang", "docx")

    def render(self) -> Rendered:
        rankings = self.rankings
        by = words.issuer(rankings)
        document = layout.new_document()
        if not rankings.is_final:
            layout.draft_mark(document)
        layout.header_block(
            document,
            parent=by.parent_line,
            agency=by.agency_line,
            number=by.number_line,
            place_date=by.place_date(self.today),
        )
        layout.title(document, "THÔNG BÁO", words.title_line(rankings))
        for text in words.opening(rankings, by):
            layout.paragraph(document, text, indent=True)
        for number, kind in enumerate(rankings.kinds, start=1):
            layout.heading(document, f"{number}.", f"{kind.label} ({len(kind.rows)} đơn vị)", 2)
            layout.paragraph(document, words.kind_summary(kind, rankings), indent=True)
            self.table(document, kind)
        closing = layout.paragraph(document, words.closing(by), indent=True)
        closing.paragraph_format.keep_with_next = True  # the signature follows the text
        layout.signature_block(
            document,
            recipients=words.recipients(rankings, by),
            authority=by.signer,
            name="",
        )
        layout.keep_rows_whole(document.tables[-1])
        buffer = io.BytesIO()
        document.save(buffer)
        return Rendered(self.filename(), DOCX_MIMETYPE, buffer.getvalue())

    def table(self, document, kind: KindRanking) -> None:
        previous = self.rankings.previous
        header = ["STT", "Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"]
        if previous is not None:
            header.append(f"Thay đổi so với {previous.label}")
        rows = [header]
        for index, row in enumerate(kind.rows, start=1):
            score = row.score
            cells = [str(index), str(row.position or "—"), score.unit.name]
            cells += (
                [words.points_text(score.total), score.band]
                if score.has_figures
                else [words.NO_FIGURES, ""]
            )
            if previous is not None:
                cells.append(words.change_text(row.change))
            rows.append(cells)
        table = layout.grid(document, rows)
        layout.set_widths(table, WIDTHS if previous is not None else WIDTHS_WITHOUT_CHANGE)
        layout.repeat_header(table)
        layout.keep_rows_whole(table)
        for number, (docx_row, ranked) in enumerate(
            zip(table.rows, [None, *kind.rows], strict=True)
        ):
            for column, cell in enumerate(docx_row.cells):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                spacing = cell.paragraphs[0].paragraph_format
                spacing.space_before = spacing.space_after = Pt(2)
                if number and column in CENTRED:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if ranked is not None and not ranked.score.has_figures:
                # "Chưa có số liệu" across the total and the band: no number that reads as 0.
                merged = docx_row.cells[TOTAL].merge(docx_row.cells[BAND])
                for extra in merged.paragraphs[1:]:  # the band cell's empty paragraph
                    extra._p.getparent().remove(extra._p)
                merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in merged.paragraphs[0].runs:
                    run.italic = True
                    run.font.size = Pt(12)
