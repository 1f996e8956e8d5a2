"""Reading a document citation as officials write it:

"Kế hoạch số 02/KH-STTTT ngày 27/01/2022 về việc thực hiện cải cách hành chính năm 2022"
"Quyết định số 16/2022/QĐ-UBND ngày 03/8/2022 của UBND tỉnh Sóc Trăng v/v ban hành ..."
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

DOC_TYPES = [
    "Kế hoạch",
    "Quyết định",
    "Công văn",
    "Báo cáo",
    "Thông báo",
    "Tờ trình",
    "Nghị quyết",
    "Nghị định",
    "Thông tư",
    "Chỉ thị",
    "Đề án",
    "Hướng dẫn",
    "Chương trình",
    "Văn bản",
    "Quy chế",
    "Quy định",
    "Luật",
]
_TYPE = "|".join(sorted(DOC_TYPES, key=len, reverse=True))
_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
HEAD = re.compile(
    # A number and symbol always has a slash (02/KH-STTTT), which tells a citation from
    # ordinary words such as "Báo cáo 6 tháng đầu năm".
    rf"(?P<type>{_TYPE})\s+(?:số\s*:?\s*)?(?P<number>\d[\w.\-]*/[\w./\-]+)"
    rf"(?:\s*,?\s+ngày\s+(?P<date>{_DATE}))?",
    re.IGNORECASE,
)
CONNECTOR = re.compile(r"^(?:về việc|v/v|về)\s+", re.IGNORECASE)
ISSUER_END = re.compile(r"\s+(?:về việc|v/v|về)\s+", re.IGNORECASE)
# Type abbreviations in a number and symbol (Nghị định 30/2020, Phụ lục III); a Công văn has
# none, so its symbol starts with the issuer: 1042/STTTT-VP.
TYPE_ABBREVIATIONS = {
    "KH",
    "QĐ",
    "BC",
    "TB",
    "TTr",
    "NQ",
    "CT",
    "ĐA",
    "HD",
    "CTr",
    "QC",
    "QyĐ",
    "TT",
    "NĐ",
    "GM",
    "KL",
    "PA",
    "BB",
}


@dataclass
class Citation:
    doc_type: str
    number_symbol: str
    issued_on: datetime.date | None
    issuer: str
    summary: str

    @property
    def issuer_symbol(self) -> str:
        """'STTTT' in '02/KH-STTTT' or in '1042/STTTT-VP': the issuing agency's abbreviation."""
        parts = self.number_symbol.rsplit("/", 1)[-1].split("-")
        if len(parts) < 2:
            return ""
        return parts[1] if parts[0].upper() in {a.upper() for a in TYPE_ABBREVIATIONS} else parts[0]


def _parse_date(text: str) -> datetime.date | None:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    try:
        return datetime.date(numbers[2], numbers[1], numbers[0])
    except (ValueError, IndexError):
        return None


def parse_citation(text: str) -> Citation | None:
    """The parts of the first citation in `text`, or None when it cites no document."""
    cleaned = " ".join(text.split())
    match = HEAD.search(cleaned)
    if not match:
        return None
    rest = cleaned[match.end() :].strip(" ,;:")
    issuer = ""
    if rest.lower().startswith("của "):
        rest = rest[4:]
        end = ISSUER_END.search(rest)
        issuer, rest = (rest[: end.start()], rest[end.start() :].strip()) if end else (rest, "")
    doc_type = next(t for t in DOC_TYPES if t.lower() == match.group("type").lower())
    return Citation(
        doc_type=doc_type,
        number_symbol=match.group("number").rstrip(".,;"),
        issued_on=_parse_date(match.group("date") or ""),
        issuer=issuer.strip(" ,;"),
        summary=CONNECTOR.sub("", rest).strip(" .;"),
    )
