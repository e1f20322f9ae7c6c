"""The backprop walk: order the graph, then apply the chain rule from the output back.

The order is found iteratively (an explicit stack, no recursion), so a chain of a million
nodes is no problem. ``backward`` and ``grad`` share the one walk, ``_walk``: it
visits nodes in reverse topological order and hands each node's upstream gradient to the
``vjp`` rule of its primitive (the rules of mul, add, sum and dot it applies in place, term
by term, in the table's order), summing what arrives at a node along several paths. The
walk accumulates in ``.grad``; ``grad`` puts every ``.grad`` back as it found it, and
``backward`` puts the leaves' back when the walk fails, so a leaf gets all of a pass's
gradient or none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from math import isfinite
from typing import Any

from .modes import SORTING, enable_grad
from .primitives import DOT, FLOAT, QUIET_AT_ZERO, VALUE, distribute, swap
from .value import Value


def topological_order(roots: Value | Iterable[Value], leaves: bool = True) -> list[Value]:
    """Every node the roots depend on, each after all of its parents.

    Found with an explicit stack (no recursion: a chain of a million nodes is fine), and
    deterministic: parents are visited in order, so the same graph gives the same list.
    With ``leaves=False`` only the nodes made by a primitive are listed (all the
    backward walk needs).
    """
    return _sort([roots] if isinstance(roots, Value) else list(roots), leaves, [])


def _sort(roots: list[Value], leaves: bool, found: list[Value], zero: bool = False) -> list[Value]:
    """``topological_order``; also appends every leaf met, once each, to ``found``, and with
    ``zero`` sets the ``.grad`` of every node made by a primitive to 0 as it places it (what
    ``backward`` needs before its walk, without a pass of its own)."""
    order: list[Value] = []
    # A node is placed when its mark is this sort's token (a fresh object: no other sort's).
    with SORTING:
        token = object()
        # Depth first: each frame is a node (None above the roots), an iterator over the parents
        # it has still to look at, and the nodes waiting on it alone (see ``_climb``). A node is
        # placed when its iterator runs out, so after all of its parents; meeting a parent not
        # placed yet, the walk climbs to it first.
        stack: list[tuple[Value | None, Iterator[Value], list[Value]]] = [(None, iter(roots), [])]
        while stack:
            node, parents, waiting = stack[-1]
            for p in parents:
                if p._mark is token:
                    continue
                if p.parents:
                    frame = _climb(p, token, order, found, leaves, zero)
                    if frame is not None:
                        stack.append(frame)
                        break
                    continue
                p._mark = token  # a leaf has no parents to wait for: place it at once
                found.append(p)
                if leaves:
                    order.append(p)
            else:
                stack.pop()
                if node is not None:
                    node._mark = token
                    if zero:
                        node.grad = 0.0
                    order.append(node)
                    order.extend(reversed(waiting))
    return order


def _climb(
    p: Value, token: object, order: list[Value], found: list[Value], leaves: bool, zero: bool
) -> tuple[Value, Iterator[Value], list[Value]] | None:
    """Climb from the unplaced node p through the nodes that have one unplaced parent only.

    That is most of a chain (x·a + b ...: one parent made by a primitive, the others
    leaves), and such a node needs no frame of its own: it is placed right after its one
    parent. Placing each leaf met on the way, the climb stops at a node whose parents are all
    placed (then it places the nodes climbed through, topmost first, and returns None) or at
    a node with two or more unplaced parents (then it returns that node's frame, which holds
    the nodes climbed through until the frame's node is placed). The nodes climbed through
    are marked at once: nothing above them can lead back to them.
    """
    waiting: list[Value] = []
    while True:
        nxt = None
        above = p.parents
        for q in above:
            if q._mark is token:
                continue
            if not q.parents:
                q._mark = token
                found.append(q)
                if leaves:
                    order.append(q)
            elif nxt is None:
                nxt = q
            elif q is not nxt:  # a second unplaced parent: p needs a frame
                if leaves:  # list p's leaves first, before anything above p is placed
                    for r in above:
                        if not r.parents and r._mark is not token:
                            r._mark = token
                            order.append(r)
                return p, iter(above), waiting
        p._mark = token
        if zero:
            p.grad = 0.0
        waiting.append(p)
        if nxt is None:
            order.extend(reversed(waiting))
            return None
        p = nxt


def _walk(order: list[Value], create_graph: bool) -> None:
    """The chain rule, from the last node of ``order`` back to the first.

    Each node's ``.grad`` must hold its upstream gradient when the walk reaches it; the
    walk adds to each parent's ``.grad`` what flows along the edge (``vjp`` of the row of
    the primitive table), so a node used in several places receives the sum of its paths.
    """
    if create_graph:
        for node in reversed(order):
            prim = node._prim
            if prim is not None:
                parents = node.parents
                for p, d in zip(parents, prim.vjp(VALUE, node.grad, node, *parents)):
                    p.grad += d
        return
    m = FLOAT
    for node in reversed(order):
        prim = node._prim
        if prim is None:
            continue
        g = node.grad
        parents = node.parents
        # Read as an attribute, not called as prim.vjp(...): CPython 3.11 does not specialise
        # that lookup for a function held by the row (not a method of its class).
        vjp = prim.vjp
        # Three rules of the table are applied in place, without calling them: mul's ``swap``,
        # the ``distribute`` of add and sum, and the dot's ``scale_each``. They make most of the
        # nodes of a chain or a network, and the call and the list it returns were about half
        # of such a node's time on the way back. Each gives its row's vjp bit for bit (tested).
        if vjp is swap:
            a, b = parents
            a.grad += g * b.data
            b.grad += g * a.data
        elif vjp is distribute:
            for p in parents:
                p.grad += g
        elif g == 0.0 and prim in QUIET_AT_ZERO and isfinite(node.data):
            # The row's rule would return zeros (see QUIET_AT_ZERO), and adding a zero leaves a
            # gradient as it is, so the node is skipped: a relu that is off, or a sample inside
            # the margin, sends nothing back (and the dot nodes above it receive nothing).
            pass
        elif prim is DOT:  # ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1, in the table's order
            arity = len(parents)
            n = arity // 2
            ws, xs = parents[:n], parents[n : 2 * n]
            for w, x in zip(ws, xs):
                w.grad += g * x.data
            for w, x in zip(ws, xs):
                x.grad += g * w.data
            if arity % 2:
                parents[-1].grad += g
        # unpacking the common arities by hand roughly halves the time of the walk
        elif len(parents) == 2:
            a, b = parents
            da, db = vjp(m, g, node.data, a.data, b.data)
            a.grad += da
            b.grad += db
        elif len(parents) == 1:
            a = parents[0]
            a.grad += vjp(m, g, node.data, a.data)[0]
        else:
            for p, d in zip(parents, vjp(m, g, node.data, *[p.data for p in parents])):
                p.grad += d


def backward(root: Value) -> None:
    """d(root)/d(node) into ``.grad`` of every node root depends on.

    Leaves accumulate (``+=``) across calls, so per-sample backward over a minibatch sums;
    interior nodes hold this pass's gradient. All or nothing for the leaves: when the walk
    raises partway (a derivative undefined at this point, an interrupt), every leaf's
    ``.grad`` is put back as it was before the call, so no leaf keeps part of a gradient.
    """
    leaves: list[Value] = []
    order = _sort([root], False, leaves, zero=True)
    before = [leaf.grad for leaf in leaves]
    try:
        root.grad += 1.0
        _walk(order, create_graph=False)
    except BaseException:
        for leaf, g in zip(leaves, before):
            leaf.grad = g
        raise


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
) -> list[Any]:
    """d(Σ outputs)/d(input) for each input; every ``.grad`` is left as it was.

    An input the outputs do not depend on gets 0. With ``create_graph=True`` the gradients
    are Values that can themselves be differentiated (second derivatives, Hessians); that
    graph is recorded even inside ``no_grad()``, as in PyTorch.
    """
    outs = [outputs] if isinstance(outputs, Value) else list(outputs)
    ins = [inputs] if isinstance(inputs, Value) else list(inputs)
    for v in outs + ins:
        if not isinstance(v, Value):
            raise TypeError(f"grad needs Values as outputs and inputs, got {v!r}")
    order = topological_order(outs)
    saved = [node.grad for node in order]
    outside = [(x, x.grad) for x in ins]  # inputs too: the outputs may not reach them
    try:
        for node in order:
            node.grad = 0.0
        for x in ins:
            x.grad = 0.0
        for y in outs:
            y.grad += Value(1.0) if create_graph else 1.0
        if create_graph:
            with enable_grad():
                _walk(order, create_graph=True)
        else:
            _walk(order, create_graph=False)
        result = [x.grad for x in ins]
    finally:
        for node, g in zip(order, saved):
            node.grad = g
        for x, g in outside:
            x.grad = g
    if create_graph:
        result = [g if isinstance(g, Value) else Value(g) for g in result]
    return result


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``.grad`` of each Value to 0."""
    for v in values:
        v.grad = 0.0
