"""The registry of register sources: the named queries a template indicator is filled from
(`source:` in the template YAML).

The apps that keep registers add theirs when Django starts (their AppConfig.ready() imports
their `sources` module, which calls `register`), so the catalogue validates `source:` names
and the reports pre-fill values without importing those apps."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

# (unit, start, end) -> the figure, or None when the register holds no rows for the period
# (what that means is written in each source module's docstring).
Source = Callable[[Any, datetime.date, datetime.date], Decimal | None]

SOURCES: dict[str, tuple[str, Source]] = {}


def register(sources: dict[str, tuple[str, Source]]) -> None:
    """Add (label, query) entries by name; a name may belong to one query only."""
    for name, entry in sources.items():
        known = SOURCES.get(name)
        if known is not None and known != entry:
            raise ValueError(f"Register source {name!r} is registered twice.")
        SOURCES[name] = entry


def names() -> set[str]:
    return set(SOURCES)


def register_value(
    name: str, unit: Any, start: datetime.date, end: datetime.date
) -> Decimal | None:
    return SOURCES[name][1](unit, start, end)
