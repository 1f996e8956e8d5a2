"""The fixed words of a report document: agency names, number, place and date, titles,
the appendix reference. Shared by the DOCX, XLSX and PDF exporters and the report page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from cchc.org.models import Unit, UnitKind
from cchc.reports.models import Report

RULES_FILE = Path(__file__).parent / "data" / "issuing_bodies.yaml"
DEFAULT_RECIPIENTS = ["Sở Nội vụ (để tổng hợp);", "Lưu: VT."]
COMMITTEE_WORDS = "Ủy ban nhân dân"


@dataclass(frozen=True)
class IssuingBody:
    """How one kind of unit heads and signs its documents (see issuing_bodies.yaml)."""

    parent_line: bool
    name: str
    head: str
    deputy: str
    collective: str
    signer: str

    @property
    def deputy_lines(self) -> list[str]:
        """['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']: a deputy signs on the head's behalf."""
        return [f"KT. {self.head}", self.deputy]


@cache
def issuing_bodies() -> dict[str, IssuingBody]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    fallback = data["fallback"]["head"]
    bodies = {}
    for kind, rule in data["kinds"].items():
        bodies[kind] = IssuingBody(
            parent_line=rule["parent_line"],
            name=rule["name"],
            head=rule.get("head", fallback),
            deputy=rule.get("deputy", f"PHÓ {rule.get('head', fallback)}"),
            collective=rule.get("collective", ""),
            signer=rule.get("signer", "head"),
        )
    bodies[""] = IssuingBody(True, "short", fallback, f"PHÓ {fallback}", "", "head")
    return bodies


def issuing_body(unit: Unit) -> IssuingBody:
    bodies = issuing_bodies()
    return bodies.get(unit.kind, bodies[""])


# Kept for the ranking notices, which head and sign the same way.
HEAD_TITLES: dict[str, str] = {kind: body.head for kind, body in issuing_bodies().items() if kind}
ON_BEHALF = issuing_bodies()[UnitKind.PROVINCE].collective
COMMITTEE_DEFAULT_SIGNER = issuing_bodies()[UnitKind.PROVINCE].deputy_lines


def is_peoples_committee(unit: Unit) -> bool:
    return issuing_body(unit).name == "committee"


def committee_name(unit: Unit) -> str:
    """'Ủy ban nhân dân tỉnh Sóc Trăng' for 'UBND tỉnh Sóc Trăng'."""
    name = unit.name.strip()
    for short in ("UBND ", "Ủy ban nhân dân ", "ỦY BAN NHÂN DÂN "):
        if name.startswith(short):
            return f"{COMMITTEE_WORDS} " + name[len(short) :]
    return name


def agency_name(unit: Unit) -> str:
    """The unit as the header names it: 'Sở Thông tin và Truyền thông', without the
    province that the parent agency line above already names."""
    return unit.short_name or unit.name


def parent_agency(report: Report) -> str:
    """'UBND TỈNH SÓC TRĂNG': the agency the unit belongs to, in full; none above a
    People's Committee."""
    parent = report.unit.parent
    if parent is None or not issuing_body(report.unit).parent_line:
        return ""
    return parent.name.upper()


def agency_lines(report: Report) -> list[str]:
    """The unit's name in the header, a line each: ['ỦY BAN NHÂN DÂN', 'HUYỆN CHÂU THÀNH']
    for a committee (the seeds never break 'ỦY BAN NHÂN DÂN'), else one line."""
    unit = report.unit
    if issuing_body(unit).name != "committee":
        return [agency_name(unit).upper()]
    name = committee_name(unit)
    if not name.startswith(COMMITTEE_WORDS):
        return [name.upper()]
    return [COMMITTEE_WORDS.upper(), name[len(COMMITTEE_WORDS) :].strip().upper()]


def issuing_agency(report: Report) -> str:
    """'SỞ THÔNG TIN VÀ TRUYỀN THÔNG'; 'ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG' for a committee."""
    return " ".join(agency_lines(report))


def number_line(report: Report) -> str:
    if report.number:
        return f"Số: {report.number}"
    symbol = report.unit.doc_symbol or "…"
    return f"Số:      /BC-{symbol}"


def long_date(day: datetime.date | None, place: str = "", year: int | None = None) -> str:
    """'Sóc Trăng, ngày 15 tháng 9 năm 2022' (Nghị định 30/2020: days 1–9 and months 1–2 get a
    leading zero). Without a day, blanks to fill in by hand in `year`."""
    prefix = f"{place}, " if place else ""
    if day is None:
        return f"{prefix}ngày      tháng      năm {year or datetime.date.today().year}"
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{prefix}ngày {day_text} tháng {month_text} năm {day.year}"


def place_date(report: Report) -> str:
    place = report.unit.place or (report.unit.parent.place if report.unit.parent else "")
    return long_date(report.report_date, place, year=report.deadline.year)


# The summary lines of the seeds: an annual report (seeds 000, 003) is "Cải cách hành chính
# năm 2022", a quarterly one (seed 004) "Tình hình, kết quả thực hiện … quý III năm 2022".
ANNUAL_SUMMARY = "Cải cách hành chính {period}"
PERIODIC_SUMMARY = "Tình hình, kết quả thực hiện cải cách hành chính {period}"


def summary_line(report: Report) -> str:
    """The line under "BÁO CÁO": the template's own wording, else the period kind's."""
    wording = report.template.summary or (
        ANNUAL_SUMMARY if report.period.kind == "year" else PERIODIC_SUMMARY
    )
    return wording.replace("{period}", report.period.label)


def outline_title(title: str, report: Report) -> str:
    """An outline heading with its period and unit filled in: 'Tình hình … CCHC {period}' →
    'Tình hình … CCHC quý III năm 2022'; 'Về cơ cấu tổ chức bộ máy của {subject}' → '… của
    Sở' in a department's report, '… của UBND huyện' in a district's."""
    from cchc.reports.drafting import province_word, subject  # drafting reads headings here

    text = title.replace("{period}", report.period.label)
    text = text.replace("{next_year}", str(report.period.end.year + 1))
    if "{province_word}" in text:  # "Thực hiện nhiệm vụ UBND thành phố giao" in Cần Thơ
        text = text.replace("{province_word}", province_word(report.unit))
    return text.replace("{subject}", subject(report.unit)) if "{subject}" in text else text


def signer_block(report: Report) -> list[str]:
    """Authority and title lines of the signature block, by the unit kind's rules: a Sở's
    head signs 'GIÁM ĐỐC', a deputy 'KT. GIÁM ĐỐC' / 'PHÓ GIÁM ĐỐC'; a People's Committee
    signs under 'TM. ỦY BAN NHÂN DÂN', by default through a vice-chair
    (['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'])."""
    body = issuing_body(report.unit)
    authority = report.signer_authority.strip()
    title = report.signer_title.strip()
    lines = [body.collective] if body.collective else []
    if authority.upper().startswith("TM."):
        lines = []
    if not authority and not title:
        return [*lines, *(body.deputy_lines if body.signer == "deputy" else [body.head])]
    if authority:
        lines.append(authority)
    deputy = authority.upper().startswith("KT.")
    return [*lines, title or (body.deputy if deputy else body.head)]


def recipients(report: Report) -> list[str]:
    lines = [line.strip() for line in report.recipients.splitlines() if line.strip()]
    if lines:
        return lines
    if report.unit.kind == UnitKind.PROVINCE:
        level = "thành phố" if "thành phố" in report.unit.name.lower() else "tỉnh"
        party = "Thành ủy" if level == "thành phố" else "Tỉnh ủy"
        return [
            "Bộ Nội vụ (để tổng hợp);",
            f"Thường trực {party};",
            f"Thường trực HĐND {level};",
            f"CT, các PCT UBND {level};",
            "Sở Nội vụ;",
            "Lưu: VT.",
        ]
    return DEFAULT_RECIPIENTS


def short_reference(report: Report) -> str:
    """'Báo cáo số 174/BC-STTTT ngày 15/9/2022 của Sở Thông tin và Truyền thông tỉnh Sóc Trăng'."""
    number = report.number or f"      /BC-{report.unit.doc_symbol or '…'}"
    parts = [f"Báo cáo số {number}"]
    if report.report_date:
        day = report.report_date
        parts.append(f"ngày {day.day}/{day.month}/{day.year}")
    parts.append(f"của {report.unit.name}")
    return " ".join(parts)


# The appendix's title: seed 004 (a quarter) "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH
# ĐỊNH KỲ"; a year's report appends its results, "KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH
# CHÍNH", the wording of the annual reports (seeds 000, 003).
PERIODIC_APPENDIX = "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH ĐỊNH KỲ"
ANNUAL_APPENDIX = "KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"


def appendix_title_lines(report: Report) -> list[str]:
    title = ANNUAL_APPENDIX if report.period.kind == "year" else PERIODIC_APPENDIX
    return ["PHỤ LỤC", title, f"{report.period.label} của {report.unit.name}".upper()]


def appendix_reference(report: Report) -> str:
    return f"(Kèm theo {short_reference(report)})"


def opening(report: Report) -> str:
    if report.opening.strip():
        return report.opening.strip()
    return (
        f"{report.unit.name} báo cáo tình hình, kết quả thực hiện cải cách hành chính "
        f"{report.period.label} (số liệu tính từ ngày {report.period.start:%d/%m/%Y} "
        f"đến ngày {report.period.end:%d/%m/%Y}), cụ thể như sau:"
    )


def closing(report: Report) -> str:
    if report.closing.strip():
        return report.closing.strip()
    return (
        f"Trên đây là báo cáo tình hình, kết quả thực hiện cải cách hành chính "
        f"{report.period.label} của {report.unit.name}./."
    )
