"""Optimizers and schedules against steps computed by hand."""

import math

import numpy as np
import pytest

from autograd import Value
from nn import SGD, Adam, constant, inverse_sqrt, linear_decay


def _param(data: float, grad: float) -> Value:
    p = Value(data, label="w")
    p.grad = grad
    return p


def test_sgd_step():
    p = _param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(0.95)  # 1 − 0.1·0.5


def test_sgd_weight_decay_adds_to_the_gradient():
    p = _param(1.0, 0.5)
    SGD([p], lr=0.1, weight_decay=0.1).step()
    assert p.data == pytest.approx(0.94)  # g = 0.5 + 0.1·1.0 = 0.6


def test_momentum_over_three_steps_is_the_lectures_update():
    # vel = μ·vel − lr·grad; w += vel, with μ = 0.9, lr = 0.1, grads 1, −2, 0.5
    p = _param(1.0, 0.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    expected = [(-0.1, 0.9), (0.11, 1.01), (0.049, 1.059)]
    for g, (vel, w) in zip([1.0, -2.0, 0.5], expected):
        p.grad = g
        opt.step()
        assert opt.velocity[0] == pytest.approx(vel)
        assert p.data == pytest.approx(w)
    assert opt.t == 3


def test_adam_first_step_moves_by_lr_times_sign():
    # m = 0.1·g, v = 0.001·g²; bias correction gives m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps)
    p, q = _param(1.0, 0.5), _param(-2.0, -3.0)
    Adam([p, q], lr=0.01).step()
    assert p.data == pytest.approx(1.0 - 0.01 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    assert q.data == pytest.approx(-2.0 + 0.01 * 3.0 / (3.0 + 1e-8), rel=1e-15)


def test_adam_second_step_by_hand():
    p = _param(1.0, 0.5)
    opt = Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    opt.step()
    p.grad = -1.0
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -1.0  # −0.055
    v = 0.999 * 0.00025 + 0.001 * 1.0  # 0.00124975
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    first = 1.0 - 0.01 * 0.5 / (0.5 + 1e-8)
    assert p.data == pytest.approx(first - 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-12)


def test_schedules():
    assert [constant(0.1)(t) for t in (1, 2, 50)] == [0.1, 0.1, 0.1]
    assert [inverse_sqrt(1.0)(t) for t in (1, 4, 100)] == pytest.approx([1.0, 0.5, 0.1])
    demo = linear_decay(1.0, 0.1, 100)  # the moons demo: 1.0 − 0.9·k/100 for k = t − 1
    assert [demo(t) for t in (1, 2, 51, 100, 101, 500)] == pytest.approx([1.0, 0.991, 0.55, 0.109, 0.1, 0.1])


def test_schedules_and_optimizers_by_name():
    from nn.optim import optimizer_named, schedule_named

    decay = schedule_named("linear_decay", 0.5, 10)
    assert [decay(t) for t in (1, 6, 11, 50)] == pytest.approx([0.5, 0.275, 0.05, 0.05])
    assert [schedule_named("inverse_sqrt", 0.5, 10)(t) for t in (1, 4)] == pytest.approx([0.5, 0.25])
    for old, new in (("linear", "linear_decay"), ("invsqrt", "inverse_sqrt")):
        assert repr(schedule_named(old, 0.5, 10)) == repr(schedule_named(new, 0.5, 10))
    with pytest.raises(ValueError, match="unknown schedule 'cosine'; choose one of constant, inverse_sqrt"):
        schedule_named("cosine", 0.5, 10)
    p = _param(0.0, 1.0)
    momentum = optimizer_named("momentum", [p], 0.1)
    assert isinstance(momentum, SGD) and momentum.momentum == 0.9
    assert isinstance(optimizer_named("adam", [p], 0.1), Adam)
    assert optimizer_named("sgd", [p], 0.1).momentum == 0.0
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; choose one of sgd, momentum, adam"):
        optimizer_named("rmsprop", [p], 0.1)


def test_optimizer_follows_a_schedule():
    p = _param(0.0, 1.0)
    opt = SGD([p], lr=inverse_sqrt(1.0))
    assert opt.lr == 1.0  # before the first step: the rate it will use
    for _ in range(4):
        opt.step()
    assert p.data == pytest.approx(-(1 + 1 / math.sqrt(2) + 1 / math.sqrt(3) + 0.5))
    assert opt.lr == pytest.approx(0.5)  # the rate of step 4
    assert opt.t == 4


def test_adam_takes_a_schedule_too():
    p = _param(0.0, 1.0)
    opt = Adam([p], lr=linear_decay(0.1, 0.0, 1))
    opt.step()
    opt.step()  # the second step has rate 0
    assert p.data == pytest.approx(-0.1, rel=1e-6)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1), lambda ps: Adam(ps)])
def test_step_changes_only_data(make):
    a = _param(1.0, 0.5)
    b = Value(2.0) * a  # an interior node among the "parameters" must also keep its graph
    b.grad = 1.0
    opt = make([a, b])
    opt.step()
    assert a.grad == 0.5 and b.grad == 1.0
    assert a.label == "w" and b.parents[1] is a and b.op == "mul"
    assert a.data != 1.0
    opt.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0


def test_a_nan_gradient_is_an_error_and_changes_nothing():
    a, b = _param(1.0, 0.5), _param(2.0, float("nan"))
    opt = SGD([a, b], lr=0.1)
    with pytest.raises(ValueError, match=r"gradient of parameter 1 \(w\) is nan"):
        opt.step()
    assert (a.data, b.data, opt.t) == (1.0, 2.0, 0)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: SGD(p, lr=0.0), "lr .* > 0, got 0.0"),
        (lambda p: SGD(p, lr=-1.0), "got -1.0"),
        (lambda p: SGD(p, lr=float("nan")), "got nan"),
        (lambda p: SGD(p, lr="fast"), "got 'fast'"),
        (lambda p: SGD(p, momentum=1.0), "momentum must be a number in \\[0, 1\\), got 1.0"),
        (lambda p: SGD(p, momentum=-0.5), "got -0.5"),
        (lambda p: SGD(p, weight_decay=-1.0), "weight_decay .* got -1.0"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), "beta1 must be a number in \\[0, 1\\), got 1.0"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), "beta2 .* got -0.1"),
        (lambda p: Adam(p, betas=0.9), "betas must be a pair"),
        (lambda p: Adam(p, eps=0.0), "eps"),
        (lambda p: SGD([], lr=0.1), "empty list of parameters"),
        (lambda p: SGD(p, lr=lambda t: -1.0), "lr=-1.0 at step 1"),
        (lambda p: inverse_sqrt(0.0), "lr0"),
        (lambda p: linear_decay(1.0, 0.1, 0), "steps must be an integer >= 1, got 0"),
        (lambda p: linear_decay(1.0, -0.1, 10), "lr_end"),
        (lambda p: constant(0.1)(0), "counts from 1\\) must be an integer >= 1, got 0"),
    ],
)
def test_bad_settings_are_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make([Value(1.0)])


def test_parameters_must_be_values():
    with pytest.raises(TypeError, match="parameter 0 is not a Value"):
        SGD([1.0], lr=0.1)


def _lecture_adam(w: list[float], grads: list[list[float]], lr: float, b1: float, b2: float, eps: float) -> list[float]:
    """Adam written out per weight with Python floats, step by step."""
    w, m, v = list(w), [0.0] * len(w), [0.0] * len(w)
    for t, g_t in enumerate(grads, 1):
        for i, g in enumerate(g_t):
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            w[i] -= lr * (m[i] / (1.0 - b1**t)) / (math.sqrt(v[i] / (1.0 - b2**t)) + eps)
    return w


def test_adam_and_momentum_on_arrays_are_the_per_weight_formulas_bit_for_bit():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=7).tolist()
    grads = [rng.normal(size=7).tolist() for _ in range(4)]
    ps = [Value(x) for x in w0]
    opt = Adam(ps, lr=0.05, betas=(0.8, 0.95), eps=1e-6)
    for g_t in grads:
        for p, g in zip(ps, g_t):
            p.grad = g
        opt.step()
    assert [p.data for p in ps] == _lecture_adam(w0, grads, 0.05, 0.8, 0.95, 1e-6)
    # momentum: vel = mu*vel - lr*g; w += vel
    values = np.array(w0)
    sgd = SGD([Value(x) for x in w0], lr=0.1, momentum=0.9)
    w, vel = list(w0), [0.0] * 7
    for g_t in grads:
        sgd.update(values, np.array(g_t))
        for i, g in enumerate(g_t):
            vel[i] = 0.9 * vel[i] - 0.1 * g
            w[i] += vel[i]
    assert values.tolist() == w


def test_update_on_an_array_is_what_step_does_to_the_values():
    for make in (lambda ps: SGD(ps, lr=0.1, momentum=0.5, weight_decay=0.01), lambda ps: Adam(ps, lr=0.01)):
        a, b = [Value(x) for x in (0.5, -1.0, 2.0)], [Value(x) for x in (0.5, -1.0, 2.0)]
        opt_a, opt_b = make(a), make(b)
        values = np.array([0.5, -1.0, 2.0])
        for g_t in ([0.1, -0.2, 0.3], [1.0, 0.0, -1.0]):
            for p, g in zip(a, g_t):
                p.grad = g
            opt_a.step()
            opt_b.update(values, np.array(g_t))
        assert [p.data for p in a] == values.tolist()
        assert [p.data for p in b] == [0.5, -1.0, 2.0]  # update leaves the Values alone


def test_update_refuses_a_nan_gradient_before_changing_anything():
    opt = SGD([Value(1.0, "w"), Value(2.0, "b")], lr=0.1, momentum=0.5)
    values = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"gradient of parameter 1 \(b\) is nan"):
        opt.update(values, np.array([0.5, np.nan]))
    assert values.tolist() == [1.0, 2.0] and opt.t == 0 and opt.velocity.tolist() == [0.0, 0.0]
