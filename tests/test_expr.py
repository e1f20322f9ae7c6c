"""The safe formula parser (autograd.expr): what it builds, and everything it refuses."""

from __future__ import annotations

import builtins
import math
import re

import pytest

from autograd import Value, grad, gradcheck, topological_order
from autograd.expr import MAX_CHARS, MAX_EXPONENT, ExpressionError, parse_expression

VALUES = {"w": 2.0, "x": -1.0, "b": 0.5, "t": 1.0}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------------------------------
# what it builds
# ---------------------------------------------------------------------------------------


def test_neuron_value_and_labelled_leaves():
    out, names = parse_expression("sigmoid(w*x + b)", VALUES)
    assert out.data == pytest.approx(sigmoid(-1.5), rel=1e-12)  # σ(2·(−1) + 0.5) = 0.18243
    assert out.data == pytest.approx(0.18243, abs=1e-5)
    assert {n: v.label for n, v in names.items()} == {"w": "w", "x": "x", "b": "b", "t": "t"}
    assert all(names[n].data == VALUES[n] and names[n].is_leaf for n in VALUES)
    assert out.op == "sigmoid"


def test_lecture_program_names_z_y_and_L():
    L, names = parse_expression("z = w*x + b; y = 1/(1 + exp(-z)); L = (y - t)**2 / 2", VALUES)
    assert L.label == "L" and names["L"] is L
    assert names["z"].label == "z" and names["z"].data == -1.5
    assert names["y"].data == pytest.approx(sigmoid(-1.5), rel=1e-12)
    assert L.data == pytest.approx(0.5 * (sigmoid(-1.5) - 1.0) ** 2, rel=1e-12)  # 0.33421
    # nine operations, as in the lecture's t1..L decomposition
    assert sum(1 for v in topological_order(L) if not v.is_leaf) == 9


def test_statements_on_separate_lines():
    out, names = parse_expression("a = w * x\nb2 = a + b\nb2 * 3", VALUES)
    assert out.data == (2.0 * -1.0 + 0.5) * 3
    assert names["a"].label == "a" and names["b2"].label == "b2"
    assert out.label == ""


def test_a_name_used_twice_is_one_leaf_so_gradients_add():
    out, names = parse_expression("x*x + x", {"x": 3.0})
    (g,) = grad(out, [names["x"]])
    assert g == 7.0  # d(x² + x)/dx = 2x + 1


@pytest.mark.parametrize(
    "formula",
    ["exp(x) * tanh(w)", "log(abs(x) + 1) / (1 + w**2)", "relu(w - x) - sigmoid(x * b)", "2 ** w + w ** -2", "-x + +w"],
)
def test_gradients_of_parsed_formulas_pass_gradcheck(formula):
    def f(vals: list[Value]) -> Value:
        out, _ = parse_expression(formula, dict(zip(VALUES, vals)))  # Values are used as given
        return out

    assert gradcheck(f, list(VALUES.values()))


def test_given_values_are_used_as_they_are():
    w = Value(2.0, "weight")
    out, names = parse_expression("w * 3", {"w": w})
    assert names["w"] is w and out.parents[0] is w and w.label == "weight"


def test_numbers_become_unlabelled_constants_and_minus_number_is_one_constant():
    out, _ = parse_expression("x ** -2", {"x": 2.0})
    assert out.data == 0.25
    exponent = out.parents[1]
    assert exponent.is_leaf and exponent.label == "" and exponent.data == -2.0
    out, _ = parse_expression("1 / 2", {})
    assert out.op == "div" and out.data == 0.5


def test_never_uses_eval_or_exec(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec was called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    out, _ = parse_expression("z = tanh(w*x); z + b", VALUES)
    assert out.data == pytest.approx(math.tanh(-2.0) + 0.5, rel=1e-12)


def test_deep_nesting_within_the_limits_is_evaluated_without_recursion():
    formula = "-" * 300 + "x"  # 301 nodes, under the node limit
    out, _ = parse_expression(formula, {"x": 1.5}, max_nodes=400)
    assert out.data == 1.5  # an even number of minus signs


# ---------------------------------------------------------------------------------------
# what it refuses, and how it says so
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, message",
    [
        ("x.real", "attribute access"),
        ("math.exp(x)", "attribute access"),
        ("x[0]", "subscript"),
        ("(lambda: 1)()", "calling a lambda"),
        ("lambda: 1", "lambda"),
        ("import os", "import statement"),
        ("from os import system", "import statement"),
        ("x; import os", "import statement"),
        ("x < 1", "comparison"),
        ("x == w", "comparison"),
        ("x and w", "boolean operator"),
        ("x if w else b", "conditional expression"),
        ("log(x, base=2)", "keyword argument base="),
        ("exp(**x)", "keyword argument **"),
        ("exp(*x)", "starred argument"),
        ("exp(x, w)", "exactly one argument"),
        ("__import__('os')", "dunder name"),
        ("__builtins__", "dunder name"),
        ("x.__class__", "attribute access"),
        ("open('f')", "function 'open' is not allowed"),
        ("print(x)", "function 'print' is not allowed"),
        ("'text'", "constant 'text' is not allowed"),
        ("True", "constant True is not allowed"),
        ("1j", "constant 1j is not allowed"),
        ("[x, w]", "list"),
        ("(x, w)", "tuple"),
        ("{x: w}", "dict"),
        ("[x for x in w]", "list comprehension"),
        ("f'{x}'", "f-string"),
        ("(y := x)", "assignment expression"),
        ("x // w", "floor division"),
        ("x % w", "modulo"),
        ("x ^ w", "write ** for a power"),
        ("x @ w", "matrix product"),
        ("~x", "bitwise not"),
        ("not x", "not is not allowed"),
        ("x += 1", "augmented assignment"),
        ("a = b2 = x", "simple assignments"),
        ("a, c = x, w", "simple assignments"),
        ("x = 2", "already has a value"),
        ("exp = x", "it is a function"),
        ("exp + x", "exp is a function"),
        ("__x = 1; __x", "dunder name"),
        ("def f(): pass", "function definition"),
        ("for i in x: pass", "for loop"),
        ("x ** 1000", "exponent 1000"),
        ("x ** -101", "exponent -101"),
        ("x ** (2 ** 10)", "exponent 1024"),
        ("1e999 * x", "too large"),
        ("9" * 400, "too large"),
        ("", "empty"),
        ("# a comment and nothing else", "only comments"),
        ("\n# one\n\n# two\n", "only comments"),
        ("x +", "not valid syntax"),
        ("(" * 250 + "x" + ")" * 250, "not valid syntax"),
        ("log(x)", "cannot evaluate"),
        ("w / (x + 1)", "division of"),
    ],
)
def test_rejected_formulas_name_what_was_rejected(formula, message):
    with pytest.raises(ExpressionError, match=_literal(message)):
        parse_expression(formula, VALUES)


def _literal(text: str) -> str:
    return re.escape(text)


def test_exponent_limit_is_inclusive():
    out, _ = parse_expression(f"x ** {int(MAX_EXPONENT)}", {"x": 1.01})
    assert out.data == pytest.approx(1.01**MAX_EXPONENT, rel=1e-12)


def test_unset_names_are_reported_together_in_order():
    with pytest.raises(ExpressionError, match=r"names have no value: q, r \(give each one a number in values\)") as e:
        parse_expression("q * w + r + q", VALUES)
    assert e.value.missing == ("q", "r")
    with pytest.raises(ExpressionError, match="the name has no value: y"):
        parse_expression("z = x + 1; z * y", VALUES)
    with pytest.raises(ExpressionError, match="'z' is used before it is assigned"):
        parse_expression("y = z + 1; z = 2", VALUES)


def test_size_limits():
    long = "x" + " + x" * (MAX_CHARS // 4)
    assert len(long) > MAX_CHARS
    with pytest.raises(ExpressionError, match=f"characters long; the limit is {MAX_CHARS}"):
        parse_expression(long, VALUES)
    many = "+".join(["x"] * 300)  # 599 nodes in 599 characters
    with pytest.raises(ExpressionError, match="the limit is 400"):
        parse_expression(many, VALUES)
    with pytest.raises(ExpressionError, match="the limit is 10"):
        parse_expression("x + x + x + x + x + x", VALUES, max_nodes=10)


@pytest.mark.parametrize(
    "limit, match",
    [
        ({"max_chars": True}, "max_chars must be an integer >= 1, got True"),
        ({"max_nodes": 0}, "max_nodes must be an integer >= 1, got 0"),
        ({"max_nodes": 10.0}, "max_nodes must be an integer >= 1, got 10.0"),
        ({"max_exponent": -1.0}, "max_exponent must be a number >= 0, got -1.0"),
        ({"max_exponent": float("nan")}, "max_exponent must be a number >= 0, got nan"),
    ],
)
def test_bad_limits_are_refused_before_the_formula_is_read(limit, match):
    with pytest.raises(ValueError, match=f"parse_expression: {match}"):
        parse_expression("x + 1", VALUES, **limit)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"__x": 1.0}, "dunder name"),
        ({"exp": 1.0}, "is a function"),
        ({"not a name": 1.0}, "not a valid name"),
        ({"x": "one"}, "value of x"),
        ({"x": float("inf")}, "finite"),
        ({"x": float("nan")}, "value of x"),
    ],
)
def test_bad_values_are_rejected(values, message):
    with pytest.raises(ExpressionError, match=_literal(message)):
        parse_expression("1", values)


def test_names_are_matched_as_python_reads_them():
    # ast.parse reads identifiers in NFKC form: the micro sign µ (U+00B5) in the formula
    # becomes the Greek mu μ (U+03BC), and a fullwidth ｘ becomes x
    out, names = parse_expression("\u00b5 * \uff58", {"\u00b5": 3.0, "\uff58": 0.5})
    assert out.data == 1.5
    assert names["\u03bc"].label == "\u03bc" and names["x"].label == "x"
    assert grad(out, [names["\u03bc"], names["x"]]) == [0.5, 3.0]
    with pytest.raises(ExpressionError, match="are both the name 'x'"):
        parse_expression("x", {"x": 1.0, "\uff58": 2.0})


def test_source_must_be_text():
    with pytest.raises(TypeError, match="str"):
        parse_expression(b"x", VALUES)  # type: ignore[arg-type]
