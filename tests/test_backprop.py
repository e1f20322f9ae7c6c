"""The backprop walk and the Value's bookkeeping: depth, fan-out, accumulation, grad(),
higher order, no_grad, detach, operators with numbers on either side, topological order."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, backward, grad, is_grad_enabled, no_grad, topological_order, zero_grad
from autograd.primitives import ADD, DOT, FLOAT, MUL, POW, QUIET_AT_ZERO, SUM

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------
# Depth and fan-out
# ---------------------------------------------------------------------------------------


def test_million_node_chain_forward_and_backward():
    x0 = Value(0.5)
    c = Value(1e-6)
    x = x0
    for _ in range(1_000_000):
        x = x + c
    x.backward()  # no RecursionError: the order is found with an explicit stack
    assert x0.grad == 1.0
    assert c.grad == 1_000_000.0
    assert x.data == pytest.approx(0.5 + 1.0, rel=1e-9)
    assert len(repr(x)) < 100  # repr does not walk the graph
    del x  # dropping it is no recursion either


def test_deep_chain_higher_order():
    # y = a^n by n multiplications: dy/da = n·a^(n−1), d²y/da² = n(n−1)·a^(n−2); at a = 1
    n = 10_000
    a = Value(1.0)
    y = a
    for _ in range(n - 1):
        y = y * a
    (g,) = grad(y, a, create_graph=True)
    assert g.data == n
    (h,) = grad(g, a)
    assert h == n * (n - 1)


def test_fan_out_sums_over_paths():
    for x in [-2.0, 0.5, 3.0]:
        a = Value(x)
        b = a + a
        c = b * b
        c.backward()
        assert a.grad == 8 * x  # c = 4a²
        assert b.grad == 2 * b.data


def test_fan_out_same_value_twice_in_a_sum_and_a_dot():
    a = Value(3.0)
    s = Value.sum([a, a, a])
    s.backward()
    assert a.grad == 3.0
    w = Value(2.0)
    d = Value.dot([w, w], [w, a])  # w² + w·a
    d.backward()
    assert w.grad == 2 * 2.0 + 3.0
    assert a.grad == 3.0 + 2.0  # accumulated onto the 3.0 of the sum


# ---------------------------------------------------------------------------------------
# Accumulation: leaves sum across calls, interior nodes hold this pass's gradient
# ---------------------------------------------------------------------------------------


def test_backward_twice_leaves_accumulate_interior_nodes_do_not():
    x = Value(1.5)
    t = x * x
    loss = t * 3
    loss.backward()
    assert (x.grad, t.grad, loss.grad) == (9.0, 3.0, 1.0)
    loss.backward()
    assert x.grad == 18.0  # 2 × 6x
    assert (t.grad, loss.grad) == (3.0, 1.0)  # this pass's gradient only


def test_backward_clears_every_interior_node_however_the_sort_reaches_it():
    # The sort climbs through a node with one interior parent and gives a node with two its
    # own frame; either way the node must start the pass from 0, whatever it held before.
    x, y = Value(0.5), Value(-1.5)
    a = x * y  # climbed through
    b = a + x  # climbed through
    c = a * b  # two interior parents: a frame
    d = c.tanh() + b  # two interior parents
    root = d * d
    root.backward()
    first = [n.grad for n in (a, b, c, d, root)]
    for n in (a, b, c, d, root):
        n.grad = 1e6
    root.backward()
    assert [n.grad for n in (a, b, c, d, root)] == first


def test_backward_of_a_leaf_seeds_one_and_accumulates():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_interior_nodes_hold_the_last_pass_of_another_root():
    x = Value(2.0)
    t = x * x  # shared interior node
    first = t * 5
    second = t * 7
    first.backward()
    second.backward()
    assert t.grad == 7.0
    assert x.grad == (5 + 7) * 2 * 2.0


def test_per_sample_backward_sums_over_a_minibatch():
    samples = [(1.0, 2.0), (-0.5, 0.3), (2.0, 4.5)]
    w, b = Value(0.3), Value(-0.1)
    for x, y in samples:
        ((w * x + b - y) ** 2).backward()
    total = Value.sum([(w * x + b - y) ** 2 for x, y in samples])
    dw, db = grad(total, [w, b])
    assert (w.grad, b.grad) == pytest.approx((dw, db), rel=1e-14)
    assert dw == pytest.approx(sum(2 * (0.3 * x - 0.1 - y) * x for x, y in samples), rel=1e-14)


def test_a_backward_that_fails_partway_adds_nothing_to_any_leaf():
    # the walk reaches w (through w * 3) before x ** 0.5, whose slope at x = 0 is undefined
    w, x, c = Value(2.0, "w"), Value(0.0, "x"), Value(3.0, "c")
    L = x**0.5 + w * c
    w.grad, x.grad, c.grad = 5.0, -1.0, 0.25
    with pytest.raises(ValueError, match=r"0\.0 \*\* -0\.5 is undefined"):
        L.backward()
    assert (w.grad, x.grad, c.grad) == (5.0, -1.0, 0.25)
    # the same leaves in a pass that succeeds still accumulate onto what they held
    (w * c + x).backward()
    assert (w.grad, x.grad, c.grad) == (5.0 + 3.0, -1.0 + 1.0, 0.25 + 2.0)


def test_a_failed_backward_leaves_a_minibatch_sum_as_it_was():
    w = Value(1.5, "w")
    for a in (1.0, 2.0):  # two samples that succeed
        (w * a).backward()
    assert w.grad == 3.0
    with pytest.raises(ValueError):
        (Value(0.0) ** 0.5 + w * 4.0).backward()  # w is reached before the undefined slope
    assert w.grad == 3.0


def test_the_walk_applies_the_dot_row_of_the_table_bit_for_bit():
    # the walk writes the dot's rule out in place; it must give exactly what the table's vjp gives,
    # also when a Value is a weight and an input of the same node and with a bias
    rng = np.random.default_rng(3)
    for n in (1, 2, 5):
        ws = [Value(float(v)) for v in rng.normal(size=n)]
        xs = [Value(float(v)) for v in rng.normal(size=n)]
        xs[0] = ws[-1]
        b = Value(0.7)
        for args in ((ws, xs), (ws, xs, b)):
            out = Value.dot(*args)
            g = float(rng.normal())
            expected: dict[int, float] = {}
            for p, d in zip(out.parents, DOT.vjp(FLOAT, g, out.data, *[p.data for p in out.parents])):
                expected[id(p)] = expected.get(id(p), 0.0) + d
            for p in out.parents:
                p.grad = 0.0
            (out * g).backward()
            assert all(p.grad == expected[id(p)] for p in out.parents)


@pytest.mark.parametrize(
    "make, row",
    [
        (lambda a, b, c: a * b, MUL),
        (lambda a, b, c: a * a, MUL),
        (lambda a, b, c: a + b, ADD),
        (lambda a, b, c: b + b, ADD),
        (lambda a, b, c: Value.sum([a, b, c, a]), SUM),
        (lambda a, b, c: Value.sum([c]), SUM),
    ],
)
def test_the_walk_applies_mul_add_and_sum_as_their_rows_do_bit_for_bit(make, row):
    # the walk applies these rules in place instead of calling them; each parent must get
    # exactly the sum of what the row's vjp gives it, with a Value used twice, with upstream
    # gradients that round, and with an infinite factor (inf·0 is nan)
    rng = np.random.default_rng(5)
    for a0, b0 in [tuple(rng.normal(size=2)) for _ in range(20)] + [(math.inf, 0.0), (0.0, -math.inf)]:
        a, b, c = Value(float(a0)), Value(float(b0)), Value(0.3)
        out = make(a, b, c)
        assert out.primitive is row
        g = float(rng.normal())
        start = {id(p): float(rng.normal()) for p in out.parents}
        expected = dict(start)
        for p, d in zip(out.parents, row.vjp(FLOAT, g, out.data, *[p.data for p in out.parents])):
            expected[id(p)] += d
        for p in out.parents:
            p.grad = start[id(p)]  # leaves accumulate: the walk must add to what they hold
        (out * g).backward()  # out's upstream gradient is 1.0·g = g exactly
        assert all(str(p.grad) == str(expected[id(p)]) for p in out.parents)  # nan where the rule gives nan


def test_a_dot_node_with_no_upstream_gradient_gives_what_the_table_gives():
    # the walk skips a dot node whose upstream gradient is 0 (a relu that is off): the
    # gradients must be those of the table's rule, also when a weight is infinite (0·inf is nan)
    for w0 in (2.0, math.inf):
        ws, xs, b = [Value(w0), Value(-3.0)], [Value(0.5), Value(-0.25)], Value(1.0)
        for p in (*ws, *xs, b):
            p.grad = 1.5
        out = Value.dot(ws, xs, b)
        expected = [1.5 + d for d in DOT.vjp(FLOAT, 0.0, out.data, *[p.data for p in out.parents])]
        (out * 0.0).backward()
        got = [p.grad for p in out.parents]
        assert str(got) == str(expected)  # nan where the table gives nan
        assert math.isnan(got[2]) == (w0 == math.inf)


# the edges of the float range, where a slope can overflow or a product become nan
EDGES = [-math.inf, -1e308, -3.0, -1.0, -1e-300, -5e-324, -0.0, 0.0, 5e-324, 1e-300, 0.5, 1.0, 2.0, 1e308, math.inf]
ARITY = {"neg": 1, "exp": 1, "log": 1, "log1p": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1}
ARITY |= {"add": 2, "sub": 2, "mul": 2, "div": 2}  # sum, dot and logsumexp take any number


@pytest.mark.parametrize("row", sorted(QUIET_AT_ZERO, key=lambda r: r.name), ids=lambda r: r.name)
def test_a_row_the_walk_skips_at_zero_sends_only_zeros_back_at_every_finite_output(row):
    # the walk skips a node of these rows whose upstream gradient is 0 and whose output is
    # finite: it may, only if the row's own rule would return zeros there and raise nothing
    arities = [ARITY[row.name]] if row.name in ARITY else [1, 2, 3]
    checked = 0
    for n in arities:
        for args in itertools.product(EDGES, repeat=n):
            try:
                out = row.forward(FLOAT, *args)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue  # outside the domain: the forward pass refuses it
            if not math.isfinite(out):
                continue
            grads = row.vjp(FLOAT, 0.0, out, *args)
            assert all(d == 0.0 for d in grads), (row.name, args, grads)
            checked += 1
    assert checked >= 5


def test_pow_is_walked_at_zero_for_its_slope_can_be_undefined_there():
    # √x at 0: the output 0 is finite, the slope is not defined, and the walk must say so
    # even when nothing flows in (0 · the slope is no number either)
    assert POW not in QUIET_AT_ZERO
    with pytest.raises(ValueError, match="undefined"):
        POW.vjp(FLOAT, 0.0, 0.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="undefined"):
        (Value(0.0) ** 0.5 * 0.0).backward()


def test_nodes_with_nothing_flowing_in_leave_every_gradient_as_the_full_walk_does():
    # a relu that is off above a neuron, a loss whose margin is met: the skipped nodes'
    # parents keep what they had, also a nan or an infinity from another path
    w, x, b = Value(2.0), Value(-3.0), Value(1.0)
    for start in (0.0, 1.5, math.inf):
        for p in (w, x, b):
            p.grad = start
        h = Value.dot([w], [x], b).relu()  # -5: off
        loss = (h + 1.0).log() + h.tanh() * 0.0 + (w * 4.0).relu()
        loss.backward()
        assert (w.grad, x.grad, b.grad) == (start + 4.0, start, start)


def test_zero_grad_clears():
    w, b = Value(2.0), Value(1.0)
    (w * 3 + b).backward()
    assert (w.grad, b.grad) == (3.0, 1.0)
    zero_grad([w, b])
    assert (w.grad, b.grad) == (0.0, 0.0)
    zero_grad(v for v in [w])  # any iterable
    (w * 3 + b).backward()
    assert (w.grad, b.grad) == (3.0, 1.0)


def test_backward_function_and_method_agree():
    x1, x2 = Value(0.7), Value(0.7)
    (x1.tanh() * x1).backward()
    backward(x2.tanh() * x2)
    assert x1.grad == x2.grad


# ---------------------------------------------------------------------------------------
# grad(): no side effects, higher order
# ---------------------------------------------------------------------------------------


def _graph() -> tuple[list[Value], Value, list[Value]]:
    x, y, unused = Value(0.5, "x"), Value(-1.2, "y"), Value(9.0, "unused")
    out = (x * y).tanh() + x.exp() * y
    return [x, y, unused], out, topological_order(out)


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_leaves_every_grad_untouched(create_graph):
    inputs, out, order = _graph()
    every = order + [inputs[2]]
    for i, node in enumerate(every):
        node.grad = 100.0 + i  # sentinels
    gx, gy, gu = grad(out, inputs, create_graph=create_graph)
    assert [node.grad for node in every] == [100.0 + i for i in range(len(every))]
    x, y = 0.5, -1.2
    sech2 = 1 - math.tanh(x * y) ** 2
    assert float(gx) == pytest.approx(sech2 * y + math.exp(x) * y, rel=1e-14)
    assert float(gy) == pytest.approx(sech2 * x + math.exp(x), rel=1e-14)
    assert float(gu) == 0.0  # an input the output does not depend on


def test_grad_after_backward_keeps_the_accumulated_gradients():
    (x, y, _), out, _ = _graph()
    out.backward()
    before = (x.grad, y.grad)
    grad(out, [x, y])
    grad(out, [x, y], create_graph=True)
    assert (x.grad, y.grad) == before


def test_grad_of_several_outputs_is_the_gradient_of_their_sum():
    x = Value(1.3)
    assert grad([x * x, x * 3], x) == pytest.approx([2 * 1.3 + 3])


def test_grad_rejects_non_values():
    with pytest.raises(TypeError, match="3.0"):
        grad(Value(1.0), [3.0])


def test_create_graph_gives_values_that_differentiate_again():
    x = Value(2.0)
    (g,) = grad(x**3, x, create_graph=True)
    assert isinstance(g, Value) and g.data == 12.0
    (h,) = grad(g, x, create_graph=True)
    assert h.data == 12.0  # 6x
    (k,) = grad(h, x)
    assert k == 6.0
    g.backward()  # the gradient graph also works with backward
    assert x.grad == 12.0


def test_create_graph_mixed_partials_and_activations():
    x, y = Value(0.4), Value(-0.9)
    gx, gy = grad(x * y * y + x.tanh(), [x, y], create_graph=True)
    dxx, dxy = grad(gx, [x, y])
    dyx, dyy = grad(gy, [x, y])
    t = math.tanh(0.4)
    assert dxx == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)
    assert dxy == dyx == pytest.approx(2 * -0.9, rel=1e-14)
    assert dyy == pytest.approx(2 * 0.4, rel=1e-14)


def test_create_graph_through_sigmoid_relu_and_pow_with_value_exponent():
    x, p = Value(0.3), Value(2.5)
    (gx, gp) = grad(x.sigmoid() + (x * 4).relu() + x**p, [x, p], create_graph=True)
    s = 1 / (1 + math.exp(-0.3))
    (dxx,) = grad(gx, [x])
    assert dxx == pytest.approx(s * (1 - s) * (1 - 2 * s) + 2.5 * 1.5 * 0.3**0.5, rel=1e-13)
    (dpp,) = grad(gp, [p])
    assert dpp == pytest.approx(0.3**2.5 * math.log(0.3) ** 2, rel=1e-13)


# ---------------------------------------------------------------------------------------
# no_grad and detach
# ---------------------------------------------------------------------------------------


def test_no_grad_records_no_parents():
    x = Value(3.0)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        ys = [x * 2, x + 1, -x, x.exp(), x.relu(), Value.sum([x, x]), Value.dot([x], [x]), 2**x]
    assert is_grad_enabled()
    for y in ys:
        assert y.parents == () and y.op == "" and y.is_leaf
    assert ys[0].data == 6.0
    ys[0].backward()
    assert x.grad == 0.0


def test_no_grad_nests_and_restores_after_an_error():
    with no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with pytest.raises(ValueError):
        with no_grad():
            Value(-1.0).log()
    assert is_grad_enabled()
    assert (Value(1.0) * 2).parents != ()


def test_detach_is_a_leaf_with_the_same_data_and_label():
    x = Value(1.5, "x")
    y = x * x
    y.label = "y"
    d = y.detach()
    assert d.is_leaf and d.parents == () and d.op == ""
    assert (d.data, d.label) == (2.25, "y")
    (d * x).backward()
    assert x.grad == 2.25  # nothing flows through the detached branch
    assert y.grad == 0.0


# ---------------------------------------------------------------------------------------
# Numbers on either side
# ---------------------------------------------------------------------------------------

REFLECTED = [
    # (expression, value at v = 3, derivative at v = 3), with k = 2 on the number's side
    (lambda k, v: k + v, 5.0, 1.0),
    (lambda k, v: v + k, 5.0, 1.0),
    (lambda k, v: k - v, -1.0, -1.0),
    (lambda k, v: v - k, 1.0, 1.0),
    (lambda k, v: k * v, 6.0, 2.0),
    (lambda k, v: v * k, 6.0, 2.0),
    (lambda k, v: k / v, 2 / 3, -2 / 9),
    (lambda k, v: v / k, 1.5, 0.5),
    (lambda k, v: k**v, 8.0, 8.0 * math.log(2.0)),
    (lambda k, v: v**k, 9.0, 6.0),
    (lambda k, v: Value.sum([k, v, k]), 7.0, 1.0),
    (lambda k, v: Value.dot([k], [v], bias=k), 8.0, 2.0),
]
TWOS = [2, 2.0, np.float64(2.0), np.int64(2), np.float32(2.0), np.int8(2)]


@pytest.mark.parametrize("k", TWOS, ids=lambda k: type(k).__name__)
@pytest.mark.parametrize("i", range(len(REFLECTED)))
def test_reflected_operators_with_numbers_on_either_side(i, k):
    f, value, slope = REFLECTED[i]
    v = Value(3.0)
    y = f(k, v)
    assert type(y) is Value and type(y.data) is float
    assert y.data == pytest.approx(value, rel=1e-15)
    y.backward()
    assert v.grad == pytest.approx(slope, rel=1e-15)


def test_a_number_becomes_a_constant_leaf_in_its_place():
    v = Value(3.0)
    y = 2 - v
    assert y.parents[1] is v and y.parents[0].is_leaf and y.parents[0].data == 2.0
    y = v - 2
    assert y.parents[0] is v and y.parents[1].data == 2.0


def test_numpy_scalars_and_bools_are_numbers():
    for number, expected in [
        (np.float64(1.5), 1.5),
        (np.float32(0.5), 0.5),
        (np.int32(3), 3.0),
        (np.bool_(True), 1.0),
        (True, 1.0),
        (False, 0.0),
        (7, 7.0),
    ]:
        v = Value(number)
        assert type(v.data) is float and v.data == expected
        assert (Value(1.0) + number).data == 1.0 + expected
        assert (number * Value(2.0)).data == 2.0 * expected


def test_an_empty_sum_or_dot_is_the_float_zero_and_computes_on():
    empty_sum, empty_dot = Value.sum([]), Value.dot([], [])
    for v in (empty_sum, empty_dot):
        assert type(v.data) is float and v.data == 0.0
    # the dot's float rule multiplies floats only: an int 0 here used to raise a bare TypeError
    w = Value(3.0)
    y = Value.dot([empty_sum, w], [Value(2.0), empty_dot], bias=1.5)
    assert y.data == 1.5
    y.backward()
    assert w.grad == 0.0


def test_comparisons_read_data():
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a and a < 1.5 and b >= 2
    assert float(b) == 2.0


# ---------------------------------------------------------------------------------------
# Topological order
# ---------------------------------------------------------------------------------------


def _random_graph(ops: list[tuple[int, int, int, int]]) -> tuple[list[Value], list[Value]]:
    nodes = [Value(0.5 + i / 10, f"leaf{i}") for i in range(3)]
    for kind, i, j, k in ops:
        a, b, c = nodes[i % len(nodes)], nodes[j % len(nodes)], nodes[k % len(nodes)]
        made = [a + b, a * b, -a, a.tanh(), Value.sum([a, b, c]), Value.dot([a, b], [c, a], bias=b)][kind]
        made.label = f"n{len(nodes)}"
        nodes.append(made)
    return nodes, nodes[-2:]


def _reachable(roots: list[Value]) -> set[int]:
    seen, todo = set(), list(roots)
    while todo:
        v = todo.pop()
        if id(v) not in seen:
            seen.add(id(v))
            todo.extend(v.parents)
    return seen


OPS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)), max_size=25)


@settings(max_examples=100, deadline=None, database=None)
@given(OPS)
def test_topological_order_is_complete_ordered_and_deterministic(ops):
    _, roots = _random_graph(ops)
    order = topological_order(roots)
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert set(position) == _reachable(roots)  # every node the roots depend on
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)
    # the same graph, built again (other objects, other ids), gives the same sequence
    _, again = _random_graph(ops)
    assert [v.label for v in topological_order(again)] == [v.label for v in order]
    assert topological_order(roots) == order


def _depth_first(roots: list[Value], leaves: bool) -> list[Value]:
    """The order topological_order promises, written recursively (small graphs only): each
    node after its parents, visited in order; a node's leaves listed when the node is met."""
    order: list[Value] = []
    done: set[int] = set()

    def place(v: Value) -> None:
        done.add(id(v))
        if v.parents or leaves:
            order.append(v)

    def visit(v: Value) -> None:
        if leaves:
            for q in v.parents:
                if not q.parents and id(q) not in done:
                    place(q)
        for p in v.parents:
            if id(p) not in done:
                visit(p) if p.parents else place(p)
        place(v)

    for r in roots:
        if id(r) not in done:
            visit(r) if r.parents else place(r)
    return order


def _chainy_graph(ops: list[tuple[int, int, int, int]]) -> list[Value]:
    """Mostly a chain (each node made from the last one), with branches back into it and
    nodes that use one Value twice: where the walk climbs without frames."""
    nodes = [Value(0.5 + i / 10, f"leaf{i}") for i in range(3)]
    for kind, i, j, k in ops:
        a, b, c = nodes[-1], nodes[j % len(nodes)], nodes[k % len(nodes)]
        if i % 3 == 0:
            a = nodes[i % len(nodes)]
        made = [a * b, b + a, a * a, a.tanh(), Value.sum([b, a, c]), Value.dot([b, a], [c, a], bias=b)][kind]
        nodes.append(made)
    return [nodes[-1], nodes[len(nodes) // 2]]


@settings(max_examples=300, deadline=None, database=None)
@given(OPS)
def test_topological_order_is_the_depth_first_order(ops):
    for roots in (_random_graph(ops)[1], _chainy_graph(ops)):
        for leaves in (True, False):
            assert topological_order(roots, leaves=leaves) == _depth_first(roots, leaves)


def test_topological_order_of_a_single_value():
    x = Value(1.0)
    assert topological_order(x) == [x]
    y = x * 2
    assert topological_order(y)[-1] is y and x in topological_order(y)


# ---------------------------------------------------------------------------------------
# repr and project hygiene
# ---------------------------------------------------------------------------------------


def test_repr_is_readable():
    w = Value(2.0, "w")
    y = w * 3
    assert repr(Value(2.0)) == "Value(data=2, grad=0)"
    assert repr(w) == "Value(data=2, grad=0, label='w')"
    y.backward()
    assert repr(y) == "Value(data=6, grad=1, op='mul')"
    assert "data=0.333333" in repr(Value(1 / 3))


def test_no_pytorch_in_dependencies_or_tests():
    imports = re.compile(r"^\s*(import|from)\s+torch\b", re.MULTILINE)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        assert not imports.search(path.read_text(encoding="utf-8")), path
    for name in ("setup.cfg", "pyproject.toml"):
        text = (ROOT / name).read_text(encoding="utf-8").lower()
        assert "torch" not in text, name


def test_grad_with_respect_to_an_interior_node():
    x = Value(2.0)
    t = x * x
    y = t * 3 + t
    assert grad(y, [t, x]) == [4.0, 16.0]  # dy/dt = 4, dy/dx = 4 · 2x
    assert (t.grad, x.grad) == (0.0, 0.0)
