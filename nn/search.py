"""The lectures' "strategy #1", random search: draw every parameter at random, keep the
best. A first very bad idea, kept to compare with ``fit`` and see why gradients win.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.checks import count, real

from .batches import check_xy
from .evaluation import evaluate
from .objectives import LossFn
from .outputs import parameter_names


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
    X, y = check_xy(X, y, "random_search")
    tries = count(tries, "tries", "random_search", at_least=1)
    scale = real(scale, "scale", "random_search", above=0.0)
    seed = count(seed, "seed", "random_search")
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
    state = dict(zip(parameter_names(model, len(params)), best_state))
    return SearchResult(losses, best, best_loss, best_try, state)
