"""Formulas and rules: restricted arithmetic over indicator keys.

Expressions are parsed by `simpleeval`, which walks the syntax tree itself and allows
only what we list here; Python's eval/exec is never used. Numbers are Decimals so
that 40 / 46 * 100 gives 86.96 after rounding, not a float artefact.
"""

from __future__ import annotations

import ast
import functools
import operator
import threading
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from simpleeval import InvalidExpression, SimpleEval

OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.GtE: operator.ge,
    ast.LtE: operator.le,
    ast.Not: operator.not_,
}


def _round(value: Decimal, places: int = 0) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": _round}
ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.And,
    ast.Or,
    *OPERATORS.keys(),
)


class FormulaError(ValueError):
    pass


class _DecimalEval(SimpleEval):
    def __init__(self, names: dict[str, Any]) -> None:
        super().__init__(operators=OPERATORS, functions=FUNCTIONS, names=names)
        self.nodes[ast.Constant] = self._eval_decimal_constant

    def _eval_decimal_constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"Hằng số không được phép trong công thức: {node.value!r}")
        return Decimal(str(node.value))


def expression_names(expression: str) -> set[str]:
    """Indicator keys an expression refers to; raises FormulaError when it is not allowed."""
    return set(_checked_names(expression))


# Formulas are few and evaluated many times (once per unit in a consolidation): parsing and
# checking each once is what makes 200 units' derived values cheap.
@functools.lru_cache(maxsize=4096)
def _checked_names(expression: str) -> frozenset[str]:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"Biểu thức '{expression}' sai cú pháp.") from exc
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            raise FormulaError(
                f"Biểu thức '{expression}' dùng phép toán không được phép ({type(node).__name__})."
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise FormulaError(
                f"Biểu thức '{expression}' chỉ được dùng hằng số dạng số, "
                f"không dùng {node.value!r}."
            )
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS
        ):
            raise FormulaError(f"Biểu thức '{expression}' gọi hàm không được phép.")
    return frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    )


@functools.lru_cache(maxsize=4096)
def _parsed(expression: str) -> ast.AST:
    """The tree SimpleEval evaluates (what its own parse() gives)."""
    return ast.parse(expression.strip()).body[0]


_local = threading.local()


def _evaluator(names: dict[str, Any]) -> _DecimalEval:
    """This thread's evaluator with `names` set: building a SimpleEval costs more than
    evaluating a formula with it, and a consolidation evaluates thousands."""
    evaluator = getattr(_local, "evaluator", None)
    if evaluator is None:
        evaluator = _local.evaluator = _DecimalEval({})
    evaluator.names = names
    return evaluator


def evaluate(expression: str, values: dict[str, Decimal | None]) -> Any:
    """Value of `expression`, or None when a name it uses has no value or it divides by zero."""
    names = _checked_names(expression)
    if any(values.get(name) is None for name in names):
        return None
    try:
        evaluator = _evaluator({name: values[name] for name in names})
        return evaluator.eval(expression, previously_parsed=_parsed(expression))
    except (ZeroDivisionError, InvalidOperation):
        return None
    except InvalidExpression as exc:
        raise FormulaError(f"Không tính được biểu thức '{expression}': {exc}") from exc


def compute_derived(
    formulas: dict[str, str], values: dict[str, Decimal | None], places: dict[str, int]
) -> dict[str, Decimal | None]:
    """Values of the derived indicators, in dependency order (a formula may use another)."""
    order = dependency_order(formulas)
    known = dict(values)
    result: dict[str, Decimal | None] = {}
    for key in order:
        raw = evaluate(formulas[key], known)
        value = _round(Decimal(raw), places.get(key, 2)) if raw is not None else None
        known[key] = value
        result[key] = value
    return result


def dependency_order(formulas: dict[str, str]) -> list[str]:
    """Derived keys sorted so each comes after the derived keys it uses; rejects cycles."""
    return list(_dependency_order(tuple(formulas.items())))


@functools.lru_cache(maxsize=256)
def _dependency_order(items: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    formulas = dict(items)
    ordered: list[str] = []
    state: dict[str, str] = {}

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            cycle = " → ".join([*path, key])
            raise FormulaError(f"Công thức tham chiếu vòng: {cycle}")
        state[key] = "visiting"
        for name in sorted(expression_names(formulas[key])):
            if name in formulas:
                visit(name, [*path, key])
        state[key] = "done"
        ordered.append(key)

    for key in formulas:
        visit(key, [])
    return tuple(ordered)
