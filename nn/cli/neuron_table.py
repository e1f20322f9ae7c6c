"""The neuron of lecture 002 (docs/lectures.md names it) as ``chaingrad demo`` prints it first: z = wx + b, y = σ(z),
L = ½(y − t)², one line per node (t1..t7) with its value and dL/dnode, computed by the engine."""

from __future__ import annotations

from autograd import Value


def neuron_table(w: float = 2.0, x: float = -1.0, b: float = 0.5, t: float = 1.0) -> str:
    """The lecture's z = wx + b, y = σ(z), L = ½(y − t)² as t1..t7, one line per node with
    its value and dL/dnode, computed by the engine."""
    W, X, B, T = Value(w, "w"), Value(x, "x"), Value(b, "b"), Value(t, "t")
    t1 = W * X
    z = t1 + B
    t3 = -z
    t4 = t3.exp()
    t5 = 1 + t4
    y = 1 / t5
    t6 = y - T
    t7 = t6**2
    loss = t7 / 2
    loss.backward()
    rows = [
        ("w", "weight", W),
        ("x", "input", X),
        ("b", "bias", B),
        ("t", "target", T),
        ("t1", "w·x", t1),
        ("z", "t1 + b", z),
        ("t3", "−z", t3),
        ("t4", "exp(t3)", t4),
        ("t5", "1 + t4", t5),
        ("y", "1/t5", y),
        ("t6", "y − t", t6),
        ("t7", "t6²", t7),
        ("L", "t7/2", loss),
    ]
    lines = [
        "The neuron of the lecture 'Training Perceptrons' (see the documentation's lectures page): "
        "z = wx + b, y = σ(z), L = ½(y − t)², one node per step:",
        f"  {'node':<5}{'formula':<10}{'value':>10}{'dL/dnode':>11}",
    ]
    lines += [f"  {name:<5}{formula:<10}{v.data:>10.4f}{v.grad:>11.4f}" for name, formula, v in rows]
    closed = (y.data - t) * y.data * (1.0 - y.data) * x
    lines.append(f"  check: dL/dw = (y − t)·y(1 − y)·x = {closed:.4f}")
    return "\n".join(lines)
