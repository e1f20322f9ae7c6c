"""Compile a recorded scalar graph into a numpy program replayed over a whole batch.

``trace`` calls a function of Values once, on placeholder inputs and labels, with the model's
parameters as shared leaves, and records the graph it built as a flat ``Program``: the nodes in
topological order, the primitive of each (a code into the primitive table), the indices of its
parents, and the values of its constants. ``CompiledGraph`` replays that program forward and
backward on numpy arrays holding one entry per sample, through the table's ``ARRAY`` backend
(and its ``MATRIX`` form of the dot row for whole layers): the rules are the table's, not copies.

The rule for what compiles: **the graph must have the same shape for every sample.** The traced
function may use Python ``if``/``for`` on anything *but* the data — sizes, options, the model's
structure — because the recorded graph is replayed without running the function again. So:

* no Value in an ``if``/``while``/``and``/``or``, in a comparison (< <= > >=, so also no
  ``max``/``min``/``sorted`` of Values), or in ``float()`` while tracing: these raise
  ``TracingError``. Use the table's operations instead: ``relu`` for max(0, x), ``abs``, ...;
* no indexing by a label: a label enters as data, as a one-hot vector of label Values, and
  "the score of the true class" is ``pick(scores, onehot)``, a dot with the one-hot
  (``one_hot`` builds the same vector as constants for the plain engine). The losses of
  ``nn.losses`` take such one-hot labels, and binary targets as Values;
* reading ``.data`` to decide something cannot be detected: it freezes the decision taken for
  the traced sample. Code that must choose a form by the numbers (a max shift, a clamp) asks
  ``is_tracing()`` and builds a branch-free one instead, as ``nn.losses`` does;
* a leaf that is neither an input, a label nor a listed parameter is a constant, frozen at its
  value when traced.

Replay computes what per-sample forward and ``backward`` would, sample by sample: parameter
gradients are summed over the batch (or averaged), and written into ``.grad`` by accumulation,
so the optimizers work unchanged. Out-of-domain input (log of 0, division by 0) raises the
plain engine's ValueError, naming the operation, the node and the sample.

Example::

    model = MLP(2, [16, 16, 1])
    net = trace(lambda xs, ys: hinge(model(xs)[0], ys[0]), model.parameters(), inputs=2, labels=1)
    losses = net.forward(X, y)   # (batch,) loss of each sample
    net.backward("mean")         # p.grad += mean gradient, for every parameter p
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .backprop import topological_order
from .labels import fill_one_hot, one_hot, one_hot_array, pick
from .modes import enable_grad, is_tracing, tracing
from .primitives import ARRAY, DOT, FLOAT, PRIMITIVES, MatrixMath, Primitive
from .value import TracingError, Value

__all__ = [
    "trace",
    "CompiledGraph",
    "Program",
    "TracingError",
    "is_tracing",
    "one_hot",
    "one_hot_array",
    "pick",
    "OPCODES",
]

OPCODES: tuple[str, ...] = tuple(PRIMITIVES)
"""Primitive code i means the row ``PRIMITIVES[OPCODES[i]]``; leaves have negative codes."""

INPUT, LABEL, PARAM, CONST = -1, -2, -3, -4
_LEAF_KINDS = {INPUT: "input", LABEL: "label", PARAM: "param", CONST: "const"}
_PRIMS: tuple[Primitive, ...] = tuple(PRIMITIVES[name] for name in OPCODES)


# ---------------------------------------------------------------------------------------
# The flat record
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    """A recorded graph, flat: node i has ``codes[i]`` (an index into ``OPCODES``, or a
    negative leaf code: -1 input, -2 label, -3 parameter, -4 constant), ``parents[i]`` (indices
    of earlier nodes) and ``slots[i]`` (for a leaf: which input, label, parameter or constant
    it is). Nodes are in topological order: every parent comes before its child."""

    codes: tuple[int, ...]
    parents: tuple[tuple[int, ...], ...]
    slots: tuple[int, ...]
    constants: tuple[float, ...]
    loss: int | None
    outputs: tuple[int, ...]
    n_inputs: int
    n_labels: int
    n_params: int

    def op(self, i: int) -> str:
        """Name of node i's primitive, or its kind of leaf."""
        c = self.codes[i]
        return OPCODES[c] if c >= 0 else _LEAF_KINDS[c]

    def __len__(self) -> int:
        return len(self.codes)


def _record(
    roots: list[Value], xs: list[Value], ys: list[Value], params: list[Value], loss: Value | None, outs: list[Value]
) -> Program:
    order = topological_order(roots)
    index = {id(v): i for i, v in enumerate(order)}
    leaf_kind: dict[int, tuple[int, int]] = {}
    for kind, group in ((PARAM, params), (INPUT, xs), (LABEL, ys)):
        for slot, v in enumerate(group):
            leaf_kind[id(v)] = (kind, slot)
    codes, parents, slots, constants = [], [], [], []
    prim_code = {id(p): c for c, p in enumerate(_PRIMS)}
    for v in order:
        if v._prim is None:
            kind, slot = leaf_kind.get(id(v), (CONST, len(constants)))
            if kind == CONST:
                constants.append(v.data)
            codes.append(kind)
            parents.append(())
            slots.append(slot)
        else:
            code = prim_code.get(id(v._prim))
            if code is None:
                raise TracingError(f"{v!r} was made by {v._prim!r}, which is not in the primitive table")
            codes.append(code)
            parents.append(tuple(index[id(p)] for p in v.parents))
            slots.append(-1)
    return Program(
        codes=tuple(codes),
        parents=tuple(parents),
        slots=tuple(slots),
        constants=tuple(constants),
        loss=index[id(loss)] if loss is not None else None,
        outputs=tuple(index[id(o)] for o in outs),
        n_inputs=len(xs),
        n_labels=len(ys),
        n_params=len(params),
    )


# ---------------------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------------------


def trace(
    fn: Callable[..., Any],
    params: Sequence[Value],
    inputs: int,
    labels: int = 0,
    *,
    one_hot: bool = False,
    example: tuple[Any, Any] | None = None,
) -> CompiledGraph:
    """Record ``fn`` once and compile it for replay over batches.

    ``fn(xs)`` — or ``fn(xs, ys)`` when ``labels`` > 0 — receives ``inputs`` input Values and
    ``labels`` label Values, and returns either the loss (a Value), or a tuple
    ``(loss, outputs)`` with outputs a Value or a list of Values to read back after a forward
    pass (scores, for accuracy), or a list of Values (outputs only: prediction, no backward).
    ``params`` are the leaves whose gradients ``backward`` returns (``model.parameters()``).
    With ``one_hot=True`` the ``labels`` label Values are a one-hot vector and ``forward``
    takes class indices. ``example=(x, y)`` sets the numbers used while tracing (default: every
    input 0.5, label class 0 or value 1.0); they matter only if ``fn`` fails on the default.
    """
    n_in = _count(inputs, "inputs")
    n_lab = _count(labels, "labels")
    if one_hot and n_lab < 2:
        raise ValueError(f"trace: one_hot=True needs labels >= 2 classes, got labels={labels!r}")
    params = list(params)
    seen: set[int] = set()
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"trace: params must be Values, got {p!r} of type {type(p).__name__}")
        if id(p) in seen:
            raise ValueError(f"trace: parameter {p!r} is listed twice")
        seen.add(id(p))
    x0, y0 = _example(example, n_in, n_lab, one_hot)
    xs = [Value(x0[i], label=f"x{i}") for i in range(n_in)]
    ys = [Value(y0[j], label=f"y{j}") for j in range(n_lab)]
    try:
        with tracing(), enable_grad():
            result = fn(xs, ys) if n_lab else fn(xs)
    except TracingError:
        raise
    except Exception as e:
        raise TracingError(
            f"tracing {getattr(fn, '__name__', fn)!r} with {n_in} input Values"
            + (f" and {n_lab} label Values" if n_lab else "")
            + f" failed: {type(e).__name__}: {e}"
        ) from e
    loss, outs = _split_result(result)
    program = _record(([loss] if loss is not None else []) + outs, xs, ys, params, loss, outs)
    used = {program.slots[i] for i, c in enumerate(program.codes) if c == INPUT}
    if n_in and not used:
        raise TracingError(
            f"the traced result does not depend on any of the {n_in} input Values: was the input "
            "converted to numbers (for example through .data) before use?"
        )
    return CompiledGraph(program, params, one_hot=one_hot)


def _count(n: Any, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"trace: {name} must be a count >= 0, got {n!r}")
    return int(n)


def _example(example: Any, n_in: int, n_lab: int, one_hot: bool) -> tuple[np.ndarray, np.ndarray]:
    if example is None:
        return np.full(n_in, 0.5), (np.eye(n_lab)[0] if one_hot else np.ones(n_lab))
    x, y = example
    x = np.asarray(x, dtype=float).reshape(-1)
    if one_hot:
        y = one_hot_array(np.asarray([y]).reshape(-1)[:1], n_lab)[0]
    else:
        y = np.asarray(y if y is not None else [], dtype=float).reshape(-1)
    if x.shape != (n_in,) or y.shape != (n_lab,):
        raise ValueError(f"trace: example needs {n_in} inputs and {n_lab} labels, got {x.shape[0]} and {y.shape[0]}")
    return x, y


def _split_result(result: Any) -> tuple[Value | None, list[Value]]:
    def values(seq: Any) -> list[Value]:
        seq = [seq] if isinstance(seq, Value) else list(seq)
        for v in seq:
            if not isinstance(v, Value):
                raise TypeError(f"trace: the traced function must return Values, got {v!r} of type {type(v).__name__}")
        return seq

    if isinstance(result, Value):
        return result, []
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Value):
        return result[0], values(result[1])
    if isinstance(result, list):
        return None, values(result)
    raise TypeError(
        "trace: the traced function must return a loss Value, a tuple (loss, outputs) or a list "
        f"of output Values, got {result!r} of type {type(result).__name__}"
    )


# ---------------------------------------------------------------------------------------
# Replay
# ---------------------------------------------------------------------------------------


def _rows(rows: Sequence[int]) -> slice | np.ndarray:
    """A slice when the rows are consecutive (a view, no copy), else an index array."""
    if len(rows) and all(b == a + 1 for a, b in zip(rows, rows[1:])):
        return slice(rows[0], rows[-1] + 1)
    return np.asarray(rows, dtype=np.intp)


def _unique(rows: slice | np.ndarray) -> bool:
    return isinstance(rows, slice) or len(np.unique(rows)) == len(rows)


def _add_into(G: np.ndarray, rows: slice | np.ndarray, unique: bool, d: Any) -> None:
    """G[rows] += d, summing over repeated rows."""
    if unique:
        G[rows] += d
    else:
        np.add.at(G, rows, np.broadcast_to(d, (len(rows), G.shape[1])))


class _Elementwise:
    """A group of nodes of one level with the same primitive and arity, done at once: each
    operand is a (k, batch) block of rows of the value buffer."""

    kind = "elementwise"

    def __init__(
        self, prim: Primitive, nodes: list[int], out: slice, operands: list[slice | np.ndarray], need: list[bool]
    ):
        self.prim, self.nodes, self.out, self.operands, self.need = prim, nodes, out, operands, need
        self.unique = [_unique(o) for o in operands]
        self.args: list[np.ndarray] = []

    def forward(self, V: np.ndarray, lv: np.ndarray) -> None:
        self.args = [V[o] for o in self.operands]
        V[self.out] = self.prim.forward(ARRAY, *self.args)

    def local(self, V: np.ndarray, G: np.ndarray) -> list[Any]:
        return self.prim.vjp(ARRAY, G[self.out], V[self.out], *self.args)

    def accumulate(self, G: np.ndarray, pgrad: np.ndarray, grads: list[Any]) -> None:
        for o, d, need, unique in zip(self.operands, grads, self.need, self.unique):
            if need:
                _add_into(G, o, unique, d)

    def floats(self, V: np.ndarray, G: np.ndarray | None, j: int, s: int) -> tuple[Any, ...]:
        """Node j of the group on sample s, for the float backend: (g, out, *args)."""
        out = float(V[self.out][j, s])
        g = float(G[self.out][j, s]) if G is not None else 0.0
        return (g, out, *[float(a[j, s]) for a in self.args])

    def describe(self) -> str:
        return f"{self.prim.name} ×{len(self.nodes)}"


class _Layer:
    """Dot nodes that share their inputs and take their weights (and bias) from leaves: one
    matrix product W @ X (+ b), through the dot row of the table on the ``MATRIX`` backend."""

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
        self.x_unique = _unique(x)
        self.math = MatrixMath(input_grads=x_need)
        flat = w_idx.reshape(-1)
        is_param = flat < n_params
        self.w_all_params = bool(is_param.all())
        self.w_pos = np.flatnonzero(is_param)
        self.w_pid = flat[is_param]
        self.w_unique = len(np.unique(self.w_pid)) == len(self.w_pid)
        if b_idx is not None:
            b_param = b_idx < n_params
            self.b_pos = np.flatnonzero(b_param)
            self.b_pid = b_idx[b_param]
            self.b_unique = len(np.unique(self.b_pid)) == len(self.b_pid)
        self.args: tuple[np.ndarray, ...] = ()

    def forward(self, V: np.ndarray, lv: np.ndarray) -> None:
        W = lv[self.w_idx]
        X = V[self.x]
        self.args = (W, X) if self.b_idx is None else (W, X, lv[self.b_idx][:, None])
        V[self.out] = DOT.forward(self.math, *self.args)

    def local(self, V: np.ndarray, G: np.ndarray) -> list[Any]:
        return DOT.vjp(self.math, G[self.out], V[self.out], *self.args)

    def accumulate(self, G: np.ndarray, pgrad: np.ndarray, grads: list[Any]) -> None:
        dW, dX = grads[0], grads[1]
        if self.w_all_params:
            _scatter(pgrad, self.w_pid, dW.reshape(-1), self.w_unique)
        elif len(self.w_pid):
            _scatter(pgrad, self.w_pid, dW.reshape(-1)[self.w_pos], self.w_unique)
        if dX is not None:
            _add_into(G, self.x, self.x_unique, dX)
        if self.b_idx is not None and len(self.b_pid):
            _scatter(pgrad, self.b_pid, grads[2].sum(axis=1)[self.b_pos], self.b_unique)

    def describe(self) -> str:
        k, n = self.w_idx.shape
        return f"layer {k}×{n}" + (" + bias" if self.b_idx is not None else "")


def _scatter(pgrad: np.ndarray, pid: np.ndarray, vals: np.ndarray, unique: bool) -> None:
    if unique:
        pgrad[pid] += vals
    else:
        np.add.at(pgrad, pid, vals)


class CompiledGraph:
    """A traced ``Program`` ready to replay: ``forward`` over a batch, then ``backward``.

    Values live in one buffer of shape (rows, batch) — a row per input, label, interior node
    and each parameter or constant that an elementwise step reads — reused from step to step
    while the batch size stays the same. Nodes are grouped by level (distance from the
    leaves): a level's nodes with the same primitive run as one numpy operation on a block of
    rows, and a level's dot nodes that share their inputs run as one matrix product.
    """

    def __init__(self, program: Program, params: Sequence[Value], one_hot: bool = False) -> None:
        self.program = program
        self.params = list(params)
        self.one_hot = one_hot
        self._plan()
        self._batch = -1
        self._forwarded = False
        self.grads: np.ndarray = np.zeros(program.n_params)
        """Parameter gradients of the last ``backward``, in the order of ``params``."""

    # -- planning ---------------------------------------------------------------------------

    def _plan(self) -> None:
        pr = self.program
        n_params = pr.n_params
        codes, parents = pr.codes, pr.parents
        level = [0] * len(pr)
        requires = [False] * len(pr)
        for i, c in enumerate(codes):
            if c >= 0:
                level[i] = 1 + max((level[p] for p in parents[i]), default=0)
                requires[i] = any(requires[p] for p in parents[i])
            else:
                requires[i] = c == PARAM

        def fixed(i: int) -> bool:  # a leaf that is the same for every sample
            return codes[i] in (PARAM, CONST)

        # group the interior nodes: key -> nodes, in order of first appearance
        groups: dict[tuple[Any, ...], list[int]] = {}
        orient: dict[int, tuple[tuple[int, ...], tuple[int, ...], int | None]] = {}
        for i, c in enumerate(codes):
            if c < 0:
                continue
            ps = parents[i]
            key: tuple[Any, ...] = (level[i], "ew", c, len(ps))
            if _PRIMS[c] is DOT:
                n = len(ps) // 2
                bias = ps[-1] if len(ps) % 2 else None
                if bias is None or fixed(bias):
                    first, second = ps[:n], ps[n : 2 * n]
                    if all(map(fixed, first)):
                        orient[i] = (first, second, bias)
                    elif all(map(fixed, second)):
                        orient[i] = (second, first, bias)
                if i in orient:
                    key = (level[i], "layer", orient[i][1], bias is not None)
            groups.setdefault(key, []).append(i)

        # rows: inputs, labels, then leaves read by elementwise steps or as layer inputs, then steps
        row: dict[int, int] = {}
        for i, c in enumerate(codes):
            if c == INPUT:
                row[i] = pr.slots[i]
            elif c == LABEL:
                row[i] = pr.n_inputs + pr.slots[i]
        next_row = pr.n_inputs + pr.n_labels
        leaf_rows: list[int] = []
        needs_row = set(pr.outputs) | ({pr.loss} if pr.loss is not None else set())
        for key, nodes in groups.items():
            for i in nodes:
                needs_row.update(orient[i][1] if key[1] == "layer" else parents[i])
        for i in sorted(needs_row):
            if codes[i] < 0 and i not in row:
                row[i] = next_row
                leaf_rows.append(i)
                next_row += 1

        def leaf_value_index(i: int) -> int:  # into [parameter values..., constant values...]
            return pr.slots[i] if codes[i] == PARAM else n_params + pr.slots[i]

        steps: list[_Elementwise | _Layer] = []
        step_requires: list[bool] = []
        for key in sorted(groups, key=lambda k: k[0]):  # stable: first appearance within a level
            nodes = groups[key]
            if key[1] == "ew":
                nodes = sorted(nodes, key=lambda i: tuple(row[p] for p in parents[i]))
            out = slice(next_row, next_row + len(nodes))
            for i in nodes:
                row[i] = next_row
                next_row += 1
            if key[1] == "ew":
                arity = key[3]
                operands = [_rows([row[parents[i][j]] for i in nodes]) for j in range(arity)]
                need = [any(requires[parents[i][j]] for i in nodes) for j in range(arity)]
                steps.append(_Elementwise(_PRIMS[key[2]], nodes, out, operands, need))
            else:
                xs = orient[nodes[0]][1]
                w_idx = np.array([[leaf_value_index(w) for w in orient[i][0]] for i in nodes], dtype=np.intp)
                w_idx = w_idx.reshape(len(nodes), len(xs))
                b_idx = np.array([leaf_value_index(orient[i][2]) for i in nodes], dtype=np.intp) if key[3] else None
                x_need = any(requires[x] for x in xs)
                steps.append(_Layer(nodes, out, w_idx, b_idx, _rows([row[x] for x in xs]), x_need, n_params))
            step_requires.append(any(requires[i] for i in nodes))

        self._steps = steps
        self._step_requires = step_requires
        self._n_rows = next_row
        self._row = row
        self._param_rows = np.array([row[i] for i in leaf_rows if codes[i] == PARAM], dtype=np.intp)
        self._param_rows_pid = np.array([pr.slots[i] for i in leaf_rows if codes[i] == PARAM], dtype=np.intp)
        self._const_rows = np.array([row[i] for i in leaf_rows if codes[i] == CONST], dtype=np.intp)
        self._const_rows_val = np.array([pr.constants[pr.slots[i]] for i in leaf_rows if codes[i] == CONST])
        self._leaf_values = np.concatenate([np.zeros(n_params), np.asarray(pr.constants, dtype=float)])
        self._loss_row = row[pr.loss] if pr.loss is not None else None
        self._out_rows = _rows([row[i] for i in pr.outputs]) if pr.outputs else None

    def describe(self) -> str:
        """The replay plan, one line per step: what a batch costs in numpy operations."""
        pr = self.program
        lines = [
            f"{len(pr)} nodes ({pr.n_inputs} inputs, {pr.n_labels} labels, "
            f"{sum(c == PARAM for c in pr.codes)} of {pr.n_params} parameters used, "
            f"{len(pr.constants)} constants) -> {len(self._steps)} steps:"
        ]
        lines += [f"  {s.describe()}" for s in self._steps]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<CompiledGraph: {len(self.program)} nodes, {len(self._steps)} steps>"

    # -- forward ---------------------------------------------------------------------------

    def _buffers(self, batch: int) -> None:
        if batch != self._batch:
            self._V = np.zeros((self._n_rows, batch))
            self._G = np.zeros((self._n_rows, batch))
            if len(self._const_rows):
                self._V[self._const_rows] = self._const_rows_val[:, None]
            self._batch = batch

    def forward(self, X: Any, Y: Any = None) -> np.ndarray:
        """Run the program on every sample: X is (batch, inputs); Y is (batch, labels) — or
        (batch,) when there is one label, or class indices (batch,) with ``one_hot`` — and may
        be omitted when the program has no labels. Returns the loss of each sample (batch,),
        or, for a program without a loss, its outputs (batch, outputs)."""
        pr = self.program
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 and pr.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != pr.n_inputs:
            raise ValueError(
                f"forward: X must have shape (batch, {pr.n_inputs}), one row of {pr.n_inputs} inputs per "
                f"sample, got shape {X.shape}"
            )
        _check_finite(X, "X")
        batch = X.shape[0]
        if batch == 0:
            raise ValueError("forward: the batch is empty")
        self._buffers(batch)
        V = self._V
        V[: pr.n_inputs] = X.T
        self._load_labels(Y, batch)
        lv = self._leaf_values
        lv[: pr.n_params] = np.fromiter((p.data for p in self.params), dtype=float, count=pr.n_params)
        if len(self._param_rows):
            V[self._param_rows] = lv[self._param_rows_pid][:, None]
        with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
            for step in self._steps:
                try:
                    step.forward(V, lv)
                except FloatingPointError:
                    with np.errstate(all="ignore"):
                        step.forward(V, lv)
                        self._explain(step, None, None)
        self._forwarded = True
        if self._loss_row is not None:
            return V[self._loss_row].copy()
        return self.outputs()

    def _load_labels(self, Y: Any, batch: int) -> None:
        pr = self.program
        if pr.n_labels == 0:
            if Y is not None:
                raise ValueError("forward: this program was traced without labels, but Y was given")
            return
        if Y is None:
            raise ValueError(f"forward: this program needs labels Y ({pr.n_labels} per sample)")
        Y = np.asarray(Y)
        rows = self._V[pr.n_inputs : pr.n_inputs + pr.n_labels]
        if self.one_hot:
            if Y.shape != (batch,):
                raise ValueError(f"forward: Y must be {batch} class indices, shape ({batch},), got shape {Y.shape}")
            fill_one_hot(rows, Y, pr.n_labels)
            return
        Y = Y.astype(float)
        if Y.ndim == 1 and pr.n_labels == 1:
            Y = Y[:, None]
        if Y.shape != (batch, pr.n_labels):
            raise ValueError(f"forward: Y must have shape ({batch}, {pr.n_labels}), got shape {Y.shape}")
        _check_finite(Y, "Y")
        rows[:] = Y.T

    def outputs(self) -> np.ndarray:
        """The outputs of the last forward pass, one row per sample: (batch, outputs)."""
        if not self._forwarded:
            raise RuntimeError("outputs: call forward first")
        if self._out_rows is None:
            return np.zeros((self._batch, 0))
        return self._V[self._out_rows].T.copy()

    # -- backward --------------------------------------------------------------------------

    def backward(self, reduction: str = "sum", accumulate: bool = True) -> np.ndarray:
        """Gradients of the loss with respect to every parameter, over the batch of the last
        forward: summed (``reduction="sum"``, what per-sample ``backward`` accumulates) or
        averaged (``"mean"``). With ``accumulate`` (the default) they are added to each
        parameter's ``.grad``, as ``Value.backward`` does. Returns them as an array in the
        order of ``params`` (also kept in ``.grads``)."""
        if reduction not in ("sum", "mean"):
            raise ValueError(f"backward: reduction must be 'sum' or 'mean', got {reduction!r}")
        if self._loss_row is None:
            raise RuntimeError("backward: this program has no loss (the traced function returned only outputs)")
        if not self._forwarded:
            raise RuntimeError("backward: call forward first")
        V, G = self._V, self._G
        G.fill(0.0)
        G[self._loss_row] = 1.0
        pgrad = np.zeros(self.program.n_params)
        for step, req in zip(reversed(self._steps), reversed(self._step_requires)):
            if not req:
                continue
            try:
                with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
                    grads = step.local(V, G)
            except FloatingPointError:
                with np.errstate(all="ignore"):
                    grads = step.local(V, G)
                    self._explain(step, G, grads)
            with np.errstate(all="ignore"):  # inf - inf gives nan, as in the plain engine
                step.accumulate(G, pgrad, grads)
        if len(self._param_rows):
            _scatter(pgrad, self._param_rows_pid, G[self._param_rows].sum(axis=1), True)
        if reduction == "mean":
            pgrad /= self._batch
        if accumulate:
            for p, g in zip(self.params, pgrad.tolist()):
                p.grad += g
        self.grads = pgrad
        return pgrad

    # -- errors ------------------------------------------------------------------------------

    def _explain(self, step: _Elementwise | _Layer, G: np.ndarray | None, grads: list[Any] | None) -> None:
        """numpy met a domain problem in this step: raise the plain engine's ValueError for the
        first node and sample where the float rule refuses. (Where it does not — inf·0 in a
        product, say — the plain engine would carry on with nan or inf, and so does the replay.)"""
        if not isinstance(step, _Elementwise):
            return
        V = self._V
        if grads is None:
            bad = ~np.isfinite(V[step.out])
        else:
            bad = np.zeros(V[step.out].shape, dtype=bool)
            for d in grads:
                bad |= ~np.isfinite(np.broadcast_to(d, bad.shape))
        for j, s in np.argwhere(bad):
            g, out, *args = step.floats(V, G, j, s)
            try:
                if G is None:
                    step.prim.forward(FLOAT, *args)
                else:
                    step.prim.vjp(FLOAT, g, out, *args)
            except ValueError as e:
                where = "backward" if G is not None else "forward"
                raise ValueError(f"{e} — compiled replay ({where}), node {step.nodes[j]}, sample {s}") from e


def _check_finite(A: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(A)):
        s, j = np.argwhere(~np.isfinite(A))[0]
        raise ValueError(f"forward: {name}[{s}, {j}] is {A[s, j].item()!r}, not a finite number")
