"""Losses chosen by name: what ``fit``, ``evaluate`` and the command line mean by "svm",
"ce", "mse" and "bce", for a model with one output or with C >= 2:

============  ==============================================  ==================================
loss          one output (binary / regression)                C >= 2 outputs (C classes)
============  ==============================================  ==================================
``"svm"``     hinge max(0, 1 − y·s), labels {0,1}→{−1,+1}     multiclass hinge (margin 1)
``"bce"``     binary cross-entropy from the logit s           (not defined: use "ce")
``"ce"``      (not defined: use "bce" or "svm")               cross-entropy from the logits
``"mse"``     (s − y)², regression or 0/1 targets             mean of (sₖ − onehot(y)ₖ)²
============  ==============================================  ==================================

or a callable ``loss(outputs, target) -> Value`` for one sample, where ``outputs`` is the
list of the model's output Values. An ``Objective`` is the per-sample loss with the kind of
problem it solves ("binary", "multiclass" or "regression"), which says how a score vector
is read as a class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Value

from . import losses as L
from .metrics import threshold_of

LossFn = Callable[[list[Value], Any], Value]
LOSS_NAMES = ("svm", "ce", "mse", "bce")


def outputs_for(loss: str, classes: int | None) -> int:
    """How many outputs a model needs for the named ``loss`` on ``classes`` classes (None:
    numeric targets): one score for two classes, except with "ce", which needs one per
    class, as it does on more than two. A ValueError when the loss does not fit the data."""
    if loss not in LOSS_NAMES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSS_NAMES)}")
    if classes is None:
        if loss != "mse":
            raise ValueError(f"the labels are numbers, not classes: use the loss 'mse', not {loss!r}")
        return 1
    if loss == "bce" and classes > 2:
        raise ValueError(f"the loss 'bce' separates two classes, the data has {classes}: use 'ce', 'svm' or 'mse'")
    return 1 if classes <= 2 and loss != "ce" else max(classes, 2)


@dataclass(frozen=True)
class Objective:
    """A per-sample loss for a model with ``n_outputs`` outputs, and how to score accuracy:
    ``kind`` is "binary" (one output: class 1 where the score > ``threshold``, the loss's
    threshold from ``nn.metrics``), "multiclass" (argmax) or "regression" (no accuracy)."""

    name: str
    per_sample: LossFn
    n_outputs: int
    kind: str
    threshold: float = 0.0


def _binary_hinge(out: list[Value], t: Any) -> Value:
    return L.hinge(out[0], 2.0 * t - 1.0)


def _bce(out: list[Value], t: Any) -> Value:
    return L.binary_cross_entropy_with_logits(out[0], t)


def _mse_one(out: list[Value], t: Any) -> Value:
    return L.mse(out, [t])


def _mse_onehot(out: list[Value], t: Any) -> Value:
    if isinstance(t, (list, tuple)):  # the one-hot label Values of a compiled run
        return L.mse(out, t)
    return L.mse(out, [1.0 if k == t else 0.0 for k in range(len(out))])


def objective(loss: str | LossFn, n_outputs: int, y: np.ndarray | None = None) -> Objective:
    """The Objective for ``loss`` on a model with ``n_outputs`` outputs; with the labels
    ``y`` also checks that they suit the loss (a ValueError names the labels found)."""
    integer = y is not None and np.asarray(y).dtype.kind in "iub"
    if callable(loss) and not isinstance(loss, str):
        name = getattr(loss, "__name__", "custom")
        if not integer:
            return Objective(name, loss, n_outputs, "regression")
        return Objective(name, loss, n_outputs, "binary" if n_outputs == 1 else "multiclass")
    if loss not in LOSS_NAMES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSS_NAMES)} or pass a function")
    if n_outputs == 1:
        if loss == "ce":
            raise ValueError("loss 'ce' needs a model with >= 2 outputs (one per class); with one output use 'bce'")
        if loss == "mse":
            obj = Objective("mse", _mse_one, 1, "binary" if integer else "regression", threshold_of("mse"))
        else:
            obj = Objective(loss, _binary_hinge if loss == "svm" else _bce, 1, "binary", threshold_of(loss))
    else:
        if loss == "bce":
            raise ValueError(f"loss 'bce' needs a model with one output, this model has {n_outputs}; use 'ce'")
        per = {"svm": L.multiclass_hinge, "ce": L.cross_entropy, "mse": _mse_onehot}[loss]
        obj = Objective(loss, per, n_outputs, "multiclass")
    if y is not None:
        check_labels(obj, np.asarray(y))
    return obj


def check_labels(obj: Objective, y: np.ndarray) -> None:
    """A ValueError naming the labels ``y`` when they do not suit ``obj``'s loss."""
    if obj.kind == "regression":
        return
    if y.dtype.kind not in "iub":
        raise ValueError(
            f"loss {obj.name!r} classifies and needs integer class labels, got {y.dtype} labels "
            f"such as {y[:3].tolist()}"
        )
    allowed = 2 if obj.kind == "binary" else obj.n_outputs
    bad = sorted({int(v) for v in np.unique(y) if not 0 <= v < allowed})
    if bad:
        raise ValueError(
            f"loss {obj.name!r} on a model with {obj.n_outputs} output(s) needs labels in 0..{allowed - 1}, "
            f"got {bad[:5]}"
        )
