"""A report's values laid out by its template: what the entry page, the checks and the
workflow read. One object loads everything in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from cchc.base.sources import family_of
from cchc.catalog.checks import Issue, check_values
from cchc.catalog.formulas import compute_derived
from cchc.catalog.models import Indicator, OutlineSection, Section, Severity
from cchc.catalog.values import display_value
from cchc.reports.models import Evidence, NarrativeText, Report, Value, value_version
from cchc.reports.narrative_basis import stale_issues


@dataclass
class Row:
    indicator: Indicator
    value: Value | None
    previous: Value | None
    evidence: list[Evidence] = field(default_factory=list)
    derived: Decimal | None = None

    @property
    def display(self) -> str:
        if self.indicator.is_derived:
            return display_value(self.indicator, self.derived)
        return display_value(self.indicator, self.value.content if self.value else None)

    @property
    def previous_display(self) -> str:
        return display_value(self.indicator, self.previous.content if self.previous else None)

    @property
    def register_display(self) -> str:
        number = self.value.register_number if self.value else None
        return display_value(self.indicator, number)

    @property
    def overridden(self) -> bool:
        """The value differs from the figure its register gives (typed before or after)."""
        if self.value is None or self.value.register_number is None:
            return False
        return self.value.content != self.value.register_number

    @property
    def needs_reason(self) -> bool:
        return self.overridden and not self.value.override_reason.strip()  # type: ignore[union-attr]

    @property
    def source_label(self) -> str:
        """Beside a value its register feeds: where the figure comes from ("" when the
        register gave none)."""
        if self.value is None or self.value.register_number is None:
            return ""
        origin = "số liệu tổng hợp" if family_of(self.indicator.source) else "sổ theo dõi"
        if self.needs_reason:
            return f"Khác {origin} ({self.register_display}): cần ghi lý do"
        if self.overridden:
            return f"Đã sửa; {origin}: {self.register_display}"
        return "Tổng hợp từ các đơn vị" if family_of(self.indicator.source) else "Từ sổ theo dõi"

    @property
    def note(self) -> str:
        return self.value.note if self.value else ""

    @property
    def version(self) -> str:
        """What the page's autosave sends back, so that a write over a newer value is refused."""
        return value_version(self.value)

    @property
    def appendix_note(self) -> str:
        """The appendix's Ghi chú: the value's note, then each cited document as officials
        cite it ("Kế hoạch số 02/KH-STTTT ngày 27/01/2022 của Sở … về việc …"), one a line."""
        note = self.note
        # A note that already cites a document by its number and symbol (as the seeds' notes
        # do: "Đề án 02/ĐA-STTTT ngày …") does not repeat it.
        cited = [
            str(item)
            for item in self.evidence
            if not item.number_symbol or item.number_symbol.casefold() not in note.casefold()
        ]
        return "\n".join(part for part in (note, *cited) if part)


class ReportSheet:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.indicators = list(report.template.indicators.select_related("section"))
        self.values = {v.indicator_id: v for v in report.values.all()}
        self.previous_report = self._previous_report()
        self.previous_values = (
            {v.indicator.key: v for v in self.previous_report.values.select_related("indicator")}
            if self.previous_report
            else {}
        )
        self.evidence: dict[int, list[Evidence]] = {}
        for item in report.evidence.all():
            self.evidence.setdefault(item.indicator_id, []).append(item)

    def _previous_report(self) -> Report | None:
        previous_period = self.report.period.previous()
        if previous_period is None:
            return None
        return Report.objects.filter(unit=self.report.unit, period=previous_period).first()

    def value_of(self, indicator: Indicator) -> Value | None:
        return self.values.get(indicator.pk)

    @cached_property
    def entered_numbers(self) -> dict[str, Decimal | None]:
        numbers: dict[str, Decimal | None] = {}
        for indicator in self.indicators:
            value = self.values.get(indicator.pk)
            if indicator.is_numeric and not indicator.is_derived:
                numbers[indicator.key] = value.number if value else None
        return numbers

    @cached_property
    def derived(self) -> dict[str, Decimal | None]:
        formulas = {i.key: i.formula for i in self.indicators if i.is_derived}
        places = {i.key: i.decimals for i in self.indicators if i.is_derived}
        return compute_derived(formulas, self.entered_numbers, places)

    @cached_property
    def numbers(self) -> dict[str, Decimal | None]:
        return {**self.entered_numbers, **self.derived}

    @cached_property
    def by_key(self) -> dict[str, Indicator]:
        return {i.key: i for i in self.indicators}

    @cached_property
    def narrative(self) -> list[NarrativeText]:
        return list(self.report.narrative.select_related("section"))

    @cached_property
    def checked_issues(self) -> list[Issue]:
        """The template's checks on the values (required, ranges, rules)."""
        filled = {
            i.key
            for i in self.indicators
            if (value := self.values.get(i.pk)) is not None and value.content is not None
        }
        rules = list(self.report.template.rules.all())
        return check_values(self.indicators, rules, self.numbers, filled) + self._overrides()

    def _overrides(self) -> list[Issue]:
        """A value that differs from its register figure without a reason is an error,
        whether it was typed before the register existed or after."""
        issues = []
        for indicator in self.indicators:
            value = self.values.get(indicator.pk)
            if value is None or value.register_number is None or value.override_reason.strip():
                continue
            if value.content != value.register_number:
                typed = display_value(indicator, value.content) or "(trống)"
                registered = display_value(indicator, value.register_number)
                issues.append(
                    Issue(
                        Severity.ERROR,
                        f"Chỉ tiêu {indicator.quoted_label} là {typed}, khác số liệu sổ theo "
                        f"dõi ({registered}): ghi lý do hoặc sửa cho khớp sổ theo dõi.",
                        (indicator.key,),
                    )
                )
        return issues

    @cached_property
    def stale_sections(self) -> dict[int, Issue]:
        """Drafted narrative sections whose figures changed since, by section id (warnings
        that block submission until redrafted or confirmed)."""
        return stale_issues(self)

    @property
    def stale(self) -> list[Issue]:
        return list(self.stale_sections.values())

    @cached_property
    def outline(self) -> list[OutlineSection]:
        return list(self.report.template.outline.all())

    @cached_property
    def empty_sections(self) -> Issue | None:
        """A warning naming the outline items with nothing to print (drafting.py)."""
        from cchc.reports.drafting import empty_sections_issue  # drafting reads the sheet

        return empty_sections_issue(self)

    @cached_property
    def issues(self) -> list[Issue]:
        empty = [self.empty_sections] if self.empty_sections else []
        return [*self.checked_issues, *self.stale, *empty]

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def blocking(self) -> list[Issue]:
        """What stops submission: errors, and narrative drafted from figures since changed."""
        return [*self.errors, *self.stale]

    def rows(self) -> list[tuple[Section, list[Row]]]:
        grouped: dict[int, tuple[Section, list[Row]]] = {}
        for indicator in self.indicators:
            section_rows = grouped.setdefault(indicator.section_id, (indicator.section, []))[1]
            section_rows.append(
                Row(
                    indicator=indicator,
                    value=self.values.get(indicator.pk),
                    previous=self.previous_values.get(indicator.key),
                    evidence=self.evidence.get(indicator.pk, []),
                    derived=self.derived.get(indicator.key),
                )
            )
        return list(grouped.values())

    def derived_display(self) -> dict[str, str]:
        by_key = {i.key: i for i in self.indicators}
        return {key: display_value(by_key[key], value) for key, value in self.derived.items()}
