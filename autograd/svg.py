"""A Scene drawn as SVG by chaingrad itself: no Graphviz needed, fits its container.

The boxes are placed by the layered layout of ``autograd.layout``; the SVG has a viewBox,
its natural size in px and ``max-width: 100%``, so it shrinks to the column of a notebook
or a page (inline or as an image, as JupyterLab shows SVG) and is never blown up.
``rankdir="auto"`` lays the graph out both ways and keeps the one that fits (``layout.choose_direction``).

Every element has an id, so the explorer and the HTML player can change it in place:
``v<i>`` the box of Value i (its texts ``d<i>`` data, ``g<i>`` grad, ``s<i>`` step),
``o<i>`` the circle of the primitive that made it, ``e<i>-<k>`` the edge from its parent
number k into that circle, ``l<i>-<k>`` the gradient label of that edge, ``f<i>`` the edge
from the circle to the box. The class ``cg-current`` marks what a step is processing.
An edge's gradient label goes at the first spot along the edge, from the parent's end, where
it covers no box and no other label (edges converging on one operation are apart there);
a label with no such spot is left out, the parent's grad row and the step's panel show it.
"""

from __future__ import annotations

from html import escape

from .boxes import Boxes, pad
from .drawing import GradText, Scene, format_number
from .layout import Layout, choose_direction, layered_layout
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

__all__ = ["SvgDrawing"]

CHAR = 6.9  # average width of a character at 12 px, generous
ROW = 15.0
PAD = 5.0
GRAD_CHARS = 8  # the grad column is this wide, so boxes keep their size as sums fill in
ARROW = 6.0

CSS = (
    f".cg-current>rect,.cg-current>circle{{stroke:{CURRENT};stroke-width:3.5px}}"
    f"path.cg-current{{stroke:{CURRENT};stroke-width:2.2px}}"
    f"polygon.cg-current{{fill:{CURRENT}}}"
    f'text[data-state="known"]{{fill:{GRAD_COLOUR};font-weight:bold}}'
    f'text[data-state="partial"],text[data-state="unknown"]{{fill:{MUTED};font-weight:normal}}'
    f'text[data-done="1"]{{fill:{GRAD_COLOUR}}}text[data-done="0"]{{fill:{MUTED}}}'
)


def _w(text: str, bold: bool = False) -> float:
    return len(text) * (CHAR + (0.5 if bold else 0.0))


class SvgDrawing:
    """The layout of a Scene, computed once; ``svg(step)`` draws any frame of it."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        walk, keep = scene.walk, scene.keep
        self.nodes: list[tuple[str, int]] = []  # ("v", i) box, ("o", i) circle, ("omitted", -1)
        self.size: list[tuple[float, float]] = []
        self.slot: dict[tuple[str, int], int] = {}
        if scene.capped:
            lines = scene.summary()
            self._add(("omitted", -1), (max(_w(t) for t in lines) + 16, ROW * len(lines) + 2 * PAD))
        for i in range(len(scene.order)):
            if not keep[i]:
                continue
            prim = walk.prims[i]
            if prim is not None:
                r = max(13.0, _w(prim.symbol) / 2 + 5)
                self._add(("o", i), (2 * r, 2 * r))
            self._add(("v", i), self._box_size(i))
        edges = []
        for i in range(len(scene.order)):
            if keep[i] and walk.prims[i] is not None:
                o = self.slot[("o", i)]
                for j in walk.parents[i]:
                    src = ("v", j) if keep[j] else ("omitted", -1)
                    edges.append((self.slot[src], o))
                edges.append((o, self.slot[("v", i)]))
        self.edges = edges
        gap = 64.0 if scene.backward else 30.0
        wanted = scene.options.rankdir
        tries = ("LR", "TB") if wanted == "auto" else (wanted,)
        layouts = {d: layered_layout(self.size, edges, d, rank_gap=gap if d in ("LR", "RL") else 34.0) for d in tries}
        self.layout: Layout = layouts[choose_direction(layouts)]
        self.labels = self._place_labels() if scene.backward else {}

    def _add(self, key: tuple[str, int], size: tuple[float, float]) -> None:
        self.slot[key] = len(self.nodes)
        self.nodes.append(key)
        self.size.append(size)

    @property
    def direction(self) -> str:
        return self.layout.direction

    def _rows(self, i: int) -> list[str]:
        scene = self.scene
        rows = []
        if scene.name(i) or (scene.backward and i in scene.walk.step_of):
            rows.append("title")
        if scene.options.show_data:
            rows.append("data")
        if scene.show_grad:
            rows.append("grad")
        return rows or ["title"]

    def _box_size(self, i: int) -> tuple[float, float]:
        scene = self.scene
        if scene.kinds[i] == "constant":
            return (_w(scene.data_text(i)) + 12, 20.0)
        width = 40.0
        name = scene.name(i)
        badge = f"#{scene.walk.step_of[i]}" if scene.backward and i in scene.walk.step_of else ""
        width = max(width, _w(name, bold=True) + _w(badge) + 14)
        value = max(len(scene.data_text(i)), GRAD_CHARS if scene.show_grad else 0)
        width = max(width, 30 + value * CHAR + 12)
        return (width, len(self._rows(i)) * ROW + 2 * PAD)

    # -- drawing ----------------------------------------------------------------------------

    def svg(self, step: int | None = None, xml_declaration: bool = False, heading: bool = True) -> str:
        """The drawing after ``step`` backward steps (None: all; only with ``backward``);
        ``heading=False`` leaves out the lines above it (the explorer has its own panel)."""
        scene, layout = self.scene, self.layout
        received, waiting = scene.state(step)
        done = len(scene.walk.steps) if step is None else step
        current = scene.walk.steps[step - 1].node if scene.backward and step else None
        heading_lines = scene.heading(step if scene.backward else None) if heading else []
        top = 8.0 + 17.0 * len(heading_lines)
        legend_h = 26.0 if scene.options.legend else 0.0
        width = max(layout.width, 480.0 if scene.options.legend else 0.0)
        height = top + layout.height + legend_h
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chaingrad" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" style="max-width:100%;height:auto" '
            f'font-family="{FONT}" font-size="12">',
            f"<style>{CSS}</style>",
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
        ]
        for n, line in enumerate(heading_lines):
            out.append(f'<text class="cg-heading" x="8" y="{20 + 17 * n}" font-size="13">{escape(line)}</text>')
        out.append(f'<g transform="translate(0,{top:.0f})">')
        out += self._edges(done, current)
        for k, (kind, i) in enumerate(self.nodes):
            x, y = layout.x[k], layout.y[k]
            w, h = self.size[k]
            if kind == "v":
                out.append(self._box(i, x, y, w, h, received, waiting, done, current))
            elif kind == "o":
                out.append(self._circle(i, x, y, w / 2, current))
            else:
                out.append(self._summary(x, y, w, h))
        out.append("</g>")
        if scene.options.legend:
            out.append(self._legend(top + layout.height + 4))
        out.append("</svg>")
        text = "\n".join(out)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text) if xml_declaration else text

    def _ends(self, a: int, b: int) -> tuple[float, float, float, float, float, float]:
        """Start, end and unit direction (along the rank axis) of the edge a -> b."""
        lay = self.layout
        horizontal = lay.direction in ("LR", "RL")
        sign = 1.0 if lay.direction in ("LR", "TB") else -1.0
        (wa, ha), (wb, hb) = self.size[a], self.size[b]
        if horizontal:
            sx, sy = lay.x[a] + sign * wa / 2, lay.y[a]
            ex, ey = lay.x[b] - sign * (wb / 2 + ARROW), lay.y[b]
            return sx, sy, ex, ey, sign, 0.0
        sx, sy = lay.x[a], lay.y[a] + sign * ha / 2
        ex, ey = lay.x[b], lay.y[b] - sign * (hb / 2 + ARROW)
        return sx, sy, ex, ey, 0.0, sign

    def _curve(self, a: int, b: int) -> tuple[tuple[float, float], ...]:
        """The four control points of the edge a -> b and its unit direction."""
        sx, sy, ex, ey, ux, uy = self._ends(a, b)
        bend = max(abs(ex - sx) * ux * ux + abs(ey - sy) * uy * uy, 12.0) / 2
        return (sx, sy), (sx + ux * bend, sy + uy * bend), (ex - ux * bend, ey - uy * bend), (ex, ey), (ux, uy)

    def _place_labels(self) -> dict[tuple[int, int], tuple[float, float, str] | None]:
        """Where the gradient label of each edge into an operation goes: ``(x, y, anchor)``
        at the first spot along the edge, from the parent's end, that overlaps no box and no
        label placed before; None when there is no such spot (a wide fan-in: the parents'
        grad rows and the step's panel show those numbers)."""
        walk = self.scene.walk
        taken = Boxes()
        for k in range(len(self.nodes)):
            taken.add(pad(self._node_box(k), 2.0))
        placed: dict[tuple[int, int], tuple[float, float, str] | None] = {}
        slots: dict[int, int] = {}
        for a, b in self.edges:
            kind_b, i = self.nodes[b]
            if kind_b != "o":
                continue
            k = slots.get(i, 0)
            slots[i] = k + 1
            if self.nodes[a][0] == "omitted":
                continue
            text = format_number(walk.steps[walk.step_of[i] - 1].flow[k])
            p0, p1, p2, p3, (ux, _) = self._curve(a, b)
            placed[(i, k)] = None
            for t in LABEL_SPOTS:
                bx, by = _bezier(t, p0, p1, p2, p3)
                sides = (
                    ((bx, by - 4, "middle"), (bx, by + 13, "middle"))
                    if ux
                    else ((bx + 5, by + 4, "start"), (bx - 5, by + 4, "end"))
                )
                for spot in sides:
                    box = _label_box(*spot, text)
                    if taken.free(box):
                        placed[(i, k)] = spot
                        taken.add(pad(box, 1.5))
                        break
                if placed[(i, k)] is not None:
                    break
        return placed

    def _node_box(self, k: int) -> tuple[float, float, float, float]:
        x, y = self.layout.x[k], self.layout.y[k]
        w, h = self.size[k]
        return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    def _edges(self, done: int, current: int | None) -> list[str]:
        scene, walk = self.scene, self.scene.walk
        out, labels = [], []  # the labels after every edge, so no edge runs over one
        slots: dict[int, int] = {}
        for a, b in self.edges:
            kind_b, i = self.nodes[b]
            (sx, sy), c1, c2, (ex, ey), (ux, uy) = self._curve(a, b)
            d = f"M{sx:.1f},{sy:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {ex:.1f},{ey:.1f}"
            tip = (ex + ux * ARROW, ey + uy * ARROW)
            px, py = -uy * ARROW / 2, ux * ARROW / 2
            arrow = f"{tip[0]:.1f},{tip[1]:.1f} {ex + px:.1f},{ey + py:.1f} {ex - px:.1f},{ey - py:.1f}"
            if kind_b == "o":
                k = slots.get(i, 0)
                slots[i] = k + 1
                eid, cls = f"e{i}-{k}", " cg-current" if i == current else ""
                dashed = ' stroke-dasharray="4 3"' if self.nodes[a][0] == "omitted" else ""
                out.append(f'<path id="{eid}" class="cg-edge{cls}" d="{d}" fill="none" stroke="{MUTED}"{dashed}/>')
                out.append(f'<polygon id="{eid}a" class="cg-edge{cls}" points="{arrow}" fill="{MUTED}"/>')
                if scene.backward and self.nodes[a][0] != "omitted":
                    step = walk.steps[walk.step_of[i] - 1]
                    shown = "visible" if scene.edge_done(i, done) else "hidden"
                    spot = self.labels.get((i, k))
                    # a label with no free spot keeps its id (the explorer looks it up) but is not drawn
                    mx, my, anchor = spot or (sx, sy, "start")
                    off = "" if spot else ' display="none"'
                    labels.append(
                        f'<text id="l{i}-{k}" x="{mx:.1f}" y="{my:.1f}" text-anchor="{anchor}" font-size="11" '
                        f'fill="{GRAD_COLOUR}" stroke="white" stroke-width="3" paint-order="stroke" '
                        f'visibility="{shown}"{off}>{escape(format_number(step.flow[k]))}</text>'
                    )
            else:
                cls = " cg-current" if self.nodes[a][1] == current else ""
                out.append(f'<path id="f{i}" class="cg-edge{cls}" d="{d}" fill="none" stroke="{MUTED}"/>')
                out.append(f'<polygon id="f{i}a" class="cg-edge{cls}" points="{arrow}" fill="{MUTED}"/>')
        return out + labels

    def _box(self, i, x, y, w, h, received, waiting, done, current) -> str:  # noqa: ANN001
        scene = self.scene
        kind = scene.kinds[i]
        fill, border = kind_colours(kind, i == scene.root)
        cls = "cg-value" + (" cg-current" if i == current else "")
        x0, y0 = x - w / 2, y - h / 2
        pen = 2.5 if i == scene.root else 1.2
        dash = ' stroke-dasharray="3 2"' if kind == "constant" else ""
        tip = kind + (" (output)" if i == scene.root else "")
        parts = [
            f'<g id="v{i}" class="{cls}"><title>{escape(tip)}</title>',
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" fill="{fill}" '
            f'stroke="{border}" stroke-width="{pen}"{dash}/>',
        ]
        if kind == "constant":
            parts.append(f'<text id="d{i}" x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11">')
            parts.append(f"{escape(scene.data_text(i))}</text></g>")
            return "".join(parts)
        left, right = x0 + 6, x0 + w - 6
        ty = y0 + PAD + 11
        for row in self._rows(i):
            if row == "title":
                parts.append(f'<text x="{left:.1f}" y="{ty:.1f}" font-weight="bold">{escape(scene.name(i))}</text>')
                if scene.backward and i in scene.walk.step_of:
                    k = scene.walk.step_of[i]
                    colour = GRAD_COLOUR if k <= done else MUTED
                    parts.append(
                        f'<text id="s{i}" x="{right:.1f}" y="{ty:.1f}" text-anchor="end" font-size="10" '
                        f'fill="{colour}" data-done="{int(k <= done)}">#{k}</text>'
                    )
            elif row == "data":
                parts.append(f'<text x="{left:.1f}" y="{ty:.1f}" font-size="10" fill="{MUTED}">data</text>')
                data = escape(scene.data_text(i))
                parts.append(f'<text id="d{i}" x="{right:.1f}" y="{ty:.1f}" text-anchor="end">{data}</text>')
            else:
                g = scene.grad_text(i, received, waiting)
                parts.append(f'<text x="{left:.1f}" y="{ty:.1f}" font-size="10" fill="{MUTED}">grad</text>')
                parts.append(self._grad(i, right, ty, g))
            ty += ROW
        parts.append("</g>")
        return "".join(parts)

    @staticmethod
    def _grad(i: int, right: float, ty: float, g: GradText) -> str:
        state = g.state
        colour = MUTED if state in ("unknown", "partial") else (GRAD_COLOUR if state == "known" else "#111827")
        weight = ' font-weight="bold"' if state == "known" else ""
        return (
            f'<text id="g{i}" x="{right:.1f}" y="{ty:.1f}" text-anchor="end" fill="{colour}"{weight} '
            f'data-state="{state}">{escape(g.shown)}</text>'
        )

    def _circle(self, i: int, x: float, y: float, r: float, current: int | None) -> str:
        prim = self.scene.walk.prims[i]
        assert prim is not None
        cls = "cg-op" + (" cg-current" if i == current else "")
        return (
            f'<g id="o{i}" class="{cls}"><title>{escape(prim.name)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{OP_FILL}" stroke="{OP_BORDER}"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="13">{escape(prim.symbol)}</text></g>'
        )

    def _summary(self, x: float, y: float, w: float, h: float) -> str:
        lines = self.scene.summary()
        parts = [
            f'<g id="omitted"><rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="#fff7ed" stroke="#9a3412"/>'
        ]
        for n, line in enumerate(lines):
            parts.append(
                f'<text x="{x - w / 2 + 8:.1f}" y="{y - h / 2 + PAD + 11 + ROW * n:.1f}">{escape(line)}</text>'
            )
        parts.append("</g>")
        return "".join(parts)

    def _legend(self, y: float) -> str:
        parts = ['<g class="cg-legend" font-size="10">']
        x = 8.0
        for kind, text in LEGEND:
            fill, border = COLOURS[kind]
            w = _w(text) * 0.85 + 10
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="17" rx="4" fill="{fill}" stroke="{border}"/>'
                f'<text x="{x + 5:.1f}" y="{y + 12:.1f}">{text}</text>'
            )
            x += w + 5
        if self.scene.backward:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y + 12:.1f}" fill="{GRAD_COLOUR}">{BACKWARD_NOTE}</text>'
            )
        parts.append("</g>")
        return "".join(parts)


def _bezier(t: float, *points: tuple[float, float]) -> tuple[float, float]:
    """The point at ``t`` of the cubic Bézier curve through four control points."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


LABEL_CHAR = CHAR * 11 / 12  # an edge label is drawn at 11 px
LABEL_SPOTS = (0.12, 0.2, 0.3, 0.42, 0.55, 0.7, 0.85)  # along an edge, from the parent's end


def _label_box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) an edge label of ``text`` at ``(x, y)`` with ``anchor`` covers."""
    w = len(text) * LABEL_CHAR
    x0 = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
    return (x0, y - 10.0, x0 + w, y + 3.0)
