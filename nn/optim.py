"""Optimizers (SGD with momentum, Adam) and learning-rate schedules.

An optimizer holds a list of parameters and, on ``step()``, moves each one's ``.data``
using its ``.grad``; it touches nothing else (not the gradients: call ``zero_grad()``
before the next backward pass, since leaves accumulate). The learning rate is a number or
a schedule, a callable t -> rate for step t = 1, 2, ...: ``constant``, ``inverse_sqrt``
(η₀/√t, the lecture's choice) or ``linear_decay``.

``optimizer_named`` and ``schedule_named`` build them from the names the ``chaingrad``
command and the playground offer (``OPTIMIZERS``, ``SCHEDULES``): one table for both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Value
from autograd.checks import count, is_real, real

Schedule = Callable[[int], float]


# ---------------------------------------------------------------------------------------
# schedules
# ---------------------------------------------------------------------------------------


def _step_index(t: Any, where: str) -> int:
    return count(t, "the step t (it counts from 1)", where, at_least=1)


class constant:  # noqa: N801 - a schedule reads like a function: constant(0.1)
    """η_t = η₀ for every step."""

    def __init__(self, lr0: float) -> None:
        self.lr0 = real(lr0, "lr0", "constant", above=0.0)

    def __call__(self, t: int) -> float:
        _step_index(t, "constant")
        return self.lr0

    def __repr__(self) -> str:
        return f"constant({self.lr0:g})"


class inverse_sqrt:  # noqa: N801
    """η_t = η₀ / √t (the lecture's most common schedule)."""

    def __init__(self, lr0: float) -> None:
        self.lr0 = real(lr0, "lr0", "inverse_sqrt", above=0.0)

    def __call__(self, t: int) -> float:
        return self.lr0 / math.sqrt(_step_index(t, "inverse_sqrt"))

    def __repr__(self) -> str:
        return f"inverse_sqrt({self.lr0:g})"


class linear_decay:  # noqa: N801
    """η_t = η₀ + (η_end − η₀)·min(t − 1, steps)/steps: η₀ at the first step, then a
    straight line that reaches η_end after ``steps`` steps and stays there.

    The moons demo (``nn.demo``, which holds its settings) decays its rate this way.
    """

    def __init__(self, lr0: float, lr_end: float, steps: int) -> None:
        self.lr0 = real(lr0, "lr0", "linear_decay", above=0.0)
        self.lr_end = real(lr_end, "lr_end", "linear_decay", at_least=0.0)
        self.steps = count(steps, "steps", "linear_decay", at_least=1)

    def __call__(self, t: int) -> float:
        k = min(_step_index(t, "linear_decay") - 1, self.steps)
        return self.lr0 + (self.lr_end - self.lr0) * k / self.steps

    def __repr__(self) -> str:
        return f"linear_decay({self.lr0:g}, {self.lr_end:g}, {self.steps})"


# ---------------------------------------------------------------------------------------
# optimizers
# ---------------------------------------------------------------------------------------


def all_finite(v: np.ndarray) -> bool:
    """Whether every entry of the vector ``v`` is finite. Its sum of squares is finite only if
    every entry is, and is one fast pass; only when it is not (a nan or inf, or squares that
    overflow) are the entries checked one by one."""
    return math.isfinite(float(v @ v)) or bool(np.isfinite(v).all())


class Optimizer:
    """What SGD and Adam share: the parameters, the schedule, the step count ``t``."""

    def __init__(self, params: Iterable[Value], lr: float | Schedule, weight_decay: float) -> None:
        name = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name}: got an empty list of parameters")
        first: dict[int, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} is not a Value: {p!r}")
            if id(p) in first:
                raise ValueError(
                    f"{name}: parameter {i} ({p!r}) is the same Value as parameter {first[id(p)]}; "
                    "listed twice it would be stepped twice per step"
                )
            first[id(p)] = i
        if callable(lr):
            self.schedule: Schedule = lr
            self._check_rate(lr(1), 1)
        else:
            self.schedule = constant(real(lr, "lr (learning rate)", name, above=0.0))
        self.weight_decay = real(weight_decay, "weight_decay", name, at_least=0.0)
        self.t = 0

    def _check_rate(self, lr: Any, t: int) -> float:
        if not is_real(lr) or not (math.isfinite(lr) and lr >= 0.0):
            raise ValueError(f"{type(self).__name__}: the schedule gave lr={lr!r} at step {t}; need a number >= 0")
        return float(lr)

    @property
    def lr(self) -> float:
        """The rate of the most recent step (before the first step: the rate it will use)."""
        return self.schedule(max(self.t, 1))

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move each parameter's ``.data`` by the rule of the optimizer, from its ``.grad``."""
        params = self.params
        values = np.fromiter((p.data for p in params), dtype=np.float64, count=len(params))
        grads = np.fromiter((float(p.grad) for p in params), dtype=np.float64, count=len(params))
        self.update(values, grads)
        for p, v in zip(params, values.tolist()):
            p.data = v

    def update(self, values: np.ndarray, grads: np.ndarray) -> None:
        """One step on the parameters' values held in an array (in the order of ``params``),
        changed in place; ``grads`` likewise. What ``step`` does to the Values, for a loop that
        keeps the parameters in one array while it trains (``fit(compiled=True)``). A nan or
        inf gradient is an error, raised before anything changes."""
        if not all_finite(grads):
            i = int(np.argmin(np.isfinite(grads)))
            p = self.params[i]
            raise ValueError(
                f"{type(self).__name__}.step: the gradient of parameter {i} ({p.label or 'unnamed'}) is {grads[i]}; "
                "the loss has diverged (try a smaller learning rate)"
            )
        t = self.t + 1
        lr = self._check_rate(self.schedule(t), t)
        self.t = t
        if self.weight_decay:
            grads = grads + self.weight_decay * values
        self._move(values, grads, lr)

    def _move(self, values: np.ndarray, grads: np.ndarray, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with the lecture's momentum.

    Without momentum: w ← w − lr·g. With momentum μ: vel ← μ·vel − lr·g; w ← w + vel
    (vel starts at 0). g is the gradient plus ``weight_decay``·w.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = real(momentum, "momentum", "SGD", at_least=0.0, below=1.0)
        self.velocity = np.zeros(len(self.params))

    def _move(self, values: np.ndarray, grads: np.ndarray, lr: float) -> None:
        mu = self.momentum
        if mu == 0.0:
            values -= lr * grads
            return
        vel = self.velocity
        vel *= mu
        vel -= lr * grads
        values += vel

    def __repr__(self) -> str:
        return (
            f"SGD({len(self.params)} parameters, lr={self.schedule!r}, momentum={self.momentum:g}, "
            f"weight_decay={self.weight_decay:g})"
        )


class Adam(Optimizer):
    """Adam: running means of the gradient (m) and its square (v), bias-corrected.

    m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
    w ← w − lr·m̂/(√v̂ + eps). The first step moves each weight by about lr·sign(g).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (
            real(b1, "beta1", "Adam", at_least=0.0, below=1.0),
            real(b2, "beta2", "Adam", at_least=0.0, below=1.0),
        )
        self.eps = real(eps, "eps", "Adam", above=0.0)
        self.m = np.zeros(len(self.params))
        self.v = np.zeros(len(self.params))

    def _move(self, values: np.ndarray, grads: np.ndarray, lr: float) -> None:
        b1, b2 = self.betas
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        m, v = self.m, self.v
        m *= b1
        m += (1.0 - b1) * grads
        v *= b2
        v += (1.0 - b2) * grads * grads
        values -= lr * (m / c1) / (np.sqrt(v / c2) + self.eps)

    def __repr__(self) -> str:
        return f"Adam({len(self.params)} parameters, lr={self.schedule!r}, betas={self.betas}, eps={self.eps:g})"


# ---------------------------------------------------------------------------------------
# by name: what the command line and the playground offer
# ---------------------------------------------------------------------------------------

OPTIMIZERS = ("sgd", "momentum", "adam")
"""SGD, SGD with momentum ``MOMENTUM``, Adam."""
MOMENTUM = 0.9
SCHEDULES = ("constant", "inverse_sqrt", "linear_decay")
"""Named as the schedule functions above."""
SCHEDULE_ALIASES = {"invsqrt": "inverse_sqrt", "linear": "linear_decay"}
"""The names ``chaingrad train --schedule`` took first, still accepted."""
LINEAR_END = 0.1
"""The named "linear_decay" goes from lr down to lr·LINEAR_END over the run, as the moons
demo goes from 1.0 to 0.1."""


def schedule_name(name: str) -> str:
    """``name`` as one of ``SCHEDULES`` (an alias translated); a ValueError lists the choices."""
    name = SCHEDULE_ALIASES.get(name, name)
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    return name


def schedule_named(name: str, lr: float, steps: int) -> Schedule:
    """The schedule ``name`` starting at ``lr`` for a run of ``steps`` steps: ``constant(lr)``,
    ``inverse_sqrt(lr)`` or ``linear_decay(lr, lr·LINEAR_END, steps)``."""
    name = schedule_name(name)
    if name == "constant":
        return constant(lr)
    if name == "inverse_sqrt":
        return inverse_sqrt(lr)
    return linear_decay(lr, lr * LINEAR_END, steps)


def optimizer_named(name: str, params: Iterable[Value], lr: float | Schedule) -> Optimizer:
    """The optimizer ``name`` (one of ``OPTIMIZERS``) over ``params`` at the rate or schedule ``lr``."""
    if name == "sgd":
        return SGD(params, lr)
    if name == "momentum":
        return SGD(params, lr, momentum=MOMENTUM)
    if name == "adam":
        return Adam(params, lr)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
