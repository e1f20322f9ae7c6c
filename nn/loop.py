"""The training loop: ``Training`` advances it one batch or one epoch at a time and keeps
every state in between; ``fit`` drives it to the end with a progress bar. Batches, one
backward pass and one optimizer step per batch, a ``History`` row per epoch, on the plain
engine or compiled. The playground (``nn.playground``) steps the same ``Training`` live, so
both train alike, to the last bit.
"""

from __future__ import annotations

import gc
import importlib.util
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from tqdm import tqdm as text_tqdm

from autograd import Value
from autograd.checks import count, real

from . import losses as L
from .batches import check_xy, minibatches
from .history import Convergence, History, divergence, ran_all
from .metrics import count_correct
from .objectives import LossFn, check_labels, objective
from .optim import Adam
from .outputs import count_outputs, outputs_of_rows, penalised_weights
from .replay import LossReplay, replayed_score

if importlib.util.find_spec("ipywidgets") is not None:
    from tqdm.auto import tqdm  # a widget bar in Jupyter, the text bar elsewhere
else:
    tqdm = text_tqdm  # tqdm.auto would warn in Jupyter that ipywidgets is missing; the text bar works there too


PENALTIES: dict[str, Callable[[Sequence[Value]], Value]] = {"l2": L.l2_penalty, "l1": L.l1_penalty}
DEFAULT_LR = 0.02
"""fit's optimizer when none is given is Adam with this rate: with the other defaults it
reaches 97 % training accuracy or more in 100 epochs on every built-in 2-D data set, with
every classification loss (plain SGD with lr 0.1 reached 89 % on the moons)."""


class Training:
    """fit's loop as an object that advances one batch (``step``) or one epoch (``epoch``) at
    a time and keeps every state in between: the shuffling generator, the batches left in the
    epoch, the epoch's running sums and the History. ``fit`` drives it to the end; the
    playground (``nn.playground``) steps it live, so both train alike to the last bit.

    ``reg`` and the optimizer's ``schedule`` may be changed between steps.

    Compiled, with an optimizer of ``nn.optim`` over the model's parameters, the parameters
    live in one array while an epoch (or a ``step``) runs: the replay reads them from it, the
    penalty is computed on it with numpy and the optimizer's ``update`` moves it. They are
    written back into the model's Values when ``step`` or ``epoch`` returns, however it ends,
    so the model is current wherever a user can look: in callbacks, on save, after fit, after
    an interrupt. fit without a callback, where nobody can look between epochs, keeps the
    array from one epoch to the next (``epoch(hold=True)``) and writes it back once, as it
    returns."""

    def __init__(
        self,
        model: Any,
        X: Any,
        y: Any,
        loss: str | LossFn = "ce",
        optimizer: Any = None,
        batch_size: int | None = None,
        reg: float = 0.0,
        seed: int = 0,
        convergence: Convergence | None = None,
        compiled: bool = False,
        penalty: str = "l2",
    ) -> None:
        X, y = check_xy(X, y, "fit")
        if penalty not in PENALTIES:
            raise ValueError(f"fit: unknown penalty {penalty!r}; choose one of {', '.join(PENALTIES)}")
        self.model, self.X, self.y, self.penalty, self.compiled = model, X, y, penalty, compiled
        self.params = list(model.parameters())
        self.weights = penalised_weights(model)
        if optimizer is None:
            optimizer = Adam(self.params, lr=DEFAULT_LR)
        elif not callable(getattr(optimizer, "step", None)):
            raise TypeError(
                f"fit: optimizer must be an optimizer object such as nn.SGD(model.parameters(), lr=0.1) or "
                f"nn.Adam(model.parameters()), got {optimizer!r}"
            )
        seed = count(seed, "seed (it shuffles the minibatches)", "fit")
        if batch_size is not None:
            batch_size = count(batch_size, "batch_size", "fit", at_least=1)
        self.optimizer, self.convergence = optimizer, convergence
        self.obj = objective(loss, count_outputs(model, X), y)
        self.runner = LossReplay(model, self.obj, X.shape[1]) if compiled else None
        self._flat = (
            compiled
            and callable(getattr(optimizer, "update", None))
            and [id(p) for p in getattr(optimizer, "params", ())] == [id(p) for p in self.params]
        )
        self._theta: np.ndarray | None = None  # the parameters while an epoch runs flat
        penalised = {id(w) for w in self.weights}
        # 1.0 where the penalty applies: multiplying by it is a pass over the array, where
        # gathering the weights by index and scattering their gradients back cost four times as much
        self._penalised = np.array([id(p) in penalised for p in self.params], dtype=np.float64)
        self.reg = reg
        self.full = batch_size is None or batch_size >= len(y)
        self.batch_size = batch_size
        self._unit = len(y) if batch_size is None or self.full else batch_size  # samples in a whole batch
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.stop_reason = ""
        self._first_loss: float | None = None
        self._start_size = self._largest()
        self._scorer: LossReplay | None = None
        self._left: list[tuple[np.ndarray, np.ndarray]] = []
        self._sums = (0.0, 0, np.zeros(len(self.params)))
        for p in self.params:
            p.grad = 0.0

    @property
    def reg(self) -> float:
        """λ, the strength of the penalty R(W) (L2: Σw², L1: Σ|w|, biases not penalised)."""
        return self._reg

    @reg.setter
    def reg(self, reg: float) -> None:
        reg = real(reg, "reg (the penalty strength λ)", "fit", at_least=0.0)
        self._reg = reg
        self._penalised_2reg = self._penalised * (2.0 * reg)

    @property
    def epochs(self) -> int:
        """Epochs finished so far."""
        return self.history.epochs

    def step(self) -> bool:
        """One batch: forward, the batch objective, backward, the optimizer's step. Returns
        True when that batch finished an epoch (then the History has grown by one row)."""
        try:
            return self._batch()
        finally:
            self._write_back()

    def _batch(self) -> bool:
        if not self._left:
            self._left = (
                [(self.X, self.y)] if self.full else list(minibatches(self.X, self.y, self.batch_size, self.rng))
            )
            self._left.reverse()
        Xb, yb = self._left.pop()
        try:
            batch_loss, correct, grads, theta = self._measure(Xb, yb)
        except ValueError as e:  # a domain error of the forward pass: blown-up weights, or a real error
            if not self._blown_up():
                raise
            return self._diverged(math.nan, f"the weights grew to {self._largest():.3g} and then {e}")
        if self._first_loss is None:
            self._first_loss = batch_loss
        why = divergence(batch_loss, self._first_loss, grads)
        if why:
            return self._diverged(batch_loss, why)
        if theta is None:  # the plain engine: the gradients are in each .grad
            self._optimizer_step()
        elif self._flat:
            self.optimizer.update(theta, grads)
        else:
            for p, g in zip(self.params, grads.tolist()):  # what .backward() of the batch objective gives
                p.grad += g
            self._optimizer_step()
        share = len(yb) / len(self.y)
        total, right, grad_sum = self._sums
        # grad_sum is in units of a whole batch: a short last batch counts for its share of one,
        # and the epoch's mean gradient is grad_sum · (batch / samples), taken once at its end
        unit = self._unit
        grad_sum += grads if len(yb) == unit else grads * (len(yb) / unit)
        self._sums = (total + batch_loss * share, right + correct, grad_sum)
        if self._left:
            return False
        self._end_epoch()
        return True

    def _measure(self, Xb: np.ndarray, yb: np.ndarray) -> tuple[float, int, np.ndarray, np.ndarray | None]:
        """The batch's objective, correct count and gradients, and the parameter array of the
        compiled path (None on the plain engine, whose gradients are left in each ``.grad``)."""
        obj, params = self.obj, self.params
        correct = 0
        if self.runner is None:
            rows, targets = Xb.tolist(), yb.tolist()
            outs = outputs_of_rows(self.model, rows)
            objective_value = L.regularized_loss(
                [obj.per_sample(o, t) for o, t in zip(outs, targets)], self.weights, self._reg, PENALTIES[self.penalty]
            )
            objective_value.backward()
            if obj.kind != "regression":
                correct = count_correct([[o.data for o in out] for out in outs], yb, obj.threshold)
            grads = np.fromiter((p.grad for p in params), dtype=np.float64, count=len(params))
            return objective_value.data, correct, grads, None
        theta = self._theta
        if theta is None:
            theta = np.fromiter((p.data for p in params), dtype=np.float64, count=len(params))
            if self._flat:
                self._theta = theta
        batch_loss, scores = self.runner.run(Xb, yb, params=theta)
        grads = self.runner.net.grads
        if self._reg and self._penalised.any():
            value, grads = self._penalty(theta, grads)
            batch_loss += value
        if obj.kind != "regression":
            correct = count_correct(scores, yb, obj.threshold)
        return batch_loss, correct, grads, theta

    def _largest(self) -> float:
        """The largest parameter in size (nan if one is nan)."""
        theta = self._theta
        if theta is None:
            theta = np.fromiter((p.data for p in self.params), dtype=np.float64, count=len(self.params))
        return float(np.max(np.abs(theta))) if len(theta) else 0.0

    def _blown_up(self) -> bool:
        """Whether the weights have left any sane range: not finite, or a million times their
        starting size."""
        largest = self._largest()
        return not math.isfinite(largest) or largest > 1e6 * max(self._start_size, 1.0)

    def _diverged(self, loss: float, why: str) -> bool:
        """Stop without stepping: the epoch ends here with ``loss``, and ``stop_reason`` says
        where and why, and what to try."""
        for p in self.params:
            p.grad = 0.0
        self._left = []
        epoch = self.history.epochs + 1
        lr = getattr(self.optimizer, "lr", None)
        rate = f" (lr is {float(lr):g})" if isinstance(lr, (int, float)) else ""
        self.stop_reason = f"diverged at epoch {epoch}: {why}; try a smaller learning rate{rate}"
        _, right, grad_sum = self._sums
        self._sums = (loss, right, grad_sum)
        self._end_epoch()
        return True

    def _optimizer_step(self) -> None:
        """``optimizer.step()`` on the Values, then their gradients cleared."""
        self.optimizer.step()
        for p in self.params:
            p.grad = 0.0

    def _penalty(self, theta: np.ndarray, grads: np.ndarray) -> tuple[float, np.ndarray]:
        """reg·R(W), and ``grads`` plus its gradient (a new array), from the parameters' values:
        the gradient the plain engine's ``penalty(weights) * reg`` gives, to the bit (L2: 2·reg·w,
        as w·w's dot node adds reg·w twice, and reg·w + reg·w is (2·reg)·w; L1: reg·sign(w), 0
        at 0), and its value to rounding. Parameters outside the penalty (biases) are 0 in w."""
        reg = self._reg
        if self.penalty == "l2":
            w = theta * self._penalised_2reg  # 2·reg·w, the gradient, in one pass
            value = 0.5 * float(w @ theta)  # reg·Σw²
        else:
            w = theta * self._penalised
            value = float(np.abs(w).sum()) * reg
            w = np.sign(w, out=w)
            w *= reg
        w += grads
        return value, w

    def _write_back(self) -> None:
        """The parameters held in the array, back into the model's Values."""
        theta, self._theta = self._theta, None
        if theta is not None:
            for p, v in zip(self.params, theta.tolist()):
                p.data = v

    def evaluate(self, X: Any, y: Any) -> tuple[float, float | None]:
        """(loss, accuracy) at the current weights on another set, e.g. the test set, as
        ``evaluate`` gives them: through a compiled replay traced once and kept."""
        X, y = check_xy(X, y, "evaluate")
        check_labels(self.obj, y)
        if self._scorer is None:
            self._scorer = LossReplay(self.model, self.obj, X.shape[1])
        return replayed_score(self._scorer, self.obj, self.model, X, y, self._reg, PENALTIES[self.penalty])

    def epoch(self, hold: bool = False) -> str:
        """Run the batches left in the current epoch (a whole epoch after the last one ended);
        returns ``stop_reason``: "" to go on, else why training should stop.

        ``hold=True`` (fit without a callback: nobody looks between epochs) keeps the
        parameters in the array when the epoch ends normally, for the next epoch to go on
        from; the caller then owes a ``_write_back`` when it stops. An exception still writes
        them back at once."""
        try:
            while not self._batch():
                pass
        except BaseException:
            self._write_back()
            raise
        if not hold:
            self._write_back()
        return self.stop_reason

    def _end_epoch(self) -> None:
        total, correct, grad_sum = self._sums
        self._sums = (0.0, 0, np.zeros(len(self.params)))
        h = self.history
        h.loss.append(total)
        h.accuracy.append(None if self.obj.kind == "regression" else correct / len(self.y))
        h.lr.append(float(self.optimizer.lr))
        h.grad_norm.append(float(np.sqrt(grad_sum @ grad_sum)) * (self._unit / len(self.y)))
        if self.stop_reason:
            return
        if self.convergence is not None:
            reason = self.convergence.check(h)
            if reason:
                self.stop_reason = f"converged at epoch {h.epochs}: {reason}"


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
    penalty: str = "l2",
) -> History:
    """Train ``model`` on ``(X, y)`` and return the History.

    Each epoch visits every sample once, in batches of ``batch_size`` shuffled from
    ``seed`` (None: the whole set as one batch, in order). Per batch: forward every sample,
    build the batch objective (mean data loss + reg·R(W), R = Σw² for ``penalty="l2"``,
    Σ|w| for ``"l1"``), one backward pass, one ``optimizer.step()``, then clear the
    gradients. The optimizer defaults to Adam with lr 0.02 (``DEFAULT_LR``). Training stops
    early when it diverges: the loss or the gradient stops being finite, or the loss grows
    to a thousand times its first value (``divergence``); no step is taken with them, and
    ``History.stop_reason`` says "diverged at epoch N: ..." and suggests a smaller learning
    rate. ``callback(epoch, history, model)`` runs after each epoch; a true result
    stops training. ``convergence`` (a ``Convergence``) may stop it early. ``progress``:
    True shows a tqdm bar (loss and accuracy as postfix), False none, None only on a
    terminal. Accuracy follows the one rule of ``nn.metrics``. ``compiled=True`` records
    the model and loss once and replays them over each batch with numpy
    (``autograd.compile``; ``nn.replay`` says what a callable loss must obey): the same
    training — the same weights, to rounding — much faster.
    The loop itself is ``Training`` (one batch or epoch at a time).

    ``pause_gc`` (default True) switches Python's cyclic garbage collector off while fit
    trains and restores it afterwards. chaingrad's graphs hold no reference cycles: each
    step's graph is freed by reference counting the moment it is dropped, so the collector
    would only spend time scanning live graphs (about a tenth of a step on the moons
    demo). Cycles made by your own loss or callback are collected after fit returns.
    """
    epochs = count(epochs, "epochs", "fit", at_least=1)
    run = Training(model, X, y, loss, optimizer, batch_size, reg, seed, convergence, compiled, penalty)
    history = run.history
    if progress is None:
        progress = sys.stderr.isatty()
    bar = tqdm(range(1, int(epochs) + 1), desc=desc, unit="epoch", disable=not progress, leave=True)
    gc_was_enabled = gc.isenabled()
    if pause_gc:
        gc.disable()
    start = time.perf_counter()
    try:
        for epoch in bar:
            reason = run.epoch(hold=callback is None)  # a callback may look at the weights, or change them
            if progress:
                post = {"loss": f"{history.loss[-1]:.4g}"}
                if history.accuracy[-1] is not None:
                    post["acc"] = f"{100.0 * history.accuracy[-1]:.1f}%"
                bar.set_postfix(post, refresh=False)
            if not reason and callback is not None and callback(epoch, history, model):
                reason = f"callback asked to stop at epoch {epoch}"
            if reason:
                history.stop_reason = reason
                break
        else:
            history.stop_reason = ran_all(int(epochs))
    finally:
        run._write_back()  # once, however fit ends, when no callback made each epoch do it
        history.seconds = time.perf_counter() - start
        if gc_was_enabled:
            gc.enable()
        bar.close()
    return history
