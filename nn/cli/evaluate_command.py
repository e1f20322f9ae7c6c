"""``chaingrad evaluate``: the loss and accuracy of a saved model on a data set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from autograd.checks import count, real

from .. import data as datasets
from ..evaluation import evaluate
from ..layers import load_model
from ..objectives import LOSS_NAMES, objective
from ..outputs import count_outputs
from .arguments import non_negative_float
from .datasets import DATA_OPTIONS, add_data_options, data_options, load_data
from .errors import InputError, UsageError
from .run_folder import format_accuracy, read_run


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "evaluate" parser to ``subparsers``; it runs ``run``."""
    ev = subparsers.add_parser("evaluate", help="loss and accuracy of a saved model on a data set")
    ev.add_argument("--model", required=True, help="a model file (model.json of a run folder)")
    add_data_options(ev, default=None)
    ev.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: the loss the run trained with")
    ev.add_argument("--l2", type=non_negative_float, default=0.0, help="add λ·R(W) to the loss (default 0)")
    ev.add_argument("--compiled", action="store_true", help="replay the recorded graph over the data with numpy")
    ev.set_defaults(func=run)
    return ev


def run_split(record: dict[str, Any], where: str) -> dict[str, Any]:
    """The train/test split a run.json records, its numbers checked by ``autograd.checks``
    (``test_fraction`` in [0, 1), ``seed`` a count: a ValueError names a bad one, with
    ``where``); {} when it records none (a run from before splits were recorded)."""
    split = record.get("split")
    if not isinstance(split, dict) or split.get("test_fraction") is None:
        return {}
    fraction = real(split["test_fraction"], "test_fraction", where, at_least=0.0, below=1.0)
    return {"test_fraction": fraction, "seed": count(split.get("seed", 0), "seed", where)}


def run(args: argparse.Namespace) -> int:
    """Print the model's loss and accuracy on the data set; returns 0.

    Without ``--data`` the data is the run's own, re-created from the run.json beside the
    model with the same settings and split: held-out and training samples are reported
    apart. Labels the model has no output for (``nn.objectives.check_labels``) are an error;
    a sample that does not show every class the model knows is not."""
    path = Path(args.model)
    try:
        model = load_model(path)  # a clear error for a missing or corrupt file before any work
    except (OSError, ValueError) as e:
        raise InputError(str(e)) from e
    record = read_run(path.parent)
    split: dict[str, Any] = {}
    if args.data is None:
        given = [f"--{opt}" for opt in (*DATA_OPTIONS, "seed") if getattr(args, opt) is not None]
        if given:
            raise UsageError(f"{' and '.join(given)} need --data; without it the run's own data is used")
        where = str(path.parent / "run.json")
        try:
            options = data_options(record.get("data"), f"{where} data") if record else None
            split = run_split(record, f"{where} split") if record else {}
        except ValueError as e:
            raise InputError(str(e)) from e
        if options is None:
            raise UsageError(f"no run.json beside {path} says what data it trained on: give --data")
        data_args, source = options, f"{Path(options.data).name} as the run made it"
    else:
        args.seed = 0 if args.seed is None else args.seed
        data_args, source = args, args.data
    X, y = load_data(data_args)
    if X.shape[1] != model.nin:
        raise InputError(f"{path} expects {model.nin} features, the data {source} has {X.shape[1]}")
    nout = count_outputs(model, X)
    loss = args.loss or (record or {}).get("loss")
    if loss not in LOSS_NAMES:
        loss = "mse" if y.dtype.kind == "f" else ("svm" if nout == 1 else "ce")
    try:
        # the library's one label rule: each label must have an output (a sample need not show every class)
        objective(loss, nout, y)
    except ValueError as e:
        raise InputError(f"{path} on {source}: {e}") from e
    penalty = f" + {args.l2:g}·R(W)" if args.l2 else ", no L2 term"
    print(f"model {path} ({model}) on {source}, {len(y)} samples, loss {loss} (mean over samples{penalty}):")
    if split.get("test_fraction"):
        X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, split["test_fraction"], seed=split["seed"])
        for name, Xs, ys in (("held-out", X_test, y_test), ("training", X_train, y_train)):
            value, acc = evaluate(model, Xs, ys, loss, args.l2, compiled=args.compiled)
            print(f"{name}: loss {value:.4f}, accuracy {format_accuracy(acc)} on {len(ys)} samples")
        return 0
    value, acc = evaluate(model, X, y, loss, args.l2, compiled=args.compiled)
    print(f"loss {value:.4f}")
    print(f"accuracy {format_accuracy(acc)}")
    if split:
        print("(the run held nothing out: these are its training samples)")
    return 0
