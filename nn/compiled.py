"""fit's compiled path: the named losses written with the label as data, traced once and
replayed over each batch with ``autograd.compile``.

A recorded graph cannot branch on the label, so each loss is restated without indexing or
``if`` on it — the same numbers as the loss in ``nn.losses``, to rounding:

* binary labels t in {0, 1} enter as one label Value and the sign is computed in the graph:
  hinge max(0, 1 − (2t − 1)·s), and the logistic loss softplus((1 − 2t)·s) with the
  branch-free softplus(z) = relu(z) + log(1 + exp(−|z|));
* class labels enter as a one-hot vector: the true score s_y is ``pick(scores, onehot)``,
  multiclass hinge Σⱼ (1 − onehotⱼ)·max(0, sⱼ − s_y + 1), cross-entropy log Σⱼ exp(sⱼ − s_y)
  (stable without a max: the true class contributes exp(0) = 1);
* regression targets and mse's one-hot targets enter as label Values as they are.

A custom loss callable is traced with label Values too — its target is one label Value, or
for a multiclass model the one-hot list — and one that branches on its target raises
``TracingError`` (train it with ``compiled=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Value
from autograd.compile import CompiledGraph, pick, trace

from . import losses as L


def binary_hinge(out: list[Value], ys: list[Value]) -> Value:
    """max(0, 1 − y·s) with y = 2t − 1 from the label t in {0, 1}."""
    return (out[0] * (1.0 - 2.0 * ys[0]) + 1.0).relu()


def softplus(z: Value) -> Value:
    """log(1 + exp(z)) without a branch: relu(z) + log(1 + exp(−|z|))."""
    return z.relu() + ((-z.abs()).exp() + 1.0).log()


def binary_logistic(out: list[Value], ys: list[Value]) -> Value:
    """Binary cross-entropy from the logit s for t in {0, 1}: softplus((1 − 2t)·s)."""
    return softplus(out[0] * (1.0 - 2.0 * ys[0]))


def multiclass_hinge(out: list[Value], onehot: list[Value], margin: float = 1.0) -> Value:
    """Σ_{j≠y} max(0, sⱼ − s_y + margin), the j = y term multiplied by 0."""
    threshold = pick(out, onehot) - margin
    return Value.sum([(1.0 - t) * (s - threshold).relu() for s, t in zip(out, onehot)])


def cross_entropy(out: list[Value], onehot: list[Value]) -> Value:
    """−log softmax(s)_y = log Σⱼ exp(sⱼ − s_y)."""
    sy = pick(out, onehot)
    return Value.sum([(s - sy).exp() for s in out]).log()


def _mse(out: list[Value], ys: list[Value]) -> Value:
    return L.mse(out, ys)


def traceable(name: str, kind: str, n_outputs: int, per_sample: Callable[..., Value]) -> tuple[Callable, int, bool]:
    """(loss(outputs, label Values), number of label Values, whether they are one-hot) for the
    objective ``name`` of ``kind`` ("binary", "multiclass", "regression")."""
    if kind == "multiclass":
        table = {"svm": multiclass_hinge, "ce": cross_entropy, "mse": _mse}
        return table.get(name) or (lambda out, ys: per_sample(out, ys)), n_outputs, True
    if name == "svm":
        return binary_hinge, 1, False
    if name == "bce":
        return binary_logistic, 1, False
    if name == "mse":
        return _mse, 1, False
    return (lambda out, ys: per_sample(out, ys[0])), 1, False


class CompiledObjective:
    """The model's per-sample loss, traced once; ``batch`` replays it forward and backward on
    a batch, adds the mean gradient to each parameter's ``.grad`` and returns the mean loss and
    the scores of every sample."""

    def __init__(self, model: Any, nin: int, name: str, kind: str, n_outputs: int, per_sample: Callable) -> None:
        loss, n_labels, one_hot = traceable(name, kind, n_outputs, per_sample)
        self.kind = kind

        def fn(xs: list[Value], ys: list[Value]) -> tuple[Value, list[Value]]:
            out = model(xs)
            out = [out] if isinstance(out, Value) else list(out)
            return loss(out, ys), out

        self.net: CompiledGraph = trace(fn, model.parameters(), inputs=nin, labels=n_labels, one_hot=one_hot)

    def batch(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        labels = y if self.kind == "multiclass" else np.asarray(y, dtype=np.float64)
        losses = self.net.forward(X, labels)
        self.net.backward("mean")
        return float(losses.mean()), self.net.outputs()
