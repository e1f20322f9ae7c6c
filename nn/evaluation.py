"""A trained model on a data set: ``predict`` (the raw scores), ``predict_classes`` and
``evaluate`` (the loss and the accuracy), on the plain engine or compiled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import no_grad

from . import losses as L
from .data import check_xy
from .metrics import count_correct, count_correct_batch
from .objectives import LossFn, objective
from .outputs import count_outputs, model_outputs, penalised_weights
from .replay import LossReplay, trace_model


def predict(model: Any, X: Any, compiled: bool = False) -> np.ndarray:
    """The model's raw outputs (scores) for every row of ``X``: shape (n, n_outputs).
    ``compiled=True`` traces the model once and replays it over all rows with numpy."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if compiled:
        return trace_model(model, X.shape[1]).forward(X)
    with no_grad():
        return np.array([[o.data for o in model_outputs(model, x)] for x in X.tolist()])


def predict_classes(model: Any, X: Any, compiled: bool = False) -> np.ndarray:
    """Predicted class per row: score > 0 for a one-output model, else the argmax."""
    scores = predict(model, X, compiled)
    if scores.shape[1] == 1:
        return (scores[:, 0] > 0.0).astype(np.int64)
    return scores.argmax(axis=1)


def evaluate(
    model: Any, X: Any, y: Any, loss: str | LossFn = "ce", reg: float = 0.0, compiled: bool = False
) -> tuple[float, float | None]:
    """(loss, accuracy) of the model on the whole set, without building a graph.

    The loss is the mean per-sample loss plus reg·R(W); accuracy is None for regression.
    ``compiled=True`` traces the model and loss once and replays them over all samples with
    numpy (the same numbers, to rounding; much faster on large sets).
    """
    X, y = check_xy(X, y, "evaluate")
    if compiled:
        obj = objective(loss, count_outputs(model, X), y)
        data_loss, scores = LossReplay(model, obj, X.shape[1]).run(X, y, backward=False)
        value = data_loss
        if reg:
            with no_grad():
                value += float(reg) * L.l2_penalty(penalised_weights(model)).data
        acc = None if obj.kind == "regression" else count_correct_batch(obj, scores, y) / len(y)
        return float(value), acc
    rows, targets = X.tolist(), y.tolist()
    with no_grad():
        outs = [model_outputs(model, x) for x in rows]
        obj = objective(loss, len(outs[0]), y)
        value = L.regularized_loss([obj.per_sample(o, t) for o, t in zip(outs, targets)], penalised_weights(model), reg)
    acc = None if obj.kind == "regression" else sum(count_correct(obj, o, t) for o, t in zip(outs, targets)) / len(rows)
    return float(value.data), acc
