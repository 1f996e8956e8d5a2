"""Reading an uploaded table (CSV or XLSX) as text cells, and the row errors and results of
importing it: shared by the dossier/catalogue imports and the work registers' imports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas

from cchc.base import legacy_text, sniff
from cchc.base.office import UnsafeOfficeFile, check_office_zip

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
LEGACY_SAMPLE_ROWS = 500  # rows of a sheet looked at for legacy font text


class ImportRejected(ValueError):
    """The file cannot be imported as it is; `errors` says where and why."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the file, title rows above the header counted
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột «{self.column}»: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: list[RowError] = field(default_factory=list)
    # What was imported but deserves a look (e.g. codes missing from the TTHC catalogue).
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"Đã nhập {self.created} mới, cập nhật {self.updated}"
        if self.skipped:
            text += f"; bỏ qua {len({e.row for e in self.skipped})} dòng lỗi"
        return text + "."


def read_table(
    source: Path | bytes,
    filename: str,
    expected: Iterable[str] = (),
    *,
    header_row: int | None = None,
) -> pandas.DataFrame:
    """Every cell as text (empty string for a blank), header row as column names.

    The header is found among the first rows (sniff.find_header, helped by the column names
    the caller knows, `expected`); title rows above it are dropped. The index is each row's
    place in the file as the user sees it, less 2: with the header on row 1, index 0 is row
    2. `attrs["header_row"]` is the header's own row number. `header_row` given (the user
    chose it on the mapping page): that row is the header, whatever the file's first rows.
    Text typed with the legacy TCVN3 or VNI fonts comes out in Unicode, and
    `attrs["warnings"]` then says so (for the importer to pass on in ImportResult.warnings)."""
    data = _read_bytes(source, filename)
    try:
        if _is_excel(filename):
            frame, header_row, legacy = _read_excel(data, expected, header_row)
        else:
            layout = sniff.csv_layout(data, filename, expected)
            header_row, legacy = header_row or layout.header_row, layout.legacy
            frame = pandas.read_csv(
                io.BytesIO(layout.data),
                dtype=str,
                sep=layout.separator,
                encoding="utf-8",
                skiprows=header_row - 1,
                keep_default_na=False,
                skipinitialspace=True,
                skip_blank_lines=False,
            )
            frame.index = frame.index + (header_row - 1)
    except sniff.UnreadableText as exc:
        raise ImportRejected(str(exc)) from exc
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    except Exception as exc:  # openpyxl raises its own errors for corrupt files
        raise ImportRejected(f"Tệp {filename} hỏng hoặc không phải tệp Excel/CSV: {exc}") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.fillna("").apply(lambda column: column.str.strip())
    # Blank rows are dropped but counted: the index stays the row's place in the file, which
    # is how errors name rows.
    frame = frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
    frame.attrs["header_row"] = header_row
    frame.attrs["warnings"] = [] if legacy is None else [legacy_text.warning(legacy, filename)]
    return frame


def file_warnings(frame: pandas.DataFrame) -> list[str]:
    """What read_table noticed about the file as a whole (legacy font text converted)."""
    return list(frame.attrs.get("warnings", []))


def read_header(
    source: Path | bytes,
    filename: str,
    expected: Iterable[str] = (),
    *,
    header_row: int | None = None,
) -> list[str]:
    """The header row's names alone, found as read_table finds it (or on `header_row`),
    without reading a CSV's rows."""
    if _is_excel(filename):
        return list(read_table(source, filename, expected, header_row=header_row).columns)
    data = _read_bytes(source, filename)
    try:
        layout = sniff.csv_layout(data, filename, expected)
        frame = pandas.read_csv(
            io.BytesIO(layout.data),
            dtype=str,
            sep=layout.separator,
            encoding="utf-8",
            skiprows=(header_row or layout.header_row) - 1,
            nrows=0,
        )
    except sniff.UnreadableText as exc:
        raise ImportRejected(str(exc)) from exc
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    return [str(column).strip() for column in frame.columns]


def csv_layout(data: bytes, filename: str, expected: Iterable[str] = ()) -> sniff.CsvLayout:
    """A CSV's encoding, separator and header row (sniff.csv_layout), for a reader of its
    own; a file that is not text is rejected with a message naming it."""
    try:
        return sniff.csv_layout(data, filename, expected)
    except sniff.UnreadableText as exc:
        raise ImportRejected(str(exc)) from exc


def _is_excel(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def _read_bytes(source: Path | bytes, filename: str) -> bytes:
    data = source.read_bytes() if isinstance(source, Path) else source
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(
            f"Tệp {filename} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp."
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            check_office_zip(data, filename)
        except UnsafeOfficeFile as exc:
            raise ImportRejected(str(exc)) from exc
    return data


def _read_excel(
    data: bytes, expected: Iterable[str], header_row: int | None = None
) -> tuple[pandas.DataFrame, int, str | None]:
    """The first sheet below its header row, indexed as read_table says, the header's row
    number and the legacy encoding its text was converted from (None: it was Unicode). Read
    without a header so that no row above it is skipped or merged."""
    sheet = pandas.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl", header=None)
    if header_row is not None and header_row > len(sheet):
        raise ValueError(f"tệp chỉ có {len(sheet)} dòng, không có dòng {header_row}")
    sheet, legacy = legacy_cells(sheet)
    cells = sheet.head(sniff.HEADER_SEARCH_ROWS).fillna("").to_numpy().tolist()
    place = header_row - 1 if header_row else sniff.find_header(cells, expected)
    names = [str(cell).strip() for cell in sheet.iloc[place].fillna("")] if len(sheet) else []
    frame = sheet.iloc[place + 1 :].copy()
    frame.columns = _column_names(names)
    frame.index = frame.index - 1  # sheet row r is at place r - 1; read_table's index is r - 2
    return frame, place + 1, legacy


def legacy_cells(sheet: pandas.DataFrame) -> tuple[pandas.DataFrame, str | None]:
    """The sheet with its legacy font text converted, and that text's encoding (None when
    there is none). As in a CSV, where a row is a line, a row holding a letter only Unicode
    has is left as it is (a header retyped in Unicode above old rows). For any reader of a
    sheet's raw rows (read with header=None), so that they read as read_table reads them."""
    sample = "\n".join(
        "\t".join(cell for cell in row if isinstance(cell, str))
        for row in sheet.head(LEGACY_SAMPLE_ROWS).itertuples(index=False)
    )
    legacy = legacy_text.detect(sample)
    if legacy is None:
        return sheet, None
    cells = sheet.to_numpy(dtype=object)
    for row in cells:  # only for the rare legacy file: a loop over its cells is fine
        texts = [cell for cell in row if isinstance(cell, str)]
        if not any(legacy_text.is_unicode(text) for text in texts):
            row[:] = [
                legacy_text.to_unicode(cell, legacy) if isinstance(cell, str) else cell
                for cell in row
            ]
    return pandas.DataFrame(cells, index=sheet.index, columns=sheet.columns), legacy


def _column_names(names: list[str]) -> list[str]:
    """Blank header cells and repeated names as pandas names them when it reads a header."""
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names):
        name = name or f"Unnamed: {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out
