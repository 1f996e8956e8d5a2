"""Footnotes (chú thích cuối trang) in a python-docx document, as the seeds' reports have
them: python-docx has no footnote API, so this adds the footnotes part Word and LibreOffice
read (ECMA-376 §17.11) and the references in the text.

In narrative text a footnote is written in place as `[^its text]`."""

from __future__ import annotations

import re
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
MARK = re.compile(r"\[\^([^\]]+)\]")
NOTE_SIZE = Pt(12)
FONT = "Times New Roman"

_SEPARATORS = f"""<w:footnotes {nsdecls("w")}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"
 w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"
 w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
</w:footnotes>"""


def split(content: str) -> list[tuple[str, bool]]:
    """'a[^n]b' -> [('a', False), ('n', True), ('b', False)]."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in MARK.finditer(content):
        if match.start() > position:
            pieces.append((content[position : match.start()], False))
        pieces.append((match.group(1).strip(), True))
        position = match.end()
    if position < len(content):
        pieces.append((content[position:], False))
    return pieces


def strip(content: str) -> str:
    """The text without its footnotes (for places that cannot show them)."""
    return MARK.sub("", content)


def _footnotes_part(document: DocxDocument):
    part = document.part
    for rel in part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return rel.target_part
    footnotes = XmlPart(
        PackURI("/word/footnotes.xml"), CONTENT_TYPE, parse_xml(_SEPARATORS), part.package
    )
    part.relate_to(footnotes, RT.FOOTNOTES)
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        properties = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        settings.append(properties)
    return footnotes


def _run_properties(superscript: bool, size: Pt) -> Any:
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    rpr.append(fonts)
    if superscript:
        align = OxmlElement("w:vertAlign")
        align.set(qn("w:val"), "superscript")
        rpr.append(align)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(int(size.pt * 2)))
        rpr.append(element)
    return rpr


def add_footnote(document: DocxDocument, paragraph: Paragraph, content: str, size: Pt) -> int:
    """A reference mark at the end of `paragraph` and the footnote it points to; its id."""
    footnotes = _footnotes_part(document).element
    number = max((int(n.get(qn("w:id"))) for n in footnotes.findall(qn("w:footnote"))), default=0)
    number += 1
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(number))
    para = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    ppr.append(spacing)
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "both")
    ppr.append(jc)
    para.append(ppr)
    mark = OxmlElement("w:r")
    mark.append(_run_properties(True, NOTE_SIZE))
    mark.append(OxmlElement("w:footnoteRef"))
    para.append(mark)
    run = OxmlElement("w:r")
    run.append(_run_properties(False, NOTE_SIZE))
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {content}"
    run.append(text)
    para.append(run)
    note.append(para)
    footnotes.append(note)
    reference = OxmlElement("w:r")
    reference.append(_run_properties(True, size))
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    reference.append(ref)
    paragraph._p.append(reference)
    return number
