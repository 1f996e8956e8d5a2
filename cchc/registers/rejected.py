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
from cchc.base.xlsx import FONT_NAME, FORMULA_STARTS
from cchc.org.models import Unit
from cchc.registers.uploads import REJECTED_SUFFIX, new_upload, upload_info, uploads_dir

LINE = "Dòng trong tệp"
REASONS = "Lý do"
MAX_ROWS = 50_000  # written to the file; a file refused whole is fixed a part at a time


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
    rows named by no error are left out, and rows past MAX_ROWS are counted in a last line."""
    by_row = reasons_by_row(errors)
    columns = [str(column) for column in frame.columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dòng bị từ chối")
    sheet.freeze_panes = "B2"
    for place, width in enumerate([12, *([18] * len(columns)), 60]):
        sheet.column_dimensions[get_column_letter(place + 1)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: object, **style: object) -> object:
        """The value itself, or a cell when it needs a style or must stay text."""
        formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        if not formula_like and not style:
            return value
        out = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(out, name, setting)
        if formula_like:
            out.data_type = "s"  # text, not a formula, and kept so when edited
            out.quotePrefix = True
        return out

    bold = Font(name=FONT_NAME, bold=True)
    sheet.append(
        [
            cell(name, font=bold)
            for name in [_unique(LINE, columns), *columns, _unique(REASONS, columns)]
        ]
    )
    rows = sorted(by_row)
    written = rows[:MAX_ROWS]
    positions = pandas.Index(frame.index + 2).get_indexer(written)
    found = positions[positions >= 0]
    cells = dict(
        zip(found.tolist(), frame.iloc[found].itertuples(index=False, name=None), strict=True)
    )
    blank = ("",) * len(columns)
    for row, position in zip(written, positions.tolist(), strict=True):
        values = cells.get(position, blank)  # blank: a line the table does not have
        sheet.append(
            [
                row,
                *(cell(str(value)) for value in values),
                cell("\n".join(by_row[row]), alignment=wrap),
            ]
        )
    if len(rows) > MAX_ROWS:
        sheet.append(
            [
                None,
                f"… và {len(rows) - MAX_ROWS} dòng bị từ chối khác, không ghi vào tệp này (tối đa "
                f"{MAX_ROWS} dòng): sửa các dòng trên rồi nhập lại để xem tiếp.",
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
