"""The column-mapping step for one-stop-system exports whose headers are not cchc's standard
ones: guess which source column is which, check a mapping, apply it, and remember it per
source (ColumnMapping) so the next file from the same system imports straight away.

The page also lets the user choose the header row (when title rows fooled the search for it)
and map the values of coded columns (valuemap.py); both are saved with the mapping. Between
the upload and the mapping page the file waits in uploads.py.

Dossiers and the TTHC catalogue are this app's kinds; an app above adds its own (the work
registers) with add_kind."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pandas
from django.db import transaction

from cchc.audit.services import log_action
from cchc.base import sniff
from cchc.base.tables import csv_layout, legacy_cells, read_header
from cchc.org import access
from cchc.org.models import Unit
from cchc.registers import catalogue
from cchc.registers.catalogue import normalise
from cchc.registers.imports import (
    DOSSIER_COLUMNS,
    DOSSIER_REQUIRED,
    ImportRejected,
    ImportResult,
    RowError,
    import_dossier_frame,
    import_dossiers,
    read_table,
)
from cchc.registers.models import ColumnMapping, ImportKind
from cchc.registers.services import cut_off_minutes
from cchc.registers.valuemap import CODED, Coding, ValueMap, apply_values, clean_value_map

Mapping = dict[str, str]  # standard column -> source column

STANDARD: dict[str, list[str]] = {
    ImportKind.DOSSIERS: list(DOSSIER_COLUMNS),
    ImportKind.PROCEDURES: catalogue.HEADERS,
}
REQUIRED: dict[str, list[str]] = {
    ImportKind.DOSSIERS: DOSSIER_REQUIRED,
    ImportKind.PROCEDURES: catalogue.REQUIRED,
}
# Names other one-stop systems (and the national portal's exports) use for each column.
SYNONYMS: dict[str, dict[str, list[str]]] = {
    ImportKind.DOSSIERS: {
        "Mã hồ sơ": ["Số hồ sơ", "Mã số hồ sơ", "Mã HS", "Số biên nhận", "Mã biên nhận"],
        "Mã TTHC": ["Mã thủ tục", "Mã thủ tục hành chính", "Mã số TTHC", "Mã TT", "Mã DVC"],
        "Kênh": [
            "Hình thức nộp",
            "Hình thức nộp hồ sơ",
            "Hình thức tiếp nhận",
            "Kênh nộp",
            "Kênh tiếp nhận",
        ],
        "Ngày tiếp nhận": [
            "Ngày nhận",
            "Ngày nhận hồ sơ",
            "Ngày tiếp nhận hồ sơ",
            "Ngày nộp",
            "Thời gian tiếp nhận",
        ],
        "Ngày hẹn trả": [
            "Hạn trả",
            "Hạn trả kết quả",
            "Hạn xử lý",
            "Hạn giải quyết",
            "Hẹn trả",
            "Ngày hẹn trả kết quả",
            "Ngày hẹn",
        ],
        "Số lần yêu cầu bổ sung": ["Số lần bổ sung", "Số lần YCBS"],
        "Ngày yêu cầu bổ sung": ["Ngày YCBS", "Ngày đề nghị bổ sung", "Ngày yêu cầu bổ sung hồ sơ"],
        "Ngày bổ sung đủ": [
            "Ngày bổ sung",
            "Ngày nhận bổ sung",
            "Ngày hoàn thành bổ sung",
            "Ngày nhận hồ sơ bổ sung",
        ],
        "Ngày có kết quả": [
            "Ngày hoàn thành",
            "Ngày có KQ",
            "Ngày kết thúc",
            "Ngày giải quyết xong",
            "Ngày xử lý xong",
        ],
        "Ngày trả kết quả": ["Ngày trả", "Ngày trả KQ", "Ngày trả hồ sơ"],
        "Trạng thái": ["Tình trạng", "Trạng thái hồ sơ", "Tình trạng hồ sơ", "Mã trạng thái"],
        "Đã số hóa": ["Số hóa", "Số hóa hồ sơ", "Đã số hóa hồ sơ", "Số hóa thành phần hồ sơ"],
        "Có phí, lệ phí": [
            "Phí, lệ phí",
            "Phí lệ phí",
            "Thu phí",
            "Có thu phí",
            "Lệ phí",
            "Phí",
            "Số tiền phí, lệ phí",
        ],
        "Thanh toán trực tuyến": [
            "Đã thanh toán trực tuyến",
            "Thanh toán qua DVCQG",
            "Thanh toán điện tử",
            "Thanh toán online",
        ],
        "Kết quả điện tử": [
            "Trả kết quả điện tử",
            "Kết quả bản điện tử",
            "Số hóa kết quả",
            "Có kết quả điện tử",
        ],
    },
    ImportKind.PROCEDURES: {
        "Mã TTHC": ["Mã thủ tục", "Mã số TTHC", "Mã thủ tục hành chính"],
        "Tên TTHC": ["Tên thủ tục", "Tên thủ tục hành chính"],
        "Lĩnh vực": ["Tên lĩnh vực", "Lĩnh vực thực hiện"],
        "Cấp thực hiện": ["Cấp giải quyết", "Cấp"],
        "Mức độ DVC": ["Mức độ", "Mức độ dịch vụ công", "Mức DVC", "Mức độ DVCTT"],
        "Thời hạn giải quyết": ["Thời hạn", "Thời gian giải quyết", "Số ngày giải quyết"],
        "Đơn vị thời hạn": ["Đơn vị tính thời hạn", "Loại ngày"],
        "Phí, lệ phí": ["Phí lệ phí", "Lệ phí", "Phí"],
        "Bưu chính công ích": ["BCCI", "Qua BCCI", "Dịch vụ BCCI"],
        "Thanh toán trực tuyến": [
            "Tích hợp thanh toán trực tuyến",
            "Thanh toán qua DVCQG",
            "Thanh toán điện tử",
        ],
    },
}


@dataclass(frozen=True)
class FrameKind:
    """A kind of file imported through the mapping page by an app above this one (a work
    register): its importer takes the table with cchc's own column names, checks, writes and
    audits it; `back` is the page the mapping page returns to, given the period code."""

    what: str  # "nhiệm vụ CCHC", as the page says "Tệp {what}"
    back: Callable[[Unit, str], str]
    back_label: str  # "Nhiệm vụ CCHC"
    # importer(frame, filename, unit, *, good_rows_only, user, mapping) -> ImportResult
    importer: Callable[..., ImportResult]


FRAME_KINDS: dict[str, FrameKind] = {}


def add_kind(
    kind: str,
    *,
    standard: list[str],
    required: list[str],
    synonyms: dict[str, list[str]],
    coded: dict[str, Coding],
    frame_kind: FrameKind,
) -> None:
    """Make `kind` (an ImportKind) importable through the mapping page."""
    STANDARD[kind], REQUIRED[kind], SYNONYMS[kind] = standard, required, synonyms
    CODED[kind] = coded
    FRAME_KINDS[kind] = frame_kind


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def known_names(kind: str) -> list[str]:
    """Every name a header row of this kind may use, cchc's and the other systems': what
    tells the header row from the title rows above it."""
    return STANDARD[kind] + [name for names in SYNONYMS[kind].values() for name in names]


def read_headers(data: bytes, filename: str, kind: str, header_row: int | None = None) -> list[str]:
    """The header row alone, so a standard file can go to the importer's own fast reader."""
    return read_header(data, filename, known_names(kind), header_row=header_row)


# The header row the user may choose: within the first rows, which the page shows.
PREVIEW_ROWS = sniff.HEADER_SEARCH_ROWS
MAX_HEADER_ROW = 50


def first_rows(data: bytes, filename: str, count: int = MAX_HEADER_ROW) -> list[list[str]]:
    """The file's first `count` rows as text cells, title rows and blank rows included (row
    1 first), as read_table sees them before it looks for the header."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheet = pandas.read_excel(
                io.BytesIO(data), dtype=str, engine="openpyxl", header=None, nrows=count
            )
        except Exception as exc:  # openpyxl raises its own errors for corrupt files
            raise ImportRejected(
                f"Tệp {filename} hỏng hoặc không phải tệp Excel/CSV: {exc}"
            ) from exc
        sheet, _ = legacy_cells(sheet.fillna(""))  # shown as the import will read it
        return [[str(cell).strip() for cell in row] for row in sheet.to_numpy()]
    layout = csv_layout(data, filename)
    # Decoded as read, so that only the first rows are.
    text = io.TextIOWrapper(io.BytesIO(layout.data), encoding="utf-8", newline="")
    reader = csv.reader(text, delimiter=layout.separator)
    return [[cell.strip() for cell in row] for row in itertools.islice(reader, count)]


def check_header_row(row: int, rows: list[list[str]]) -> str | None:
    """What is wrong with `row` as the header of a file whose first rows are `rows` (None:
    fine)."""
    if row < 1 or row > MAX_HEADER_ROW:
        return f"Dòng tiêu đề phải là một trong {MAX_HEADER_ROW} dòng đầu của tệp."
    if row > len(rows):
        return (
            f"Tệp chỉ có {len(rows)} dòng: không có dòng {row} để làm dòng tiêu đề; hãy chọn "
            f"một dòng từ 1 đến {len(rows)}."
        )
    if not any(rows[row - 1]):
        return f"Dòng {row} của tệp trống: không thể là dòng tiêu đề."
    return None


def import_file(
    data: bytes,
    filename: str,
    unit: Unit,
    kind: str,
    mapping: Mapping | None = None,
    *,
    good_rows_only: bool = False,
    user=None,
    header_row: int | None = None,
    values: ValueMap | None = None,
) -> ImportResult:
    """A whole file: straight to the importer when no mapping is needed. Audited."""
    if mapping is not None or kind in FRAME_KINDS:
        return import_frame(
            read_table(data, filename, known_names(kind), header_row=header_row),
            filename,
            unit,
            kind,
            mapping,
            good_rows_only=good_rows_only,
            user=user,
            values=values,
        )
    if kind == ImportKind.DOSSIERS:
        result = import_dossiers(
            data, filename, unit, good_rows_only=good_rows_only, cut_off=cut_off_minutes()
        )
    else:  # audited by the catalogue importer itself
        return catalogue.import_procedures(
            data, filename, unit, good_rows_only=good_rows_only, user=user
        )
    _log_import(user, unit, kind, filename, result, mapping)
    return result


def _log_import(
    user,
    unit: Unit,
    kind: str,
    filename: str,
    result: ImportResult,
    mapping: Mapping | None,
    header_row: int | None = None,
    values: ValueMap | None = None,
) -> None:
    log_action(
        user,
        f"{kind}.import",
        f"Nhập {ImportKind(kind).label.lower()} của {unit.code} từ tệp {filename}: "
        f"{result.summary}",
        data={
            "unit": unit.code,
            "file": filename,
            "created": result.created,
            "updated": result.updated,
            "skipped_rows": sorted({error.row for error in result.skipped}),
            "warnings": result.warnings,
            "mapping": mapping,
            "header_row": header_row,
            "values": values or {},
        },
        unit=unit,
    )


def is_standard(headers: list[str], kind: str) -> bool:
    """The header row uses cchc's names for every required column, and every column that
    looks like one of cchc's (e.g. "Ngày hoàn thành" for "Ngày có kết quả") is written
    exactly so: otherwise the importer would ignore that column and lose its values."""
    guess = guess_mapping(headers, kind)
    return all(column in headers for column in REQUIRED[kind]) and all(
        source == standard for standard, source in guess.items()
    )


def guess_mapping(headers: list[str], kind: str) -> Mapping:
    """For each standard column, the source column that looks like it (absent when none
    does). Each source column is used at most once."""
    by_form: dict[str, str] = {}
    for header in headers:
        by_form.setdefault(_compact(header), header)
    guess: Mapping = {}
    used: set[str] = set()
    for standard in STANDARD[kind]:
        for name in [standard, *SYNONYMS[kind].get(standard, [])]:
            found = by_form.get(_compact(name))
            if found is not None and found not in used:
                guess[standard] = found
                used.add(found)
                break
    return guess


def check_mapping(mapping: Mapping, headers: list[str], kind: str) -> list[str]:
    """What is wrong with `mapping` for a file with `headers`, in Vietnamese (empty: fine)."""
    problems = []
    missing = [column for column in REQUIRED[kind] if not mapping.get(column)]
    if missing:
        problems.append(f"Chưa chọn cột của tệp cho: {', '.join(missing)} (bắt buộc).")
    unknown = [source for source in mapping.values() if source and source not in headers]
    if unknown:
        problems.append(f"Tệp không có cột: {', '.join(unknown)}.")
    taken: dict[str, list[str]] = {}
    for standard, source in mapping.items():
        if source:
            taken.setdefault(source, []).append(standard)
    for source, standards in taken.items():
        if len(standards) > 1:
            problems.append(
                f"Cột «{source}» của tệp được chọn cho nhiều cột: {', '.join(standards)}; "
                "mỗi cột của tệp chỉ ghép với một cột."
            )
    return problems


def apply_mapping(frame: pandas.DataFrame, mapping: Mapping) -> pandas.DataFrame:
    """Only the mapped columns, renamed to the standard names."""
    pairs = [(standard, source) for standard, source in mapping.items() if source]
    renamed = frame[[source for _, source in pairs]].copy()
    renamed.columns = [standard for standard, _ in pairs]
    return renamed


def _fits(saved: ColumnMapping, headers: list[str], kind: str) -> bool:
    return bool(saved.columns) and not check_mapping(saved.columns, headers, kind)


def saved_mapping_for(headers: list[str], kind: str) -> ColumnMapping | None:
    """The saved mapping whose source columns all appear in `headers`, the one using the
    most columns when several fit. Mappings saved with a header row of their own are left to
    saved_mapping_for_file."""
    fits = [
        saved
        for saved in ColumnMapping.objects.filter(kind=kind, header_row=None)
        if _fits(saved, headers, kind)
    ]
    return max(fits, key=lambda saved: len(saved.columns), default=None)


def saved_mapping_for_file(
    data: bytes, filename: str, kind: str, headers: list[str]
) -> ColumnMapping | None:
    """saved_mapping_for over the file's found header row (`headers`), and each saved
    mapping with a chosen header row over the file's row of that number."""
    fits = []
    by_row: dict[int, list[str]] = {}
    for saved in ColumnMapping.objects.filter(kind=kind):
        row = saved.header_row
        if row is not None and row not in by_row:
            try:
                by_row[row] = read_headers(data, filename, kind, header_row=row)
            except ImportRejected:  # the file is shorter than that
                by_row[row] = []
        if _fits(saved, headers if row is None else by_row[row], kind):
            fits.append(saved)
    return max(fits, key=lambda saved: len(saved.columns), default=None)


def _source_names(errors: list[RowError], mapping: Mapping) -> list[RowError]:
    """Errors name the column as it is called in the user's file."""
    sources = {standard: source for standard, source in mapping.items() if source}
    return [
        RowError(error.row, sources.get(error.column, error.column), error.message)
        for error in errors
    ]


def import_frame(
    frame: pandas.DataFrame,
    filename: str,
    unit: Unit,
    kind: str,
    mapping: Mapping | None = None,
    *,
    good_rows_only: bool = False,
    user=None,
    values: ValueMap | None = None,
) -> ImportResult:
    """Import a table read by read_table, through `mapping` when the headers are not the
    standard ones, and `values` for the values of coded columns cchc does not read itself.
    ImportRejected names rows and columns as the user's file does. Audited."""
    header_row = frame.attrs.get("header_row")
    if mapping is not None:
        problems = check_mapping(mapping, list(frame.columns), kind)
        if problems:
            raise ImportRejected(" ".join(problems))
        frame = apply_mapping(frame, mapping)
        if values:
            frame = apply_values(frame, values, kind)
    try:
        if kind == ImportKind.PROCEDURES:  # audited by the catalogue importer itself
            result = catalogue.import_procedure_frame(
                frame, filename, unit, good_rows_only=good_rows_only, user=user, mapping=mapping
            )
        elif kind in FRAME_KINDS:  # audited by its importer
            result = FRAME_KINDS[kind].importer(
                frame,
                filename,
                unit,
                good_rows_only=good_rows_only,
                user=user,
                mapping=mapping,
                header_row=header_row,
                values=values,
            )
        else:
            result = import_dossier_frame(
                frame, filename, unit, good_rows_only=good_rows_only, cut_off=cut_off_minutes()
            )
    except ImportRejected as exc:
        if mapping is None:
            raise
        raise ImportRejected(str(exc), _source_names(exc.errors, mapping)) from exc
    if mapping is not None:
        result.skipped = _source_names(result.skipped, mapping)
    if kind == ImportKind.DOSSIERS:
        _log_import(user, unit, kind, filename, result, mapping, header_row, values)
    return result


class MappingTaken(ValueError):
    """Another user's mapping is saved under that source name."""


def may_overwrite(user, saved: ColumnMapping) -> bool:
    """A saved mapping is changed by whoever saved it last, or by a consolidator or an
    administrator: every unit's imports from that source use it."""
    return saved.created_by_id in (None, user.pk) or access.can_consolidate(user)


@transaction.atomic
def save_mapping(
    kind: str,
    name: str,
    mapping: Mapping,
    user=None,
    *,
    header_row: int | None = None,
    values: ValueMap | None = None,
) -> ColumnMapping:
    """Create or update the mapping saved under (kind, name), with the header row the user
    chose (None: found automatically) and the value map."""
    columns = {standard: source for standard, source in mapping.items() if source}
    values = clean_value_map(values or {}, kind)
    existing = ColumnMapping.objects.filter(kind=kind, name=name).first()
    if existing is not None and user is not None and not may_overwrite(user, existing):
        raise MappingTaken(
            f"Nguồn «{name}» đã có cách ghép cột do {existing.created_by} lưu; hãy đặt tên "
            "khác (hoặc nhờ người tổng hợp sửa cách ghép đó)."
        )
    saved, created = ColumnMapping.objects.update_or_create(
        kind=kind,
        name=name,
        defaults={
            "columns": columns,
            "header_row": header_row,
            "values": values,
            "created_by": user,
        },
    )
    log_action(
        user,
        "column_mapping.save",
        f"{'Lưu' if created else 'Cập nhật'} cách ghép cột «{name}» ({saved.get_kind_display()})",
        data={
            "kind": kind,
            "name": name,
            "columns": columns,
            "header_row": header_row,
            "values": values,
        },
        obj=saved,
    )
    return saved
