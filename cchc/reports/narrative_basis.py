"""The figures a drafted narrative section was written from, and whether they still hold.

A section drafted from the figures stores them as printed (its `basis`). When a figure
changes afterwards the section is out of date: a warning that blocks submission until the
reporter redrafts the section or confirms the text. A figure with an error-level issue may
not be drafted from at all."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core import signing

from cchc.catalog.checks import Issue
from cchc.catalog.models import Indicator, OutlineSection, Severity
from cchc.catalog.values import display_value
from cchc.reports.words import outline_title

if TYPE_CHECKING:
    from cchc.reports.models import NarrativeText
    from cchc.reports.sheet import ReportSheet

# The names of the drafting context that carry this report's figures (drafting.DraftContext):
# v (as printed), z (zero-padded), n (numbers), cmp / cmp_year (comparisons). Notes and
# evidence (note., doc.) are not figures.
FIGURE_NAMES = re.compile(r"\b(?:v|z|n|cmp|cmp_year)\.([A-Za-z_][A-Za-z0-9_]*)")


def figure_keys(section: OutlineSection, known: set[str] | dict[str, Indicator]) -> list[str]:
    """Indicator keys the section's draft sentence reads, in order of first use."""
    return [key for key in dict.fromkeys(FIGURE_NAMES.findall(section.draft or "")) if key in known]


def printed(sheet: ReportSheet, indicator: Indicator) -> str:
    """A figure as the draft prints it (entered, derived or register-fed alike)."""
    if indicator.is_numeric:
        return display_value(indicator, sheet.numbers.get(indicator.key))
    value = sheet.value_of(indicator)
    return display_value(indicator, value.content if value else None)


def basis_for(sheet: ReportSheet, section: OutlineSection) -> dict[str, str]:
    """The section's figures as printed now: what a draft made now is written from."""
    by_key = sheet.by_key
    return {key: printed(sheet, by_key[key]) for key in figure_keys(section, by_key)}


def blocking_errors(sheet: ReportSheet, section: OutlineSection) -> list[Issue]:
    """Error-level issues on figures the section would print. A required figure that is
    simply missing is not one: the draft sentences leave absent figures out."""
    keys = set(figure_keys(section, sheet.by_key))
    by_key = sheet.by_key

    def about_figures(issue: Issue) -> bool:
        return all(key in by_key and printed(sheet, by_key[key]) for key in issue.keys)

    return [
        issue
        for issue in sheet.checked_issues
        if issue.is_error and set(issue.keys) & keys and about_figures(issue)
    ]


def heading(section: OutlineSection, report) -> str:
    """'1.1.1. Về kế hoạch CCHC', with the period filled in as the page shows it."""
    return f"{section.number} {outline_title(section.title, report)}"


def refusal(section: OutlineSection, errors: list[Issue], report) -> str:
    return (
        f"Chưa soạn được mục {heading(section, report)} vì số liệu của mục còn lỗi: "
        + " ".join(issue.message for issue in errors)
        + " Hãy sửa số liệu trước."
    )


def changes(sheet: ReportSheet, item: NarrativeText) -> list[tuple[Indicator, str, str]]:
    """(indicator, printed when drafted, printed now) for each figure that changed."""
    found = []
    for key, before in (item.basis or {}).items():
        indicator = sheet.by_key.get(key)
        if indicator is None:
            continue
        now = printed(sheet, indicator)
        if now != before:
            found.append((indicator, before, now))
    return found


def stale_issues(sheet: ReportSheet) -> dict[int, Issue]:
    """A warning for each drafted section whose figures changed since it was drafted or
    confirmed (only sections that still have text), by section id."""
    issues = {}
    for item in sheet.narrative:
        if not item.text.strip() or not item.basis:
            continue
        found = changes(sheet, item)
        if not found:
            continue
        section = item.section
        figures = "; ".join(
            f"{indicator.quoted_label} {before or '(trống)'} → {now or '(trống)'}"
            for indicator, before, now in found
        )
        issues[section.pk] = Issue(
            Severity.WARNING,
            f"Mục {heading(section, sheet.report)} được soạn từ số liệu đã thay đổi "
            f"({figures}): hãy soạn lại mục này hoặc xác nhận nội dung vẫn đúng.",
            tuple(indicator.key for indicator, _, _ in found),
        )
    return issues


BASIS_SALT = "cchc.narrative.basis"


def sign_basis(report, section: OutlineSection, basis: dict[str, str]) -> str:
    """The figures of a draft handed to the page, signed so that only a draft made here can
    set a section's basis."""
    return signing.dumps({"r": report.pk, "s": section.pk, "b": basis}, salt=BASIS_SALT)


def read_basis(token: str, report, section: OutlineSection) -> dict[str, str] | None:
    """The figures of a signed draft of this very section, or None."""
    try:
        data = signing.loads(token, salt=BASIS_SALT)
    except signing.BadSignature:
        return None
    if data.get("r") != report.pk or data.get("s") != section.pk:
        return None
    basis = data.get("b")
    return basis if isinstance(basis, dict) else None
