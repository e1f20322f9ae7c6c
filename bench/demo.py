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
same process; the time per step of each and their ratio are printed. ``--profile`` adds a
cProfile table of a second, profiled chaingrad run (where the time goes).

Run: ``make bench`` or ``.venv/bin/python bench/demo.py`` (micrograd from ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import cProfile
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


def run_chaingrad(seed: int, steps: int, profile: bool, pause_gc: bool = True) -> tuple[list[float], float, float, str]:
    """(seconds of each step, final loss, final accuracy, profile table or '')."""
    X, y, model, optimizer = demo_setup(seed)
    profiler = cProfile.Profile() if profile else None
    stamps = [time.perf_counter()]
    if profiler is not None:
        profiler.enable()
    fit(
        model,
        X,
        y,
        "svm",
        optimizer,
        epochs=steps,
        reg=DEMO_L2,
        progress=False,
        callback=lambda *_: stamps.append(time.perf_counter()),
        pause_gc=pause_gc,
    )
    if profiler is not None:
        profiler.disable()
    per_step = [b - a for a, b in zip(stamps, stamps[1:])]
    loss, acc = evaluate(model, X, y, "svm", DEMO_L2)
    table = ""
    if profiler is not None:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
        table = buf.getvalue()
    return per_step, loss, acc or 0.0, table


def run_micrograd(seed: int, steps: int, total_steps: int) -> tuple[list[float], float, float]:
    """(seconds of each step, loss and accuracy at the last timed step) of micrograd's demo loop."""
    X, y, _, _ = demo_setup(seed)  # the same data as chaingrad's run
    signs = (2 * y - 1).tolist()  # {0, 1} -> {-1, +1}
    rows = [[MValue(a), MValue(b)] for a, b in X.tolist()]
    random.seed(1337)
    model = MMLP(2, [16, 16, 1])
    params = model.parameters()
    loss_value = accuracy = float("nan")
    per_step = []
    for k in range(steps):
        start = time.perf_counter()
        scores = [model(r) for r in rows]
        margins = [(1 + -s * score).relu() for s, score in zip(signs, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        l2 = DEMO_L2 * sum(p * p for p in params)
        total = data_loss + l2
        accuracy = sum((score.data > 0) == (s > 0) for s, score in zip(signs, scores)) / len(signs)
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / total_steps
        for p in params:
            p.data -= lr * p.grad
        loss_value = total.data
        per_step.append(time.perf_counter() - start)
    return per_step, loss_value, accuracy


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
    c_steps, c_loss, c_acc, _ = run_chaingrad(args.seed, args.steps, profile=False)
    print(
        f"chaingrad: {len(c_steps):>3} steps, {_per_step(c_steps)} "
        f"(final loss {c_loss:.4f}, accuracy {100 * c_acc:.0f}%)"
    )
    g_steps, _, _, _ = run_chaingrad(args.seed, args.steps, profile=False, pause_gc=False)
    print(f"chaingrad: {len(g_steps):>3} steps, {_per_step(g_steps)} with fit(pause_gc=False): collector left on")
    m_steps, m_loss, m_acc = run_micrograd(args.seed, args.micrograd_steps, DEMO_STEPS)
    print(
        f"micrograd: {len(m_steps):>3} steps, {_per_step(m_steps)} "
        f"(timed the first {len(m_steps)} of the demo's {DEMO_STEPS} steps only; "
        f"loss {m_loss:.4f}, accuracy {100 * m_acc:.0f}% after step {len(m_steps)})"
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
        _, _, _, table = run_chaingrad(args.seed, args.steps, profile=True)
        print(f"\ncProfile of a second chaingrad run ({args.steps} steps; profiling slows it down):")
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
