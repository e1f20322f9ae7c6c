"""The usual mistakes in a derivative, and how to recognise them by trying them.

A derivative that disagrees with the engine's is compared with what each usual mistake
would have given: the sign flipped, the upstream gradient g missing, a factor of 2, log
base 10 for the natural log, 1 − tanh for 1 − tanh², σ for σ(1 − σ), the derivative with
respect to another argument. The one that fits at every failing point is named. Used by
``check_primitive`` (``autograd.check``) and ``check_answer`` (``autograd.answer``), which
both return a ``Report``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from .backprop import topological_order
from .gradcheck import passes
from .primitives import FLOAT
from .value import Value

__all__ = ["Report", "name_mistake", "fits", "slipped", "and_more", "SLIPS"]

G = 1.7  # the upstream gradient of the check: neither 1 nor a factor a mistake could make
KINK = 0.01  # how far every argument of a kink (relu, abs, step, sign) stays from it
LN10 = math.log(10.0)

_LOG10 = "log base 10 where the natural log belongs (d/dx ln x = 1/x; the engine's log is ln)"
_FACTORS = {  # got = expected · factor
    "sign": [(-1.0, "the sign is flipped")],
    "g": [(1.0 / G, "your rule ignores the upstream gradient g")],
    "two": [(2.0, "a factor of 2 too many"), (0.5, "a factor of 2 missing")],
    "log": [
        (1.0 / LN10, _LOG10),
        (LN10, "log base 10 and the natural log mixed (the forward and the vjp use different bases)"),
    ],
}


@dataclass
class Report:
    """What ``check_primitive`` or ``check_answer`` found: ``ok``, and ``str(report)`` to read."""

    name: str
    checked: str = ""
    problems: list[str] = field(default_factory=list)
    solved: bool = True

    @property
    def ok(self) -> bool:
        return self.solved and not self.problems

    def __str__(self) -> str:
        if not self.solved:
            return f"… {self.name}: not solved yet (replace the ... with your answer)"
        if self.ok:
            return f"✓ {self.name}: {self.checked}"
        return f"✗ {self.name}:\n" + "\n".join(f"  - {p}" for p in self.problems)

    __repr__ = __str__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


# ---------------------------------------------------------------------------------------
# Slips inside a chain: one built-in row's rule, wrong
# ---------------------------------------------------------------------------------------

SLIPS: list[tuple[str, Callable[..., Any], str]] = [
    ("tanh", lambda m, g, out, a: (g * (1.0 - out),), "1 − tanh where the derivative of tanh is 1 − tanh²"),
    ("sigmoid", lambda m, g, out, a: (g * out,), "σ where the derivative of σ is σ(1 − σ)"),
    ("log", lambda m, g, out, a: (g / (a * LN10),), _LOG10),
]
"""(row, the wrong rule, what it is): the usual slips of a hand derivation through that row."""


def slipped(y: Value, xs: Sequence[Value], row: str, vjp: Callable[..., Any]) -> list[float]:
    """d y / d xs as a derivation would find it that used ``vjp`` at every node of ``row``: the
    chain rule in reverse topological order, with that one rule swapped (``.grad`` untouched)."""
    gs = {id(y): 1.0}
    for node in reversed(topological_order(y, leaves=False)):
        prim = node.primitive
        if prim is None:
            continue
        rule = vjp if prim.name == row else prim.vjp
        for p, d in zip(node.parents, rule(FLOAT, gs.get(id(node), 0.0), node.data, *[q.data for q in node.parents])):
            gs[id(p)] = gs.get(id(p), 0.0) + d
    return [gs.get(id(x), 0.0) for x in xs]


def fits(got: list[float], predicted: list[float | None]) -> bool:
    return all(p is not None and passes(x, p, atol=1e-7, rtol=1e-3) for x, p in zip(got, predicted))


def _factor_mistakes(with_g: bool) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """Each usual factor alone, and two of them together."""
    families = [fam for key, fam in _FACTORS.items() if with_g or key != "g"]
    singles = [(f, why) for fam in families for f, why in fam]
    pairs = [
        (f1 * f2, f"{w1}, and {w2}") for fam1, fam2 in combinations(families, 2) for f1, w1 in fam1 for f2, w2 in fam2
    ]
    return singles, pairs


def name_mistake(
    got: list[float],
    expected: list[float],
    others: dict[str, list[float]],
    outs: list[float],
    slips: list[tuple[str, list[float]]],
    with_g: bool = True,
) -> str | None:
    """The usual mistake that turns ``expected`` into ``got`` at every failing point, if one does."""
    singles, pairs = _factor_mistakes(with_g)
    for f, why in singles:
        if fits(got, [e * f for e in expected]):
            return why
    if fits(got, [e / (1.0 + o) if abs(1.0 + o) > 1e-3 else None for e, o in zip(expected, outs)]):
        return "1 − tanh where the derivative of tanh is 1 − tanh²"
    if fits(got, [e / (1.0 - o) if abs(1.0 - o) > 1e-3 else None for e, o in zip(expected, outs)]):
        return "σ where the derivative of σ is σ(1 − σ)"
    for why, predicted in slips:
        if fits(got, list(predicted)):
            return why
    for arg, theirs in others.items():
        if fits(got, list(theirs)):
            return f"this is the derivative with respect to {arg}: the argument is mixed up"
    for f, why in pairs:
        if fits(got, [e * f for e in expected]):
            return why
    return None


def and_more(bad: list[int]) -> str:
    return f" (and at {len(bad) - 1} more point{'s' * (len(bad) > 2)})" if len(bad) > 1 else ""
