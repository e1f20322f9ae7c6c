"""check_primitive and check_answer: a correct rule passes at >= 100 points, first and
second order; each usual mistake is recognised and named; a derivative worked out by hand
is graded with the same feedback."""

from __future__ import annotations

import math

import pytest

from autograd import PRIMITIVES, Value, check_answer, check_primitive, primitive
from autograd.primitives import FLOAT
from nn import losses as L

C = math.sqrt(2.0 / math.pi)  # GELU's tanh approximation: 0.5·x·(1 + tanh(C(x + 0.044715x³)))


def gelu_forward(m, x):
    return 0.5 * x * (1.0 + m.tanh(C * (x + 0.044715 * x * x * x)))


def gelu_vjp(m, g, out, x, tanh_slip=False):
    t = m.tanh(C * (x + 0.044715 * x * x * x))
    dt = (1.0 - t) if tanh_slip else (1.0 - t * t)
    return (g * (0.5 * (1.0 + t) + 0.5 * x * dt * C * (1.0 + 3 * 0.044715 * x * x)),)


def softplus_forward(m, a):
    return m.log(1.0 + m.exp(a))


def softmax_ce_forward(m, s1, s2, s3, y1, y2, y3):
    c = m.largest([s1, s2, s3])
    return c + m.log(m.exp(s1 - c) + m.exp(s2 - c) + m.exp(s3 - c)) - (y1 * s1 + y2 * s2 + y3 * s3)


def softmax_ce_vjp(m, g, out, s1, s2, s3, y1, y2, y3):
    c = m.largest([s1, s2, s3])
    e1, e2, e3 = m.exp(s1 - c), m.exp(s2 - c), m.exp(s3 - c)
    z = e1 + e2 + e3
    return (g * (e1 / z - y1), g * (e2 / z - y2), g * (e3 / z - y3), -g * s1, -g * s2, -g * s3)


CORRECT = {
    "softplus": (softplus_forward, lambda m, g, out, a: (g * m.sigmoid(a),)),
    "leaky_relu": (
        lambda m, a: m.relu(a) - 0.01 * m.relu(-a),
        lambda m, g, out, a: (g * (m.step(a) + 0.01 * m.step(-a)),),
    ),
    "gelu": (gelu_forward, gelu_vjp),
    "hinge": (
        lambda m, s, y: m.relu(1.0 - y * s),
        lambda m, g, out, s, y: (-g * y * m.step(1.0 - y * s), -g * s * m.step(1.0 - y * s)),
    ),
    "softmax_ce": (softmax_ce_forward, softmax_ce_vjp),
    "my_sigmoid": (lambda m, a: 1.0 / (1.0 + m.exp(-a)), lambda m, g, out, a: (g * out * (1.0 - out),)),
}


@pytest.mark.parametrize("name", CORRECT)
@pytest.mark.parametrize("order", [1, 2])
def test_a_correct_rule_passes_at_100_points(name, order):
    report = check_primitive(primitive(name, *CORRECT[name]), order=order)
    assert report.ok, str(report)
    assert "at 100 points" in str(report)
    assert ("first and second order" in str(report)) == (order == 2)


@pytest.mark.parametrize("name", ["add", "mul", "div", "pow", "exp", "log", "tanh", "sigmoid", "relu", "abs"])
def test_the_builtin_rows_pass_too(name):
    assert check_primitive(PRIMITIVES[name]).ok


def test_variadic_rows_need_a_count_of_arguments():
    with pytest.raises(ValueError, match="give n_args or points"):
        check_primitive(PRIMITIVES["sum"])
    assert check_primitive(PRIMITIVES["dot"], n_args=5).ok
    # logsumexp against log Σ exp written out in plain Python
    ref = lambda *a: math.log(sum(math.exp(x) for x in a))  # noqa: E731
    assert check_primitive(PRIMITIVES["logsumexp"], n_args=4, reference=ref).ok


def test_the_forward_value_against_a_reference():
    ref = lambda x: math.log1p(math.exp(x))  # noqa: E731
    assert check_primitive(primitive("sp_ok", *CORRECT["softplus"]), reference=ref).ok
    log10 = primitive("sp_log10", lambda m, a: m.log(1.0 + m.exp(a)) / math.log(10.0), CORRECT["softplus"][1])
    report = check_primitive(log10, reference=ref)
    assert not report.ok
    assert "forward value of sp_log10" in str(report)
    assert "log base 10 where the natural log belongs" in str(report)


# (forward, wrong vjp, the phrase that names the mistake)
MISTAKES = {
    "sign": (softplus_forward, lambda m, g, out, a: (-g * m.sigmoid(a),), "the sign is flipped"),
    "no_g": (softplus_forward, lambda m, g, out, a: (m.sigmoid(a),), "ignores the upstream gradient g"),
    "twice": (lambda m, a: a * a, lambda m, g, out, a: (g * 4.0 * a,), "a factor of 2 too many"),
    "half": (lambda m, a: a * a, lambda m, g, out, a: (g * a,), "a factor of 2 missing"),
    "log10": (lambda m, a: m.log(a), lambda m, g, out, a: (g / (a * math.log(10.0)),), "log base 10"),
    "tanh": (lambda m, a: m.tanh(a), lambda m, g, out, a: (g * (1.0 - out),), "1 − tanh where the derivative"),
    "gelu_tanh": (gelu_forward, lambda m, g, out, x: gelu_vjp(m, g, out, x, tanh_slip=True), "1 − tanh where"),
    "sigmoid": (lambda m, a: 1.0 / (1.0 + m.exp(-a)), lambda m, g, out, a: (g * out,), "σ where the derivative of σ"),
    "wrong_arg": (lambda m, a, b: a * b, lambda m, g, out, a, b: (g * a, g * b), "derivative with respect to b"),
    "sign_and_g": (softplus_forward, lambda m, g, out, a: (-m.sigmoid(a),), "sign is flipped, and your rule ignores"),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_each_usual_mistake_is_named(case):
    forward, vjp, phrase = MISTAKES[case]
    report = check_primitive(primitive(f"m_{case}", forward, vjp))
    assert not report.ok
    assert phrase in str(report), str(report)
    assert "second derivative not checked: the first is wrong" in str(report)


def test_the_message_reads_like_the_example():
    report = check_primitive(primitive("softplus", softplus_forward, MISTAKES["no_g"][1]), points=[0.3])
    assert str(report).splitlines()[1] == (
        "  - vjp of softplus at a = 0.3: got 0.574, expected 0.574·g: your rule ignores the upstream gradient g"
    )


def test_an_unknown_mistake_still_says_what_is_wrong():
    report = check_primitive(primitive("odd", lambda m, a: a * a * a, lambda m, g, out, a: (g * a,)), points=[1.5])
    assert "vjp of odd at a = 1.5: got 1.5·g, expected 6.75·g (central differences of the forward rule)" in str(report)


def test_second_order_mistakes():
    detached = primitive("detached", softplus_forward, lambda m, g, out, a: (g / (1.0 + math.exp(-float(a))),))
    report = check_primitive(detached)
    assert "second derivative of detached" in str(report)
    assert "the engine cannot differentiate it again" in str(report)
    g_number = primitive("g_number", softplus_forward, lambda m, g, out, a: (float(g) * m.sigmoid(a),))
    assert "treats g as a plain number" in str(check_primitive(g_number))
    assert check_primitive(detached, order=1).ok is False  # the compiled replay cannot run math.exp on arrays
    assert "numpy arrays" in str(check_primitive(detached, order=1))


def test_points_stay_inside_the_domain_and_away_from_kinks():
    seen = []

    def hinge_vjp(m, g, out, s):
        if m is FLOAT:  # the checking calls (drawing a point runs the rules on a recording backend)
            seen.append(s)
        return (-g * m.step(1.0 - s),)

    check_primitive(primitive("hinge1", lambda m, s: m.relu(1.0 - s), hinge_vjp))
    floats = [s for s in seen if isinstance(s, float)]
    assert len(floats) >= 100 and min(abs(1.0 - s) for s in floats) >= 0.01
    log_points = []
    check_primitive(
        primitive(
            "mylog", lambda m, a: m.log(a), lambda m, g, out, a: ((m is FLOAT and log_points.append(a)) or g / a,)
        )
    )
    assert min(x for x in log_points if isinstance(x, float)) > 0.0


def test_an_exercise_not_solved_yet():
    report = check_primitive(primitive("todo2", lambda m, a: ..., lambda m, g, out, a: ...))
    assert not report.ok and not report.solved
    assert "not solved yet" in str(report)


# ---------------------------------------------------------------------------------------
# check_answer
# ---------------------------------------------------------------------------------------

W, X, B, T = 2.0, -1.0, 0.5, 1.0
Y = 1.0 / (1.0 + math.exp(-(W * X + B)))
DL_DW = (Y - T) * Y * (1.0 - Y) * X  # lecture 002: dL/dw = (y − t)·σ(1 − σ)·x


def neuron(w, x, b, t):
    return ((w * x + b).sigmoid() - t) ** 2 / 2


AT = dict(w=W, x=X, b=B, t=T)


def test_a_right_answer_passes():
    assert check_answer(DL_DW, neuron, AT, wrt="w").ok
    assert check_answer(0.25, lambda z: z.sigmoid(), dict(z=0.0)).ok


@pytest.mark.parametrize(
    "answer, phrase",
    [
        (DL_DW * 2.0, "a factor of 2 too many"),
        ((Y - T) * Y * (1.0 - Y) * W, "derivative with respect to x, not w"),
        ((Y - T) * Y * X, "σ where the derivative of σ is σ(1 − σ)"),
    ],
)
def test_a_wrong_answer_names_the_factor(answer, phrase):
    report = check_answer(answer, neuron, AT, wrt="w")
    assert not report.ok and phrase in str(report), str(report)


def test_a_missing_chain_rule_factor():
    t = math.tanh(2.0 * 1.5)
    report = check_answer(1.0 - t * t, lambda w, x: (w * x).tanh(), dict(w=2.0, x=1.5), wrt="w")
    assert "a factor of x = 1.5 is missing" in str(report), str(report)
    # when the answer without the factor is another argument's derivative, that is what is named
    y = 1.0 / (1.0 + math.exp(-(W * 1.5 + B)))
    report = check_answer((y - T) * y * (1.0 - y), neuron, dict(AT, x=1.5), wrt="w")
    assert "derivative with respect to b, not w" in str(report), str(report)


def test_sigma_prime_sign_and_log10():
    z = 0.8
    s = 1.0 / (1.0 + math.exp(-z))
    assert "sign is flipped" in str(check_answer(-s * (1 - s), lambda z: z.sigmoid(), dict(z=z)))
    assert "log base 10" in str(check_answer(1.0 / (2.0 * math.log(10.0)), lambda x: x.log(), dict(x=2.0)))


def test_lists_and_matrices():
    s = [1.0, 2.0, 0.5]
    e = [math.exp(v) for v in s]
    p = [v / sum(e) for v in e]
    softmax = lambda s: [v.exp() / Value.sum([u.exp() for u in s]) for v in s]  # noqa: E731
    J = [[p[a] * ((a == b) - p[b]) for b in range(3)] for a in range(3)]
    assert check_answer(J, softmax, dict(s=s)).ok
    wrong = [[-v for v in row] for row in J]
    assert "sign is flipped" in str(check_answer(wrong, softmax, dict(s=s)))
    report = check_answer([1.0, 2.0], softmax, dict(s=s))
    assert "expected a list of 3 (9 numbers in all), got 2 numbers" in str(report)


def test_an_answer_not_given_yet():
    report = check_answer(..., neuron, AT, wrt="w")
    assert not report.ok and not report.solved and "not solved yet" in str(report)


def test_check_answer_needs_wrt_among_several():
    with pytest.raises(ValueError, match="wrt="):
        check_answer(1.0, neuron, AT)


def test_a_broken_rule_is_reported_not_raised():
    far = primitive("far_two", lambda m, a: m.log(a - 10.0), lambda m, g, out, a: (g, g))  # no probe reaches a > 10
    report = check_primitive(far)
    assert not report.ok and "no point inside the domain of far_two was found" in str(report)
    report = check_primitive(far, points=[12.0])
    assert not report.ok and "its vjp rule returned 2 gradients for 1 argument" in str(report)


def test_the_check_builds_its_graphs_inside_no_grad_too():
    from autograd import no_grad

    with no_grad():
        assert check_primitive(primitive("sp_no_grad", *CORRECT["softplus"])).ok


def test_numpy_points_and_answers():
    import numpy as np

    assert check_primitive(primitive("np_pts", *CORRECT["hinge"]), points=np.array([[0.3, 1.0], [-2.0, -1.0]])).ok
    s = np.array([3.2, 5.1, -1.7])
    report = check_answer(np.array([-1.0, 1.0, 0.0]), lambda s: L.multiclass_hinge(s, 0), dict(s=s))
    assert report.ok, str(report)


def test_a_row_by_its_name():
    assert check_primitive("tanh").ok
    with pytest.raises(ValueError, match="no row named 'tahn' in the table"):
        check_primitive("tahn")
