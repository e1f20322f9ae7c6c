"""The ``chaingrad`` command (also ``python -m nn``): demo, train, evaluate and draw.

* ``chaingrad demo`` prints the lecture's t1..t7 neuron with every node's value and
  gradient, then trains the classic moons MLP (100 samples, MLP(2, [16, 16, 1]), SVM
  max-margin loss + 1e-4·L2, SGD with lr 1.0 − 0.9·k/100, 100 full-batch steps).
* ``chaingrad train`` trains an MLP on a toy data set, the handwritten digits or a CSV file
  with the options given; ``--compiled`` records the graph once and replays it with numpy.
* ``chaingrad evaluate`` reports the loss and accuracy of a saved model on a data set.
* ``chaingrad draw`` draws a computation graph (``nn.draw_command``).

demo and train write a run folder: history.csv, history.json, loss_accuracy.png,
decision_boundary.png (2-D data), model.json (the weights), graph.svg (one sample's
graph, when Graphviz is installed) and run.json (the settings and final figures).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Value
from autograd.atomic_write import write_atomic

from . import data as datasets
from .layers import ACTIVATIONS, MLP, load_model
from .module import read_checkpoint
from .optim import SGD, Adam, constant, inverse_sqrt, linear_decay
from .plots import plot_decision_boundary, plot_history
from .train import LOSS_NAMES, History, evaluate, fit, objective

TOY_DATA = ("moons", "blobs", "spirals", "xor")
DATA_SETS = (*TOY_DATA, "digits")
OPTIMIZERS = ("sgd", "momentum", "adam")
SCHEDULES = ("constant", "invsqrt", "linear")
DEFAULT_LR = {"sgd": 0.5, "momentum": 0.05, "adam": 0.02}
TOY_SAMPLES = 100
# train's defaults: for the toy sets and CSV files, and for the digits (1,797 samples of 64
# pixels: MLP(64, [32, 10]) with cross-entropy, Adam on batches of 64, a fifth held out)
TRAIN_DEFAULTS = {"hidden": [16, 16], "optimizer": "sgd", "epochs": 100, "batch_size": None, "test_fraction": 0.0}
DIGITS_DEFAULTS = {"hidden": [32], "optimizer": "adam", "epochs": 20, "batch_size": 64, "test_fraction": 0.2}

# which data sets each data option shapes (an option given for another data set is an error, not ignored)
DATA_OPTIONS = {"samples": DATA_SETS, "noise": TOY_DATA, "classes": ("blobs", "spirals")}

# the demo: micrograd's moons set-up
DEMO_SAMPLES = 100
DEMO_NOISE = 0.1
DEMO_HIDDEN = [16, 16]
DEMO_STEPS = 100
DEMO_L2 = 1e-4


# ---------------------------------------------------------------------------------------
# argument types: each names the bad value in its message
# ---------------------------------------------------------------------------------------


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    n = _int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return n


def seed_int(text: str) -> int:
    n = _int(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return n


def _float(text: str) -> float:
    try:
        f = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(f):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return f


def positive_float(text: str) -> float:
    f = _float(text)
    if f <= 0.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return f


def non_negative_float(text: str) -> float:
    f = _float(text)
    if f < 0.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= 0")
    return f


def fraction(text: str) -> float:
    f = _float(text)
    if not 0.0 <= f < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be in [0, 1)")
    return f


def hidden_sizes(text: str) -> list[int]:
    """ "16,16" -> [16, 16]; "" or "none" -> [] (no hidden layer: a linear model)."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"{text!r} is not a list of layer sizes such as 16,16 (bad: {part!r})")
        sizes.append(int(part))
    return sizes


def data_source(text: str) -> str:
    """A data set's name or the path of an existing CSV file."""
    if text in DATA_SETS:
        return text
    path = Path(text)
    if path.suffix.lower() == ".csv":
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"no such CSV file: {text!r}")
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is neither one of {', '.join(DATA_SETS)} nor a .csv file")


# ---------------------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------------------


def _add_data_options(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument(
        "--data",
        type=data_source,
        default=None if required else "moons",
        required=required,
        metavar="|".join(DATA_SETS) + "|PATH.csv",
        help="a toy data set, the handwritten digits (needs scikit-learn) or a CSV file of feature columns "
        "and a last label column (default: moons)",
    )
    p.add_argument(
        "--samples",
        type=positive_int,
        default=None,
        help=f"samples of a toy data set (default {TOY_SAMPLES}), or a random subset of the digits (default: all)",
    )
    p.add_argument("--noise", type=non_negative_float, default=None, help="noise of a toy data set")
    p.add_argument("--classes", type=positive_int, default=None, help="classes of blobs (3) or spirals (2)")
    p.add_argument("--seed", type=seed_int, default=0, help="seed of the data (and of the weights in train)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chaingrad",
        description="Train and inspect small neural networks built on a scalar autodiff engine.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{demo,train,evaluate,draw}")

    demo = sub.add_parser("demo", help="the lecture's neuron, then an MLP learns the two moons")
    demo.add_argument("--out", default="runs/demo", help="run folder (default runs/demo)")
    demo.add_argument("--seed", type=seed_int, default=0, help="seed of the data and the weights (default 0)")
    demo.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    demo.set_defaults(func=cmd_demo)

    train = sub.add_parser("train", help="train an MLP and write a run folder")
    _add_data_options(train)
    train.add_argument(
        "--hidden", type=hidden_sizes, default=None, help="hidden layer sizes (default 16,16; digits: 32)"
    )
    train.add_argument("--activation", choices=[a for a in ACTIVATIONS if a != "linear"], default="relu")
    train.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: ce, or mse for numeric targets")
    train.add_argument("--optimizer", choices=OPTIMIZERS, default=None, help="default sgd; digits: adam")
    train.add_argument(
        "--lr",
        type=positive_float,
        default=None,
        help=f"learning rate (default {', '.join(f'{k} {v:g}' for k, v in DEFAULT_LR.items())})",
    )
    train.add_argument("--schedule", choices=SCHEDULES, default="constant", help="linear: down to lr/10 over the run")
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
    train.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="loss and accuracy of a saved model on a data set")
    ev.add_argument("--model", required=True, help="a model file (model.json of a run folder)")
    _add_data_options(ev)
    ev.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: the loss the run trained with")
    ev.add_argument("--l2", type=non_negative_float, default=0.0, help="add λ·R(W) to the loss (default 0)")
    ev.add_argument("--compiled", action="store_true", help="replay the recorded graph over the data with numpy")
    ev.set_defaults(func=cmd_evaluate)

    from . import draw_command

    draw_command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, TypeError, ImportError) as e:
        print(f"chaingrad {args.command}: error: {e}", file=sys.stderr)
        return 1


# ---------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------


def load_data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    """The data set the options describe."""
    name, seed = args.data, args.seed
    unused = [opt for opt, sets in DATA_OPTIONS.items() if getattr(args, opt) is not None and name not in sets]
    if unused:
        shown = name if name in DATA_SETS else "a CSV file"
        uses = "; ".join(f"--{opt} is for {', '.join(DATA_OPTIONS[opt])}" for opt in unused)
        raise ValueError(f"{' and '.join('--' + opt for opt in unused)} cannot be used with {shown} ({uses})")
    if name == "digits":
        return datasets.load_digits(args.samples, seed=seed)
    n = args.samples or TOY_SAMPLES
    noise = {} if args.noise is None else {"noise": args.noise}
    if name == "moons":
        return datasets.make_moons(n, seed=seed, **noise)
    if name == "xor":
        return datasets.make_xor(n, seed=seed, **noise)
    if name == "blobs":
        std = {} if args.noise is None else {"std": args.noise}
        return datasets.make_blobs(n, centers=args.classes or 3, seed=seed, **std)
    if name == "spirals":
        return datasets.make_spirals(n, classes=args.classes or 2, seed=seed, **noise)
    return datasets.load_csv(name)


def demo_setup(seed: int = 0) -> tuple[np.ndarray, np.ndarray, MLP, SGD]:
    """The moons demo: 100 samples, MLP(2, [16, 16, 1]) and SGD with lr 1.0 − 0.9·k/100
    (train with ``fit(..., loss="svm", reg=1e-4, epochs=100)``)."""
    X, y = datasets.make_moons(DEMO_SAMPLES, noise=DEMO_NOISE, seed=seed)
    model = MLP(2, [*DEMO_HIDDEN, 1], activation="relu", seed=seed)
    optimizer = SGD(model.parameters(), lr=linear_decay(1.0, 0.1, DEMO_STEPS))
    return X, y, model, optimizer


def _fmt_acc(acc: float | None) -> str:
    return "n/a (regression)" if acc is None else f"{100.0 * acc:.1f}%"


def _draw_sample(model: MLP, X: np.ndarray, y: np.ndarray, loss: str, path: Path) -> str:
    """One sample's graph, forward and backward, drawn to ``path``; a note when it cannot be."""
    try:
        from autograd.viz import render
    except ImportError as e:
        return f"skipped graph.svg: the drawing module is not available ({e})"
    inputs = [Value(float(v), f"x{i + 1}") for i, v in enumerate(X[0])]
    out = model(inputs)
    out = [out] if isinstance(out, Value) else list(out)
    target = y[0].item()
    sample_loss = objective(loss, len(out), y).per_sample(out, target)
    sample_loss.label = "loss"
    sample_loss.backward()
    try:
        render(sample_loss, path, format="svg", backward=True, params=model.parameters(), inputs=inputs, max_nodes=40)
    except Exception as e:  # a missing `dot` or a drawing failure must not lose the run
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
        written.append(plot_decision_boundary(model, X, y, out / "decision_boundary.png"))
    else:
        d = X.shape[1]
        print(f"no decision_boundary.png: the data has {d} feature{'' if d == 1 else 's'}, a boundary is drawn for 2")
    written.append(model.save(out / "model.json"))
    note = _draw_sample(model, X, y, loss, out / "graph.svg")
    if note:
        print(note)
    else:
        written.append(out / "graph.svg")
    info = {**info, "files": [p.name for p in written] + ["run.json"]}
    write_atomic(out / "run.json", json.dumps(info, indent=1) + "\n")
    written.append(out / "run.json")
    return written


def _summary(history: History, loss: float, acc: float | None) -> str:
    per = 1000.0 * history.seconds / max(history.epochs, 1)
    return (
        f"final: loss {loss:.4f}, accuracy {_fmt_acc(acc)} after {history.epochs} epochs "
        f"({history.seconds:.1f} s, {per:.0f} ms per epoch; {history.stop_reason})"
    )


# ---------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------


def neuron_table(w: float = 2.0, x: float = -1.0, b: float = 0.5, t: float = 1.0) -> str:
    """The lecture's z = wx + b, y = σ(z), L = ½(y − t)² as t1..t7, one line per node with
    its value and dL/dnode, computed by the engine."""
    W, X, B, T = Value(w, "w"), Value(x, "x"), Value(b, "b"), Value(t, "t")
    t1 = W * X
    z = t1 + B
    t3 = -z
    t4 = t3.exp()
    t5 = 1 + t4
    y = 1 / t5
    t6 = y - T
    t7 = t6**2
    loss = t7 / 2
    loss.backward()
    rows = [
        ("w", "weight", W),
        ("x", "input", X),
        ("b", "bias", B),
        ("t", "target", T),
        ("t1", "w·x", t1),
        ("z", "t1 + b", z),
        ("t3", "−z", t3),
        ("t4", "exp(t3)", t4),
        ("t5", "1 + t4", t5),
        ("y", "1/t5", y),
        ("t6", "y − t", t6),
        ("t7", "t6²", t7),
        ("L", "t7/2", loss),
    ]
    lines = [
        "The lecture's neuron z = wx + b, y = σ(z), L = ½(y − t)², one node per step:",
        f"  {'node':<5}{'formula':<10}{'value':>10}{'dL/dnode':>11}",
    ]
    lines += [f"  {name:<5}{formula:<10}{v.data:>10.4f}{v.grad:>11.4f}" for name, formula, v in rows]
    closed = (y.data - t) * y.data * (1.0 - y.data) * x
    lines.append(f"  check: dL/dw = (y − t)·y(1 − y)·x = {closed:.4f}")
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    print(neuron_table())
    print()
    X, y, model, optimizer = demo_setup(args.seed)
    print(
        f"Training {model} on {DEMO_SAMPLES} two-moons samples: SVM max-margin loss + {DEMO_L2:g}·L2, "
        f"SGD with lr 1.0 − 0.9·k/{DEMO_STEPS}, {DEMO_STEPS} full-batch steps"
    )
    history = fit(
        model,
        X,
        y,
        loss="svm",
        optimizer=optimizer,
        epochs=DEMO_STEPS,
        reg=DEMO_L2,
        progress=args.progress,
        desc="demo",
    )
    loss, acc = evaluate(model, X, y, "svm", DEMO_L2)
    print(_summary(history, loss, acc))
    info = {
        "command": "demo",
        "title": "chaingrad demo: two moons",
        "data": {"name": "moons", "samples": DEMO_SAMPLES, "noise": DEMO_NOISE, "seed": args.seed},
        "model": model.config(),
        "loss": "svm",
        "l2": DEMO_L2,
        "optimizer": repr(optimizer),
        "epochs": history.epochs,
        "batch_size": None,
        "final_loss": loss,
        "final_accuracy": acc,
        "stop_reason": history.stop_reason,
        "seconds": history.seconds,
    }
    written = write_run(args.out, model, X, y, history, "svm", info)
    print(f"wrote {Path(args.out)}/: {' '.join(p.name for p in written)}")
    return 0


# ---------------------------------------------------------------------------------------
# train
# ---------------------------------------------------------------------------------------


def _n_outputs(loss: str, classes: int | None) -> int:
    """Outputs the MLP needs for ``loss`` on ``classes`` classes (None: regression)."""
    if classes is None:
        if loss != "mse":
            raise ValueError(f"the labels are numbers, not classes: train with --loss mse, not {loss}")
        return 1
    if loss == "bce":
        if classes > 2:
            raise ValueError(f"--loss bce is for 2 classes, the data has {classes}; use ce, svm or mse")
        return 1
    if loss == "svm" and classes == 2:
        return 1
    return max(classes, 2)


def _train_defaults(args: argparse.Namespace) -> None:
    """Fill the options left unset with the defaults of the data set."""
    defaults = DIGITS_DEFAULTS if args.data == "digits" else TRAIN_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def cmd_train(args: argparse.Namespace) -> int:
    _train_defaults(args)
    X, y = load_data(args)
    classes = int(y.max()) + 1 if y.dtype.kind in "iu" else None
    if classes is not None and y.min() < 0:
        raise ValueError(f"class labels must be 0, 1, ...; the data has label {int(y.min())}")
    loss = args.loss or ("ce" if classes is not None else "mse")
    nout = _n_outputs(loss, classes)
    X_test = y_test = None
    if args.test_fraction > 0:
        X, X_test, y, y_test = datasets.train_test_split(X, y, args.test_fraction, seed=args.seed)
    model = MLP(X.shape[1], [*args.hidden, nout], activation=args.activation, seed=args.seed)
    lr0 = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    steps = args.epochs * (1 if args.batch_size is None else math.ceil(len(y) / args.batch_size))
    schedule = {"constant": constant(lr0), "invsqrt": inverse_sqrt(lr0), "linear": linear_decay(lr0, lr0 / 10, steps)}
    lr = schedule[args.schedule]
    if args.optimizer == "adam":
        optimizer: Any = Adam(model.parameters(), lr=lr)
    else:
        optimizer = SGD(model.parameters(), lr=lr, momentum=0.9 if args.optimizer == "momentum" else 0.0)
    print(
        f"Training {model} on {args.data} ({len(y)} samples, {X.shape[1]} features): loss {loss} + {args.l2:g}·L2, "
        f"{optimizer!r}, {args.epochs} epochs, batch size {args.batch_size or 'all'}"
        + (", compiled" if args.compiled else "")
    )
    if not args.compiled and (args.data == "digits" or len(y) * X.shape[1] >= 10_000):
        print(
            "hint: this runs the scalar engine sample by sample, which takes a while on a data set this size; "
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
    final_loss, acc = evaluate(model, X, y, loss, args.l2, compiled=args.compiled)
    print(_summary(history, final_loss, acc))
    info: dict[str, Any] = {
        "command": "train",
        "title": f"chaingrad train: {Path(args.data).name}",
        "classification": classes is not None,
        "data": {
            "name": args.data,
            "samples": len(y),
            "noise": args.noise,
            "classes": classes,
            "seed": args.seed,
        },
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
    if X_test is not None:
        test_loss, test_acc = evaluate(model, X_test, y_test, loss, args.l2, compiled=args.compiled)
        print(f"test:  loss {test_loss:.4f}, accuracy {_fmt_acc(test_acc)} on {len(y_test)} held-out samples")
        info.update(test_samples=len(y_test), test_loss=test_loss, test_accuracy=test_acc)
    written = write_run(args.out, model, X, y, history, loss, info)
    print(f"wrote {Path(args.out)}/: {' '.join(p.name for p in written)}")
    return 0


# ---------------------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------------------


def _run_loss(model_path: Path) -> str | None:
    """The loss recorded in run.json next to a model file, if any."""
    run = model_path.parent / "run.json"
    try:
        loss = json.loads(run.read_text(encoding="utf-8")).get("loss")
    except (OSError, ValueError, AttributeError):
        return None
    return loss if loss in LOSS_NAMES else None


def cmd_evaluate(args: argparse.Namespace) -> int:
    path = Path(args.model)
    read_checkpoint(path)  # a clear error for a missing or corrupt file before any work
    model = load_model(path)
    X, y = load_data(args)
    if X.shape[1] != model.nin:
        raise ValueError(f"{path} expects {model.nin} features, the data {args.data} has {X.shape[1]}")
    nout = model.nouts[-1] if hasattr(model, "nouts") else 1
    loss = args.loss or _run_loss(path) or ("mse" if y.dtype.kind == "f" else ("svm" if nout == 1 else "ce"))
    value, acc = evaluate(model, X, y, loss, args.l2, compiled=args.compiled)
    penalty = f" + {args.l2:g}·R(W)" if args.l2 else ", no L2 term"
    print(f"model {path} ({model}) on {args.data}, {len(y)} samples, loss {loss} (mean over samples{penalty}):")
    print(f"loss {value:.4f}")
    print(f"accuracy {_fmt_acc(acc)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
