"""Which class a score vector predicts: the one rule that ``fit``, ``evaluate``,
``predict_classes``, ``nn.losses.zero_one``/``accuracy`` and the decision-boundary plots
all call, so they never disagree.

* Several scores (C >= 2 outputs): the class of the highest score (the first on ties).
* One score: class 1 when the score is above the loss's threshold, else class 0. The
  threshold is 0 for "svm" (the sign of a margin score, labels ±1), "bce" (a logit:
  probability ½) and a loss given as a function; it is 0.5 for "mse", which pulls the
  score towards the targets 0 and 1, so the boundary lies halfway between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

THRESHOLDS = {"svm": 0.0, "bce": 0.0, "ce": 0.0, "mse": 0.5}


def threshold_of(loss: Any = None) -> float:
    """The score above which a one-output model trained with ``loss`` predicts class 1:
    0.5 for "mse", 0 for the other names, for a loss function and for None."""
    return THRESHOLDS.get(loss, 0.0) if isinstance(loss, str) else 0.0


def predicted_classes(scores: Any, threshold: float = 0.0) -> np.ndarray:
    """The predicted class of each score vector: ``scores`` of shape (..., n_outputs) give
    int64 classes of shape (...): score > ``threshold`` for one output, else the argmax."""
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim == 0 or s.shape[-1] == 0:
        raise ValueError(f"predicted_classes needs scores of shape (..., n_outputs >= 1), got shape {s.shape}")
    if s.shape[-1] == 1:
        return (s[..., 0] > threshold).astype(np.int64)
    return s.argmax(axis=-1).astype(np.int64)


def predicted_class(scores: Sequence[float], threshold: float = 0.0) -> int:
    """The predicted class of one score vector (see ``predicted_classes``)."""
    return int(predicted_classes([list(scores)], threshold)[0])


def count_correct(scores: Any, labels: Any, threshold: float = 0.0) -> int:
    """How many rows of ``scores`` (n, n_outputs) predict their label in ``labels`` (n,)."""
    return int(np.count_nonzero(predicted_classes(scores, threshold) == np.asarray(labels)))


def class_margins(scores: Any, threshold: float = 0.0) -> np.ndarray:
    """m_k = s_k − max_{j≠k} s_j for each class k, over scores of shape (..., n_outputs);
    one output gives the two classes' margins (threshold − s, s − threshold). Class k is
    predicted where m_k > 0 and the boundary is m_k = 0 (what the plots contour)."""
    s = np.asarray(scores, dtype=np.float64)
    if s.shape[-1] == 1:
        d = s[..., 0] - threshold
        return np.stack([-d, d], axis=-1)
    out = np.empty_like(s)
    for k in range(s.shape[-1]):
        out[..., k] = s[..., k] - np.delete(s, k, axis=-1).max(axis=-1)
    return out
