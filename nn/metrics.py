"""Which class a score vector predicts, and how many predictions are right.

(To be the one home of the rule; ``fit``, ``evaluate``, ``predict_classes``, the losses'
accuracy and the plots call it.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value

from .objectives import Objective


def count_correct(obj: Objective, out: list[Value], t: Any) -> int:
    """1 when the outputs ``out`` of one sample predict its label ``t``, else 0."""
    if obj.kind == "binary":
        return int((out[0].data > obj.threshold) == (t == 1))
    scores = [o.data for o in out]
    return int(scores.index(max(scores)) == t)


def count_correct_batch(obj: Objective, scores: np.ndarray, y: np.ndarray) -> int:
    """``count_correct`` summed over a batch, from the scores (batch, outputs) of a compiled replay."""
    if obj.kind == "binary":
        return int(np.sum((scores[:, 0] > obj.threshold) == (y == 1)))
    if obj.kind == "multiclass":
        return int(np.sum(scores.argmax(axis=1) == y))
    return 0
