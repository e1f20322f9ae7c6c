"""The command line's argument types: each turns one option's text into its value, or
raises ``argparse.ArgumentTypeError`` naming the bad text (argparse then exits with 2)."""

from __future__ import annotations

import argparse
import math


def whole_number(text: str) -> int:
    """Any integer."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    """An integer >= 1."""
    n = whole_number(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return n


def seed_int(text: str) -> int:
    """An integer >= 0."""
    n = whole_number(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return n


def finite_float(text: str) -> float:
    """Any finite number."""
    try:
        f = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(f):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return f


def positive_float(text: str) -> float:
    """A finite number > 0."""
    f = finite_float(text)
    if f <= 0.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return f


def non_negative_float(text: str) -> float:
    """A finite number >= 0."""
    f = finite_float(text)
    if f < 0.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return f


def fraction(text: str) -> float:
    """A number in [0, 1)."""
    f = finite_float(text)
    if not 0.0 <= f < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be in [0, 1)")
    return f


def hidden_sizes(text: str) -> list[int]:
    """ "16,16" -> [16, 16]; "" or "none" -> [] (no hidden layer: a linear model)."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"{text!r} is not a list of layer sizes such as 16,16 (bad: {part!r})")
        sizes.append(int(part))
    return sizes
