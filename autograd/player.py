"""The step-through of a backward pass as data, and as one self-contained HTML file.

``payload(scene)`` is everything the explorer's front end (``assets/stepper.js``) shows:
the SVG drawing before the walk, and for each step the node it processes, the chain rule
in words and numbers (``autograd.explain``) and the gradient texts it changes (before and
after, so the front end can step both ways). The Jupyter widget (``autograd.explorer``)
and the HTML player send the same payload to the same script.

``save_player(root, path)`` writes the player: one HTML file with the drawing, the steps,
the script and its style inline; it opens from disk with no network. ``player_html``
gives the same page as text, ``player_fragment`` a piece of it for a page that holds
several (the explorer's output in a notebook exported without a kernel).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from .drawing import DrawOptions, Scene
from .explain import step_text
from .files import PathLike, write_atomic
from .steps import Walk
from .svg import SvgDrawing
from .value import Value

__all__ = ["payload", "player_fragment", "player_html", "save_player", "asset", "step_options"]

# Numbers the fragments made by this process: two players of the same data (a notebook's
# explore(L) and explore(L, predict=True)) still get their own element ids, and a notebook run
# from the top numbers them the same way every time (the site's pages do not change by themselves).
_FRAGMENTS = itertools.count(1)


def asset(name: str) -> str:
    """The text of a file of ``autograd/assets`` (the front end's script and style)."""
    return (resources.files("autograd") / "assets" / name).read_text(encoding="utf-8")


def _display(scene: Scene, j: int, total: float, waiting: int) -> tuple[str, str]:
    """The grad text of Value j with ``waiting`` contributions still to come, as the SVG shows it."""
    g = scene.grad_at(j, total, waiting)
    return g.shown, g.state


def step_options(options: DrawOptions | None = None, **opts: Any) -> DrawOptions:
    """The drawing options of a step-through (the explorer, the player): always the backward
    pass. Given ``options`` are used as they are (their ``auto_label`` included); without
    them, unlabelled intermediate values are named t1, t2, ... unless ``auto_label=False``.
    Keywords override both."""
    defaults = {"auto_label": True} if options is None else {}
    return DrawOptions.of(options, **{**defaults, **opts, "backward": True})


def payload(scene: Scene, leaves: list[dict[str, Any]] | None = None, predict: bool = False) -> dict[str, Any]:
    """The explorer's data for ``scene`` (a backward Scene): SVG, steps, texts."""
    walk = scene.walk
    steps = []
    for step in walk.steps:
        sets = []
        for slot, j in enumerate(step.parents):
            if not scene.keep[j] or scene.kinds[j] == "constant":
                continue
            before = _display(scene, j, step.before[slot], step.remaining[slot] + 1)
            after = _display(scene, j, step.after[slot], step.remaining[slot])
            sets.append([j, *before, *after])
        steps.append(
            {
                "node": step.node,
                "nparents": len(step.parents),
                "sets": sets,
                "text": step_text(scene, step.number),
            }
        )
    return {
        "svg": SvgDrawing(scene).svg(0, heading=False),
        "intro": step_text(scene, 0),
        "steps": steps,
        "leaves": leaves or [],
        "predict": predict,
    }


def _script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def player_fragment(data: dict[str, Any]) -> str:
    """A <div> that plays ``data`` (a payload), with its script and style inline; several
    can share one page, even of the same data: each fragment's element ids are its own (the
    data's hash and the fragment's number in this process)."""
    text = _script_json(data)
    token = f"cg{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}-{next(_FRAGMENTS)}"
    boot = asset("player.js").replace("__DATA_ID__", token + "-data").replace("__HOST_ID__", token)
    return (
        f'<div class="chaingrad-player"><style>{asset("stepper.css")}</style>'
        f'<script type="application/json" id="{token}-data">{text}</script>'
        f'<div id="{token}"></div>'
        f'<script type="module">{asset("stepper.js")}{boot}</script></div>'
    )


def player_html(root: Value, title: str | None = None, options: DrawOptions | None = None, **opts: Any) -> str:
    """The player of ``root``'s backward pass as one HTML page (text)."""
    options = step_options(options, **opts)
    scene = Scene(Walk.of(root), options)
    heading = title or options.title or "backward pass, step by step"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title>"
        "<style>body{margin:16px auto;max-width:1100px;padding:0 12px;font-family:Helvetica,Arial,sans-serif}"
        "h1{font-size:18px;font-weight:normal}</style></head><body>"
        f"<h1>{escape(heading)}</h1>"
        "<p>Step through the backward pass with the buttons (first, back, forward, last, play) or the arrow keys. "
        "The red node is the one being processed; the panel shows its chain rule with the numbers.</p>"
        f"{player_fragment(payload(scene))}</body></html>\n"
    )


def save_player(
    root: Value, path: PathLike, title: str | None = None, options: DrawOptions | None = None, **opts: Any
) -> Path:
    """Write the step-through of ``root``'s backward pass to ``path`` as one HTML file (no
    network needed to open it); ``opts`` are drawing options. Returns the path."""
    html = player_html(root, title, options, **opts)
    return write_atomic(path, html)
