"""autograd.primitive: a row of your own works wherever a built-in row does, and a broken rule
is an error naming the primitive and the rule.

The reference for a custom softplus is log(1 + exp(x)) built from the built-in rows: the
same numbers to 1e-12 in plain backward, in second order and in the compiled replay.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import PRIMITIVES, PrimitiveError, Value, grad, gradcheck, primitive, trace
from autograd.extend import NotWritten, Operation
from autograd.functional import hessian, jacobian
from autograd.primitives import BUILTIN, define
from autograd.viz import draw_graph

XS = [-2.5, -0.7, 0.0, 0.3, 1.9, 4.0]


def softplus_forward(m, a):
    return m.log(1.0 + m.exp(a))


def softplus_vjp(m, g, out, a):
    return (g * m.sigmoid(a),)


@pytest.fixture
def softplus(primitive_table):
    """The row these tests share, defined afresh for each test that uses it (and removed after
    it by ``primitive_table``, conftest's)."""
    return primitive("soft_plus", softplus_forward, softplus_vjp, symbol="ζ")


def builtin_softplus(x: Value) -> Value:
    return (1.0 + x.exp()).log()


def test_the_operation_makes_one_node_of_its_row(softplus):
    y = softplus(Value(0.3))
    assert isinstance(softplus, Operation)
    assert y.op == "soft_plus" and PRIMITIVES["soft_plus"] is softplus.prim
    assert y.data == pytest.approx(math.log1p(math.exp(0.3)), rel=1e-15)
    assert softplus(0.3).data == y.data  # numbers are lifted to constants


@pytest.mark.parametrize("x", XS)
def test_plain_backward_equals_the_builtin_rows(x, softplus):
    a, b = Value(x), Value(x)
    softplus(a * a).backward()
    builtin_softplus(b * b).backward()
    assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", XS)
def test_second_order_equals_the_builtin_rows(x, softplus):
    a, b = Value(x), Value(x)
    (da,) = grad(softplus(a) * softplus(a), [a], create_graph=True)
    (db,) = grad(builtin_softplus(b) * builtin_softplus(b), [b], create_graph=True)
    assert da.data == pytest.approx(db.data, rel=1e-12, abs=1e-15)
    assert grad(da, [a])[0] == pytest.approx(grad(db, [b])[0], rel=1e-12, abs=1e-15)


def test_jacobian_hessian_and_gradcheck(softplus):
    f = lambda v: softplus(v[0] * v[1]) + softplus(v[1])  # noqa: E731
    g = lambda v: builtin_softplus(v[0] * v[1]) + builtin_softplus(v[1])  # noqa: E731
    np.testing.assert_allclose(jacobian(f, [0.4, -1.2]), jacobian(g, [0.4, -1.2]), rtol=1e-12)
    np.testing.assert_allclose(hessian(f, [0.4, -1.2]), hessian(g, [0.4, -1.2]), rtol=1e-12)
    assert gradcheck(f, [0.4, -1.2], order=2)


@pytest.mark.parametrize("batch", [1, 500])
def test_compiled_replay_over_a_batch_equals_the_builtin_rows(batch, softplus):
    rng = np.random.default_rng(batch)
    X = rng.normal(0.0, 2.0, size=(batch, 2))
    results = []
    for sp in (softplus, builtin_softplus):
        p = [Value(0.8), Value(-0.3), Value(0.5)]
        net = trace(lambda xs, sp=sp, p=p: sp(xs[0] * p[0] + p[1]) * sp(xs[1] * p[2]), p, inputs=2)
        results.append((net.forward(X), net.backward(accumulate=False), net))
    (l1, g1, net), (l2, g2, _) = results
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    np.testing.assert_allclose(g1, g2, rtol=1e-12)
    assert "soft_plus" in {net.program.op(i) for i in range(len(net.program))}
    # and the replay equals the plain engine sample by sample
    p = [Value(0.8), Value(-0.3), Value(0.5)]
    for i in range(batch):
        loss = softplus(X[i, 0] * p[0] + p[1]) * softplus(X[i, 1] * p[2])
        loss.backward()
        assert loss.data == pytest.approx(l1[i], rel=1e-12)
    np.testing.assert_allclose([q.grad for q in p], g1, rtol=1e-12)


def test_the_drawing_shows_its_symbol(softplus):
    y = softplus(Value(0.3, "x"))
    source = draw_graph(y).source
    assert "ζ" in source and "soft_plus" in source


def test_the_builtin_rows_came_through_the_same_door():
    assert BUILTIN == {"add", "sub", "neg", "mul", "div", "pow", "exp", "log", "log1p", "tanh", "sigmoid"} | {
        "relu",
        "abs",
        "sum",
        "dot",
        "logsumexp",
    }
    with pytest.raises(ValueError, match="'exp' is already a row"):
        define("exp", "e", softplus_forward, softplus_vjp)


# ---------------------------------------------------------------------------------------
# errors name the primitive and the rule
# ---------------------------------------------------------------------------------------


def test_a_builtin_name_is_refused():
    with pytest.raises(ValueError, match="'tanh' is a built-in row"):
        primitive("tanh", softplus_forward, softplus_vjp)
    assert PRIMITIVES["tanh"].symbol == "tanh"


def test_the_wrong_number_of_gradients_at_definition():
    with pytest.raises(PrimitiveError, match="primitive 'two_grads': its vjp rule returned 2 gradients for 1 argument"):
        primitive("two_grads", softplus_forward, lambda m, g, out, a: (g, g))
    assert "two_grads" not in PRIMITIVES  # the table is left as it was


def test_not_a_number_at_definition():
    with pytest.raises(PrimitiveError, match="'text': its vjp rule returned 'oops' of type str as the gradient"):
        primitive("text", softplus_forward, lambda m, g, out, a: ("oops",))
    with pytest.raises(PrimitiveError, match="'fwd': its forward rule returned \\[1.0\\] of type list"):
        primitive("fwd", lambda m, a: [1.0], softplus_vjp)


def test_rules_that_disagree_on_the_arguments():
    with pytest.raises(PrimitiveError, match="'pair': its forward rule takes 2 arguments after m, but its vjp"):
        primitive("pair", lambda m, a, b: a * b, lambda m, g, out, a: (g,))


def test_a_bug_in_a_rule_names_it():
    with pytest.raises(PrimitiveError, match="'typo': its forward rule failed on the FLOAT backend: AttributeError"):
        primitive("typo", lambda m, a: m.softplus(a), softplus_vjp)


def test_what_no_probe_reaches_is_an_error_at_first_use():
    # defined only for a > 10, beyond every probe point: the wrong count shows at first use
    far = primitive("far", lambda m, a: m.log(a - 10.0), lambda m, g, out, a: (g, g))
    y = far(Value(12.0))
    with pytest.raises(PrimitiveError, match="primitive 'far': its vjp rule returned 2 gradients"):
        y.backward()


def test_math_functions_fail_on_arrays_naming_the_rule():
    bad = primitive("mathexp", lambda m, a: math.exp(a), lambda m, g, out, a: (g * out,))
    p = [Value(0.5)]
    net = trace(lambda xs: bad(xs[0] * p[0]), p, inputs=1)
    with pytest.raises(PrimitiveError, match="'mathexp': its forward rule failed on the ARRAY backend"):
        net.forward(np.ones((3, 1)))


def test_wrong_number_of_arguments_in_a_call(softplus):
    with pytest.raises(TypeError, match="soft_plus takes 1 argument, got 2"):
        softplus(1.0, 2.0)


def test_redefining_your_own_row_replaces_it():
    first = primitive("twice", lambda m, a: a + a, lambda m, g, out, a: (g,))  # wrong slope
    second = primitive("twice", lambda m, a: a + a, lambda m, g, out, a: (2.0 * g,))
    assert PRIMITIVES["twice"] is second.prim is not first.prim
    x = Value(1.0)
    second(x).backward()
    assert x.grad == 2.0


def test_an_unwritten_exercise_defines_but_cannot_be_used():
    todo = primitive("todo", lambda m, a: ..., lambda m, g, out, a: ...)
    with pytest.raises(NotWritten, match="primitive 'todo': its forward rule is not written yet"):
        todo(Value(1.0))


def test_the_drawing_the_explorer_and_the_player_show_it(tmp_path, softplus):
    from autograd.explorer import StepThrough
    from autograd.viz import save_player

    x = Value(0.7, "x")
    y = softplus(x) * 2.0
    y.label = "y"
    st = StepThrough(y)
    st.step = 2  # the walk reaches the softplus node second
    assert "ζ(x)" in st.explanation and "(soft_plus)" in st.explanation
    assert st.steps[1].local[0] == pytest.approx(1 / (1 + math.exp(-0.7)), rel=1e-12)  # σ(x), from the row
    assert ">ζ</text>" in draw_graph(y).svg() and 'label="ζ"' in draw_graph(y).source  # the row's symbol
    st.set("x", -0.2)  # replaying the recorded graph runs the row's forward rule
    assert st.walk.grads[0] == pytest.approx(2 / (1 + math.exp(0.2)), rel=1e-12)
    html = save_player(y, tmp_path / "player.html").read_text(encoding="utf-8")
    assert "ζ(x)" in html and "soft_plus" in html


def test_a_rule_without_return_is_named():
    def forgot(m, g, out, a):
        (g * m.sigmoid(a),)

    with pytest.raises(PrimitiveError, match="'no_return': its vjp rule returned None \\(is a return missing\\?\\)"):
        primitive("no_return", softplus_forward, forgot)


def test_a_name_symbol_or_rule_of_the_wrong_kind():
    with pytest.raises(ValueError, match="must be a Python identifier such as 'softplus', got 'soft plus'"):
        primitive("soft plus", softplus_forward, softplus_vjp)
    with pytest.raises(ValueError, match="primitive 'sp2': its symbol must be a non-empty str, got ''"):
        primitive("sp2", softplus_forward, softplus_vjp, symbol="")
    with pytest.raises(TypeError, match="primitive 'sp3': its vjp rule must be a function, got 'g'"):
        primitive("sp3", softplus_forward, "g")
    assert not {"soft plus", "sp2", "sp3"} & set(PRIMITIVES)
