"""Checks of numeric arguments, the one rule every public entry point of ``autograd`` and
``nn`` applies to the numbers it is given.

* ``count``: a whole number — a Python ``int`` or a numpy integer (any ``numbers.Integral``),
  never a ``bool`` (``True`` is not a size) and never a float, even ``3.0``.
* ``real``: a real number — ``int``, ``float``, numpy integers and floats (any
  ``numbers.Real``), never a ``bool``; finite unless asked otherwise, within the bounds given.

Both return the plain Python number (``int``/``float``), so numpy scalars never travel
further into the engine, and raise a ``ValueError`` naming the function, the argument, the
rule and the value: ``SGD: lr must be a finite number > 0, got nan``. An int beyond the float
range is a number too large to be finite (``float`` itself would raise an OverflowError), and
is shown by its size, not its hundreds of digits (``shown``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

# numpy registers its integer and float scalars with ``numbers`` (not its bool), so these
# accept them without importing numpy, which ``import autograd`` does not load.


def is_count(value: Any) -> bool:
    """Whether ``value`` is a whole number that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def count(value: Any, name: str, where: str, at_least: int | None = 0) -> int:
    """``value`` as an int, checked to be a whole number >= ``at_least`` (any whole number
    when ``at_least`` is None: a position that the caller clamps, say)."""
    if not is_count(value) or (at_least is not None and value < at_least):
        bound = "" if at_least is None else f" >= {at_least}"
        raise ValueError(f"{where}: {name} must be an integer{bound}, got {shown(value)}")
    return int(value)


def real(
    value: Any,
    name: str,
    where: str,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    finite: bool = True,
) -> float:
    """``value`` as a float, checked to be a real number (finite unless ``finite=False``),
    ``> above``, ``>= at_least``, ``< below`` and ``<= at_most`` for the bounds given."""
    ok = is_real(value)
    x = math.nan
    if ok:
        x = as_float(value)
        ok = (
            x == x
            and (not finite or math.isfinite(x))
            and (above is None or x > above)
            and (at_least is None or x >= at_least)
            and (below is None or x < below)
            and (at_most is None or x <= at_most)
        )
    if not ok:
        rule = _describe(above, at_least, below, at_most, finite)
        raise ValueError(f"{where}: {name} must be {rule}, got {shown(value)}")
    return x


def as_float(value: Any) -> float:
    """``float(value)``, or ±inf for a number beyond the float range (an int of more than 308
    digits, say), where ``float`` raises an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def shown(value: Any) -> str:
    """``value`` as an error message prints it: its repr, but a number beyond the float range
    by its size (``an integer of 401 digits``): its digits would bury the message, and Python
    refuses to print an int of more than 4300."""
    if is_real(value):
        try:
            float(value)
        except OverflowError:
            if is_count(value):
                return f"an integer of {_digits(abs(int(value))):,} digits"
            return f"a {type(value).__name__} beyond the float range"
    return repr(value)


def _digits(n: int) -> int:
    """The number of decimal digits of n > 0, without ``str(n)``."""
    d = int(math.log10(n)) + 1  # log10 can round up at 10**k − 1, or down: set it right
    if n >= 10**d:
        d += 1
    elif n < 10 ** (d - 1):
        d -= 1
    return d


def _describe(
    above: float | None, at_least: float | None, below: float | None, at_most: float | None, finite: bool
) -> str:
    low = (f"({above:g}" if above is not None else f"[{at_least:g}") if (above, at_least) != (None, None) else None
    high = (f"{below:g})" if below is not None else f"{at_most:g}]") if (below, at_most) != (None, None) else None
    if low and high:
        return f"a number in {low}, {high}"
    kind = "a finite number" if finite else "a number"
    if low:
        return f"{kind} {'>' if above is not None else '>='} {low[1:]}"
    if high:
        return f"{kind} {'<' if below is not None else '<='} {high[:-1]}"
    return kind
