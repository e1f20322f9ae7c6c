"""Compiled-replay benchmark: a training step of ``nn.fit(compiled=True)`` against the same
step written by hand with numpy, and against PyTorch (float64, one thread) when it is
installed, on seven workloads.

Each workload is forward + backward + an SGD step (lr 0.1) of an MLP with relu hidden
layers, with 1e-4·Σw² added to the loss, over every minibatch of an epoch:

* moons: 100 two-moons samples, MLP(2, [16, 16, 1]), SVM hinge, full batch;
* digits: the 1,797 handwritten digits, MLP(64, [64, 10]), cross-entropy, batches of 32,
  of 256, and the full batch;
* a wider MLP(64, [256, 256, 10]) on the digits, batches of 32, 256 and the full batch.

chaingrad runs the public training loop (``fit``, no progress bar, no callback) once a
round over every epoch, as a user runs it: the time from its first update (after the trace
and the first forward and backward pass) to fit's return, over the steps after the first,
gives the time of a step; it counts the copy of the weights into the array and back into
the Values once per call, as a user's ``fit`` pays it. The hand-written steps visit
the same minibatches (``nn.data.minibatches`` with the same seed), from the same initial
weights, and must end with the same weights (checked to 1e-9 relative).

Times are CPU time of the benchmark's thread (``time.thread_time``; numpy and PyTorch are
limited to one thread), so other processes on a shared machine count little. Contenders
take turns within each round; the table shows the median step over all rounds.

Run: ``make bench`` or ``.venv/bin/python bench/compiled.py``; PyTorch is an optional
column: ``pip install torch`` into the environment to see it.
"""

from __future__ import annotations

import one_thread  # noqa: F401  (first: one thread for numpy's BLAS, as for PyTorch)

# isort: split
import argparse
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import tables
from reference import NumpyMLP, TorchMLP, torch_version

from nn.data import load_digits, make_moons, minibatches
from nn.layers import MLP
from nn.optim import SGD
from nn.train import fit

LR = 0.1
REG = 1e-4
AGREE = 1e-9
TARGET_NUMPY = 1.5
TARGET_TORCH = 1.0


@dataclass
class Workload:
    name: str
    shape: tuple[int, list[int]]
    data: str
    loss: str
    batch: int | None
    epochs: int  # per contender and round
    torch_target: bool = False  # the ≤ 1× PyTorch target applies

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        return make_moons(100, noise=0.1, seed=0) if self.data == "moons" else load_digits()


WORKLOADS = [
    Workload("moons, MLP(2, [16, 16, 1]), full batch", (2, [16, 16, 1]), "moons", "svm", None, 60, True),
    Workload("digits, MLP(64, [64, 10]), batch 32", (64, [64, 10]), "digits", "ce", 32, 4, True),
    Workload("digits, MLP(64, [64, 10]), batch 256", (64, [64, 10]), "digits", "ce", 256, 8),
    Workload("digits, MLP(64, [64, 10]), full batch", (64, [64, 10]), "digits", "ce", None, 20),
    Workload("digits, MLP(64, [256, 256, 10]), batch 32", (64, [256, 256, 10]), "digits", "ce", 32, 3),
    Workload("digits, MLP(64, [256, 256, 10]), batch 256", (64, [256, 256, 10]), "digits", "ce", 256, 4),
    Workload("digits, MLP(64, [256, 256, 10]), full batch", (64, [256, 256, 10]), "digits", "ce", None, 8),
]


def batches_per_epoch(n: int, batch: int | None) -> int:
    return 1 if batch is None or batch >= n else -(-n // batch)


class StampedSGD(SGD):
    """SGD that notes the CPU time of its first update: the end of fit's set-up and first
    forward and backward pass, so the trace is left out of the timing."""

    first: float | None = None

    def update(self, values: np.ndarray, grads: np.ndarray) -> None:
        if self.first is None:
            self.first = time.thread_time()
        super().update(values, grads)


def chaingrad_steps(w: Workload, X: np.ndarray, y: np.ndarray) -> tuple[list[float], np.ndarray]:
    """Seconds per step of one ``fit`` call over every epoch, with no callback (as a user runs
    it): from the first update to fit's return, over the steps after the first. The final
    weights too."""
    model = MLP(*w.shape, seed=0)
    opt = StampedSGD(model.parameters(), lr=LR)
    fit(model, X, y, w.loss, opt, epochs=w.epochs + 1, batch_size=w.batch, reg=REG, progress=False, compiled=True)
    spent = time.thread_time() - opt.first
    steps = (w.epochs + 1) * batches_per_epoch(len(y), w.batch) - 1
    return [spent / steps], np.array([p.data for p in model.parameters()])


def reference_steps(
    make: Callable[[Any, str, float], Any], w: Workload, X: np.ndarray, y: np.ndarray
) -> tuple[list[float], np.ndarray]:
    """The same epochs (the first one too, untimed, to keep the same minibatches) by hand."""
    ref = make(MLP(*w.shape, seed=0), w.loss, REG)
    rng = np.random.default_rng(0)
    k = batches_per_epoch(len(y), w.batch)
    full = w.batch is None or w.batch >= len(y)
    out = []
    for epoch in range(w.epochs + 1):
        start = time.thread_time()
        for Xb, yb in [(X, y)] if full else minibatches(X, y, w.batch, rng):
            ref.step(Xb, yb, LR)
        if epoch:
            out.append((time.thread_time() - start) / k)
    return out, ref.weights()


def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per workload (contenders take turns)")
    parser.add_argument("--only", type=int, nargs="*", help="run only these workloads (1..7)")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write docs/_bench")
    args = parser.parse_args(argv)
    torch = torch_version()
    contenders: dict[str, Callable[..., Any]] = {"numpy": NumpyMLP}
    if torch:
        contenders["torch"] = TorchMLP
    rows = []
    numpy_met, torch_met = [], []
    for i, w in enumerate(WORKLOADS, 1):
        if args.only and i not in args.only:
            continue
        X, y = w.load()
        times: dict[str, list[float]] = {"chaingrad": []}
        weights: dict[str, np.ndarray] = {}
        for _ in range(args.rounds):
            gc.collect()
            steps, weights["chaingrad"] = chaingrad_steps(w, X, y)
            times["chaingrad"] += steps
            for name, make in contenders.items():
                gc.collect()
                steps, weights[name] = reference_steps(make, w, X, y)
                times.setdefault(name, []).extend(steps)
        med = {name: statistics.median(t) for name, t in times.items()}
        by_numpy = med["chaingrad"] / med["numpy"]
        agree = relative(weights["chaingrad"], weights["numpy"])
        if agree > AGREE:
            raise SystemExit(f"{w.name}: compiled and numpy weights differ by {agree:.1e} relative: the race is void")
        numpy_met.append(by_numpy <= TARGET_NUMPY)
        row = [w.name, f"{1e3 * med['chaingrad']:.3f}", f"{1e3 * med['numpy']:.3f}", f"{by_numpy:.2f}×"]
        if torch:
            by_torch = med["chaingrad"] / med["torch"]
            if w.torch_target:
                torch_met.append(by_torch <= TARGET_TORCH)
            row += [f"{1e3 * med['torch']:.3f}", f"{by_torch:.2f}×"]
        rows.append(row)
        print(" | ".join(row), flush=True)
    header = ["workload", "compiled ms/step", "numpy ms/step", "compiled ÷ numpy"]
    if torch:
        header += [f"PyTorch {torch} ms/step", "compiled ÷ PyTorch"]
    what = (
        "A training step (forward, backward, SGD update, 1e-4·L2) of `nn.fit(compiled=True)` against the same "
        "step written by hand with numpy"
        + (" and in PyTorch (float64, one thread)" if torch else "")
        + f"; CPU time of one thread, median over {args.rounds} rounds"
    )
    table = tables.markdown(header, rows)
    notes = f"Target: compiled ≤ {TARGET_NUMPY:g}× numpy: met on {sum(numpy_met)} of {len(numpy_met)} workloads."
    if torch:
        notes += (
            f" Target: compiled ≤ {TARGET_TORCH:g}× PyTorch on moons and digits at batch 32: "
            f"met on {sum(torch_met)} of {len(torch_met)}."
        )
    if args.no_write or args.only:
        print(f"\n{table}\n\n{notes}")
    else:
        tables.write("compiled", "make bench", what, table, notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
