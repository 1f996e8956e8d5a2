"""Which one-stop regime applies to a dossier: the one in force on its receipt date
(data/regimes.yaml: NĐ 61/2018 and TT 01/2018 until 30/6/2025, NĐ 118/2025 and TT 03/2025
from 1/7/2025)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from cchc.catalog.loader import SafeLoader

FILE = Path(__file__).parent / "data" / "regimes.yaml"


@dataclass(frozen=True)
class Regime:
    start: datetime.date
    end: datetime.date | None
    decree: str
    circular: str
    apology: str  # the form of the apology letter for an overdue dossier

    @property
    def name(self) -> str:
        return f"{self.decree} và {self.circular}"


@functools.cache
def regimes() -> tuple[Regime, ...]:
    rows = yaml.load(FILE.read_text(encoding="utf-8"), Loader=SafeLoader)
    return tuple(
        Regime(row["from"], row.get("until"), row["decree"], row["circular"], row["apology"])
        for row in rows
    )


def regime_on(day: datetime.date) -> Regime | None:
    """The regime in force on `day` (None before the first one)."""
    for regime in regimes():
        if regime.start <= day and (regime.end is None or day <= regime.end):
            return regime
    return None
