"""Load a scoring scheme from its YAML file (format: docs/SCORING_FORMAT.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from cchc.audit.services import log_action
from cchc.base import sources as registry
from cchc.catalog.loader import SafeLoader
from cchc.org.models import UnitKind
from cchc.scoring.measures import MEASURES
from cchc.scoring.models import Band, Criterion, Method, Rescale, Scheme, Windows

BUILTIN_DIR = Path(__file__).parent / "builtin"
PERIOD_KINDS = ["month", "quarter", "half", "nine_months", "year"]
CRITERION_FIELDS = {
    "code",
    "title",
    "points",
    "children",
    "guidance",
    "evidence",
    "evidence_required",
    "method",
    "rule",
    "threshold",
    "source",
}
RULE_FIELDS = {"numerator", "denominator", "complement", "indicator"}


class SchemeFileError(ValueError):
    pass


def read_scheme_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except FileNotFoundError as exc:
        raise SchemeFileError(f"Không tìm thấy tệp bộ tiêu chí {path}.") from exc
    except yaml.YAMLError as exc:
        raise SchemeFileError(f"Tệp {path.name} không đúng định dạng YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemeFileError(f"Tệp {path.name}: nội dung phải là một bảng khóa: giá trị.")
    return data


def _points(value: Any, where: str, what: str = "điểm") -> Decimal:
    try:
        points = Decimal(str(value))
    except InvalidOperation as exc:
        raise SchemeFileError(f"{where}: {what} '{value}' không phải là số.") from exc
    if not points.is_finite() or points < 0:
        raise SchemeFileError(f"{where}: {what} '{value}' phải là số không âm.")
    return points


def _is_name(name: Any) -> bool:
    return isinstance(name, str) and (name in MEASURES or registry.is_known(name))


def _check_rule(item: dict[str, Any], where: str) -> None:
    rule = item.get("rule")
    if not isinstance(rule, dict) or not rule:
        raise SchemeFileError(f"{where}: tiêu chí tính từ số liệu (method: rule) cần 'rule'.")
    unknown = set(rule) - RULE_FIELDS
    if unknown:
        raise SchemeFileError(
            f"{where}: 'rule' có trường không biết: {', '.join(sorted(unknown))}."
        )
    if "indicator" in rule:
        if set(rule) != {"indicator"}:
            raise SchemeFileError(f"{where}: 'rule: indicator' không đi cùng tử số, mẫu số.")
        return
    numerator = rule.get("numerator")
    parts = numerator if isinstance(numerator, list) else [numerator]
    for name in [*parts, rule.get("denominator")]:
        if not _is_name(name):
            raise SchemeFileError(
                f"{where}: '{name}' không phải là số liệu cchc tính được (xem danh sách trong "
                "docs/SCORING_FORMAT.md)."
            )


def _check_criteria(items: Any, where: str, level: int, codes: dict[str, str]) -> Decimal:
    """Check a list of criteria; returns the sum of their maximum points."""
    if not isinstance(items, list) or not items:
        raise SchemeFileError(f"{where}: cần một danh sách tiêu chí.")
    total = Decimal(0)
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise SchemeFileError(f"{where}, mục {index}: phải là một bảng khóa: giá trị.")
        code = str(item.get("code", ""))
        here = f"{where}, tiêu chí {code or index}"
        if not code or not item.get("title"):
            raise SchemeFileError(f"{here}: tiêu chí phải có mã (code) và nội dung (title).")
        if code in codes:
            raise SchemeFileError(f"{here}: mã '{code}' trùng với {codes[code]}.")
        codes[code] = here
        unknown = set(item) - CRITERION_FIELDS
        if unknown:
            raise SchemeFileError(f"{here}: trường không biết: {', '.join(sorted(unknown))}.")
        if "children" in item:
            if level >= 3:
                raise SchemeFileError(f"{here}: bộ tiêu chí có tối đa ba cấp.")
            points = _check_criteria(item["children"], here, level + 1, codes)
            if "points" in item and _points(item["points"], here) != points:
                raise SchemeFileError(
                    f"{here}: điểm tối đa {item['points']} khác tổng điểm các tiêu chí con "
                    f"({points})."
                )
            if {"method", "rule", "threshold"} & set(item):
                raise SchemeFileError(f"{here}: chỉ tiêu chí không có tiêu chí con mới được chấm.")
        else:
            if "points" not in item:
                raise SchemeFileError(f"{here}: thiếu điểm tối đa (points).")
            points = _points(item["points"], here)
            method = item.get("method", Method.SELF)
            if method not in Method.values:
                raise SchemeFileError(
                    f"{here}: cách chấm '{method}' không hợp lệ; dùng {', '.join(Method.values)}."
                )
            if method == Method.RULE:
                _check_rule(item, here)
            elif "rule" in item:
                raise SchemeFileError(f"{here}: 'rule' chỉ dùng với method: rule.")
            if "threshold" in item:
                threshold = _points(item["threshold"], here, "ngưỡng")
                if not 0 < threshold <= 100:
                    raise SchemeFileError(f"{here}: ngưỡng phải lớn hơn 0 và không quá 100 (%).")
        total += points
    return total


def validate_scheme_data(data: dict[str, Any], source: str) -> None:
    """Raise SchemeFileError naming the first problem: where it is and what is wrong."""
    for field in ("code", "version", "name", "period_kinds", "criteria"):
        if field not in data:
            raise SchemeFileError(f"{source}: thiếu trường '{field}'.")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise SchemeFileError(f"{source}: 'version' phải là số nguyên dương.")
    for kind in data.get("unit_kinds", []):
        if kind not in UnitKind.values:
            raise SchemeFileError(f"{source}: loại đơn vị '{kind}' không có.")
    for kind in data["period_kinds"]:
        if kind not in PERIOD_KINDS:
            raise SchemeFileError(f"{source}: loại kỳ '{kind}' không có.")
    if data.get("windows", Windows.CALENDAR) not in Windows.values:
        raise SchemeFileError(f"{source}: 'windows' phải là {' hoặc '.join(Windows.values)}.")
    if data.get("rescale", Rescale.NONE) not in Rescale.values:
        raise SchemeFileError(f"{source}: 'rescale' phải là {' hoặc '.join(Rescale.values)}.")
    codes: dict[str, str] = {}
    _check_criteria(data["criteria"], source, 1, codes)
    for code in data.get("ties", []):
        if str(code) not in codes:
            raise SchemeFileError(f"{source}: 'ties' nêu tiêu chí '{code}' không có.")
    for index, band in enumerate(data.get("bands", []), start=1):
        if not isinstance(band, dict) or not band.get("label") or "from" not in band:
            raise SchemeFileError(f"{source}, mức xếp loại {index}: cần 'label' và 'from'.")
        _points(band["from"], f"{source}, mức xếp loại {band['label']}", "điểm từ")


def _create_criteria(
    scheme: Scheme, items: list[dict[str, Any]], parent: Criterion | None, level: int, order: list
) -> None:
    for item in items:
        order[0] += 1
        children = item.get("children")
        points = _points(item["points"], "") if "points" in item and not children else Decimal(0)
        criterion = Criterion.objects.create(
            scheme=scheme,
            parent=parent,
            code=str(item["code"]),
            title=item["title"],
            level=level,
            order=order[0],
            max_points=points,
            guidance=item.get("guidance", ""),
            evidence=item.get("evidence", ""),
            evidence_required=bool(item.get("evidence_required", False)),
            method=item.get("method", Method.SELF) if not children else Method.SELF,
            rule=item.get("rule", {}),
            threshold=_points(item["threshold"], "") if "threshold" in item else None,
            source=item.get("source", ""),
        )
        if children:
            _create_criteria(scheme, children, criterion, level + 1, order)
            criterion.max_points = sum(
                (child.max_points for child in criterion.children.all()), Decimal(0)
            )
            criterion.save(update_fields=["max_points"])


@transaction.atomic
def load_scheme(path: Path, user=None) -> Scheme:
    """Create a scheme version from a file; refuses a (code, version) that exists. Audited
    as done by `user` (None: the system, e.g. the command line)."""
    data = read_scheme_file(path)
    validate_scheme_data(data, path.name)
    if Scheme.objects.filter(code=data["code"], version=data["version"]).exists():
        raise SchemeFileError(
            f"Bộ tiêu chí {data['code']} phiên bản {data['version']} đã có; "
            "tăng 'version' để nạp bản sửa đổi."
        )
    scheme = Scheme.objects.create(
        code=data["code"],
        version=data["version"],
        name=data["name"],
        description=data.get("description", ""),
        unit_kinds=data.get("unit_kinds", []),
        period_kinds=data["period_kinds"],
        windows=data.get("windows", Windows.CALENDAR),
        rescale=data.get("rescale", Rescale.NONE),
        ties=[str(code) for code in data.get("ties", [])],
    )
    _create_criteria(scheme, data["criteria"], None, 1, [0])
    Band.objects.bulk_create(
        Band(scheme=scheme, label=band["label"], min_points=_points(band["from"], ""))
        for band in data.get("bands", [])
    )
    leaves = scheme.criteria.filter(children=None).count()
    log_action(
        user,
        "scheme.load",
        f"Nạp bộ tiêu chí {scheme.code} phiên bản {scheme.version} từ tệp {path.name}: "
        f"{leaves} tiêu chí được chấm, tổng {scheme.max_points} điểm",
        data={"code": scheme.code, "version": scheme.version, "file": path.name},
        obj=scheme,
    )
    return scheme


def load_builtin_schemes(user=None) -> list[Scheme]:
    """Load every built-in scheme that is not in the database yet."""
    loaded = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        data = read_scheme_file(path)
        if not Scheme.objects.filter(code=data["code"], version=data["version"]).exists():
            loaded.append(load_scheme(path, user))
    return loaded
