"""Compile a recorded scalar graph into a numpy program replayed over a whole batch.

``trace`` calls a function of Values once, on placeholder inputs and labels, with the model's
parameters as shared leaves, and records the graph it built as a flat ``Program``: the nodes in
topological order, the primitive of each (a code into the primitive table), the indices of its
parents, and the values of its constants (``autograd.program``). ``CompiledGraph``
(``autograd.replay``) replays that program forward and backward on numpy arrays holding one
entry per sample, in the steps planned by ``autograd.plan``, through the table's numpy backends
(``autograd.arraymath``): the rules are the table's, not copies.

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
from typing import Any

import numpy as np

from .checks import count
from .labels import one_hot, one_hot_array, pick
from .modes import enable_grad, is_tracing, tracing
from .program import INPUT, OPCODES, Program, record
from .replay import CompiledGraph
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
        if not p.is_leaf:
            raise ValueError(
                f"trace: parameter {p!r} is the result of an operation ({p.op}), not a leaf: it would be "
                "recomputed from its parents and get no gradient; pass the leaves it is made of"
            )
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
    program = record(([loss] if loss is not None else []) + outs, xs, ys, params, loss, outs)
    used = {program.slots[i] for i, c in enumerate(program.codes) if c == INPUT}
    if n_in and not used:
        raise TracingError(
            f"the traced result does not depend on any of the {n_in} input Values: was the input "
            "converted to numbers (for example through .data) before use?"
        )
    return CompiledGraph(program, params, one_hot=one_hot)


def _count(n: Any, name: str) -> int:
    return count(n, name, "trace")


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
