"""The ``chaingrad draw`` subcommand: a formula in, a drawing of its graph out.

    chaingrad draw "z = w*x + b; y = sigmoid(z); L = (y - t)**2 / 2" \\
        --set w=2 --set x=-1 --set b=0.5 --set t=1 --backward --auto-label --out graph.svg

The formula is parsed by ``autograd.expr`` (an ``ast`` whitelist, never ``eval``); each
``--set NAME=NUMBER`` becomes a leaf Value labelled NAME. The output format follows the
``--out`` extension: .svg (drawn by chaingrad), .dot or .gv (DOT text), .png or .pdf
(these two need Graphviz's ``dot``). ``--frames DIR`` also writes one SVG per backward step;
``--html PATH`` writes the interactive step-through of the backward pass as one HTML file
(``autograd.viz.save_player``; it opens from disk, no network).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from autograd.backprop import grad, topological_order
from autograd.drawing import DIRECTIONS
from autograd.expr import ExpressionError, normalize_name, parse_expression
from autograd.value import Value
from autograd.viz import (
    DEFAULT_MAX_NODES,
    FORMATS,
    backward_steps,
    draw_graph,
    format_number,
    save_frames,
    save_player,
    write_graph,
)

from .arguments import positive_int
from .errors import InputError, UsageError

MAX_FRAMES = 40
"""Frames ``--frames`` writes unless ``--max-frames`` says otherwise: each one draws the whole
graph, so a formula of 79 operations would write 79 drawings of 79 operations (14 MB)."""
VALUE_OPTIONS = ("--set", "--params", "--frames", "--max-frames", "--out", "--html", "--rankdir", "--max-nodes")


def shield_formula(argv: list[str]) -> list[str]:
    """``argv`` of ``chaingrad draw`` with a formula that starts with a minus sign (``-x + 1``)
    kept from being read as an option: argparse takes every word that starts with ``-`` for
    one, but not a word that starts with a space, and ``run`` strips the formula."""
    out = list(argv)
    for i in range(1, len(out)):
        word, before = out[i], out[i - 1]
        if word == "--":
            break
        if word.startswith("-") and not word.startswith("--") and word != "-h" and before not in VALUE_OPTIONS:
            out[i] = " " + word
            break
    return out


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "draw" parser to ``subparsers``; it runs ``run``."""
    p = subparsers.add_parser(
        "draw",
        help="draw the computation graph of a formula (forward or backward)",
        description=(
            "Draw the computation graph of a formula. Allowed: numbers, names given with --set, "
            "+ - * / **, unary minus, exp log tanh sigmoid relu abs, and assignments 'name = formula' "
            "separated by ';' to name intermediate values. The formula is parsed, never executed."
        ),
    )
    p.add_argument("expr", metavar="EXPR", help='the formula, e.g. "sigmoid(w*x + b)"')
    p.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="give a name its value (repeat for each name)",
    )
    p.add_argument(
        "--params",
        default=None,
        metavar="NAMES",
        help="comma-separated names drawn as parameters, the others as inputs "
        "(default: w, b, weight, bias, theta and their numbered forms are parameters)",
    )
    p.add_argument("--backward", action="store_true", help="draw the backward pass: gradients on edges, step numbers")
    p.add_argument("--auto-label", action="store_true", help="name unlabelled intermediate values t1, t2, ...")
    p.add_argument("--frames", metavar="DIR", default=None, help="also write one SVG per backward step into DIR")
    p.add_argument(
        "--max-frames",
        type=positive_int,
        default=MAX_FRAMES,
        help=f"write at most this many frames (default {MAX_FRAMES}; each frame draws the whole graph)",
    )
    p.add_argument(
        "--out",
        default=None,
        help="output file: .svg, .png, .pdf, .dot or .gv (default graph.svg, or none when --html is given)",
    )
    p.add_argument(
        "--html",
        metavar="PATH",
        default=None,
        help="write the step-through of the backward pass as one HTML file (opens offline in a browser)",
    )
    p.add_argument(
        "--rankdir",
        choices=DIRECTIONS,
        default="auto",
        help="layout direction (default auto: the one that fits a page best)",
    )
    p.add_argument(
        "--max-nodes",
        type=positive_int,
        default=DEFAULT_MAX_NODES,
        help=f"draw a summary past this many values (default {DEFAULT_MAX_NODES})",
    )
    p.set_defaults(func=run)
    return p


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["w=2", "x=-1"]`` -> ``{"w": 2.0, "x": -1.0}``; a UsageError names a bad item.

    Names are kept in the NFKC form in which the formula's parser reads them (``µ``, the
    micro sign, is the Greek ``μ``), so each is found under the name the formula uses."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise UsageError(f"--set {item!r}: expected NAME=NUMBER, e.g. --set w=2")
        if not name.isidentifier():
            raise UsageError(f"--set {item!r}: {name!r} is not a valid name")
        name = normalize_name(name)
        try:
            number = float(text)
        except ValueError:
            raise UsageError(f"--set {item!r}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise UsageError(f"--set {item!r}: the value must be a finite number")
        if name in values:
            raise UsageError(f"--set {name} is given twice")
        values[name] = number
    return values


def run(args: argparse.Namespace) -> int:
    """Draw ``args.expr``; returns 0. A rejected formula or option is a UsageError, a
    drawing that cannot be rendered or written an InputError."""
    out = Path(args.out) if args.out is not None else (None if args.html else Path("graph.svg"))
    fmt = out.suffix.lower().lstrip(".") if out is not None else ""
    if out is not None and fmt not in FORMATS:
        raise UsageError(f"--out {args.out!r}: the extension must be one of {', '.join('.' + f for f in FORMATS)}")
    html = Path(args.html) if args.html else None
    if html is not None and html.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--html {args.html!r}: the player is an HTML file, give a path ending in .html")
    values = parse_assignments(args.assignments)
    try:
        root, names = parse_expression(args.expr.strip(), values)
    except ExpressionError as exc:
        if not exc.missing:
            raise UsageError(str(exc)) from exc
        names_have = f"name{'s have' if len(exc.missing) > 1 else ' has'} no value: {', '.join(exc.missing)}"
        raise UsageError(f"the {names_have} (give each one with --set, e.g. --set {exc.missing[0]}=1.0)") from exc

    params: list[Value] | None = None
    if args.params is not None:
        wanted = [normalize_name(n.strip()) for n in args.params.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in values]
        if unknown:
            raise UsageError(f"--params names values not given with --set: {', '.join(unknown)}")
        params = [names[n] for n in wanted]
    unused = [n for n in values if n not in _used_names(root)]
    if unused:
        print(f"note: {', '.join(unused)} {'is' if len(unused) == 1 else 'are'} set but not used", file=sys.stderr)

    options = {
        "auto_label": args.auto_label,
        "rankdir": args.rankdir,
        "max_nodes": args.max_nodes,
        "params": params,
        "inputs": [names[n] for n in values] if params is not None else None,
        "title": _title(args.expr),
    }
    try:
        if out is not None:
            write_graph(draw_graph(root, backward=args.backward, **options), out, fmt)
        if html is not None:
            save_player(root, html, **options)
        frames = []
        if args.frames:
            steps = backward_steps(root)
            if steps > args.max_frames:
                print(
                    f"warning: the backward pass has {steps} steps; writing the first {args.max_frames} frames "
                    "(--max-frames N for more)",
                    file=sys.stderr,
                )
            frames = save_frames(root, args.frames, format="svg", limit=args.max_frames, **options)
    except RuntimeError as exc:  # Graphviz missing or failing for PNG/PDF: the message says what to do
        raise InputError(str(exc)) from exc
    except OSError as exc:
        raise InputError(f"cannot write {exc.filename or args.out or args.html}: {exc.strerror or exc}") from exc

    name = root.label or "result"
    print(f"{name} = {format_number(root.data)}")
    if args.backward:
        for n in values:
            if n not in unused:
                print(f"d{name}/d{n} = {format_number(_gradient(root, names[n]))}")
    steps = backward_steps(root)
    if out is not None:
        print(f"wrote {out} ({_count(steps, 'operation')})")
    if html is not None:
        print(f"wrote {html} (step through {_count(steps, 'backward step')} in a browser)")
    if args.frames:
        print(f"wrote {_count(len(frames), 'frame')} to {args.frames}")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _used_names(root: Value) -> set[str]:
    return {v.label for v in topological_order(root) if v.is_leaf and v.label}


def _gradient(root: Value, leaf: Value) -> float:
    return float(grad(root, [leaf])[0])


def _title(expr: str) -> str:
    text = " ".join(expr.split())
    return text if len(text) <= 120 else text[:119] + "…"
