"""Losses, metrics and regularizers of the lectures, built from engine Values.

Each loss is per sample (average over a batch with ``regularized_loss`` or your own mean),
takes Values or plain numbers, and returns a Value you can call ``.backward()`` on. Logs are
natural logs. Where a formula can overflow (softmax, log-softmax, cross-entropy, binary
cross-entropy from logits) the stable form is used; it gives the same value and gradient.

Class labels are indices 0..C−1, or one-hot sequences (Values or numbers): with a one-hot
label the true score is ``pick(scores, onehot)``, a dot with the one-hot, so the label is data
in the graph. Binary targets may be numbers or Values. That is what lets
``autograd.compile.trace`` record a loss once and replay it for every label: no loss here
indexes by a label Value or branches on a sample's numbers while tracing (see each docstring).

Bad arguments (a label out of range, an empty batch, lengths that do not match, a hinge
target that is not ±1) raise ValueError with the numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Value
from autograd.checks import is_count, is_real, real
from autograd.labels import pick
from autograd.modes import is_tracing

from .metrics import predicted_class, threshold_of

Scalar = Value | float
Scores = Sequence[Scalar]


# ---------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------


def _seq(x: Any, name: str, where: str) -> list[Any]:
    """A non-empty list from a sequence (or a 1-D array)."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, Value) or is_real(x):
        return [x]
    if not isinstance(x, (list, tuple)):
        raise TypeError(f"{where}: {name} must be a list of Values or numbers, got {x!r}")
    if len(x) == 0:
        raise ValueError(f"{where}: {name} is empty")
    return list(x)


def _pair(preds: Any, targets: Any, where: str) -> tuple[list[Any], list[Any]]:
    p = _seq(preds, "preds", where)
    t = _seq(targets, "targets", where)
    if len(p) != len(t):
        raise ValueError(f"{where}: {len(p)} predictions but {len(t)} targets")
    return p, t


def _label(label: Any, n: int, where: str) -> int:
    if not is_count(label):
        if isinstance(label, float) and label.is_integer():
            label = int(label)
        else:
            raise TypeError(f"{where}: label must be a class index (an integer), got {label!r}")
    if not 0 <= label < n:
        raise ValueError(f"{where}: label {label} is out of range for {n} classes (0..{n - 1})")
    return int(label)


def _one_hot(label: Any, n: int, where: str) -> list[Any] | None:
    """The entries of a one-hot label (a sequence of n Values or numbers, one 1 and the rest
    0), or None for a class index. The entries' numbers are checked; under tracing those are
    the placeholder label's, which ``trace`` makes a valid one-hot."""
    if isinstance(label, np.ndarray):
        label = label.tolist()
    if not isinstance(label, (list, tuple)):
        return None
    if len(label) != n:
        raise ValueError(f"{where}: a one-hot label needs {n} entries (one per class), got {len(label)}")
    for t in label:
        if not (isinstance(t, Value) or is_real(t)):
            raise TypeError(f"{where}: one-hot entries must be Values or numbers, got {t!r}")
    data = [_data(t) for t in label]
    if any(d not in (0.0, 1.0) for d in data) or sum(data) != 1.0:
        raise ValueError(f"{where}: a one-hot label has one 1 and {n - 1} zeros, got {data}")
    return list(label)


def _class_label(label: Any, n: int, where: str) -> int | list[Any]:
    """A class index, or the entries of a one-hot label that holds Values. A one-hot of plain
    numbers is turned into its index: the same loss, built as for the index."""
    onehot = _one_hot(label, n, where)
    if onehot is None:
        return _label(label, n, where)
    if any(isinstance(t, Value) for t in onehot):
        return onehot
    return [_data(t) for t in onehot].index(1.0)


def _data(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _value(v: Any) -> Value:
    return v if isinstance(v, Value) else Value(v)


def _reduce(terms: list[Value], reduction: str, where: str) -> Value:
    if reduction == "sum":
        return terms[0] if len(terms) == 1 else Value.sum(terms)
    if reduction == "mean":
        return terms[0] if len(terms) == 1 else Value.sum(terms) * (1.0 / len(terms))
    raise ValueError(f"{where}: reduction must be 'mean' or 'sum', got {reduction!r}")


# ---------------------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------------------


def half_squared_error(pred: Any, target: Any) -> Value:
    """½(y − ŷ)², the lecture's quadratic loss (its derivative is −(y − ŷ), no factor 2).

    Given lists, the sum over their entries.
    """
    p, t = _pair(pred, target, "half_squared_error")
    terms = []
    for a, b in zip(p, t):
        d = _value(a) - b
        terms.append(d * d * 0.5)
    return _reduce(terms, "sum", "half_squared_error")


def mse(preds: Any, targets: Any, reduction: str = "mean") -> Value:
    """Mean squared error (1/n) Σ (yᵢ − ŷᵢ)²; ``reduction="sum"`` gives Σ (yᵢ − ŷᵢ)²."""
    p, t = _pair(preds, targets, "mse")
    terms = []
    for a, b in zip(p, t):
        d = _value(a) - b
        terms.append(d * d)
    return _reduce(terms, reduction, "mse")


def l1_loss(preds: Any, targets: Any, reduction: str = "mean") -> Value:
    """Mean absolute error (1/n) Σ |yᵢ − ŷᵢ|; ``reduction="sum"`` gives the lecture's
    regression loss Σ |yᵢ − sᵢ| (the L1 distance)."""
    p, t = _pair(preds, targets, "l1_loss")
    return _reduce([(_value(a) - b).abs() for a, b in zip(p, t)], reduction, "l1_loss")


# ---------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------


def _target(y: Any, allowed: tuple[float, float], where: str) -> float | Value:
    """A binary target: a number, or a Value (a label that is data), whose number is one of
    ``allowed``."""
    ok = isinstance(y, Value) or is_real(y)
    if not ok or _data(y) not in allowed:
        names = " or ".join("+1" if v == 1.0 and allowed[0] < 0 else str(int(v)) for v in allowed)
        raise ValueError(f"{where}: the target y must be {names}, got {y!r}")
    return y if isinstance(y, Value) else float(y)


def hinge(score: Any, y: Any) -> Value:
    """Binary hinge loss max(0, 1 − y·s) for a target y in {−1, +1} (a number or a Value)."""
    t = _target(y, (-1.0, 1.0), "hinge")
    return (_value(score) * (-t) + 1.0).relu()


def multiclass_hinge(scores: Scores, label: Any, margin: float = 1.0) -> Value:
    """Multiclass SVM loss Σ_{j≠y} max(0, s_j − s_y + margin).

    ``label`` is a class index, or a one-hot sequence: then s_y = ``pick(scores, onehot)`` and
    the sum runs over every j with the factor (1 − onehot_j), which removes the j = y term.
    """
    s = _seq(scores, "scores", "multiclass_hinge")
    y = _class_label(label, len(s), "multiclass_hinge")
    margin = real(margin, "margin", "multiclass_hinge", at_least=0.0)
    if isinstance(y, list):
        threshold = pick(s, y) - margin
        return Value.sum([(1.0 - t) * (_value(sj) - threshold).relu() for sj, t in zip(s, y)])
    if len(s) == 1:
        return Value(0.0)
    threshold = _value(s[y]) - margin  # one node, shared by every term
    return Value.sum([(_value(sj) - threshold).relu() for j, sj in enumerate(s) if j != y])


def _shifted(scores: Any, where: str) -> list[Value]:
    """sᵢ − max(s), the max read from the numbers and subtracted as a constant: exp never
    overflows, and nothing else changes, since softmax is the same for scores shifted by any
    amount. For the plain engine, whose graph shows each exp, the Σ and the log.

    While tracing, a number read from the traced sample would be frozen into the recorded
    graph, so the traced forms take log Σ exp(s) from the table's logsumexp row instead
    (``_traced_lse``): one node, as stable, with the same loss and gradients to rounding.
    """
    s = _seq(scores, "scores", where)
    m = max(_data(v) for v in s)
    return [_value(v) - m for v in s]


def _traced_lse(scores: Any, where: str) -> tuple[list[Value], Value] | None:
    """While tracing: (the scores as Values, log Σ exp of them as one logsumexp node), which
    the compiled replay runs as one step over the block of scores; else None."""
    if not is_tracing():
        return None
    s = [_value(v) for v in _seq(scores, "scores", where)]
    return s, Value.logsumexp(s)


def softmax(scores: Scores) -> list[Value]:
    """pᵢ = exp(sᵢ) / Σⱼ exp(sⱼ), computed after subtracting the largest score."""
    traced = _traced_lse(scores, "softmax")
    if traced is not None:
        s, lse = traced
        return [(v - lse).exp() for v in s]
    es = [z.exp() for z in _shifted(scores, "softmax")]
    total = Value.sum(es)
    return [e / total for e in es]


def log_softmax(scores: Scores) -> list[Value]:
    """log pᵢ = sᵢ − log Σⱼ exp(sⱼ), stable (the max is subtracted first)."""
    traced = _traced_lse(scores, "log_softmax")
    if traced is not None:
        s, lse = traced
        return [v - lse for v in s]
    z = _shifted(scores, "log_softmax")
    lse = Value.sum([v.exp() for v in z]).log()
    return [v - lse for v in z]


def cross_entropy(scores: Scores, label: Any) -> Value:
    """Softmax cross-entropy from raw scores (logits): −log softmax(s)_y = log Σⱼ exp(sⱼ) − s_y.

    The largest score is subtracted first (``_shifted``), so no exp overflows however far
    apart the scores are; while tracing, log Σⱼ exp(sⱼ) is one logsumexp node, as stable. With
    a one-hot label the true score is ``pick(s, onehot)``, so the replay agrees with the
    plain engine.
    """
    s = _seq(scores, "scores", "cross_entropy")
    y = _class_label(label, len(s), "cross_entropy")
    traced = _traced_lse(s, "cross_entropy")
    if traced is not None:
        z, lse = traced
    else:
        z = _shifted(s, "cross_entropy")
        lse = Value.sum([v.exp() for v in z]).log()
    return lse - (pick(z, y) if isinstance(y, list) else z[y])


def nll(log_probs: Scores, label: Any) -> Value:
    """Negative log-likelihood −log p_y, given log-probabilities (e.g. from ``log_softmax``);
    with a one-hot label, −``pick(log_probs, onehot)``."""
    lp = _seq(log_probs, "log_probs", "nll")
    y = _class_label(label, len(lp), "nll")
    if isinstance(y, list):
        return -pick(lp, y)
    return -_value(lp[y])


def binary_cross_entropy(prob: Any, y: Any, eps: float = 1e-12) -> Value:
    """−[y log p + (1 − y) log(1 − p)] for a probability p and y in {0, 1}.

    Only the probability that y selects is taken, q = p for y = 1 and 1 − p for y = 0, so
    p = 0 with y = 0 (or p = 1 with y = 1) is fine. Below ``eps`` (a saturated sigmoid on the
    wrong side) −log q continues as its tangent line at eps, −log eps + (eps − q)/eps, so the
    loss is at most 1 − log eps ≈ 28.6 instead of infinite and its slope −1/eps still pulls q
    up (as PyTorch's, whose gradient is bounded the same way). Built without a branch,
    max(q, eps) = q + relu(eps − q), so the compiled replay gives the same loss and gradient.
    A Value y is a label that is data: q = (1 − y) + (2y − 1)·p. From raw scores,
    ``binary_cross_entropy_with_logits`` needs no clamp.
    """
    eps = real(eps, "eps", "binary_cross_entropy", above=0.0, below=1.0)
    t = _target(y, (0.0, 1.0), "binary_cross_entropy")
    p = _value(prob)
    if not 0.0 <= p.data <= 1.0:
        raise ValueError(f"binary_cross_entropy: prob must be a probability in [0, 1], got {p.data!r}")
    if isinstance(t, Value) or is_tracing():
        q = (1.0 - t) + (2.0 * t - 1.0) * p
    else:
        q = p if t == 1.0 else 1.0 - p
    below = (eps - q).relu()  # 0 unless q < eps
    return below * (1.0 / eps) - (q + below).log()


def _softplus(z: Value) -> Value:
    """log(1 + exp(z)) = max(z, 0) + log1p(exp(−|z|)), exact for every finite z, without a
    branch. −|z| is written z − relu(z) − relu(z) (2·relu(z) would overflow at 1e308); its slope
    1 − 2·step(z) is 1 at z = 0, so the gradient there is σ(0) = ½, the true derivative, and for
    z < 0 the relu path adds an exact 0 to the tiny σ(z) instead of cancelling ½ − ½."""
    r = z.relu()
    return r + (z - r - r).exp().log1p()


def binary_cross_entropy_with_logits(logit: Any, y: Any) -> Value:
    """Binary cross-entropy of sigmoid(s) against y in {0, 1}, from the raw score s.

    Equal to ``binary_cross_entropy(sigmoid(s), y)`` but exact for every finite s, value and
    gradient (``_softplus``, with log1p): softplus(z) = log(1 + exp(z)) with z = (1 − 2y)·s,
    i.e. log(1 + exp(−s)) for y = 1 and log(1 + exp(s)) for y = 0. y may be a number or a
    Value (a label that is data).
    """
    t = _target(y, (0.0, 1.0), "binary_cross_entropy_with_logits")
    s = _value(logit)
    if isinstance(t, Value):
        return _softplus(s * (1.0 - 2.0 * t))
    return _softplus(-s if t == 1.0 else s)


# ---------------------------------------------------------------------------------------
# metrics (plain floats, not differentiable)
# ---------------------------------------------------------------------------------------


def zero_one(scores: Any, label: Any, loss: str | None = None) -> float:
    """1.0 if the prediction is wrong, else 0.0, by the one rule of ``nn.metrics``.

    Several scores: the prediction is the argmax (first on ties) and label a class index.
    One score: the prediction is positive when s is above the threshold of ``loss`` (0.5 for
    "mse", else 0), and label is 1 (positive) or 0/−1.
    """
    s = [_data(v) for v in _seq(scores, "scores", "zero_one")]
    if len(s) == 1:
        if label not in (-1, 0, 1) or isinstance(label, bool):
            raise ValueError(f"zero_one: with one score the label must be 1 or 0/-1, got {label!r}")
        return 0.0 if predicted_class(s, threshold_of(loss)) == (label == 1) else 1.0
    return 0.0 if predicted_class(s) == _label(label, len(s), "zero_one") else 1.0


def accuracy(score_lists: Sequence[Any], labels: Sequence[Any], loss: str | None = None) -> float:
    """Fraction of samples whose prediction is right (see ``zero_one``; ``loss`` names the
    loss a one-output model was trained with: its threshold decides)."""
    s = _seq(score_lists, "score_lists", "accuracy") if not isinstance(score_lists, Value) else [score_lists]
    ls = _seq(labels, "labels", "accuracy")
    if len(s) != len(ls):
        raise ValueError(f"accuracy: {len(s)} score lists but {len(ls)} labels")
    wrong = sum(zero_one(sc, lb, loss) for sc, lb in zip(s, ls))
    return 1.0 - wrong / len(s)


# ---------------------------------------------------------------------------------------
# regularizers R(W)
# ---------------------------------------------------------------------------------------


def l1_penalty(params: Sequence[Value]) -> Value:
    """Σ |w| (subgradient 0 at w = 0)."""
    ps = [_value(p) for p in params]
    return Value.sum([p.abs() for p in ps]) if ps else Value(0.0)


def l2_penalty(params: Sequence[Value]) -> Value:
    """Σ w² (no ½), built as one dot node w·w: the same number as a sum of squares, and each
    w, a parent twice, gets 2w·g."""
    ps = list(params)
    return Value.dot(ps, ps) if ps else Value(0.0)


def elastic_net(params: Sequence[Value], beta: float) -> Value:
    """Σ (β w² + |w|), the lecture's elastic net."""
    beta = real(beta, "beta", "elastic_net", at_least=0.0)
    ps = [_value(p) for p in params]
    return Value.sum([p * p * beta + p.abs() for p in ps]) if ps else Value(0.0)


def regularized_loss(
    losses: Sequence[Value],
    params: Sequence[Value],
    lam: float,
    penalty: Callable[[Sequence[Value]], Value] = l2_penalty,
) -> Value:
    """The full loss L = (1/N) Σᵢ Lᵢ + λ·R(W): data loss averaged over the examples plus
    the penalty. With λ = 0 no penalty nodes are built."""
    ls = _seq(losses, "losses", "regularized_loss")
    lam = real(lam, "lam (λ)", "regularized_loss", at_least=0.0)
    data_loss = _reduce([_value(v) for v in ls], "mean", "regularized_loss")
    if lam == 0.0:
        return data_loss
    return data_loss + penalty(params) * float(lam)
