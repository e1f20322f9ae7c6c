"""The compiled replay against the plain engine: the same loss per sample and the same summed
parameter gradients (to 1e-12 relative), for each primitive, hand-built networks, nn's MLP and
every loss of nn.losses (class labels as indices on the plain engine, one-hot when traced),
batches of 1 and 1,000; the tracing rule's errors; and fit / evaluate / predict compiled."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from autograd import Value
from autograd.compile import CompiledGraph, TracingError, is_tracing, one_hot, one_hot_array, pick, trace
from nn import losses as L

RTOL = 1e-12


def close(got: np.ndarray, ref: np.ndarray) -> None:
    """Equal to 1e-12 relative to the size of the reference (entries that cancel to ~0 are
    compared on that scale too)."""
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    scale = max(np.max(np.abs(ref)), 1e-300) if ref.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=RTOL * scale)


def plain(fn, params, X, Y=None, one_hot_classes=0):
    """Per-sample forward and backward with the plain engine: losses and summed gradients."""
    for p in params:
        p.grad = 0.0
    losses = []
    for i in range(X.shape[0]):
        xs = [Value(v) for v in X[i]]
        if Y is None:
            out = fn(xs)
        elif one_hot_classes:
            out = fn(xs, one_hot(int(Y[i]), one_hot_classes))
        else:
            out = fn(xs, [Value(v) for v in np.atleast_1d(Y[i])])
        loss = out[0] if isinstance(out, tuple) else out
        loss.backward()
        losses.append(loss.data)
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return np.array(losses), grads


def check(fn, params, X, Y=None, labels=0, one_hot_classes=0, **kw) -> CompiledGraph:
    """Trace fn, replay it on the batch and compare with the plain engine."""
    n_lab = one_hot_classes or labels
    net = trace(fn, params, inputs=X.shape[1], labels=n_lab, one_hot=bool(one_hot_classes), **kw)
    got_loss = net.forward(X, Y)
    got_grad = net.backward(accumulate=False)
    ref_loss, ref_grad = plain(fn, params, X, Y, one_hot_classes)
    close(got_loss, ref_loss)
    close(got_grad, ref_grad)
    return net


def params_of(rng, n, scale=1.0):
    return [Value(float(v)) for v in rng.normal(0.0, scale, n)]


# ---------------------------------------------------------------------------------------
# each primitive: inputs and parameters on both sides, every parent needing a gradient
# ---------------------------------------------------------------------------------------

PRIMITIVE_CASES = {
    "add": lambda x, p: x[0] + p[0] + (p[1] + x[1]),
    "sub": lambda x, p: (x[0] - p[0]) * (p[1] - x[1]),
    "neg": lambda x, p: -(x[0] * p[0]),
    "mul": lambda x, p: x[0] * p[0] * x[1] * p[1],
    "div": lambda x, p: (x[0] / p[0]) + p[1] / (x[1] * x[1] + 1.0),
    "pow-const": lambda x, p: (x[0] * p[0]) ** 3 + (x[1] * x[1] + p[1] * p[1]) ** -0.5,
    "pow-value": lambda x, p: (x[0] * x[0] + 0.5) ** p[0] + (p[1] * p[1] + 1.0) ** x[1],
    "exp": lambda x, p: (x[0] * p[0]).exp(),
    "log": lambda x, p: (x[0] * x[0] * p[0] * p[0] + 0.1).log(),
    "log1p": lambda x, p: (x[0] * x[0] * p[0] * p[0]).log1p() + (-40.0 - x[1] * x[1] * p[1]).exp().log1p(),
    "tanh": lambda x, p: (x[0] * p[0] + p[1]).tanh(),
    "sigmoid": lambda x, p: (x[0] * p[0] + x[1] * p[1]).sigmoid(),
    "relu": lambda x, p: (x[0] * p[0] + p[1]).relu() + x[1].relu() * p[0],
    "abs": lambda x, p: (x[0] - p[0]).abs() * p[1],
    "sum": lambda x, p: Value.sum([x[0] * p[0], x[1], p[1], 2.0, x[0] * x[1]]),
    "logsumexp": lambda x, p: Value.logsumexp([x[0] * p[0], x[1], p[1], 2.0, x[0] * x[1]]),
    # over a layer's outputs, consecutive rows: one step on their block
    "logsumexp-block": lambda x, p: Value.logsumexp([Value.dot(p[:2], x, p[2]), Value.dot(p[1:3], x, p[0])]),
    "dot-bias": lambda x, p: Value.dot(p[:2], x, p[2]) * Value.dot(x, p[1:3], p[0]),
    "dot-nobias": lambda x, p: Value.dot(p[:2], x).tanh(),
    "dot-data": lambda x, p: Value.dot([x[0] * p[0], x[1]], [p[1] * x[1], x[0] + p[2]], x[1] * p[0]),
    "dot-const": lambda x, p: Value.dot([0.5, -2.0], [x[0] * p[0], x[1] * p[1]], 1.5),
}


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("case", sorted(PRIMITIVE_CASES))
def test_each_primitive_replays_like_the_plain_engine(case, batch):
    rng = np.random.default_rng(sorted(PRIMITIVE_CASES).index(case))
    p = params_of(rng, 3)
    X = rng.normal(size=(batch, 2))
    if case == "relu":  # the kink: the subgradient 0 at 0 must agree
        X[: batch // 2, 1] = 0.0
    f = PRIMITIVE_CASES[case]
    check(lambda xs: f(xs, p), p, X)


def test_the_used_primitives_all_appear():
    """The cases above exercise every row of the table."""
    from autograd.primitives import BUILTIN

    rng = np.random.default_rng(0)
    p = params_of(rng, 3)
    seen = set()
    for f in PRIMITIVE_CASES.values():
        net = trace(lambda xs, f=f: f(xs, p), p, inputs=2)
        seen |= {net.program.op(i) for i in range(len(net.program))}
    assert BUILTIN <= seen


def test_logsumexp_replays_on_a_block_without_overflow():
    p = [Value(1.0), Value(1.0)]
    net = trace(lambda xs: Value.logsumexp([Value.dot([p[0]], xs), Value.dot([p[1]], xs)]), p, inputs=1)
    assert "logsumexp over 2 rows" in net.describe()
    losses = net.forward(np.array([[1000.0], [-3.0]]))
    # log(e^1000 + e^1000) = 1000 + ln 2, which exp(1000) alone would overflow
    assert losses == pytest.approx([1000.0 + np.log(2.0), -3.0 + np.log(2.0)], rel=1e-15)
    # d/dp₀ = x·e^(p₀x) / (e^(p₀x) + e^(p₁x)) = x/2 per sample, summed: (1000 − 3)/2
    assert net.backward(accumulate=False)[0] == pytest.approx(997.0 / 2.0, rel=1e-12)


def test_exponent_value_gets_its_gradient_only_where_the_base_is_positive():
    p = [Value(1.5)]
    X = np.array([[2.0], [0.0], [-2.0]])
    net = trace(lambda xs: (xs[0] * xs[0]) ** p[0], p, inputs=1)
    net.forward(X)
    g = net.backward(accumulate=False)
    # d/dp (x²)^p = (x²)^p ln(x²): 4^1.5 ln 4 for x = ±2, 0 for x = 0 (base 0: ln taken as 0)
    assert g[0] == pytest.approx(2 * 8.0 * np.log(4.0), rel=1e-12)


def test_the_power_zero_has_slope_zero_at_a_zero_base_like_the_plain_engine():
    p = [Value(2.0), Value(0.0)]
    X = np.array([[0.0, 0.0], [1.5, 0.0], [0.0, 3.0]])
    net = check(lambda xs: p[0] * xs[0] ** 0 + (xs[1] * p[0]) ** p[1], p, X)
    # d/dp0: x0⁰ = 1 on each of 3 samples (the second term's p1·(x1·p0)^(p1−1)·x1 is 0);
    # d/dp1: (x1·p0)^0·ln(x1·p0) = ln 6 on the last sample, 0 where the base is 0
    np.testing.assert_allclose(net.grads, [3.0, np.log(6.0)], rtol=1e-15)


# ---------------------------------------------------------------------------------------
# networks built from Values
# ---------------------------------------------------------------------------------------


def dense(rng, nin, sizes, activations):
    """Hand-built layers of neurons: (weights, biases, activation) per layer, and the params."""
    layers, params = [], []
    for nout, act in zip(sizes, activations):
        W = [params_of(rng, nin, 1.0 / np.sqrt(nin)) for _ in range(nout)]
        b = params_of(rng, nout, 0.1)
        layers.append((W, b, act))
        params += [w for row in W for w in row] + b
        nin = nout
    return layers, params


def run(layers, xs):
    for W, b, act in layers:
        zs = [Value.dot(w, xs, bj) for w, bj in zip(W, b)]
        xs = zs if act is None else [getattr(z, act)() for z in zs]
    return xs


hinge_onehot = L.multiclass_hinge  # both take a one-hot list of label Values as the label
cross_entropy_onehot = L.cross_entropy


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize(
    "shape, acts",
    [
        ((2, [16, 16, 1]), ["relu", "relu", None]),
        ((3, [4, 1]), ["tanh", None]),
        ((5, [7, 3, 1]), ["sigmoid", "tanh", "sigmoid"]),
        ((1, [1]), [None]),
    ],
)
def test_regression_networks(shape, acts, batch):
    rng = np.random.default_rng(len(acts) * 10 + shape[0])
    layers, params = dense(rng, shape[0], shape[1], acts)
    X = rng.normal(size=(batch, shape[0]))
    Y = rng.normal(size=batch)

    def loss(xs, ys):
        d = run(layers, xs)[0] - ys[0]
        return d * d * 0.5

    check(loss, params, X, Y, labels=1)


@pytest.mark.parametrize("batch", [1, 1000])
def test_binary_hinge_with_label_as_data(batch):
    rng = np.random.default_rng(3)
    layers, params = dense(rng, 2, [8, 8, 1], ["relu", "relu", None])
    X = rng.normal(size=(batch, 2))
    Y = rng.choice([-1.0, 1.0], size=batch)
    check(lambda xs, ys: (1.0 - ys[0] * run(layers, xs)[0]).relu(), params, X, Y, labels=1)


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("loss", [hinge_onehot, cross_entropy_onehot])
def test_multiclass_losses_with_one_hot_labels(loss, batch):
    rng = np.random.default_rng(4)
    layers, params = dense(rng, 4, [6, 5], ["tanh", None])
    X = rng.normal(size=(batch, 4))
    y = rng.integers(0, 5, size=batch)
    net = check(lambda xs, ys: (loss(run(layers, xs), ys), run(layers, xs)), params, X, y, one_hot_classes=5)
    assert net.outputs().shape == (batch, 5)


def test_one_hot_losses_equal_the_indexed_losses():
    """The one-hot forms are the lecture's losses: hinge Σ_{j≠y} max(0, s_j − s_y + 1) and
    cross-entropy −log softmax(s)_y, computed here from the scores by hand."""
    s = [Value(v) for v in (3.2, 5.1, -1.7)]  # label 0: margins 5.1 − 3.2 + 1 = 2.9 and −1.7 − 3.2 + 1 < 0
    assert hinge_onehot(s, one_hot(0, 3)).data == pytest.approx(2.9, rel=1e-12)
    e = np.exp([3.2, 5.1, -1.7])
    assert cross_entropy_onehot(s, one_hot(0, 3)).data == pytest.approx(-np.log(e[0] / e.sum()), rel=1e-12)


def test_outputs_are_the_scores_of_each_sample():
    rng = np.random.default_rng(5)
    layers, params = dense(rng, 3, [4, 2], ["relu", None])
    X = rng.normal(size=(10, 3))
    net = trace(lambda xs: run(layers, xs), params, inputs=3)
    scores = net.forward(X)
    ref = np.array([[v.data for v in run(layers, [Value(a) for a in x])] for x in X])
    close(scores, ref)
    with pytest.raises(RuntimeError, match="no loss"):
        net.backward()


def test_weight_shared_by_several_nodes_sums_its_gradients():
    rng = np.random.default_rng(6)
    w = params_of(rng, 2)
    X = rng.normal(size=(50, 2))
    # the same weights in two dots with different inputs, and a weight used twice in one dot
    check(lambda xs: Value.dot(w, xs).tanh() + Value.dot([w[0], w[0]], [xs[1], xs[0] * xs[0]]), w, X)


def block_layer(rng, nin, nout):
    """Neurons listed as an MLP lists them, each one's weights then its bias: one block of the
    parameters, which the replay reads and fills through views."""
    neurons = [(params_of(rng, nin), params_of(rng, 1)[0]) for _ in range(nout)]
    return neurons, [v for w, b in neurons for v in (*w, b)]


def apply_layer(neurons, xs):
    return [Value.dot(w, xs, b).tanh() for w, b in neurons]


def test_a_layer_of_its_own_writes_its_gradients_in_place():
    rng = np.random.default_rng(8)
    first, p1 = block_layer(rng, 2, 3)
    second, p2 = block_layer(rng, 3, 2)
    net = check(lambda xs: Value.sum(apply_layer(second, apply_layer(first, xs))), p1 + p2, rng.normal(size=(40, 2)))
    assert [s.exclusive for s in net.plan.steps if s.kind == "layer"] == [True, True]


def test_a_layer_used_twice_adds_both_uses():
    # one square layer applied twice: its parameters get two contributions, so nothing may be
    # written in place over the other
    rng = np.random.default_rng(9)
    layer, params = block_layer(rng, 2, 2)
    net = check(lambda xs: Value.sum(apply_layer(layer, apply_layer(layer, xs))), params, rng.normal(size=(40, 2)))
    assert [s.exclusive for s in net.plan.steps if s.kind == "layer"] == [False, False]


def test_input_used_twice_in_one_layer():
    rng = np.random.default_rng(7)
    w = params_of(rng, 6)
    X = rng.normal(size=(20, 2))
    check(lambda xs: Value.sum([Value.dot(w[3 * k : 3 * k + 3], [xs[0], xs[1], xs[0]]).relu() for k in (0, 1)]), w, X)


def test_one_node_shared_by_a_whole_group_is_read_once_and_gets_the_sum():
    # every mul and div of its level takes the same m: one row, broadcast, its gradient summed
    rng = np.random.default_rng(8)
    w = params_of(rng, 4)
    X = rng.normal(size=(30, 4))

    def fn(xs):
        m = Value.dot(w, xs)
        return Value.sum([x * m for x in xs] + [(x / m.exp()).tanh() for x in xs])

    net = check(fn, w, X)
    assert any(s.describe() == "mul ×4" and any(s.repeated) for s in net.plan.steps)


def test_domain_error_at_a_shared_operand_names_the_node_and_sample():
    w = [Value(1.0)]

    def fn(xs):
        d = xs[0] * w[0]
        return Value.sum([xs[1] / d, xs[2] / d])

    net = trace(fn, w, inputs=3)
    assert any(s.describe() == "div ×2" and s.repeated == [False, True] for s in net.plan.steps)
    with pytest.raises(ValueError, match=r"division of 3\.0 by 0\.0.*sample 1"):
        net.forward(np.array([[1.0, 1.0, 1.0], [0.0, 3.0, 2.0]]))


# ---------------------------------------------------------------------------------------
# nn's MLP and losses, when they are there
# ---------------------------------------------------------------------------------------


def _nn():
    try:
        from nn import losses
        from nn.layers import MLP
    except ImportError:  # nn is optional for the engine
        pytest.skip("nn.layers / nn.losses not available")
    return MLP, losses


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_nn_mlp_with_mse(activation, batch):
    MLP, losses = _nn()
    model = MLP(3, [8, 2], activation=activation, seed=1)
    rng = np.random.default_rng(8)
    X = rng.normal(size=(batch, 3))
    Y = rng.normal(size=(batch, 2))
    net = check(lambda xs, ys: losses.mse(model(xs), ys), model.parameters(), X, Y, labels=2)
    assert [s.kind for s in net.plan.steps[:3]] == ["layer", "elementwise", "layer"]


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("loss", [hinge_onehot, cross_entropy_onehot])
def test_nn_mlp_with_one_hot_multiclass_losses(loss, batch):
    MLP, _ = _nn()
    model = MLP(4, [16, 16, 3], seed=2)
    rng = np.random.default_rng(9)
    X = rng.normal(size=(batch, 4))
    y = rng.integers(0, 3, size=batch)
    check(lambda xs, ys: loss(model(xs), ys), model.parameters(), X, y, one_hot_classes=3)


@pytest.mark.parametrize("name", ["half_squared_error", "l1_loss"])
def test_nn_regression_losses(name):
    MLP, losses = _nn()
    model = MLP(2, [5, 1], activation="tanh", seed=3)
    rng = np.random.default_rng(10)
    X = rng.normal(size=(200, 2))
    Y = rng.normal(size=200)
    check(lambda xs, ys: getattr(losses, name)(model(xs), ys), model.parameters(), X, Y, labels=1)


# ---------------------------------------------------------------------------------------
# gradients into .grad, reductions, labels, buffers
# ---------------------------------------------------------------------------------------


def test_backward_accumulates_into_grad_like_value_backward():
    rng = np.random.default_rng(11)
    layers, params = dense(rng, 2, [3, 1], ["tanh", None])
    X = rng.normal(size=(30, 2))
    net = trace(lambda xs: run(layers, xs)[0], params, inputs=2)
    for p in params:
        p.grad = 1.0
    net.forward(X)
    g = net.backward()
    close([p.grad for p in params], 1.0 + g)
    mean = net.backward("mean", accumulate=False)
    close(mean, g / 30)


def test_replay_follows_parameter_updates_and_batch_sizes():
    rng = np.random.default_rng(12)
    layers, params = dense(rng, 2, [4, 1], ["relu", None])
    net = trace(lambda xs: run(layers, xs)[0] ** 2, params, inputs=2)
    for batch in (5, 17, 5):
        for p in params:  # a gradient step changes .data between replays
            p.data -= 0.1 * rng.normal()
        X = rng.normal(size=(batch, 2))
        got = net.forward(X)
        g = net.backward(accumulate=False)
        ref_loss, ref_grad = plain(lambda xs: run(layers, xs)[0] ** 2, params, X)
        close(got, ref_loss)
        close(g, ref_grad)


def test_one_hot_helpers():
    assert [v.data for v in one_hot(2, 4)] == [0.0, 0.0, 1.0, 0.0]
    np.testing.assert_array_equal(one_hot_array([1, 0], 3), [[0, 1, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="class index"):
        one_hot(4, 4)
    with pytest.raises(ValueError, match="label 7"):
        one_hot_array([0, 7], 3)


def test_constants_are_frozen_and_unlisted_leaves_are_constants():
    c = Value(2.0)  # not listed as a parameter
    p = [Value(0.5)]
    net = trace(lambda xs: xs[0] * c + p[0], p, inputs=1)
    c.data = 100.0
    np.testing.assert_array_equal(net.forward(np.array([[1.0], [3.0]])), [2.5, 6.5])


# ---------------------------------------------------------------------------------------
# the tracing rule and errors
# ---------------------------------------------------------------------------------------


def test_value_as_bool_while_tracing_is_refused():
    p = [Value(1.0)]

    def fn(xs):
        z = xs[0] * p[0]
        return z if z else -z

    with pytest.raises(TracingError, match="bool"):
        trace(fn, p, inputs=1)


@pytest.mark.parametrize("compare", [lambda a: a < 0, lambda a: a <= 0, lambda a: a > 0, lambda a: 0 >= a])
def test_comparison_while_tracing_is_refused(compare):
    p = [Value(1.0)]
    with pytest.raises(TracingError, match="comparison"):
        trace(lambda xs: xs[0] * p[0] if compare(xs[0]) else p[0], p, inputs=1)


def test_max_of_values_and_float_are_refused():
    p = [Value(1.0), Value(2.0)]
    with pytest.raises(TracingError, match="comparison"):
        trace(lambda xs: max(xs[0] * p[0], xs[1] * p[1]), p, inputs=2)
    with pytest.raises(TracingError, match="float"):
        trace(lambda xs: Value(float(xs[0])) * p[0], p, inputs=2)


def test_comparisons_work_again_after_tracing():
    p = [Value(1.0)]
    with pytest.raises(TracingError):
        trace(lambda xs: xs[0] if xs[0] > 0 else p[0], p, inputs=1)
    assert Value(1.0) > 0 and bool(Value(0.0)) and float(Value(3.0)) == 3.0


def test_wrong_number_of_inputs():
    rng = np.random.default_rng(13)
    w = params_of(rng, 3)
    with pytest.raises(TracingError, match="3 weights and 2 inputs"):
        trace(lambda xs: Value.dot(w, xs), w, inputs=2)
    net = trace(lambda xs: Value.dot(w, xs), w, inputs=3)
    with pytest.raises(ValueError, match=r"shape \(batch, 3\)"):
        net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="without labels"):
        net.forward(np.zeros((4, 3)), np.zeros(4))


def test_labels_checked():
    w = [Value(1.0)]
    net = trace(lambda xs, ys: pick([xs[0] * w[0], xs[0]], ys), w, inputs=1, labels=2, one_hot=True)
    with pytest.raises(ValueError, match="needs labels"):
        net.forward(np.zeros((2, 1)))
    with pytest.raises(ValueError, match="label 2 of sample 1"):
        net.forward(np.zeros((2, 1)), np.array([0, 2]))


def test_result_must_depend_on_the_inputs_and_be_values():
    w = [Value(1.0)]
    with pytest.raises(TracingError, match="does not depend on any"):
        trace(lambda xs: w[0] * 2.0, w, inputs=1)
    with pytest.raises(TypeError, match="must return"):
        trace(lambda xs: 3.0, w, inputs=1)


def test_logsumexp_on_a_block_meets_the_domain_as_the_plain_engine_does():
    w = [Value(1e200), Value(1e200)]
    f = lambda xs: Value.logsumexp([xs[0] * w[0], xs[1] * w[1]])  # noqa: E731
    net = trace(f, w, inputs=2)
    assert "logsumexp over 2 rows" in net.describe()
    # a score that overflows to inf: log Σ exp is inf, on either side, in either place
    X = np.array([[1.0, 1e200], [1e200, 1.0]])
    assert list(net.forward(X)) == [f([Value(v) for v in row]).data for row in X] == [np.inf, np.inf]
    # every score −inf: Σ exp is 0 and its log undefined; the error reads every score of the
    # sample, not only the first, and names the node and the sample
    with pytest.raises(ValueError, match="log of 0.0 is undefined") as plain:
        f([Value(-1e200), Value(-1e200)])
    with pytest.raises(ValueError, match=r"log of 0\.0 is undefined.*compiled replay \(forward\), node \d+, sample 1"):
        net.forward(np.array([[-1e200, 1.0], [-1e200, -1e200]]))
    assert "log" in str(plain.value)


def test_a_dot_group_whose_products_are_one_row_and_whose_biases_are_not():
    # both dots multiply the same u by itself (one row for the group) but add their own bias
    w = [Value(0.3)]

    def f(xs):
        u = xs[0] * xs[1] * w[0]
        return Value.dot([u], [u], xs[0]) + Value.dot([u], [u], xs[1])

    check(f, w, np.random.default_rng(10).normal(size=(6, 2)))


def test_domain_errors_name_the_operation_and_sample():
    w = [Value(1.0)]
    net = trace(lambda xs: (xs[0] * w[0]).log(), w, inputs=1)
    with pytest.raises(ValueError, match=r"log of -2\.0 is undefined.*sample 1"):
        net.forward(np.array([[1.0], [-2.0]]))
    net = trace(lambda xs: w[0] / xs[0], w, inputs=1)
    with pytest.raises(ValueError, match=r"division of 1\.0 by 0\.0.*sample 2"):
        net.forward(np.array([[1.0], [3.0], [0.0]]))
    with pytest.raises(ValueError, match="not a finite number"):
        net.forward(np.array([[np.nan]]))


def test_domain_error_in_backward_names_the_operation():
    w = [Value(1.0)]
    net = trace(lambda xs: (xs[0] * w[0]) ** 0.5, w, inputs=1)
    np.testing.assert_array_equal(net.forward(np.array([[4.0], [0.0]])), [2.0, 0.0])
    with pytest.raises(ValueError, match=r"0\.0 \*\* -0\.5 is undefined.*backward.*sample 1"):
        net.backward()


def test_domain_error_in_backward_of_a_block_step_names_the_operation_and_sample():
    # log Σ exp over a block of rows: on sample 1 a score overflows to inf, so the forward is
    # inf and the backward's exp(score − out) is exp(inf − inf), undefined in the plain engine
    w = [Value(1.0)]
    f = lambda xs: Value.logsumexp([(xs[0] * w[0]).exp(), (xs[1] * w[0]).exp()])  # noqa: E731
    net = trace(f, w, inputs=2)
    assert "logsumexp over 2 rows" in net.describe()
    X = np.array([[0.0, 1.0], [1000.0, 1.0]])
    net.forward(X)
    with pytest.raises(ValueError, match="exp of nan is undefined") as plain:
        f([Value(v) for v in X[1]]).backward()
    with pytest.raises(ValueError, match=r"exp of nan is undefined.*compiled replay \(backward\), node \d+, sample 1"):
        net.backward()
    assert str(plain.value) == "exp of nan is undefined (Value.exp)"


def test_a_block_step_whose_backward_meets_inf_times_0_carries_on_with_nan_like_the_plain_engine():
    # a dot over blocks of rows, then ×1e300×1e300: the gradient reaching the dot is inf, and
    # its weight gradient inf·0 is nan, which the float rule allows (no error, a nan gradient)
    w = [Value(1.0)]
    f = lambda xs: Value.dot([xs[0] * w[0], xs[1] * w[0]], [xs[2], xs[3]]) * 1e300 * 1e300  # noqa: E731
    net = trace(f, w, inputs=4)
    assert "dot over 2 rows" in net.describe()
    X = np.array([[1.0, 1.0, 0.0, 1.0]])
    f([Value(v) for v in X[0]]).backward()
    assert np.isnan(w[0].grad)
    w[0].grad = 0.0
    net.forward(X)
    assert np.isnan(net.backward(accumulate=False)).all()


def test_overflow_is_not_an_error_like_the_plain_engine():
    w = [Value(1.0)]
    net = trace(lambda xs: (xs[0] * w[0]).exp(), w, inputs=1)
    out = net.forward(np.array([[1000.0], [0.0]]))
    assert out[0] == np.inf and out[1] == 1.0


# ---------------------------------------------------------------------------------------
# fit(..., compiled=True) trains the same model as the plain engine
# ---------------------------------------------------------------------------------------


def _fit_both(nouts, X, y, loss, **kw):
    from nn.layers import MLP
    from nn.train import fit

    runs = []
    for compiled in (False, True):
        model = MLP(X.shape[1], nouts, seed=0)
        hist = fit(model, X, y, loss=loss, progress=False, compiled=compiled, **kw)
        runs.append((np.array([p.data for p in model.parameters()]), hist))
    return runs


@pytest.mark.parametrize(
    "loss, nouts, data",
    [
        ("svm", [16, 16, 1], "moons"),
        ("bce", [8, 1], "moons"),
        ("mse", [8, 1], "moons"),
        ("svm", [8, 3], "blobs"),
        ("ce", [8, 3], "blobs"),
        ("mse", [8, 3], "blobs"),
    ],
)
def test_fit_compiled_trains_the_same_model(loss, nouts, data):
    _nn()
    from nn.data import make_blobs, make_moons

    X, y = make_moons(n=40, noise=0.1, seed=0) if data == "moons" else make_blobs(n=45, seed=0)
    (w_plain, h_plain), (w_comp, h_comp) = _fit_both(nouts, X, y, loss, epochs=8, reg=1e-3, batch_size=16)
    np.testing.assert_allclose(w_comp, w_plain, rtol=1e-9, atol=1e-9 * np.max(np.abs(w_plain)))
    np.testing.assert_allclose(h_comp.loss, h_plain.loss, rtol=1e-9)
    assert h_comp.accuracy == h_plain.accuracy


# ---------------------------------------------------------------------------------------
# nn.losses traced: class labels as one-hot label Values, binary targets as a label Value,
# against the plain engine with the class index / the number
# ---------------------------------------------------------------------------------------

MULTICLASS_LOSSES = {
    "multiclass_hinge": L.multiclass_hinge,
    "multiclass_hinge-margin-0.5": lambda s, y: L.multiclass_hinge(s, y, margin=0.5),
    "cross_entropy": L.cross_entropy,
    "nll-of-log_softmax": lambda s, y: L.nll(L.log_softmax(s), y),
    "mse-of-softmax": lambda s, y: L.mse(L.softmax(s), [1.0, 0.0, 0.0]) + L.nll(L.log_softmax(s), y),
}

BINARY_LOSSES = {
    "hinge": lambda s, t: L.hinge(s, 2 * t - 1),
    "bce-with-logits": L.binary_cross_entropy_with_logits,
    "bce-of-sigmoid": lambda s, t: L.binary_cross_entropy(s.sigmoid(), t),
}


def _plain_labelled(model, loss, X, y):
    """Per-sample forward and backward on the plain engine with the label as a number."""
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    losses = []
    for x, t in zip(X.tolist(), y.tolist()):
        out = loss(model(x), t)
        out.backward()
        losses.append(out.data)
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return np.array(losses), grads


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("name", sorted(MULTICLASS_LOSSES))
def test_multiclass_losses_of_nn_traced_with_one_hot_equal_the_class_index(name, batch):
    from nn.layers import MLP

    loss = MULTICLASS_LOSSES[name]
    model = MLP(3, [6, 3], activation="tanh", seed=4)
    rng = np.random.default_rng(14)
    X = rng.normal(scale=2.0, size=(batch, 3))
    y = rng.integers(0, 3, size=batch)
    net = trace(lambda xs, ys: loss(model(xs), ys), model.parameters(), inputs=3, labels=3, one_hot=True)
    got_loss = net.forward(X, y)
    got_grad = net.backward(accumulate=False)
    ref_loss, ref_grad = _plain_labelled(model, loss, X, y)
    close(got_loss, ref_loss)
    close(got_grad, ref_grad)


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("name", sorted(BINARY_LOSSES))
def test_binary_losses_of_nn_traced_with_the_label_as_a_value(name, batch):
    from nn.layers import MLP

    loss = BINARY_LOSSES[name]
    model = MLP(2, [5, 1], seed=5)
    rng = np.random.default_rng(15)
    X = rng.normal(scale=2.0, size=(batch, 2))
    y = rng.integers(0, 2, size=batch)
    net = trace(lambda xs, ys: loss(model(xs)[0], ys[0]), model.parameters(), inputs=2, labels=1)
    got_loss = net.forward(X, y.astype(float))
    got_grad = net.backward(accumulate=False)
    ref_loss, ref_grad = _plain_labelled(model, lambda out, t: loss(out[0], t), X, y)
    close(got_loss, ref_loss)
    close(got_grad, ref_grad)


def test_log_softmax_traced_stays_finite_for_scores_far_apart():
    """While tracing the max shift is built in the graph, so a sample whose scores are a
    thousand apart does not overflow in the replay (a max read from the traced sample would
    be frozen into the program)."""
    w = [Value(1.0), Value(1.0), Value(1.0)]

    def fn(xs, ys):
        return L.nll(L.log_softmax([x * wj for x, wj in zip(xs, w)]), ys)

    net = trace(fn, w, inputs=3, labels=3, one_hot=True)
    X = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 999.0, 1000.0], [0.5, 0.25, 0.0]])
    y = np.array([0, 1, 2])
    got = net.forward(X, y)
    grads = net.backward(accumulate=False)
    assert np.all(np.isfinite(got)) and np.all(np.isfinite(grads))
    # by hand: 0 for the first (its true score leads by 1000); 1 + log(1 + e⁻¹) for the second
    assert got[0] == 0.0  # e^−1000 underflows: the exact double is 0
    assert got[1] == pytest.approx(1.0 + np.log1p(np.exp(-1.0)), rel=1e-12)
    ref_loss, ref_grad = plain(fn, w, X, y, one_hot_classes=3)
    close(got, ref_loss)
    close(grads, ref_grad)


def test_is_tracing_only_while_trace_records():
    seen = []
    w = [Value(1.0)]
    assert not is_tracing()
    trace(lambda xs: seen.append(is_tracing()) or xs[0] * w[0], w, inputs=1)
    assert seen == [True] and not is_tracing()


# ---------------------------------------------------------------------------------------
# fit / evaluate / predict compiled
# ---------------------------------------------------------------------------------------


def test_fit_compiled_reproduces_the_moons_demo():
    """The demo's set-up (SVM + 1e-4·L2, SGD lr 1.0 − 0.9·k/100, full batch): the same
    weights to 1e-9 relative, the same history, and compiled evaluate/predict agree."""
    from nn.demo import DEMO, demo_setup
    from nn.train import evaluate, fit, predict

    runs = []
    for compiled in (False, True):
        X, y, model, optimizer = demo_setup(0)
        hist = fit(model, X, y, "svm", optimizer, epochs=25, reg=DEMO.l2, progress=False, compiled=compiled)
        runs.append((model, hist))
    (plain_model, plain_hist), (comp_model, comp_hist) = runs
    w_plain = np.array([p.data for p in plain_model.parameters()])
    w_comp = np.array([p.data for p in comp_model.parameters()])
    np.testing.assert_allclose(w_comp, w_plain, rtol=1e-9, atol=1e-9 * np.max(np.abs(w_plain)))
    np.testing.assert_allclose(comp_hist.loss, plain_hist.loss, rtol=1e-9)
    assert comp_hist.accuracy == plain_hist.accuracy
    ref_loss, ref_acc = evaluate(plain_model, X, y, "svm", DEMO.l2)
    got_loss, got_acc = evaluate(plain_model, X, y, "svm", DEMO.l2, compiled=True)
    assert got_loss == pytest.approx(ref_loss, rel=1e-12) and got_acc == ref_acc
    close(predict(plain_model, X, compiled=True), predict(plain_model, X))


@pytest.mark.parametrize("loss", ["ce", "svm", "mse", "custom"])
def test_evaluate_and_predict_compiled_on_three_classes(loss):
    from nn.data import make_blobs
    from nn.layers import MLP
    from nn.train import evaluate, predict_classes

    X, y = make_blobs(n=60, seed=1)
    model = MLP(2, [8, 3], seed=1)
    objective = (lambda out, t: L.cross_entropy(out, t) * 0.5) if loss == "custom" else loss
    ref = evaluate(model, X, y, objective, reg=1e-3)
    got = evaluate(model, X, y, objective, reg=1e-3, compiled=True)
    assert got[0] == pytest.approx(ref[0], rel=1e-12) and got[1] == ref[1]
    np.testing.assert_array_equal(predict_classes(model, X, compiled=True), predict_classes(model, X))


def test_evaluate_compiled_for_regression():
    from nn.layers import MLP
    from nn.train import evaluate

    rng = np.random.default_rng(16)
    X = rng.normal(size=(50, 3))
    y = rng.normal(size=50)
    model = MLP(3, [4, 1], activation="tanh", seed=2)
    ref = evaluate(model, X, y, "mse")
    got = evaluate(model, X, y, "mse", compiled=True)
    assert got[0] == pytest.approx(ref[0], rel=1e-12) and got[1] is None and ref[1] is None


def test_fit_compiled_with_a_custom_loss_of_nn_losses():
    """A callable loss gets the one-hot label Values when compiled; written with nn.losses it
    trains the same model as with the class index."""
    from nn.data import make_blobs

    X, y = make_blobs(n=45, seed=2)
    (w_plain, h_plain), (w_comp, h_comp) = _fit_both(
        [8, 3], X, y, lambda out, t: L.multiclass_hinge(out, t, margin=0.5), epochs=6, reg=1e-3, batch_size=10
    )
    np.testing.assert_allclose(w_comp, w_plain, rtol=1e-9, atol=1e-9 * np.max(np.abs(w_plain)))
    assert h_comp.accuracy == h_plain.accuracy


def test_fit_compiled_refuses_a_loss_that_indexes_by_the_label():
    from nn.data import make_blobs
    from nn.layers import MLP
    from nn.train import fit

    X, y = make_blobs(n=30, seed=3)
    model = MLP(2, [4, 3], seed=0)
    with pytest.raises(TracingError, match="compiled=False"):
        fit(model, X, y, loss=lambda out, t: -out[t], epochs=1, progress=False, compiled=True)
    hist = fit(model, X, y, loss=lambda out, t: -out[t], epochs=1, progress=False)  # fine on the plain engine
    assert len(hist.loss) == 1


def test_the_engine_loads_without_numpy_and_the_replay_loads_it_on_first_use():
    code = (
        "import sys, autograd; assert 'numpy' not in sys.modules, 'import autograd loaded numpy'; "
        "x = autograd.Value(2.0); (x * x).backward(); assert x.grad == 4.0; "
        "assert 'numpy' not in sys.modules, 'backward loaded numpy'; "
        "autograd.trace; assert 'numpy' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_opcodes_are_the_built_in_rows_whatever_was_defined_before_the_first_compile():
    # a row defined before autograd.program is first imported is no built-in code: the codes
    # do not depend on the order of imports, and the row is numbered after them in its program
    code = (
        "import json, sys, numpy as np; from autograd import Value, primitive; "
        "from autograd.primitives import BUILTIN, PRIMITIVES; "
        "sp = primitive('softplus', lambda m, a: m.log(1.0 + m.exp(a)), lambda m, g, out, a: (g * m.sigmoid(a),)); "
        "assert 'autograd.program' not in sys.modules; "
        "from autograd.program import OPCODES, PRIMS; from autograd.compile import trace; "
        "w = [Value(0.5)]; net = trace(lambda xs: sp(xs[0] * w[0]), w, inputs=1); "
        "assert net.program.prims[len(OPCODES)].name == 'softplus'; "
        "out = net.forward(np.array([[2.0]])); "
        "print(json.dumps([list(OPCODES), [p.name for p in PRIMS], sorted(BUILTIN), list(PRIMITIVES), out.tolist()]))"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    opcodes, prims, builtin, table, out = json.loads(run.stdout)
    assert opcodes == prims == [name for name in table if name != "softplus"]
    assert sorted(opcodes) == builtin and table[-1] == "softplus"
    assert out == [math.log(1.0 + math.exp(1.0))]
    from autograd.program import OPCODES

    assert list(OPCODES) == opcodes  # this process imported it in its own order: the same codes


def test_forward_takes_the_parameters_from_an_array_as_from_the_values():
    w, b = Value(0.5), Value(-0.25)
    net = trace(lambda xs: (w * xs[0] + b).tanh(), [w, b], inputs=1)
    X = np.array([[0.1], [2.0], [-3.0]])
    from_array = net.forward(X, params=np.array([1.5, 0.75]))
    w.data, b.data = 1.5, 0.75
    np.testing.assert_array_equal(from_array, net.forward(X))
    with pytest.raises(ValueError, match="params must be an array of the 2 parameters"):
        net.forward(X, params=np.array([1.0]))


def test_a_layer_reads_its_parameters_as_views_or_gathered_with_the_same_numbers():
    # MLP.parameters() lists each neuron's weights then its bias: the replay reads a layer's block as
    # views; listed in another order the weights are gathered by index. Both give the same numbers
    # (to rounding: the nodes of a layer are summed in another order).
    from nn import MLP
    from nn.losses import cross_entropy

    model = MLP(3, [4, 3], seed=5)
    params = model.parameters()
    X = np.random.default_rng(0).normal(size=(6, 3))
    y = np.array([0, 2, 1, 1, 0, 2])
    results = []
    for order in (params, params[::-1]):
        net = trace(lambda xs, ys: cross_entropy(model(xs), ys), order, inputs=3, labels=3, one_hot=True)
        losses = net.forward(X, y)
        grads = dict(zip(map(id, order), net.backward(accumulate=False).tolist()))
        results.append((losses, [grads[id(p)] for p in params]))
        assert [s.block is not None for s in net.plan.steps if s.kind == "layer"] == [order is params] * 2
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-15)


def test_one_dot_or_sum_over_runs_of_rows_runs_on_blocks_with_the_plain_engines_numbers():
    ps = [Value(v) for v in (0.3, -1.2, 2.0, 0.7)]

    def fn(xs):
        hs = [(p * 1.5).tanh() for p in ps[:3]]  # three nodes of one step: consecutive rows
        return Value.dot(xs[:3], hs, xs[3]) * ps[3] + Value.sum(hs) * xs[4]

    net = trace(fn, ps, inputs=5)
    assert [s.describe() for s in net.plan.steps if s.kind == "elementwise" and "over" in s.describe()] == [
        "dot over 3 rows",
        "sum over 3 rows",
    ]
    X = np.random.default_rng(1).normal(size=(4, 5))
    losses = net.forward(X)
    grads = net.backward(accumulate=False)
    expected = np.zeros(4)
    for s, x in enumerate(X.tolist()):
        loss = fn([Value(v) for v in x])
        assert losses[s] == loss.data
        for p in ps:
            p.grad = 0.0
        loss.backward()
        expected += [p.grad for p in ps]
    np.testing.assert_allclose(grads, expected, rtol=1e-12)
