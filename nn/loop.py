"""The training loop ``fit``: batches, one backward pass and one optimizer step per batch,
a progress bar and a ``History`` per epoch, on the plain engine or compiled.
"""

from __future__ import annotations

import gc
import importlib.util
import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from tqdm import tqdm as text_tqdm

from . import losses as L
from .data import check_xy, minibatches
from .history import Convergence, History
from .metrics import count_correct
from .objectives import LossFn, objective
from .optim import SGD
from .outputs import count_outputs, model_outputs, penalised_weights
from .replay import LossReplay, PenaltyReplay

if importlib.util.find_spec("ipywidgets") is not None:
    from tqdm.auto import tqdm  # a widget bar in Jupyter, the text bar elsewhere
else:
    tqdm = text_tqdm  # tqdm.auto would warn in Jupyter that ipywidgets is missing; the text bar works there too


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
    terminal. Accuracy follows the one rule of ``nn.metrics``. ``compiled=True`` records
    the model and loss once and replays them over each batch with numpy
    (``autograd.compile``; ``nn.replay`` says what a callable loss must obey): the same
    training — the same weights, to rounding — much faster.

    ``pause_gc`` (default True) switches Python's cyclic garbage collector off while fit
    trains and restores it afterwards. chaingrad's graphs hold no reference cycles: each
    step's graph is freed by reference counting the moment it is dropped, so the collector
    would only spend time scanning live graphs (about a tenth of a step on the moons
    demo). Cycles made by your own loss or callback are collected after fit returns.
    """
    X, y = check_xy(X, y, "fit")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"fit needs epochs >= 1, got {epochs!r}")
    if not (isinstance(reg, (int, float)) and reg >= 0 and math.isfinite(reg)):
        raise ValueError(f"fit needs reg (the L2 strength λ) >= 0, got {reg!r}")
    params = list(model.parameters())
    weights = penalised_weights(model)
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)
    elif not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"fit: optimizer must be an optimizer object such as nn.SGD(model.parameters(), lr=0.1) or "
            f"nn.Adam(model.parameters()), got {optimizer!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"fit needs an integer seed >= 0 (it shuffles the minibatches), got {seed!r}")
    obj = objective(loss, count_outputs(model, X), y)
    runner = penalty = None
    if compiled:
        runner = LossReplay(model, obj, X.shape[1])
        if reg and weights:
            penalty = PenaltyReplay(weights, params, reg)
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
                    outs = [model_outputs(model, x) for x in rows]
                    objective_value = L.regularized_loss(
                        [obj.per_sample(o, t) for o, t in zip(outs, targets)], weights, reg
                    )
                    objective_value.backward()
                    batch_loss = objective_value.data
                    if obj.kind != "regression":
                        correct += count_correct([[o.data for o in out] for out in outs], yb, obj.threshold)
                    grads = np.fromiter((p.grad for p in params), dtype=np.float64, count=len(params))
                else:
                    batch_loss, scores = runner.run(Xb, yb)
                    grads = runner.net.grads
                    if penalty is not None:
                        batch_loss += penalty.run()
                        grads = grads + penalty.net.grads
                    for p, g in zip(params, grads.tolist()):  # what .backward() of the batch objective gives
                        p.grad += g
                    if obj.kind != "regression":
                        correct += count_correct(scores, yb, obj.threshold)
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
