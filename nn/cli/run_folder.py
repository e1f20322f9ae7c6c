"""The run folder ``chaingrad demo`` and ``chaingrad train`` write: model.json (the
weights), run.json (the settings, the data and its split, the final figures, the files),
history.csv, history.json, loss_accuracy.png, decision_boundary.png (2-D data) and graph.svg
(one sample's graph, drawn without Graphviz); ``check_out`` checks the folder before training, ``read_run`` reads
run.json back for ``chaingrad evaluate``; and the one-line summaries the commands print."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
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
from ..userfiles import read_user_text
from .errors import InputError, UsageError


def format_accuracy(acc: float | None) -> str:
    """``93.0%``, or "n/a (regression)" for None."""
    return "n/a (regression)" if acc is None else f"{100.0 * acc:.1f}%"


def summary(history: History, loss: float, acc: float | None) -> str:
    """The line printed after training: final loss and accuracy, epochs, time, why it stopped."""
    per = 1000.0 * history.seconds / max(history.epochs, 1)
    return (
        f"final: loss {loss:.4f}, accuracy {format_accuracy(acc)} after {history.epochs} epochs "
        f"({_duration(history.seconds)} s, {_duration(per)} ms per epoch; {history.stop_reason})"
    )


def _duration(x: float) -> str:
    """A time in whole units from 10 on, else to two significant digits: a compiled run's
    fraction of a millisecond shows, not "0"."""
    return f"{x:.0f}" if x >= 10 else f"{x:.2g}"


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


RUN_FILES = (
    "model.json",
    "run.json",
    "history.csv",
    "history.json",
    "loss_accuracy.png",
    "decision_boundary.png",
    "graph.svg",
)
"""Every file a run folder may hold, in the order they are moved into it: the weights and the
record of the run first, so a failure later (a full disk) loses only plots."""


def check_out(out: str | Path) -> Path:
    """``--out`` checked before any training: a folder, or a path where one can be made, in
    a place that can be written. A UsageError names what is in the way."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: a file of that name exists; the run folder must be a folder")
    base = out
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise UsageError(f"--out {out}: {base} is a file, so no folder can be made under it")
    try:
        with tempfile.TemporaryFile(dir=base):
            pass
    except OSError as e:
        raise UsageError(f"--out {out}: cannot write in {base} ({e.strerror or e})") from e
    return out


def write_run(
    out: str | Path,
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    history: History,
    loss: str,
    info: dict[str, Any],
) -> list[Path]:
    """Write the run folder; returns the files written.

    model.json is written first, then the history, the plots and the drawing (one that
    cannot be written is reported and skipped), then run.json, once, listing them. Everything
    goes to a fresh folder beside ``out`` and is moved in once written (model.json and
    run.json first), so a run that fails before its model is saved leaves an earlier run in
    ``out`` as it was; files of an earlier run that this one does not write are removed, so
    the folder never mixes two runs. A failure to write model.json or run.json is an
    InputError.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name or 'run'}.", suffix=".tmp"))
    try:
        try:
            names = _write_files(stage, model, X, y, history, loss, info)
        except OSError as e:
            raise InputError(
                f"cannot write the run folder {out} ({e.strerror or e}); an earlier run there is kept"
            ) from e
        earlier = _files_of(out)
        out.mkdir(exist_ok=True)
        for name in names:
            os.replace(stage / name, out / name)
        for name in earlier - set(names):
            (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [out / name for name in names]


def _write_files(
    stage: Path, model: MLP, X: np.ndarray, y: np.ndarray, history: History, loss: str, info: dict[str, Any]
) -> list[str]:
    names = ["model.json", "run.json"]  # run.json is written last, when the list is known
    model.save(stage / "model.json")
    later: list[tuple[str, Callable[[Path], Any]]] = [
        ("history.csv", history.to_csv),
        ("history.json", history.to_json),
        ("loss_accuracy.png", lambda p: plot_history(history, p, title=info.get("title", "training"))),
    ]
    d = X.shape[1]
    if not info.get("classification", True):
        print("no decision_boundary.png: the targets are numbers (regression), there are no classes to separate")
    elif d != 2:
        print(f"no decision_boundary.png: the data has {d} feature{'' if d == 1 else 's'}, a boundary is drawn for 2")
    else:
        later.append(("decision_boundary.png", lambda p: plot_decision_boundary(model, X, y, p, loss=loss)))
    for name, write in later:
        try:
            write(stage / name)
        except OSError as e:
            print(f"could not write {name} ({e.strerror or e}); model.json and run.json are saved")
            continue
        names.append(name)
    note = draw_sample(model, X, y, loss, stage / "graph.svg")
    if note:
        print(note)
    else:
        names.append("graph.svg")
    write_atomic(stage / "run.json", json.dumps({**info, "files": names}, indent=1) + "\n")
    return names


def read_run(folder: Path) -> dict[str, Any] | None:
    """The run.json of a run folder as a dict, or None when there is none (or it is unreadable)."""
    try:
        info = json.loads(read_user_text(folder / "run.json", "run record"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _files_of(out: Path) -> set[str]:
    """The run files an earlier run left in ``out`` (only names a run writes, never others)."""
    info = read_run(out) if out.is_dir() else None
    listed = info.get("files") if info else None
    return {n for n in listed if n in RUN_FILES} if isinstance(listed, list) else set()
