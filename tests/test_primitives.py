"""Every row of the primitive table against central differences, first and second order.

Each primitive is checked at 100 hypothesis-drawn points inside its domain and away from
its kinks, where its derivative is large compared with gradcheck's tolerance (atol=1e-6):
a derivative that is wrong, or zero, cannot pass there. The second half of the file proves
it: it swaps a row of the table for a wrong rule and asserts that gradcheck fails at the
very same kind of points.

Each primitive is probed twice: ``q = prim(x)`` on its own (the upstream gradient is 1)
and ``q * q`` (the upstream gradient is 2q, a Value that depends on x at second order), so
a rule that forgets or detaches the upstream gradient is caught too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd.value as value_module
from autograd import PRIMITIVES, GradcheckError, Primitive, Value, gradcheck, numerical_grad
from autograd.primitives import BUILTIN

EXAMPLES = 100
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)


def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def signed(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A float whose magnitude is in [lo, hi], of either sign: away from 0."""
    return st.builds(lambda m, s: m * s, floats(lo, hi), st.sampled_from([-1.0, 1.0]))


def points(*coords: st.SearchStrategy[float]) -> st.SearchStrategy[list[float]]:
    return st.tuples(*coords).map(list)


def vectors(coord: st.SearchStrategy[float], sizes: st.SearchStrategy[int], extra: int = 0):
    """2n coordinates (weights then inputs) plus ``extra`` more, n drawn from ``sizes``."""
    return sizes.flatmap(lambda n: st.lists(coord, min_size=2 * n + extra, max_size=2 * n + extra))


def _dot(v: list[Value]) -> Value:
    n = len(v) // 2
    return Value.dot(v[:n], v[n:])


def _dot_bias(v: list[Value]) -> Value:
    n = len(v) // 2
    return Value.dot(v[:n], v[n : 2 * n], bias=v[-1])


Fn = Callable[[list[Value]], Value]


@dataclass(frozen=True)
class Case:
    """A primitive, how to apply it, and where to probe it.

    ``make(k)`` returns the function of a list of Values to check, for a constant ``k``
    drawn from ``consts`` (the number in ``v ** k`` or ``k ** v``; None elsewhere), and
    ``points`` draws the inputs. ``min_slope``: every partial derivative at the drawn points
    is at least this large in magnitude, so a zero or wrong derivative cannot hide under
    atol; None where the true derivative is 0 on part of the domain (relu left of its kink).
    """

    prim: str
    make: Callable[[float | None], Fn]
    points: st.SearchStrategy[list[float]]
    consts: st.SearchStrategy[float | None] = st.none()
    min_slope: float | None = 1e-2


def fixed(f: Fn) -> Callable[[float | None], Fn]:
    return lambda k: f


BASES = st.one_of(floats(0.2, 0.7), floats(1.5, 3.0))  # |ln x| >= 0.35: d(x**y)/dy is not small
TEN = floats(-10, 10)

CASES: dict[str, Case] = {
    "add": Case("add", fixed(lambda v: v[0] + v[1]), points(TEN, TEN)),
    "add_number_left": Case("add", lambda k: lambda v: k + v[0], points(TEN), TEN),
    "sub": Case("sub", fixed(lambda v: v[0] - v[1]), points(TEN, TEN)),
    "sub_number_left": Case("sub", lambda k: lambda v: k - v[0], points(TEN), TEN),
    "sub_number_right": Case("sub", lambda k: lambda v: v[0] - k, points(TEN), TEN),
    "neg": Case("neg", fixed(lambda v: -v[0]), points(TEN)),
    "mul": Case("mul", fixed(lambda v: v[0] * v[1]), points(signed(0.5, 10), signed(0.5, 10))),
    "mul_number_left": Case("mul", lambda k: lambda v: k * v[0], points(TEN), signed(0.5, 10)),
    "div": Case("div", fixed(lambda v: v[0] / v[1]), points(signed(0.5, 10), signed(0.5, 5))),
    "div_number_left": Case("div", lambda k: lambda v: k / v[0], points(signed(0.5, 5)), signed(0.5, 10)),
    "div_number_right": Case("div", lambda k: lambda v: v[0] / k, points(TEN), signed(0.5, 2)),
    "pow_number": Case("pow", lambda k: lambda v: v[0] ** k, points(floats(0.3, 3)), signed(0.5, 3)),
    "pow_integer_negative_base": Case(
        "pow", lambda k: lambda v: v[0] ** k, points(floats(-3, -0.3)), st.sampled_from([-3.0, -2.0, -1.0, 2.0, 3.0])
    ),
    "pow_value": Case("pow", fixed(lambda v: v[0] ** v[1]), points(BASES, signed(0.5, 2.5))),
    "rpow": Case("pow", lambda k: lambda v: k ** v[0], points(floats(-2, 2)), st.sampled_from([2, 0.5, 10.0])),
    "exp": Case("exp", fixed(lambda v: v[0].exp()), points(floats(-3, 5))),
    "log": Case("log", fixed(lambda v: v[0].log()), points(floats(0.1, 10))),
    "log1p": Case("log1p", fixed(lambda v: v[0].log1p()), points(floats(-0.9, 10))),
    "tanh": Case("tanh", fixed(lambda v: v[0].tanh()), points(signed(0.25, 2.5))),
    "sigmoid": Case("sigmoid", fixed(lambda v: v[0].sigmoid()), points(signed(0.25, 4))),
    "relu": Case("relu", fixed(lambda v: v[0].relu()), points(signed(0.1, 5)), min_slope=None),
    "abs": Case("abs", fixed(lambda v: v[0].abs()), points(signed(0.1, 5))),
    "abs_builtin": Case("abs", fixed(lambda v: abs(v[0])), points(signed(0.1, 5))),
    "sum": Case("sum", fixed(lambda v: Value.sum(v)), st.lists(TEN, min_size=1, max_size=6)),
    "sum_with_numbers": Case(
        "sum", lambda k: lambda v: Value.sum([k, *v, 1]), st.lists(TEN, min_size=1, max_size=4), TEN
    ),
    # partial derivatives are the softmax of the points: ≥ e⁻²/5 here, so none hides under atol
    "logsumexp": Case(
        "logsumexp", fixed(lambda v: Value.logsumexp(v)), st.lists(floats(-1, 1), min_size=1, max_size=5)
    ),
    "dot": Case("dot", fixed(_dot), vectors(signed(0.5, 5), st.integers(1, 4))),
    "dot_bias": Case("dot", fixed(_dot_bias), vectors(signed(0.5, 5), st.integers(1, 4), extra=1)),
    "dot_numbers": Case(
        "dot",
        lambda k: lambda v: Value.dot(v, [k] * len(v), bias=k),
        st.lists(TEN, min_size=1, max_size=4),
        signed(0.5, 5),
    ),
}


def squared(f: Fn) -> Fn:
    """q * q: the upstream gradient reaching the primitive is 2q, itself a function of x."""

    def g(v: list[Value]) -> Value:
        q = f(v)
        return q * q

    return g


def test_every_primitive_has_a_case():
    assert {case.prim for case in CASES.values()} == BUILTIN


@pytest.mark.parametrize("name", CASES)
def test_first_and_second_order(name):
    case = CASES[name]
    seen = []

    @SETTINGS
    @given(case.points, case.consts)
    def check(xs, k):
        seen.append(xs)
        f = case.make(k)
        assert f([Value(x) for x in xs]).op == case.prim
        if case.min_slope is not None:
            # the points make a wrong derivative fail: each slope is far above atol
            slopes = numerical_grad(f, xs)
            assert all(abs(s) >= case.min_slope for s in slopes), slopes
        assert gradcheck(f, xs, order=1)
        assert gradcheck(f, xs, order=2)
        assert gradcheck(squared(f), xs, order=2)

    check()
    assert len(seen) >= EXAMPLES


# ---------------------------------------------------------------------------------------
# A wrong rule must fail at the same points
# ---------------------------------------------------------------------------------------


def _wrong_row(prim_name: str, vjp: Callable[..., tuple]) -> Primitive:
    right = PRIMITIVES[prim_name]
    return Primitive(right.name, right.symbol, right.forward, vjp)


# (case, row of the table in autograd.value, wrong vjp, probe, order at which it must fail)
WRONG_RULES = [
    ("exp", "EXP", lambda m, g, out, a: (g * 0.0,), "plain", 1),  # minitorch's points let this pass
    ("exp", "EXP", lambda m, g, out, a: (out,), "squared", 1),  # forgets the upstream gradient
    ("exp", "EXP", lambda m, g, out, a: (g * float(out),), "plain", 2),  # right value, detached from x
    ("log", "LOG", lambda m, g, out, a: (g * 0.0,), "plain", 1),
    ("tanh", "TANH", lambda m, g, out, a: (g * (1.0 - out),), "plain", 1),  # 1 - tanh instead of 1 - tanh²
    ("tanh", "TANH", lambda m, g, out, a: (g * (1.0 - float(out) ** 2),), "plain", 2),
    ("sigmoid", "SIGMOID", lambda m, g, out, a: (g * (1.0 - out),), "plain", 1),
    ("sigmoid", "SIGMOID", lambda m, g, out, a: (g * out,), "plain", 1),
    ("div", "DIV", lambda m, g, out, a, b: (g / b, g * out / b), "plain", 1),  # lost the minus of -a/b²
    ("abs", "ABS", lambda m, g, out, a: (g * 0.0,), "plain", 1),  # the kink's subgradient everywhere
]


@pytest.mark.parametrize(
    "case_name, row, vjp, probe, order", WRONG_RULES, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG_RULES)]
)
def test_a_wrong_rule_fails_at_the_same_points(monkeypatch, case_name, row, vjp, probe, order):
    case = CASES[case_name]
    monkeypatch.setattr(value_module, row, _wrong_row(case.prim, vjp))
    seen = []

    @SETTINGS
    @given(case.points, case.consts)
    def check(xs, k):
        seen.append(xs)
        f = squared(case.make(k)) if probe == "squared" else case.make(k)
        if order == 2:
            assert gradcheck(f, xs, order=1)  # the first derivative is right...
        with pytest.raises(GradcheckError):  # ...and the wrong one is caught
            gradcheck(f, xs, order=order)

    check()
    assert len(seen) >= EXAMPLES


def test_the_patched_row_is_the_one_used():
    # guards the test above: if Value stopped reading its rows from these names, the wrong
    # rules would silently not be installed and the "must fail" tests would be meaningless
    assert value_module.EXP is PRIMITIVES["exp"]
    x = Value(1.0)
    assert x.exp()._prim is PRIMITIVES["exp"]


def test_relu_a_wrong_rule_fails_on_each_side(monkeypatch):
    # identity's derivative fails left of the kink, a zero derivative right of it
    for wrong, xs in [(lambda m, g, out, a: (g,), [-0.7]), (lambda m, g, out, a: (g * 0.0,), [0.7])]:
        monkeypatch.setattr(value_module, "RELU", _wrong_row("relu", wrong))
        with pytest.raises(GradcheckError):
            gradcheck(CASES["relu"].make(None), xs)


def test_exp_zero_rule_would_pass_at_minitorch_like_points(monkeypatch):
    # why the points matter: far left, exp's slope is below atol and a zero derivative passes
    monkeypatch.setattr(value_module, "EXP", _wrong_row("exp", lambda m, g, out, a: (g * 0.0,)))
    assert gradcheck(CASES["exp"].make(None), [-20.0])
    assert math.exp(-20.0) < 1e-6
