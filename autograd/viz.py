"""Seeing a computation graph and its backward pass: the public drawing functions.

``draw_graph(root)`` returns a ``Drawing``: one rounded box per Value (its label, data and
grad) and one small circle per primitive (the symbol from the primitive table), edges in
the order of each node's parents. It shows itself in Jupyter as SVG drawn by chaingrad
(``autograd.svg``, no Graphviz needed, scaled to the width of the page), and gives its
Graphviz DOT text as ``.source``. ``draw_graph(root, backward=True)`` labels every edge
with the gradient flowing back along it and numbers the nodes in the order the backward
walk visits them; ``backward_frames(root)`` gives one drawing per step of that walk.
``render`` writes SVG (always), DOT text (always), PNG or PDF (these two need Graphviz's
``dot``). ``explore(root)`` is the interactive step-through in Jupyter
(``autograd.explorer``), ``save_player(root, path)`` the same as one HTML file
(``autograd.player``).

Every option is a field of ``DrawOptions`` (``autograd.drawing``, where the kinds of Value
and their colours are explained); the functions here take them as keywords. Everything is
deterministic (nodes are named by topological position) and iterative (a 100,000-node
chain is fine). Graphs with more than ``max_nodes`` Values are drawn as the root's
neighbourhood plus one box counting, by primitive, what was left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .checks import count
from .dot import dot_source
from .drawing import DEFAULT_MAX_NODES, DrawOptions, Scene, classify, format_number
from .files import PathLike, write_atomic
from .player import save_player
from .steps import Walk
from .svg import SvgDrawing
from .value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "GRAPHVIZ_HINT",
    "DrawOptions",
    "Drawing",
    "draw_graph",
    "backward_frames",
    "backward_steps",
    "save_frames",
    "render",
    "write_graph",
    "pipe",
    "format_number",
    "classify",
    "explore",
    "save_player",
]

GRAPHVIZ_HINT = (
    "Graphviz's `dot` program is needed for PNG and PDF files and was not found on PATH "
    "(SVG and DOT files need no Graphviz: use a .svg or .dot file). "
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), `conda install -c conda-forge graphviz`, or see https://graphviz.org/download/."
)

FORMATS = ("svg", "png", "pdf", "dot", "gv")


class Drawing:
    """One drawing of a graph: ``.svg()`` (chaingrad's own SVG), ``.source`` (DOT text),
    ``.save(path)``; Jupyter shows it as SVG. Frames of one walk share one layout."""

    def __init__(self, scene: Scene, step: int | None, layout: SvgDrawing | None = None) -> None:
        self.scene = scene
        self.step = step
        self._layout = layout

    @property
    def layout(self) -> SvgDrawing:
        if self._layout is None:
            self._layout = SvgDrawing(self.scene)
        return self._layout

    @property
    def source(self) -> str:
        """The Graphviz DOT text (``rankdir="auto"`` is left to right in DOT)."""
        rankdir = self.scene.options.rankdir
        return dot_source(self.scene, self.step, "LR" if rankdir == "auto" else rankdir)

    def svg(self, xml_declaration: bool = False) -> str:
        """The drawing as SVG text (viewBox, width 100%: it fits its container)."""
        return self.layout.svg(self.step, xml_declaration)

    def pipe(self, format: str = "svg") -> bytes:
        """The drawing as the bytes of a file of ``format`` (svg, dot/gv, png or pdf)."""
        fmt = _check_format(format)
        if fmt == "svg":
            return self.svg(xml_declaration=True).encode("utf-8")
        return pipe_source(self.source, fmt)

    def save(self, path: PathLike, format: str | None = None) -> Path:
        """Write the drawing to ``path`` (format from the suffix unless given)."""
        return write_graph(self, path, format)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, Any]:
        return {"image/svg+xml": self.svg(), "text/plain": f"<chaingrad drawing of {len(self.scene.order)} values>"}


def _scene(root: Value, options: DrawOptions) -> Scene:
    return Scene(Walk.of(root), options)  # graph_order refuses a root that is not a Value


def draw_graph(root: Value, *, step: int | None = None, options: DrawOptions | None = None, **opts: Any) -> Drawing:
    """The computation graph that produced ``root``, as a ``Drawing``.

    Options (``DrawOptions`` fields, as keywords or as ``options=``): ``backward=True``
    shows the backward pass: each Value shows d(root)/d(value) as its grad and its step
    number in the walk (``#1`` is the root), and each edge is labelled with the gradient
    flowing back along it (the primitive's vjp: local derivative times upstream gradient).
    These gradients are computed for the drawing with the primitive table and equal
    ``autograd.grad``; no ``.grad`` is changed. Without ``backward``, grad shows each
    Value's ``.grad`` as it is, and nothing when no backward pass has reached the graph.

    ``step=k`` (with backward) draws the walk after its k-th step: the node visited at step
    k is outlined in red, later edges are blank and sums still waiting for contributions are
    marked "so far". ``auto_label=True`` names unlabelled interior nodes t1, t2, ...;
    ``params``/``inputs`` classify leaves; ``max_nodes=None`` never summarises;
    ``rankdir`` is "auto" (chosen to fit), LR, RL, TB or BT.
    """
    options = DrawOptions.of(options, **opts)
    scene = _scene(root, options)
    if step is not None:
        if not options.backward:
            raise ValueError("draw_graph: step= needs backward=True")
        step = count(step, "step", "draw_graph", at_least=1)
        total = len(scene.walk.steps)
        if step > total:
            raise ValueError(f"draw_graph: step must be between 1 and {total} (the backward steps), got {step}")
    return Drawing(scene, step)


def backward_steps(root: Value) -> int:
    """How many steps the backward walk from ``root`` takes (one per interior node)."""
    return len(Walk.of(root).steps)


def backward_frames(root: Value, *, options: DrawOptions | None = None, **opts: Any) -> Iterator[Drawing]:
    """One drawing per step of the backward walk, in order: frame k is ``draw_graph(root,
    backward=True, step=k)`` (the node just visited outlined in red, gradients filled in so
    far). The walk and the layout are computed once for all frames; no ``.grad`` changes."""
    yield from _frames(_scene(root, DrawOptions.of(options, **opts, backward=True)))


def _frames(scene: Scene) -> Iterator[Drawing]:
    layout: SvgDrawing | None = None
    for k in range(1, len(scene.walk.steps) + 1):
        frame = Drawing(scene, k, layout)
        yield frame
        layout = frame._layout  # reuse the layout if this frame computed it


def save_frames(
    root: Value,
    directory: PathLike,
    format: str = "svg",
    prefix: str = "step",
    limit: int | None = None,
    **opts: Any,
) -> list[Path]:
    """Write each backward frame to ``directory/step_001.svg``, ``step_002.svg``, ...
    (numbered with as many digits as needed, at least 3) and return the paths in order;
    ``limit``: only the first ``limit`` frames."""
    fmt = _check_format(format)
    if limit is not None:
        limit = count(limit, "limit", "save_frames")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    scene = _scene(root, DrawOptions.of(opts.pop("options", None), **opts, backward=True))
    width = max(3, len(str(len(scene.walk.steps))))
    paths = []
    for k, frame in enumerate(itertools.islice(_frames(scene), limit), start=1):
        paths.append(write_graph(frame, directory / f"{prefix}_{k:0{width}d}.{fmt}", fmt))
    return paths


def _check_format(fmt: str) -> str:
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown drawing format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt


def pipe_source(source: str, fmt: str) -> bytes:
    """DOT text rendered by Graphviz's ``dot`` as ``fmt``; a missing ``dot`` is a
    RuntimeError that says how to install Graphviz (or to write SVG instead)."""
    fmt = _check_format(fmt)
    if fmt in ("dot", "gv"):
        return source.encode("utf-8")
    import graphviz

    try:
        return graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise RuntimeError(GRAPHVIZ_HINT) from exc
    except graphviz.CalledProcessError as exc:
        raise RuntimeError(f"Graphviz failed to render the drawing as {fmt}: {exc}") from exc


def pipe(graph: Any, fmt: str) -> bytes:
    """A drawing (or anything with DOT ``.source``) as the bytes of a ``fmt`` file."""
    if isinstance(graph, Drawing):
        return graph.pipe(fmt)
    return pipe_source(graph.source, fmt)


def write_graph(graph: Any, path: PathLike, format: str | None = None) -> Path:
    """Write ``graph`` to ``path`` (format from the suffix unless given): rendered first,
    then written to a temporary file in the same folder and moved into place, so a failed
    render never leaves half a file."""
    path = Path(path)
    fmt = _check_format(format or path.suffix or "svg")
    return write_atomic(path, pipe(graph, fmt))


def render(root: Value, path: PathLike, format: str | None = None, **opts: Any) -> Path:
    """Draw ``root`` (``opts`` are drawing options) and write it to ``path`` as svg, DOT
    text (dot/gv), png or pdf; the format defaults to the path's suffix, else svg."""
    return write_graph(draw_graph(root, **opts), path, format)


def mimebundle(root: Value, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    """What Jupyter shows for a Value: the SVG drawing of its graph, and its repr."""
    bundle = draw_graph(root)._repr_mimebundle_(include, exclude)
    bundle["text/plain"] = repr(root)
    return bundle


def explore(root: Value, *, predict: bool = False, **opts: Any) -> Any:
    """The interactive step-through of ``root``'s backward pass in Jupyter (an
    ``autograd.explorer.Explorer`` widget; see there). Needs the ``anywidget`` package."""
    from .explorer import Explorer

    return Explorer(root, predict=predict, **opts)
