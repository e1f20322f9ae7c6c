"""The node of the graph: a ``Value`` holds one number and remembers how it was made.

A Value refers only to its parents (never to itself through a closure), so a graph is a
plain tree of references that CPython frees by reference counting alone, with no work for
the cyclic garbage collector. What an operation *does* lives in the primitive table
(``autograd.primitives``); a Value only records which row made it.
"""

from __future__ import annotations

import functools
import numbers
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

from .checks import shown
from .modes import GRAD_ENABLED, TRACING
from .primitives import (
    ABS,
    ADD,
    DIV,
    DOT,
    EXP,
    FLOAT,
    LOG,
    LOG1P,
    LOGSUMEXP,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SUB,
    SUM,
    TANH,
    Primitive,
)

# While a trace records (``autograd.modes.tracing``), reading a Value's number through a
# comparison, ``bool`` or ``float`` is an error: the recorded graph is replayed for other
# data without repeating that decision. Bound once: these are read on every node.
_recording = GRAD_ENABLED.get
_tracing = TRACING.get
_new = object.__new__  # a Value without running __init__, bound once: the cheapest way to make one


class TracingError(TypeError):
    """A traced function used a Value in a way a recorded graph cannot replay."""


def _refuse(v: Value, what: str) -> None:
    raise TracingError(
        f"{what} on {v!r} while tracing: the recorded graph is replayed for every sample, so its "
        "shape may not depend on the data. Use the table's operations instead (relu for max(0, x), "
        "a one-hot dot for indexing by a label), or run this function with the plain engine."
    )


def _as_float(x: Any, where: str) -> float:
    """Convert a real number (int, float, bool, numpy scalar) to float; reject the rest."""
    if type(x) is float:  # not isinstance: numpy.float64 is a float subclass and must become a float
        f = x
    elif isinstance(x, (int, numbers.Real)) or _is_numpy_bool(x):
        try:
            f = float(x)
        except OverflowError:  # an int (or Fraction) beyond the float range: shown by its size
            raise ValueError(f"{where} needs a number within the float range (±1.8e308), got {shown(x)}") from None
    else:
        raise TypeError(f"{where} needs a real number, got {x!r} of type {type(x).__name__}")
    if f != f:
        raise ValueError(f"{where} got nan, which is not a number")
    return f


def _is_numpy_bool(x: Any) -> bool:
    """Whether x is a numpy bool (a real number that is not a ``numbers.Real``). Without
    importing numpy: if nothing has imported it, x cannot be one of its scalars."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(x, np.bool_)


class Value:
    """A scalar in a computation graph: its ``data``, the ``grad`` of the last backward pass,
    the ordered ``parents`` it was computed from, the primitive ``op`` that computed it and an
    optional ``label``.

    ``grad`` of a leaf (a Value made by the user) *accumulates* across ``backward`` calls,
    as in PyTorch, so calling ``backward`` once per sample of a minibatch sums the per-sample
    gradients; clear it with ``zero_grad``. An interior node holds the gradient of the most
    recent pass only.
    """

    __slots__ = ("data", "grad", "parents", "_prim", "label", "_mark")

    data: float
    grad: Any
    parents: tuple[Value, ...]
    _prim: Primitive | None
    label: str
    _mark: object  # the token of the last topological sort that placed it (autograd.backprop)

    def __init__(self, data: Any, label: str = "") -> None:
        if not isinstance(label, str):  # drawings and error messages print it as text
            raise TypeError(f"Value needs a str label, got {label!r} of type {type(label).__name__}")
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.parents = ()
        self._prim = None
        self.label = label
        self._mark = None

    # -- bookkeeping -------------------------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the primitive that made this Value ('' for a leaf)."""
        prim = self._prim
        return prim.name if prim is not None else ""

    @property
    def primitive(self) -> Primitive | None:
        """The row of the primitive table that made this Value (None for a leaf)."""
        return self._prim

    @property
    def is_leaf(self) -> bool:
        return self._prim is None

    def __repr__(self) -> str:
        parts = [f"data={self.data:.6g}", f"grad={_fmt(self.grad)}"]
        if self._prim is not None:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        if _tracing():
            _refuse(self, "float()")
        return self.data

    def __bool__(self) -> bool:
        if _tracing():
            _refuse(self, "a Value used as a Python bool (if/while/and/or)")
        return True

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from the graph."""
        return Value(self.data, self.label)

    def backward(self) -> None:
        """Fill ``.grad`` of every node this Value depends on with d(self)/d(node)."""
        _backprop().backward(self)

    # -- comparisons read the data (they build no graph) -------------------------------

    def __lt__(self, other: Any) -> bool:
        if _tracing():
            _refuse(self, "comparison <")
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        if _tracing():
            _refuse(self, "comparison <=")
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        if _tracing():
            _refuse(self, "comparison >")
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        if _tracing():
            _refuse(self, "comparison >=")
        return self.data >= _data(other)

    # -- arithmetic: each builds one node from a row of the primitive table ------------

    def __add__(self, other: Any) -> Value:
        if type(other) is not Value:  # a Value (not a subclass) goes as is, without the call
            other = _lift(other, "+")
        return node(ADD.forward(FLOAT, self.data, other.data), (self, other), ADD)

    def __radd__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "+")
        return node(ADD.forward(FLOAT, other.data, self.data), (other, self), ADD)

    def __sub__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "-")
        return node(SUB.forward(FLOAT, self.data, other.data), (self, other), SUB)

    def __rsub__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "-")
        return node(SUB.forward(FLOAT, other.data, self.data), (other, self), SUB)

    def __mul__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "*")
        return node(MUL.forward(FLOAT, self.data, other.data), (self, other), MUL)

    def __rmul__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "*")
        return node(MUL.forward(FLOAT, other.data, self.data), (other, self), MUL)

    def __truediv__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "/")
        return node(DIV.forward(FLOAT, self.data, other.data), (self, other), DIV)

    def __rtruediv__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "/")
        return node(DIV.forward(FLOAT, other.data, self.data), (other, self), DIV)

    def __pow__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "**")
        return node(POW.forward(FLOAT, self.data, other.data), (self, other), POW)

    def __rpow__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _lift(other, "**")
        return node(POW.forward(FLOAT, other.data, self.data), (other, self), POW)

    def __neg__(self) -> Value:
        return node(NEG.forward(FLOAT, self.data), (self,), NEG)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return self.abs()

    def exp(self) -> Value:
        return node(EXP.forward(FLOAT, self.data), (self,), EXP)

    def log(self) -> Value:
        """Natural logarithm."""
        return node(LOG.forward(FLOAT, self.data), (self,), LOG)

    def log1p(self) -> Value:
        """ln(1 + x), exact where x is tiny (1 + x would round to 1): stable softplus needs it."""
        return node(LOG1P.forward(FLOAT, self.data), (self,), LOG1P)

    def tanh(self) -> Value:
        return node(TANH.forward(FLOAT, self.data), (self,), TANH)

    def sigmoid(self) -> Value:
        return node(SIGMOID.forward(FLOAT, self.data), (self,), SIGMOID)

    def relu(self) -> Value:
        """max(0, x); its derivative at 0 is taken as 0."""
        return node(RELU.forward(FLOAT, self.data), (self,), RELU)

    def abs(self) -> Value:
        """|x|; its derivative at 0 is taken as 0."""
        return node(ABS.forward(FLOAT, self.data), (self,), ABS)

    @staticmethod
    def sum(values: Iterable[Any]) -> Value:
        """Σ values as one node (numbers are lifted to constants)."""
        parents = tuple(_lift(v, "Value.sum") for v in values)
        return node(SUM.forward(FLOAT, *[p.data for p in parents]), parents, SUM)

    @staticmethod
    def logsumexp(values: Iterable[Any]) -> Value:
        """log Σ exp(values) as one node, without overflow however large the values: the
        normaliser of softmax and cross-entropy. Its gradient is the softmax of the values."""
        parents = tuple(_lift(v, "Value.logsumexp") for v in values)
        if not parents:
            raise ValueError("Value.logsumexp needs at least one value, got none")
        return node(LOGSUMEXP.forward(FLOAT, *[p.data for p in parents]), parents, LOGSUMEXP)

    @staticmethod
    def dot(ws: Sequence[Any], xs: Sequence[Any], bias: Any = None) -> Value:
        """Σ wᵢ·xᵢ (+ bias) as one node: a neuron's pre-activation in a single step."""
        if len(ws) != len(xs):
            raise ValueError(
                f"Value.dot needs as many weights as inputs, got {len(ws)} weights and {len(xs)} inputs"
            )
        parents = tuple(ws) + tuple(xs)
        if bias is not None:
            parents += (bias,)
        for v in parents:  # lift numbers only when there are any: this is a neuron's hot path
            if not isinstance(v, Value):
                parents = tuple(_lift(v, "Value.dot") for v in parents)
                break
        return node(DOT.forward(FLOAT, *[p.data for p in parents]), parents, DOT)


def apply(prim: Primitive, *args: Any) -> Value:
    """One node of the row ``prim`` on Values and numbers (numbers become constants): how a
    row of ``autograd.primitive`` is applied, through the same node-making as the operators."""
    parents = tuple(_lift(a, prim.name) for a in args)
    out = prim.forward(FLOAT, *[p.data for p in parents])
    return node(_as_float(out, f"the forward rule of primitive {prim.name!r}"), parents, prim)


def node(data: float, parents: tuple[Value, ...], prim: Primitive) -> Value:
    """An interior node made by the row ``prim`` from ``parents``, holding ``data`` (a float
    its caller computed with the row's forward rule), without the checks of
    ``Value.__init__``: the door the operators, ``apply`` and a Layer's neurons (which read
    their inputs' numbers once for all neurons) make nodes through."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    if _recording():
        v.parents = parents
        v._prim = prim
    else:
        v.parents = ()
        v._prim = None
    v.label = ""
    v._mark = None
    return v


@functools.cache
def _backprop() -> ModuleType:
    """``autograd.backprop``, imported at the first ``backward`` (it imports this module): an
    import statement in the method cost 1.3 µs a call, as much as a one-node backward."""
    from . import backprop

    return backprop


def _lift(x: Any, where: str) -> Value:
    """A Value as is; a number as a constant leaf; anything else is a TypeError."""
    if isinstance(x, Value):
        return x
    v = _new(Value)
    v.data = _as_float(x, f"operand of {where}")
    v.grad = 0.0
    v.parents = ()
    v._prim = None
    v.label = ""
    v._mark = None
    return v


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, "comparison with a Value")


def _fmt(g: Any) -> str:
    return f"{g:.6g}" if isinstance(g, float) else repr(g)
