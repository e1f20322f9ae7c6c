"""The compiled path of ``fit``, ``evaluate`` and ``predict``: the model and the per-sample
loss traced once with ``autograd.compile.trace`` and replayed over a
whole batch with numpy.

The losses are those of ``nn.losses``, with the label as data: a binary or regression
target is one label Value, a class label a one-hot list of label Values. A callable loss
receives those in place of the number (for C classes, the one-hot list where it would get
the index), so it must not index by the target or branch on it (``nn.losses`` accept both
forms); one that does raises ``TracingError``: train it with ``compiled=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Value, no_grad
from autograd.compile import CompiledGraph, TracingError, trace

from . import losses as L
from .metrics import count_correct
from .objectives import Objective
from .outputs import model_outputs, penalised_weights


def traced(fn: Callable[..., Any], what: str, *args: Any, **kwargs: Any) -> CompiledGraph:
    """``trace(fn, ...)``; a TracingError also says what was being compiled and what to do."""
    try:
        return trace(fn, *args, **kwargs)
    except TracingError as e:
        raise TracingError(f"{e}\n(compiling {what}: run it with compiled=False instead)") from e


def trace_model(model: Any, nin: int) -> CompiledGraph:
    """The model's outputs, traced for replay (prediction only)."""
    return traced(lambda xs: model_outputs(model, xs), "the model", model.parameters(), inputs=nin)


class LossReplay:
    """The per-sample loss of ``obj`` on the model's outputs, traced once: class labels enter
    as a one-hot list of label Values, other targets as one label Value. ``run`` replays it on
    a batch and returns the mean loss and the scores of every sample; with ``backward`` it
    also finds the mean gradient, the parameters' share of ``.backward()`` of the mean loss
    (in ``self.net.grads``, in the order of ``model.parameters()``)."""

    def __init__(self, model: Any, obj: Objective, nin: int) -> None:
        self.one_hot = obj.kind == "multiclass"

        def fn(xs: list[Value], ys: list[Value]) -> tuple[Value, list[Value]]:
            out = model_outputs(model, xs)
            return obj.per_sample(out, ys if self.one_hot else ys[0]), out

        n_labels = obj.n_outputs if self.one_hot else 1
        self.net = traced(
            fn, f"the loss {obj.name!r}", model.parameters(), inputs=nin, labels=n_labels, one_hot=self.one_hot
        )

    def run(
        self, X: np.ndarray, y: np.ndarray, backward: bool = True, params: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """(mean loss, scores) of the batch; ``params``: the parameters' values as an array
        (default: read from the model's Values). X and y must have passed ``check_xy`` and
        the objective's ``check_labels``: they are not checked again."""
        losses = self.net.forward(X, y if self.one_hot else np.asarray(y, dtype=np.float64), params, checked=True)
        if backward:
            self.net.backward("mean", accumulate=False)
        return float(np.add.reduce(losses)) / len(losses), self.net.outputs()


def replayed_score(
    replay: LossReplay,
    obj: Objective,
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    reg: float,
    penalty: Callable[[Sequence[Value]], Value] = L.l2_penalty,
) -> tuple[float, float | None]:
    """(mean loss + reg·R(W), accuracy) of a forward replay over the whole set ``(X, y)``;
    accuracy is None for regression."""
    data_loss, scores = replay.run(X, y, backward=False)
    value = data_loss
    if reg:
        with no_grad():
            value += float(reg) * penalty(penalised_weights(model)).data
    acc = None if obj.kind == "regression" else count_correct(scores, y, obj.threshold) / len(y)
    return float(value), acc
