"""Graphs are freed by reference counting alone: no reference cycles, nothing for gc.

A node refers only to its parents, never to itself through a closure, so dropping the
output of a graph frees the whole graph at once. These tests build graphs with the cyclic
garbage collector switched off, drop them, and check that (1) every Value is already gone
and (2) ``gc.collect()`` then finds none of ours among the unreachable objects.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from autograd import Value, backward, grad, gradcheck, no_grad
from autograd.functional import hessian, jacobian


def live_values() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Value)


def ours(o: object) -> bool:
    """A Value, or a container the engine makes that holds one (parents tuples, lists)."""
    if type(o) is Value:
        return True
    return type(o) in (tuple, list, dict) and any(type(x) is Value for x in (o.values() if type(o) is dict else o))


@contextmanager
def collector_off() -> Iterator[None]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def unreachable_of_ours() -> list[object]:
    """Run a full collection, keeping what it finds in gc.garbage, and return ours."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = [o for o in gc.garbage if ours(o)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


def big_graph(params: list[Value], n_nodes: int) -> Value:
    """Every primitive, over and over, until about n_nodes nodes exist; returns the output."""
    w, b = params
    made = 0
    acc = Value(0.0)
    x = Value(0.3)
    while made < n_nodes:
        h = Value.dot([w, b], [x, acc * 0.001], bias=b)  # dot, mul
        h = (h.tanh() + h.sigmoid() - h.relu() + abs(-h)) / 3.0  # tanh sigmoid relu abs neg add sub div
        h = (h * h + 1.0).log() + (h * 0.1).exp() ** 2  # mul add log exp pow
        acc = Value.sum([acc, h, 2.0**h])  # sum, pow with a Value exponent
        x = h
        made += 20
    return acc


def test_a_100000_node_graph_is_freed_by_reference_counting():
    params = [Value(0.5, "w"), Value(-0.2, "b")]
    with collector_off():
        before = live_values()
        out = big_graph(params, 100_000)
        built = live_values() - before
        out.backward()
        assert params[0].grad != 0.0
        del out
        after = live_values()
        assert built >= 100_000
        assert after == before  # all freed already, with the collector off
        assert unreachable_of_ours() == []


@pytest.mark.parametrize(
    "use",
    [
        lambda f, xs: grad(f([Value(x) for x in xs]), [Value(1.0)]),
        lambda f, xs: grad(f(v := [Value(x) for x in xs]), v, create_graph=True),
        lambda f, xs: hessian(f, xs),
        lambda f, xs: jacobian(lambda v: [f(v), f(v) * 2], xs),
        lambda f, xs: gradcheck(f, xs, order=2),
    ],
    ids=["grad", "grad-create-graph", "hessian", "jacobian", "gradcheck"],
)
def test_grad_hessian_and_gradcheck_leave_nothing_to_collect(use: Callable):
    def f(v: list[Value]) -> Value:
        y = v[0]
        for _ in range(200):
            y = (y * v[1]).tanh() + v[0] ** 2 / (1.0 + v[1].exp())
        return y

    with collector_off():
        before = live_values()
        result = use(f, [0.4, -0.3])
        del result
        assert live_values() == before
        assert unreachable_of_ours() == []


def test_dropping_a_graph_keeps_the_parameters_and_frees_the_rest():
    params = [Value(0.5, "w"), Value(-0.2, "b")]
    with collector_off():
        for _ in range(3):  # three "training steps"
            out = big_graph(params, 5_000)
            backward(out)
            del out
            assert unreachable_of_ours() == []
        assert all(type(p) is Value and p.grad != 0.0 for p in params)
        with no_grad():
            y = params[0] * 2
        assert y.parents == ()


def test_the_check_sees_a_cycle_when_there_is_one():
    # guards the tests above: a Value caught in a cycle is reported
    with collector_off():
        v = Value(1.0)
        v.label = ""
        holder = [v]
        holder.append(holder)  # list -> itself, and -> v
        del v, holder
        found = unreachable_of_ours()
    assert any(type(o) is Value for o in found)
