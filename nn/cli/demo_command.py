"""``chaingrad demo``: the lecture's neuron t1..t7, then the moons demo (``nn.demo``)
trained and written to a run folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..demo import DEMO, demo_setup
from ..evaluation import evaluate
from ..loop import fit
from .arguments import seed_int
from .datasets import data_record
from .neuron_table import neuron_table
from .run_folder import check_out, summary, write_run


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "demo" parser to ``subparsers``; it runs ``run``."""
    demo = subparsers.add_parser("demo", help="the lecture's neuron, then an MLP learns the two moons")
    demo.add_argument("--out", default="runs/demo", help="run folder (default runs/demo)")
    demo.add_argument("--seed", type=seed_int, default=0, help="seed of the data and the weights (default 0)")
    demo.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    demo.set_defaults(func=run)
    return demo


def run(args: argparse.Namespace) -> int:
    """Print the neuron's table, train the demo, write the run folder; returns 0."""
    check_out(args.out)
    print(neuron_table())
    print()
    X, y, model, optimizer = demo_setup(args.seed)
    print(f"Training {model} on {DEMO.describe()}")
    history = fit(
        model,
        X,
        y,
        loss=DEMO.loss,
        optimizer=optimizer,
        epochs=DEMO.steps,
        reg=DEMO.l2,
        progress=args.progress,
        desc="demo",
    )
    loss, acc = evaluate(model, X, y, DEMO.loss, DEMO.l2)
    print(summary(history, loss, acc))
    info = {
        "command": "demo",
        "title": "chaingrad demo: two moons",
        "data": data_record(
            argparse.Namespace(data="moons", samples=DEMO.samples, noise=DEMO.noise, classes=None, seed=args.seed),
            len(y),
            2,
        ),
        "split": {"test_fraction": 0.0, "seed": args.seed, "train": len(y), "test": 0},
        "model": model.config(),
        "loss": DEMO.loss,
        "l2": DEMO.l2,
        "optimizer": repr(optimizer),
        "epochs": history.epochs,
        "batch_size": None,
        "final_loss": loss,
        "final_accuracy": acc,
        "stop_reason": history.stop_reason,
        "seconds": history.seconds,
    }
    written = write_run(args.out, model, X, y, history, DEMO.loss, info)
    print(f"wrote {Path(args.out)}/: {' '.join(p.name for p in written)}")
    return 0
