"""The steps of a replay plan: each runs a group of nodes of the recorded graph at once.

``ElementwiseStep`` runs the nodes of one level that share a primitive and an arity as one
numpy operation on a block of rows of the value buffer; ``LayerStep`` runs the dot nodes of
one level that share their inputs and take their weights from leaves as one matrix product.
Both read their rules from the primitive table (the ``ARRAY`` and ``MatrixMath`` backends).
Each step has ``forward`` (values), ``local`` (the vjp of its nodes) and ``accumulate`` (add
what flows to the parents' gradient rows and to the parameters' gradients).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .arraymath import ARRAY, BLOCK, MatrixMath
from .primitives import DOT, Primitive


def rows_of(rows: Sequence[int]) -> slice | np.ndarray:
    """A slice when the rows are evenly spaced, consecutive or every k-th (a view, no copy),
    else an index array."""
    if len(rows) > 1 and rows[1] > rows[0]:
        step = rows[1] - rows[0]
        if all(b == a + step for a, b in zip(rows, rows[1:])):
            return slice(rows[0], rows[-1] + 1, step if step > 1 else None)
    elif len(rows) == 1:
        return slice(rows[0], rows[0] + 1)
    return np.asarray(rows, dtype=np.intp)


def is_unique(rows: slice | np.ndarray) -> bool:
    return isinstance(rows, slice) or len(np.unique(rows)) == len(rows)


def repeated_row(rows: slice | np.ndarray) -> int | None:
    """The row, when ``rows`` lists one row more than once and no other; else None."""
    if isinstance(rows, slice) or len(rows) < 2 or not np.all(rows == rows[0]):
        return None
    return int(rows[0])


def add_into(G: np.ndarray, rows: slice | np.ndarray, unique: bool, d: Any) -> None:
    """G[rows] += d, summing over repeated rows."""
    if unique or isinstance(rows, slice):  # a slice never repeats a row
        G[rows] += d
    else:
        np.add.at(G, rows, np.broadcast_to(d, (len(rows), G.shape[1])))


class ElementwiseStep:
    """A group of nodes of one level with the same primitive and arity, done at once: each
    operand is a (k, batch) block of rows of the value buffer."""

    kind = "elementwise"

    def __init__(
        self,
        prim: Primitive,
        nodes: list[int],
        out: slice,
        operands: list[slice | np.ndarray],
        need: list[bool],
        blocks: bool = False,
    ):
        self.prim, self.nodes, self.out, self.need = prim, nodes, out, need
        self.math = BLOCK if blocks else ARRAY  # blocks: one sum or dot node over runs of rows (BlockMath)
        # An operand that is one row for every node of the group (the max that a loss's scores
        # are shifted by) is read as that row alone, a (1, batch) view that numpy broadcasts,
        # and the gradient it receives is summed over the group's rows.
        rows = [repeated_row(o) for o in operands]
        self.repeated = [r is not None for r in rows]
        self.operands = [o if r is None else slice(r, r + 1) for o, r in zip(operands, rows)]
        self.unique = [is_unique(o) for o in self.operands]
        self.args: list[np.ndarray] = []

    def bind(self, V: np.ndarray, G: np.ndarray, pgrad: np.ndarray) -> None:
        """Take the views this step reads and writes from new value and gradient buffers, once
        per buffer instead of once per pass: its output rows, its operands where they are
        slices (index arrays are gathered on each pass) and the gradient rows it adds to."""
        self.out_v, self.g_v = V[self.out], G[self.out]
        self.views = [V[o] if isinstance(o, slice) else None for o in self.operands]
        self.gathered = any(v is None for v in self.views)
        if not self.gathered:
            self.args = [v for v in self.views if v is not None]
        self.adds = [
            (j, G[o] if isinstance(o, slice) else None, o, unique, repeated)
            for j, (o, need, unique, repeated) in enumerate(zip(self.operands, self.need, self.unique, self.repeated))
            if need
        ]

    def forward(self, V: np.ndarray, lv: np.ndarray) -> None:
        if self.gathered:
            self.args = [V[o] if v is None else v for o, v in zip(self.operands, self.views)]
        self.out_v[...] = self.prim.forward(self.math, *self.args)

    def local(self) -> list[Any]:
        return self.prim.vjp(self.math, self.g_v, self.out_v, *self.args)

    def accumulate(self, G: np.ndarray, pgrad: np.ndarray, grads: list[Any]) -> None:
        for j, view, rows, unique, repeated in self.adds:
            if repeated:
                d = grads[j]
                view += (d if np.shape(d) == self.g_v.shape else np.broadcast_to(d, self.g_v.shape)).sum(axis=0)
            elif view is not None:
                view += grads[j]
            else:
                add_into(G, rows, unique, grads[j])

    def floats(self, V: np.ndarray, G: np.ndarray | None, j: int, s: int) -> tuple[Any, ...]:
        """Node j of the group on sample s, for the float backend: (g, out, *args)."""
        out = float(V[self.out][j, s])
        g = float(G[self.out][j, s]) if G is not None else 0.0
        if self.math is BLOCK:  # one node, its operands the rows of each block
            return (g, out, *[float(v) for a in self.args for v in a[:, s]])
        return (g, out, *[float(a[min(j, len(a) - 1), s]) for a in self.args])  # a repeated row: 1 row

    def describe(self) -> str:
        first = self.operands[0]
        if self.math is BLOCK and isinstance(first, slice):
            return f"{self.prim.name} over {first.stop - first.start} rows"
        return f"{self.prim.name} ×{len(self.nodes)}"


class LayerStep:
    """Dot nodes that share their inputs and take their weights (and bias) from leaves: one
    matrix product W @ X (+ b), through the dot row of the table on a ``MatrixMath`` backend."""

    kind = "layer"

    def __init__(
        self,
        nodes: list[int],
        out: slice,
        w_idx: np.ndarray,
        b_idx: np.ndarray | None,
        x: slice | np.ndarray,
        x_need: bool,
        n_params: int,
    ):
        self.nodes, self.out, self.w_idx, self.b_idx, self.x = nodes, out, w_idx, b_idx, x
        self.x_unique = is_unique(x)
        self.math = MatrixMath(input_grads=x_need)
        flat = w_idx.reshape(-1)
        is_param = flat < n_params
        self.w_all_params = bool(is_param.all())
        self.w_pos = np.flatnonzero(is_param)
        self.w_pid = flat[is_param]
        self.w_unique = is_unique(self.w_pid)
        if b_idx is not None:
            b_param = b_idx < n_params
            self.b_pos = np.flatnonzero(b_param)
            self.b_pid = b_idx[b_param]
            self.b_unique = is_unique(self.b_pid)
        self.block = parameter_block(w_idx, b_idx, n_params)
        self.exclusive = False
        """Set by the plan: the layer's parameters are one block that no other step reads, so
        their gradients are written into place rather than added."""
        self.args: tuple[np.ndarray, ...] = ()
        self.lv: np.ndarray | None = None  # the parameters' array the views in wb were taken of
        self.wb: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))

    def _rows(self, a: np.ndarray) -> np.ndarray:
        """The layer's block of ``a`` (the parameters' values or gradients) as (k, stride)
        rows: a view, row j holding node j's weights and then its bias."""
        start, stride = self.block  # type: ignore[misc]
        return a[start : start + len(self.nodes) * stride].reshape(len(self.nodes), stride)

    def bind(self, V: np.ndarray, G: np.ndarray, pgrad: np.ndarray) -> None:
        """Take the views of new value and gradient buffers, and of the parameters' gradient
        array, once (see ``ElementwiseStep.bind``)."""
        self.out_v, self.g_v = V[self.out], G[self.out]
        self.x_v = V[self.x] if isinstance(self.x, slice) else None
        self.gx_v = G[self.x] if isinstance(self.x, slice) else None
        n_inputs = self.w_idx.shape[1]
        self.math.bind(self.out_v, np.empty((n_inputs, V.shape[1])) if self.math.input_grads else None)
        if self.block is not None:
            rows = self._rows(pgrad)
            self.gw_v = rows[:, :n_inputs]
            self.gb_v = rows[:, n_inputs] if self.b_idx is not None else None
            # A layer whose parameters no other step touches has its weight gradient written
            # straight into their place (MatrixMath.dot_grads), with no add afterwards.
            self.math.dw = self.gw_v if self.exclusive else None

    def forward(self, V: np.ndarray, lv: np.ndarray) -> None:
        """W @ X (+ b) into the layer's rows; ``lv``: the leaves' values, parameters first (with
        the constants after them when a layer of the plan gathers its weights by index)."""
        X = self.x_v if self.x_v is not None else V[self.x]
        if self.block is not None:  # views into the parameters' values: no copy
            if lv is not self.lv:  # a training loop passes the same array every time: views kept
                rows, n = self._rows(lv), self.w_idx.shape[1]
                self.lv, self.wb = lv, (rows[:, :n], rows[:, n : n + 1])
            w, b = self.wb
            self.args = (w, X) if self.b_idx is None else (w, X, b)
        else:
            W = lv[self.w_idx]
            self.args = (W, X) if self.b_idx is None else (W, X, lv[self.b_idx][:, None])
        out = DOT.forward(self.math, *self.args)  # computed in place, into out_v
        if out is not self.out_v:
            self.out_v[...] = out

    def local(self) -> list[Any]:
        return DOT.vjp(self.math, self.g_v, self.out_v, *self.args)

    def add_input_grads(self, G: np.ndarray, dX: np.ndarray) -> None:
        if self.gx_v is not None:
            self.gx_v += dX
        else:
            add_into(G, self.x, self.x_unique, dX)

    def accumulate(self, G: np.ndarray, pgrad: np.ndarray, grads: list[Any]) -> None:
        dW, dX = grads[0], grads[1]
        if self.block is not None:
            if self.exclusive:  # dW is already in place; the bias gradient goes there too
                if self.b_idx is not None:
                    np.add.reduce(grads[2], axis=1, out=self.gb_v)
            else:
                self.gw_v += dW
                if self.b_idx is not None:
                    self.gb_v += np.add.reduce(grads[2], axis=1)
            if dX is not None:
                self.add_input_grads(G, dX)
            return
        if self.w_all_params:
            scatter(pgrad, self.w_pid, dW.reshape(-1), self.w_unique)
        elif len(self.w_pid):
            scatter(pgrad, self.w_pid, dW.reshape(-1)[self.w_pos], self.w_unique)
        if dX is not None:
            self.add_input_grads(G, dX)
        if self.b_idx is not None and len(self.b_pid):
            scatter(pgrad, self.b_pid, grads[2].sum(axis=1)[self.b_pos], self.b_unique)

    def describe(self) -> str:
        k, n = self.w_idx.shape
        return f"layer {k}×{n}" + (" + bias" if self.b_idx is not None else "")


def parameter_block(w_idx: np.ndarray, b_idx: np.ndarray | None, n_params: int) -> tuple[int, int] | None:
    """(start, stride) when the layer's parameters lie in one block of the parameter list,
    node j's n weights at start + j·stride + (0..n−1) and its bias right after them — as
    ``MLP.parameters()`` lists them — so that they can be read and stepped as views; else
    None (the weights are then gathered by index)."""
    k, n = w_idx.shape
    if k == 0 or n == 0:
        return None
    start = int(w_idx[0, 0])
    stride = int(w_idx[1, 0] - start) if k > 1 else n + (b_idx is not None)
    if stride < n + (b_idx is not None) or start < 0 or start + k * stride > n_params:
        return None
    rows = start + stride * np.arange(k)
    if not np.array_equal(w_idx, rows[:, None] + np.arange(n)):
        return None
    if b_idx is not None and not np.array_equal(b_idx, rows + n):
        return None
    return start, stride


def scatter(pgrad: np.ndarray, pid: np.ndarray, vals: np.ndarray, unique: bool) -> None:
    if unique:
        pgrad[pid] += vals
    else:
        np.add.at(pgrad, pid, vals)
