"""``chaingrad evaluate``: the loss and accuracy of a saved model on a data set."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..evaluation import evaluate
from ..layers import load_model
from ..objectives import LOSS_NAMES, objective
from ..outputs import count_outputs
from .arguments import non_negative_float
from .datasets import add_data_options, load_data
from .errors import InputError
from .run_folder import format_accuracy


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "evaluate" parser to ``subparsers``; it runs ``run``."""
    ev = subparsers.add_parser("evaluate", help="loss and accuracy of a saved model on a data set")
    ev.add_argument("--model", required=True, help="a model file (model.json of a run folder)")
    add_data_options(ev)
    ev.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: the loss the run trained with")
    ev.add_argument("--l2", type=non_negative_float, default=0.0, help="add λ·R(W) to the loss (default 0)")
    ev.add_argument("--compiled", action="store_true", help="replay the recorded graph over the data with numpy")
    ev.set_defaults(func=run)
    return ev


def run_loss(model_path: Path) -> str | None:
    """The loss recorded in run.json next to a model file, if any."""
    run_file = model_path.parent / "run.json"
    try:
        loss = json.loads(run_file.read_text(encoding="utf-8")).get("loss")
    except (OSError, ValueError, AttributeError):
        return None
    return loss if loss in LOSS_NAMES else None


def run(args: argparse.Namespace) -> int:
    """Print the model's loss and accuracy on the data set; returns 0."""
    path = Path(args.model)
    try:
        model = load_model(path)  # a clear error for a missing or corrupt file before any work
    except (OSError, ValueError) as e:
        raise InputError(str(e)) from e
    X, y = load_data(args)
    if X.shape[1] != model.nin:
        raise InputError(f"{path} expects {model.nin} features, the data {args.data} has {X.shape[1]}")
    nout = count_outputs(model, X)
    loss = args.loss or run_loss(path) or ("mse" if y.dtype.kind == "f" else ("svm" if nout == 1 else "ce"))
    try:
        objective(loss, nout, y)  # labels that do not suit the model and loss: named before any work
    except ValueError as e:
        raise InputError(f"{path} on {args.data}: {e}") from e
    value, acc = evaluate(model, X, y, loss, args.l2, compiled=args.compiled)
    penalty = f" + {args.l2:g}·R(W)" if args.l2 else ", no L2 term"
    print(f"model {path} ({model}) on {args.data}, {len(y)} samples, loss {loss} (mean over samples{penalty}):")
    print(f"loss {value:.4f}")
    print(f"accuracy {format_accuracy(acc)}")
    return 0
