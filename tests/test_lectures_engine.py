"""The lectures' worked examples of differentiation, run through the engine.

* 002 (training perceptrons): z = wx + b, y = σ(z), L = ½(y − t)² as the sequence of
  primitive operations t1..t7 on the slide; every node's gradient against its closed form.
* 004 (backpropagation): the Jacobian and Hessian examples, the chain-rule example and
  σ′ = σ(1 − σ).

Expected values are the slides' numbers or the slides' formulas evaluated with ``math``.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value, backward, gradcheck
from autograd.functional import hessian, jacobian

# ---------------------------------------------------------------------------------------
# 002: the t1..t7 decomposition
# ---------------------------------------------------------------------------------------


def lines(w: Value, x: Value, b: Value, t: Value) -> dict[str, Value]:
    """The slide's "sequence of primitive operations", line by line."""
    n = {"w": w, "x": x, "b": b, "t": t}
    n["t1"] = w * x  # t1 = wx
    n["z"] = n["t1"] + b  # z = t1 + b
    n["t3"] = -n["z"]  # t3 = −z
    n["t4"] = n["t3"].exp()  # t4 = exp(t3)
    n["t5"] = 1 + n["t4"]  # t5 = 1 + t4
    n["y"] = 1 / n["t5"]  # y = 1/t5
    n["t6"] = n["y"] - t  # t6 = y − t
    n["t7"] = n["t6"] ** 2  # t7 = t6²
    n["L"] = n["t7"] / 2  # L = t7/2
    return n


def decomposition(w: float, x: float, b: float, t: float) -> dict[str, Value]:
    return lines(Value(w, "w"), Value(x, "x"), Value(b, "b"), Value(t, "t"))


POINTS = [(0.8, 1.5, -0.2, 1.0), (-1.3, 0.7, 0.4, 0.0), (2.0, -1.0, 0.5, 1.0), (0.3, 2.5, -3.0, 0.25)]


def test_decomposition_uses_one_primitive_per_line():
    n = decomposition(*POINTS[0])
    ops = {k: n[k].op for k in ("t1", "z", "t3", "t4", "t5", "y", "t6", "t7", "L")}
    assert ops == {
        "t1": "mul",
        "z": "add",
        "t3": "neg",
        "t4": "exp",
        "t5": "add",
        "y": "div",
        "t6": "sub",
        "t7": "pow",
        "L": "div",
    }
    assert all(n[k].is_leaf for k in "wxbt")


@pytest.mark.parametrize("w, x, b, t", POINTS)
def test_decomposition_values_are_the_original_program(w, x, b, t):
    n = decomposition(w, x, b, t)
    z = w * x + b
    y = 1.0 / (1.0 + math.exp(-z))
    assert n["z"].data == pytest.approx(z, rel=1e-15)
    assert n["y"].data == pytest.approx(y, rel=1e-15)
    assert n["L"].data == pytest.approx(0.5 * (y - t) ** 2, rel=1e-14)


@pytest.mark.parametrize("w, x, b, t", POINTS)
def test_decomposition_every_node_gradient_is_its_closed_form(w, x, b, t):
    n = decomposition(w, x, b, t)
    n["L"].backward()

    z = w * x + b
    y = 1.0 / (1.0 + math.exp(-z))
    t3 = -z
    t4 = math.exp(t3)
    t5 = 1.0 + t4
    t6 = y - t
    # by hand, from the output back: each line is the chain rule through one line above
    expected = {
        "L": 1.0,
        "t7": 0.5,  # L = t7/2
        "t6": t6,  # t7 = t6²: 2·t6·½
        "y": t6,  # t6 = y − t
        "t": -t6,
        "t5": -t6 / t5**2,  # y = 1/t5
        "t4": -t6 / t5**2,  # t5 = 1 + t4
        "t3": -t6 / t5**2 * t4,  # t4 = exp(t3)
        "z": (y - t) * y * (1 - y),  # the closed form: dL/dz = (y − t)·y(1 − y)
        "t1": (y - t) * y * (1 - y),
        "b": (y - t) * y * (1 - y),
        "w": (y - t) * y * (1 - y) * x,  # dL/dw = (y − t)·y(1 − y)·x
        "x": (y - t) * y * (1 - y) * w,
    }
    for name, g in expected.items():
        assert n[name].grad == pytest.approx(g, rel=1e-12, abs=1e-15), name
    # the two routes to dL/dz agree: through t3..t5 and through σ′ = σ(1 − σ)
    assert expected["t3"] * -1 == pytest.approx(expected["z"], rel=1e-12)


def test_decomposition_worked_numbers():
    # w = 0.8, x = 1.5, b = −0.2, t = 1: z = 1, y = σ(1) = 0.7310585786, y − t = −0.2689414214,
    # y(1 − y) = 0.1966119332, dL/dz = −0.0528770928, dL/dw = 1.5 · dL/dz = −0.0793156392
    n = decomposition(0.8, 1.5, -0.2, 1.0)
    n["L"].backward()
    assert n["y"].data == pytest.approx(0.7310585786, abs=1e-10)
    assert n["L"].data == pytest.approx(0.5 * 0.2689414214**2, abs=1e-10)
    assert n["z"].grad == pytest.approx(-0.0528770928, abs=1e-10)
    assert n["w"].grad == pytest.approx(-0.0793156392, abs=1e-10)
    assert n["b"].grad == pytest.approx(-0.0528770928, abs=1e-10)


def test_decomposition_matches_the_sigmoid_primitive():
    w, x, b, t = POINTS[1]
    n = decomposition(w, x, b, t)
    n["L"].backward()
    vw, vx, vb = Value(w), Value(x), Value(b)
    loss = ((vw * vx + vb).sigmoid() - t) ** 2 / 2
    loss.backward()
    assert loss.data == pytest.approx(n["L"].data, rel=1e-14)
    assert (vw.grad, vx.grad, vb.grad) == pytest.approx((n["w"].grad, n["x"].grad, n["b"].grad), rel=1e-12)


@pytest.mark.parametrize("w, x, b, t", POINTS)
def test_decomposition_passes_gradcheck(w, x, b, t):
    assert gradcheck(lambda v: lines(*v)["L"], [w, x, b, t], order=2)


# ---------------------------------------------------------------------------------------
# 004: Jacobian, gradient and Hessian, chain rule, σ′
# ---------------------------------------------------------------------------------------


def f_vector(v: list[Value]) -> list[Value]:
    """f(x) = (2x₁ + x₂², −x₁² + 3x₂, 4x₁x₂)."""
    x1, x2 = v
    return [2 * x1 + x2**2, -(x1**2) + 3 * x2, 4 * x1 * x2]


def test_jacobian_at_2_1():
    assert jacobian(f_vector, [2.0, 1.0]) == [[2.0, 2.0], [-4.0, 3.0], [4.0, 8.0]]


@pytest.mark.parametrize("x1, x2", [(0.5, -1.5), (-3.0, 2.0), (1.25, 0.75)])
def test_jacobian_formula(x1, x2):
    # J = [[2, 2x₂], [−2x₁, 3], [4x₂, 4x₁]]
    expected = [[2.0, 2 * x2], [-2 * x1, 3.0], [4 * x2, 4 * x1]]
    got = jacobian(f_vector, [x1, x2])
    for row, want in zip(got, expected):
        assert row == pytest.approx(want, rel=1e-14)


def f_camel(v: list[Value]) -> Value:
    """f(x) = (4 − 2.1x₁² + x₁⁴/3)x₁² + x₁x₂ + (−4 + 4x₂²)x₂²."""
    x1, x2 = v
    return (4 - 2.1 * x1**2 + x1**4 / 3) * x1**2 + x1 * x2 + (-4 + 4 * x2**2) * x2**2


def test_gradient_and_hessian_at_0_1():
    (g,) = jacobian(f_camel, [0.0, 1.0])
    assert g == pytest.approx([1.0, 8.0], abs=1e-12)
    h = hessian(f_camel, [0.0, 1.0])
    assert h[0] == pytest.approx([8.0, 1.0], abs=1e-12)
    assert h[1] == pytest.approx([1.0, 40.0], abs=1e-12)


@pytest.mark.parametrize("x1, x2", [(0.5, -1.5), (-1.7, 0.3), (1.1, 0.9), (0.0, 0.0)])
def test_gradient_and_hessian_formulas(x1, x2):
    # ∇f = (2x₁⁵ − 8.4x₁³ + 8x₁ + x₂, 16x₂³ − 8x₂ + x₁); H = [[10x₁⁴ − 25.2x₁² + 8, 1], [1, 48x₂² − 8]]
    (g,) = jacobian(f_camel, [x1, x2])
    assert g == pytest.approx([2 * x1**5 - 8.4 * x1**3 + 8 * x1 + x2, 16 * x2**3 - 8 * x2 + x1], rel=1e-12, abs=1e-12)
    h = hessian(f_camel, [x1, x2])
    assert h[0] == pytest.approx([10 * x1**4 - 25.2 * x1**2 + 8, 1.0], rel=1e-12, abs=1e-12)
    assert h[1] == pytest.approx([1.0, 48 * x2**2 - 8], rel=1e-12, abs=1e-12)


def test_camel_passes_gradcheck_second_order():
    assert gradcheck(f_camel, [0.7, -0.4], order=2)


def chain_example(x: Value) -> Value:
    """f(x) = 3(2x² − 1)² − 2(2x² − 1) + 5, with h(x) = 2x² − 1 computed once and used twice."""
    h = 2 * x**2 - 1
    return 3 * h**2 - 2 * h + 5


@pytest.mark.parametrize("x", [-2.0, -0.5, 0.0, 0.3, 1.0, 2.5])
def test_chain_rule_example(x):
    v = Value(x)
    chain_example(v).backward()
    assert v.grad == pytest.approx(48 * x**3 - 32 * x, rel=1e-12, abs=1e-12)
    # the slide's factored form g′(h(x))·h′(x)
    assert v.grad == pytest.approx((3 * 2 * (2 * x**2 - 1) - 2) * (2 * 2 * x), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("x", [-6.0, -1.0, 0.0, 0.5, 2.0, 10.0])
def test_sigmoid_derivative_is_sigma_times_one_minus_sigma(x):
    v = Value(x)
    s = v.sigmoid()
    backward(s)
    sigma = 1.0 / (1.0 + math.exp(-x))
    assert s.data == pytest.approx(sigma, rel=1e-15)
    assert v.grad == pytest.approx(sigma * (1 - sigma), rel=1e-12)
    # the slide's first form: e^{−x} / (1 + e^{−x})²
    assert v.grad == pytest.approx(math.exp(-x) / (1 + math.exp(-x)) ** 2, rel=1e-12)
