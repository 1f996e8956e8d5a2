"""Validation of a report's values against its template, with Vietnamese messages
that name the indicators concerned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cchc.catalog.formulas import evaluate, expression_names
from cchc.catalog.models import Indicator, Rule, Severity, ValueType
from cchc.catalog.values import rate_words


@dataclass(frozen=True)
class Issue:
    severity: str
    message: str
    keys: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def check_values(
    indicators: list[Indicator],
    rules: list[Rule],
    numbers: dict[str, Decimal | None],
    filled: set[str],
) -> list[Issue]:
    """Issues of a report: missing required values, out-of-range percentages, broken rules.

    `numbers` holds numeric values (entered and derived); `filled` the keys that have
    any value at all (text and dates included).
    """
    issues: list[Issue] = []
    for indicator in indicators:
        key = indicator.key
        if indicator.required and not indicator.is_derived and key not in filled:
            issues.append(
                Issue(
                    Severity.ERROR,
                    f"Chưa nhập chỉ tiêu bắt buộc {indicator.quoted_label}.",
                    (key,),
                )
            )
        value = numbers.get(key)
        if (
            indicator.value_type == ValueType.PERCENT
            and value is not None
            and not 0 <= value <= 100
        ):
            issues.append(
                Issue(
                    Severity.ERROR,
                    f"Tỷ lệ {indicator.quoted_label} là {rate_words(value)}, "
                    "phải nằm trong khoảng từ 0 đến 100.",
                    (key,),
                )
            )
    for rule in rules:
        names = expression_names(rule.expression)
        if any(numbers.get(name) is None for name in names):
            continue
        outcome = evaluate(rule.expression, numbers)
        # None: the rule cannot be judged (a division by zero), so it is not broken either.
        if outcome is not None and not outcome:
            issues.append(Issue(rule.severity, rule.message, tuple(sorted(names))))
    return issues
