"""Check a derivative worked out by hand: ``check_answer``.

The answer — a number, a list or a matrix — is compared with the engine's derivative of a
function at a point; when it is off, the usual mistake that fits is named
(``autograd.mistakes``), or a chain-rule factor that is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .backprop import grad
from .gradcheck import passes
from .mistakes import SLIPS, Report, and_more, fits, name_mistake, slipped
from .value import Value

__all__ = ["check_answer"]


def _run(f: Callable[..., Any], at: dict[str, Any], wrt: str) -> tuple[Any, dict[str, Any], Any, list[Value]]:
    """f's output on fresh Values at ``at``, those Values, and the argument ``wrt`` both as
    given (one Value or a list) and as a list."""
    vals = {k: [Value(u) for u in v] if isinstance(v, list) else Value(v) for k, v in at.items()}
    target = vals[wrt]
    return f(**vals), vals, target, target if isinstance(target, list) else [target]


def _engine_answer(f: Callable[..., Any], at: dict[str, Any], wrt: str) -> tuple[Any, Any, dict[str, Any]]:
    """The engine's derivative of f at ``at`` with respect to ``wrt``: a number, a list (a list
    argument, or a list of outputs) or a matrix J[a][b] = ∂outₐ/∂wrt_b. Also f's value."""
    out, vals, target, inputs = _run(f, at, wrt)

    def d(y: Value) -> Any:
        gs = [float(v) for v in grad(y, inputs)]
        return gs if isinstance(target, list) else gs[0]

    if isinstance(out, Value):
        return d(out), out.data, vals
    return [d(y) for y in out], [y.data for y in out], vals


def _numbers(v: Any) -> float | list[float]:
    """A point's coordinate as check_answer uses it: a float, or a list of floats (from any
    sequence or numpy array)."""
    if isinstance(v, (str, bytes)):
        raise TypeError(f"check_answer: the point's values must be numbers or lists of numbers, got {v!r}")
    if isinstance(v, Sequence) or hasattr(v, "tolist"):
        flat = v.tolist() if hasattr(v, "tolist") else list(v)
        return [float(u) for u in flat] if isinstance(flat, list) else float(flat)
    return float(v)


def _flat(x: Any) -> list[float]:
    if isinstance(x, (list, tuple, np.ndarray)):
        return [v for item in x for v in _flat(item)]
    return [float(x)]


def check_answer(
    answer: Any, f: Callable[..., Any], at: dict[str, Any], wrt: str | None = None, name: str | None = None
) -> Report:
    """Compare a derivative worked out by hand with the engine's.

    ``f`` takes keyword arguments named as in ``at`` (a number, or a list of numbers, each)
    and returns a Value or a list of Values; ``answer`` is the derivative of that output with
    respect to ``wrt`` at ``at`` — a number, a list, or a matrix ``J[a][b] = ∂outₐ/∂wrt_b``.
    ``...`` (the exercise's placeholder) is reported as not solved yet.
    """
    if wrt is None:
        if len(at) != 1:
            raise ValueError(f"check_answer: say which argument the derivative is taken by, wrt= one of {list(at)}")
        wrt = next(iter(at))
    if wrt not in at:
        raise ValueError(f"check_answer: wrt={wrt!r} is not one of the arguments {list(at)}")
    title = name or f"∂/∂{wrt}"
    at = {k: _numbers(v) for k, v in at.items()}
    if answer is ... or answer is None:
        return Report(title, solved=False)
    expected, value, vals = _engine_answer(f, at, wrt)
    got, exp = _flat(answer), _flat(expected)
    if len(got) != len(exp):
        shape = f"a list of {len(expected)}" if isinstance(expected, list) else "one number"
        return Report(title, problems=[f"expected {shape} ({len(exp)} numbers in all), got {len(got)} numbers"])
    bad = [k for k in range(len(exp)) if not passes(got[k], exp[k], atol=1e-9, rtol=1e-6)]
    if not bad:
        return Report(title, checked=f"{_show(answer)} agrees with the engine at {_point(at)}")
    others = {}
    for k, v in at.items():
        if k != wrt and not isinstance(v, list) and not isinstance(at[wrt], list):
            theirs = _flat(_engine_answer(f, at, k)[0])
            if len(theirs) == len(exp):
                others[f"{k}, not {wrt}"] = [theirs[j] for j in bad]
    outs = [_flat(value)[j] if len(_flat(value)) == len(exp) else 0.5 for j in bad]
    slips = []
    for row, wrong, slip in SLIPS:
        theirs = _slipped(f, at, wrt, row, wrong)
        slips.append((slip, [theirs[j] for j in bad]))
    why = name_mistake([got[j] for j in bad], [exp[j] for j in bad], others, outs, slips, with_g=False)
    why = why or _missing_factor([got[j] for j in bad], [exp[j] for j in bad], at, wrt)
    where = f" (entry {np.unravel_index(bad[0], np.shape(expected))})" if len(exp) > 1 else ""
    return Report(
        title,
        problems=[
            f"at {_point(at)}{where}: got {got[bad[0]]:.6g}, expected {exp[bad[0]]:.6g}"
            + (f": {why}" if why else "")
            + and_more(bad)
        ],
    )


def _slipped(f: Callable[..., Any], at: dict[str, Any], wrt: str, row: str, wrong: Callable[..., Any]) -> list[float]:
    """The answer, flat, of a derivation that used the wrong rule at every node of ``row``."""
    out, _, _, inputs = _run(f, at, wrt)
    return [d for y in ([out] if isinstance(out, Value) else out) for d in slipped(y, inputs, row, wrong)]


def _missing_factor(got: list[float], exp: list[float], at: dict[str, Any], wrt: str) -> str | None:
    """A chain-rule factor left out: the answer is the expected one divided by an input."""
    for k, v in at.items():
        if k != wrt and not isinstance(v, list) and abs(v) > 1e-9 and abs(v - 1.0) > 1e-9:
            if fits(got, [e / float(v) for e in exp]):
                return f"a factor of {k} = {float(v):g} is missing (the chain rule's last step?)"
            if fits(got, [e * float(v) for e in exp]):
                return f"a factor of {k} = {float(v):g} too many"
    return None


def _show(x: Any) -> str:
    return str(np.round(np.asarray(x, dtype=float), 6).tolist())


def _point(at: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in at.items())
