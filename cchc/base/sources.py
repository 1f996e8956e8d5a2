"""The registry of register sources: the named queries a template indicator is filled from
(`source:` in the template YAML).

The apps that keep registers add theirs when Django starts (their AppConfig.ready() imports
their `sources` module, which calls `register`), so the catalogue validates `source:` names
and the reports pre-fill values without importing those apps."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Callable, Hashable, Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")

# (unit, start, end) -> the figure, or None when the register holds no rows for the period
# (what that means is written in each source module's docstring).
Source = Callable[[Any, datetime.date, datetime.date], Decimal | None]

SOURCES: dict[str, tuple[str, Source]] = {}

# A family answers every name "prefix.rest" (e.g. units.plan_tasks_total, the figure of the
# units below a province): (rest, unit, start, end) -> the figure.
FamilySource = Callable[[str, Any, datetime.date, datetime.date], Decimal | None]
FAMILIES: dict[str, tuple[str, FamilySource, Callable[[str], bool]]] = {}


def register(sources: dict[str, tuple[str, Source]]) -> None:
    """Add (label, query) entries by name; a name may belong to one query only."""
    for name, entry in sources.items():
        known = SOURCES.get(name)
        if known is not None and known != entry:
            raise ValueError(f"Register source {name!r} is registered twice.")
        SOURCES[name] = entry


def register_family(
    prefix: str, label: str, query: FamilySource, accepts: Callable[[str], bool]
) -> None:
    """Add a family of sources answering the names "prefix.rest" whose rest it `accepts`."""
    known = FAMILIES.get(prefix)
    if known is not None and known != (label, query, accepts):
        raise ValueError(f"Source family {prefix!r} is registered twice.")
    FAMILIES[prefix] = (label, query, accepts)


def names() -> set[str]:
    return set(SOURCES)


def is_known(name: str) -> bool:
    """Whether `name` is a source: a registered one, or one of a family's."""
    return name in SOURCES or family_of(name) is not None


def family_of(name: str) -> str | None:
    prefix, _, rest = name.partition(".")
    if name in SOURCES or prefix not in FAMILIES or not FAMILIES[prefix][2](rest):
        return None
    return prefix


def label(name: str) -> str:
    family = family_of(name)
    return FAMILIES[family][0] if family else SOURCES[name][0]


def register_value(
    name: str, unit: Any, start: datetime.date, end: datetime.date
) -> Decimal | None:
    family = family_of(name)
    if family is not None:
        return FAMILIES[family][1](name.partition(".")[2], unit, start, end)
    return SOURCES[name][1](unit, start, end)


def register_values(
    names: Iterable[str], unit: Any, start: datetime.date, end: datetime.date
) -> dict[str, Decimal | None]:
    """Several sources over one window, sharing their queries: sources reading the same
    register aggregate (the window's dossier figures, one model's counts…) run it once, so
    a whole template costs one query per register aggregate, not one per indicator."""
    with shared_queries():
        return {name: register_value(name, unit, start, end) for name in names}


# The results of register aggregates while a shared_queries() block runs; None outside one,
# where every source reads the database afresh (registers change between two calls).
_shared: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "shared_register_queries", default=None
)


@contextlib.contextmanager
def shared_queries() -> Iterator[None]:
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, run once per key inside a shared_queries() block. The key must name
    everything the result depends on (the aggregate, the unit, the window)."""
    cache = _shared.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]
