"""What a training run records: ``History`` (loss, accuracy, learning rate and gradient
norm per epoch, why it stopped; written as JSON or CSV), ``Convergence``, the lecture's
test of when to stop, and ``divergence``, the test of when training has blown up.

Convergence (lecture 001, named on the documentation's lectures page, docs/lectures.md:
"check whether the L2 norm of the gradient is below some small tolerance ... alternatively,
that the reduction in the objective is small"): pass
``convergence=Convergence(grad_tol=..., loss_rtol=...)`` to ``fit``. After each epoch it
looks at the norm of the epoch's gradient (for full-batch training exactly ‖∇J‖₂; for
minibatches the size-weighted mean of the batch gradients) and at the relative change
of the epoch loss; the History records why training stopped.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.checks import count, real
from autograd.files import PathLike, write_atomic

from .optim import all_finite


def ran_all(epochs: int) -> str:
    """The stop reason of a run that trained every epoch it was given."""
    return f"ran all {epochs} epoch{'' if epochs == 1 else 's'}"


@dataclass
class History:
    """What happened in each epoch of ``fit``.

    ``loss``: the epoch's objective (data loss + reg·R(W)), averaged over its batches by
    size; ``accuracy``: fraction of training samples classified right during the epoch
    (None for regression); ``lr``: the learning rate of the epoch's last step;
    ``grad_norm``: ‖∇‖₂ of the epoch's gradient (see the module docstring);
    ``stop_reason``: why training stopped, a sentence: "ran all N epochs", "converged at
    epoch N: gradient norm ..." or "...: loss change ..." (the convergence test), "callback
    asked to stop at epoch N", or "diverged at epoch N: the loss grew from A to B; try a
    smaller learning rate ..." (see ``divergence``).
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
        if self.grad_tol is not None:
            self.grad_tol = real(self.grad_tol, "grad_tol", "Convergence", at_least=0.0)
        if self.loss_rtol is not None:
            self.loss_rtol = real(self.loss_rtol, "loss_rtol", "Convergence", at_least=0.0)
        if self.grad_tol is None and self.loss_rtol is None:
            raise ValueError("Convergence needs grad_tol or loss_rtol (or both)")
        self.patience = count(self.patience, "patience", "Convergence", at_least=1)

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


DIVERGENCE_FACTOR = 1e3
"""A loss this many times its first value (or than 1, when that is larger) has diverged."""


def divergence(loss: float, first: float, grads: np.ndarray) -> str:
    """Why training has diverged, or "": the loss or the gradient is not finite, or the loss
    has grown by three orders of magnitude. Then no step is taken with them."""
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if loss > DIVERGENCE_FACTOR * max(first, 1.0):
        return f"the loss grew from {first:.4g} to {loss:.4g}"
    if not all_finite(grads):
        return f"the gradient became {grads[~np.isfinite(grads)][0]} at a loss of {loss:.4g}"
    return ""
