"""Reading an uploaded table (CSV or XLSX) as text cells, and the row errors and results of
importing it: shared by the dossier/catalogue imports and the work registers' imports."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportRejected(ValueError):
    """The file cannot be imported as it is; `errors` says where and why."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the file: the header is row 1
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


def read_table(source: Path | bytes, filename: str) -> pandas.DataFrame:
    """Every cell as text (empty string for a blank), header row as column names."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(
            f"Tệp {filename} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp."
        )
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            frame = pandas.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        else:
            frame = pandas.read_csv(
                io.BytesIO(data),
                dtype=str,
                encoding="utf-8-sig",
                keep_default_na=False,
                skipinitialspace=True,
                skip_blank_lines=False,
            )
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    except Exception as exc:  # openpyxl raises its own errors for corrupt files
        raise ImportRejected(f"Tệp {filename} hỏng hoặc không phải tệp Excel/CSV: {exc}") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.fillna("").apply(lambda column: column.str.strip())
    # Blank rows are dropped but counted: the index stays the row's place in the file (the
    # header is row 1, so index 0 is row 2), which is how errors name rows.
    return frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
