"""Training a model: the loop ``fit`` with a progress bar and a ``History``, ``evaluate``,
``predict``, the lectures' random search, and a convergence test.

A loss is chosen by name, and what a name means depends on how many outputs the model has:

============  ==========================================  ==================================
loss          one output (binary / regression)            C >= 2 outputs (C classes)
============  ==========================================  ==================================
``"svm"``     hinge max(0, 1 − y·s), labels {0,1}→{−1,+1}  multiclass hinge (margin 1)
``"bce"``     binary cross-entropy from the logit s        (not defined: use "ce")
``"ce"``      (not defined: use "bce" or "svm")            cross-entropy from the logits
``"mse"``     (s − y)², regression or 0/1 targets          mean of (sₖ − onehot(y)ₖ)²
============  ==========================================  ==================================

or a callable ``loss(outputs, target) -> Value`` for one sample, where ``outputs`` is the
list of the model's output Values. The objective of a batch is the data loss averaged
over its samples plus ``reg``·R(W), R(W) = Σw² over the weights (biases are not
penalised, as in the lecture's R(W)).

Compiled (``fit``, ``evaluate`` and ``predict`` with ``compiled=True``): the model and the
loss are traced once with ``autograd.compile.trace`` and replayed over each batch with numpy
— the same losses of ``nn.losses``, with the label as data: a binary or regression target
is one label Value, a class label a one-hot list of label Values. A callable loss receives
those in place of the number (for C classes, the one-hot list where it would get the index),
so it must not index by the target or branch on it (``nn.losses`` accept both forms); one
that does raises ``TracingError``: train it with ``compiled=False``.

Convergence (lecture 001: "check whether the L2 norm of the gradient is below some small
tolerance ... alternatively, that the reduction in the objective is small"): pass
``convergence=Convergence(grad_tol=..., loss_rtol=...)`` to ``fit``. After each epoch it
looks at the norm of the epoch's gradient (for full-batch training exactly ‖∇J‖₂; for
minibatches the size-weighted mean of the batch gradients) and at the relative change
of the epoch loss; the History records why training stopped.
"""

from __future__ import annotations

import csv
import gc
import importlib.util
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm as _text_tqdm

if importlib.util.find_spec("ipywidgets") is not None:
    from tqdm.auto import tqdm  # a widget bar in Jupyter, the text bar elsewhere
else:
    tqdm = _text_tqdm  # tqdm.auto would warn in Jupyter that ipywidgets is missing; the text bar works there too

from autograd import Value, no_grad
from autograd.atomic_write import write_atomic
from autograd.compile import CompiledGraph, TracingError, trace

from . import losses as L
from .data import minibatches

PathLike = str | os.PathLike
LossFn = Callable[[list[Value], Any], Value]
LOSS_NAMES = ("svm", "ce", "mse", "bce")


# ---------------------------------------------------------------------------------------
# History and convergence
# ---------------------------------------------------------------------------------------


@dataclass
class History:
    """What happened in each epoch of ``fit``.

    ``loss``: the epoch's objective (data loss + reg·R(W)), averaged over its batches by
    size; ``accuracy``: fraction of training samples classified right during the epoch
    (None for regression); ``lr``: the learning rate of the epoch's last step;
    ``grad_norm``: ‖∇‖₂ of the epoch's gradient (see the module docstring);
    ``stop_reason``: why training stopped, a sentence: "ran all N epochs", "converged at
    epoch N: gradient norm ..." or "...: loss change ..." (the convergence test), "callback
    asked to stop at epoch N", or "loss became nan at epoch N: ..." (diverged).
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    stop_reason: str = ""
    seconds: float = 0.0

    COLUMNS = ("epoch", "loss", "accuracy", "lr", "grad_norm")

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, ready for JSON."""
        return {
            "epochs": self.epochs,
            "loss": list(self.loss),
            "accuracy": list(self.accuracy),
            "lr": list(self.lr),
            "grad_norm": list(self.grad_norm),
            "stop_reason": self.stop_reason,
            "seconds": self.seconds,
        }

    def to_json(self, path: PathLike | None = None) -> str:
        """The history as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=1) + "\n"
        if path is not None:
            write_atomic(path, text)
        return text

    def to_csv(self, path: PathLike | None = None) -> str:
        """One row per epoch: epoch, loss, accuracy (empty for regression), lr, grad_norm."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.COLUMNS)
        for i in range(self.epochs):
            acc = self.accuracy[i] if i < len(self.accuracy) else None
            w.writerow(
                [
                    i + 1,
                    repr(self.loss[i]),
                    "" if acc is None else repr(acc),
                    repr(self.lr[i]) if i < len(self.lr) else "",
                    repr(self.grad_norm[i]) if i < len(self.grad_norm) else "",
                ]
            )
        text = buf.getvalue()
        if path is not None:
            write_atomic(path, text)
        return text


@dataclass
class Convergence:
    """The lecture's convergence test, checked after each epoch.

    Stops when ``grad_tol`` is set and ‖∇J‖₂ <= grad_tol, or when ``loss_rtol`` is set and
    |J_prev − J| <= loss_rtol · |J_prev| for ``patience`` epochs in a row. Training on
    minibatches makes both numbers noisy: prefer full batches or a patience above 1.
    """

    grad_tol: float | None = None
    loss_rtol: float | None = None
    patience: int = 1

    def __post_init__(self) -> None:
        for name in ("grad_tol", "loss_rtol"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, (int, float)) and v >= 0 and math.isfinite(v)):
                raise ValueError(f"Convergence: {name} must be a number >= 0 or None, got {v!r}")
        if self.grad_tol is None and self.loss_rtol is None:
            raise ValueError("Convergence needs grad_tol or loss_rtol (or both)")
        if isinstance(self.patience, bool) or not isinstance(self.patience, int) or self.patience < 1:
            raise ValueError(f"Convergence: patience must be an integer >= 1, got {self.patience!r}")

    def check(self, history: History) -> str | None:
        """Why the run has converged (a sentence for ``History.stop_reason``), or None."""
        if self.grad_tol is not None and history.grad_norm and history.grad_norm[-1] <= self.grad_tol:
            return f"gradient norm {history.grad_norm[-1]:.3g} <= {self.grad_tol:g}"
        if self.loss_rtol is not None and len(history.loss) > self.patience:
            recent = history.loss[-self.patience - 1 :]
            changes = [abs(a - b) / max(abs(a), 1e-300) for a, b in zip(recent, recent[1:])]
            if all(c <= self.loss_rtol for c in changes):
                return f"loss change {changes[-1]:.3g} <= {self.loss_rtol:g} (relative)"
        return None


# ---------------------------------------------------------------------------------------
# Losses by name
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Objective:
    """A per-sample loss for a model with ``n_outputs`` outputs, and how to score accuracy:
    ``kind`` is "binary" (one output, class 1 where the score > ``threshold``),
    "multiclass" (argmax) or "regression" (no accuracy)."""

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
            obj = Objective("mse", _mse_one, 1, "binary" if integer else "regression", 0.5)
        else:
            obj = Objective(loss, _binary_hinge if loss == "svm" else _bce, 1, "binary")
    else:
        if loss == "bce":
            raise ValueError(f"loss 'bce' needs a model with one output, this model has {n_outputs}; use 'ce'")
        per = {"svm": L.multiclass_hinge, "ce": L.cross_entropy, "mse": _mse_onehot}[loss]
        obj = Objective(loss, per, n_outputs, "multiclass")
    if y is not None:
        _check_labels(obj, np.asarray(y))
    return obj


def _check_labels(obj: Objective, y: np.ndarray) -> None:
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


# ---------------------------------------------------------------------------------------
# Forward passes
# ---------------------------------------------------------------------------------------


def _outputs(model: Any, x: Any) -> list[Value]:
    """The model's outputs for one sample, always as a list (a Neuron returns one Value)."""
    out = model(x)
    return [out] if isinstance(out, Value) else list(out)


def _as_xy(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(y) == 0:
        raise ValueError(
            f"{where} needs X of shape (n, d) and y of shape (n,) with n >= 1, got {X.shape} and {y.shape}"
        )
    return X, y


def _penalised(model: Any) -> list[Value]:
    """The weights R(W) is taken over: every parameter but the biases."""
    if hasattr(model, "named_parameters"):
        return [p for name, p in model.named_parameters() if name != "b" and not name.endswith(".b")]
    return list(model.parameters())


def _correct(obj: Objective, out: list[Value], t: Any) -> int:
    if obj.kind == "binary":
        return int((out[0].data > obj.threshold) == (t == 1))
    scores = [o.data for o in out]
    return int(scores.index(max(scores)) == t)


def _correct_batch(obj: Objective, scores: np.ndarray, y: np.ndarray) -> int:
    """``_correct`` summed over a batch, from the scores (batch, outputs) of a compiled replay."""
    if obj.kind == "binary":
        return int(np.sum((scores[:, 0] > obj.threshold) == (y == 1)))
    if obj.kind == "multiclass":
        return int(np.sum(scores.argmax(axis=1) == y))
    return 0


def predict(model: Any, X: Any, compiled: bool = False) -> np.ndarray:
    """The model's raw outputs (scores) for every row of ``X``: shape (n, n_outputs).
    ``compiled=True`` traces the model once and replays it over all rows with numpy."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if compiled:
        return _trace_model(model, X.shape[1]).forward(X)
    with no_grad():
        return np.array([[o.data for o in _outputs(model, x)] for x in X.tolist()])


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
    X, y = _as_xy(X, y, "evaluate")
    if compiled:
        obj = objective(loss, _n_outputs(model, X), y)
        data_loss, scores = _Replay(model, obj, X.shape[1]).run(X, y, backward=False)
        value = data_loss
        if reg:
            with no_grad():
                value += float(reg) * L.l2_penalty(_penalised(model)).data
        acc = None if obj.kind == "regression" else _correct_batch(obj, scores, y) / len(y)
        return float(value), acc
    rows, targets = X.tolist(), y.tolist()
    with no_grad():
        outs = [_outputs(model, x) for x in rows]
        obj = objective(loss, len(outs[0]), y)
        value = L.regularized_loss([obj.per_sample(o, t) for o, t in zip(outs, targets)], _penalised(model), reg)
    acc = None if obj.kind == "regression" else sum(_correct(obj, o, t) for o, t in zip(outs, targets)) / len(rows)
    return float(value.data), acc


# ---------------------------------------------------------------------------------------
# Compiled replay
# ---------------------------------------------------------------------------------------


def _n_outputs(model: Any, X: np.ndarray) -> int:
    with no_grad():
        return len(_outputs(model, X[0].tolist()))


def _traced(fn: Callable[..., Any], what: str, *args: Any, **kwargs: Any) -> CompiledGraph:
    try:
        return trace(fn, *args, **kwargs)
    except TracingError as e:
        raise TracingError(f"{e}\n(compiling {what}: run it with compiled=False instead)") from e


def _trace_model(model: Any, nin: int) -> CompiledGraph:
    """The model's outputs, traced for replay (prediction only)."""
    return _traced(lambda xs: _outputs(model, xs), "the model", model.parameters(), inputs=nin)


class _Replay:
    """The per-sample loss of ``obj`` on the model's outputs, traced once: class labels enter
    as a one-hot list of label Values, other targets as one label Value. ``run`` replays it on
    a batch and returns the mean loss and the scores of every sample; with ``backward`` it
    also finds the mean gradient, the parameters' share of ``.backward()`` of the mean loss
    (in ``self.net.grads``, in the order of ``model.parameters()``)."""

    def __init__(self, model: Any, obj: Objective, nin: int) -> None:
        self.one_hot = obj.kind == "multiclass"

        def fn(xs: list[Value], ys: list[Value]) -> tuple[Value, list[Value]]:
            out = _outputs(model, xs)
            return obj.per_sample(out, ys if self.one_hot else ys[0]), out

        n_labels = obj.n_outputs if self.one_hot else 1
        self.net = _traced(
            fn, f"the loss {obj.name!r}", model.parameters(), inputs=nin, labels=n_labels, one_hot=self.one_hot
        )

    def run(self, X: np.ndarray, y: np.ndarray, backward: bool = True) -> tuple[float, np.ndarray]:
        losses = self.net.forward(X, y if self.one_hot else np.asarray(y, dtype=np.float64))
        if backward:
            self.net.backward("mean", accumulate=False)
        return float(losses.mean()), self.net.outputs()


class _Penalty:
    """reg·R(W), traced once: ``run`` returns its value and leaves its gradient with respect to
    every parameter in ``self.net.grads`` (the plain engine's penalty on thousands of weights
    would cost more than the replay of a whole batch)."""

    def __init__(self, weights: list[Value], params: list[Value], reg: float) -> None:
        self.net = _traced(lambda xs: L.l2_penalty(weights) * float(reg), "the L2 penalty", params, inputs=0)
        self.X = np.zeros((1, 0))

    def run(self) -> float:
        value = float(self.net.forward(self.X)[0])
        self.net.backward("sum", accumulate=False)
        return value


# ---------------------------------------------------------------------------------------
# The training loop
# ---------------------------------------------------------------------------------------


def _default_optimizer(params: list[Value]) -> Any:
    from .optim import SGD

    return SGD(params, lr=0.1)


def fit(
    model: Any,
    X: Any,
    y: Any,
    loss: str | LossFn = "ce",
    optimizer: Any = None,
    epochs: int = 100,
    batch_size: int | None = None,
    reg: float = 0.0,
    callback: Callable[[int, History, Any], Any] | None = None,
    seed: int = 0,
    progress: bool | None = True,
    convergence: Convergence | None = None,
    desc: str = "train",
    compiled: bool = False,
    pause_gc: bool = True,
) -> History:
    """Train ``model`` on ``(X, y)`` and return the History.

    Each epoch visits every sample once, in batches of ``batch_size`` shuffled from
    ``seed`` (None: the whole set as one batch, in order). Per batch: forward every sample,
    build the batch objective (mean data loss + reg·R(W)), one backward pass, one
    ``optimizer.step()``, then clear the gradients. The optimizer defaults to plain SGD
    with lr 0.1. ``callback(epoch, history, model)`` runs after each epoch; a true result
    stops training. ``convergence`` (a ``Convergence``) may stop it early. ``progress``:
    True shows a tqdm bar (loss and accuracy as postfix), False none, None only on a
    terminal. ``compiled=True`` records the model and loss once and replays them over each
    batch with numpy (``autograd.compile``; see the module docstring for what a callable loss
    must obey): the same training — the same weights, to rounding — much faster.

    ``pause_gc`` (default True) switches Python's cyclic garbage collector off while fit
    trains and restores it afterwards. chaingrad's graphs hold no reference cycles: each
    step's graph is freed by reference counting the moment it is dropped, so the collector
    would only spend time scanning live graphs (about a tenth of a step on the moons
    demo). Cycles made by your own loss or callback are collected after fit returns.
    """
    X, y = _as_xy(X, y, "fit")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"fit needs epochs >= 1, got {epochs!r}")
    if not (isinstance(reg, (int, float)) and reg >= 0 and math.isfinite(reg)):
        raise ValueError(f"fit needs reg (the L2 strength λ) >= 0, got {reg!r}")
    params = list(model.parameters())
    weights = _penalised(model)
    if optimizer is None:
        optimizer = _default_optimizer(params)
    elif not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"fit: optimizer must be an optimizer object such as nn.SGD(model.parameters(), lr=0.1) or "
            f"nn.Adam(model.parameters()), got {optimizer!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"fit needs an integer seed >= 0 (it shuffles the minibatches), got {seed!r}")
    obj = objective(loss, _n_outputs(model, X), y)
    runner = penalty = None
    if compiled:
        runner = _Replay(model, obj, X.shape[1])
        if reg and weights:
            penalty = _Penalty(weights, params, reg)
    n = len(y)
    full = batch_size is None or batch_size >= n
    rng = np.random.default_rng(seed)
    history = History()
    for p in params:
        p.grad = 0.0

    if progress is None:
        progress = sys.stderr.isatty()
    bar = tqdm(range(1, int(epochs) + 1), desc=desc, unit="epoch", disable=not progress, leave=True)
    gc_was_enabled = gc.isenabled()
    if pause_gc:
        gc.disable()
    start = time.perf_counter()
    try:
        for epoch in bar:
            total = 0.0
            correct = 0
            grad_sum = np.zeros(len(params))
            batches = [(X, y)] if full else minibatches(X, y, batch_size, rng)
            for Xb, yb in batches:
                if runner is None:
                    rows, targets = Xb.tolist(), yb.tolist()
                    outs = [_outputs(model, x) for x in rows]
                    objective_value = L.regularized_loss(
                        [obj.per_sample(o, t) for o, t in zip(outs, targets)], weights, reg
                    )
                    objective_value.backward()
                    batch_loss = objective_value.data
                    if obj.kind != "regression":
                        correct += sum(_correct(obj, o, t) for o, t in zip(outs, targets))
                    grads = np.fromiter((p.grad for p in params), dtype=np.float64, count=len(params))
                else:
                    batch_loss, scores = runner.run(Xb, yb)
                    grads = runner.net.grads
                    if penalty is not None:
                        batch_loss += penalty.run()
                        grads = grads + penalty.net.grads
                    for p, g in zip(params, grads.tolist()):  # what .backward() of the batch objective gives
                        p.grad += g
                    correct += _correct_batch(obj, scores, yb)
                optimizer.step()
                for p in params:
                    p.grad = 0.0
                share = len(yb) / n
                total += batch_loss * share
                grad_sum += grads * share
            history.loss.append(total)
            history.accuracy.append(None if obj.kind == "regression" else correct / n)
            history.lr.append(float(optimizer.lr))
            history.grad_norm.append(float(np.sqrt(grad_sum @ grad_sum)))
            if progress:
                post = {"loss": f"{total:.4g}"}
                if history.accuracy[-1] is not None:
                    post["acc"] = f"{100.0 * history.accuracy[-1]:.1f}%"
                bar.set_postfix(post, refresh=False)
            if not math.isfinite(total):
                history.stop_reason = f"loss became {total} at epoch {epoch}: the learning rate may be too high"
                break
            if convergence is not None:
                reason = convergence.check(history)
                if reason:
                    history.stop_reason = f"converged at epoch {epoch}: {reason}"
                    break
            if callback is not None and callback(epoch, history, model):
                history.stop_reason = f"callback asked to stop at epoch {epoch}"
                break
        else:
            history.stop_reason = f"ran all {int(epochs)} epochs"
    finally:
        history.seconds = time.perf_counter() - start
        if gc_was_enabled:
            gc.enable()
        bar.close()
    return history


# ---------------------------------------------------------------------------------------
# Strategy #1: random search
# ---------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    """``losses[i]``: the loss of try i; ``best[i]``: the best loss after try i;
    ``best_loss``/``best_try``/``state``: the winner (already loaded into the model)."""

    losses: list[float]
    best: list[float]
    best_loss: float
    best_try: int
    state: dict[str, float]


def random_search(
    model: Any,
    X: Any,
    y: Any,
    loss: str | LossFn = "mse",
    tries: int = 100,
    scale: float = 1.0,
    seed: int = 0,
    reg: float = 0.0,
    log: Callable[[str], Any] | None = None,
) -> SearchResult:
    """The lectures' "strategy #1": draw every parameter from N(0, scale²), evaluate the
    loss on the whole set, repeat ``tries`` times and keep the best; the best parameters
    are loaded into the model. ``log`` (e.g. ``print``) receives the lecture's line
    "in attempt i the loss was L, best B" for every try. A first very bad idea — compare
    it with ``fit`` to see why gradients win."""
    X, y = _as_xy(X, y, "random_search")
    if isinstance(tries, bool) or not isinstance(tries, (int, np.integer)) or tries < 1:
        raise ValueError(f"random_search needs tries >= 1, got {tries!r}")
    if not (isinstance(scale, (int, float)) and scale > 0 and math.isfinite(scale)):
        raise ValueError(f"random_search needs a scale > 0, got {scale!r}")
    rng = np.random.default_rng(seed)
    params = list(model.parameters())
    losses: list[float] = []
    best: list[float] = []
    best_loss, best_try, best_state = math.inf, -1, [p.data for p in params]
    for i in range(int(tries)):
        for p, v in zip(params, rng.normal(0.0, scale, len(params))):
            p.data = float(v)
        value, _ = evaluate(model, X, y, loss, reg)
        losses.append(value)
        if value < best_loss:
            best_loss, best_try, best_state = value, i, [p.data for p in params]
        best.append(best_loss)
        if log is not None:
            log(f"in attempt {i} the loss was {value:f}, best {best_loss:f}")
    for p, v in zip(params, best_state):
        p.data = v
    state = dict(zip(_names(model, params), best_state))
    return SearchResult(losses, best, best_loss, best_try, state)


def _names(model: Any, params: Sequence[Value]) -> list[str]:
    if hasattr(model, "named_parameters"):
        return [name for name, _ in model.named_parameters()]
    return [f"p{i}" for i in range(len(params))]
