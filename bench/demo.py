"""Demo benchmark: the classic two-moons training run, chaingrad against micrograd, in one run.

The set-up of micrograd's README demo: 100 moons samples (noise 0.1), MLP(2, [16, 16, 1])
with relu hidden layers, SVM max-margin loss mean(relu(1 − y·score)) + 1e-4·Σp², full
batch, SGD with lr = 1.0 − 0.9·k/100 at step k, 100 steps.

* chaingrad runs all 100 steps through the public training loop (``nn.train.fit`` with
  the settings of ``chaingrad demo``; no progress bar), twice: as fit runs by default
  (the cyclic garbage collector paused while it trains, which chaingrad's acyclic graphs
  allow), and with ``pause_gc=False``, the collector left running as in micrograd's loop.
  Its L2 term covers the weights, micrograd's every parameter: 33 squares fewer out of
  ~7,000 nodes per step.
* micrograd (PyPI ``micrograd==0.1.0``) runs the same loop written out as in its demo:
  forward every sample, the loss above, ``zero_grad``, ``backward``, the update. A step
  takes about two seconds (its per-node closures make reference cycles, and the cyclic
  garbage collector spends most of the step on them), so only the first few steps are
  timed (``--micrograd-steps``, default 5). Every step builds and drops a graph of the
  same size, but the first one or two are faster (about 1.0 s against 1.6–2.4 s here):
  garbage piles up until the collector's older generations get full. The ratio uses the
  mean over every timed step, fast ones included, so it errs in micrograd's favour.

Both use the same data, the default interpreter settings (garbage collector on) and the
same process, one after the other (taking turns would let chaingrad's collector runs
clear micrograd's cyclic garbage); the time per step of each and their ratio are printed.
The host is shared, so figures move by ±20 % from run to run: run it twice. ``--profile`` adds a
cProfile table of a second, profiled chaingrad run (where the time goes).

Run: ``make bench`` or ``.venv/bin/python bench/demo.py`` (micrograd from ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import random
import statistics
import sys
import time
from importlib import metadata

import numpy as np

from nn.cli import DEMO_L2, DEMO_STEPS, demo_setup
from nn.train import evaluate, fit

try:
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("bench/demo.py compares against micrograd: pip install micrograd==0.1.0 (or pip install -e '.[bench]')")

TARGET = 30.0


def _per_step(seconds: list[float]) -> str:
    return (
        f"{1000 * statistics.mean(seconds):8.1f} ms per step (median {1000 * statistics.median(seconds):.1f}, "
        f"min {1000 * min(seconds):.1f})"
    )


class ChaingradRun:
    """The demo through ``fit``, resumable: ``run(k)`` trains k more steps (the optimizer
    keeps its step count, so the schedule carries on) and returns each step's seconds."""

    def __init__(self, seed: int, pause_gc: bool = True) -> None:
        self.X, self.y, self.model, self.optimizer = demo_setup(seed)
        self.pause_gc = pause_gc

    def run(self, steps: int) -> list[float]:
        stamps = [time.perf_counter()]
        fit(
            self.model,
            self.X,
            self.y,
            "svm",
            self.optimizer,
            epochs=steps,
            reg=DEMO_L2,
            progress=False,
            callback=lambda *_: stamps.append(time.perf_counter()),
            pause_gc=self.pause_gc,
        )
        return [b - a for a, b in zip(stamps, stamps[1:])]

    def final(self) -> tuple[float, float]:
        loss, acc = evaluate(self.model, self.X, self.y, "svm", DEMO_L2)
        return loss, acc or 0.0


class MicrogradRun:
    """micrograd's demo loop on the same data, one step per call of ``step()``."""

    def __init__(self, seed: int, total_steps: int) -> None:
        X, y, _, _ = demo_setup(seed)  # the same data as chaingrad's run
        self.signs = (2 * y - 1).tolist()  # {0, 1} -> {-1, +1}
        self.rows = [[MValue(a), MValue(b)] for a, b in X.tolist()]
        random.seed(1337)
        self.model = MMLP(2, [16, 16, 1])
        self.params = self.model.parameters()
        self.total_steps = total_steps
        self.k = 0
        self.loss = self.accuracy = float("nan")

    def step(self) -> float:
        start = time.perf_counter()
        scores = [self.model(r) for r in self.rows]
        margins = [(1 + -s * score).relu() for s, score in zip(self.signs, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        l2 = DEMO_L2 * sum(p * p for p in self.params)
        total = data_loss + l2
        self.accuracy = sum((score.data > 0) == (s > 0) for s, score in zip(self.signs, scores)) / len(self.signs)
        self.model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * self.k / self.total_steps
        for p in self.params:
            p.data -= lr * p.grad
        self.loss = total.data
        self.k += 1
        return time.perf_counter() - start


def profile_chaingrad(seed: int, steps: int) -> str:
    """A cProfile table (by own time) of a chaingrad run."""
    run = ChaingradRun(seed)
    profiler = cProfile.Profile()
    profiler.enable()
    run.run(steps)
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=DEMO_STEPS, help="chaingrad steps (default 100)")
    parser.add_argument("--micrograd-steps", type=int, default=5, help="micrograd steps timed (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and chaingrad's weights")
    parser.add_argument("--profile", action="store_true", help="print a cProfile table of chaingrad's run")
    args = parser.parse_args(argv)

    print("two moons demo: 100 samples, MLP(2, [16, 16, 1]), SVM loss + 1e-4·L2, SGD lr 1.0 − 0.9·k/100, full batch")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), numpy {np.__version__}, "
        f"micrograd {metadata.version('micrograd')}, garbage collector on (default settings)"
    )
    # One after the other, each from a clean heap: taking turns would let chaingrad's
    # collector runs clear micrograd's cyclic garbage and charge it to chaingrad.
    gc.collect()
    chain = ChaingradRun(args.seed)
    c_steps = chain.run(args.steps)
    gc.collect()
    g_steps = ChaingradRun(args.seed, pause_gc=False).run(args.steps)
    gc.collect()
    micro = MicrogradRun(args.seed, DEMO_STEPS)
    m_steps = [micro.step() for _ in range(args.micrograd_steps)]
    c_loss, c_acc = chain.final()
    print(
        f"chaingrad: {len(c_steps):>3} steps, {_per_step(c_steps)} "
        f"(final loss {c_loss:.4f}, accuracy {100 * c_acc:.0f}%)"
    )
    print(f"chaingrad: {len(g_steps):>3} steps, {_per_step(g_steps)} with fit(pause_gc=False): collector left on")
    print(
        f"micrograd: {len(m_steps):>3} steps, {_per_step(m_steps)} "
        f"(timed the first {len(m_steps)} of the demo's {DEMO_STEPS} steps only; "
        f"loss {micro.loss:.4f}, accuracy {100 * micro.accuracy:.0f}% at step {len(m_steps)})"
    )
    print(f"micrograd step times: {', '.join(f'{s:.2f}' for s in m_steps)} s")
    ratio = statistics.mean(m_steps) / statistics.mean(c_steps)
    ratio_median = statistics.median(m_steps) / statistics.median(c_steps)
    verdict = "meets" if ratio >= TARGET else "misses"
    print(
        f"chaingrad is {ratio:.1f}× faster per step than micrograd (mean; {ratio_median:.1f}× by median) — "
        f"{verdict} the target of {TARGET:g}×"
    )
    print(
        f"with the collector left on during fit: {statistics.mean(m_steps) / statistics.mean(g_steps):.1f}× "
        f"(mean; {statistics.median(m_steps) / statistics.median(g_steps):.1f}× by median)"
    )
    if args.profile:  # a separate run: the profiler's own cost would distort the timing above
        table = profile_chaingrad(args.seed, args.steps)
        print(f"\ncProfile of a second chaingrad run ({args.steps} steps; profiling slows it down):")
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
