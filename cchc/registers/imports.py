"""Importing dossiers and the TTHC catalogue from one-stop-system exports (CSV or XLSX).

Files whose header row uses the standard Vietnamese column names import without a mapping
step. Every bad row is reported with its row number, column and reason; by default nothing
is written when any row is bad (all-or-nothing), or the good rows are written and the bad
ones listed. Re-importing a file updates dossiers by their code instead of adding them twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import pandas
from django.db import transaction

from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.periods.workdays import EPOCH, LAST_DAY, WorkdayTable
from cchc.registers.classify import classify
from cchc.registers.models import Channel, Dossier, OnlineLevel, Procedure, TimeUnit

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 5000

DOSSIER_COLUMNS = {
    "Mã hồ sơ": "code",
    "Mã TTHC": "procedure_code",
    "Kênh": "channel",
    "Ngày tiếp nhận": "received_at",
    "Ngày hẹn trả": "promised_on",
    "Số lần yêu cầu bổ sung": "supplement_count",
    "Ngày yêu cầu bổ sung": "supplement_requested_at",
    "Ngày bổ sung đủ": "supplement_completed_at",
    "Ngày có kết quả": "result_on",
    "Ngày trả kết quả": "returned_on",
    "Trạng thái": "status",
    "Đã số hóa": "digitised",
}
DOSSIER_REQUIRED = ["Mã hồ sơ", "Mã TTHC", "Kênh", "Ngày tiếp nhận"]
DATE_COLUMNS = ["promised_on", "result_on", "returned_on"]
DATETIME_COLUMNS = ["received_at", "supplement_requested_at", "supplement_completed_at"]
YES_NO = {"có": True, "x": True, "1": True, "không": False, "0": False, "": None}
CHANNELS = {
    "trực tiếp": Channel.DIRECT,
    "trực tuyến": Channel.ONLINE,
    "bưu chính": Channel.POSTAL,
    "bưu chính công ích": Channel.POSTAL,
}

PROCEDURE_COLUMNS = {
    "Mã TTHC": "code",
    "Tên TTHC": "name",
    "Lĩnh vực": "field",
    "Cấp thực hiện": "level",
    "Mức độ DVC": "online_level",
    "Thời hạn giải quyết": "processing_time",
    "Đơn vị thời hạn": "time_unit",
    "Phí, lệ phí": "fee",
    "Bưu chính công ích": "postal",
}
PROCEDURE_REQUIRED = ["Mã TTHC", "Tên TTHC", "Thời hạn giải quyết"]
ONLINE_LEVELS = {
    "toàn trình": OnlineLevel.FULL,
    "một phần": OnlineLevel.PARTIAL,
    "không": OnlineLevel.NONE,
    "": OnlineLevel.NONE,
}
TIME_UNITS = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.CALENDAR_DAYS,
    "": TimeUnit.WORKING_DAYS,
}


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
            )
    except (ValueError, UnicodeDecodeError, pandas.errors.ParserError) as exc:
        raise ImportRejected(f"Không đọc được tệp {filename}: {exc}") from exc
    except Exception as exc:  # openpyxl raises its own errors for corrupt files
        raise ImportRejected(f"Tệp {filename} hỏng hoặc không phải tệp Excel/CSV: {exc}") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.fillna("").apply(lambda column: column.str.strip())


def _check_headers(frame: pandas.DataFrame, required: list[str], filename: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(required)}."
        )


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, mask: numpy.ndarray, frame: pandas.DataFrame, column: str, message) -> None:
        for index in numpy.flatnonzero(mask):
            text = message(frame.iloc[index]) if callable(message) else message
            self.items.append(RowError(int(index) + 2, column, text))

    @property
    def bad_rows(self) -> set[int]:
        return {error.row - 2 for error in self.items}


def _parse_dates(raw: pandas.Series, with_time: bool) -> pandas.Series:
    formats = (
        ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
        if with_time
        else ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
    )
    parsed = pandas.Series(pandas.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = parsed.isna() & (raw != "")
        if not todo.any():
            break
        parsed[todo] = pandas.to_datetime(raw[todo], format=fmt, errors="coerce")
    return parsed


def parse_dossiers(
    frame: pandas.DataFrame, filename: str
) -> tuple[pandas.DataFrame, list[RowError]]:
    """Typed dossier columns and the errors found, row by row, without touching the database."""
    _check_headers(frame, DOSSIER_REQUIRED, filename)
    errors = _Errors()
    out = pandas.DataFrame(index=frame.index)
    for header, name in DOSSIER_COLUMNS.items():
        out[name] = frame[header] if header in frame.columns else ""
    raw = out.copy()
    errors.add((raw["code"] == "").to_numpy(), frame, "Mã hồ sơ", "thiếu mã hồ sơ")
    errors.add(
        raw["code"].duplicated(keep="first").to_numpy() & (raw["code"] != "").to_numpy(),
        frame,
        "Mã hồ sơ",
        lambda r: f"mã hồ sơ {r['Mã hồ sơ']} lặp lại trong tệp",
    )
    errors.add((raw["procedure_code"] == "").to_numpy(), frame, "Mã TTHC", "thiếu mã TTHC")
    channel = raw["channel"].str.lower().map(CHANNELS)
    errors.add(
        channel.isna().to_numpy(),
        frame,
        "Kênh",
        lambda r: f"kênh '{r['Kênh']}' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)",
    )
    out["channel"] = channel
    headers = {name: header for header, name in DOSSIER_COLUMNS.items()}
    for name in DATETIME_COLUMNS + DATE_COLUMNS:
        parsed = _parse_dates(raw[name], with_time=name in DATETIME_COLUMNS)
        header = headers[name]
        bad = (parsed.isna() & (raw[name] != "")).to_numpy()
        errors.add(
            bad,
            frame,
            header,
            lambda r, h=header: (
                f"'{r[h]}' không phải ngày dd/mm/yyyy"
                + (" HH:MM" if h in ("Ngày tiếp nhận",) else "")
            ),
        )
        outside = parsed.notna() & (
            (parsed < pandas.Timestamp(EPOCH)) | (parsed > pandas.Timestamp(LAST_DAY))
        )
        errors.add(outside.to_numpy(), frame, header, "ngày ngoài khoảng 2000–2050")
        out[name] = parsed
    errors.add(
        (raw["received_at"] == "").to_numpy(), frame, "Ngày tiếp nhận", "thiếu ngày tiếp nhận"
    )
    count = pandas.to_numeric(raw["supplement_count"].replace("", "0"), errors="coerce")
    errors.add(
        (count.isna() | (count < 0) | (count % 1 != 0)).to_numpy(),
        frame,
        "Số lần yêu cầu bổ sung",
        lambda r: f"'{r.get('Số lần yêu cầu bổ sung', '')}' không phải số nguyên không âm",
    )
    out["supplement_count"] = count.fillna(0).astype("int64")
    status = pandas.to_numeric(raw["status"].replace("", numpy.nan), errors="coerce")
    errors.add(
        (raw["status"] != "").to_numpy() & ~status.between(1, 10).to_numpy(),
        frame,
        "Trạng thái",
        lambda r: f"trạng thái '{r.get('Trạng thái', '')}' phải là số từ 1 đến 10",
    )
    out["status"] = status
    digitised = raw["digitised"].str.lower().map(YES_NO)
    errors.add(
        (digitised.isna() & (raw["digitised"] != "")).to_numpy(),
        frame,
        "Đã số hóa",
        lambda r: f"'{r.get('Đã số hóa', '')}' phải là Có hoặc Không",
    )
    out["digitised"] = digitised
    before = (
        out["result_on"].notna()
        & out["received_at"].notna()
        & (out["result_on"] < out["received_at"].dt.normalize())
    )
    errors.add(before.to_numpy(), frame, "Ngày có kết quả", "ngày có kết quả trước ngày tiếp nhận")
    return out, sorted(errors.items, key=lambda error: error.row)


def _procedure_times(unit: Unit, codes: pandas.Series) -> tuple[pandas.Series, pandas.Series]:
    rows = Procedure.objects.filter(unit=unit, code__in=set(codes)).values_list(
        "code", "processing_time", "time_unit"
    )
    days = {code: float(value) for code, value, _ in rows}
    calendar = {code: time_unit == TimeUnit.CALENDAR_DAYS for code, _, time_unit in rows}
    return codes.map(days).astype("float64"), codes.map(calendar).fillna(False).astype(bool)


def _aware(values: pandas.Series):
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    return [None if pandas.isna(v) else v.to_pydatetime().replace(tzinfo=zone) for v in values]


def _dates(values: pandas.Series):
    return [None if pandas.isna(v) else v.date() for v in values]


def import_dossiers(
    source: Path | bytes,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    table: WorkdayTable | None = None,
) -> ImportResult:
    """A file whose header row uses the standard column names (DOSSIER_COLUMNS)."""
    return import_dossier_frame(
        read_table(source, filename), filename, unit, good_rows_only=good_rows_only, table=table
    )


def import_dossier_frame(
    frame: pandas.DataFrame,
    filename: str,
    unit: Unit,
    *,
    good_rows_only: bool = False,
    table: WorkdayTable | None = None,
) -> ImportResult:
    """A table as read_table gives it, its columns already named as in DOSSIER_COLUMNS (a
    column mapping renames a source system's columns first)."""
    parsed, errors = parse_dossiers(frame, filename)
    if errors and not good_rows_only:
        rows = len({error.row for error in errors})
        raise ImportRejected(
            f"Tệp {filename} có {rows} dòng lỗi; chưa nhập dòng nào. Sửa các lỗi dưới đây rồi "
            "nhập lại, hoặc chọn chỉ nhập các dòng đúng.",
            errors,
        )
    bad = {error.row - 2 for error in errors}
    good = parsed.drop(index=[i for i in parsed.index if i in bad])
    result = ImportResult(skipped=errors)
    if good.empty:
        return result
    good = good.copy()
    good["processing_time"], good["calendar_days"] = _procedure_times(unit, good["procedure_code"])
    computed = classify(good, table or WorkdayTable(working_calendar()))
    existing = set(
        Dossier.objects.filter(unit=unit, code__in=list(good["code"])).values_list(
            "code", flat=True
        )
    )
    with transaction.atomic():
        for start in range(0, len(good), CHUNK):
            part = good.iloc[start : start + CHUNK]
            done = computed.iloc[start : start + CHUNK]
            rows = [
                Dossier(
                    unit=unit,
                    code=code,
                    procedure_code=procedure,
                    channel=channel,
                    received_at=received,
                    promised_on=promised,
                    supplement_count=int(count),
                    supplement_requested_at=requested,
                    supplement_completed_at=completed,
                    result_on=result_on,
                    returned_on=returned_on,
                    status=None if pandas.isna(status) else int(status),
                    start_on=start_on,
                    due_on=due_on,
                    verdict=verdict,
                    promised_differs=bool(differs),
                    digitised=None if pandas.isna(digitised) else bool(digitised),
                )
                for (
                    code,
                    procedure,
                    channel,
                    received,
                    promised,
                    count,
                    requested,
                    completed,
                    result_on,
                    returned_on,
                    status,
                    start_on,
                    due_on,
                    verdict,
                    differs,
                    digitised,
                ) in zip(
                    part["code"],
                    part["procedure_code"],
                    part["channel"],
                    _aware(part["received_at"]),
                    _dates(part["promised_on"]),
                    part["supplement_count"],
                    _aware(part["supplement_requested_at"]),
                    _aware(part["supplement_completed_at"]),
                    _dates(part["result_on"]),
                    _dates(part["returned_on"]),
                    part["status"],
                    _dates(done["start_on"]),
                    _dates(done["due_on"]),
                    done["verdict"],
                    done["promised_differs"],
                    part["digitised"],
                    strict=True,
                )
            ]
            Dossier.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["unit", "code"],
                update_fields=[
                    "procedure_code",
                    "channel",
                    "received_at",
                    "promised_on",
                    "supplement_count",
                    "supplement_requested_at",
                    "supplement_completed_at",
                    "result_on",
                    "returned_on",
                    "status",
                    "start_on",
                    "due_on",
                    "verdict",
                    "promised_differs",
                    "digitised",
                ],
            )
    result.updated = len(existing)
    result.created = len(good) - len(existing)
    return result


def import_procedures(source: Path | bytes, filename: str, unit: Unit) -> ImportResult:
    """The TTHC catalogue: all-or-nothing, updated by procedure code."""
    frame = read_table(source, filename)
    _check_headers(frame, PROCEDURE_REQUIRED, filename)
    errors: list[RowError] = []
    rows = []
    # A catalogue has hundreds of rows, not millions: a loop per row is fine here.
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2

        def get(header: str, record: dict = record) -> str:
            return record.get(header, "")

        days = get("Thời hạn giải quyết")
        online = ONLINE_LEVELS.get(get("Mức độ DVC").lower())
        time_unit = TIME_UNITS.get(get("Đơn vị thời hạn").lower())
        if not get("Mã TTHC"):
            errors.append(RowError(line, "Mã TTHC", "thiếu mã TTHC"))
        if not days.isdigit():
            errors.append(
                RowError(line, "Thời hạn giải quyết", f"'{days}' phải là số ngày (số nguyên)")
            )
        if online is None:
            errors.append(
                RowError(
                    line,
                    "Mức độ DVC",
                    f"'{get('Mức độ DVC')}' phải là Toàn trình, Một phần hoặc Không",
                )
            )
        if time_unit is None:
            errors.append(
                RowError(
                    line,
                    "Đơn vị thời hạn",
                    f"'{get('Đơn vị thời hạn')}' phải là 'ngày làm việc' hoặc 'ngày'",
                )
            )
        if errors and errors[-1].row == line:
            continue
        rows.append(
            Procedure(
                unit=unit,
                code=get("Mã TTHC"),
                name=get("Tên TTHC"),
                field=get("Lĩnh vực"),
                level=get("Cấp thực hiện"),
                online_level=online,
                processing_time=int(days),
                time_unit=time_unit,
                fee=get("Phí, lệ phí"),
                postal=get("Bưu chính công ích").lower() in ("có", "x", "1"),
            )
        )
    if errors:
        raise ImportRejected(f"Tệp {filename} có lỗi; chưa nhập dòng nào.", errors)
    existing = set(Procedure.objects.filter(unit=unit).values_list("code", flat=True))
    with transaction.atomic():
        Procedure.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["unit", "code"],
            update_fields=[
                "name",
                "field",
                "level",
                "online_level",
                "processing_time",
                "time_unit",
                "fee",
                "postal",
            ],
        )
    updated = sum(1 for row in rows if row.code in existing)
    return ImportResult(created=len(rows) - updated, updated=updated)
