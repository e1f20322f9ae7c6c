"""The chain rule of each backward step in words and numbers, and feedback on a predicted
gradient: the text the explorer's panel and the HTML player show.

Every number comes from a ``Walk`` (``autograd.steps``), i.e. from the rows of the
primitive table: the local derivative is the row's ``vjp`` with upstream 1, never a
formula written here, so a primitive added to the table is explained like the built-in
ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .drawing import Scene, format_number
from .steps import Step

__all__ = ["Feedback", "Question", "step_text", "questions", "judge"]


def _formula(scene: Scene, i: int) -> str:
    """Node i as an equation: ``t6 = y − t`` for a one-character binary symbol, otherwise
    ``y = σ(z)``, ``a1 = w·x(α10, …)`` with the row's symbol."""
    walk = scene.walk
    prim = walk.prims[i]
    assert prim is not None
    args = [scene.describe(j) for j in walk.parents[i]]
    if len(args) == 2 and len(prim.symbol) == 1:
        rhs = f"{args[0]} {prim.symbol} {args[1]}"
    else:
        shown = args if len(args) <= 6 else args[:5] + [f"… {len(args) - 5} more"]
        rhs = f"{prim.symbol}({', '.join(shown)})"
    return f"{scene.describe(i)} = {rhs}"


def _sum(terms: list[float]) -> str:
    """``0.5 + 1 − 0.25``: a sum written with its signs."""
    text = format_number(terms[0])
    for t in terms[1:]:
        text += f" − {format_number(-t)}" if t < 0 else f" + {format_number(t)}"
    return text


def _d(scene: Scene, top: int, bottom: int) -> str:
    return f"∂{scene.describe(top)}/∂{scene.describe(bottom)}"


def step_text(scene: Scene, k: int) -> str:
    """What step ``k`` (1-based; 0: before the walk) computes, line by line, with numbers."""
    walk = scene.walk
    total = len(walk.steps)
    root = scene.root
    if k == 0:
        return (
            f"Step 0 of {total}: nothing computed yet. The walk starts at the output "
            f"{scene.describe(root)} with {_d(scene, root, root)} = 1, then visits each operation "
            "from the output back to the inputs."
        )
    step: Step = walk.steps[k - 1]
    i = step.node
    prim = walk.prims[i]
    assert prim is not None
    lines = [
        f"Step {k} of {total}: {_formula(scene, i)}   ({prim.name})",
        f"upstream {_d(scene, root, i)} = {format_number(step.upstream)}",
    ]
    for slot, j in enumerate(step.parents):
        local, flow = step.local[slot], step.flow[slot]
        line = (
            f"→ {scene.describe(j)}: local {_d(scene, i, j)} = {format_number(local)};  "
            f"{format_number(step.upstream)} × {format_number(local)} = {format_number(flow)}"
        )
        uses = walk.consumers[j]
        if uses > 1:
            got = uses - step.remaining[slot]
            line += (
                f";  sum so far {_sum([step.before[slot], flow])} = "
                f"{format_number(step.after[slot])} ({got} of {uses} paths"
                f"{', complete' if step.remaining[slot] == 0 else ''})"
            )
        lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class Question:
    """Predict d(root)/d(node): asked once the walk has finished ``after_step`` (when the
    node's gradient is complete). ``paths`` lists (consumer, upstream, local, flow) for
    every edge along which the node receives."""

    node: int
    after_step: int
    answer: float
    paths: tuple[tuple[int, float, float, float], ...]


def questions(scene: Scene) -> list[Question]:
    """One question per drawn non-constant Value but the root, in the order the walk
    completes their gradients."""
    walk = scene.walk
    paths: dict[int, list[tuple[int, float, float, float]]] = {}
    found = []
    for step in walk.steps:
        for slot, j in enumerate(step.parents):
            paths.setdefault(j, []).append((step.node, step.upstream, step.local[slot], step.flow[slot]))
            if step.remaining[slot] == 0 and scene.kinds[j] != "constant" and scene.keep[j]:
                found.append(Question(j, step.number, step.after[slot], tuple(paths[j])))
    return found


@dataclass(frozen=True)
class Feedback:
    """``correct``; ``kind``: right, paths (a path missing from the sum), upstream (the
    upstream factor missing), local (the local derivative missing or off), sign, or off;
    ``text``: what to tell the student."""

    correct: bool
    kind: str
    text: str


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=2e-3, abs_tol=1e-4)


def judge(scene: Scene, q: Question, answer: float) -> Feedback:
    """Is ``answer`` d(root)/d(node) for question ``q``? If not, which factor is off."""
    root, j = scene.root, q.node
    target = f"{_d(scene, root, j)}"
    n = format_number
    if _close(answer, q.answer):
        return Feedback(True, "right", f"Right: {target} = {n(q.answer)}.")
    if len(q.paths) > 1:
        flows = [p[3] for p in q.paths]
        partial = [sum(flows[a:b]) for a in range(len(flows)) for b in range(a + 1, len(flows) + 1)]
        if any(_close(answer, s) for s in partial):
            parts = _sum(flows)
            return Feedback(
                False,
                "paths",
                f"That is only part of it: {scene.describe(j)} is used {len(flows)} times, and its gradient is the "
                f"sum over every path: {parts} = {n(q.answer)}.",
            )
    for c, up, local, flow in q.paths:
        if up != 1.0 and _close(answer, local):
            return Feedback(
                False,
                "upstream",
                f"{n(local)} is the local derivative {_d(scene, c, j)} alone; multiply by the upstream gradient "
                f"{_d(scene, root, c)} = {n(up)}: {n(up)} × {n(local)} = {n(flow)}.",
            )
    for c, up, local, flow in q.paths:
        if local != 1.0 and _close(answer, up):
            return Feedback(
                False,
                "local",
                f"{n(up)} is the upstream gradient {_d(scene, root, c)} alone; multiply by the local derivative "
                f"{_d(scene, c, j)} = {n(local)}: {n(up)} × {n(local)} = {n(flow)}.",
            )
    if _close(answer, -q.answer):
        return Feedback(False, "sign", f"The sign is off: {target} = {n(q.answer)}.")
    if len(q.paths) == 1:
        c, up, local, flow = q.paths[0]
        rule = scene.walk.prims[c]  # c made the node j feeds: an interior node, never a leaf
        if up != 0.0 and rule is not None:
            return Feedback(
                False,
                "local",
                f"The upstream gradient {_d(scene, root, c)} is {n(up)}, so your answer means a local derivative of "
                f"{n(answer / up)}; the {rule.name} rule gives {_d(scene, c, j)} = {n(local)} here: "
                f"{n(up)} × {n(local)} = {n(flow)}.",
            )
    pieces = "; ".join(f"from {scene.describe(c)}: {n(up)} × {n(local)} = {n(flow)}" for c, up, local, flow in q.paths)
    return Feedback(False, "off", f"Not quite. Each path sends upstream × local: {pieces}; the sum is {n(q.answer)}.")
