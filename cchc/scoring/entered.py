"""Figures a consolidator enters for criteria cchc cannot compute (the national portal's
publication on time, its sync…): one by one on a unit's score page, or a CSV/XLSX of many,
all-or-nothing, every change audited with its source."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cchc.audit.services import log_action
from cchc.base.tables import ImportRejected, ImportResult, RowError, file_warnings, read_table
from cchc.catalog.values import format_number, parse_number, rate_words
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.scoring.models import Criterion, EnteredFigure, Method, Scheme

COLUMNS = {
    "Mã đơn vị": "unit",
    "Mã tiêu chí": "criterion",
    "Tử số": "numerator",
    "Mẫu số": "denominator",
    "Tỷ lệ (%)": "ratio",
    "Nguồn": "source",
    "Ghi chú": "note",
}
REQUIRED = ["Mã đơn vị", "Mã tiêu chí", "Nguồn"]


class EntryError(ValueError):
    pass


def can_enter(user, unit: Unit) -> bool:
    """Sở Nội vụ enters the portal's figures of the units it consolidates."""
    return unit.pk in access.consolidated_unit_ids(user) and unit.pk not in {
        root.pk for root in access.consolidation_roots(user)
    }


def entered_criteria(scheme: Scheme) -> dict[str, Criterion]:
    """The criteria whose figure comes from outside cchc: the portal's, and the survey's."""
    return {
        c.code: c
        for c in scheme.criteria.filter(
            method__in=[Method.ENTERED, Method.SURVEY], children=None
        ).order_by("order")
    }


def _checked(
    numerator: Decimal | None, denominator: Decimal | None, ratio: Decimal | None
) -> str | None:
    """What is wrong with a figure, or None."""
    if ratio is None and (numerator is None or denominator is None):
        return "cần tỷ lệ (%), hoặc cả tử số và mẫu số"
    for value in (numerator, denominator, ratio):
        if value is not None and value < 0:
            return "số liệu không được âm"
    if ratio is not None and ratio > 100:
        return "tỷ lệ không quá 100%"
    if numerator is not None and denominator is not None and numerator > denominator:
        return "tử số lớn hơn mẫu số"
    if ratio is not None and numerator is not None and denominator:
        computed = numerator / denominator * 100
        if abs(computed - ratio) > Decimal("0.5"):
            return f"tỷ lệ {rate_words(ratio)} khác tử số ÷ mẫu số ({rate_words(computed)})"
    return None


def _save(
    user,
    scheme: Scheme,
    criterion: Criterion,
    unit: Unit,
    period: Period,
    values: dict,
) -> bool:
    """Create or update one figure; True when it was new."""
    figure, created = EnteredFigure.objects.update_or_create(
        scheme_code=scheme.code,
        criterion_code=criterion.code,
        unit=unit,
        period=period,
        defaults={**values, "entered_by": user},
    )
    shown = (
        rate_words(figure.ratio)
        if figure.ratio is not None
        else f"{format_number(figure.numerator, 2)}/{format_number(figure.denominator, 2)}"
    )
    log_action(
        user,
        "score.enter",
        f"Nhập số liệu tiêu chí {criterion.code} ({scheme.code}) của {unit.name}, "
        f"{period.label}: {shown}, nguồn: {figure.source}",
        data={
            "scheme": scheme.code,
            "criterion": criterion.code,
            "unit": unit.code,
            "period": period.code,
            "numerator": str(figure.numerator) if figure.numerator is not None else None,
            "denominator": str(figure.denominator) if figure.denominator is not None else None,
            "ratio": str(figure.ratio) if figure.ratio is not None else None,
            "source": figure.source,
        },
        obj=figure,
        unit=unit,
    )
    return created


def _number(raw: str) -> Decimal | None:
    return parse_number(raw) if raw.strip() else None


@transaction.atomic
def enter_figure(user, scheme: Scheme, code: str, unit: Unit, period: Period, raw: dict) -> None:
    """One figure typed on the unit's score page (`raw`: numerator, denominator, ratio,
    source, note as typed)."""
    if not can_enter(user, unit):
        raise PermissionDenied("Chỉ người tổng hợp của tỉnh mới nhập số liệu này.")
    criterion = entered_criteria(scheme).get(code)
    if criterion is None:
        raise EntryError(f"Tiêu chí {code} không phải là tiêu chí nhập từ nguồn ngoài.")
    try:
        numbers = {key: _number(raw.get(key, "")) for key in ("numerator", "denominator", "ratio")}
    except ValueError as exc:
        raise EntryError(f"Tiêu chí {code}: '{exc}' không phải là số.") from exc
    problem = _checked(**numbers)
    if problem:
        raise EntryError(f"Tiêu chí {code}: {problem}.")
    source = raw.get("source", "").strip()
    if not source:
        raise EntryError(f"Tiêu chí {code}: ghi nguồn số liệu (ví dụ: Cổng DVCQG, ngày lấy).")
    _save(
        user,
        scheme,
        criterion,
        unit,
        period,
        {**numbers, "source": source, "note": raw.get("note", "").strip()},
    )


@transaction.atomic
def import_figures(
    user, scheme: Scheme, period: Period, data: bytes, filename: str
) -> ImportResult:
    """Every row or none: a file with a bad row is refused with each bad row named."""
    frame = read_table(data, filename, COLUMNS)
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise ImportRejected(
            f"Tệp {filename} thiếu cột: {', '.join(missing)}. Dòng tiêu đề cần có các cột "
            f"{', '.join(COLUMNS)}."
        )
    criteria = entered_criteria(scheme)
    units = {u.code: u for u in Unit.objects.filter(code__in=set(frame["Mã đơn vị"]))}
    errors: list[RowError] = []
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in frame.iterrows():
        row_number = int(index) + 2
        cells = {field: str(raw.get(column, "")) for column, field in COLUMNS.items()}
        unit = units.get(cells["unit"])
        if unit is None:
            errors.append(
                RowError(row_number, "Mã đơn vị", f"không có đơn vị mã '{cells['unit']}'")
            )
            continue
        if not can_enter(user, unit):
            errors.append(
                RowError(row_number, "Mã đơn vị", f"bạn không tổng hợp đơn vị {unit.code}")
            )
            continue
        criterion = criteria.get(cells["criterion"])
        if criterion is None:
            errors.append(
                RowError(
                    row_number,
                    "Mã tiêu chí",
                    f"'{cells['criterion']}' không phải là tiêu chí nhập từ nguồn ngoài của "
                    f"{scheme.code} (các tiêu chí: {', '.join(criteria)})",
                )
            )
            continue
        key = (unit.code, criterion.code)
        if key in seen:
            errors.append(
                RowError(
                    row_number, "Mã tiêu chí", f"trùng với dòng {seen[key]} (cùng đơn vị, tiêu chí)"
                )
            )
            continue
        seen[key] = row_number
        numbers = {}
        bad = False
        for field, column in (
            ("numerator", "Tử số"),
            ("denominator", "Mẫu số"),
            ("ratio", "Tỷ lệ (%)"),
        ):
            try:
                numbers[field] = _number(cells[field])
            except ValueError:
                errors.append(RowError(row_number, column, f"'{cells[field]}' không phải là số"))
                bad = True
        if bad:
            continue
        problem = _checked(**numbers)
        if problem:
            errors.append(RowError(row_number, "Tỷ lệ (%)", problem))
            continue
        if not cells["source"].strip():
            errors.append(RowError(row_number, "Nguồn", "ghi nguồn số liệu"))
            continue
        rows.append(
            (criterion, unit, {**numbers, "source": cells["source"], "note": cells["note"]})
        )
    if errors:
        raise ImportRejected(
            f"Tệp {filename} có {len({e.row for e in errors})} dòng lỗi; chưa nhập dòng nào.",
            errors,
        )
    if not rows:
        raise ImportRejected(f"Tệp {filename} không có dòng số liệu nào.")
    result = ImportResult(warnings=file_warnings(frame))
    for criterion, unit, values in rows:
        if _save(user, scheme, criterion, unit, period, values):
            result.created += 1
        else:
            result.updated += 1
    return result
