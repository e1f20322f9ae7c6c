"""The gradient check: compare the engine's derivatives with central differences.

``numerical_grad`` evaluates f at xᵢ ± eps in float64; ``gradcheck`` compares it with the
analytic gradient (and, with ``order=2``, the Hessian with central differences of the
analytic gradient) and raises ``GradcheckError`` with a table when they disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .backprop import backward, grad
from .checks import is_count, real
from .functional import hessian
from .modes import enable_grad, no_grad
from .value import Value

Fn = Callable[[list[Value]], Value]

EPS, ATOL, RTOL = 1e-6, 1e-6, 1e-4
"""The step of the central differences and the tolerances every check of the engine uses
unless told otherwise (``gradcheck``, and ``check_primitive`` through ``autograd.mistakes``)."""


class GradcheckError(AssertionError):
    """An analytic derivative that disagrees with its numerical estimate."""


def _eval(f: Fn, xs: Sequence[float]) -> float:
    with no_grad():
        y = f([Value(x) for x in xs])
    if not isinstance(y, Value):
        raise TypeError(f"gradcheck needs a function returning one Value, got {y!r}")
    return y.data


def numerical_grad(f: Fn, xs: Sequence[float], eps: float = EPS) -> list[float]:
    """(f(x + eps·eᵢ) − f(x − eps·eᵢ)) / 2eps for each i."""
    eps = real(eps, "eps (the step)", "numerical_grad", above=0.0)
    return central_differences(lambda v: _eval(f, v), xs, eps)


def central_differences(f: Callable[[list[float]], float], xs: Sequence[float], eps: float = EPS) -> list[float]:
    """(f(x + eps·eᵢ) − f(x − eps·eᵢ)) / 2eps for each i, for f on floats."""
    out = []
    for i in range(len(xs)):
        up = list(xs)
        down = list(xs)
        up[i] += eps
        down[i] -= eps
        out.append((f(up) - f(down)) / (2.0 * eps))
    return out


def passes(analytic: float, numeric: float, atol: float = ATOL, rtol: float = RTOL) -> bool:
    """The rule of every check: abs err <= atol + rtol·|numeric| (nan never passes)."""
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _table(title: str, rows: list[tuple[str, float, float]], atol: float, rtol: float) -> str:
    lines = [title, f"{'input':>14} {'analytic':>14} {'numeric':>14} {'abs err':>10} {'rel err':>10}"]
    for name, a, n in rows:
        err = abs(a - n)
        rel = err / abs(n) if n != 0.0 else float("inf") if err else 0.0
        flag = "  <-- fails" if not passes(a, n, atol, rtol) else ""
        lines.append(f"{name:>14} {a:>14.8g} {n:>14.8g} {err:>10.2e} {rel:>10.2e}{flag}")
    lines.append(f"(passes where abs err <= atol + rtol*|numeric|, atol={atol:g}, rtol={rtol:g})")
    return "\n".join(lines)


def _check(title: str, rows: list[tuple[str, float, float]], atol: float, rtol: float) -> None:
    if any(not passes(a, n, atol, rtol) for _, a, n in rows):
        raise GradcheckError(_table(title, rows, atol, rtol))


def gradcheck(
    f: Fn,
    xs: Sequence[float],
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    order: int = 1,
) -> bool:
    """True if f's analytic derivatives at xs match central differences; else raise.

    Also checks that ``backward`` on a fresh graph gives the same gradient as ``grad``, and
    that calling it twice on the same graph doubles the leaves' gradients and nothing else.
    ``order=2`` checks the Hessian too.
    """
    if not is_count(order) or order not in (1, 2):
        raise ValueError(f"gradcheck checks order 1 or 2, got order={order!r}")
    eps = real(eps, "eps (the step)", "gradcheck", above=0.0)
    atol = real(atol, "atol", "gradcheck", at_least=0.0)
    rtol = real(rtol, "rtol", "gradcheck", at_least=0.0)
    with enable_grad():  # derivatives are asked for: record the graphs even inside no_grad()
        return _gradcheck(f, xs, eps, atol, rtol, order)


def _gradcheck(f: Fn, xs: Sequence[float], eps: float, atol: float, rtol: float, order: int) -> bool:
    xs = [float(x) for x in xs]
    names = [f"x[{i}]={x:.4g}" for i, x in enumerate(xs)]
    vals = [Value(x) for x in xs]
    y = f(vals)
    if not isinstance(y, Value):
        raise TypeError(f"gradcheck needs a function returning one Value, got {y!r}")
    analytic = [float(g) for g in grad(y, vals)]
    numeric = numerical_grad(f, xs, eps)
    _check("gradient check failed:", list(zip(names, analytic, numeric)), atol, rtol)

    backward(y)
    first = [v.grad for v in vals]
    backward(y)
    second = [v.grad for v in vals]
    rows = [(n, 2.0 * a, s) for n, a, s in zip(names, first, second)]
    _check("backward twice on one graph did not double the leaves' gradients:", rows, 1e-12, 1e-12)
    _check("backward and grad disagree:", list(zip(names, first, analytic)), 1e-12, 1e-12)

    if order == 2:
        h = hessian(f, xs)
        for j in range(len(xs)):
            # column j of the Hessian: central differences of the analytic gradient
            up = list(xs)
            down = list(xs)
            up[j] += eps
            down[j] -= eps
            g_up = grad(f(pu := [Value(x) for x in up]), pu)
            g_down = grad(f(pd := [Value(x) for x in down]), pd)
            rows = [
                (f"d/d{names[i]} d/dx[{j}]", h[i][j], (g_up[i] - g_down[i]) / (2.0 * eps))
                for i in range(len(xs))
            ]
            _check("second-order gradient check failed:", rows, atol, rtol)
    return True
