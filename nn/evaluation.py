"""A trained model on a data set: ``predict`` (the raw scores), ``predict_classes`` and
``evaluate`` (the loss and the accuracy), on the plain engine or compiled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import no_grad

from . import losses as L
from .batches import check_xy
from .metrics import count_correct, predicted_classes, threshold_of
from .objectives import LossFn, objective
from .outputs import count_outputs, outputs_of_rows, penalised_weights
from .replay import LossReplay, replayed_score, trace_model


def predict(model: Any, X: Any, compiled: bool = False) -> np.ndarray:
    """The model's raw outputs (scores) for every row of ``X``: shape (n, n_outputs).
    ``compiled=True`` traces the model once and replays it over all rows with numpy."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if compiled:
        return trace_model(model, X.shape[1]).forward(X)
    with no_grad():
        return np.array([[o.data for o in out] for out in outputs_of_rows(model, X.tolist())])


def predict_classes(model: Any, X: Any, loss: str | LossFn | None = None, compiled: bool = False) -> np.ndarray:
    """Predicted class per row, by the rule of ``nn.metrics``: the argmax of several outputs;
    for one output, score > the threshold of the ``loss`` the model was trained with (0.5
    for "mse", else 0: pass ``loss="mse"`` for a one-output model trained with it)."""
    return predicted_classes(predict(model, X, compiled), threshold_of(loss))


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
        return replayed_score(LossReplay(model, obj, X.shape[1]), obj, model, X, y, reg)
    rows, targets = X.tolist(), y.tolist()
    with no_grad():
        outs = outputs_of_rows(model, rows)
        obj = objective(loss, len(outs[0]), y)
        value = L.regularized_loss([obj.per_sample(o, t) for o, t in zip(outs, targets)], penalised_weights(model), reg)
    scores = [[o.data for o in out] for out in outs]
    acc = None if obj.kind == "regression" else count_correct(scores, y, obj.threshold) / len(rows)
    return float(value.data), acc
