"""Formulas (restricted arithmetic), Vietnamese number reading/writing, value parsing, checks."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.catalog.checks import check_values
from cchc.catalog.formulas import (
    FormulaError,
    compute_derived,
    dependency_order,
    evaluate,
    expression_names,
)
from cchc.catalog.models import Indicator, Rule, Section, Severity, ValueType
from cchc.catalog.values import (
    InvalidValue,
    display_value,
    format_number,
    parse_number,
    parse_value,
)

YES_NO = [{"value": 0, "label": "Không"}, {"value": 1, "label": "Có"}]


def indicator(
    key="plan_tasks_done",
    value_type=ValueType.INTEGER,
    label="Số nhiệm vụ đã hoàn thành",
    stt="1",
    ref="I.1",
    choices=None,
    required=False,
    formula="",
):
    return Indicator(
        key=key,
        value_type=value_type,
        choices=choices or [],
        stt=stt,
        ref=ref,
        label=label,
        required=required,
        formula=formula,
        section=Section(code="I", title="Công tác chỉ đạo điều hành CCHC", order=1),
    )


# --- formulas --------------------------------------------------------------------------------


def test_plan_completion_rate():
    derived = compute_derived(
        {"plan_completion_rate": "plan_tasks_done / plan_tasks_total * 100"},
        {"plan_tasks_done": Decimal(40), "plan_tasks_total": Decimal(46)},
        {"plan_completion_rate": 2},
    )
    assert derived == {"plan_completion_rate": Decimal("86.96")}
    assert str(derived["plan_completion_rate"]) == "86.96"


def test_places_default_to_two_and_round_half_up():
    derived = compute_derived({"half": "a / 8", "whole": "a / 8"}, {"a": Decimal(1)}, {"whole": 0})
    assert derived == {"half": Decimal("0.13"), "whole": Decimal("0")}
    assert compute_derived({"x": "a / 2"}, {"a": Decimal(5)}, {"x": 0}) == {"x": Decimal("3")}


def test_chained_formulas_in_any_order():
    formulas = {
        "rate": "done / total * 100",
        "total": "done + open",
        "done": "done_on_time + done_late",
    }
    values = {"done_on_time": Decimal(30), "done_late": Decimal(10), "open": Decimal(6)}
    derived = compute_derived(formulas, values, {"total": 0, "done": 0})
    assert derived == {"done": Decimal(40), "total": Decimal(46), "rate": Decimal("86.96")}
    assert dependency_order(formulas) == ["done", "total", "rate"]


def test_chained_formula_uses_the_rounded_value():
    derived = compute_derived({"a": "x / 3", "b": "a * 3"}, {"x": Decimal(1)}, {"a": 2, "b": 2})
    assert derived == {"a": Decimal("0.33"), "b": Decimal("0.99")}


def test_division_by_zero_gives_none():
    assert compute_derived(
        {"rate": "done / total * 100"}, {"done": Decimal(0), "total": Decimal(0)}, {}
    ) == {"rate": None}
    assert evaluate("a / b", {"a": Decimal(5), "b": Decimal(0)}) is None


def test_missing_input_gives_none_and_propagates():
    formulas = {"total": "a + b", "rate": "a / total * 100"}
    assert compute_derived(formulas, {"a": Decimal(1), "b": None}, {}) == {
        "total": None,
        "rate": None,
    }
    assert compute_derived(formulas, {"a": Decimal(1)}, {}) == {"total": None, "rate": None}


def test_functions_and_constants():
    values = {"a": Decimal(3), "b": Decimal(-7)}
    assert evaluate("min(a, b)", values) == Decimal(-7)
    assert evaluate("max(a, b)", values) == Decimal(3)
    assert evaluate("abs(b)", values) == Decimal(7)
    assert evaluate("round(a / 7 * 100, 1)", values) == Decimal("42.9")
    assert evaluate("a * 0.1", values) == Decimal("0.3")
    assert evaluate("-a + +b", values) == Decimal(-10)


def test_comparisons_and_logic():
    values = {"a": Decimal(3), "b": Decimal(7)}
    assert evaluate("a <= b and b != 0", values) is True
    assert evaluate("a > b or not a == 3", values) is False
    assert evaluate("a + 4 == b", values) is True


@pytest.mark.parametrize(
    ("formulas", "cycle"),
    [
        ({"a": "b + 1", "b": "a + 1"}, "a → b → a"),
        ({"a": "a + 1"}, "a → a"),
        ({"a": "b", "b": "c * 2", "c": "a / 2"}, "a → b → c → a"),
    ],
)
def test_cycles_are_refused(formulas, cycle):
    with pytest.raises(FormulaError) as info:
        dependency_order(formulas)
    assert str(info.value) == f"Công thức tham chiếu vòng: {cycle}"
    with pytest.raises(FormulaError):
        compute_derived(formulas, {}, {})


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a.real", "dùng phép toán không được phép (Attribute)"),
        ("a.__class__", "dùng phép toán không được phép (Attribute)"),
        ("import os", "sai cú pháp"),
        ("__import__('os')", "gọi hàm không được phép"),
        ("open(a)", "gọi hàm không được phép"),
        ("eval(a)", "gọi hàm không được phép"),
        ("a ** 2", "dùng phép toán không được phép (Pow)"),
        ("a // 2", "dùng phép toán không được phép (FloorDiv)"),
        ("a % 2", "dùng phép toán không được phép (Mod)"),
        ("lambda: a", "dùng phép toán không được phép (Lambda)"),
        ("a[0]", "dùng phép toán không được phép (Subscript)"),
        ("[a, b]", "dùng phép toán không được phép (List)"),
        ("a if b else 0", "dùng phép toán không được phép (IfExp)"),
        ("f'{a}'", "dùng phép toán không được phép (JoinedStr)"),
        ("a +", "sai cú pháp"),
    ],
)
def test_forbidden_syntax(expression, message):
    with pytest.raises(FormulaError) as info:
        expression_names(expression)
    assert str(info.value) == f"Biểu thức '{expression}' {message}."
    with pytest.raises(FormulaError):
        evaluate(expression, {"a": Decimal(1), "b": Decimal(2)})


@pytest.mark.parametrize("expression", ["'abc'", "a == 'x'", "True", "a + True", "None"])
def test_string_and_boolean_constants_are_refused_when_evaluated(expression):
    with pytest.raises(FormulaError, match="hằng số dạng số|Hằng số không được phép"):
        evaluate(expression, {"a": Decimal(1)})


@pytest.mark.parametrize("expression", ["a == 'x'", "True"])
def test_string_and_boolean_constants_are_refused_by_expression_names(expression):
    with pytest.raises(FormulaError):
        expression_names(expression)


def test_expression_names():
    assert expression_names("plan_tasks_done / plan_tasks_total * 100") == {
        "plan_tasks_done",
        "plan_tasks_total",
    }
    assert expression_names("round(min(a, b) / max(c, 1), 2) + abs(d)") == {"a", "b", "c", "d"}
    assert expression_names("a + b + a") == {"a", "b"}
    assert expression_names("100") == set()


# --- parse_number / format_number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("704.700", Decimal(704700)),
        ("86,96", Decimal("86.96")),
        ("04", Decimal(4)),
        ("-3", Decimal(-3)),
        ("0,5", Decimal("0.5")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("704700", Decimal(704700)),
        (" 86,96% ", Decimal("86.96")),
        ("704 700", Decimal(704700)),
        ("704\u00a0700", Decimal(704700)),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_parse_number_examples_exactly():
    assert parse_number("704.700") == 704700
    assert parse_number("86,96") == Decimal("86.96")
    assert parse_number("04") == 4


@pytest.mark.parametrize("raw", ["", "   ", "%", "abc", "86.96", "1.2.3", "--1", "1,2,3", "mười"])
def test_parse_number_refuses(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (704700, 0, "704.700"),
        (Decimal("86.96"), 2, "86,96"),
        (100, 2, "100"),
        (Decimal("1.50"), 2, "1,5"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("-3.5"), 2, "-3,5"),
        (Decimal("86.96"), 0, "87"),
        (Decimal("0"), 2, "0"),
        (None, 2, ""),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_never_writes_negative_zero():
    assert format_number(Decimal("-0.004")) == "0"


@given(
    st.decimals(
        min_value=Decimal("-1e12"),
        max_value=Decimal("1e12"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_format_then_parse_round_trip(value):
    assert parse_number(format_number(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_format_then_parse_round_trip_integers(value):
    assert parse_number(format_number(value, 0)) == value


# --- parse_value -----------------------------------------------------------------------------


def test_integer_value():
    done = indicator()
    assert parse_value(done, "40") == Decimal(40)
    assert parse_value(done, "1.200") == Decimal(1200)
    assert parse_value(done, "") is None
    assert parse_value(done, "   ") is None
    assert parse_value(done, None) is None


def test_integer_rejects_a_fraction():
    with pytest.raises(InvalidValue) as info:
        parse_value(indicator(), "1,5")
    assert str(info.value) == (
        "Chỉ tiêu «Số nhiệm vụ đã hoàn thành» (mục I.1): phải là số nguyên, không phải '1,5'."
    )


def test_integer_rejects_a_negative():
    with pytest.raises(InvalidValue) as info:
        parse_value(indicator(), "-3")
    assert str(info.value) == (
        "Chỉ tiêu «Số nhiệm vụ đã hoàn thành» (mục I.1): số lượng không được âm."
    )


def test_not_a_number():
    with pytest.raises(InvalidValue) as info:
        parse_value(indicator(), "bốn mươi")
    assert str(info.value) == (
        "Chỉ tiêu «Số nhiệm vụ đã hoàn thành» (mục I.1): 'bốn mươi' không phải là số "
        "(ví dụ 704.700 hoặc 86,96)."
    )


def test_indicator_without_item_is_named_by_its_label_alone():
    row = indicator(stt="", ref="", label="Số nhiệm vụ đề ra trong kế hoạch: ")
    with pytest.raises(InvalidValue) as info:
        parse_value(row, "-1")
    assert str(info.value) == "Chỉ tiêu «Số nhiệm vụ đề ra trong kế hoạch»: số lượng không được âm."


def test_decimal_and_percent_values():
    assert parse_value(indicator(value_type=ValueType.DECIMAL), "-1,25") == Decimal("-1.25")
    rate = indicator(value_type=ValueType.PERCENT, label="Tỷ lệ hoàn thành")
    assert parse_value(rate, "86,96") == Decimal("86.96")
    assert parse_value(rate, "86,96%") == Decimal("86.96")


def test_yes_no_value():
    flag = indicator(value_type=ValueType.YES_NO, label="Có sáng kiến", choices=YES_NO)
    assert parse_value(flag, "1") == 1
    assert parse_value(flag, "0") == 0
    with pytest.raises(InvalidValue) as info:
        parse_value(flag, "2")
    assert str(info.value) == (
        "Chỉ tiêu «Có sáng kiến» (mục I.1): chỉ nhận các giá trị Không = 0; Có = 1."
    )
    with pytest.raises(InvalidValue, match="phải là số nguyên"):
        parse_value(flag, "0,5")


def test_choice_value():
    method = indicator(
        value_type=ValueType.CHOICE,
        label="Hình thức khảo sát",
        choices=[
            {"value": 0, "label": "Trực tuyến"},
            {"value": 1, "label": "Phát phiếu"},
            {"value": 2, "label": "Kết hợp"},
        ],
    )
    assert parse_value(method, "2") == 2
    with pytest.raises(InvalidValue) as info:
        parse_value(method, "3")
    assert str(info.value) == (
        "Chỉ tiêu «Hình thức khảo sát» (mục I.1): chỉ nhận các giá trị "
        "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2."
    )


def test_date_value():
    day = indicator(value_type=ValueType.DATE, label="Ngày ban hành")
    assert parse_value(day, "15/09/2022") == datetime.date(2022, 9, 15)
    assert parse_value(day, "2022-09-15") == datetime.date(2022, 9, 15)
    with pytest.raises(InvalidValue) as info:
        parse_value(day, "31/02/2022")
    assert str(info.value) == (
        "Chỉ tiêu «Ngày ban hành» (mục I.1): '31/02/2022' không phải là ngày "
        "(nhập dạng 15/09/2022)."
    )


def test_text_and_group_values():
    text = indicator(value_type=ValueType.TEXT, label="Tên sáng kiến")
    assert parse_value(text, "  Một cửa điện tử  ") == "Một cửa điện tử"
    group = indicator(value_type=ValueType.GROUP, label="Kiểm tra CCHC")
    with pytest.raises(InvalidValue) as info:
        parse_value(group, "1")
    assert str(info.value) == (
        "Chỉ tiêu «Kiểm tra CCHC» (mục I.1) là tiêu đề nhóm, không nhập số liệu."
    )


def test_display_value():
    assert display_value(indicator(), Decimal(704700)) == "704.700"
    assert display_value(indicator(value_type=ValueType.PERCENT), Decimal("86.96")) == "86,96"
    assert (
        display_value(indicator(value_type=ValueType.DATE), datetime.date(2022, 9, 15))
        == "15/09/2022"
    )
    assert display_value(indicator(value_type=ValueType.TEXT), "x") == "x"
    assert display_value(indicator(), None) == ""


# --- check_values ----------------------------------------------------------------------------


def template_rows():
    return [
        indicator(
            "plan_completion_rate",
            ValueType.PERCENT,
            "Tỷ lệ hoàn thành Kế hoạch CCHC năm",
            stt="1",
            formula="plan_tasks_done / plan_tasks_total * 100",
        ),
        indicator(
            "plan_tasks_total",
            ValueType.INTEGER,
            "Số nhiệm vụ đề ra trong kế hoạch",
            stt="",
            required=True,
        ),
        indicator(
            "plan_tasks_done", ValueType.INTEGER, "Số nhiệm vụ đã hoàn thành", stt="", required=True
        ),
        indicator(
            "innovation_name", ValueType.TEXT, "Tên sáng kiến", stt="2", ref="I.2", required=True
        ),
    ]


RULES = [
    Rule(
        expression="plan_tasks_done <= plan_tasks_total",
        message="Số nhiệm vụ đã hoàn thành không được lớn hơn số nhiệm vụ đề ra trong "
        "Kế hoạch CCHC năm",
        severity=Severity.ERROR,
    ),
    Rule(
        expression="plan_tasks_total <= 100",
        message="Số nhiệm vụ đề ra nhiều bất thường, đề nghị kiểm tra lại",
        severity=Severity.WARNING,
    ),
]


def test_no_issue_when_everything_is_right():
    numbers = {
        "plan_tasks_total": Decimal(46),
        "plan_tasks_done": Decimal(40),
        "plan_completion_rate": Decimal("86.96"),
    }
    filled = {"plan_tasks_total", "plan_tasks_done", "plan_completion_rate", "innovation_name"}
    assert check_values(template_rows(), RULES, numbers, filled) == []


def test_required_values_missing():
    issues = check_values(template_rows(), RULES, {}, set())
    assert [(i.severity, i.message, i.keys) for i in issues] == [
        (
            Severity.ERROR,
            "Chưa nhập chỉ tiêu bắt buộc «Số nhiệm vụ đề ra trong kế hoạch» (mục I.1).",
            ("plan_tasks_total",),
        ),
        (
            Severity.ERROR,
            "Chưa nhập chỉ tiêu bắt buộc «Số nhiệm vụ đã hoàn thành» (mục I.1).",
            ("plan_tasks_done",),
        ),
        (
            Severity.ERROR,
            "Chưa nhập chỉ tiêu bắt buộc «Tên sáng kiến» (mục I.2).",
            ("innovation_name",),
        ),
    ]
    assert all(issue.is_error for issue in issues)


def test_required_derived_indicator_is_not_asked_for():
    rows = [indicator("rate", ValueType.PERCENT, "Tỷ lệ", required=True, formula="a / b * 100")]
    assert check_values(rows, [], {}, set()) == []


@pytest.mark.parametrize(("value", "shown"), [(Decimal("120.5"), "120,5"), (Decimal(-1), "-1")])
def test_percent_out_of_range(value, shown):
    rows = template_rows()[:1]
    issues = check_values(rows, [], {"plan_completion_rate": value}, {"plan_completion_rate"})
    assert len(issues) == 1
    assert issues[0].is_error
    assert issues[0].keys == ("plan_completion_rate",)
    assert issues[0].message == (
        f"Tỷ lệ «Tỷ lệ hoàn thành Kế hoạch CCHC năm» (mục I.1) là {shown}%, "
        "phải nằm trong khoảng từ 0 đến 100."
    )


@pytest.mark.parametrize("value", [Decimal(0), Decimal(100)])
def test_percent_bounds_are_allowed(value):
    rows = template_rows()[:1]
    assert check_values(rows, [], {"plan_completion_rate": value}, {"plan_completion_rate"}) == []


def test_broken_rule_gives_its_message():
    numbers = {"plan_tasks_total": Decimal(40), "plan_tasks_done": Decimal(46)}
    issues = check_values(
        template_rows(), RULES, numbers, {"plan_tasks_total", "plan_tasks_done", "innovation_name"}
    )
    assert len(issues) == 1
    assert issues[0].severity == Severity.ERROR
    assert issues[0].is_error
    assert issues[0].message == (
        "Số nhiệm vụ đã hoàn thành không được lớn hơn số nhiệm vụ đề ra trong Kế hoạch CCHC năm"
    )
    assert issues[0].keys == ("plan_tasks_done", "plan_tasks_total")


def test_rule_with_a_missing_input_is_not_checked():
    numbers = {"plan_tasks_done": Decimal(46), "plan_tasks_total": None}
    issues = check_values([], RULES, numbers, set())
    assert issues == []


def test_warning_is_not_an_error():
    numbers = {"plan_tasks_total": Decimal(500), "plan_tasks_done": Decimal(600)}
    issues = check_values([], RULES, numbers, set())
    assert [(i.severity, i.is_error) for i in issues] == [
        (Severity.ERROR, True),
        (Severity.WARNING, False),
    ]
    assert issues[1].message == "Số nhiệm vụ đề ra nhiều bất thường, đề nghị kiểm tra lại"
    assert issues[1].keys == ("plan_tasks_total",)


def test_rule_dividing_by_zero_is_not_reported():
    rule = Rule(expression="a / b <= 1", message="vượt", severity=Severity.ERROR)
    assert check_values([], [rule], {"a": Decimal(1), "b": Decimal(0)}, set()) == []
