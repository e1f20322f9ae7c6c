"""What the playground shows, computed with numpy: the decision boundary and each hidden
neuron's output as RGBA images over the input plane, the points in the plane's unit
coordinates, the network as nodes and weighted edges, and curves thinned for drawing.

Everything here is plain data (bytes, lists, dicts of numbers and colour strings), so the
browser side only paints it and the tests read it without a browser. Images are row-major
with row 0 at the top of the picture (the highest x₂), four bytes per pixel.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .metrics import class_margins, predicted_classes
from .plots import CLASS_COLORS

NEGATIVE, POSITIVE = CLASS_COLORS[0], CLASS_COLORS[1]
"""Colours of negative and positive numbers (a neuron's output, a weight's sign)."""


def rgb(color: str) -> np.ndarray:
    """'#RRGGBB' as three floats 0..255."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def _paint(colors: np.ndarray, strength: np.ndarray) -> bytes:
    """RGBA bytes: white blended towards ``colors`` (…, 3) by ``strength`` (…) in [0, 1],
    rows flipped so that the highest x₂ comes first."""
    a = np.clip(strength, 0.0, 1.0)[..., None]
    pixels = 255.0 * (1.0 - a) + colors * a
    out = np.empty((*strength.shape, 4), dtype=np.uint8)
    out[..., :3] = np.round(pixels).astype(np.uint8)
    out[..., 3] = 255
    return out[::-1].tobytes()


def boundary_image(scores: np.ndarray, threshold: float) -> bytes:
    """The decision boundary as a heat map: each grid point (scores of shape (g, g, k))
    takes the colour of the class ``nn.metrics`` predicts there, stronger the surer the
    model is (tanh of the winning class's margin), pale near the boundary."""
    cls = predicted_classes(scores, threshold)
    margin = np.max(class_margins(scores, threshold), axis=-1)
    palette = np.array([rgb(c) for c in CLASS_COLORS])
    return _paint(palette[cls % len(palette)], 0.12 + 0.6 * np.tanh(np.maximum(margin, 0.0)))


def neuron_images(outputs: np.ndarray) -> bytes:
    """Each neuron's output over the plane (outputs of shape (g, g, n)) as n images, one
    after the other: white at 0, ``POSITIVE`` above, ``NEGATIVE`` below, the strength
    √(|output| / the neuron's largest |output| on the grid)."""
    pics = []
    pos, neg = rgb(POSITIVE), rgb(NEGATIVE)
    for j in range(outputs.shape[-1]):
        a = outputs[..., j]
        top = float(np.max(np.abs(a))) if a.size else 0.0
        s = a / top if top > 0 and math.isfinite(top) else np.zeros_like(a)
        colors = np.where((s >= 0)[..., None], pos, neg)
        pics.append(_paint(colors, np.sqrt(np.abs(s))))  # √ shows the shape of small outputs too
    return b"".join(pics)


def unit_points(X: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> list[list[float]]:
    """[u, v, class] per point: u from 0 (left, x₁ = lo) to 1, v from 0 (top, x₂ = hi) to 1."""
    span = np.where(hi > lo, hi - lo, 1.0)
    u = (X[:, 0] - lo[0]) / span[0]
    v = 1.0 - (X[:, 1] - lo[1]) / span[1]
    return [[round(a, 5), round(b, 5), int(c)] for a, b, c in zip(u.tolist(), v.tolist(), y.tolist())]


def network_diagram(model: Any) -> dict[str, Any]:
    """The MLP as a drawing in the unit square: ``nodes`` [x, y, layer, map] (map: the index
    of the hidden neuron's image, or -1 for inputs and outputs) and ``edges``
    [x1, y1, x2, y2, width, colour], width growing with |w| (largest weight 5 px) and the
    colour giving the weight's sign."""
    sizes = [model.nin, *[layer.nout for layer in model.layers]]
    columns = len(sizes)
    nodes: list[list[float]] = []
    where: list[list[tuple[float, float]]] = []
    image = 0
    for c, size in enumerate(sizes):
        x = (c + 0.5) / columns
        spots = [(x, (r + 0.5) / size) for r in range(size)]
        where.append(spots)
        hidden = 0 < c < columns - 1
        for sx, sy in spots:
            nodes.append([round(sx, 4), round(sy, 4), c, image if hidden else -1])
            image += 1 if hidden else 0
    weights = [[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in model.layers]
    finite = [abs(w) for layer in weights for row in layer for w in row if math.isfinite(w)]
    top = max(finite, default=0.0) or 1.0
    edges = []
    for c, layer in enumerate(weights):
        for j, row in enumerate(layer):
            x2, y2 = where[c + 1][j]
            for i, w in enumerate(row):
                x1, y1 = where[c][i]
                width = 0.4 + 4.6 * min(abs(w) / top, 1.0) if math.isfinite(w) else 0.4
                edges.append(
                    [
                        round(x1, 4),
                        round(y1, 4),
                        round(x2, 4),
                        round(y2, 4),
                        round(width, 2),
                        POSITIVE if w >= 0 else NEGATIVE,
                    ]
                )
    return {"sizes": sizes, "nodes": nodes, "edges": edges}


def thin(n: int, at_most: int = 400) -> list[int]:
    """Indices 0..n-1 of every k-th epoch and the last, at most about ``at_most`` of them, so a
    long curve stays cheap to send and draw."""
    step = max(1, math.ceil(n / at_most))
    keep = list(range(0, n, step))
    if n and keep[-1] != n - 1:
        keep.append(n - 1)
    return keep


def series(values: Sequence[float | None], keep: Sequence[int]) -> list[float | None]:
    """``values`` at the indices ``keep``; nan, inf and None become None (a gap)."""
    out: list[float | None] = []
    for i in keep:
        v = values[i] if i < len(values) else None
        out.append(float(v) if v is not None and math.isfinite(v) else None)
    return out


def summary_line(history: Any, test_loss: Sequence[float], test_accuracy: Sequence[float | None]) -> str:
    """One line: epoch, train and test loss and accuracy, the learning rate."""
    h = history
    if not h.epochs:
        return "epoch 0"
    parts = [f"epoch {h.epochs}", f"train loss {h.loss[-1]:.4g}"]
    if h.accuracy[-1] is not None:
        parts.append(f"accuracy {h.accuracy[-1]:.1%}")
    if test_loss:
        parts.append(f"test loss {test_loss[-1]:.4g}")
        if test_accuracy[-1] is not None:
            parts.append(f"accuracy {test_accuracy[-1]:.1%}")
    parts.append(f"lr {h.lr[-1]:.3g}")
    return ", ".join(parts)


def snapshot_png(boundary: bytes, points: dict[str, Any], view: dict[str, Any]) -> bytes:
    """A still picture of the playground as PNG bytes (matplotlib's object API, no pyplot):
    the boundary with the train (●) and test (▲) points, and the loss and accuracy curves.
    What a page without the live widget shows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.5, 3.4))
    FigureCanvasAgg(fig)
    ax_map, ax_loss, ax_acc = fig.subplots(1, 3)
    g, (x0, x1, y0, y1) = view.get("grid", 0), points.get("extent", (0, 1, 0, 1))
    if g and len(boundary) == g * g * 4:
        ax_map.imshow(
            np.frombuffer(boundary, dtype=np.uint8).reshape(g, g, 4), extent=(x0, x1, y0, y1), interpolation="bilinear"
        )
    colors = points.get("colors", CLASS_COLORS)
    for kind, marker in (("train", "o"), ("test", "^")):
        pts = np.array(points.get(kind) or np.zeros((0, 3)), dtype=float).reshape(-1, 3)
        xs, ys = x0 + pts[:, 0] * (x1 - x0), y1 - pts[:, 1] * (y1 - y0)
        ax_map.scatter(xs, ys, c=[colors[int(c) % len(colors)] for c in pts[:, 2]], marker=marker, s=18,
                       edgecolors="k" if kind == "train" else "w", linewidths=0.5)  # fmt: skip
    ax_map.set_title("decision boundary")
    curves = view.get("curves", {})
    epochs = curves.get("epoch", [])
    for ax, name in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        for part, style in (("train", "-"), ("test", "--")):
            values = [math.nan if v is None else v for v in curves.get(f"{part}_{name}", [])]
            if values and len(values) == len(epochs):
                ax.plot(epochs, values, style, label=part)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(view.get("summary", ""), fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return buf.getvalue()
