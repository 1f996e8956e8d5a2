"""The words of a ranking's exports: who announces it (the province's Sở Nội vụ, else the
People's Committee itself, as the province report names a committee), the title, the
opening, one paragraph a kind of unit, the recipients. Shared by the XLSX and the DOCX."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from django.utils import timezone

from cchc.catalog.values import LOCALE
from cchc.org.models import Unit, UnitKind
from cchc.reports import words
from cchc.scoring.engine import Ranked
from cchc.scoring.models import Rescale
from cchc.scoring.rankings import KindRanking, Rankings

# The office that follows CCHC for a People's Committee, by the committee's kind, and what
# its name starts with.
OFFICES: dict[str, tuple[str, str]] = {
    UnitKind.PROVINCE: (UnitKind.DEPARTMENT, "Sở Nội vụ"),
    UnitKind.DISTRICT: (UnitKind.DISTRICT_DIVISION, "Phòng Nội vụ"),
}
# How many units of a kind the opening counts: "6 sở, ban, ngành; 3 UBND cấp huyện".
COUNT_NOUNS: dict[str, str] = {
    UnitKind.PROVINCE: "UBND cấp tỉnh",
    UnitKind.DEPARTMENT: "sở, ban, ngành",
    UnitKind.DIVISION: "phòng",
    UnitKind.PUBLIC_SERVICE: "đơn vị sự nghiệp",
    UnitKind.DISTRICT: "UBND cấp huyện",
    UnitKind.DISTRICT_DIVISION: "phòng, ban cấp huyện",
    UnitKind.COMMUNE: "UBND cấp xã",
}
# "Nơi nhận" lines for the units ranked, by kind.
KIND_RECIPIENTS: dict[str, str] = {
    UnitKind.DEPARTMENT: "Các sở, ban, ngành;",
    UnitKind.DIVISION: "Các phòng chuyên môn;",
    UnitKind.PUBLIC_SERVICE: "Các đơn vị sự nghiệp;",
    UnitKind.DISTRICT: "UBND các huyện, thị xã, thành phố;",
    UnitKind.DISTRICT_DIVISION: "Các phòng, ban cấp huyện;",
    UnitKind.COMMUNE: "UBND các xã, phường, thị trấn;",
}
# The Party committee of a level, for the People's Committee's recipients.
PARTY_COMMITTEES = {
    "tỉnh": "Tỉnh ủy",
    "thành phố": "Thành ủy",
    "huyện": "Huyện ủy",
    "thị xã": "Thị ủy",
    "quận": "Quận ủy",
}
NO_FIGURES = "Chưa có số liệu"
NAMES_LISTED = 10
CENT = Decimal("0.01")


def points_text(value: Decimal | None) -> str:
    """'39,95', '40,50', '1.025,00': points with two decimals the Vietnamese way."""
    if value is None:
        return "—"
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return format_decimal(abs(rounded) if rounded == 0 else rounded, "#,##0.00", locale=LOCALE)


def maximum_text(value: Decimal) -> str:
    """'18', '12,5': a maximum or a band's bound, without trailing zeros."""
    return points_text(value).removesuffix(",00")


def change_text(value: Decimal | None) -> str:
    """'+5,20', '-1,30', '0,00'; '—' when either period has no figure."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + points_text(value)


def territory(root: Unit) -> str:
    """'tỉnh Sóc Trăng' for 'UBND tỉnh Sóc Trăng' (the place, inside a sentence)."""
    name = words.committee_name(root)
    prefix = "Ủy ban nhân dân "
    return name[len(prefix) :] if name.startswith(prefix) else name


def _level(root: Unit) -> str:
    """'tỉnh', 'thành phố', 'huyện'…: the first word(s) of the territory."""
    place = territory(root).lower()
    for level in ("thành phố", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã"):
        if place.startswith(level):
            return level
    return ""


@dataclass(frozen=True)
class Issuer:
    """Who announces the ranking, as the header and the signature name it."""

    unit: Unit
    committee: bool  # the People's Committee itself (no office to announce it)

    @property
    def parent_line(self) -> str:
        if self.committee or self.unit.parent is None:
            return ""
        return self.unit.parent.name.upper()

    @property
    def agency_line(self) -> str:
        if self.committee:
            return words.committee_name(self.unit).upper()
        return words.agency_name(self.unit).upper()

    @property
    def name(self) -> str:
        """The issuer as a sentence names it: 'Sở Nội vụ', 'Ủy ban nhân dân tỉnh'."""
        if self.committee:
            return f"Ủy ban nhân dân {_level(self.unit)}".strip()
        return words.agency_name(self.unit)

    @property
    def full_name(self) -> str:
        """'Sở Nội vụ tỉnh Sóc Trăng', 'Ủy ban nhân dân tỉnh Sóc Trăng': outside a document."""
        if self.committee or self.unit.parent is None:
            return words.committee_name(self.unit)
        place = territory(self.unit.parent)
        name = self.unit.name
        return name if place.lower() in name.lower() else f"{name} {place}"

    @property
    def number_line(self) -> str:
        return f"Số:      /TB-{self.unit.doc_symbol or '…'}"

    def place_date(self, today: datetime.date) -> str:
        place = self.unit.place or (self.unit.parent.place if self.unit.parent else "")
        return words.long_date(None, place, year=today.year)

    @property
    def signer(self) -> list[str]:
        if self.committee:
            return [words.ON_BEHALF, *words.COMMITTEE_DEFAULT_SIGNER]
        return [words.HEAD_TITLES.get(self.unit.kind, "THỦ TRƯỞNG ĐƠN VỊ")]


def issuer(rankings: Rankings) -> Issuer:
    """The root's internal-affairs office (Sở Nội vụ of a province, Phòng Nội vụ of a
    district) as it stood at the period's end, else the root itself: a People's Committee
    announces in its own name and signs on behalf of the committee."""
    root = rankings.root
    kind, prefix = OFFICES.get(root.kind, ("", ""))
    if prefix:
        offices = [
            unit
            for unit in Unit.objects.filter(parent=root, kind=kind).order_by("-valid_from")
            if (unit.short_name or unit.name).startswith(prefix) or unit.name.startswith(prefix)
        ]
        end = rankings.period.window.end
        current = [
            unit
            for unit in offices
            if unit.valid_from <= end and (unit.valid_to is None or unit.valid_to >= end)
        ]
        if current or offices:
            return Issuer((current or offices)[0], committee=False)
    return Issuer(root, committee=words.is_peoples_committee(root))


def title_line(rankings: Rankings) -> str:
    return f"Kết quả xếp hạng {rankings.scheme.name} {rankings.period.label}"


def heading_lines(rankings: Rankings) -> list[str]:
    """The title rows of the XLSX sheets."""
    days = rankings.days
    # The scheme's name keeps its case: "QĐ-TTg" is a symbol, not a word to capitalise.
    return [
        rankings.root.name.upper(),
        title_line(rankings),
        f"Số liệu tính từ ngày {days.start:%d/%m/%Y} đến ngày {days.end:%d/%m/%Y}",
    ]


def note_line(rankings: Rankings, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    scheme = rankings.scheme
    return (
        f"Bộ tiêu chí mã {scheme.code}, phiên bản {scheme.version}; điểm tính từ số liệu có đến "
        f"ngày {today:%d/%m/%Y}. «—»: chưa có số liệu (không phải 0 điểm)."
    )


def _counts(rankings: Rankings) -> str:
    return "; ".join(
        f"{len(kind.rows)} {COUNT_NOUNS.get(kind.kind, kind.label.lower())}"
        for kind in rankings.kinds
    )


def _names(units: list[Unit]) -> str:
    names = [unit.name for unit in units[:NAMES_LISTED]]
    if len(units) > NAMES_LISTED:
        names.append(f"và {len(units) - NAMES_LISTED} đơn vị khác")
    return ", ".join(names)


def bands_text(rankings: Rankings) -> str:
    """'Xuất sắc từ 75 điểm; Tốt từ 60 đến dưới 75 điểm; …'"""
    bands = list(rankings.scheme.bands.order_by("-min_points"))
    parts = []
    for index, band in enumerate(bands):
        low = maximum_text(band.min_points)
        if index == 0:
            parts.append(f"{band.label} từ {low} điểm")
        else:
            high = maximum_text(bands[index - 1].min_points)
            parts.append(
                f"{band.label} dưới {high} điểm"
                if band.min_points == 0
                else f"{band.label} từ {low} đến dưới {high} điểm"
            )
    return "; ".join(parts)


def opening(rankings: Rankings, by: Issuer) -> list[str]:
    """The basis, what was scored and over which days, how points are counted, and whether
    the results are final."""
    scheme, days = rankings.scheme, rankings.days
    total = len(rankings.rows)
    paragraphs = [
        f"Căn cứ bộ tiêu chí {scheme.name}, phiên bản {scheme.version}, và số liệu của các cơ "
        f"quan, đơn vị trên Hệ thống báo cáo cải cách hành chính tính từ ngày "
        f"{days.start:%d/%m/%Y} đến ngày {days.end:%d/%m/%Y}, {by.name} thông báo kết quả xếp "
        f"hạng {rankings.period.label} của {total} cơ quan, đơn vị thuộc "
        f"{territory(rankings.root)}"
        + (f" ({_counts(rankings)})" if rankings.kinds else "")
        + " như sau:"
    ]
    maximum = maximum_text(scheme.max_points)
    counting = (
        f"Điểm của mỗi đơn vị tính trên thang {maximum} điểm; tiêu chí chưa có số liệu không "
        "được điểm"
    )
    if scheme.rescale == Rescale.PROPORTIONAL:
        counting += (
            "; tiêu chí không phát sinh ở đơn vị (không có hồ sơ, phản ánh… để tính) không tính "
            f"vào điểm tối đa và tổng điểm được quy đổi về thang {maximum} điểm"
        )
    counting += (
        f". Đơn vị chưa có số liệu ở tiêu chí nào ghi «{NO_FIGURES.lower()}», không xếp hạng. "
        f"Xếp loại theo tổng điểm: {bands_text(rankings)}."
    )
    paragraphs.append(counting)
    if rankings.self_assessed:
        pending = rankings.pending
        if pending:
            paragraphs.append(
                f"Kết quả dưới đây là dự thảo: {len(pending)}/{total} đơn vị chưa được Hội "
                f"đồng thẩm định chốt điểm ({_names([s.unit for s in pending])}); điểm của các "
                "đơn vị này là điểm tạm tính (tự chấm, thẩm định hoặc tính từ số liệu), chưa "
                "phải điểm chính thức."
            )
        else:
            paragraphs.append("Điểm của các đơn vị là điểm đã được Hội đồng thẩm định chốt.")
    return paragraphs


def _joined(names: list[str], last: str = "và") -> str:
    """'A', 'A và B', 'A, B và C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def _extreme(rows: list[Ranked], position: int | None) -> str:
    """The units at `position` (several when they share it) with their total."""
    held = [row.score for row in rows if row.position == position]
    same = "cùng " if len(held) > 1 else ""
    names = _joined([score.unit.name for score in held])
    return f"{names} ({same}{points_text(held[0].total)} điểm)"


def kind_summary(kind: KindRanking, rankings: Rankings) -> str:
    """Best and worst units, how many in each band, and the units without figures."""
    ranked, unscored = kind.ranked, kind.unscored
    noun = COUNT_NOUNS.get(kind.kind, "đơn vị")
    sentences = []
    if not ranked:
        sentences.append(f"Chưa {noun} nào có số liệu để xếp hạng.")
    elif len(ranked) == 1:
        only = ranked[0].score
        sentences.append(
            f"1/{len(kind.rows)} đơn vị có số liệu được xếp hạng: {only.unit.name}, đạt "
            f"{points_text(only.total)} điểm, xếp loại {only.band}."
        )
    else:
        best, worst = ranked[0].position, ranked[-1].position
        if best == worst:
            sentences.append(
                f"{len(ranked)}/{len(kind.rows)} đơn vị có số liệu được xếp hạng, cùng đạt "
                f"{points_text(ranked[0].score.total)} điểm."
            )
        else:
            sentences.append(
                f"{len(ranked)}/{len(kind.rows)} đơn vị có số liệu được xếp hạng; cao nhất là "
                f"{_extreme(ranked, best)}, thấp nhất là {_extreme(ranked, worst)}."
            )
    if ranked:
        bands = [band.label for band in rankings.scheme.bands.order_by("-min_points")]
        counted = {label: sum(1 for row in ranked if row.score.band == label) for label in bands}
        held = [f"{n} đơn vị xếp loại {label}" for label, n in counted.items() if n]
        none = [label for label, n in counted.items() if not n]
        text = "Về xếp loại: " + "; ".join(held)
        if none:
            text += f"; không có đơn vị xếp loại {_joined(none, 'hoặc')}"
        sentences.append(text + ".")
    if unscored:
        sentences.append(
            f"{NO_FIGURES} ({len(unscored)} đơn vị, không xếp hạng): "
            f"{_names([row.score.unit for row in unscored])}."
        )
    return " ".join(sentences)


def closing(by: Issuer) -> str:
    return (
        f"{by.name} thông báo để các cơ quan, đơn vị biết; đề nghị các đơn vị rà soát các tiêu "
        "chí chưa đạt điểm tối đa, chưa có số liệu và có giải pháp khắc phục trong kỳ tới./."
    )


def recipients(rankings: Rankings, by: Issuer) -> list[str]:
    level = _level(rankings.root) or "tỉnh"
    kinds = [KIND_RECIPIENTS[k.kind] for k in rankings.kinds if k.kind in KIND_RECIPIENTS]
    if by.committee:
        party = PARTY_COMMITTEES.get(level, "Tỉnh ủy")
        above = "Bộ Nội vụ (để báo cáo);" if rankings.root.kind == UnitKind.PROVINCE else ""
        lines = [above, f"Thường trực {party};", f"Thường trực HĐND {level};"]
        lines += [f"CT, các PCT UBND {level};", *kinds, "Lưu: VT."]
        return [line for line in lines if line]
    return [f"UBND {level} (để báo cáo);", *kinds, "Lưu: VT, CCHC."]


def filename(rankings: Rankings, what: str, extension: str) -> str:
    """'xep-hang-qd766-Q3-2022-ST.xlsx': ASCII, for the download."""
    scheme, period, root = rankings.scheme.code, rankings.period.code, rankings.root.code
    return f"{what}-{scheme}-{period}-{root}.{extension}"
