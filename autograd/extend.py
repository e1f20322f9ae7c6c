"""Your own primitive: add a row to the primitive table and use it like a built-in one.

The extension points, all in one place:

* ``autograd.primitive(name, forward, vjp, symbol)`` defines the row and returns the
  operation that applies it to Values and numbers. It goes through ``primitives.define``,
  the door every built-in row of ``autograd.primitives`` goes through too.
* ``forward(m, *args)`` computes the output from the arguments' values, and
  ``vjp(m, g, out, *args)`` returns one gradient per argument: the upstream gradient ``g``
  times the local derivative, given the output ``out``. Write both with the operators
  ``+ - * / **`` and the functions of the math backend ``m`` (``m.exp``, ``m.log``,
  ``m.log1p``, ``m.tanh``, ``m.sigmoid``, ``m.relu``, ``m.abs``, ``m.step``, ``m.sign``, ``m.sum``,
  ``m.largest``), never ``math.*``, ``float()`` or ``.data``: the same rule then runs on
  ``FLOAT`` (forward values, the plain backward), ``VALUE`` (``grad(create_graph=True)``,
  Hessians: the backward of a backward), and ``ARRAY`` (the compiled replay over a batch).
* ``symbol`` is what the drawings, the explorer and the player show in the node's circle
  (the name when omitted); everything else they show is read from the row.
* ``autograd.check_primitive`` grades a row and names the usual mistakes.

Errors name the primitive and the rule: a name that is a built-in row, rules whose numbers
of arguments disagree, a rule returning the wrong number of gradients or something that is
not a number. The definition probes the rules at a few points to report these at once;
what a probe cannot reach (a rule that fails at every probe point) is reported at first use.
A rule that returns ``...`` (an exercise's placeholder) defines an unfinished row: using it
raises ``NotWritten``, and ``check_primitive`` reports it as not solved yet.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np

from .arraymath import ARRAY
from .primitives import BUILTIN, FLOAT, PRIMITIVES, VALUE, Primitive, define
from .value import Value, apply

__all__ = ["primitive", "Operation", "PrimitiveError", "NotWritten", "arity"]

_PROBES = (0.5, 1.3, 0.7, 2.1, -0.6, 3.7, -1.9)
_DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)


class PrimitiveError(TypeError):
    """A rule of a user-defined primitive that breaks the table's contract."""


class NotWritten(PrimitiveError):
    """A rule that still returns the exercise's placeholder ``...``."""


def _backend(m: Any) -> str:
    names = {id(FLOAT): "FLOAT", id(VALUE): "VALUE", id(ARRAY): "ARRAY"}
    return names.get(id(m), type(m).__name__)


def _is_number(x: Any, m: Any) -> bool:
    """A number of the backend: a real number anywhere, a Value on VALUE, an array on ARRAY."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, numbers.Real):
        return True
    if m is VALUE:
        return isinstance(x, Value)
    return m is not FLOAT and isinstance(x, np.ndarray) and x.dtype.kind == "f"


def _describe(x: Any) -> str:
    if x is None:
        return "None (is a return missing?)"
    return f"{x!r} of type {type(x).__name__}"


def _arity(name: str, rule: str, f: Callable[..., Any], before: int) -> int | None:
    """How many arguments ``f`` takes after its first ``before`` (m; m, g, out); None: any."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    n = len(positional) - before
    if n < 1:
        expected = "(m, a, ...)" if before == 1 else "(m, g, out, a, ...)"
        raise PrimitiveError(
            f"primitive {name!r}: its {rule} rule must take {expected}, got {len(positional)} parameters"
        )
    return n


_HINTS = {
    "FLOAT": "",
    "VALUE": " (Values, for grad(create_graph=True))",
    "ARRAY": " (numpy arrays, one entry per sample, for the compiled replay)",
}


def _run(name: str, rule: str, f: Callable[..., Any], m: Any, *args: Any) -> Any:
    """Call a rule; an error that is not a domain error is re-raised naming the primitive."""
    try:
        return f(m, *args)
    except (*_DOMAIN_ERRORS, PrimitiveError):
        raise
    except Exception as e:
        backend = _backend(m)
        raise PrimitiveError(
            f"primitive {name!r}: its {rule} rule failed on the {backend} backend{_HINTS.get(backend, '')}: "
            f"{type(e).__name__}: {e} (write rules with the operators and m.exp, m.log, ..., not math.*, "
            "float() or .data)"
        ) from e


def _checked_forward(name: str, forward: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(forward)
    def checked(m: Any, *args: Any) -> Any:
        out = _run(name, "forward", forward, m, *args)
        if out is ...:
            raise NotWritten(f"primitive {name!r}: its forward rule is not written yet (it returns ...)")
        if not _is_number(out, m):
            raise PrimitiveError(
                f"primitive {name!r}: its forward rule returned {_describe(out)} on the {_backend(m)} backend, "
                "not a number (it must return the output, e.g. m.log(1.0 + m.exp(a)))"
            )
        return out

    return checked


def _checked_vjp(name: str, vjp: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(vjp)
    def checked(m: Any, g: Any, out: Any, *args: Any) -> Any:
        grads = _run(name, "vjp", vjp, m, g, out, *args)
        if grads is ...:
            raise NotWritten(f"primitive {name!r}: its vjp rule is not written yet (it returns ...)")
        n = len(args)
        if not isinstance(grads, (tuple, list)) or len(grads) != n:
            got = f"{len(grads)} gradients" if isinstance(grads, (tuple, list)) else _describe(grads)
            raise PrimitiveError(
                f"primitive {name!r}: its vjp rule returned {got} for {n} argument{'s' * (n != 1)}; it must "
                f"return one gradient per argument, a tuple such as ({', '.join(['g * ...'] * n)}{',' * (n == 1)})"
            )
        for i, d in enumerate(grads):
            if not _is_number(d, m):
                raise PrimitiveError(
                    f"primitive {name!r}: its vjp rule returned {_describe(d)} as the gradient of argument {i + 1} "
                    f"on the {_backend(m)} backend, not a number"
                )
        return grads

    return checked


def arity(prim: Primitive) -> int | None:
    """How many arguments a row's rules take (None: any number, as sum and dot)."""
    forward = getattr(prim.forward, "__wrapped__", prim.forward)
    return _arity(prim.name, "forward", forward, 1)


class Operation:
    """A user-defined primitive, ready to use: ``op(x, ...)`` with Values and numbers makes one
    node of its row ``op.prim``."""

    def __init__(self, prim: Primitive, arity: int | None) -> None:
        self.prim = prim
        self.arity = arity
        self.__name__ = prim.name

    def __call__(self, *args: Any) -> Value:
        if self.arity is not None and len(args) != self.arity:
            raise TypeError(f"{self.prim.name} takes {self.arity} argument{'s' * (self.arity != 1)}, got {len(args)}")
        return apply(self.prim, *args)

    def __repr__(self) -> str:
        return f"<operation {self.prim.name} ({self.prim.symbol})>"


def _probe(prim: Primitive, arity: int | None) -> None:
    """Run the rules on FLOAT at the first probe point inside their domain, so that a wrong
    count or a non-number is an error at definition; domain errors only move to the next point."""
    for n in [arity] if arity is not None else [1, 2, 3, 4]:
        for k in range(len(_PROBES)):
            args = [_PROBES[(k + i) % len(_PROBES)] for i in range(n)]
            try:
                out = prim.forward(FLOAT, *args)
                prim.vjp(FLOAT, 1.0, out, *args)
            except _DOMAIN_ERRORS:
                continue
            except NotWritten:
                return  # an exercise not solved yet: check_primitive says so; using it raises
            except PrimitiveError as e:
                if arity is None and e.__cause__ is not None:
                    break  # perhaps the wrong number of arguments for a variadic rule: try another
                raise
            return


def primitive(
    name: str,
    forward: Callable[..., Any],
    vjp: Callable[..., Any],
    symbol: str | None = None,
) -> Operation:
    """Define a new row of the primitive table and return the operation that applies it.

    ``forward(m, *args)`` and ``vjp(m, g, out, *args)`` have the form of the built-in rows
    (see this module's docstring); ``symbol`` labels its nodes in drawings. Defining a name
    again replaces your earlier row (re-running a notebook cell); a built-in name is an error.

    Example::

        softplus = primitive("softplus",
                             lambda m, a: m.log(1.0 + m.exp(a)),
                             lambda m, g, out, a: (g * m.sigmoid(a),))
        softplus(Value(0.3)).backward()
    """
    if isinstance(name, str) and name in BUILTIN:
        raise ValueError(
            f"primitive {name!r} is a built-in row of the table; choose another name for your own (e.g. 'my_{name}')"
        )
    arity = _arity(str(name), "forward", forward, 1) if callable(forward) else None
    vjp_arity = _arity(str(name), "vjp", vjp, 3) if callable(vjp) else None
    if arity is not None and vjp_arity is not None and arity != vjp_arity:
        raise PrimitiveError(
            f"primitive {name!r}: its forward rule takes {arity} argument{'s' * (arity != 1)} after m, but its vjp "
            f"rule takes {vjp_arity} after (m, g, out): both take the primitive's arguments"
        )
    arity = arity if arity is not None else vjp_arity
    previous = PRIMITIVES.get(name) if isinstance(name, str) else None
    prim = define(
        name,
        symbol if symbol is not None else name,
        _checked_forward(name, forward) if callable(forward) else forward,
        _checked_vjp(name, vjp) if callable(vjp) else vjp,
        replace=True,
    )
    try:
        _probe(prim, arity)
    except PrimitiveError:  # leave the table as it was
        if previous is None:
            del PRIMITIVES[name]
        else:
            PRIMITIVES[name] = previous
        raise
    return Operation(prim, arity)
