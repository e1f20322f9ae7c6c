"""The primitive table: every operation the engine knows, forward rule and local derivatives
side by side.

Each row is one ``Primitive``:

* ``forward(m, *args)`` computes the output from the parents' values;
* ``vjp(m, g, out, *args)`` returns one gradient per parent, given the upstream gradient
  ``g``, the node's own output ``out`` and its parents' values ``args`` (the chain rule:
  upstream gradient times local derivative).

``m`` is a *math backend*: ``FLOAT`` (Python floats, with domain checks and stable
formulas), ``VALUE`` (Values, so that a backward pass builds a differentiable graph:
higher-order derivatives) or the compiled replay's numpy backends in ``autograd.arraymath``
(one entry per sample, for replaying a recorded graph over a batch). Operators ``+ - * /``
work on all of them, so most rules are written with them alone; everything else goes
through ``m``. The plain backward, the
higher-order gradients, the drawing and the compiled replay all read this one table (the
plain walk applies the rules ``swap``, ``distribute`` and the dot's ``scale_each`` in place
rather than calling them: most nodes use one of the three).

Every row enters it through ``define``, the built-in rows below as much as the rows users add
with ``autograd.primitive`` (``autograd.extend`` names all the extension points).

Kinks: relu and abs use the subgradient 0 at 0.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Primitive:
    """One row of the table: a name, a symbol for drawings, and the two rules."""

    name: str
    symbol: str
    forward: Callable[..., Any]
    vjp: Callable[..., Any]

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


# ---------------------------------------------------------------------------------------
# Math backends
# ---------------------------------------------------------------------------------------


FLOAT_MAX = sys.float_info.max


def _num(x: float) -> str:
    return repr(float(x))


def scale_each(g: Any, ws: Any, xs: Any) -> list[Any]:
    """The dot's local derivatives times g: ∂(Σ wᵢ·xᵢ)/∂wᵢ = xᵢ and ∂/∂xᵢ = wᵢ (the rule of every
    backend but the matrix one, which sums them over a batch with matrix products)."""
    return [g * x for x in xs] + [g * w for w in ws]


def distribute(m: Any, g: Any, out: Any, *args: Any) -> list[Any]:
    """The rule of add and sum: each parent receives the upstream gradient as it is (every
    local derivative is 1; the lecture's add gate hands g to all of its inputs)."""
    return [g] * len(args)


def swap(m: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """The rule of mul: each parent receives g times the other parent (∂(a·b)/∂a = b,
    ∂(a·b)/∂b = a; the lecture's mul gate swaps its inputs)."""
    return g * b, g * a


class FloatMath:
    """Python floats. Out-of-domain input raises ValueError naming the operation."""

    @staticmethod
    def div(a: float, b: float) -> float:
        if b == 0.0 or b != b:
            raise ValueError(f"division of {_num(a)} by {_num(b)} is undefined (Value.__truediv__)")
        return a / b

    @staticmethod
    def pow(a: float, b: float) -> float:
        if a != a or b != b:
            raise ValueError(f"{_num(a)} ** {_num(b)} is undefined (Value.__pow__)")
        if a == 0.0 and b < 0.0:
            raise ValueError(f"0.0 ** {_num(b)} is undefined: zero to a negative power (Value.__pow__)")
        if a < 0.0 and not float(b).is_integer():
            raise ValueError(
                f"{_num(a)} ** {_num(b)} is undefined: a negative base to a non-integer power "
                "(Value.__pow__)"
            )
        try:
            return a**b
        except OverflowError:
            negative = a < 0.0 and float(b) % 2.0 == 1.0
            return -math.inf if negative else math.inf

    @staticmethod
    def exp(a: float) -> float:
        if a != a:
            raise ValueError("exp of nan is undefined (Value.exp)")
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf

    @staticmethod
    def log(a: float) -> float:
        if not a > 0.0:
            raise ValueError(f"log of {_num(a)} is undefined: log needs a positive number (Value.log)")
        return math.log(a)

    @staticmethod
    def log1p(a: float) -> float:
        """ln(1 + a), exact for tiny a, where 1 + a would round to 1 (``math.log1p``)."""
        if not a > -1.0:
            raise ValueError(f"log1p of {_num(a)} is undefined: log1p needs a number > -1 (Value.log1p)")
        return math.log1p(a)

    @staticmethod
    def tanh(a: float) -> float:
        if a != a:
            raise ValueError("tanh of nan is undefined (Value.tanh)")
        return math.tanh(a)

    @staticmethod
    def sigmoid(a: float) -> float:
        if a >= 0.0:
            return 1.0 / (1.0 + math.exp(-a))
        if a != a:
            raise ValueError("sigmoid of nan is undefined (Value.sigmoid)")
        e = math.exp(a)  # a < 0: no overflow
        return e / (1.0 + e)

    @staticmethod
    def relu(a: float) -> float:
        """max(a, 0); nan stays nan (as numpy's maximum in the replay, and PyTorch)."""
        return 0.0 if a <= 0.0 else a

    @staticmethod
    def abs(a: float) -> float:
        return a if a >= 0.0 else -a

    @staticmethod
    def step(a: float) -> float:
        """Derivative of relu: 1 where a > 0, else 0 (subgradient 0 at the kink)."""
        return 1.0 if a > 0.0 else 0.0

    @staticmethod
    def sign(a: float) -> float:
        """Derivative of abs: the sign of a, 0 at the kink."""
        return 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)

    @staticmethod
    def log_or_zero(a: float) -> float:
        """d(a ** b)/db = a ** b · ln a needs a > 0; elsewhere the exponent's gradient is 0."""
        return math.log(a) if a > 0.0 else 0.0

    @staticmethod
    def pow_down(a: float, b: float) -> float:
        """a ** (b − 1), the factor of d(a ** b)/da = b · a ** (b − 1); 0 where a = b = 0:
        a ** 0 is the constant 1, so its slope is 0 there although 0 ** −1 is undefined."""
        return 0.0 if a == 0.0 and b == 0.0 else FloatMath.pow(a, b - 1.0)

    @staticmethod
    def sum(args: Any) -> float:
        return sum(args, 0.0)  # a float even when empty: data is always a float

    @staticmethod
    def largest(args: Any) -> float:
        """The largest of args, as a constant: a shift such as log Σ exp(sᵢ) = c + log Σ exp(sᵢ − c),
        whose result does not depend on c (its derivative is not taken). Clipped to the finite
        floats: an infinite shift would make sᵢ − c nan (log Σ exp of [inf, 0] is inf)."""
        return min(max(max(args), -FLOAT_MAX), FLOAT_MAX)

    @staticmethod
    def dot(ws: Any, xs: Any) -> float:
        return sum(map(float.__mul__, ws, xs), 0.0)

    plus = staticmethod(lambda a, b: a + b)

    dot_grads = staticmethod(scale_each)


class ValueMath:
    """Values: each call records a node, so the backward pass is itself a graph."""

    div = staticmethod(lambda a, b: a / b)
    pow = staticmethod(lambda a, b: a**b)
    exp = staticmethod(lambda a: a.exp())
    log = staticmethod(lambda a: a.log())
    log1p = staticmethod(lambda a: a.log1p())
    tanh = staticmethod(lambda a: a.tanh())
    sigmoid = staticmethod(lambda a: a.sigmoid())
    relu = staticmethod(lambda a: a.relu())
    abs = staticmethod(lambda a: a.abs())
    # Piecewise-constant derivatives are constants: their own derivative is 0.
    step = staticmethod(lambda a: FloatMath.step(a.data))
    sign = staticmethod(lambda a: FloatMath.sign(a.data))
    log_or_zero = staticmethod(lambda a: a.log() if a.data > 0.0 else 0.0)
    pow_down = staticmethod(lambda a, b: 0.0 if a.data == 0.0 and b.data == 0.0 else a ** (b - 1.0))
    largest = staticmethod(lambda args: FloatMath.largest([getattr(a, "data", a) for a in args]))
    plus = staticmethod(lambda a, b: a + b)
    dot_grads = staticmethod(scale_each)


FLOAT = FloatMath()
VALUE = ValueMath()


# ---------------------------------------------------------------------------------------
# The table. Read each row as the lecture's "forward | backward" pair.
# ---------------------------------------------------------------------------------------


def _dot_forward(m: Any, *args: Any) -> Any:
    # parents are w1..wn, x1..xn and, when the length is odd, a bias last
    n, has_bias = divmod(len(args), 2)
    out = m.dot(args[:n], args[n : 2 * n])
    return m.plus(out, args[-1]) if has_bias else out


def _dot_vjp(m: Any, g: Any, out: Any, *args: Any) -> list[Any]:
    n, has_bias = divmod(len(args), 2)
    grads = m.dot_grads(g, args[:n], args[n : 2 * n])
    if has_bias:
        grads.append(g)
    return grads


def _logsumexp_forward(m: Any, *args: Any) -> Any:
    # log Σ exp(aᵢ) = c + log Σ exp(aᵢ − c) for any c; with c the largest aᵢ no exp overflows.
    # c is a constant shift (its derivative is not taken): the result does not depend on it.
    c = m.largest(args)
    return c + m.log(m.sum([m.exp(a - c) for a in args]))


def _logsumexp_vjp(m: Any, g: Any, out: Any, *args: Any) -> list[Any]:
    # ∂/∂aᵢ = exp(aᵢ) / Σⱼ exp(aⱼ) = exp(aᵢ − out): the softmax of the arguments
    return [g * m.exp(a - out) for a in args]


PRIMITIVES: dict[str, Primitive] = {}
"""The table itself, by name. Rows enter it only through ``define``."""


def define(
    name: str, symbol: str, forward: Callable[..., Any], vjp: Callable[..., Any], replace: bool = False
) -> Primitive:
    """Add one row to ``PRIMITIVES`` and return it: the one door every row goes through,
    the built-in ones below and those of ``autograd.primitive``. A name already in the table
    is refused unless ``replace`` (a user redefining their own row)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"a primitive's name must be a Python identifier such as 'softplus', got {name!r}")
    if not isinstance(symbol, str) or not symbol:
        raise ValueError(f"primitive {name!r}: its symbol must be a non-empty str, got {symbol!r}")
    for rule, f in (("forward", forward), ("vjp", vjp)):
        if not callable(f):
            raise TypeError(f"primitive {name!r}: its {rule} rule must be a function, got {f!r}")
    if name in PRIMITIVES and not replace:
        raise ValueError(f"primitive {name!r} is already a row of the table")
    row = Primitive(name, symbol, forward, vjp)
    PRIMITIVES[name] = row
    return row


# fmt: off
ADD     = define("add",     "+",   lambda m, a, b: a + b,          distribute)
SUB     = define("sub",     "−",   lambda m, a, b: a - b,          lambda m, g, out, a, b: (g, -g))
NEG     = define("neg",     "−x",  lambda m, a: -a,                lambda m, g, out, a: (-g,))
MUL     = define("mul",     "×",   lambda m, a, b: a * b,          swap)
DIV     = define("div",     "÷",   lambda m, a, b: m.div(a, b),    lambda m, g, out, a, b: (g / b, -g * out / b))
POW     = define("pow",     "^",   lambda m, a, b: m.pow(a, b),
                 lambda m, g, out, a, b: (g * b * m.pow_down(a, b), g * out * m.log_or_zero(a)))
EXP     = define("exp",     "exp", lambda m, a: m.exp(a),          lambda m, g, out, a: (g * out,))
LOG     = define("log",     "ln",  lambda m, a: m.log(a),          lambda m, g, out, a: (g / a,))
LOG1P   = define("log1p",   "ln(1+x)", lambda m, a: m.log1p(a),    lambda m, g, out, a: (g / (1.0 + a),))
TANH    = define("tanh",    "tanh", lambda m, a: m.tanh(a),        lambda m, g, out, a: (g * (1.0 - out * out),))
SIGMOID = define("sigmoid", "σ",   lambda m, a: m.sigmoid(a),      lambda m, g, out, a: (g * out * (1.0 - out),))
RELU    = define("relu",    "relu", lambda m, a: m.relu(a),        lambda m, g, out, a: (g * m.step(a),))
ABS     = define("abs",     "|x|", lambda m, a: m.abs(a),          lambda m, g, out, a: (g * m.sign(a),))
SUM     = define("sum",     "Σ",   lambda m, *args: m.sum(args),   distribute)
DOT     = define("dot",     "w·x", _dot_forward,                   _dot_vjp)
LOGSUMEXP = define("logsumexp", "log Σ exp", _logsumexp_forward,   _logsumexp_vjp)
# fmt: on

BUILTIN: frozenset[str] = frozenset(PRIMITIVES)
"""Names of the rows the engine ships with; ``autograd.primitive`` may not redefine them."""

QUIET_AT_ZERO: frozenset[Primitive] = frozenset(PRIMITIVES[name] for name in BUILTIN if name != "pow")
"""The rows whose float vjp, given an upstream gradient of 0, returns only zeros and raises
nothing wherever the row's output is finite (the test suite checks each on the float range's
edges): the plain walk skips such a node when nothing flows into it, as adding zeros leaves
the gradients as they are. A relu that is off or a sample inside the margin sends nothing
back, which is most of a trained network's walk. Not pow: at a = 0 its slope b·a^(b−1) is
undefined for b < 1 (√x at 0), and the walk must say so even when g is 0."""
