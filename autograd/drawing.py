"""What a drawing of a computation graph shows, independent of how it is rendered.

``DrawOptions`` holds every drawing option once; ``Scene`` turns a graph and the options
into what each box says: each Value's kind (parameter, input, constant, intermediate,
output), its name, its data and, after a number of backward steps, its gradient so far.
The DOT text (``autograd.dot``), the SVG drawing (``autograd.svg``), the explorer and the
HTML player all read a Scene, so they agree on every word and number.

How the kinds of Value are told apart:

* interior node: made by a primitive;
* constant: a leaf without a label, i.e. a Python number lifted by an operator such as the
  ``2`` in ``x ** 2``;
* parameter or input: a labelled leaf. Pass ``params=`` and/or ``inputs=`` to say which is
  which. A leaf in neither collection is an input when only ``params`` was given, a
  parameter when only ``inputs`` was given, and otherwise is judged by its label: ``w``,
  ``b``, ``weight``, ``bias``, ``theta`` or ``θ`` (optionally followed by digits or
  subscripts, or as the last dotted part of a name like ``layers.0.neurons.3.w.1``)
  name a parameter; any other label names an input;
* the root (the Value being drawn) is the output.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from . import checks
from .steps import Walk
from .value import Value

__all__ = ["DEFAULT_MAX_NODES", "DIRECTIONS", "DrawOptions", "Scene", "classify", "format_number"]

DEFAULT_MAX_NODES = 300
"""Values drawn in full before a drawing switches to a summary (readability, not speed)."""

DIRECTIONS = ("auto", "LR", "RL", "TB", "BT")

_PARAM_BASES = frozenset({"w", "b", "weight", "weights", "bias", "theta", "θ"})
_SUFFIX = re.compile(r"[_\d₀₁₂₃₄₅₆₇₈₉'′]+$")


@dataclass(frozen=True)
class DrawOptions:
    """Every option of a drawing, in one place.

    ``backward``: show the backward pass (gradients on edges, step numbers). ``show_data`` /
    ``show_grad``: the rows of each box. ``rankdir``: layout direction, ``"auto"`` (chosen
    to fit the shape of the graph), LR, RL, TB or BT. ``max_nodes``: past this many Values,
    draw the root's neighbourhood and a box counting the rest (None: never).
    ``auto_label``: name unlabelled intermediate values t1, t2, ... (the lecture's names).
    ``params`` / ``inputs``: say which leaves are which (see the module docstring).
    ``legend``, ``title``: the key of colours and a heading."""

    backward: bool = False
    show_data: bool = True
    show_grad: bool = True
    rankdir: str = "auto"
    max_nodes: int | None = DEFAULT_MAX_NODES
    auto_label: bool = False
    params: Collection[Value] | None = None
    inputs: Collection[Value] | None = None
    legend: bool = True
    title: str | None = None

    def __post_init__(self) -> None:
        if self.rankdir not in DIRECTIONS:
            raise ValueError(f"drawing: rankdir must be one of {', '.join(DIRECTIONS)}, got {self.rankdir!r}")
        if self.max_nodes is not None:  # frozen: the checked int replaces what was given
            m = checks.count(self.max_nodes, "max_nodes (or None)", "drawing", at_least=1)
            object.__setattr__(self, "max_nodes", m)

    @classmethod
    def of(cls, options: DrawOptions | None = None, **changes: Any) -> DrawOptions:
        """``options`` (or the defaults) with ``changes`` applied; unknown names are a
        TypeError listing the known ones."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown drawing option(s) {', '.join(unknown)}: use {', '.join(sorted(known))}")
        base = options if options is not None else cls()
        fields = {name: getattr(base, name) for name in known}
        fields.update(changes)
        return cls(**fields)


def format_number(x: Any) -> str:
    """A number as short as is still readable: 2, 0.5, −0.1966, 1.235e5, ∞ (typographic minus)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if x == 0.0:
        return "0"
    if x.is_integer() and abs(x) < 1e6:
        s = str(int(x))
    else:
        s = f"{x:.4g}"
        if "e" in s:
            mantissa, exponent = s.split("e")
            s = f"{mantissa}e{int(exponent)}"
    return s.replace("-", "−")


def _param_like(label: str) -> bool:
    parts = [p for p in label.split(".") if p and not p.isdigit()]
    if not parts:
        return False
    base = _SUFFIX.sub("", parts[-1]) or parts[-1]
    return base.lower() in _PARAM_BASES or base == "θ"


def classify(
    order: Sequence[Value],
    params: Collection[Value] | None = None,
    inputs: Collection[Value] | None = None,
) -> list[str]:
    """The kind of each Value of ``order``: 'interior', 'constant', 'parameter' or 'input'
    (rules in the module docstring)."""
    param_ids = {id(v) for v in params} if params is not None else set()
    input_ids = {id(v) for v in inputs} if inputs is not None else set()
    kinds = []
    for v in order:
        if not v.is_leaf:
            kinds.append("interior")
        elif id(v) in param_ids:
            kinds.append("parameter")
        elif id(v) in input_ids:
            kinds.append("input")
        elif not v.label:
            kinds.append("constant")
        elif params is not None:
            kinds.append("input")
        elif inputs is not None:
            kinds.append("parameter")
        else:
            kinds.append("parameter" if _param_like(v.label) else "input")
    return kinds


def _auto_labels(order: Sequence[Value]) -> dict[int, str]:
    """t_k for the k-th interior node (in topological order) that has no label of its own."""
    names: dict[int, str] = {}
    k = 0
    for i, v in enumerate(order):
        if not v.is_leaf:
            k += 1
            if not v.label:
                names[i] = f"t{k}"
    return names


def _select(walk: Walk, max_nodes: int | None) -> list[bool]:
    """Which Values to draw: all, or the ``max_nodes`` nearest the root (breadth first,
    parents in order)."""
    n = len(walk.order)
    if max_nodes is None or n <= max_nodes:
        return [True] * n
    keep = [False] * n
    keep[n - 1] = True
    count = 1
    queue = deque([n - 1])
    while queue and count < max_nodes:
        for j in walk.parents[queue.popleft()]:
            if not keep[j]:
                keep[j] = True
                count += 1
                queue.append(j)
                if count >= max_nodes:
                    break
    return keep


@dataclass(frozen=True)
class GradText:
    """What a box says about its gradient: ``text`` (a number or "?"), ``state`` one of
    "known" (complete), "partial" (a sum still waiting for contributions), "unknown" (not
    computed yet) or "value" (a ``.grad`` as it is, outside a backward drawing)."""

    text: str
    state: str

    @property
    def shown(self) -> str:
        """As the SVG drawing and the player print it: "not yet", "0.25 so far" or "0.25"."""
        if self.state == "unknown":
            return "not yet"
        return self.text + " so far" if self.state == "partial" else self.text


class Scene:
    """A graph read once for drawing: order, kinds, names, which Values are drawn, and
    (with ``backward``) the walk. Everything that does not change between frames."""

    def __init__(self, walk: Walk, options: DrawOptions) -> None:
        self.options = options
        self.walk = walk
        self.order = walk.order
        self.backward = options.backward
        self.kinds = classify(self.order, options.params, options.inputs)
        self.names = _auto_labels(self.order) if options.auto_label else {}
        self.keep = _select(walk, options.max_nodes)
        self.capped = not all(self.keep)
        # a forward-only drawing of a graph no backward has reached shows no gradient rather than 0
        self.show_grad = options.show_grad and (options.backward or any(v.grad != 0.0 for v in self.order))

    @property
    def root(self) -> int:
        return len(self.order) - 1

    def name(self, i: int) -> str:
        """The box title of Value i ('' when it has none)."""
        return self.order[i].label or self.names.get(i, "")

    def describe(self, i: int) -> str:
        """Value i in a sentence: its name, else 'the <op> node', else its number."""
        v = self.order[i]
        return self.name(i) or (f"the {v.op} node" if not v.is_leaf else format_number(self.walk.data[i]))

    def data_text(self, i: int) -> str:
        return format_number(self.walk.data[i])

    def grad_text(self, i: int, received: list[float] | None, waiting: list[int] | None) -> GradText:
        """The gradient row of Value i, given the state of the walk (None: ``.grad`` as is)."""
        if received is None or waiting is None:
            return GradText(format_number(self.order[i].grad), "value")
        return self.grad_at(i, received[i], waiting[i])

    def grad_at(self, i: int, total: float, waiting: int) -> GradText:
        """The gradient row of Value i that has received ``total`` and waits for ``waiting``
        more contributions: unknown before the first (the root never is), then partial."""
        if i != self.root and waiting == self.walk.consumers[i]:
            return GradText("?", "unknown")
        return GradText(format_number(total), "partial" if waiting else "known")

    def state(self, steps_done: int | None) -> tuple[list[float] | None, list[int] | None]:
        """The walk's state after ``steps_done`` steps (None: the whole walk); (None, None)
        without ``backward``."""
        if not self.backward:
            return None, None
        done = len(self.walk.steps) if steps_done is None else steps_done
        return self.walk.received(done)

    def heading(self, step: int | None) -> list[str]:
        """The lines above the drawing: title, what the step does, what was left out."""
        parts = []
        if self.options.title:
            parts.append(self.options.title)
        if self.backward:
            total = len(self.walk.steps)
            if step == 0:
                parts.append(f"backward pass: step 0 of {total:,}, nothing computed yet")
            elif step is None:
                parts.append(
                    f"backward pass: {total:,} step{'s' if total != 1 else ''}; "
                    "an edge carries the gradient flowing back (local derivative × upstream)"
                )
            else:
                node = self.walk.steps[step - 1].node
                parts.append(
                    f"backward step {step:,} of {total:,}: {self.describe(node)} sends its gradient to its inputs"
                )
        if self.capped:
            parts.append(
                f"showing the {sum(self.keep):,} values nearest the output out of {len(self.order):,}; "
                "the rest are counted in the box on the left (raise max_nodes to draw more)"
            )
        return parts

    def summary(self) -> list[str]:
        """The lines of the box counting what a capped drawing left out."""
        left = [i for i, k in enumerate(self.keep) if not k]
        ops = Counter(self.order[i].op for i in left if not self.order[i].is_leaf)
        leaves = Counter(self.kinds[i] for i in left if self.order[i].is_leaf)
        lines = [f"{len(left):,} more values left out"]
        for name, count in sorted(ops.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{count:,} × {name}")
        for kind in ("parameter", "input", "constant"):
            if leaves[kind]:
                lines.append(f"{leaves[kind]:,} {kind}{'s' if leaves[kind] != 1 else ''}")
        return lines

    def edge_done(self, i: int, steps_done: int) -> bool:
        """Whether the step at node i has run after ``steps_done`` steps."""
        return self.backward and self.walk.step_of[i] <= steps_done
