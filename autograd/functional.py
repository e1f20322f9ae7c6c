"""Whole-function derivatives on lists of floats: ``jacobian`` and ``hessian``.

Both take a function of a list of Values and the point (a list of numbers) at which to
differentiate it, and return nested lists of floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .backprop import grad
from .modes import enable_grad
from .value import Value


def _leaves(xs: Sequence[float]) -> list[Value]:
    return [Value(x, label=f"x{i + 1}") for i, x in enumerate(xs)]


def jacobian(f: Callable[[list[Value]], Value | Sequence[Value]], xs: Sequence[float]) -> list[list[float]]:
    """J[i][j] = d fᵢ / d xⱼ at xs (one row per output; a scalar f gives one row)."""
    vals = _leaves(xs)
    with enable_grad():  # a derivative is asked for: record f's graph even inside no_grad()
        out = f(vals)
    outs = [out] if isinstance(out, Value) else list(out)
    return [[float(g) for g in grad(y, vals)] for y in outs]


def hessian(f: Callable[[list[Value]], Value], xs: Sequence[float]) -> list[list[float]]:
    """H[i][j] = d² f / d xᵢ d xⱼ at xs, by differentiating the gradient graph again."""
    vals = _leaves(xs)
    with enable_grad():
        y = f(vals)
    if not isinstance(y, Value):
        raise TypeError(f"hessian needs a function with one Value as output, got {y!r}")
    first = grad(y, vals, create_graph=True)
    return [[float(h) for h in grad(g, vals)] for g in first]
