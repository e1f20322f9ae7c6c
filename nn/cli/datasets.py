"""The command line's data sets: the ``--data`` option and its companions, and the one
function that turns them into ``(X, y)``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from autograd.checks import count, real

from .. import data as datasets
from .arguments import non_negative_float, positive_int, seed_int
from .errors import InputError, UsageError

TOY_DATA = ("moons", "blobs", "spirals", "xor")
DATA_SETS = (*TOY_DATA, "digits")
TOY_SAMPLES = 100

# which data sets each data option shapes (an option given for another data set is an error, not ignored)
DATA_OPTIONS = {"samples": DATA_SETS, "noise": TOY_DATA, "classes": ("blobs", "spirals")}


def data_source(text: str) -> str:
    """A data set's name or the path of an existing CSV file."""
    if text in DATA_SETS:
        return text
    path = Path(text)
    if path.suffix.lower() == ".csv":
        if not path.exists():  # anything else that is not a regular file, load_csv names
            raise argparse.ArgumentTypeError(f"no such CSV file: {text!r}")
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is neither one of {', '.join(DATA_SETS)} nor a .csv file")


def add_data_options(p: argparse.ArgumentParser, default: str | None = "moons") -> None:
    """``--data``, ``--samples``, ``--noise``, ``--classes`` and ``--seed`` on ``p``."""
    p.add_argument(
        "--data",
        type=data_source,
        default=default,
        metavar="|".join(DATA_SETS) + "|PATH.csv",
        help="a toy data set, the handwritten digits (needs scikit-learn) or a CSV file of feature columns "
        "and a last label column (default: " + (default or "the data the run trained on, from its run.json") + ")",
    )
    p.add_argument(
        "--samples",
        type=positive_int,
        default=None,
        help=f"samples of a toy data set (default {TOY_SAMPLES}), or a random subset of the digits (default: all)",
    )
    p.add_argument("--noise", type=non_negative_float, default=None, help="noise of a toy data set")
    p.add_argument("--classes", type=positive_int, default=None, help="classes of blobs (3) or spirals (2)")
    if default is None:  # evaluate: without --data the run's own data comes with the run's own seed
        p.add_argument("--seed", type=seed_int, default=None, help="seed of the data given with --data (default 0)")
    else:
        p.add_argument("--seed", type=seed_int, default=0, help="seed of the data (and of the weights in train)")


def data_record(args: argparse.Namespace, size: int, classes: int | None) -> dict[str, Any]:
    """What run.json records of the data: the options as given (None: the data set's default),
    a CSV file's absolute path, and the size and classes they gave; ``data_options`` turns it
    back into options for ``load_data``."""
    path = None if args.data in DATA_SETS else str(Path(args.data).resolve())
    options = {opt: getattr(args, opt) for opt in DATA_OPTIONS}
    return {"name": args.data, "path": path, **options, "seed": args.seed, "size": size, "classes_found": classes}


def data_options(record: Any, where: str) -> argparse.Namespace | None:
    """The ``load_data`` options that re-create a run's data from its run.json record, or None
    when the record does not say (a run from before data was recorded). A number the record
    holds is checked by the rules of ``autograd.checks`` and of the options it stands for (a
    bool is no seed and no count): a ValueError names it, with ``where`` (the file)."""
    if not isinstance(record, dict) or not isinstance(record.get("name"), str):
        return None
    name = record["name"] if record["name"] in DATA_SETS else record.get("path")
    if not isinstance(name, str):
        return None
    options = {opt: record.get(opt) for opt in DATA_OPTIONS}
    for opt in ("samples", "classes"):
        if options[opt] is not None:
            options[opt] = count(options[opt], opt, where, at_least=1)
    if options["noise"] is not None:
        options["noise"] = real(options["noise"], "noise", where, at_least=0.0)
    return argparse.Namespace(data=name, seed=count(record.get("seed", 0), "seed", where), **options)


def load_data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    """The data set the options describe. Options that do not shape it, or values it
    refuses, are a ``UsageError``; a CSV file that cannot be read or a missing
    scikit-learn (for the digits) an ``InputError``."""
    name = args.data
    unused = [opt for opt, sets in DATA_OPTIONS.items() if getattr(args, opt) is not None and name not in sets]
    if unused:
        shown = name if name in DATA_SETS else "a CSV file"
        uses = "; ".join(f"--{opt} is for {', '.join(DATA_OPTIONS[opt])}" for opt in unused)
        raise UsageError(f"{' and '.join('--' + opt for opt in unused)} cannot be used with {shown} ({uses})")
    if name not in DATA_SETS:
        try:
            return datasets.load_csv(name)
        except ValueError as e:
            raise InputError(str(e)) from e
    try:
        return _make(args)
    except ImportError as e:
        raise InputError(str(e)) from e
    except ValueError as e:
        raise UsageError(str(e)) from e


def _make(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    name, seed = args.data, args.seed
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
    return datasets.make_spirals(n, classes=args.classes or 2, seed=seed, **noise)
