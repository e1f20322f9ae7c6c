"""Labels as data: a class label enters a graph as a one-hot vector, never as an index, so
the graph has the same shape for every sample (what the compiled replay needs).

``one_hot`` builds the vector as constant Values for the plain engine, ``one_hot_array`` a
batch of them for the replay, and ``pick(scores, onehot)`` is "the score of the true class"
as a dot with the one-hot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .checks import is_count
from .value import Value

if TYPE_CHECKING:
    import numpy as np


def one_hot(label: int, n_classes: int) -> list[Value]:
    """The one-hot vector of ``label`` as constant Values: what a traced loss receives as its
    label Values, for running the same loss with the plain engine."""
    return [Value(1.0 if j == label else 0.0) for j in range(check_label(label, n_classes))]


def one_hot_array(labels: Any, n_classes: int) -> np.ndarray:
    """Class indices (batch,) as a float array (batch, n_classes) of one-hot rows."""
    import numpy as np  # here, not at the top: the engine's core loads without numpy

    y = np.asarray(labels)
    out = np.zeros((y.shape[0] if y.ndim else 1, n_classes))
    fill_one_hot(out.T, y.reshape(-1), n_classes)
    return out


def pick(scores: Sequence[Value], onehot: Sequence[Any]) -> Value:
    """The score of the labelled class, ``scores[label]``, written as a dot with the one-hot
    vector so that the label is data: Σⱼ onehotⱼ·scoreⱼ. Adding the zeros changes nothing, so
    it equals the indexed score exactly."""
    return Value.dot(list(onehot), list(scores))


def check_label(label: Any, n_classes: int) -> int:
    """``n_classes``, after checking that ``label`` is a class index below it."""
    if not is_count(label) or not 0 <= int(label) < n_classes:
        raise ValueError(f"one_hot needs a class index in 0..{n_classes - 1}, got {label!r}")
    return n_classes


def fill_one_hot(rows: np.ndarray, y: np.ndarray, n_classes: int, checked: bool = False) -> None:
    """rows (n_classes, batch) := one-hot columns of the class indices y; ``checked``: the
    caller has checked that y holds class indices below n_classes."""
    import numpy as np

    if checked:  # as indices, also when they come as bools (which numpy would read as a mask)
        rows.fill(0.0)
        rows[y.astype(np.intp, copy=False), np.arange(y.shape[0])] = 1.0
        return
    if y.dtype.kind not in "iub":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            bad = next(v for v in y.tolist() if not (np.isfinite(v) and v == round(v)))
            raise ValueError(f"one-hot labels must be class indices, got {bad!r}")
    yi = y.astype(np.intp)
    wrong = (yi < 0) | (yi >= n_classes)
    if wrong.any():
        i = int(np.argmax(wrong))
        raise ValueError(f"label {y[i].item()!r} of sample {i} is not a class index in 0..{n_classes - 1}")
    rows.fill(0.0)
    rows[yi, np.arange(yi.shape[0])] = 1.0
