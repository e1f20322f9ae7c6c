"""Losses, metrics and penalties: central differences at drawn points, plain-numpy values,
stability, and clear errors. (The lectures' worked numbers are in test_lectures_nn.py.)"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import losses as L

num = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)
vec3 = st.lists(num, min_size=3, max_size=3)
vec4 = st.lists(num, min_size=4, max_size=4)
label3 = st.integers(min_value=0, max_value=2)
quick = settings(max_examples=30, deadline=None)
# away from the kinks of relu and abs: |d| >= 0.01, drawn directly rather than filtered
nonzero = st.tuples(st.floats(min_value=0.01, max_value=3.0), st.sampled_from([-1.0, 1.0])).map(lambda t: t[0] * t[1])


# -- central differences ---------------------------------------------------------------


@given(vec4)
@quick
def test_half_squared_error_gradient(xs):
    assert gradcheck(lambda v: L.half_squared_error(v[0], v[1]), xs[:2])
    assert gradcheck(lambda v: L.half_squared_error(v[:2], v[2:]), xs)


@given(vec4)
@quick
def test_mse_gradient(xs):
    assert gradcheck(lambda v: L.mse(v[:2], v[2:]), xs)
    assert gradcheck(lambda v: L.mse(v[:2], v[2:], reduction="sum"), xs)


@given(st.lists(num, min_size=2, max_size=2), st.lists(nonzero, min_size=2, max_size=2))
@quick
def test_l1_loss_gradient(preds, gaps):
    xs = preds + [p + g for p, g in zip(preds, gaps)]  # targets differ from preds by the gaps
    assert gradcheck(lambda v: L.l1_loss(v[:2], v[2:]), xs)
    assert gradcheck(lambda v: L.l1_loss(v[:2], v[2:], reduction="sum"), xs)


@given(nonzero, st.sampled_from([-1, 1]))
@quick
def test_hinge_gradient(d, y):
    s = y * (1.0 - d)  # 1 − y·s = d, never at the kink
    assert gradcheck(lambda v: L.hinge(v[0], y), [s])


@given(num, st.lists(nonzero, min_size=3, max_size=3), label3, st.floats(min_value=0.0, max_value=2.0))
@quick
def test_multiclass_hinge_gradient(sy, gaps, y, margin):
    # s_j − s_y + margin = gap_j for j ≠ y: every term is away from its kink
    s = [sy if j == y else sy - margin + gaps[j] for j in range(3)]
    assert gradcheck(lambda v: L.multiclass_hinge(v, y, margin=margin), s)


@given(vec3, st.lists(num, min_size=3, max_size=3))
@quick
def test_softmax_gradient(s, weights):
    # a weighted sum of the outputs checks every row of the Jacobian at once
    assert gradcheck(lambda v: Value.sum([w * p for w, p in zip(weights, L.softmax(v))]), s)


@given(vec3, st.lists(num, min_size=3, max_size=3))
@quick
def test_log_softmax_gradient(s, weights):
    assert gradcheck(lambda v: Value.sum([w * p for w, p in zip(weights, L.log_softmax(v))]), s)


@given(vec3, label3)
@quick
def test_cross_entropy_gradient(s, y):
    assert gradcheck(lambda v: L.cross_entropy(v, y), s)


@given(vec3, label3)
@quick
def test_nll_gradient(s, y):
    assert gradcheck(lambda v: L.nll(v, y), s)


@given(st.floats(min_value=0.01, max_value=0.99), st.sampled_from([0, 1]))
@quick
def test_binary_cross_entropy_gradient(p, y):
    assert gradcheck(lambda v: L.binary_cross_entropy(v[0], y), [p], rtol=1e-4, atol=1e-5)


@given(st.floats(min_value=-10.0, max_value=10.0), st.sampled_from([0, 1]))
@quick
def test_binary_cross_entropy_with_logits_gradient(s, y):
    assert gradcheck(lambda v: L.binary_cross_entropy_with_logits(v[0], y), [s])


@pytest.mark.parametrize("y", [0, 1])
def test_binary_cross_entropy_with_logits_is_smooth_at_zero(y):
    # d/ds = sigmoid(s) − y: 0.5 − y at s = 0, where a relu/abs formula would give 0
    v = Value(0.0)
    L.binary_cross_entropy_with_logits(v, y).backward()
    assert v.grad == pytest.approx(0.5 - y)
    assert gradcheck(lambda x: L.binary_cross_entropy_with_logits(x[0], y), [0.0])


@given(st.lists(nonzero, min_size=4, max_size=4))
@quick
def test_penalty_gradients(ws):
    assert gradcheck(L.l1_penalty, ws)
    assert gradcheck(L.l2_penalty, ws)
    assert gradcheck(lambda v: L.elastic_net(v, 0.7), ws)


@given(vec4, st.floats(min_value=0.0, max_value=1.0))
@quick
def test_regularized_loss_gradient(xs, lam):
    # two per-sample losses that share the weights, plus λ·Σw²
    def full(v):
        losses = [L.half_squared_error(v[0] * 2.0 + v[1], 1.0), L.half_squared_error(v[0] * -1.0 + v[1], 0.5)]
        return L.regularized_loss(losses, v[:2], lam)

    assert gradcheck(full, xs[:2])


# -- values against plain formulas -----------------------------------------------------


@given(vec4)
@quick
def test_regression_losses_values(xs):
    p, t = np.array(xs[:2]), np.array(xs[2:])
    assert L.mse(list(p), list(t)).data == pytest.approx(np.mean((t - p) ** 2))
    assert L.mse(list(p), list(t), reduction="sum").data == pytest.approx(np.sum((t - p) ** 2))
    assert L.l1_loss(list(p), list(t)).data == pytest.approx(np.mean(np.abs(t - p)))
    assert L.half_squared_error(xs[0], xs[2]).data == pytest.approx(0.5 * (xs[2] - xs[0]) ** 2)


@given(vec3, label3)
@quick
def test_softmax_family_values(s, y):
    e = np.exp(np.array(s))
    p = e / e.sum()
    assert [v.data for v in L.softmax(s)] == pytest.approx(list(p))
    assert [v.data for v in L.log_softmax(s)] == pytest.approx(list(np.log(p)))
    assert L.cross_entropy(s, y).data == pytest.approx(-math.log(p[y]))
    assert L.nll(L.log_softmax(s), y).data == pytest.approx(L.cross_entropy(s, y).data)
    assert sum(v.data for v in L.softmax(s)) == pytest.approx(1.0)


@given(st.floats(min_value=-15.0, max_value=15.0), st.sampled_from([0, 1]))
@quick
def test_bce_from_logits_equals_bce_of_sigmoid(s, y):
    p = 1.0 / (1.0 + math.exp(-s))  # within (3e-7, 1 − 3e-7) for |s| <= 15
    expected = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert L.binary_cross_entropy_with_logits(s, y).data == pytest.approx(expected, rel=1e-7)
    assert L.binary_cross_entropy(p, y).data == pytest.approx(expected, rel=1e-7)


def test_svm_loss_of_equal_scores_is_classes_minus_one():
    # the lecture's sanity check at initialisation: all scores equal -> loss C − 1
    assert L.multiclass_hinge([0.0] * 10, 4).data == pytest.approx(9.0)
    assert L.multiclass_hinge([0.0] * 10, 4, margin=0.5).data == pytest.approx(4.5)


def test_cross_entropy_of_equal_scores_is_log_classes():
    assert L.cross_entropy([0.0] * 10, 3).data == pytest.approx(math.log(10))


# -- stability --------------------------------------------------------------------------


@pytest.mark.parametrize("big", [1000.0, -1000.0])
def test_softmax_and_cross_entropy_do_not_overflow(big):
    s = [big, 0.0, -big]
    assert sum(v.data for v in L.softmax(s)) == pytest.approx(1.0)
    assert all(math.isfinite(v.data) for v in L.log_softmax([1000.0, 999.0]))
    assert L.log_softmax([1000.0, 999.0])[1].data == pytest.approx(-1.0 - math.log1p(math.exp(-1.0)))
    # e^−1000 underflows, so the exact double for big > 0 is 0: abs=0 (approx's default 1e-12 would pass 1e-13)
    assert L.cross_entropy(s, 0).data == pytest.approx(0.0 if big > 0 else 2 * abs(big), abs=0.0)
    v = [Value(x) for x in s]
    L.cross_entropy(v, 1).backward()
    assert all(math.isfinite(x.grad) for x in v)


@pytest.mark.parametrize("s, y, expected", [(1000.0, 1, 0.0), (1000.0, 0, 1000.0), (-1000.0, 1, 1000.0)])
def test_bce_from_logits_does_not_overflow(s, y, expected):
    v = Value(s)
    loss = L.binary_cross_entropy_with_logits(v, y)
    loss.backward()
    assert loss.data == pytest.approx(expected, abs=0.0)  # for 0: e^−1000 underflows, the exact double is 0
    assert math.isfinite(v.grad)


def test_bce_from_probabilities_handles_the_ends():
    assert L.binary_cross_entropy(0.0, 0).data == 0.0
    assert L.binary_cross_entropy(1.0, 1).data == 0.0
    # below eps the loss is the tangent line of -log q at eps: -log eps + (eps - q)/eps
    p = Value(1.0)
    saturated = L.binary_cross_entropy(p, 0)  # q = 1 - p = 0
    assert saturated.data == pytest.approx(1.0 - math.log(1e-12))
    saturated.backward()
    assert p.grad == pytest.approx(1e12)  # -d/dq · dq/dp = (1/eps) · 1, still pulling p down


# -- metrics -----------------------------------------------------------------------------


def test_zero_one_and_accuracy():
    assert L.zero_one([0.1, 2.0, -1.0], 1) == 0.0
    assert L.zero_one([0.1, 2.0, -1.0], 0) == 1.0
    assert L.zero_one([Value(0.5)], 1) == 0.0
    assert L.zero_one([-0.5], -1) == 0.0
    assert L.zero_one([-0.5], 0) == 0.0
    assert L.zero_one([-0.5], 1) == 1.0
    scores = [[1.0, 0.0], [0.0, 1.0], [2.0, 3.0], [5.0, 4.0]]
    assert L.accuracy(scores, [0, 1, 0, 0]) == pytest.approx(0.75)
    assert L.accuracy([[0.3], [-0.2]], [1, 1]) == pytest.approx(0.5)


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: L.cross_entropy([1.0, 2.0, 3.0], 3), ValueError, "label 3 is out of range for 3 classes"),
        (lambda: L.cross_entropy([1.0, 2.0], -1), ValueError, "label -1 is out of range for 2 classes"),
        (lambda: L.multiclass_hinge([1.0, 2.0], 5), ValueError, "label 5 is out of range for 2 classes"),
        (lambda: L.nll([0.0], 1), ValueError, "label 1 is out of range"),
        (lambda: L.cross_entropy([1.0, 2.0], 0.5), TypeError, "class index"),
        (lambda: L.cross_entropy([], 0), ValueError, "scores is empty"),
        (lambda: L.mse([], []), ValueError, "preds is empty"),
        (lambda: L.mse([1.0, 2.0], [1.0]), ValueError, "2 predictions but 1 targets"),
        (lambda: L.l1_loss([1.0], [1.0, 2.0, 3.0]), ValueError, "1 predictions but 3 targets"),
        (lambda: L.mse([1.0], [1.0], reduction="max"), ValueError, "reduction"),
        (lambda: L.hinge(0.5, 0), ValueError, "must be -1 or \\+1, got 0"),
        (lambda: L.hinge(0.5, 2), ValueError, "got 2"),
        (lambda: L.binary_cross_entropy(0.5, -1), ValueError, "must be 0 or 1, got -1"),
        (lambda: L.binary_cross_entropy(1.5, 1), ValueError, "probability in \\[0, 1\\], got 1.5"),
        (lambda: L.binary_cross_entropy_with_logits(0.5, 2), ValueError, "must be 0 or 1, got 2"),
        (lambda: L.accuracy([[1.0, 0.0]], [0, 1]), ValueError, "1 score lists but 2 labels"),
        (lambda: L.accuracy([], []), ValueError, "empty"),
        (lambda: L.regularized_loss([], [], 0.1), ValueError, "losses is empty"),
        (lambda: L.regularized_loss([Value(1.0)], [], -0.1), ValueError, "lam .* got -0.1"),
        (lambda: L.elastic_net([Value(1.0)], -1.0), ValueError, "beta must be a finite number >= 0, got -1.0"),
        (lambda: L.elastic_net([Value(1.0)], "0.5"), ValueError, "beta .* got '0.5'"),
        (lambda: L.multiclass_hinge([1.0, 2.0], 0, margin=-1.0), ValueError, "margin must be a finite number >= 0"),
        (lambda: L.multiclass_hinge([1.0, 2.0], 0, margin="1"), ValueError, "margin .* got '1'"),
    ],
)
def test_bad_arguments_are_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_penalties_of_nothing_are_zero():
    assert L.l2_penalty([]).data == 0.0
    assert L.l1_penalty([]).data == 0.0


def test_penalties_take_plain_numbers_like_the_losses():
    # weights 1 and −2: Σw² = 5, Σ|w| = 3, Σ(0.5w² + |w|) = 2.5 + 3
    assert L.l2_penalty([1.0, -2.0]).data == 5.0
    assert L.l1_penalty([1.0, -2.0]).data == 3.0
    assert L.elastic_net([1.0, -2.0], 0.5).data == 5.5


def test_regularized_loss_is_mean_plus_lambda_r():
    w = [Value(1.0), Value(-2.0)]
    losses = [Value(1.0), Value(2.0), Value(6.0)]
    # mean 3, Σw² = 5, Σ|w| = 3, elastic Σ(0.5w² + |w|) = 2.5 + 3
    assert L.regularized_loss(losses, w, 0.1).data == pytest.approx(3.0 + 0.5)
    assert L.regularized_loss(losses, w, 0.1, penalty=L.l1_penalty).data == pytest.approx(3.0 + 0.3)
    net = L.regularized_loss(losses, w, 2.0, penalty=lambda p: L.elastic_net(p, 0.5))
    assert net.data == pytest.approx(3.0 + 2.0 * 5.5)
    assert L.regularized_loss(losses, w, 0.0).data == pytest.approx(3.0)


# -- labels as data: one-hot class labels and Value targets --------------------------------


def _onehot(label, n, as_values):
    return [Value(1.0 if j == label else 0.0) if as_values else (1 if j == label else 0) for j in range(n)]


def _value_and_grads(loss, scores):
    v = [Value(s) for s in scores]
    out = loss(v)
    out.backward()
    return out.data, [x.grad for x in v]


@given(vec4, st.integers(min_value=0, max_value=3), st.booleans())
@quick
def test_one_hot_labels_give_the_losses_of_the_class_index(s, y, as_values):
    onehot = _onehot(y, 4, as_values)
    for name in ("multiclass_hinge", "cross_entropy", "nll"):
        f = getattr(L, name)
        ref_value, ref_grads = _value_and_grads(lambda v, f=f: f(v, y), s)
        value, grads = _value_and_grads(lambda v, f=f: f(v, onehot), s)
        assert value == pytest.approx(ref_value, rel=1e-12, abs=1e-12), name
        assert grads == pytest.approx(ref_grads, rel=1e-12, abs=1e-12), name


@given(vec3, label3)
@quick
def test_one_hot_losses_against_central_differences(s, y):
    onehot = _onehot(y, 3, True)
    assert gradcheck(lambda v: L.cross_entropy(v, onehot), s)
    assert gradcheck(lambda v: L.nll(v, onehot), s)


def test_one_hot_numbers_from_the_lecture_table():
    # the 3x3 score table of the lecture: cat column 3.2, 5.1, -1.7 -> hinge 2.9 (true class 0)
    assert L.multiclass_hinge([Value(3.2), Value(5.1), Value(-1.7)], _onehot(0, 3, True)).data == pytest.approx(2.9)
    # cross-entropy of the cat example: -ln 0.13 ≈ 2.04
    assert L.cross_entropy([3.2, 5.1, -1.7], _onehot(0, 3, True)).data == pytest.approx(2.04, abs=0.01)


@given(st.floats(min_value=-10.0, max_value=10.0), st.sampled_from([0, 1]))
@quick
def test_binary_targets_as_values_give_the_same_losses(s, t):
    cases = [
        (L.hinge, 2 * t - 1),
        (L.binary_cross_entropy_with_logits, t),
        (lambda p, y: L.binary_cross_entropy(p.sigmoid(), y), t),
    ]
    for f, target in cases:
        ref_value, ref_grads = _value_and_grads(lambda v, f=f, t=target: f(v[0], t), [s])
        value, grads = _value_and_grads(lambda v, f=f, t=target: f(v[0], Value(float(t))), [s])
        assert value == pytest.approx(ref_value, rel=1e-12, abs=1e-12)
        assert grads == pytest.approx(ref_grads, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_a_value_target_continues_linearly_below_eps_as_with_a_number(y):
    for target in (Value(y), y):
        p = Value(1.0 - y)  # the wrong end: q = 0
        loss = L.binary_cross_entropy(p, target)
        assert loss.data == pytest.approx(1.0 - math.log(1e-12))  # -log eps + (eps - 0)/eps
        loss.backward()
        assert p.grad == pytest.approx(1e12 if y == 0.0 else -1e12)  # slope 1/eps pulls p to y


def test_bce_from_logits_with_a_value_target_is_smooth_at_zero():
    for y in (0.0, 1.0):
        v = Value(0.0)
        L.binary_cross_entropy_with_logits(v, Value(y)).backward()
        assert v.grad == pytest.approx(0.5 - y)


def test_l2_penalty_is_the_sum_of_squares_with_gradient_2w():
    w = [Value(1.5), Value(-2.0), Value(0.25)]
    r = L.l2_penalty(w)
    r.backward()
    assert r.data == 1.5**2 + 2.0**2 + 0.25**2
    assert [p.grad for p in w] == [3.0, -4.0, 0.5]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: L.cross_entropy([1.0, 2.0, 3.0], [0, 1]), ValueError, "needs 3 entries .* got 2"),
        (lambda: L.cross_entropy([1.0, 2.0], [1, 1]), ValueError, "one 1 and 1 zeros, got \\[1.0, 1.0\\]"),
        (lambda: L.multiclass_hinge([1.0, 2.0], [0.5, 0.5]), ValueError, "one-hot label"),
        (lambda: L.nll([1.0, 2.0], [Value(0.0), Value(0.0)]), ValueError, "got \\[0.0, 0.0\\]"),
        (lambda: L.nll([1.0, 2.0], ["a", 1]), TypeError, "Values or numbers, got 'a'"),
        (lambda: L.hinge(0.5, Value(0.0)), ValueError, "must be -1 or \\+1"),
        (lambda: L.binary_cross_entropy_with_logits(0.5, Value(2.0)), ValueError, "must be 0 or 1"),
    ],
)
def test_bad_one_hot_labels_and_value_targets(call, error, match):
    with pytest.raises(error, match=match):
        call()
