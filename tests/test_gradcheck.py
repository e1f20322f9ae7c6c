"""The checkers themselves: numerical_grad is a central difference, gradcheck passes right
derivatives and fails wrong ones with a readable table (first order, second order,
backward twice), and functional.jacobian/hessian work on lists of floats."""

from __future__ import annotations

import pytest

from autograd import GradcheckError, Primitive, Value, gradcheck, numerical_grad
from autograd.functional import hessian, jacobian
from autograd.primitives import FLOAT
from autograd.value import node


def _square_with(vjp) -> Primitive:
    return Primitive("square", "²", lambda m, a: a * a, vjp)


def _apply(prim: Primitive):
    """A function of a list of Values that applies a one-argument row made for this test."""

    def f(v: list[Value]) -> Value:
        return node(prim.forward(FLOAT, v[0].data), (v[0],), prim)

    return f


RIGHT = _square_with(lambda m, g, out, a: (g * 2.0 * a,))
HALF = _square_with(lambda m, g, out, a: (g * a,))  # forgot the 2
DETACHED = _square_with(lambda m, g, out, a: (g * 2.0 * float(a),))  # right value, constant in a


def test_numerical_grad_is_a_central_difference():
    # for x³ the central difference is exactly 3x² + eps² (a forward one would add 3x·eps)
    for x in (0.5, 2.0, -1.5):
        (d,) = numerical_grad(lambda v: v[0] ** 3, [x], eps=1e-3)
        assert d == pytest.approx(3 * x * x + 1e-6, abs=1e-10)


def test_numerical_grad_of_several_inputs():
    d = numerical_grad(lambda v: v[0] * v[0] + 3 * v[1], [2.0, -1.0])
    assert d == pytest.approx([4.0, 3.0], abs=1e-8)


def test_numerical_grad_leaves_no_graph_and_no_grads():
    seen = []

    def f(v):
        seen.extend(v)
        return v[0] * 2

    numerical_grad(f, [1.0])
    assert all(v.grad == 0.0 for v in seen)
    assert all(v.is_leaf for v in seen)


def test_a_right_rule_passes_first_and_second_order():
    assert gradcheck(_apply(RIGHT), [1.5]) is True
    assert gradcheck(_apply(RIGHT), [-0.7], order=2) is True


def test_a_wrong_rule_fails_with_a_table():
    with pytest.raises(GradcheckError) as error:
        gradcheck(_apply(HALF), [1.5])
    message = str(error.value)
    lines = message.splitlines()
    assert lines[0] == "gradient check failed:"
    for column in ("input", "analytic", "numeric", "abs err", "rel err"):
        assert column in lines[1]
    row = lines[2]
    assert "x[0]=1.5" in row and "<-- fails" in row
    assert "1.5" in row.split()[1] and row.split()[2].startswith("3")  # analytic 1.5, numeric 3
    assert "atol=1e-06" in lines[-1] and "rtol=0.0001" in lines[-1]
    assert isinstance(error.value, AssertionError)  # pytest shows it as a failed assertion


def test_only_the_wrong_rows_are_flagged():
    def f(v):
        return _apply(HALF)([v[0]]) + v[1] * v[1]

    with pytest.raises(GradcheckError) as error:
        gradcheck(f, [2.0, 3.0])
    rows = str(error.value).splitlines()[2:4]
    assert "<-- fails" in rows[0] and "<-- fails" not in rows[1]


def test_a_detached_rule_passes_first_order_and_fails_second():
    assert gradcheck(_apply(DETACHED), [1.5], order=1)
    with pytest.raises(GradcheckError, match="second-order gradient check failed"):
        gradcheck(_apply(DETACHED), [1.5], order=2)


def _counting(wrong_from_call: int) -> Primitive:
    """A rule that is right for its first calls and then drifts: non-repeatable backward."""
    calls = []

    def vjp(m, g, out, a):
        calls.append(1)
        scale = 1.0 if len(calls) < wrong_from_call else 1.5
        return (g * 2.0 * a * scale,)

    return _square_with(vjp)


def test_backward_twice_must_double_the_leaves_gradients():
    # calls: grad (1), backward (2), backward again (3: drifts)
    with pytest.raises(GradcheckError, match="backward twice on one graph did not double"):
        gradcheck(_apply(_counting(3)), [1.5])


def test_backward_must_agree_with_grad():
    with pytest.raises(GradcheckError, match="backward and grad disagree"):
        gradcheck(_apply(_counting(2)), [1.5])


def test_tolerances_decide():
    # slope 2x reported as x at x = 1e-3: off by 1e-3, under a loose atol, over the default
    assert gradcheck(_apply(HALF), [1e-3], atol=1e-2)
    with pytest.raises(GradcheckError):
        gradcheck(_apply(HALF), [1e-3])


def test_gradcheck_rejects_bad_arguments():
    with pytest.raises(ValueError, match="order=3"):
        gradcheck(lambda v: v[0], [1.0], order=3)
    with pytest.raises(TypeError, match="one Value"):
        gradcheck(lambda v: 2.0, [1.0])
    for eps in (0.0, -1e-6, float("nan")):  # eps=0 used to divide by zero
        step_rule = r"eps \(the step\) must be a finite number > 0"
        with pytest.raises(ValueError, match=rf"numerical_grad: {step_rule}, got {eps!r}"):
            numerical_grad(lambda v: v[0], [1.0], eps=eps)
        with pytest.raises(ValueError, match=f"gradcheck: {step_rule}"):
            gradcheck(lambda v: v[0], [1.0], eps=eps)


def test_gradcheck_on_many_inputs_second_order():
    def f(v):
        n = len(v) // 2
        return Value.dot(v[:n], v[n:]).tanh() * v[0]

    assert gradcheck(f, [0.3, -0.2, 0.5, 0.1, 0.7, -0.4, 0.2, 0.6], order=2)


# ---------------------------------------------------------------------------------------
# functional: jacobian and hessian on lists of floats
# ---------------------------------------------------------------------------------------


def test_jacobian_of_a_scalar_function_is_one_row():
    assert jacobian(lambda v: v[0] * v[1], [3, 4]) == [[4.0, 3.0]]


def test_jacobian_of_an_identity_and_of_constants():
    assert jacobian(lambda v: list(v), [1.0, 2.0]) == [[1.0, 0.0], [0.0, 1.0]]
    assert jacobian(lambda v: [v[0] * 0 + 5], [1.0, 2.0]) == [[0.0, 0.0]]


def test_hessian_is_symmetric_and_matches_differences_of_the_gradient():
    def f(v):
        x, y, z = v
        return (x * y).tanh() * z + x.exp() * y * y - z.sigmoid()

    xs = [0.3, -0.8, 1.1]
    h = hessian(f, xs)
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-12, abs=1e-14)
    assert gradcheck(f, xs, order=2)


def test_hessian_needs_one_value():
    with pytest.raises(TypeError, match="one Value"):
        hessian(lambda v: [v[0], v[1]], [1.0, 2.0])
