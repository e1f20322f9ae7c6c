"""Numbers at the extremes: binary cross-entropy from logits exact for every finite score
(against 40-digit references from ``decimal``), relu of nan, and the compiled replay agreeing
with the plain engine where a loss saturates (cross-entropy with a logit gap over 709, binary
cross-entropy of a probability at 0 or 1)."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

from autograd import Value
from autograd.compile import trace
from nn import losses as L


def _softplus_ref(z: float) -> float:
    """ln(1 + eᶻ) to 40 digits, then rounded once to a float: max(z, 0) + ln(1 + e) with
    e = e^−|z|, the logarithm by its series e − e²/2 + e³/3 where e < 1e-20 (40 digits there,
    where 1 + e itself would need |z|/2.3 digits)."""
    with localcontext() as c:
        c.prec = 40
        d = Decimal(z)
        e = (-abs(d)).exp()
        log1p = e - e * e / 2 + e * e * e / 3 if e < Decimal("1e-20") else (1 + e).ln()
        return float(max(d, Decimal(0)) + log1p)


def _sigmoid_ref(z: float) -> float:
    with localcontext() as c:
        c.prec = 40
        d = Decimal(z)
        if d > 0:
            return float(1 / (1 + (-d).exp()))
        e = d.exp()
        return float(e / (1 + e))


SCORES = [0.0, 1.0, -1.0, 36.8, -36.8, 38.0, -38.0, 700.0, -745.5, 800.0, -800.0, 1e308, -1e308]


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("s", SCORES)
def test_bce_with_logits_is_exact_for_every_finite_score(s, y):
    z = s if y == 0 else -s  # the loss is softplus(z)
    value = _softplus_ref(z)
    slope = _sigmoid_ref(s) - y if y == 0 else -_sigmoid_ref(-s)  # σ(s) − y, without cancelling
    for target in (y, Value(float(y))):
        v = Value(s)
        loss = L.binary_cross_entropy_with_logits(v, target)
        loss.backward()
        assert loss.data == pytest.approx(value, rel=1e-15, abs=1e-320), (s, y)
        assert v.grad == pytest.approx(slope, rel=1e-15, abs=1e-320), (s, y)


def test_bce_with_logits_at_36_8_is_the_tiny_true_value_not_zero():
    # 36.8 is just past 53·ln 2 = 36.74, where e^−s falls below 2^−53 and 1 + e^−s rounds to
    # 1.0: log(1 + exp(−s)) is exactly 0 from there. The loss ln(1 + e^−36.8) is e^−36.8 =
    # 1.0422e-16 to double precision (the next term, e^−73.6/2, is 17 digits down).
    # abs=0: pytest.approx's default absolute tolerance (1e-12) would let 0.0 pass.
    loss = L.binary_cross_entropy_with_logits(36.8, 1)
    assert loss.data == pytest.approx(math.exp(-36.8), rel=1e-15, abs=0.0)
    assert L.binary_cross_entropy_with_logits(-1e308, 1).data == 1e308


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_compiled_matches_the_references(y):
    w = [Value(1.0)]
    net = trace(lambda xs, ys: L.binary_cross_entropy_with_logits(xs[0] * w[0], ys[0]), w, inputs=1, labels=1)
    X = np.array(SCORES)[:, None]
    got = net.forward(X, np.full(len(SCORES), y))
    want = [_softplus_ref(s if y == 0 else -s) for s in SCORES]
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-320)


# -- relu of nan -------------------------------------------------------------------------


def _relu_of_nan(xs: list[Value], w: list[Value]) -> Value:
    big = xs[0] * w[0] * 1e308 * 10.0  # inf for x·w = 1
    return (big - big).relu() + xs[0] * w[1]  # inf − inf: nan, as arithmetic can produce it


def test_relu_of_nan_is_nan_on_the_plain_engine_and_in_the_replay_with_the_same_gradient():
    w = [Value(1.0), Value(2.0)]
    out = _relu_of_nan([Value(1.0)], w)
    assert math.isnan(out.data)  # it was 0: relu hid the nan
    out.backward()
    plain = [p.grad for p in w]
    net = trace(lambda xs: _relu_of_nan(xs, w), w, inputs=1)
    assert math.isnan(net.forward(np.array([[1.0]]))[0])
    np.testing.assert_array_equal(net.backward(accumulate=False), plain)


# -- the replay and the plain engine agree where losses saturate ------------------------


def test_compiled_cross_entropy_is_finite_where_a_wrong_logit_leads_by_more_than_709():
    w = [Value(1.0), Value(1.0)]
    net = trace(lambda xs, ys: L.cross_entropy([xs[0] * w[0], xs[1] * w[1]], ys), w, inputs=2, labels=2, one_hot=True)
    X = np.array([[0.0, 800.0], [0.0, 1000.0], [1.0, 0.0]])
    y = np.array([0, 0, 1])
    got = net.forward(X, y)
    grads = net.backward(accumulate=False)
    np.testing.assert_allclose(got, [800.0, 1000.0, 1.0 + math.log1p(math.exp(-1.0))], rtol=1e-15)
    for p in w:
        p.grad = 0.0
    for xs, label in zip(X, y):
        L.cross_entropy([Value(xs[0]) * w[0], Value(xs[1]) * w[1]], int(label)).backward()
    np.testing.assert_allclose(grads, [p.grad for p in w], rtol=1e-12)
    assert np.all(np.isfinite(grads))


@pytest.mark.parametrize("p, y", [(0.0, 1), (1e-13, 1), (1.0, 0), (1.0 - 1e-16, 0), (0.3, 1), (0.3, 0)])
def test_compiled_bce_of_a_probability_has_the_plain_gradient_at_the_ends(p, y):
    w = [Value(1.0)]
    net = trace(lambda xs, ys: L.binary_cross_entropy(xs[0] * w[0], ys[0]), w, inputs=1, labels=1)
    got = net.forward(np.array([[p]]), np.array([float(y)]))
    replay_grad = net.backward(accumulate=False)[0]
    w[0].grad = 0.0
    loss = L.binary_cross_entropy(Value(p) * w[0], y)
    loss.backward()
    assert got[0] == pytest.approx(loss.data, rel=1e-15)
    assert replay_grad == pytest.approx(w[0].grad, rel=1e-12)


# -- parameters that cannot be what the caller means -------------------------------------


def test_trace_refuses_a_parameter_that_is_not_a_leaf():
    w = Value(2.0)
    doubled = w * 2.0
    with pytest.raises(ValueError, match=r"trace: parameter .* is the result of an operation \(mul\), not a leaf"):
        trace(lambda xs: xs[0] * doubled, [doubled], inputs=1)


@pytest.mark.parametrize("make", ["SGD", "Adam"])
def test_an_optimizer_refuses_a_parameter_listed_twice(make):
    import nn.optim as optim

    w, b = Value(1.0), Value(0.0)
    with pytest.raises(ValueError, match=rf"{make}: parameter 2 .* is the same Value as parameter 0"):
        getattr(optim, make)([w, b, w], lr=0.1)
