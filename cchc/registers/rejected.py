"""The rows an import refused or skipped, as an XLSX to fix and upload again: each row as the
source file has it (its own columns and values), its line number in the file, and every
reason cchc gave for it. Kept beside the upload (mapping.uploads_dir) for a day, for the user
who uploaded the file only."""

from __future__ import annotations

import io
from pathlib import Path

import pandas
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.base.tables import RowError
from cchc.base.xlsx import FONT_NAME
from cchc.org.models import Unit
from cchc.registers.mapping import REJECTED_SUFFIX, new_upload, upload_info, uploads_dir

LINE = "Dòng trong tệp"
REASONS = "Lý do"
# A cell beginning with one of these would be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@")


def reasons_by_row(errors: list[RowError]) -> dict[int, list[str]]:
    """Each row's reasons in the order found, a repeated one once."""
    out: dict[int, list[str]] = {}
    for error in errors:
        reason = f"Cột «{error.column}»: {error.message}"
        reasons = out.setdefault(error.row, [])
        if reason not in reasons:
            reasons.append(reason)
    return out


def _unique(name: str, taken: list[str]) -> str:
    while name in taken:
        name += " (cchc)"
    return name


def rejected_rows_xlsx(frame: pandas.DataFrame, errors: list[RowError]) -> bytes:
    """`frame` as read_table read the source file (its index is the line number less 2);
    rows named by no error are left out. Written cell by cell as text."""
    by_row = reasons_by_row(errors)
    columns = [str(column) for column in frame.columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dòng bị từ chối")
    sheet.freeze_panes = "B2"
    bold = Font(name=FONT_NAME, bold=True)
    plain = Font(name=FONT_NAME)
    wrap = Alignment(wrap_text=True, vertical="top")
    for place, width in enumerate([12, *([18] * len(columns)), 60]):
        sheet.column_dimensions[get_column_letter(place + 1)].width = width

    def cell(value: object, font: Font = plain, alignment: Alignment | None = None):
        out = WriteOnlyCell(sheet, value=value)
        out.font = font
        if alignment is not None:
            out.alignment = alignment
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            out.data_type = "s"  # text, not a formula, and kept so when edited
            out.quotePrefix = True
        return out

    header = [LINE, *columns, _unique(REASONS, columns)]
    sheet.append(
        [cell(_unique(name, columns) if i == 0 else name, bold) for i, name in enumerate(header)]
    )
    lines = frame.index.to_numpy() + 2
    position = pandas.Index(lines)
    for row in sorted(by_row):
        found = position.get_indexer([row])[0]
        values = (
            ["" for _ in columns] if found < 0 else [str(v) for v in frame.iloc[found].tolist()]
        )
        sheet.append(
            [
                cell(row),
                *(cell(value) for value in values),
                cell("\n".join(by_row[row]), alignment=wrap),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def keep_rejected(token: str, frame: pandas.DataFrame, errors: list[RowError]) -> bool:
    """Write the rejected rows of the upload `token` (replacing an earlier try's); False
    when no error names a row (a missing column, an unreadable file)."""
    path = uploads_dir() / f"{token}{REJECTED_SUFFIX}"
    if not errors:
        path.unlink(missing_ok=True)
        return False
    path.write_bytes(rejected_rows_xlsx(frame, errors))
    return True


def keep_rejected_of_file(
    frame: pandas.DataFrame, errors: list[RowError], filename: str, unit: Unit, kind: str, user
) -> str | None:
    """keep_rejected for a file imported straight away (no upload kept): the new token."""
    if not errors:
        return None
    pending = new_upload(filename, unit, kind, user)
    keep_rejected(pending.token, frame, errors)
    return pending.token


def rejected_file(token: str, unit: Unit, user) -> tuple[Path, str] | None:
    """The rejected rows of the upload `token` and the name to download them under, for the
    user who uploaded it for this unit only."""
    info = upload_info(token, unit, user)
    path = uploads_dir() / f"{token}{REJECTED_SUFFIX}"
    if info is None or not path.exists():
        return None
    return path, f"{Path(info['filename']).stem}-dong-bi-tu-choi.xlsx"
