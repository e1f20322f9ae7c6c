"""The run folder ``chaingrad demo`` and ``chaingrad train`` write: history.csv,
history.json, loss_accuracy.png, decision_boundary.png (2-D data), model.json (the
weights), graph.svg (one sample's graph, drawn without Graphviz) and run.json (the
settings and final figures), plus the one-line summaries the commands print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Value
from autograd.files import write_atomic

from ..history import History
from ..layers import MLP
from ..objectives import objective
from ..outputs import model_outputs
from ..plots import plot_decision_boundary, plot_history


def format_accuracy(acc: float | None) -> str:
    """``93.0%``, or "n/a (regression)" for None."""
    return "n/a (regression)" if acc is None else f"{100.0 * acc:.1f}%"


def summary(history: History, loss: float, acc: float | None) -> str:
    """The line printed after training: final loss and accuracy, epochs, time, why it stopped."""
    per = 1000.0 * history.seconds / max(history.epochs, 1)
    return (
        f"final: loss {loss:.4f}, accuracy {format_accuracy(acc)} after {history.epochs} epochs "
        f"({history.seconds:.1f} s, {per:.0f} ms per epoch; {history.stop_reason})"
    )


def draw_sample(model: MLP, X: np.ndarray, y: np.ndarray, loss: str, path: Path) -> str:
    """One sample's graph, forward and backward, drawn to ``path``; a note when it cannot be."""
    try:
        from autograd.viz import render
    except ImportError as e:
        return f"skipped graph.svg: the drawing module is not available ({e})"
    inputs = [Value(float(v), f"x{i + 1}") for i, v in enumerate(X[0])]
    out = model_outputs(model, inputs)
    target = y[0].item()
    sample_loss = objective(loss, len(out), y).per_sample(out, target)
    sample_loss.label = "loss"
    sample_loss.backward()
    try:
        render(sample_loss, path, format="svg", backward=True, params=model.parameters(), inputs=inputs, max_nodes=40)
    except Exception as e:  # a drawing failure must not lose the run
        return f"skipped {path.name}: {e}"
    finally:
        model.zero_grad()
    return ""


def write_run(
    out: str | Path,
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    history: History,
    loss: str,
    info: dict[str, Any],
) -> list[Path]:
    """Write the run folder; returns the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "history.csv", out / "history.json"]
    history.to_csv(written[0])
    history.to_json(written[1])
    written.append(plot_history(history, out / "loss_accuracy.png", title=info.get("title", "training")))
    if X.shape[1] == 2 and info.get("classification", True):
        written.append(plot_decision_boundary(model, X, y, out / "decision_boundary.png", loss=loss))
    else:
        d = X.shape[1]
        print(f"no decision_boundary.png: the data has {d} feature{'' if d == 1 else 's'}, a boundary is drawn for 2")
    written.append(model.save(out / "model.json"))
    note = draw_sample(model, X, y, loss, out / "graph.svg")
    if note:
        print(note)
    else:
        written.append(out / "graph.svg")
    info = {**info, "files": [p.name for p in written] + ["run.json"]}
    write_atomic(out / "run.json", json.dumps(info, indent=1) + "\n")
    written.append(out / "run.json")
    return written
