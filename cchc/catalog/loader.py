"""Load a report template from its YAML file (format: docs/TEMPLATE_FORMAT.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from cchc.audit.services import log_action
from cchc.base import sources as registry
from cchc.catalog.formulas import FormulaError, dependency_order, expression_names
from cchc.catalog.models import (
    Consolidation,
    Indicator,
    OutlineSection,
    PeriodConsolidation,
    ReportTemplate,
    Rule,
    Section,
    Severity,
    ValueType,
)
from cchc.org.models import UnitKind

BUILTIN_DIR = Path(__file__).parent / "builtin"
# libyaml's loader when PyYAML was built with it: ten times faster on the 1.500-line built-ins.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateFileError(ValueError):
    pass


def register_sources() -> set[str]:
    return registry.names()


def read_template_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except FileNotFoundError as exc:
        raise TemplateFileError(f"Không tìm thấy tệp biểu mẫu {path}.") from exc
    except yaml.YAMLError as exc:
        raise TemplateFileError(f"Tệp {path.name} không đúng định dạng YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateFileError(f"Tệp {path.name}: nội dung phải là một bảng khóa: giá trị.")
    if "sections_from" in data:
        base = read_template_file(path.parent / data["sections_from"])
        data.setdefault("sections", base.get("sections", []))
        data.setdefault("rules", base.get("rules", []))
    return data


def validate_template_data(data: dict[str, Any], source: str) -> None:
    """Raise TemplateFileError naming the first problem: where it is and what is wrong."""
    for field in ("code", "version", "name", "sections"):
        if field not in data:
            raise TemplateFileError(f"{source}: thiếu trường '{field}'.")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise TemplateFileError(f"{source}: 'version' phải là số nguyên dương.")
    keys: dict[str, str] = {}
    formulas: dict[str, str] = {}
    weights: dict[str, str] = {}
    for s_index, section in enumerate(data["sections"], start=1):
        where_section = f"{source}, phần {section.get('code', s_index)}"
        if not section.get("code") or not section.get("title"):
            raise TemplateFileError(f"{where_section}: phần phải có số (code) và tên (title).")
        for r_index, row in enumerate(section.get("rows", []), start=1):
            where = f"{where_section}, dòng {r_index} ({row.get('key', '?')})"
            key = row.get("key", "")
            if not KEY_PATTERN.match(str(key)):
                raise TemplateFileError(f"{where}: mã chỉ tiêu '{key}' không hợp lệ.")
            if key in keys:
                raise TemplateFileError(f"{where}: mã chỉ tiêu '{key}' trùng với {keys[key]}.")
            keys[key] = where
            if not row.get("label"):
                raise TemplateFileError(f"{where}: thiếu tên chỉ tiêu (label).")
            if row.get("type") not in ValueType.values:
                raise TemplateFileError(f"{where}: kiểu số liệu '{row.get('type')}' không hợp lệ.")
            if "cumulative" in row and not isinstance(row["cumulative"], bool):
                raise TemplateFileError(f"{where}: 'cumulative' phải là true hoặc false.")
            if row["type"] in (ValueType.YES_NO, ValueType.CHOICE) and not row.get("choices"):
                raise TemplateFileError(f"{where}: chỉ tiêu mã hóa phải có 'choices'.")
            consolidation_rule(row, where)
            if row.get("formula"):
                formulas[key] = row["formula"]
            weight = consolidation_rule(row, where)[2]
            if weight:
                weights[key] = weight
            if row.get("source") and not registry.is_known(row["source"]):
                families = "".join(f", {prefix}.<mã chỉ tiêu>" for prefix in registry.FAMILIES)
                raise TemplateFileError(
                    f"{where}: nguồn '{row['source']}' không có; dùng một trong: "
                    f"{', '.join(sorted(register_sources()))}{families}."
                )
    for key, weight in weights.items():
        if weight not in keys or weight in weights:
            raise TemplateFileError(
                f"{keys[key]}: chỉ tiêu trọng số '{weight}' không có trong biểu mẫu "
                "hoặc chính nó cũng tính bình quân gia quyền."
            )
    kinds = data.get("unit_kinds", [])
    if not isinstance(kinds, list) or set(kinds) - set(UnitKind.values):
        raise TemplateFileError(
            f"{source}: 'unit_kinds' phải là danh sách loại đơn vị trong: "
            f"{', '.join(UnitKind.values)}."
        )
    try:
        for key, formula in formulas.items():
            _check_names(formula, keys, f"{keys[key]}: công thức")
        dependency_order(formulas)
        for index, rule in enumerate(data.get("rules", []), start=1):
            if not rule.get("check") or not rule.get("message"):
                raise TemplateFileError(f"{source}, quy tắc {index}: thiếu 'check' hoặc 'message'.")
            if rule.get("severity", Severity.ERROR) not in Severity.values:
                raise TemplateFileError(f"{source}, quy tắc {index}: mức độ không hợp lệ.")
            _check_names(rule["check"], keys, f"{source}, quy tắc {index}")
    except FormulaError as exc:
        raise TemplateFileError(f"{source}: {exc}") from exc
    for index, (_, item) in enumerate(_flatten_outline(data.get("outline", [])), start=1):
        if not item.get("number") or not item.get("title"):
            raise TemplateFileError(
                f"{source}, đề cương mục {index}: phải có số thứ tự (number) và tiêu đề (title)."
            )


def consolidation_rule(row: dict[str, Any], where: str) -> tuple[str, str, str]:
    """(over units, over periods, weight key) of a row's `consolidation:`, written either as
    the units' rule alone (`sum`) or as {units: weighted, weight: KEY, periods: weighted}."""
    raw = row.get("consolidation", Consolidation.NONE)
    spec = raw if isinstance(raw, dict) else {"units": raw}
    unknown = set(spec) - {"units", "periods", "weight"}
    if unknown:
        raise TemplateFileError(
            f"{where}: cách tổng hợp có khóa không hợp lệ: {', '.join(sorted(unknown))} "
            "(dùng units, periods, weight)."
        )
    units = spec.get("units", Consolidation.NONE)
    periods = spec.get("periods", PeriodConsolidation.LAST)
    weight = spec.get("weight", "")
    if units not in Consolidation.values:
        raise TemplateFileError(
            f"{where}: cách tổng hợp theo đơn vị '{units}' không hợp lệ; "
            f"dùng một trong: {', '.join(Consolidation.values)}."
        )
    if periods not in PeriodConsolidation.values:
        raise TemplateFileError(
            f"{where}: cách tổng hợp theo kỳ '{periods}' không hợp lệ; "
            f"dùng một trong: {', '.join(PeriodConsolidation.values)}."
        )
    weighted = Consolidation.WEIGHTED in (units, periods)
    if weighted != bool(weight):
        raise TemplateFileError(
            f"{where}: bình quân gia quyền cần chỉ tiêu trọng số (weight), "
            "và chỉ bình quân gia quyền mới dùng trọng số."
        )
    return units, periods, weight


def is_cumulative(row: dict[str, Any]) -> bool:
    """A row counted from the start of the year: `cumulative: true`, or by default a row fed
    by a year-to-date source (`posts.media_ytd`) or labelled "lũy kế"."""
    if "cumulative" in row:
        return bool(row["cumulative"])
    return str(row.get("source", "")).endswith("_ytd") or "lũy kế" in str(row["label"]).lower()


def _check_names(expression: str, keys: dict[str, str], where: str) -> None:
    unknown = expression_names(expression) - set(keys)
    if unknown:
        raise TemplateFileError(f"{where} dùng mã chỉ tiêu không có: {', '.join(sorted(unknown))}.")


def _flatten_outline(items: list[dict[str, Any]], level: int = 1) -> list[tuple[int, dict]]:
    flat: list[tuple[int, dict]] = []
    for item in items:
        flat.append((level, item))
        flat.extend(_flatten_outline(item.get("children", []), level + 1))
    return flat


@transaction.atomic
def load_template(path: Path, user=None) -> ReportTemplate:
    """Create a template version from a file; refuses a (code, version) that exists.
    Audited as done by `user` (None: the system, e.g. the command line)."""
    data = read_template_file(path)
    validate_template_data(data, path.name)
    if ReportTemplate.objects.filter(code=data["code"], version=data["version"]).exists():
        raise TemplateFileError(
            f"Biểu mẫu {data['code']} phiên bản {data['version']} đã có; "
            "tăng 'version' để nạp bản sửa đổi."
        )
    template = ReportTemplate.objects.create(
        code=data["code"],
        version=data["version"],
        name=data["name"],
        description=data.get("description", ""),
        summary=data.get("summary", ""),
        deadline_working_days=data.get("deadline_working_days", 2),
        unit_kinds=data.get("unit_kinds", []),
    )
    order = 0
    indicators = []
    for s_order, section_data in enumerate(data["sections"], start=1):
        section = Section.objects.create(
            template=template, code=section_data["code"], title=section_data["title"], order=s_order
        )
        ref = section.code
        for row in section_data.get("rows", []):
            order += 1
            if row.get("stt"):
                ref = f"{section.code}.{row['stt']}"
            units_rule, periods_rule, weight = consolidation_rule(row, "")
            indicators.append(
                Indicator(
                    template=template,
                    section=section,
                    key=row["key"],
                    stt=str(row.get("stt", "")),
                    ref=ref,
                    label=row["label"],
                    unit=row.get("unit", ""),
                    value_type=row["type"],
                    level=row.get("level", 0),
                    required=row.get("required", False),
                    choices=row.get("choices", []),
                    formula=row.get("formula", ""),
                    consolidation=units_rule,
                    period_consolidation=periods_rule,
                    consolidation_weight=weight,
                    source=row.get("source", ""),
                    cumulative=is_cumulative(row),
                    note_hint=row.get("note_hint", ""),
                    order=order,
                )
            )
    Indicator.objects.bulk_create(indicators)
    Rule.objects.bulk_create(
        Rule(
            template=template,
            expression=rule["check"],
            message=rule["message"],
            severity=rule.get("severity", Severity.ERROR),
            order=index,
        )
        for index, rule in enumerate(data.get("rules", []), start=1)
    )
    OutlineSection.objects.bulk_create(
        OutlineSection(
            template=template,
            number=str(item["number"]),
            title=item["title"],
            level=level,
            hint=item.get("hint", ""),
            draft=item.get("draft", ""),
            chart=item.get("chart", ""),
            order=index,
        )
        for index, (level, item) in enumerate(_flatten_outline(data.get("outline", [])), start=1)
    )
    counts = {
        "sections": len(data["sections"]),
        "indicators": len(indicators),
        "rules": len(data.get("rules", [])),
        "outline": len(_flatten_outline(data.get("outline", []))),
    }
    log_action(
        user,
        "template.load",
        f"Nạp biểu mẫu {template.code} phiên bản {template.version} từ tệp {path.name}: "
        f"{counts['sections']} phần, {counts['indicators']} chỉ tiêu, {counts['rules']} quy tắc "
        f"kiểm tra, {counts['outline']} mục đề cương",
        data={"code": template.code, "version": template.version, "file": path.name, **counts},
        obj=template,
    )
    return template


def load_builtin_templates(user=None) -> list[ReportTemplate]:
    """Load every built-in template that is not in the database yet."""
    loaded = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        data = read_template_file(path)
        if not ReportTemplate.objects.filter(code=data["code"], version=data["version"]).exists():
            loaded.append(load_template(path, user))
    return loaded
