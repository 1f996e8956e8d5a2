"""One rule for a rate written in words, the seeds' ("86,96%", "23,6%", "100%"), through one
helper (catalog.values.rate_words) in drafts, their footnotes and the province's drafts."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context

from cchc.catalog.models import Indicator, ValueType
from cchc.catalog.values import percent_of, rate_words
from cchc.consolidation.drafting import _ranked
from cchc.reports.drafting import ENGINE, DraftContext, compare, draft_section

BUILTIN = Path(__file__).resolve().parents[1] / "cchc" / "catalog" / "builtin"


@pytest.mark.parametrize(
    "value, words",
    [
        (Decimal(40) / Decimal(46) * 100, "86,96%"),  # seed 004
        (Decimal("23.60"), "23,6%"),  # seed 003's footnote
        (Decimal(100), "100%"),  # seed 000
        (Decimal("26.0000"), "26%"),
        (Decimal("98.899"), "98,9%"),
        (Decimal("0.004"), "0%"),
        (None, ""),
    ],
)
def test_rate_words_follow_the_seeds(value, words):
    assert rate_words(value) == words


def test_percent_of_rounds_like_every_other_rate():
    assert percent_of(73, 130) == "56,15%"  # not the "56%" widthratio gave
    assert percent_of(Decimal(1), Decimal(2)) == "50%"
    assert percent_of(5, 0) == ""
    assert percent_of(None, 10) == ""


def test_the_filters_write_rates_in_a_draft():
    template = ENGINE.from_string("{{ a|rate }} / {{ b|percent_of:c }} / [{{ d|rate }}]")
    text = template.render(
        Context({"a": Decimal("86.956"), "b": Decimal(55), "c": Decimal(101), "d": None})
    )
    assert text == "86,96% / 54,46% / []"


@pytest.mark.parametrize("path", sorted(BUILTIN.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_built_in_draft_writes_a_rate_by_hand(path):
    """Every rate a built-in draft prints goes through the filters: no "{{ v.x }}%" (the
    value's own formatting) and no widthratio (which rounds to a whole number)."""
    text = path.read_text(encoding="utf-8")
    assert not re.findall(r"\}\}\s?%", text)
    assert "widthratio" not in text
    assert "|rate }}" in text


def test_a_drafted_online_rate_has_two_decimals(complete_report):
    section = next(
        s for s in complete_report.template.outline.all() if "percent_of" in (s.draft or "")
    )
    context = DraftContext(complete_report).as_dict()
    figures = {
        "online_dossiers_received": Decimal(73),
        "online_procedures_dossiers_total": Decimal(130),
    }
    context["n"] = {**context["n"], **figures}
    context["z"] = {
        **context["z"],
        "online_dossiers_received": "73",
        "online_procedures_dossiers_total": "130",
    }
    text = draft_section(section, context)
    assert "tiếp nhận trực tuyến 73/130 hồ sơ" in text
    assert "(đạt tỷ lệ 56,15%)" in text


def test_the_plan_rate_is_drafted_by_the_rule(complete_report):
    drafted = " ".join(
        draft_section(s, DraftContext(complete_report).as_dict())
        for s in complete_report.template.outline.all()
        if "plan_completion_rate|rate" in (s.draft or "")
    )
    assert "đạt tỷ lệ 86,96%" in drafted


def test_a_count_compared_gives_its_share_by_the_rule():
    integer = Indicator(key="x", label="x", value_type=ValueType.INTEGER)
    assert compare(integer, Decimal(203), Decimal(130), "quý II năm 2022") == (
        "tăng 73 (56,15%) so với quý II năm 2022"
    )


def test_the_province_names_its_best_and_worst_units_by_the_rule():
    class Part:
        def __init__(self, pk, name):
            self.unit = type("U", (), {"pk": pk, "name": name})()

    rate = Indicator(key="r", label="r", value_type=ValueType.PERCENT)

    class Result:
        parts = [Part(1, "Sở A"), Part(2, "Sở B")]
        indicators = {"r": rate}
        unit_values = {"r": {1: Decimal(56), 2: Decimal(40) / Decimal(46) * 100}}

    best, worst = _ranked(Result())  # type: ignore[arg-type]
    assert best == {"r": "Sở B (86,96%)"}
    assert worst == {"r": "Sở A (56%)"}
