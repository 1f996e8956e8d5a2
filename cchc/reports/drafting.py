"""Drafting the narrative from the figures, in the seeds' phrasing.

The sentences are template data (OutlineSection.draft, a Django template); this module
only gathers what they may say: values as printed, evidence cited, and comparisons with
the previous period and the same period last year."""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError

from cchc.catalog.checks import Issue
from cchc.catalog.models import Indicator, OutlineSection, Severity, ValueType
from cchc.catalog.values import display_value, format_number, padded_count, rate_words
from cchc.org.models import Role, RoleAssignment, UnitKind
from cchc.records.sources import year_start
from cchc.reports.models import Evidence, Report, Status
from cchc.reports.narrative_basis import basis_for, blocking_errors, heading, refusal
from cchc.reports.sheet import ReportSheet

ENGINE = Engine(
    autoescape=False,
    libraries={},
    builtins=["django.template.defaultfilters", "cchc.reports.draft_filters"],
)

SUBJECTS: dict[str, str] = {
    UnitKind.PROVINCE: "UBND tỉnh",
    UnitKind.DEPARTMENT: "Sở",
    UnitKind.DIVISION: "Phòng",
    UnitKind.PUBLIC_SERVICE: "Đơn vị",
    UnitKind.DISTRICT: "UBND huyện",
    UnitKind.DISTRICT_DIVISION: "Phòng",
    UnitKind.COMMUNE: "UBND xã",
}

# The level of the unit's own leaders, for sentences about appointments and discipline.
LEVELS: dict[str, str] = {
    UnitKind.PROVINCE: "cấp tỉnh",
    UnitKind.DEPARTMENT: "cấp sở, ngành",
    UnitKind.DISTRICT: "cấp huyện",
    UnitKind.COMMUNE: "cấp xã",
}


# What the apps above add to the names a draft may use, e.g. the consolidation's `units` (the
# figures of the units below a province): provider(report, its numbers) -> names.
ContextProvider = Callable[[Report, dict[str, Decimal | None]], dict[str, Any]]
CONTEXT_PROVIDERS: list[ContextProvider] = []


# After a document cited for a figure that was issued before the period (`cited.KEY`).
EARLIER_MARK = ", ban hành trước kỳ báo cáo"


class DraftError(ValueError):
    pass


# What a personnel row's act is called, by what its note and documents say: a reappointment
# (bổ nhiệm lại) is neither a new appointment nor a recruitment. Checked in this order.
ACTS = ("bổ nhiệm lại", "bổ nhiệm", "tiếp nhận", "tuyển dụng")

# Who section II names, and as what (the unit's own role holders, not those above it).
PEOPLE_ROLES = {
    Role.APPROVER: "Lãnh đạo phụ trách công tác CCHC",
    Role.REPORTER: "Công chức phụ trách công tác CCHC",
}


def span_words(report: Report, cumulative: bool) -> str:
    """How a draft says when a figure happened: "trong kỳ", or for a year-to-date figure of
    a period that does not start the year "từ đầu năm đến nay"; a year's report "trong năm"."""
    window = report.period.window
    if window.kind == "year":
        return "trong năm"
    if cumulative and window.start > year_start(window.end):
        return "từ đầu năm đến nay"
    return "trong kỳ"


def act_of(indicator: Indicator, note: str, evidence: list[Evidence]) -> str:
    """'bổ nhiệm lại', 'bổ nhiệm', 'tuyển dụng': the act a personnel row counts, as its note
    and evidence name it, else as its label does; '' for a row about neither."""
    label = indicator.label.lower()
    if not any(act in label for act in ACTS):
        return ""
    said = " ".join([note, *(f"{item.doc_type} {item.summary}" for item in evidence)]).lower()
    for act in ACTS:
        if act in said:
            return act
    return next(act for act in ACTS if act in label)


def _zero_padded(indicator: Indicator, number: Decimal | None) -> str:
    """A count as the report's text writes it: 1–9 with a leading zero, as the appendix does;
    0, rates, codes (Có = 1) and larger numbers as they are."""
    if number is None:
        return ""
    padded = padded_count(number) if indicator.value_type == ValueType.INTEGER else None
    return padded or format_number(number, indicator.decimals)


def compare(indicator: Indicator, now: Decimal | None, before: Decimal | None, label: str) -> str:
    """'tăng 3,5 điểm phần trăm so với quý II năm 2022'; '' when either side is missing."""
    if (
        now is None
        or before is None
        or indicator.value_type in (ValueType.YES_NO, ValueType.CHOICE)
    ):
        return ""
    difference = now - before
    if difference == 0:
        return f"bằng {label}"
    verb = "tăng" if difference > 0 else "giảm"
    amount = format_number(abs(difference), indicator.decimals or 2)
    if indicator.value_type == ValueType.PERCENT:
        return f"{verb} {amount} điểm phần trăm so với {label}"
    if before > 0:
        share = rate_words(abs(difference) / before * 100)
        return f"{verb} {amount} ({share}) so với {label}"
    return f"{verb} {amount} so với {label}"


class DraftContext:
    """Everything a draft template may use for one report."""

    def __init__(
        self, report: Report, sheet: ReportSheet | None = None, comparisons: bool = True
    ) -> None:
        self.report = report
        self.sheet = sheet or ReportSheet(report)
        self.indicators = {i.key: i for i in self.sheet.indicators}
        numbers = self.sheet.numbers
        self.values: dict[str, str] = {}
        self.zero: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.docs: dict[str, str] = {}
        self.evidence: dict[str, list[str]] = {}
        self.when: dict[str, str] = {}
        self.in_span: dict[str, str] = {}
        self.earlier: dict[str, str] = {}
        self.cited: dict[str, str] = {}
        self.acts: dict[str, str] = {}
        window = report.period.window
        for indicator in self.sheet.indicators:
            value = self.sheet.value_of(indicator)
            content = (
                numbers.get(indicator.key)
                if indicator.is_numeric
                else (value.content if value else None)
            )
            self.values[indicator.key] = display_value(indicator, content)
            self.zero[indicator.key] = (
                _zero_padded(indicator, numbers.get(indicator.key))
                if indicator.is_numeric
                else self.values[indicator.key]
            )
            self.notes[indicator.key] = value.note if value else ""
            evidence = self.sheet.evidence.get(indicator.pk, [])
            # Every document cited for the value: "Kế hoạch số 02/KH-STTTT ngày 27/01/2022;
            # Công văn số ..." (short), and each in full for sentences that quote them.
            self.docs[indicator.key] = "; ".join(_short_citation(item) for item in evidence)
            self.evidence[indicator.key] = [str(item) for item in evidence]
            cumulative = indicator.cumulative
            self.when[indicator.key] = span_words(report, cumulative)
            # A sentence about what was done in the period cites only the documents of the
            # period (for a year-to-date figure: of the year); older ones are earlier work.
            start = year_start(window.end) if cumulative else window.start
            inside, before = _split_by_date(evidence, start)
            self.in_span[indicator.key] = "; ".join(_short_citation(item) for item in inside)
            self.earlier[indicator.key] = "; ".join(_short_citation(item) for item in before)
            # Each document once, an older one said to be older: a figure whose document
            # predates the period is that document, not one more of the period's.
            self.cited[indicator.key] = "; ".join(
                _short_citation(item) + (EARLIER_MARK if item in before else "")
                for item in evidence
            )
            self.acts[indicator.key] = act_of(indicator, self.notes[indicator.key], evidence)
        self.numbers = numbers
        self.previous: dict[str, str] = {}
        self.last_year: dict[str, str] = {}
        if not comparisons:  # what the checks need: whether a section says anything at all
            return
        self.previous = self._comparisons(self.sheet.previous_report)
        last_year_period = report.period.same_period_last_year()
        last_year = (
            Report.objects.filter(unit=report.unit, period=last_year_period).first()
            if last_year_period
            else None
        )
        self.last_year = self._comparisons(last_year)

    def _comparisons(self, other: Report | None) -> dict[str, str]:
        if other is None:
            return {}
        other_numbers = ReportSheet(other).numbers
        label = f"{other.period.label}"
        return {
            key: compare(indicator, self.numbers.get(key), other_numbers.get(key), label)
            for key, indicator in self.indicators.items()
            if indicator.is_numeric
        }

    def as_dict(self) -> dict:
        report = self.report
        extra: dict[str, Any] = {}
        for provider in CONTEXT_PROVIDERS:
            extra.update(provider(report, self.numbers))
        return {
            **extra,
            "unit": report.unit,
            "subject": subject(report.unit),
            "province_word": province_word(report.unit),
            "unit_level": LEVELS.get(report.unit.kind, "của đơn vị"),
            "period": report.period.label,
            # "trong kỳ", or "trong năm" in a year's report: what happened in the period.
            "in_period": span_words(report, cumulative=False),
            "period_start": f"{report.period.start:%d/%m/%Y}",
            "period_end": f"{report.period.end:%d/%m/%Y}",
            "year": report.period.end.year,
            "v": self.values,
            "z": self.zero,
            "n": self.numbers,
            "note": self.notes,
            "doc": self.docs,
            "doc_in": self.in_span,
            "earlier": self.earlier,
            "cited": self.cited,
            "when": self.when,
            "act": self.acts,
            "evidence": self.evidence,
            "people": people(report),
            "cmp": self.previous,
            "cmp_year": self.last_year,
        }


def subject(unit) -> str:
    """How a unit calls itself in its report: "Sở", "UBND huyện"; a province "UBND Tỉnh" or,
    for a centrally run city (Cần Thơ), "UBND Thành phố", as the seeds write it."""
    if unit.kind == UnitKind.PROVINCE:
        return "UBND Thành phố" if "thành phố" in unit.name.lower() else "UBND Tỉnh"
    return SUBJECTS.get(unit.kind, "Đơn vị")


def province_word(unit) -> str:
    """'thành phố' for a centrally run city (Thành phố Cần Thơ), else 'tỉnh': "UBND thành phố
    giao", "trên địa bàn thành phố" in the city's own report."""
    root = unit
    while root.kind != UnitKind.PROVINCE and root.parent is not None:
        root = root.parent
    return "thành phố" if "thành phố" in root.name.lower() else "tỉnh"


def people(report: Report) -> list[dict[str, str]]:
    """The unit's leaders and officials in charge of CCHC for section II: name, title (the
    report's signer's title for the signer), what they are in charge of and their e-mail."""
    found = []
    seen: set[int] = set()
    assignments = (
        RoleAssignment.objects.filter(unit=report.unit, role__in=PEOPLE_ROLES)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__pk")
    )
    # Leaders (approvers) first, then the officials (reporters).
    ordered = sorted(assignments, key=lambda a: list(PEOPLE_ROLES).index(Role(a.role)))
    for assignment in ordered:
        user = assignment.user
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        name = user.get_full_name().strip()
        if not name:
            continue
        title = ""
        if report.signer_name and report.signer_name.strip().lower() == name.lower():
            title = report.signer_title.strip().capitalize()
        found.append(
            {
                "name": name,
                "title": title,
                "role": PEOPLE_ROLES[Role(assignment.role)],
                "email": user.email,
            }
        )
    return found


def _split_by_date(
    evidence: list[Evidence], start: datetime.date
) -> tuple[list[Evidence], list[Evidence]]:
    """(documents dated from `start` on or undated, documents dated before it)."""
    inside = [item for item in evidence if item.issued_on is None or item.issued_on >= start]
    before = [item for item in evidence if item.issued_on is not None and item.issued_on < start]
    return inside, before


def _short_citation(evidence) -> str:
    text = f"{evidence.doc_type} số {evidence.number_symbol}"
    if evidence.issued_on:
        day = evidence.issued_on
        text += f" ngày {day.day:02d}/{day.month:02d}/{day.year}"
    return text


def tidy(text: str) -> str:
    """Collapse what empty template branches leave: double spaces, ' ,', blank runs."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    text = "\n".join(lines)
    text = re.sub(r" +([,.;:)])", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    """A draft's template, compiled once per text (the checks draft every section on each
    page and autosave)."""
    return ENGINE.from_string(source)


def draft_section(section: OutlineSection, context: dict) -> str:
    if not section.draft.strip():
        return ""
    try:
        template = _compiled(section.draft)
    except TemplateSyntaxError as exc:
        raise DraftError(f"Mẫu soạn của mục {section.number} sai cú pháp: {exc}") from exc
    return tidy(template.render(Context(context)))


def draft_checked(context: DraftContext, section: OutlineSection) -> tuple[str, dict[str, str]]:
    """The section's draft and the figures it is drafted from; refused (DraftError) while a
    figure it prints has an error-level issue."""
    errors = blocking_errors(context.sheet, section)
    if errors:
        raise DraftError(refusal(section, errors, context.report))
    return draft_section(section, context.as_dict()), basis_for(context.sheet, section)


def draft_report(report: Report) -> dict[int, str]:
    """Drafted text for every outline section that has a draft, by section id."""
    context = DraftContext(report).as_dict()
    return {
        section.pk: text
        for section in report.template.outline.all()
        if (text := draft_section(section, context))
    }


def leaves(sections: list[OutlineSection]) -> list[OutlineSection]:
    """The outline items that hold text: those with no item under them."""
    return [
        section
        for section, following in zip(sections, [*sections[1:], None], strict=True)
        if following is None or following.level <= section.level
    ]


def empty_sections_issue(sheet: ReportSheet) -> Issue | None:
    """A warning naming the outline items that would go into the document with a heading
    and nothing under it: no text saved and nothing drafted from the figures."""
    report = sheet.report
    saved = {item.section_id for item in sheet.narrative if item.text.strip()}
    candidates = [s for s in leaves(sheet.outline) if s.pk not in saved]
    if not candidates:
        return None
    context: dict | None = None
    empty = []
    for section in candidates:
        if section.draft.strip():
            if context is None:
                context = DraftContext(report, sheet, comparisons=False).as_dict()
            try:
                if draft_section(section, context):
                    continue
            except DraftError:
                pass
        empty.append(section)
    if not empty:
        return None
    names = "; ".join(heading(section, report) for section in empty)
    return Issue(
        Severity.WARNING,
        f"{len(empty)} mục đề cương chưa có nội dung, văn bản sẽ chỉ có tiêu đề: {names}. "
        "Hãy viết nội dung (hoặc ghi rõ nếu không có) trước khi gửi báo cáo.",
    )


def drafts_live(report: Report) -> bool:
    """Whether the document drafts the sections nobody saved as it is rendered: only while it
    is marked DỰ THẢO. An approved report prints what was stored when it was approved
    (approve_report stores the drafts the approver was shown), never a draft made anew."""
    return report.status != Status.APPROVED


def section_texts(report: Report) -> dict[int, str]:
    """The text of each outline section for the document: what was saved, and while the
    report is not approved, the draft where nothing was saved."""
    saved = {item.section_id: item.text for item in report.narrative.all() if item.text.strip()}
    if not drafts_live(report):
        return saved
    drafted = draft_report(report)
    return {**drafted, **saved}


PendingDraft = tuple[OutlineSection, str, dict[str, str]]


def unsaved_drafts(report: Report) -> list[PendingDraft]:
    """The sections nobody saved that a draft fills, each with its drafted text and the
    figures it is drafted from: what approval stores, and what the approval page shows.
    Raises DraftError when a figure such a section prints has an error."""
    saved = {item.section_id for item in report.narrative.all() if item.text.strip()}
    context = DraftContext(report)
    found = []
    for section in report.template.outline.all():
        if section.pk in saved or not section.draft.strip():
            continue
        text, basis = draft_checked(context, section)
        if text:
            found.append((section, text, basis))
    return found


def drafts_version(drafts: list[PendingDraft]) -> str:
    """A short fingerprint of the drafts shown, so approval stores exactly what was read (the
    comparisons with other reports may change between reading and confirming)."""
    digest = hashlib.sha256()
    for section, text, _ in drafts:
        digest.update(f"{section.pk}\0{text}\0".encode())
    return digest.hexdigest()[:16]
