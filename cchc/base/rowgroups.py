"""Row errors told once per problem: when many rows share the same column and message (the
same value refused for the same reason), one line gives how many rows and which, instead of
one identical line per row. The per-row list stays in ImportRejected.errors and
ImportResult.skipped."""

from __future__ import annotations

from cchc.base.tables import RowError

SHOWN_ROWS = 5  # row numbers written out in a grouped line before "… và N dòng khác"


def row_list(rows: list[int]) -> str:
    """'dòng 2, 3 và 7', or 'dòng 2, 3, 4, 5, 6… và 195 dòng khác'."""
    if len(rows) == 1:
        return f"dòng {rows[0]}"
    if len(rows) <= SHOWN_ROWS:
        return f"dòng {', '.join(map(str, rows[:-1]))} và {rows[-1]}"
    shown = ", ".join(map(str, rows[:SHOWN_ROWS]))
    return f"dòng {shown}… và {len(rows) - SHOWN_ROWS} dòng khác"


def grouped(errors: list[RowError]) -> list[str]:
    """One line per (column, message), in the order of each group's first row."""
    groups: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        groups.setdefault((error.column, error.message), []).append(error.row)
    lines = []
    for (column, message), rows in groups.items():
        rows = sorted(set(rows))
        if len(rows) == 1:
            lines.append(str(RowError(rows[0], column, message)))
        else:
            lines.append(f"Cột «{column}», {len(rows)} dòng ({row_list(rows)}): {message}")
    return lines
