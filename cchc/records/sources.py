"""Register queries over the CCHC work registers, for `source:` in the template YAML (merged
into cchc.registers.sources.SOURCES)."""

from __future__ import annotations

SOURCES: dict = {}
