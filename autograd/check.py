"""Grade a primitive's rules: ``check_primitive``.

It runs the gradient check of a row of the primitive table at points inside the rule's
domain and away from its kinks — the suite's rule for sharp points: every argument of relu,
abs, step and sign at least 0.01 from 0 — and returns a ``Report``. It checks the forward
value (against a ``reference`` function when one is given), the first derivative (the vjp
against central differences of the forward rule), the second (the vjp on Values,
differentiated again, against central differences of the vjp) and the numpy backend of the
compiled replay. When a derivative is off it names the usual mistake that fits
(``autograd.mistakes``), or a rule the engine cannot differentiate again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import checks
from .arraymath import ARRAY
from .backprop import grad
from .extend import NotWritten, Operation, PrimitiveError, arity
from .gradcheck import central_differences, passes
from .mistakes import KINK, SLIPS, G, Report, and_more, name_mistake, slipped
from .modes import enable_grad
from .primitives import FLOAT, PRIMITIVES, VALUE, FloatMath, Primitive
from .value import Value, apply

__all__ = ["check_primitive"]


class _KinkMath(FloatMath):
    """FLOAT, noting how close any argument of a piecewise function comes to its kink."""

    def __init__(self) -> None:
        self.closest = math.inf

    def _near(self, a: float) -> None:
        self.closest = min(self.closest, abs(a))

    def relu(self, a: float) -> float:  # type: ignore[override]
        self._near(a)
        return FloatMath.relu(a)

    def abs(self, a: float) -> float:  # type: ignore[override]
        self._near(a)
        return FloatMath.abs(a)

    def step(self, a: float) -> float:  # type: ignore[override]
        self._near(a)
        return FloatMath.step(a)

    def sign(self, a: float) -> float:  # type: ignore[override]
        self._near(a)
        return FloatMath.sign(a)


def _rules(op: Operation | Primitive | str) -> tuple[Primitive, Callable[..., Any], Callable[..., Any]]:
    if isinstance(op, str):
        if op not in PRIMITIVES:
            raise ValueError(f"check_primitive: no row named {op!r} in the table (rows: {', '.join(PRIMITIVES)})")
        op = PRIMITIVES[op]
    prim = op.prim if isinstance(op, Operation) else op
    if not isinstance(prim, Primitive):
        raise TypeError(
            f"check_primitive needs an operation of autograd.primitive, a Primitive or a row's name, got {op!r}"
        )
    return prim, getattr(prim.forward, "__wrapped__", prim.forward), getattr(prim.vjp, "__wrapped__", prim.vjp)


def _arg_names(forward: Callable[..., Any], n: int) -> list[str]:
    try:
        code = forward.__code__
        names = list(code.co_varnames[1 : code.co_argcount])
    except AttributeError:
        names = []
    return names if len(names) == n else [f"args[{i}]" for i in range(n)]


def _inside(forward: Callable[..., Any], vjp: Callable[..., Any], x: tuple[float, ...]) -> bool:
    """Inside the domain (the rules run, the output is finite) and away from every kink."""
    km = _KinkMath()
    try:
        out = forward(km, *x)
        grads = vjp(km, G, out, *x)
        ok = math.isfinite(out) and all(math.isfinite(d) for d in grads)
    except PrimitiveError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return False
    return ok and km.closest >= KINK


def _draw(
    forward: Callable[..., Any], vjp: Callable[..., Any], n_args: int, count: int, seed: int
) -> list[tuple[float, ...]]:
    rng = np.random.default_rng(seed)
    pts: list[tuple[float, ...]] = []
    for _ in range(50 * count):
        x = tuple((rng.uniform(0.1, 3.0) * rng.choice([-1.0, 1.0])).item() for _ in range(n_args))
        if _inside(forward, vjp, x):
            pts.append(x)
            if len(pts) == count:
                break
    return pts


def _at(names: list[str], x: Sequence[float]) -> str:
    return ", ".join(f"{n} = {v:.4g}" for n, v in zip(names, x))


def check_primitive(
    op: Operation | Primitive | str,
    points: Sequence[Any] | None = None,
    order: int = 2,
    reference: Callable[..., float] | None = None,
    n_args: int | None = None,
    count: int = 100,
    seed: int = 0,
) -> Report:
    """Check a primitive's rules and return a ``Report`` (see the module docstring).

    ``op``: what ``autograd.primitive`` returned, a ``Primitive``, or the name of a row.
    ``points``: the points to check (a number each for one argument, else a sequence);
    by default ``count`` points drawn inside the domain, away from kinks. ``reference(*x)``:
    what the forward rule should compute, in plain Python. ``n_args``: how many arguments to
    draw for a rule that takes any number. ``order`` 1 skips the second derivative.
    """
    if not checks.is_count(order) or order not in (1, 2):
        raise ValueError(f"check_primitive checks order 1 or 2, got order={order!r}")
    count = checks.count(count, "count", "check_primitive", at_least=1)
    seed = checks.count(seed, "seed", "check_primitive")
    if n_args is not None:
        n_args = checks.count(n_args, "n_args", "check_primitive", at_least=1)
    prim, forward, vjp = _rules(op)
    report = Report(prim.name)
    try:
        if points is not None:
            pts = [tuple(float(v) for v in np.atleast_1d(np.asarray(p, dtype=float))) for p in points]
        else:
            n = n_args if n_args is not None else arity(prim)
            if n is None:
                raise ValueError(f"check_primitive: {prim.name} takes any number of arguments: give n_args or points")
            pts = _draw(prim.forward, prim.vjp, n, count, seed)
            if not pts:
                report.problems.append(
                    f"no point inside the domain of {prim.name} was found in ±[0.1, 3] away from kinks: give points="
                )
                return report
        with enable_grad():  # the second order builds graphs, even when called inside no_grad()
            _check(prim, forward, pts, order, reference, report)
    except NotWritten:
        report.solved = False
    except PrimitiveError as e:  # a rule breaking the table's contract: what it broke is the report
        report.problems.append(str(e))
    return report


def _check(
    prim: Primitive,
    forward: Callable[..., Any],
    pts: list[tuple[float, ...]],
    order: int,
    reference: Callable[..., float] | None,
    report: Report,
) -> None:
    n = len(pts[0])
    names = _arg_names(forward, n)
    name, problems = prim.name, report.problems
    outs = [prim.forward(FLOAT, *x) for x in pts]

    if reference is not None:  # the forward value
        refs = [float(reference(*x)) for x in pts]
        bad = [i for i, (o, r) in enumerate(zip(outs, refs)) if not passes(o, r, atol=1e-12, rtol=1e-9)]
        if bad:
            why = name_mistake([outs[i] for i in bad], [refs[i] for i in bad], {}, [0.5] * len(bad), [], False)
            i = bad[0]
            problems.append(
                f"forward value of {name} at {_at(names, pts[i])}: got {outs[i]:.6g}, expected "
                f"{refs[i]:.6g}" + (f": {why}" if why else "") + and_more(bad)
            )
            problems.append("derivatives not checked: they are checked against the forward rule, once it is right")
            return

    grads = [prim.vjp(FLOAT, G, o, *x) for o, x in zip(outs, pts)]
    numeric = [central_differences(lambda y: prim.forward(FLOAT, *y), x) for x in pts]
    first_ok = True
    for i in range(n):
        got = [float(gr[i]) for gr in grads]
        exp = [G * nu[i] for nu in numeric]
        bad = [k for k in range(len(pts)) if not passes(got[k], exp[k])]
        if not bad:
            continue
        first_ok = False
        others = {names[j]: [G * numeric[k][j] for k in bad] for j in range(n) if j != i}
        slips = [(why, [G * d for d in _slipped(forward, pts, bad, i, row, wrong)]) for row, wrong, why in SLIPS]
        why = name_mistake([got[k] for k in bad], [exp[k] for k in bad], others, [outs[k] for k in bad], slips)
        k = bad[0]
        shown = f"{got[k]:.3g}" if why and "upstream" in why else f"{got[k] / G:.3g}·g"
        which = f", gradient of {names[i]}," if n > 1 else ""
        problems.append(
            f"vjp of {name}{which} at {_at(names, pts[k])}: got {shown}, expected {exp[k] / G:.3g}·g"
            + (f": {why}" if why else " (central differences of the forward rule)")
            + and_more(bad)
        )
    if first_ok:
        _check_arrays(prim, pts, outs, grads, problems)
    if order == 2 and first_ok:
        _check_second(prim, names, pts, problems)
    elif order == 2:
        problems.append("second derivative not checked: the first is wrong")
    if not problems:
        report.checked = (
            f"forward and vjp agree with central differences at {len(pts)} points, "
            f"{'first and second order' if order == 2 else 'first order'}, on floats, Values and arrays"
        )


def _slipped(
    forward: Callable[..., Any],
    pts: list[tuple[float, ...]],
    bad: list[int],
    i: int,
    row: str,
    wrong: Callable[..., Any],
) -> list[float]:
    """The derivative of argument i that a rule would have with the slip in ``row``, at the failing points."""
    out = []
    for k in bad:
        xs = [Value(v) for v in pts[k]]
        try:
            y = forward(VALUE, *xs)
        except Exception:
            return [math.nan] * len(bad)
        out.append(slipped(y, xs, row, wrong)[i] if isinstance(y, Value) else math.nan)
    return out


def _check_arrays(
    prim: Primitive, pts: list[tuple[float, ...]], outs: list[float], grads: list[Any], problems: list[str]
) -> None:
    """The ARRAY backend (the compiled replay) gives the FLOAT backend's numbers, per point."""
    cols = [np.array([x[i] for x in pts]) for i in range(len(pts[0]))]
    try:
        out = prim.forward(ARRAY, *cols)
        arr = prim.vjp(ARRAY, np.full(len(pts), G), np.broadcast_to(out, (len(pts),)), *cols)
    except Exception as e:
        problems.append(
            str(e)
            if isinstance(e, PrimitiveError)
            else f"{prim.name} fails on numpy arrays (the compiled replay): {type(e).__name__}: {e}"
        )
        return
    want = np.array([[float(d) for d in gr] for gr in grads]).T
    got = np.array([np.broadcast_to(d, (len(pts),)) for d in arr])
    if not (
        np.allclose(np.broadcast_to(out, (len(pts),)), outs, rtol=1e-12, atol=1e-12)
        and np.allclose(got, want, rtol=1e-12, atol=1e-12)
    ):
        problems.append(
            f"{prim.name} gives other numbers on numpy arrays (the compiled replay) than on floats: "
            "does a rule branch on the data (if, max, min) instead of using m.relu, m.step, ...?"
        )


def _check_second(prim: Primitive, names: list[str], pts: list[tuple[float, ...]], problems: list[str]) -> None:
    """d(vjp)/d(args, g) through the VALUE backend against central differences of the FLOAT vjp."""
    n = len(names)
    for x in pts:
        xs, gv = [Value(v) for v in x], Value(G)
        node = apply(prim, *xs)
        ds = prim.vjp(VALUE, gv, node, *xs)
        for i, d in enumerate(ds):
            got = [float(s) for s in grad(d, xs + [gv])] if isinstance(d, Value) else [0.0] * (n + 1)

            def grad_i(y: list[float], i: int = i) -> float:
                return float(prim.vjp(FLOAT, G, prim.forward(FLOAT, *y), *y)[i])

            exp = central_differences(grad_i, x)
            exp.append(float(prim.vjp(FLOAT, G, prim.forward(FLOAT, *x), *x)[i]) / G)
            bad = [j for j in range(n + 1) if not passes(got[j], exp[j])]
            if not bad:
                continue
            wrt = (names + ["g"])[bad[0]]
            if bad == [n]:
                why = "the rule treats g as a plain number (float(g) or g.data): keep g as it comes"
            elif not isinstance(d, Value) or any(got[j] == 0.0 for j in bad):
                why = (
                    "the rule computes with plain numbers (math.*, float() or .data): right on floats, but the "
                    "engine cannot differentiate it again; use the operators and m.exp, m.log, ..."
                )
            else:
                why = "central differences of the vjp disagree"
            problems.append(
                f"second derivative of {prim.name} (d/d{wrt} of the gradient of {names[i]}) at "
                f"{_at(names, x)}: got {got[bad[0]]:.4g}, expected {exp[bad[0]]:.4g}: {why}"
            )
            return
