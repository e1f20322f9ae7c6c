"""Graphs several test files draw and step through."""

from __future__ import annotations

from autograd import Value


def lecture() -> tuple[Value, dict[str, Value]]:
    """The lecture's neuron: z = wx + b, y = σ(z) written as 1/(1 + exp(−z)), L = ½(y − t)²;
    returns L and its named Values."""
    w, x, b, t = Value(2.0, "w"), Value(-1.0, "x"), Value(0.5, "b"), Value(1.0, "t")
    z = w * x + b
    z.label = "z"
    y = 1 / (1 + (-z).exp())
    y.label = "y"
    L = (y - t) ** 2 / 2
    L.label = "L"
    return L, {"w": w, "x": x, "b": b, "t": t, "z": z, "y": y}
