"""Demo benchmark: the classic two-moons training run in four engines, in one run — micrograd,
chaingrad's scalar engine, chaingrad compiled, and a handwritten numpy MLP — plus chaingrad's
scalar engine against its compiled replay on the handwritten digits.

The set-up of micrograd's README demo: 100 moons samples (noise 0.1), MLP(2, [16, 16, 1])
with relu hidden layers, SVM max-margin loss mean(relu(1 − y·score)) + 1e-4·Σw², full
batch, SGD with lr = 1.0 − 0.9·k/100 at step k, 100 steps.

* chaingrad runs all 100 steps through the public training loop (``nn.fit`` with
  the settings of ``chaingrad demo``; no progress bar), three times: as fit runs by default
  (the cyclic garbage collector paused while it trains, which chaingrad's acyclic graphs
  allow), with ``pause_gc=False`` (the collector left running as in micrograd's loop), and
  with ``compiled=True`` (the graph of one sample traced once and replayed over the batch
  with numpy; its first step includes the tracing). The plain and compiled runs must end
  with the same weights (checked to 1e-9 relative). Its L2 term covers the weights,
  micrograd's every parameter: 33 squares fewer.
* micrograd (PyPI ``micrograd==0.1.0``) runs the same loop written out as in its demo:
  forward every sample, the loss above, ``zero_grad``, ``backward``, the update. A step
  takes about two seconds (its per-node closures make reference cycles, and the cyclic
  garbage collector spends most of the step on them), so only the first few steps are
  timed (``--micrograd-steps``, default 5). The first one or two are faster (about 1.0 s
  against 1.6–2.4 s here): garbage piles up until the collector's older generations get
  full. The ratios use the mean over every timed step, fast ones included, so they err in
  micrograd's favour.
* numpy: the same network, loss and update written by hand — matrix forward pass, the
  backward pass derived by hand, the SGD update — starting from chaingrad's initial
  weights, so its final weights can be compared too. The practical limit for this model
  in Python.

Digits: MLP(64, [32, 10]), cross-entropy + 1e-4·Σw², SGD with lr 0.5, full batches of all
1,797 samples; a few steps on chaingrad's scalar engine (seconds each), more compiled, and
the numpy version. Needs scikit-learn (the digits data set).

All share the default interpreter settings (garbage collector on) and the process, one
engine after the other, each from a clean heap. Times are CPU time of the benchmark's thread
(``time.thread_time``; numpy's BLAS limited to that one thread by ``one_thread``, so none of
the work is done by threads the clock does not see), so other processes on a shared host count
little; figures still move
from run to run: run it twice. ``--profile`` adds a cProfile table of a second,
profiled chaingrad run (where the time goes).

Run: ``make bench`` or ``.venv/bin/python bench/demo.py`` (micrograd from ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import one_thread  # first: one thread for numpy's BLAS, whose workers thread_time would not count

# isort: split
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
import tables
from reference import NumpyMLP

from nn.demo import DEMO, demo_setup
from nn.layers import MLP
from nn.optim import SGD
from nn.train import evaluate, fit

try:
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("bench/demo.py compares against micrograd: pip install micrograd==0.1.0 (or pip install -e '.[bench]')")

TARGET = 100.0  # chaingrad's scalar engine against micrograd
TARGET_COMPILED = 300.0  # chaingrad compiled against micrograd
TARGET_NUMPY = 20.0  # chaingrad compiled at most this many times the handwritten numpy time
AGREE = 1e-9  # plain and compiled weights, relative
DIGITS_LR = 0.5


def _per_step(seconds: list[float]) -> str:
    return (
        f"{1000 * statistics.mean(seconds):9.3f} ms per step (median {1000 * statistics.median(seconds):.3f}, "
        f"min {1000 * min(seconds):.3f})"
    )


def _weights(model: MLP) -> np.ndarray:
    return np.array([p.data for p in model.parameters()])


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


class ChaingradRun:
    """A training run through ``fit``, resumable: ``run(k)`` trains k more steps (the optimizer
    keeps its step count, so the schedule carries on) and returns each step's seconds."""

    def __init__(
        self, X: np.ndarray, y: np.ndarray, model: MLP, optimizer: SGD, loss: str, pause_gc: bool, compiled: bool
    ) -> None:
        self.X, self.y, self.model, self.optimizer, self.loss = X, y, model, optimizer, loss
        self.pause_gc, self.compiled = pause_gc, compiled

    @classmethod
    def moons(cls, seed: int, pause_gc: bool = True, compiled: bool = False) -> ChaingradRun:
        X, y, model, optimizer = demo_setup(seed)
        return cls(X, y, model, optimizer, DEMO.loss, pause_gc, compiled)

    def run(self, steps: int) -> list[float]:
        stamps = [time.thread_time()]
        fit(
            self.model,
            self.X,
            self.y,
            self.loss,
            self.optimizer,
            epochs=steps,
            reg=DEMO.l2,
            progress=False,
            callback=lambda *_: stamps.append(time.thread_time()),
            pause_gc=self.pause_gc,
            compiled=self.compiled,
        )
        return [b - a for a, b in zip(stamps, stamps[1:])]

    def final(self) -> tuple[float, float]:
        loss, acc = evaluate(self.model, self.X, self.y, self.loss, DEMO.l2, compiled=True)
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
        start = time.thread_time()
        scores = [self.model(r) for r in self.rows]
        margins = [(1 + -s * score).relu() for s, score in zip(self.signs, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        l2 = DEMO.l2 * sum(p * p for p in self.params)
        total = data_loss + l2
        self.accuracy = sum((score.data > 0) == (s > 0) for s, score in zip(self.signs, scores)) / len(self.signs)
        self.model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * self.k / self.total_steps
        for p in self.params:
            p.data -= lr * p.grad
        self.loss = total.data
        self.k += 1
        return time.thread_time() - start


def moons_lr(k: int) -> float:
    """The demo's rate at step k = 0, 1, ..., as chaingrad's linear_decay(1.0, 0.1, 100) computes it."""
    return DEMO.lr_start + (DEMO.lr_end - DEMO.lr_start) * min(k, DEMO.steps) / DEMO.steps


def profile_chaingrad(seed: int, steps: int, compiled: bool) -> str:
    """A cProfile table (by own time) of a chaingrad run."""
    run = ChaingradRun.moons(seed, compiled=compiled)
    profiler = cProfile.Profile()
    profiler.enable()
    run.run(steps)
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
    return buf.getvalue()


def moons(args: argparse.Namespace) -> None:
    print(f"two moons demo: {DEMO.model_text()} on {DEMO.describe()}")
    # One after the other, each from a clean heap: taking turns would let chaingrad's
    # collector runs clear micrograd's cyclic garbage and charge it to chaingrad.
    gc.collect()
    plain = ChaingradRun.moons(args.seed)
    p_steps = plain.run(args.steps)
    gc.collect()
    g_steps = ChaingradRun.moons(args.seed, pause_gc=False).run(args.steps)
    gc.collect()
    compiled = ChaingradRun.moons(args.seed, compiled=True)
    c_steps = compiled.run(args.steps)
    gc.collect()
    X, y, model, _ = demo_setup(args.seed)
    hand = NumpyMLP(model, DEMO.loss, DEMO.l2)
    n_steps = [hand.step(X, y, moons_lr(k)) for k in range(args.steps)]
    gc.collect()
    micro = MicrogradRun(args.seed, DEMO.steps)
    m_steps = [micro.step() for _ in range(args.micrograd_steps)]

    p_loss, p_acc = plain.final()
    c_loss, c_acc = compiled.final()
    print(f"chaingrad plain:    {len(p_steps):>3} steps, {_per_step(p_steps)} (loss {p_loss:.4f}, {100 * p_acc:.0f}%)")
    print(f"chaingrad plain:    {len(g_steps):>3} steps, {_per_step(g_steps)} with fit(pause_gc=False): collector on")
    print(
        f"chaingrad compiled: {len(c_steps):>3} steps, {_per_step(c_steps)} (loss {c_loss:.4f}, {100 * c_acc:.0f}%; "
        f"the first step, {1000 * c_steps[0]:.1f} ms, includes the tracing)"
    )
    print(
        f"numpy by hand:      {len(n_steps):>3} steps, {_per_step(n_steps)} (loss {hand.loss:.4f}, "
        f"{100 * hand.accuracy:.0f}% in its last step, before the update)"
    )
    print(
        f"micrograd:          {len(m_steps):>3} steps, {_per_step(m_steps)} "
        f"(timed the first {len(m_steps)} of the demo's {DEMO.steps} steps only; "
        f"loss {micro.loss:.4f}, accuracy {100 * micro.accuracy:.0f}% at step {len(m_steps)})"
    )
    print(f"micrograd step times: {', '.join(f'{s:.2f}' for s in m_steps)} s")

    m, p, c, h = (statistics.mean(s) for s in (m_steps, p_steps, c_steps, n_steps))
    if args.write:
        rows = [
            [f"micrograd {metadata.version('micrograd')}", f"{1000 * m:.1f}", "1"],
            ["chaingrad, plain engine", f"{1000 * p:.2f}", f"{m / p:.0f}"],
            ["chaingrad, plain engine, collector on", f"{1000 * statistics.mean(g_steps):.2f}",
             f"{m / statistics.mean(g_steps):.0f}"],
            ["chaingrad, compiled (tracing included)", f"{1000 * c:.3f}", f"{m / c:.0f}"],
            ["numpy, written by hand", f"{1000 * h:.3f}", f"{m / h:.0f}"],
        ]  # fmt: skip
        tables.write(
            "demo",
            "make bench",
            f"The moons demo ({DEMO.model_text()}, {DEMO.describe()}): mean CPU time of a training step; "
            f"micrograd timed on its first {len(m_steps)} steps",
            tables.markdown(["engine", "ms per step", "× faster than micrograd"], rows),
            f"Target: the plain engine ≥ {TARGET:g}× faster than micrograd: "
            f"{'met' if m / p >= TARGET else 'not met'} ({m / p:.0f}×).",
        )
    print()
    print(f"{'ms per step (mean)':<22}{'micrograd':>12}{'plain':>12}{'compiled':>12}{'numpy':>12}")
    print(f"{'':<22}{1000 * m:>12.2f}{1000 * p:>12.2f}{1000 * c:>12.3f}{1000 * h:>12.3f}")
    print(f"{'× faster than micrograd':<22}{1.0:>12.0f}{m / p:>12.1f}{m / c:>12.0f}{m / h:>12.0f}")
    print()
    ratio_median = statistics.median(m_steps) / statistics.median(p_steps)
    print(
        f"chaingrad plain is {m / p:.1f}× faster per step than micrograd (mean; {ratio_median:.1f}× by median) — "
        f"{'meets' if m / p >= TARGET else 'misses'} the target of {TARGET:g}×"
    )
    print(
        f"with the collector left on during fit: {m / statistics.mean(g_steps):.1f}× "
        f"(mean; {statistics.median(m_steps) / statistics.median(g_steps):.1f}× by median)"
    )
    print(
        f"chaingrad compiled is {m / c:.0f}× faster than micrograd (mean, tracing included; "
        f"{statistics.median(m_steps) / statistics.median(c_steps):.0f}× by median) — "
        f"{'meets' if m / c >= TARGET_COMPILED else 'misses'} the target of {TARGET_COMPILED:g}×"
    )
    print(
        f"chaingrad compiled takes {c / h:.1f}× the handwritten numpy time (mean; "
        f"{statistics.median(c_steps) / statistics.median(n_steps):.1f}× by median) — "
        f"{'meets' if c / h <= TARGET_NUMPY else 'misses'} the target of at most {TARGET_NUMPY:g}×; "
        f"compiled is {p / c:.0f}× faster than plain"
    )
    if len(p_steps) == len(c_steps):
        wp, wc = _weights(plain.model), _weights(compiled.model)
        agree, by_hand = _relative(wc, wp), _relative(hand.weights(), wp)
        print(
            f"weights after {len(p_steps)} steps: compiled vs plain differ by {agree:.1e} relative "
            f"({'within' if agree <= AGREE else 'NOT within'} {AGREE:g}); numpy vs plain by {by_hand:.1e}"
        )


def digits(args: argparse.Namespace) -> None:
    from nn.data import load_digits

    try:
        X, y = load_digits()
    except ImportError as e:
        print(f"\ndigits skipped: {e}")
        return
    print(
        f"\ndigits: {len(y)} samples × 64 pixels, MLP(64, [32, 10]), cross-entropy + 1e-4·L2, "
        f"SGD lr {DIGITS_LR:g}, full batch"
    )

    def run(compiled: bool, steps: int) -> tuple[ChaingradRun, list[float]]:
        model = MLP(64, [32, 10], seed=args.seed)
        r = ChaingradRun(X, y, model, SGD(model.parameters(), lr=DIGITS_LR), "ce", True, compiled)
        gc.collect()
        return r, r.run(steps)

    plain, p_steps = run(False, args.digits_plain_steps)
    compiled, c_steps = run(True, args.digits_plain_steps)
    agree = _relative(_weights(compiled.model), _weights(plain.model))
    more = compiled.run(args.digits_steps - args.digits_plain_steps)  # carries on, as one run
    c_steps += more
    hand = NumpyMLP(MLP(64, [32, 10], seed=args.seed), "ce", DEMO.l2)
    gc.collect()
    n_steps = [hand.step(X, y, DIGITS_LR) for _ in range(args.digits_steps)]
    c_loss, c_acc = evaluate(compiled.model, X, y, "ce", DEMO.l2, compiled=True)
    print(f"chaingrad plain:    {len(p_steps):>3} steps, {_per_step(p_steps)} (a few steps only: it is slow)")
    print(
        f"chaingrad compiled: {len(c_steps):>3} steps, {_per_step(c_steps)} (the first includes the tracing; "
        f"after {len(c_steps)} steps loss {c_loss:.4f}, training accuracy {100 * (c_acc or 0):.1f}%)"
    )
    print(f"numpy by hand:      {len(n_steps):>3} steps, {_per_step(n_steps)} (loss {hand.loss:.4f})")
    p, c, h = (statistics.mean(s) for s in (p_steps, c_steps, n_steps))
    by_median = statistics.median(p_steps) / statistics.median(c_steps)
    print(
        f"compiled is {p / c:.0f}× faster than plain (mean; {by_median:.0f}× by median) and takes {c / h:.1f}× "
        f"the numpy time; after {len(p_steps)} steps compiled and plain weights differ by {agree:.1e} relative"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=DEMO.steps, help="chaingrad and numpy steps (default 100)")
    parser.add_argument("--micrograd-steps", type=int, default=5, help="micrograd steps timed (default 5)")
    parser.add_argument("--digits-plain-steps", type=int, default=2, help="digits steps on the scalar engine (2)")
    parser.add_argument("--digits-steps", type=int, default=50, help="digits steps compiled and numpy (default 50)")
    parser.add_argument("--no-digits", dest="digits", action="store_false", help="skip the digits comparison")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and chaingrad's weights")
    parser.add_argument("--profile", action="store_true", help="print cProfile tables of chaingrad's runs")
    parser.add_argument("--no-write", dest="write", action="store_false", help="do not write docs/_bench/demo.md")
    args = parser.parse_args(argv)
    args.digits_steps = max(args.digits_steps, args.digits_plain_steps)

    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), numpy {np.__version__}, "
        f"micrograd {metadata.version('micrograd')}, garbage collector on (default settings), "
        f"BLAS: {one_thread.describe()}"
    )
    moons(args)
    if args.digits:
        digits(args)
    if args.profile:  # separate runs: the profiler's own cost would distort the timing above
        for compiled in (False, True):
            table = profile_chaingrad(args.seed, args.steps, compiled)
            what = "compiled" if compiled else "plain"
            print(f"\ncProfile of a second chaingrad {what} run ({args.steps} steps; profiling slows it down):")
            print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
