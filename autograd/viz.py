"""Drawing a computation graph, and its backward pass, with Graphviz.

``draw_graph(root)`` returns a ``graphviz.Digraph``: one rounded box per Value (its label,
data and grad) and one small circle per primitive (the symbol from the primitive table),
with edges in the order of each node's parents. ``draw_graph(root, backward=True)``
labels every edge with the gradient that flows back along it and numbers the nodes in the
order the backward walk visits them; ``backward_frames(root)`` gives one drawing per step
of that walk. ``render`` writes SVG, PNG or DOT files.

How the kinds of Value are told apart (colours are in the legend of every drawing):

* interior node: made by a primitive (white box);
* constant: a leaf without a label, i.e. a Python number lifted by an operator such as the
  ``2`` in ``x ** 2`` (small grey dashed box showing the number);
* parameter or input: a labelled leaf. Pass ``params=`` and/or ``inputs=`` to say which is
  which. A leaf in neither collection is an input when only ``params`` was given, a
  parameter when only ``inputs`` was given, and otherwise is judged by its label: ``w``,
  ``b``, ``weight``, ``bias``, ``theta`` or ``θ`` (optionally followed by digits or
  subscripts, or as the last dotted part of a name like ``layers.0.neurons.3.w.1``)
  name a parameter; any other label names an input.
* the root (the Value being drawn) gets a thick green border.

Everything is deterministic (nodes are named ``n0, n1, ...`` by topological position, so
the same graph gives the same DOT source byte for byte) and iterative (no recursion: a
100,000-node chain is fine). Graphs with more than ``max_nodes`` Values are drawn as the
root's neighbourhood plus one box counting, by primitive, what was left out.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from collections.abc import Collection, Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import graphviz

from .backprop import topological_order
from .files import write_atomic
from .primitives import FLOAT
from .value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "GRAPHVIZ_HINT",
    "draw_graph",
    "backward_frames",
    "backward_steps",
    "save_frames",
    "render",
    "format_number",
    "classify",
]

DEFAULT_MAX_NODES = 300
"""Values drawn in full before a drawing switches to a summary (readability, not speed)."""

GRAPHVIZ_HINT = (
    "Graphviz's `dot` program is needed to render drawings and was not found on PATH. "
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), `conda install -c conda-forge graphviz`, or see https://graphviz.org/download/. "
    "Without it, draw_graph(...).source still gives the DOT text."
)

FORMATS = ("svg", "png", "pdf", "dot", "gv")

# -- look ---------------------------------------------------------------------------------

_FONT = "Helvetica,Arial,sans-serif"
# kind -> (fill, border)
_COLOURS = {
    "parameter": ("#fde9b8", "#b7791f"),
    "input": ("#dbeafe", "#2f6db5"),
    "constant": ("#f3f4f6", "#9ca3af"),
    "interior": ("#ffffff", "#4b5563"),
    "output": ("#dcfce7", "#15803d"),
}
_OP_FILL, _OP_BORDER = "#eef0f3", "#6b7280"
_GRAD_COLOUR = "#c2410c"  # gradient text and edge labels
_CURRENT = "#dc2626"  # the node visited at this step of a frame
_MUTED = "#6b7280"

_PARAM_BASES = frozenset({"w", "b", "weight", "weights", "bias", "theta", "θ"})
_SUFFIX = re.compile(r"[_\d₀₁₂₃₄₅₆₇₈₉'′]+$")


# -- helpers ------------------------------------------------------------------------------


def format_number(x: Any) -> str:
    """A number as short as is still readable: 2, 0.5, −0.1966, 1.235e5, ∞ (typographic minus)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return escape(str(x))
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
        if v._prim is not None:
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


class _Pass:
    """The backward walk of the engine, replayed without touching any ``.grad``.

    Nodes are indexed by topological position. ``steps`` lists interior nodes in the order
    the walk visits them (reverse topological order, as ``autograd.backward``);
    ``flow[i]`` holds, for each parent of node i, what the node's vjp sends along that edge
    (upstream gradient times local derivative); ``local[i]`` the local derivatives alone.
    Sums are formed in the engine's order, so the gradients equal the engine's exactly.
    """

    def __init__(self, order: list[Value], index: dict[int, int]) -> None:
        n = len(order)
        grads = [0.0] * n
        grads[n - 1] = 1.0
        self.steps: list[int] = []
        self.flow: dict[int, list[float]] = {}
        self.local: dict[int, list[float]] = {}
        self.step_of: dict[int, int] = {}
        for i in range(n - 1, -1, -1):
            node = order[i]
            prim = node._prim
            if prim is None:
                continue
            self.steps.append(i)
            self.step_of[i] = len(self.steps)
            args = [p.data for p in node.parents]
            flows = list(prim.vjp(FLOAT, grads[i], node.data, *args))
            self.flow[i] = flows
            self.local[i] = list(prim.vjp(FLOAT, 1.0, node.data, *args))
            for p, d in zip(node.parents, flows):
                j = index[id(p)]
                grads[j] += d
        self.grads = grads


def _order_and_index(root: Value) -> tuple[list[Value], dict[int, int]]:
    """The engine's topological order with each leaf moved to just before its first
    consumer (still a topological order, and the interior nodes keep their order), so that
    node ids and the DOT source read like the formula: w, x, w·x, b, ...; plus the index of
    each node in it by ``id``."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value to draw, got {root!r} of type {type(root).__name__}")
    order: list[Value] = []
    index: dict[int, int] = {}
    for v in topological_order(root, leaves=False) if root.parents else [root]:
        for p in v.parents:
            if not p.parents and id(p) not in index:
                index[id(p)] = len(order)
                order.append(p)
        index[id(v)] = len(order)
        order.append(v)
    return order, index


def _auto_labels(order: Sequence[Value]) -> dict[int, str]:
    """t_k for the k-th interior node (in topological order) that has no label of its own."""
    names: dict[int, str] = {}
    k = 0
    for i, v in enumerate(order):
        if v._prim is not None:
            k += 1
            if not v.label:
                names[i] = f"t{k}"
    return names


def _select(order: list[Value], index: dict[int, int], max_nodes: int | None) -> list[bool]:
    """Which Values to draw: all, or the ``max_nodes`` nearest the root (breadth first,
    parents in order)."""
    n = len(order)
    if max_nodes is None or n <= max_nodes:
        return [True] * n
    keep = [False] * n
    keep[n - 1] = True
    count = 1
    queue = deque([order[n - 1]])
    while queue and count < max_nodes:
        for p in queue.popleft().parents:
            j = index[id(p)]
            if not keep[j]:
                keep[j] = True
                count += 1
                queue.append(p)
                if count >= max_nodes:
                    break
    return keep


# -- drawing ------------------------------------------------------------------------------


def draw_graph(
    root: Value,
    *,
    backward: bool = False,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "LR",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    auto_label: bool = False,
    params: Collection[Value] | None = None,
    inputs: Collection[Value] | None = None,
    step: int | None = None,
    legend: bool = True,
    title: str | None = None,
) -> graphviz.Digraph:
    """The computation graph that produced ``root``, as a ``graphviz.Digraph``.

    ``backward=True`` shows the backward pass: each Value shows d(root)/d(value) as its
    grad and its step number in the walk (``#1`` is the root), and each edge is labelled
    with the gradient flowing back along it (the primitive's vjp: local derivative times
    upstream gradient; hover in SVG for the two factors). These gradients are computed for
    the drawing with the primitive table and equal ``autograd.grad``; no ``.grad`` is
    changed. Without ``backward``, grad shows each Value's ``.grad`` as it is.

    ``step=k`` (with backward) draws the walk after its k-th step: the node visited at step
    k is outlined in red, later edges are blank and sums still waiting for contributions are
    marked "so far". ``auto_label=True`` names unlabelled interior nodes t1, t2, ... by their
    position among interior nodes (the lecture's naming). ``params``/``inputs`` classify
    leaves explicitly (see the module docstring). ``max_nodes=None`` never summarises.
    """
    drawing = _prepare(
        root, backward, show_data, show_grad, rankdir, max_nodes, auto_label, params, inputs, legend, title
    )
    if step is not None:
        if drawing.walk is None:
            raise ValueError("draw_graph: step= needs backward=True")
        total = len(drawing.walk.steps)
        if not isinstance(step, int) or not 1 <= step <= total:
            raise ValueError(f"draw_graph: step must be between 1 and {total} (the backward steps), got {step!r}")
    return drawing.graph(step)


def _prepare(
    root: Value,
    backward: bool,
    show_data: bool,
    show_grad: bool,
    rankdir: str,
    max_nodes: int | None,
    auto_label: bool,
    params: Collection[Value] | None,
    inputs: Collection[Value] | None,
    legend: bool,
    title: str | None,
) -> _Drawing:
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw_graph: max_nodes must be a positive int or None, got {max_nodes!r}")
    order, index = _order_and_index(root)
    walk = _Pass(order, index) if backward else None
    return _Drawing(
        order, index, walk, show_data, show_grad, rankdir, max_nodes, auto_label, params, inputs, legend, title
    )


class _Drawing:
    """Everything that does not change from one frame to the next, computed once."""

    def __init__(
        self,
        order: list[Value],
        index: dict[int, int],
        walk: _Pass | None,
        show_data: bool,
        show_grad: bool,
        rankdir: str,
        max_nodes: int | None,
        auto_label: bool,
        params: Collection[Value] | None,
        inputs: Collection[Value] | None,
        legend: bool,
        title: str | None,
    ) -> None:
        self.order = order
        self.index = index
        self.walk = walk
        self.show_data = show_data
        self.show_grad = show_grad
        self.rankdir = rankdir
        self.kinds = classify(order, params, inputs)
        self.names = _auto_labels(order) if auto_label else {}
        self.keep = _select(order, index, max_nodes)
        self.legend = legend
        self.capped = not all(self.keep)
        self._attr_cache: dict[tuple[str, bool, bool], str] = {}
        self.title = title
        self.parent_ids = [[index[id(p)] for p in v.parents] for v in order]
        if walk is not None:
            # consumers[j]: how many edges lead out of node j (each brings one contribution)
            self.consumers = [0] * len(order)
            for ps in self.parent_ids:
                for j in ps:
                    self.consumers[j] += 1

    # -- one frame ------------------------------------------------------------------------

    def state(self, steps_done: int) -> tuple[list[float], list[int]]:
        """After ``steps_done`` steps of the walk: the gradient each node has received so
        far, and how many contributions it still waits for."""
        walk = self.walk
        assert walk is not None
        received = [0.0] * len(self.order)
        received[-1] = 1.0
        waiting = list(self.consumers)
        for i in walk.steps[:steps_done]:
            self.advance(i, received, waiting)
        return received, waiting

    def advance(self, i: int, received: list[float], waiting: list[int]) -> None:
        """Apply the walk's step at node ``i`` to a state."""
        assert self.walk is not None
        for j, d in zip(self.parent_ids[i], self.walk.flow[i]):
            received[j] += d
            waiting[j] -= 1

    def graph(
        self, step: int | None, received: list[float] | None = None, waiting: list[int] | None = None
    ) -> graphviz.Digraph:
        """One drawing; with a walk, ``step`` (None: the whole walk) and the state after it."""
        order, walk, keep = self.order, self.walk, self.keep
        n = len(order)
        current = None
        done_steps = 0
        if walk is not None:
            done_steps = len(walk.steps) if step is None else step
            current = walk.steps[step - 1] if step is not None else None
            if received is None or waiting is None:
                received, waiting = self.state(done_steps)

        g = graphviz.Digraph(
            "chaingrad",
            graph_attr={
                "rankdir": self.rankdir,
                "nodesep": "0.3",
                "ranksep": "0.45",
                "fontname": _FONT,
                "fontsize": "13",
                "bgcolor": "white",
                "pad": "0.25",
                "labeljust": "l",
            },
            node_attr={"fontname": _FONT, "fontsize": "12"},
            edge_attr={"fontname": _FONT, "fontsize": "11", "color": "#6b7280", "arrowsize": "0.7"},
        )
        heading = self._heading(step, current)
        if heading:
            g.attr(label=heading, labelloc="t")

        # DOT statements are written directly: graphviz's own quoting costs ~50 us per
        # statement, which is most of the time on a 100,000-node graph.
        body = g.body
        value_attrs = self._value_attrs
        for i in range(n):
            if not keep[i]:
                continue
            v = order[i]
            label = self._value_label(i, received, waiting, done_steps)
            body.append(f"\tn{i} [label={label} {value_attrs(i, i == current)}]\n")
            prim = v._prim
            if prim is None:
                continue
            body.append(f"\to{i} [label={_q(prim.symbol)} tooltip={_q(prim.name)} {_op_attrs(prim.symbol)}]\n")
            lost = False
            for slot, j in enumerate(self.parent_ids[i]):
                if keep[j]:
                    body.append(f"\tn{j} -> o{i}{self._edge_attrs(i, slot, done_steps, current)}\n")
                else:
                    lost = True
            if lost:
                body.append(f"\tomitted -> o{i} [style=dashed color={_q(_MUTED)} arrowhead=none]\n")
            body.append(f"\to{i} -> n{i}{_CURRENT_EDGE if i == current else ''}\n")

        if self.capped:
            g.node("omitted", self._summary(), shape="note", style="filled", fillcolor="#fff7ed", color="#9a3412")
        if self.legend:
            g.node("legend", self._legend(), shape="plaintext", margin="0")
        return g

    # -- pieces ---------------------------------------------------------------------------

    def _heading(self, step: int | None, current: int | None) -> str:
        parts = []
        if self.title:
            parts.append(self.title)
        walk = self.walk
        if walk is not None:
            total = len(walk.steps)
            if step is None:
                parts.append(
                    f"backward pass: {total:,} step{'s' if total != 1 else ''}; "
                    "an edge carries the gradient flowing back (local derivative × upstream)"
                )
            else:
                name = self._name(current)
                parts.append(f"backward step {step:,} of {total:,}: {name} sends its gradient to its inputs")
        if self.capped:
            shown = sum(self.keep)
            parts.append(
                f"showing the {shown:,} values nearest the output out of {len(self.order):,}; "
                "the rest are counted in the box on the left (raise max_nodes to draw more)"
            )
        # a plain (not HTML) label: "\\l" ends a left-aligned line
        return "".join(part.replace("\\", "\\\\") + "\\l" for part in parts)

    def _name(self, i: int | None) -> str:
        if i is None:
            return ""
        v = self.order[i]
        return v.label or self.names.get(i) or f"the {v.op} node"

    def _value_attrs(self, i: int, is_current: bool) -> str:
        """Box style of Value i: by kind; the root thick and green; the current node red."""
        kind = self.kinds[i]
        key = (kind, i == len(self.order) - 1, is_current)
        cached = self._attr_cache.get(key)
        if cached is None:
            cached = self._attr_cache[key] = _attr_text(_box_style(*key))
        return cached

    def _value_label(self, i: int, received: list[float] | None, waiting: list[int] | None, done_steps: int) -> str:
        v = self.order[i]
        kind = self.kinds[i]
        walk = self.walk
        if kind == "constant":
            return f"<{format_number(v.data)}>"
        name = v.label or self.names.get(i, "")
        rows = []
        step_txt = ""
        if walk is not None and i in walk.step_of:
            k = walk.step_of[i]
            colour = _GRAD_COLOUR if k <= done_steps else _MUTED
            step_txt = f'<font color="{colour}" point-size="10">#{k}</font>'
        if name or step_txt:
            rows.append(
                f'<tr><td align="left"><b>{escape(name)}</b></td><td align="right">{step_txt}</td></tr>'
                if name
                else f'<tr><td colspan="2" align="right">{step_txt}</td></tr>'
            )
        if self.show_data:
            rows.append(_row("data", format_number(v.data)))
        if self.show_grad:
            if received is None:
                rows.append(_row("grad", format_number(v.grad)))
            elif i != len(self.order) - 1 and waiting[i] == self.consumers[i]:
                rows.append(_row("grad", f'<font color="{_MUTED}">?</font>'))
            else:
                text = f'<font color="{_GRAD_COLOUR}"><b>{format_number(received[i])}</b></font>'
                if waiting[i]:
                    text += f' <font color="{_MUTED}" point-size="9">so far</font>'
                rows.append(_row("grad", text))
        if not rows:
            rows.append('<tr><td colspan="2"> </td></tr>')
        return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">' + "".join(rows) + "</table>>"

    def _edge_attrs(self, i: int, slot: int, done_steps: int, current: int | None) -> str:
        """Attributes of the edge into the op of node i from its parent number ``slot``: the
        gradient sent back along it, once the walk has visited node i."""
        walk = self.walk
        if walk is None or walk.step_of[i] > done_steps:
            return ""
        flow = format_number(walk.flow[i][slot])
        local = format_number(walk.local[i][slot])
        upstream = format_number(walk.grads[i])  # final once the node's step is done
        tip = f"gradient {flow} = local derivative {local} × upstream {upstream}"
        extra = f" color={_q(_CURRENT)} penwidth=2" if i == current else ""
        return f" [label={_q(' ' + flow + ' ')} fontcolor={_q(_GRAD_COLOUR)} tooltip={_q(tip)}{extra}]"

    def _summary(self) -> str:
        left = [i for i, k in enumerate(self.keep) if not k]
        ops = Counter(self.order[i]._prim.name for i in left if self.order[i]._prim is not None)
        leaves = Counter(self.kinds[i] for i in left if self.order[i]._prim is None)
        lines = [f"{len(left):,} more values left out"]
        for name, count in sorted(ops.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{count:,} × {name}")
        for kind in ("parameter", "input", "constant"):
            if leaves[kind]:
                lines.append(f"{leaves[kind]:,} {kind}{'s' if leaves[kind] != 1 else ''}")
        return "".join(line + "\\l" for line in lines)

    def _legend(self) -> str:
        cells = []
        for kind, text in (
            ("parameter", "parameter"),
            ("input", "input"),
            ("constant", "constant"),
            ("interior", "intermediate"),
            ("output", "output"),
        ):
            fill, border = _COLOURS[kind]
            cells.append(
                f'<td bgcolor="{fill}" color="{border}" border="1" style="rounded" cellpadding="3">'
                f'<font point-size="10">{text}</font></td>'
            )
        if self.walk is not None:
            cells.append(
                f'<td border="0" cellpadding="3"><font point-size="10" color="{_GRAD_COLOUR}">'
                "#k backward step · edge: gradient</font></td>"
            )
        return '<<table border="0" cellspacing="4" cellpadding="0"><tr>' + "".join(cells) + "</tr></table>>"


def _q(text: str) -> str:
    """A DOT string literal (HTML labels, which start with '<', are passed through)."""
    if text.startswith("<") and text.endswith(">"):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _attr_text(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}={_q(v)}" for k, v in attrs.items())


def _box_style(kind: str, is_root: bool, is_current: bool) -> dict[str, str]:
    fill, border = _COLOURS["output" if is_root else kind]
    attrs = {
        "shape": "box",
        "style": "rounded,filled,dashed" if kind == "constant" else "rounded,filled",
        "fillcolor": fill,
        "color": border,
        "penwidth": "2.5" if is_root else "1.2",
        "margin": "0.06,0.03",
        "tooltip": kind + (" (output)" if is_root else ""),
    }
    if kind == "constant" and not is_root:
        attrs.update(width="0.3", height="0.3", margin="0.05,0.02", fontsize="11", fontcolor="#374151")
    if is_current:
        attrs.update(color=_CURRENT, penwidth="3.5")
    return attrs


_OP_ATTRS = _attr_text(
    {
        "shape": "circle",
        "style": "filled",
        "fillcolor": _OP_FILL,
        "color": _OP_BORDER,
        "fixedsize": "shape",
        "margin": "0.02",
        "fontsize": "13",
        "ordering": "in",
    }
)


def _op_attrs(symbol: str) -> str:
    """A circle wide enough for the symbol: × and + small, tanh and relu larger."""
    return f"{_OP_ATTRS} width={'0.42' if len(symbol) <= 2 else '0.56'}"


_CURRENT_EDGE = f' [color="{_CURRENT}" penwidth=2]'


def _row(name: str, value: str) -> str:
    return (
        f'<tr><td align="left"><font color="{_MUTED}" point-size="10">{name}</font></td>'
        f'<td align="right">{value}</td></tr>'
    )


# -- step-through -------------------------------------------------------------------------


def backward_steps(root: Value) -> int:
    """How many steps the backward walk from ``root`` takes (one per interior node)."""
    order, _ = _order_and_index(root)
    return sum(1 for v in order if v._prim is not None)


def backward_frames(
    root: Value,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "LR",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    auto_label: bool = False,
    params: Collection[Value] | None = None,
    inputs: Collection[Value] | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Iterator[graphviz.Digraph]:
    """One drawing per step of the backward walk, in order: frame k is ``draw_graph(root,
    backward=True, step=k)`` (the node just visited outlined in red, gradients filled in so
    far). The walk is computed once for all frames; no ``.grad`` is changed."""
    drawing = _prepare(root, True, show_data, show_grad, rankdir, max_nodes, auto_label, params, inputs, legend, title)
    assert drawing.walk is not None
    received, waiting = drawing.state(0)
    for k, i in enumerate(drawing.walk.steps, start=1):
        drawing.advance(i, received, waiting)
        yield drawing.graph(k, received, waiting)


def save_frames(
    root: Value, directory: str | os.PathLike[str], format: str = "svg", prefix: str = "step", **draw_kwargs: Any
) -> list[Path]:
    """Write each backward frame to ``directory/step_001.svg``, ``step_002.svg``, ...
    (numbered with as many digits as needed, at least 3) and return the paths in order."""
    fmt = _check_format(format)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(backward_steps(root))))
    paths = []
    for k, frame in enumerate(backward_frames(root, **draw_kwargs), start=1):
        paths.append(write_graph(frame, directory / f"{prefix}_{k:0{width}d}.{fmt}", fmt))
    return paths


# -- files --------------------------------------------------------------------------------


def _check_format(fmt: str) -> str:
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown drawing format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt


def pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    """The drawing rendered by Graphviz as bytes; a missing ``dot`` is a RuntimeError
    that says how to install Graphviz."""
    fmt = _check_format(fmt)
    if fmt in ("dot", "gv"):
        return graph.source.encode("utf-8")
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise RuntimeError(GRAPHVIZ_HINT) from exc
    except graphviz.CalledProcessError as exc:
        raise RuntimeError(f"Graphviz failed to render the drawing as {fmt}: {exc}") from exc


def write_graph(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Render ``graph`` to ``path`` (format from the suffix unless given): written to a
    temporary file in the same folder first and then moved into place, so a failed render
    never leaves half a file."""
    path = Path(path)
    fmt = _check_format(format or path.suffix or "svg")
    data = pipe(graph, fmt)
    return write_atomic(path, data)


def render(root: Value, path: str | os.PathLike[str], format: str | None = None, **draw_kwargs: Any) -> Path:
    """Draw ``root`` (``draw_kwargs`` go to ``draw_graph``) and write it to ``path`` as
    svg, png, pdf or DOT text (dot/gv); the format defaults to the path's suffix, else svg.
    Returns the path."""
    return write_graph(draw_graph(root, **draw_kwargs), path, format)


def mimebundle(root: Value, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    """What Jupyter shows for a Value: its drawing as SVG, or its repr and the install hint
    when Graphviz's ``dot`` is missing."""
    graph = draw_graph(root)
    try:
        return graph._repr_mimebundle_(include, exclude)
    except graphviz.ExecutableNotFound:
        return {"text/plain": f"{root!r}\n({GRAPHVIZ_HINT})"}
