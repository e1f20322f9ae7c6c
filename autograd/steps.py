"""The backward walk as a list of steps, replayed from the primitive table without touching
any ``.grad``: what the drawings, the frames, the explorer and the HTML player all show.

A graph is read once into plain lists (``Walk``): the Values in an order that reads like
the formula (each leaf just before its first consumer), each node's primitive and parents
by index, and its data. The walk then visits the interior nodes in reverse topological
order, exactly as ``autograd.backward`` does, and for each records the upstream gradient,
the local derivative along each edge (the row's ``vjp`` with upstream 1) and what flows
back (the row's ``vjp`` with the real upstream). Sums are formed in the engine's order, so
every gradient equals the engine's bit for bit.

``Walk.replay(new_leaf_data)`` runs the recorded graph forward again through each row's
``forward`` with other leaf values and walks it back: the same graph, new numbers, with no
new Values built. Nothing here knows any particular primitive: a row added to the table
works like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .backprop import topological_order
from .primitives import FLOAT, Primitive
from .value import Value

__all__ = ["Step", "Walk", "graph_order"]


def graph_order(root: Value) -> tuple[list[Value], dict[int, int]]:
    """The engine's topological order with each leaf moved to just before its first
    consumer (still a topological order, and the interior nodes keep their order), so that
    node ids read like the formula: w, x, w·x, b, ...; plus the index of each node by ``id``."""
    if not isinstance(root, Value):
        raise TypeError(f"drawing needs a Value to draw, got {root!r} of type {type(root).__name__}")
    order: list[Value] = []
    index: dict[int, int] = {}
    for v in topological_order(root, leaves=False) if root.parents else [root]:
        for p in v.parents:
            if not p.parents and id(p) not in index:
                index[id(p)] = len(order)
                order.append(p)
        index[id(v)] = len(order)
        order.append(v)
    return order, index


@dataclass(frozen=True)
class Step:
    """One step of the backward walk: node ``node`` hands its gradient to its parents.

    ``upstream`` is d(root)/d(node), final when the step runs; ``local[k]`` the local
    derivative d(node)/d(parent k); ``flow[k]`` = what parent k receives along this edge
    (the row's vjp: upstream × local); ``before[k]``/``after[k]`` parent k's running sum
    before and after this step; ``remaining[k]`` how many contributions it still waits for
    after this step (0: its gradient is complete)."""

    number: int
    node: int
    parents: tuple[int, ...]
    upstream: float
    local: tuple[float, ...]
    flow: tuple[float, ...]
    before: tuple[float, ...]
    after: tuple[float, ...]
    remaining: tuple[int, ...]


class Walk:
    """A recorded graph as lists, and its backward walk as ``steps``.

    ``data[i]`` is node i's value, ``grads[i]`` d(root)/d(node i), ``consumers[i]`` how many
    edges leave node i, ``prims[i]`` its row of the table (None for a leaf)."""

    def __init__(self, order: list[Value], index: dict[int, int], data: Sequence[float] | None = None) -> None:
        self.order = order
        self.index = index
        self.prims: list[Primitive | None] = [v.primitive for v in order]
        self.parents: list[tuple[int, ...]] = [tuple(index[id(p)] for p in v.parents) for v in order]
        self.data: list[float] = [v.data for v in order] if data is None else list(data)
        self.consumers = [0] * len(order)
        for ps in self.parents:
            for j in ps:
                self.consumers[j] += 1
        self.steps: list[Step] = []
        self.step_of: dict[int, int] = {}
        self.grads: list[float] = []
        self._walk()

    @classmethod
    def of(cls, root: Value) -> Walk:
        """The walk of the graph that produced ``root``."""
        order, index = graph_order(root)
        return cls(order, index)

    def _walk(self) -> None:
        n = len(self.order)
        grads = [0.0] * n
        grads[n - 1] = 1.0
        waiting = list(self.consumers)
        for i in range(n - 1, -1, -1):
            prim = self.prims[i]
            if prim is None:
                continue
            parents = self.parents[i]
            args = [self.data[j] for j in parents]
            g = grads[i]
            flow = tuple(float(d) for d in prim.vjp(FLOAT, g, self.data[i], *args))
            local = tuple(float(d) for d in prim.vjp(FLOAT, 1.0, self.data[i], *args))
            before = tuple(grads[j] for j in parents)
            after = []
            remaining = []
            for j, d in zip(parents, flow):
                grads[j] += d
                waiting[j] -= 1
                after.append(grads[j])
                remaining.append(waiting[j])
            # a parent reached twice by the same node: its last edge holds the final state
            step = Step(len(self.steps) + 1, i, parents, g, local, flow, before, tuple(after), tuple(remaining))
            self.steps.append(step)
            self.step_of[i] = step.number
        self.grads = grads

    @property
    def leaves(self) -> list[int]:
        """Indices of the leaves (labelled or not), in order."""
        return [i for i, p in enumerate(self.prims) if p is None]

    def replay(self, leaf_data: dict[int, float]) -> Walk:
        """The same graph with leaf i set to ``leaf_data[i]``: forward values recomputed
        through each row's ``forward``, then walked back. The Values are not changed."""
        for i in leaf_data:
            if self.prims[i] is not None:
                raise ValueError(f"node {i} ({self.order[i].label or self.order[i].op}) is not a leaf")
        data = list(self.data)
        for i, x in leaf_data.items():
            data[i] = float(x)
        for i, prim in enumerate(self.prims):
            if prim is not None:
                data[i] = float(prim.forward(FLOAT, *[data[j] for j in self.parents[i]]))
        return Walk(self.order, self.index, data)

    def received(self, steps_done: int) -> tuple[list[float], list[int]]:
        """After ``steps_done`` steps: the gradient each node has received so far, and how
        many contributions each still waits for."""
        received = [0.0] * len(self.order)
        received[-1] = 1.0
        waiting = list(self.consumers)
        for step in self.steps[:steps_done]:
            self.advance(step, received, waiting)
        return received, waiting

    @staticmethod
    def advance(step: Step, received: list[float], waiting: list[int]) -> None:
        """Apply one step to a state from ``received``."""
        for j, d in zip(step.parents, step.flow):
            received[j] += d
            waiting[j] -= 1
