"""``chaingrad train``: an MLP trained on a toy data set, the handwritten digits or a CSV
file with the options given, written to a run folder; ``--compiled`` records the graph
once and replays it with numpy."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from .. import data as datasets
from ..evaluation import evaluate
from ..layers import ACTIVATIONS, MLP
from ..loop import fit
from ..objectives import LOSS_NAMES, outputs_for
from ..optim import LINEAR_END, OPTIMIZERS, SCHEDULE_ALIASES, SCHEDULES, optimizer_named, schedule_named
from .arguments import fraction, hidden_sizes, non_negative_float, positive_float, positive_int
from .datasets import add_data_options, data_record, load_data
from .errors import CommandError, UsageError
from .run_folder import check_out, format_accuracy, summary, write_run

DEFAULT_LR = {"sgd": 0.5, "momentum": 0.05, "adam": 0.02}
# train's defaults: for the toy sets and CSV files, and for the digits (1,797 samples of 64
# pixels: MLP(64, [32, 10]) with cross-entropy, Adam on batches of 64, a fifth held out)
TRAIN_DEFAULTS = {"hidden": [16, 16], "optimizer": "adam", "epochs": 100, "batch_size": None, "test_fraction": 0.0}
DIGITS_DEFAULTS = {"hidden": [32], "optimizer": "adam", "epochs": 20, "batch_size": 64, "test_fraction": 0.2}


def schedule_choice(text: str) -> str:
    """A schedule's name with the old names of ``nn.optim.SCHEDULE_ALIASES`` translated;
    argparse then checks it is one of ``SCHEDULES``."""
    return SCHEDULE_ALIASES.get(text, text)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "train" parser to ``subparsers``; it runs ``run``."""
    train = subparsers.add_parser("train", help="train an MLP and write a run folder")
    add_data_options(train)
    train.add_argument(
        "--hidden", type=hidden_sizes, default=None, help="hidden layer sizes (default 16,16; digits: 32)"
    )
    train.add_argument("--activation", choices=[a for a in ACTIVATIONS if a != "linear"], default="relu")
    train.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: ce, or mse for numeric targets")
    train.add_argument("--optimizer", choices=OPTIMIZERS, default=None, help="default adam")
    train.add_argument(
        "--lr",
        type=positive_float,
        default=None,
        help=f"learning rate (default {', '.join(f'{k} {v:g}' for k, v in DEFAULT_LR.items())})",
    )
    train.add_argument(
        "--schedule",
        type=schedule_choice,
        choices=SCHEDULES,
        default="constant",
        help=f"linear_decay: down to lr·{LINEAR_END:g} over the run (invsqrt and linear are accepted as before)",
    )
    train.add_argument("--epochs", type=positive_int, default=None, help="default 100; digits: 20")
    train.add_argument("--batch-size", type=positive_int, default=None, help="default: the whole set; digits: 64")
    train.add_argument("--l2", type=non_negative_float, default=1e-4, help="λ of the L2 penalty (default 1e-4)")
    train.add_argument(
        "--test-fraction", type=fraction, default=None, help="hold out this part for testing (default 0; digits: 0.2)"
    )
    train.add_argument("--out", default="runs/train", help="run folder (default runs/train)")
    train.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    train.add_argument(
        "--compiled", action="store_true", help="record the graph once and replay it over each batch with numpy"
    )
    train.set_defaults(func=run)
    return train


SECONDS_PER_SAMPLE_PARAMETER = 7e-7
"""What the plain engine spends per sample, per parameter and per epoch (forward and
backward): measured on moons, 2,000 samples, MLP(2, [16, 16, 2]), 49 s for 100 epochs."""
SLOW_RUN_SECONDS = 10.0
"""A plain-engine run estimated to take longer than this says that --compiled exists."""


def plain_seconds(samples: int, parameters: int, epochs: int) -> float:
    """Estimated seconds of a plain-engine training run, from its size alone."""
    return SECONDS_PER_SAMPLE_PARAMETER * samples * parameters * epochs


def fill_defaults(args: argparse.Namespace) -> None:
    """Fill the options left unset with the defaults of the data set."""
    defaults = DIGITS_DEFAULTS if args.data == "digits" else TRAIN_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def run(args: argparse.Namespace) -> int:
    """Train as the options say and write the run folder; returns 0. A run that diverged
    writes nothing and raises ``CommandError`` (exit status 1)."""
    fill_defaults(args)
    check_out(args.out)
    X, y = load_data(args)
    size = len(y)
    classes = int(y.max()) + 1 if y.dtype.kind in "iu" else None  # load_data's labels are 0..C-1
    loss = args.loss or ("ce" if classes is not None else "mse")
    try:
        nout = outputs_for(loss, classes)
    except ValueError as e:
        raise UsageError(f"--loss {loss}: {e}") from e
    X_test = y_test = None
    if args.test_fraction > 0:
        try:
            X, X_test, y, y_test = datasets.train_test_split(X, y, args.test_fraction, seed=args.seed)
        except ValueError as e:
            raise UsageError(f"--test-fraction {args.test_fraction:g}: {e}") from e
    model = MLP(X.shape[1], [*args.hidden, nout], activation=args.activation, seed=args.seed)
    lr0 = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    steps = args.epochs * (1 if args.batch_size is None else math.ceil(len(y) / args.batch_size))
    optimizer = optimizer_named(args.optimizer, model.parameters(), schedule_named(args.schedule, lr0, steps))
    print(
        f"Training {model} on {args.data} ({len(y)} samples, {X.shape[1]} features): loss {loss} + {args.l2:g}·L2, "
        f"{optimizer!r}, {args.epochs} epochs, batch size {args.batch_size or 'all'}"
        + (", compiled" if args.compiled else "")
    )
    estimate = plain_seconds(len(y), model.num_parameters(), args.epochs)
    if not args.compiled and estimate > SLOW_RUN_SECONDS:
        print(
            f"hint: this runs the scalar engine sample by sample, about {estimate:.0f} s for this run; "
            "--compiled records the graph once and replays it with numpy, much faster, with the same result"
        )
    history = fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        reg=args.l2,
        seed=args.seed,
        progress=args.progress,
        compiled=args.compiled,
    )
    if history.stop_reason.startswith("diverged"):
        raise CommandError(f"training {history.stop_reason}; nothing was written to {args.out}")
    final_loss, acc = evaluate(model, X, y, loss, args.l2, compiled=args.compiled)
    print(summary(history, final_loss, acc))
    info: dict[str, Any] = {
        "command": "train",
        "title": f"chaingrad train: {Path(args.data).name}",
        "classification": classes is not None,
        "data": data_record(args, size, classes),
        "split": {"test_fraction": args.test_fraction, "seed": args.seed, "train": len(y), "test": 0},
        "model": model.config(),
        "loss": loss,
        "l2": args.l2,
        "optimizer": repr(optimizer),
        "epochs": history.epochs,
        "batch_size": args.batch_size,
        "compiled": args.compiled,
        "final_loss": final_loss,
        "final_accuracy": acc,
        "stop_reason": history.stop_reason,
        "seconds": history.seconds,
    }
    if X_test is not None and y_test is not None:
        # the data loss alone, as `chaingrad evaluate` reports it: the penalty is no property of the samples
        test_loss, test_acc = evaluate(model, X_test, y_test, loss, compiled=args.compiled)
        print(
            f"test:  loss {test_loss:.4f} (no L2 term), accuracy {format_accuracy(test_acc)} "
            f"on {len(y_test)} held-out samples"
        )
        info.update(test_samples=len(y_test), test_loss=test_loss, test_accuracy=test_acc)
        info["split"]["test"] = len(y_test)
    written = write_run(args.out, model, X, y, history, loss, info)
    print(f"wrote {Path(args.out)}/: {' '.join(p.name for p in written)}")
    return 0
