"""Pictures of a training run, saved as PNG files: loss and accuracy curves from a History,
and the decision boundary of a model on 2-D data.

Figures are drawn with matplotlib's object API on an Agg canvas, never through pyplot's
global state, so nothing here opens a window or changes the backend of a notebook.
matplotlib is imported by the functions that draw, not with this module: the grids and
predictions here, and every command that does not plot, start without it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import no_grad
from autograd.checks import count, real
from autograd.files import PathLike, write_atomic

from .metrics import class_margins, predicted_classes, threshold_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# colour-blind-friendly class colours (Okabe-Ito)
CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _save(fig: Figure, path: PathLike) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return write_atomic(path, buf.getvalue())


def _series(history: Any, name: str) -> list[float]:
    values = getattr(history, name, None)
    if values is None and isinstance(history, dict):
        values = history.get(name)
    return [math.nan if v is None else float(v) for v in (values or [])]


def plot_history(history: Any, path: PathLike, title: str = "training") -> Path:
    """Loss (left, log scale when positive) and accuracy (right) per epoch, saved to ``path``.

    ``history`` is a ``nn.train.History`` or a dict with lists ``loss`` and ``accuracy``.
    Without accuracies (regression) the right panel shows the learning rate instead.
    """
    loss = _series(history, "loss")
    if not loss:
        raise ValueError(f"plot_history needs a history with at least one epoch, got {len(loss)} epochs")
    acc = _series(history, "accuracy")
    epochs = np.arange(1, len(loss) + 1)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.6))
    ax_loss, ax_right = fig.subplots(1, 2)
    ax_loss.plot(epochs, loss, color=CLASS_COLORS[0])
    if all(v > 0 for v in loss if not math.isnan(v)):
        ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("loss")
    ax_loss.grid(True, alpha=0.3)
    if acc and not all(math.isnan(v) for v in acc):
        ax_right.plot(epochs[: len(acc)], [100.0 * v for v in acc], color=CLASS_COLORS[1])
        ax_right.set_ylabel("accuracy (%)")
        ax_right.set_ylim(-2, 102)
        ax_right.set_title("accuracy")
    else:
        lr = _series(history, "lr")
        ax_right.plot(epochs[: len(lr)], lr, color=CLASS_COLORS[2])
        ax_right.set_ylabel("learning rate")
        ax_right.set_title("learning rate")
    ax_right.set_xlabel("epoch")
    ax_right.grid(True, alpha=0.3)
    fig.suptitle(title)
    # fixed margins that fit these labels: tight_layout measures every text first, which
    # took longer than drawing the figure
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.84, wspace=0.25)
    return _save(fig, path)


def plane_grid(X: np.ndarray, resolution: int = 60, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """``(xx, yy)``: a resolution × resolution grid over the box of the 2-D data ``X`` widened by
    ``margin`` on every side (row 0 at the lowest x₂), where boundaries and maps are drawn."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"a decision boundary needs 2-D inputs, got data of shape {X.shape}")
    resolution = count(resolution, "resolution", "grid_scores", at_least=2)
    margin = real(margin, "margin", "grid_scores", at_least=0.0)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    return xx, yy


def grid_scores(
    model: Callable[[Any], Sequence[Any]], X: np.ndarray, resolution: int = 60, margin: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's outputs on a resolution × resolution grid covering the data (plus
    ``margin`` on every side): ``(xx, yy, scores)`` with scores of shape
    (resolution, resolution, n_outputs). Evaluated under ``no_grad``: no graph is kept."""
    xx, yy = plane_grid(X, resolution, margin)
    points = np.column_stack([xx.ravel(), yy.ravel()]).tolist()
    with no_grad():
        scores = np.array([[float(s) for s in _as_list(model(p))] for p in points])
    return xx, yy, scores.reshape(resolution, resolution, -1)


def _as_list(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def grid_predictions(
    model: Callable[[Any], Sequence[Any]],
    X: np.ndarray,
    resolution: int = 60,
    margin: float = 0.5,
    loss: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's predicted class on the grid of ``grid_scores``: ``(xx, yy, classes)``, by
    the one rule of ``nn.metrics``: several outputs take the argmax; one output says class
    1 where the score is above the threshold of ``loss`` (0.5 for "mse", else 0)."""
    xx, yy, scores = grid_scores(model, X, resolution, margin)
    return xx, yy, predicted_classes(scores, threshold_of(loss))


def plot_decision_boundary(
    model: Callable[[Any], Sequence[Any]],
    X: np.ndarray,
    y: np.ndarray,
    path: PathLike,
    resolution: int = 60,
    title: str = "decision boundary",
    loss: str | None = None,
) -> Path:
    """Filled regions of the model's predicted class over the plane, the boundaries as
    lines, and the samples on top coloured by their true class, saved to ``path``.
    ``X`` must have two columns. The classes follow the one rule of ``nn.metrics``: a
    one-output model says class 1 where its score is above the threshold of ``loss`` (0.5
    for "mse", else 0), a model with several outputs predicts the argmax. The regions are
    contoured from each class's margin (``class_margins``), which interpolates between
    grid points, so boundaries come out smooth at a modest resolution."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    xx, yy, scores = grid_scores(model, X, resolution=resolution)
    margins = class_margins(scores, threshold_of(loss))
    n_classes = max(int(y.max()) + 1 if len(y) else 0, margins.shape[-1])
    colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(n_classes)]
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    cmap = ListedColormap(colors)
    fig = Figure(figsize=(5.5, 5))
    ax = fig.subplots()
    for k in range(margins.shape[-1]):
        m = margins[..., k]
        if m.max() > 0:
            ax.contourf(xx, yy, m, levels=[0.0, max(float(m.max()), 1e-12)], colors=[colors[k]], alpha=0.3)
        if m.min() < 0 < m.max():
            ax.contour(xx, yy, m, levels=[0.0], colors="#333333", linewidths=1.0)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=n_classes - 0.5, s=22, edgecolors="k", linewidths=0.5)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)
