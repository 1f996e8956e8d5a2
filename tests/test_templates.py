"""Loading report templates from YAML (docs/TEMPLATE_FORMAT.md) and the built-in ones."""

import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.catalog.loader import (
    BUILTIN_DIR,
    TemplateFileError,
    load_builtin_templates,
    load_template,
)
from cchc.catalog.models import (
    Indicator,
    OutlineSection,
    ReportTemplate,
    Rule,
    Section,
    Severity,
    ValueType,
)
from cchc.catalog.values import InvalidValue, parse_value

pytestmark = pytest.mark.django_db

SECTION_ROWS = {"I": 27, "II": 10, "III": 25, "IV": 40, "V": 28, "VI": 9, "VII": 39}

VALID = """\
code: thu-nghiem
version: 1
name: "Biểu thử nghiệm"
deadline_working_days: 3
sections:
  - code: "I"
    title: "Công tác chỉ đạo điều hành CCHC"
    rows:
      - key: plan_completion_rate
        stt: "1"
        label: "Tỷ lệ hoàn thành Kế hoạch CCHC năm"
        unit: "%"
        type: percent
        formula: "plan_tasks_done / plan_tasks_total * 100"
        consolidation: avg
      - key: plan_tasks_total
        label: "Số nhiệm vụ đề ra trong kế hoạch"
        unit: "Nhiệm vụ"
        type: integer
        level: 1
        required: true
        consolidation: sum
      - key: plan_tasks_done
        label: "Số nhiệm vụ đã hoàn thành"
        unit: "Nhiệm vụ"
        type: integer
        level: 1
        consolidation: sum
  - code: "II"
    title: "Cải cách thể chế"
    rows:
      - key: innovation
        stt: 1
        label: "Có sáng kiến CCHC"
        unit: "Không = 0 Có = 1"
        type: yes_no
        choices:
          - {value: 0, label: "Không"}
          - {value: 1, label: "Có"}
        consolidation: count_true
rules:
  - check: "plan_tasks_done <= plan_tasks_total"
    message: "Số nhiệm vụ đã hoàn thành không được lớn hơn số nhiệm vụ đề ra"
  - check: "plan_tasks_total > 0"
    message: "Kế hoạch không có nhiệm vụ nào"
    severity: warning
outline:
  - number: "I."
    title: "Tình hình thực hiện"
    hint: "Nêu kết quả"
    children:
      - number: "1."
        title: "Công tác chỉ đạo"
  - number: "II."
    title: "Phương hướng"
"""


def write(tmp_path, text, name="bieu.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def counts():
    return (
        ReportTemplate.objects.count(),
        Section.objects.count(),
        Indicator.objects.count(),
        Rule.objects.count(),
        OutlineSection.objects.count(),
    )


# --- built-in templates ----------------------------------------------------------------------


def test_builtin_so_nganh():
    load_builtin_templates()
    template = ReportTemplate.objects.get(code="so-nganh", version=1)
    assert template.name == "Báo cáo CCHC định kỳ của sở, ban, ngành"
    assert template.deadline_working_days == 2
    sections = list(template.sections.order_by("order"))
    assert [s.code for s in sections] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert sections[0].title == "Công tác chỉ đạo điều hành CCHC"
    assert sections[6].title == "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    assert {s.code: s.indicators.count() for s in sections} == SECTION_ROWS
    assert template.indicators.count() == 178
    assert list(template.indicators.values_list("order", flat=True)) == list(range(1, 179))
    assert template.rules.count() == 28
    assert template.outline.count() == 31


def test_builtin_key_rows():
    load_builtin_templates()
    template = ReportTemplate.objects.get(code="so-nganh", version=1)
    rows = template.indicators_by_key()
    rate = rows["plan_completion_rate"]
    assert (rate.section.code, rate.stt, rate.order) == ("I", "1", 1)
    assert rate.label == "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"
    assert (rate.unit, rate.value_type, rate.consolidation) == ("%", ValueType.PERCENT, "avg")
    assert rate.formula == "plan_tasks_done / plan_tasks_total * 100"
    assert rate.is_derived
    total = rows["plan_tasks_total"]
    assert (total.unit, total.value_type, total.required, total.level) == (
        "Nhiệm vụ",
        ValueType.INTEGER,
        True,
        1,
    )
    # a sub-row without STT belongs to the numbered row above it
    assert (rate.ref, total.ref) == ("I.1", "I.1")
    with pytest.raises(InvalidValue) as info:
        parse_value(total, "-1")
    assert str(info.value) == (
        "Chỉ tiêu «Số nhiệm vụ đề ra trong kế hoạch» (mục I.1): số lượng không được âm."
    )
    meetings = rows["communication_meetings"]
    assert meetings.value_type == ValueType.YES_NO
    assert meetings.unit == "Không = 0 Có = 1"
    assert meetings.choices == [{"value": 0, "label": "Không"}, {"value": 1, "label": "Có"}]
    assert meetings.consolidation == "count_true"
    survey = rows["survey_method"]
    assert survey.value_type == ValueType.CHOICE
    assert [c["value"] for c in survey.choices] == [0, 1, 2]
    assert rows["inspection"].value_type == ValueType.GROUP
    assert rows["inspection"].is_group
    rule = template.rules.get(order=1)
    assert rule.expression == "plan_tasks_done <= plan_tasks_total"
    assert rule.severity == Severity.ERROR


def test_builtin_so_nganh_nam_shares_rows_and_has_its_own_outline():
    load_builtin_templates()
    quarterly = ReportTemplate.objects.get(code="so-nganh", version=1)
    yearly = ReportTemplate.objects.get(code="so-nganh-nam", version=1)
    assert yearly.name == "Báo cáo CCHC năm của sở, ban, ngành"
    assert list(yearly.indicators.values_list("key", "value_type", "unit")) == list(
        quarterly.indicators.values_list("key", "value_type", "unit")
    )
    assert {s.code: s.indicators.count() for s in yearly.sections.all()} == SECTION_ROWS
    assert list(yearly.rules.values_list("expression", flat=True)) == list(
        quarterly.rules.values_list("expression", flat=True)
    )
    outline = list(yearly.outline.values_list("number", "title", "level"))
    assert len(outline) == 11
    assert outline[0] == ("I.", "Công tác chỉ đạo, điều hành cải cách hành chính", 1)
    assert outline[2] == ("1.", "Cải cách thể chế", 2)
    assert outline[-1] == ("V.", "Kiến nghị, đề xuất", 1)
    assert outline != list(quarterly.outline.values_list("number", "title", "level"))


def test_builtin_loading_is_idempotent():
    load_builtin_templates()
    before = counts()
    assert load_builtin_templates() == []
    assert counts() == before


def test_same_code_and_version_is_refused():
    load_builtin_templates()
    before = counts()
    with pytest.raises(TemplateFileError) as info:
        load_template(BUILTIN_DIR / "so-nganh.yaml")
    assert str(info.value) == (
        "Biểu mẫu so-nganh phiên bản 1 đã có; tăng 'version' để nạp bản sửa đổi."
    )
    assert counts() == before


# --- loading a file --------------------------------------------------------------------------


def test_load_valid_file(tmp_path):
    template = load_template(write(tmp_path, VALID))
    assert (template.code, template.version, template.deadline_working_days) == ("thu-nghiem", 1, 3)
    rows = list(template.indicators.order_by("order"))
    assert [(r.key, r.section.code, r.order) for r in rows] == [
        ("plan_completion_rate", "I", 1),
        ("plan_tasks_total", "I", 2),
        ("plan_tasks_done", "I", 3),
        ("innovation", "II", 4),
    ]
    assert rows[3].stt == "1"  # an integer STT is stored as text
    assert rows[1].stt == "" and rows[1].level == 1 and rows[1].required
    assert [(r.expression, r.severity, r.order) for r in template.rules.all()] == [
        ("plan_tasks_done <= plan_tasks_total", Severity.ERROR, 1),
        ("plan_tasks_total > 0", Severity.WARNING, 2),
    ]
    assert list(template.outline.values_list("number", "title", "level", "hint")) == [
        ("I.", "Tình hình thực hiện", 1, "Nêu kết quả"),
        ("1.", "Công tác chỉ đạo", 2, ""),
        ("II.", "Phương hướng", 1, ""),
    ]


def test_new_version_of_an_existing_code_loads(tmp_path):
    load_template(write(tmp_path, VALID))
    load_template(write(tmp_path, VALID.replace("version: 1", "version: 2"), "v2.yaml"))
    versions = ReportTemplate.objects.filter(code="thu-nghiem").values_list("version", flat=True)
    assert list(versions) == [2, 1]


def bad_file_cases():
    return [
        pytest.param(
            VALID.replace(
                "type: integer\n        level: 1\n        required: true",
                "type: money\n        level: 1\n        required: true",
            ),
            "bieu.yaml, phần I, dòng 2 (plan_tasks_total): kiểu số liệu 'money' không hợp lệ.",
            id="unknown-type",
        ),
        pytest.param(
            VALID.replace("key: innovation", "key: plan_tasks_done"),
            "bieu.yaml, phần II, dòng 1 (plan_tasks_done): mã chỉ tiêu 'plan_tasks_done' trùng "
            "với bieu.yaml, phần I, dòng 3 (plan_tasks_done).",
            id="duplicate-key",
        ),
        pytest.param(
            VALID.replace(
                "plan_tasks_done / plan_tasks_total * 100",
                "plan_tasks_finished / plan_tasks_total * 100",
            ),
            "bieu.yaml, phần I, dòng 1 (plan_completion_rate): công thức dùng mã chỉ tiêu "
            "không có: plan_tasks_finished.",
            id="formula-unknown-key",
        ),
        pytest.param(
            VALID.replace('check: "plan_tasks_total > 0"', 'check: "plan_tasks_count > 0"'),
            "bieu.yaml, quy tắc 2 dùng mã chỉ tiêu không có: plan_tasks_count.",
            id="rule-unknown-key",
        ),
        pytest.param(
            VALID.replace(
                "        type: integer\n        level: 1\n        consolidation: sum",
                "        type: integer\n        level: 1\n"
                '        formula: "plan_completion_rate * plan_tasks_total / 100"\n'
                "        consolidation: sum",
            ),
            "bieu.yaml: Công thức tham chiếu vòng: plan_completion_rate → plan_tasks_done → "
            "plan_completion_rate",
            id="cycle",
        ),
        pytest.param(
            VALID.replace(
                'formula: "plan_tasks_done / plan_tasks_total * 100"',
                'formula: "plan_tasks_done ** 2"',
            ),
            "bieu.yaml: Biểu thức 'plan_tasks_done ** 2' dùng phép toán không được phép (Pow).",
            id="forbidden-formula",
        ),
        pytest.param(
            VALID.replace(
                '        choices:\n          - {value: 0, label: "Không"}\n'
                '          - {value: 1, label: "Có"}\n',
                "",
            ),
            "bieu.yaml, phần II, dòng 1 (innovation): chỉ tiêu mã hóa phải có 'choices'.",
            id="yes-no-without-choices",
        ),
        pytest.param(
            VALID.replace("key: plan_tasks_total", "key: Plan-Tasks"),
            "bieu.yaml, phần I, dòng 2 (Plan-Tasks): mã chỉ tiêu 'Plan-Tasks' không hợp lệ.",
            id="bad-key",
        ),
        pytest.param(
            VALID.replace("consolidation: avg", "consolidation: median"),
            "bieu.yaml, phần I, dòng 1 (plan_completion_rate): cách tổng hợp theo đơn vị "
            "'median' không hợp lệ; dùng một trong: sum, avg, weighted, min, max, count, "
            "count_true, none.",
            id="bad-consolidation",
        ),
        pytest.param(
            VALID.replace("    severity: warning", "    severity: fatal"),
            "bieu.yaml, quy tắc 2: mức độ không hợp lệ.",
            id="bad-severity",
        ),
        pytest.param(
            VALID.replace('    message: "Kế hoạch không có nhiệm vụ nào"\n', ""),
            "bieu.yaml, quy tắc 2: thiếu 'check' hoặc 'message'.",
            id="rule-without-message",
        ),
        pytest.param(
            VALID.replace('    title: "Cải cách thể chế"\n', ""),
            "bieu.yaml, phần II: phần phải có số (code) và tên (title).",
            id="section-without-title",
        ),
        pytest.param(
            VALID[: VALID.index("sections:")],
            "bieu.yaml: thiếu trường 'sections'.",
            id="missing-sections",
        ),
        pytest.param(
            VALID.replace("version: 1", "version: one"),
            "bieu.yaml: 'version' phải là số nguyên dương.",
            id="bad-version",
        ),
    ]


@pytest.mark.parametrize(("text", "message"), bad_file_cases())
def test_bad_file_is_refused_with_its_place_and_nothing_is_stored(tmp_path, text, message):
    before = counts()
    with pytest.raises(TemplateFileError) as info:
        load_template(write(tmp_path, text))
    assert str(info.value) == message
    assert counts() == before


def test_invalid_yaml(tmp_path):
    path = write(tmp_path, "code: x\nsections: [\n  - code: I\n")
    before = counts()
    with pytest.raises(TemplateFileError) as info:
        load_template(path)
    assert str(info.value).startswith("Tệp bieu.yaml không đúng định dạng YAML:")
    assert counts() == before


def test_yaml_that_is_not_a_mapping(tmp_path):
    with pytest.raises(TemplateFileError) as info:
        load_template(write(tmp_path, "- code: x\n"))
    assert str(info.value) == "Tệp bieu.yaml: nội dung phải là một bảng khóa: giá trị."


def test_missing_file(tmp_path):
    with pytest.raises(TemplateFileError, match="Không tìm thấy tệp biểu mẫu"):
        load_template(tmp_path / "khong-co.yaml")


def test_sections_from_another_file(tmp_path):
    write(tmp_path, VALID, "goc.yaml")
    path = write(
        tmp_path,
        """\
        code: thu-nghiem-nam
        version: 1
        name: "Biểu năm"
        sections_from: goc.yaml
        outline:
          - number: "I."
            title: "Đánh giá chung"
        """,
        "nam.yaml",
    )
    template = load_template(path)
    assert template.indicators.count() == 4
    assert template.rules.count() == 2
    assert list(template.outline.values_list("title", flat=True)) == ["Đánh giá chung"]


def test_failure_while_storing_rolls_everything_back(tmp_path):
    # A valid-looking file whose outline item has no number: validation passes, the
    # template, sections and indicators are created, then storing the outline fails.
    text = VALID.replace(
        '  - number: "II."\n    title: "Phương hướng"\n', '  - title: "Phương hướng"\n'
    )
    before = counts()
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave nothing behind
        load_template(write(tmp_path, text))
    assert counts() == before


def test_outline_item_without_number_is_a_template_error(tmp_path):
    text = VALID.replace(
        '  - number: "II."\n    title: "Phương hướng"\n', '  - title: "Phương hướng"\n'
    )
    with pytest.raises(TemplateFileError):
        load_template(write(tmp_path, text))


def test_row_without_label_is_a_template_error(tmp_path):
    text = VALID.replace('        label: "Số nhiệm vụ đã hoàn thành"\n', "")
    with pytest.raises(TemplateFileError, match=r"phần I, dòng 3 \(plan_tasks_done\)"):
        load_template(write(tmp_path, text))


def test_section_without_code_is_a_template_error(tmp_path):
    text = VALID.replace('  - code: "II"\n', "  -\n")
    with pytest.raises(TemplateFileError):
        load_template(write(tmp_path, text))


def test_rule_with_a_string_constant_is_a_template_error(tmp_path):
    text = VALID.replace('check: "plan_tasks_total > 0"', "check: \"plan_tasks_total > 'a'\"")
    with pytest.raises(TemplateFileError):
        load_template(write(tmp_path, text))


# --- management command ----------------------------------------------------------------------


def test_template_command_loads_a_file(tmp_path):
    out = StringIO()
    call_command("template", "load", str(write(tmp_path, VALID)), stdout=out)
    assert out.getvalue() == (
        "Đã nạp biểu mẫu thu-nghiem phiên bản 1: 4 chỉ tiêu, 2 quy tắc, 3 mục đề cương.\n"
    )
    assert ReportTemplate.objects.filter(code="thu-nghiem", version=1).exists()


def test_template_command_refuses_a_bad_file(tmp_path):
    path = write(tmp_path, VALID.replace("consolidation: avg", "consolidation: median"))
    before = counts()
    with pytest.raises(CommandError, match="cách tổng hợp theo đơn vị 'median' không hợp lệ"):
        call_command("template", "load", str(path), stdout=StringIO())
    assert counts() == before


def test_template_command_builtin():
    out = StringIO()
    call_command("template", "builtin", stdout=out)
    assert ReportTemplate.objects.filter(code__in=["so-nganh", "so-nganh-nam"]).count() == 2
    out = StringIO()
    call_command("template", "builtin", stdout=out)
    assert out.getvalue() == "Không có biểu mẫu mới.\n"
