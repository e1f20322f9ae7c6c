"""A Scene as Graphviz DOT text: one rounded box per Value, one circle per primitive.

The DOT text is what ``draw_graph(...).source`` gives and what ``.dot``/``.gv`` files hold;
Graphviz's ``dot`` (when installed) turns it into PNG or PDF. Nodes are named ``n<i>``
(Values) and ``o<i>`` (the primitive that made Value i) by position, so the same graph
gives the same text byte for byte. Colours are shared with the SVG drawing
(``autograd.style``).
"""

from __future__ import annotations

from html import escape

from .drawing import Scene, format_number
from .style import (
    BACKWARD_NOTE,
    COLOURS,
    CURRENT,
    FONT,
    GRAD_COLOUR,
    LEGEND,
    MUTED,
    OP_BORDER,
    OP_FILL,
    kind_colours,
)

__all__ = ["dot_source"]


def _q(text: str) -> str:
    """A DOT string literal (HTML labels, which start with '<', are passed through)."""
    if text.startswith("<") and text.endswith(">"):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _attr_text(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}={_q(v)}" for k, v in attrs.items())


def _box_style(kind: str, is_root: bool, is_current: bool) -> dict[str, str]:
    fill, border = kind_colours(kind, is_root)
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
        attrs.update(color=CURRENT, penwidth="3.5")
    return attrs


_OP_ATTRS = _attr_text(
    {
        "shape": "circle",
        "style": "filled",
        "fillcolor": OP_FILL,
        "color": OP_BORDER,
        "fixedsize": "shape",
        "margin": "0.02",
        "fontsize": "13",
        "ordering": "in",
    }
)
_CURRENT_EDGE = f' [color="{CURRENT}" penwidth=2]'


def _row(name: str, value: str) -> str:
    return (
        f'<tr><td align="left"><font color="{MUTED}" point-size="10">{name}</font></td>'
        f'<td align="right">{value}</td></tr>'
    )


def _value_label(scene: Scene, i: int, received: list[float] | None, waiting: list[int] | None, done: int) -> str:
    v = scene.order[i]
    if scene.kinds[i] == "constant":
        return f"<{format_number(v.data)}>"
    name = scene.name(i)
    rows = []
    step_txt = ""
    walk = scene.walk
    if scene.backward and i in walk.step_of:
        k = walk.step_of[i]
        colour = GRAD_COLOUR if k <= done else MUTED
        step_txt = f'<font color="{colour}" point-size="10">#{k}</font>'
    if name or step_txt:
        rows.append(
            f'<tr><td align="left"><b>{escape(name)}</b></td><td align="right">{step_txt}</td></tr>'
            if name
            else f'<tr><td colspan="2" align="right">{step_txt}</td></tr>'
        )
    if scene.options.show_data:
        rows.append(_row("data", scene.data_text(i)))
    if scene.show_grad:
        g = scene.grad_text(i, received, waiting)
        if g.state == "value":
            text = g.text
        elif g.state == "unknown":
            text = f'<font color="{MUTED}">?</font>'
        else:
            text = f'<font color="{GRAD_COLOUR}"><b>{g.text}</b></font>'
            if g.state == "partial":
                text += f' <font color="{MUTED}" point-size="9">so far</font>'
        rows.append(_row("grad", text))
    if not rows:
        rows.append('<tr><td colspan="2"> </td></tr>')
    return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">' + "".join(rows) + "</table>>"


def _edge_attrs(scene: Scene, i: int, slot: int, done: int, current: int | None) -> str:
    """The edge into the op of node i from its parent number ``slot``: the gradient sent
    back along it, once the walk has visited node i."""
    if not scene.edge_done(i, done):
        return ""
    step = scene.walk.steps[scene.walk.step_of[i] - 1]
    flow = format_number(step.flow[slot])
    local, upstream = format_number(step.local[slot]), format_number(step.upstream)
    tip = f"gradient {flow} = local derivative {local} × upstream {upstream}"
    extra = f" color={_q(CURRENT)} penwidth=2" if i == current else ""
    return f" [label={_q(' ' + flow + ' ')} fontcolor={_q(GRAD_COLOUR)} tooltip={_q(tip)}{extra}]"


def _legend(scene: Scene) -> str:
    cells = []
    for kind, text in LEGEND:
        fill, border = COLOURS[kind]
        cells.append(
            f'<td bgcolor="{fill}" color="{border}" border="1" style="rounded" cellpadding="3">'
            f'<font point-size="10">{text}</font></td>'
        )
    if scene.backward:
        cells.append(
            f'<td border="0" cellpadding="3"><font point-size="10" color="{GRAD_COLOUR}">'
            f"{BACKWARD_NOTE}</font></td>"
        )
    return '<<table border="0" cellspacing="4" cellpadding="0"><tr>' + "".join(cells) + "</tr></table>>"


def dot_source(scene: Scene, step: int | None, rankdir: str) -> str:
    """The DOT text of ``scene`` after ``step`` backward steps (None: all of them)."""
    walk, keep = scene.walk, scene.keep
    received, waiting = scene.state(step)
    done = 0
    current = None
    if scene.backward:
        done = len(walk.steps) if step is None else step
        current = walk.steps[step - 1].node if step is not None else None
    lines = [
        "digraph chaingrad {",
        f'\tgraph [bgcolor=white fontname="{FONT}" fontsize=13 labeljust=l nodesep=0.3 pad=0.25 '
        f"rankdir={rankdir} ranksep=0.45]",
        f'\tnode [fontname="{FONT}" fontsize=12]',
        f'\tedge [arrowsize=0.7 color="#6b7280" fontname="{FONT}" fontsize=11]',
    ]
    heading = "".join(part.replace("\\", "\\\\") + "\\l" for part in scene.heading(step))
    if heading:
        lines.append(f"\tlabel={_q(heading)} labelloc=t")
    styles: dict[tuple[str, bool, bool], str] = {}
    for i in range(len(scene.order)):
        if not keep[i]:
            continue
        key = (scene.kinds[i], i == scene.root, i == current)
        if key not in styles:
            styles[key] = _attr_text(_box_style(*key))
        lines.append(f"\tn{i} [label={_value_label(scene, i, received, waiting, done)} {styles[key]}]")
        prim = walk.prims[i]
        if prim is None:
            continue
        width = "0.42" if len(prim.symbol) <= 2 else "0.56"
        lines.append(f"\to{i} [label={_q(prim.symbol)} tooltip={_q(prim.name)} {_OP_ATTRS} width={width}]")
        lost = False
        for slot, j in enumerate(walk.parents[i]):
            if keep[j]:
                lines.append(f"\tn{j} -> o{i}{_edge_attrs(scene, i, slot, done, current)}")
            else:
                lost = True
        if lost:
            lines.append(f"\tomitted -> o{i} [style=dashed color={_q(MUTED)} arrowhead=none]")
        lines.append(f"\to{i} -> n{i}{_CURRENT_EDGE if i == current else ''}")
    if scene.capped:
        summary = "".join(line + "\\l" for line in scene.summary())
        lines.append(f'\tomitted [label={_q(summary)} color="#9a3412" fillcolor="#fff7ed" shape=note style=filled]')
    if scene.options.legend:
        lines.append(f"\tlegend [label={_legend(scene)} margin=0 shape=plaintext]")
    lines.append("}")
    return "\n".join(lines) + "\n"
