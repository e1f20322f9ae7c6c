"""The lectures' worked numbers for losses, regularizers and training, computed by hand
with the natural log (the slides that print 0.89 and 0.452 used log10).

Sources are the lectures named on docs/lectures.md: 000 and 003 (SVM and softmax on the cat/car/frog
scores, the W·x + b example, L2 regularisation), 002 (the world's smallest perceptron and
the momentum update) and 004 (log-likelihood, cross-entropy, regression losses, y = wx + b).
"""

import math

import pytest

from autograd import Value
from nn import SGD, Layer
from nn import losses as L

# The 3×3 score table: one column per image (cat, car, frog), one row per class (cat, car, frog).
TABLE = {
    "cat image": ([3.2, 5.1, -1.7], 0),
    "car image": ([1.3, 4.9, 2.0], 1),
    "frog image": ([2.2, 2.5, -3.1], 2),
}


@pytest.mark.parametrize(
    "image, expected",
    [
        ("cat image", 2.9),  # max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9 + 0
        ("car image", 0.0),  # max(0, 1.3 − 4.9 + 1) + max(0, 2.0 − 4.9 + 1) = 0 + 0
        ("frog image", 12.9),  # max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 6.3 + 6.6
    ],
)
def test_multiclass_svm_on_the_score_table(image, expected):
    scores, label = TABLE[image]
    assert L.multiclass_hinge(scores, label).data == pytest.approx(expected)


def test_multiclass_svm_mean_over_the_table():
    losses = [L.multiclass_hinge(s, y) for s, y in TABLE.values()]
    full = L.regularized_loss(losses, [], 0.0)
    assert full.data == pytest.approx(5.27, abs=0.005)  # (2.9 + 0 + 12.9)/3 = 5.2667


def test_cross_entropy_of_the_cat_image():
    scores, label = TABLE["cat image"]
    # exp: 24.5, 164.0, 0.18; normalised: 0.13, 0.87, 0.00
    probs = [p.data for p in L.softmax(scores)]
    assert probs == pytest.approx([0.13, 0.87, 0.00], abs=0.005)
    loss = L.cross_entropy(scores, label).data
    assert loss == pytest.approx(2.04, abs=0.005)  # −ln 0.13
    assert loss == pytest.approx(-math.log(0.13), abs=0.01)
    assert -math.log10(0.13) == pytest.approx(0.89, abs=0.005)  # what the slide printed
    assert L.nll(L.log_softmax(scores), label).data == pytest.approx(loss)


def _wx_plus_b_scores() -> list[Value]:
    """The slide's matrix multiply + bias offset, done by a linear Layer."""
    W = [[0.01, -0.05, 0.1, 0.05], [0.7, 0.2, 0.05, 0.16], [0.0, -0.45, -0.2, 0.03]]
    b = [0.0, 0.2, -0.3]
    layer = Layer(4, 3, "linear")
    for neuron, row, bias in zip(layer.neurons, W, b):
        for w, value in zip(neuron.w, row):
            w.data = value
        neuron.b.data = bias
    return layer([-15.0, 22.0, -44.0, 56.0])


def test_wx_plus_b_scores():
    # −0.15 − 1.1 − 4.4 + 2.8 = −2.85; −10.5 + 4.4 − 2.2 + 8.96 + 0.2 = 0.86; −9.9 + 8.8 + 1.68 − 0.3 = 0.28
    assert [s.data for s in _wx_plus_b_scores()] == pytest.approx([-2.85, 0.86, 0.28])


def test_wx_plus_b_hinge():
    # y = 2: max(0, −2.85 − 0.28 + 1) + max(0, 0.86 − 0.28 + 1) = 0 + 1.58
    assert L.multiclass_hinge(_wx_plus_b_scores(), 2).data == pytest.approx(1.58)


def test_wx_plus_b_cross_entropy():
    scores = _wx_plus_b_scores()
    # exp: 0.058, 2.36, 1.32 (sum 3.744); normalised: 0.016, 0.631, 0.353 on the slide, where the
    # first is 0.0578/3.744 = 0.0154, rounded from the already rounded 0.058/3.74 = 0.0155
    probs = [p.data for p in L.softmax(scores)]
    assert probs == pytest.approx([0.0154, 0.631, 0.353], abs=0.0005)
    assert probs[0] == pytest.approx(0.016, abs=0.001)
    loss = L.cross_entropy(scores, 2).data
    assert loss == pytest.approx(1.04, abs=0.005)  # −ln 0.353 = 1.041
    assert -math.log10(0.353) == pytest.approx(0.452, abs=0.0005)  # what the slide printed


# Lecture 004: image i belongs to class 2 of C = 10 (index 1 here); p = (0.1, 0.7, 0, ..., 0.2).
P = [0.1, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2]
Z = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_log_likelihood_loss():
    log_p = [math.log(p) if p > 0 else -math.inf for p in P]
    assert L.nll(log_p, 1).data == pytest.approx(-math.log(0.7))  # 0.357
    assert L.nll(log_p, 1).data == pytest.approx(0.357, abs=0.0005)
    p = Value(0.7)
    L.nll([Value(-1.0), p.log()], 1).backward()
    assert p.grad == pytest.approx(-1 / 0.7)  # ∂L/∂p₂ = −1/0.7, as on the slide


def test_per_class_cross_entropy():
    # L = −Σⱼ zⱼ ln pⱼ + (1 − zⱼ) ln(1 − pⱼ) = −ln 0.9 − ln 0.7 − ln 0.8 (the zeros add nothing)
    ps = [Value(p) for p in P]
    loss = Value.sum([L.binary_cross_entropy(p, int(z)) for p, z in zip(ps, Z)])
    assert loss.data == pytest.approx(-math.log(0.9) - math.log(0.7) - math.log(0.8))
    assert loss.data == pytest.approx(0.685, abs=0.0005)
    loss.backward()
    # d/dp of −ln(1 − p) is +1/(1 − p): the slide prints every entry with a minus sign, but
    # only the true class's entry −1/0.7 is negative
    assert [ps[0].grad, ps[1].grad, ps[9].grad] == pytest.approx([1 / 0.9, -1 / 0.7, 1 / 0.8])
    assert ps[2].grad == pytest.approx(1.0)


def test_l1_regression_loss():
    # |0 − 0.1| + |1 − 0.7| + |0 − 0.2| = 0.6 (the other seven entries are 0 − 0)
    assert L.l1_loss(P, Z, reduction="sum").data == pytest.approx(0.6)
    assert L.l1_loss(P, Z).data == pytest.approx(0.06)  # the mean over 10 entries


def test_squared_regression_loss_gradient():
    # L = Σ (y − s)², ∂L/∂s = −2(y − s)
    s = [Value(p) for p in P]
    L.mse(s, Z, reduction="sum").backward()
    assert [v.grad for v in s] == pytest.approx([-2 * (z - p) for z, p in zip(Z, P)])


def test_l2_prefers_spread_weights_l1_does_not():
    # x = [1, 1, 1, 1]; w1 = [1, 0, 0, 0] and w2 = [0.25] × 4 give the same score 1
    w1 = [Value(v) for v in [1.0, 0.0, 0.0, 0.0]]
    w2 = [Value(0.25) for _ in range(4)]
    x = [1.0] * 4
    assert Value.dot(w1, x).data == Value.dot(w2, x).data == 1.0
    assert L.l2_penalty(w1).data == 1.0 and L.l2_penalty(w2).data == 0.25
    assert L.l1_penalty(w1).data == L.l1_penalty(w2).data == 1.0
    assert L.elastic_net(w2, beta=2.0).data == pytest.approx(4 * (2 * 0.0625 + 0.25))


# -- training, lecture 002: the world's smallest perceptron y = wx -----------------------

XS = [10.0, 2.0, 3.5, 1.0]
YS = [10.1, 1.9, 3.4, 1.1]


def test_one_sgd_step_is_the_lectures_update():
    # w ← w + η (y − ŷ) x, from L = ½(y − ŷ)² with ŷ = wx
    w, eta, x, y = Value(0.5), 0.01, 10.0, 10.1
    L.half_squared_error(w * x, y).backward()
    SGD([w], lr=eta).step()
    assert w.data == pytest.approx(0.5 + eta * (y - 0.5 * x) * x)


def test_smallest_perceptron_converges_to_least_squares():
    w_star = sum(x * y for x, y in zip(XS, YS)) / sum(x * x for x in XS)
    assert w_star == pytest.approx(117.8 / 117.25)
    w = Value(0.0, label="w")
    opt = SGD([w], lr=0.005)  # below 2/Σx² = 0.017, so gradient descent converges
    for _ in range(100):
        opt.zero_grad()
        for x, y in zip(XS, YS):  # per-sample backward accumulates Σ −(y − ŷ)x in w.grad
            L.half_squared_error(w * x, y).backward()
        opt.step()
    assert w.data == pytest.approx(117.8 / 117.25, rel=1e-12)


def test_smallest_perceptron_per_sample_updates_with_decaying_rate():
    # the lecture's loop "for n: w = w + η (y_n − ŷ) x_n" with η_t = η₀/√t settles near w*
    from nn import inverse_sqrt

    w = Value(0.0)
    opt = SGD([w], lr=inverse_sqrt(0.005))
    for _ in range(500):
        for x, y in zip(XS, YS):
            opt.zero_grad()
            L.half_squared_error(w * x, y).backward()
            opt.step()
    assert w.data == pytest.approx(117.8 / 117.25, abs=2e-3)


# -- training, lecture 004: y = wx + b through (2, 3), (4, 4), (6, 5), (8, 6) ----------


def test_gradient_descent_fits_the_line():
    xs, ys = [2.0, 4.0, 6.0, 8.0], [3.0, 4.0, 5.0, 6.0]
    w, b = Value(0.0, label="w"), Value(0.0, label="b")
    opt = SGD([w, b], lr=0.02, momentum=0.9)
    for _ in range(600):
        opt.zero_grad()
        L.mse([w * x + b for x in xs], ys).backward()
        opt.step()
    assert w.data == pytest.approx(0.5, abs=1e-9)
    assert b.data == pytest.approx(2.0, abs=1e-9)
