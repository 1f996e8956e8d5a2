"""What a publication freezes of a consolidation: per indicator its place in the template, its
label and unit, the consolidated value as decimal text and how many units gave a figure, plus
the counted and expected unit counts. Aggregates only: no unit's own value, no person."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cchc.catalog.models import Consolidation, Indicator
from cchc.catalog.values import format_number
from cchc.consolidation.consolidated import rule_label
from cchc.consolidation.engine import Consolidated, places


@dataclass(frozen=True)
class Snapshot:
    rows: list[dict[str, Any]]
    units_counted: int
    units_expected: int
    fingerprint: str


def decimal_text(value: Decimal | None, decimals: int) -> str | None:
    """The value rounded as the page shows it, in plain digits with a dot: "86.96", "46",
    "-3.5"; None for no value (never a zero)."""
    if value is None:
        return None
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "0"
    return format(rounded.normalize(), "f")


def _parents(result: Consolidated) -> dict[str, str]:
    """Each indicator's parent row label (the nearest row above it, in its section, at a
    lower indent level), so that "- Số TTHC áp dụng tại cơ quan" keeps its context."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    section = None
    for indicator in result.template.indicators.order_by("order"):
        if indicator.section_id != section:
            section, stack = indicator.section_id, []
        while stack and stack[-1][0] >= indicator.level:
            stack.pop()
        parents[indicator.key] = stack[-1][1] if stack else ""
        stack.append((indicator.level, indicator.label.strip().rstrip(":").strip()))
    return parents


def unit_of_measure(indicator: Indicator) -> str:
    """What a consolidated value counts: for a yes/no row counted over units, the number of
    units answering yes (not the template's coding "Không = 0 Có = 1")."""
    if indicator.is_derived:
        return indicator.unit
    if indicator.consolidation == Consolidation.COUNT_TRUE:
        yes = next((c["label"] for c in indicator.choices if str(c.get("value")) == "1"), "Có")
        return f"Số đơn vị trả lời «{yes}»"
    if indicator.consolidation == Consolidation.COUNT:
        return "Số đơn vị có số liệu"
    return indicator.unit


def take_snapshot(result: Consolidated) -> Snapshot:
    sections = {section.pk: section for section in result.template.sections.all()}
    parents = _parents(result)
    rows = []
    for indicator in result.indicators:
        if indicator.key not in result.values:  # "không tổng hợp": nothing to publish
            continue
        decimals = places(indicator)
        section = sections[indicator.section_id]
        rows.append(
            {
                "key": indicator.key,
                "section": section.code,
                "section_title": section.title,
                "item": indicator.ref,
                "stt": indicator.stt,
                "level": indicator.level,
                "parent": parents.get(indicator.key, ""),
                "label": indicator.label,
                "unit": unit_of_measure(indicator),
                "method": rule_label(indicator),
                "value": decimal_text(result.values[indicator.key], decimals),
                "places": decimals,
                "contributors": result.contributors(indicator.key),
            }
        )
    counted, expected = len(result.counted), len(result.parts)
    canonical = json.dumps(
        {
            "rows": rows,
            "counted": counted,
            "expected": expected,
            "template": result.template.pk,
            "include": result.include,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Snapshot(rows, counted, expected, fingerprint)


def json_number(text: str | None) -> int | float | None:
    """A published value as a JSON number: 46, 86.96; None stays null."""
    if text is None:
        return None
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def shown_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The published rows laid out for a page: a heading row where a section starts, a
    context row where the parent changes to one that is not itself published, and the value
    in Vietnamese format ("704.700", "86,96"; "" for no value)."""
    published = {row["label"].strip().rstrip(":").strip() for row in rows}
    laid_out: list[dict[str, Any]] = []
    section = parent = None
    for row in rows:
        if row["section"] != section:
            section, parent = row["section"], None
            laid_out.append({"heading": f"{row['section']}. {row['section_title']}"})
        if row["parent"] != parent:
            parent = row["parent"]
            if parent and parent not in published:
                laid_out.append({"context": parent, "level": max(row["level"] - 1, 0)})
        value = row["value"]
        shown = "" if value is None else format_number(Decimal(value), row["places"])
        laid_out.append({**row, "shown": shown})
    return laid_out
