"""Engine benchmark: chaingrad against micrograd, in one run, on the same graphs.

Two workloads, each built and differentiated by both engines under default interpreter
settings (the cyclic garbage collector on):

(a) chain: x ← x·a, x ← x + b, alternately, for 300 operations from a fresh leaf x, then
    backward; repeated 1,000 times per round. 300 keeps micrograd's recursive topological
    sort well inside the default recursion limit (it dies near depth 1000).
(b) mlp: one MLP(2, [16, 16, 1]) (relu hidden layers, linear output) forward and backward
    per sample. micrograd uses micrograd.nn.MLP; chaingrad builds the same network from
    Values with one ``Value.dot`` per neuron (a neuron is one node) and micrograd's weights.

Time per Value = time of forward + backward (+ freeing the graphs: each round ends with a
``gc.collect()``, so an engine that leaves cycles pays for them) divided by the number of
Values the forward pass created (every node reachable from the output that is not a
parameter or a shared leaf). Each round is timed for both engines, alternating; the table
shows the median round. Peak memory per Value is tracemalloc's peak while building and
differentiating a batch of graphs, divided by the Values they hold.

Run: ``make bench`` or ``.venv/bin/python bench/engine.py`` (micrograd==0.1.0 from PyPI:
``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import tables

from autograd import Value as CValue

try:
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("bench/engine.py compares against micrograd: pip install micrograd==0.1.0 (or pip install -e '.[bench]')")

TARGET_CHAIN = 0.25  # chaingrad's time per Value on the chain, against micrograd's
CHAIN_OPS = 300
CHAIN_REPEATS = 1_000
MLP_SHAPE = (2, [16, 16, 1])
MLP_SAMPLES = 300


@dataclass
class Round:
    forward: float  # seconds
    backward: float
    total: float  # forward + backward + the final gc.collect()
    created: int  # Values created by the forward passes


# ---------------------------------------------------------------------------------------
# Counting nodes
# ---------------------------------------------------------------------------------------


def _parents(v: Any) -> Any:
    return v.parents if isinstance(v, CValue) else v._prev


def count_created(root: Any, existing: set[int]) -> int:
    """Values reachable from root, minus those that existed before the forward pass."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.extend(_parents(v))
    return len(seen - existing)


# ---------------------------------------------------------------------------------------
# (a) the chain
# ---------------------------------------------------------------------------------------


def chain_forward(V: Callable[[float], Any], a: Any, b: Any) -> Any:
    x = V(1.0)
    for _ in range(CHAIN_OPS // 2):
        x = x * a
        x = x + b
    return x


def chain_round(V: Callable[[float], Any]) -> Round:
    a, b = V(0.999), V(0.001)
    created = count_created(chain_forward(V, a, b), {id(a), id(b)}) * CHAIN_REPEATS
    clock = time.thread_time  # CPU time of this thread: other processes on the machine count little
    fwd = bwd = 0.0
    start = clock()
    for _ in range(CHAIN_REPEATS):
        t0 = clock()
        x = chain_forward(V, a, b)
        t1 = clock()
        x.backward()
        t2 = clock()
        fwd += t1 - t0
        bwd += t2 - t1
    del x
    gc.collect()
    return Round(fwd, bwd, clock() - start, created)


# ---------------------------------------------------------------------------------------
# (b) the MLP
# ---------------------------------------------------------------------------------------


def micrograd_mlp() -> Any:
    random.seed(0)
    return MMLP(*MLP_SHAPE)


def chaingrad_mlp(reference: Any) -> list[list[tuple[list[CValue], CValue]]]:
    """The same network as micrograd's: per layer, per neuron, (weights, bias)."""
    return [[([CValue(w.data) for w in n.w], CValue(n.b.data)) for n in layer.neurons] for layer in reference.layers]


def chaingrad_forward(layers: list[list[tuple[list[CValue], CValue]]], x: list[CValue]) -> CValue:
    last = len(layers) - 1
    for i, layer in enumerate(layers):
        if i < last:
            x = [CValue.dot(w, x, b).relu() for w, b in layer]
        else:
            x = [CValue.dot(w, x, b) for w, b in layer]
    return x[0]


def mlp_engines() -> dict[str, tuple[Callable[[list[float]], Any], set[int]]]:
    """name -> (forward from a sample, ids of the parameters)."""
    ref = micrograd_mlp()
    ours = chaingrad_mlp(ref)
    cparams = [v for layer in ours for w, b in layer for v in (*w, b)]
    return {
        "chaingrad": (lambda s: chaingrad_forward(ours, [CValue(s[0]), CValue(s[1])]), {id(p) for p in cparams}),
        "micrograd": (lambda s: ref([MValue(s[0]), MValue(s[1])]), {id(p) for p in ref.parameters()}),
    }


SAMPLES = [(random.Random(i).uniform(-2, 2), random.Random(-i - 1).uniform(-2, 2)) for i in range(MLP_SAMPLES)]


def mlp_round(forward: Callable[[list[float]], Any], params: set[int]) -> Round:
    created = sum(count_created(forward(s), params) for s in SAMPLES[:10]) * MLP_SAMPLES // 10
    clock = time.thread_time  # CPU time of this thread: other processes on the machine count little
    fwd = bwd = 0.0
    start = clock()
    for s in SAMPLES:
        t0 = clock()
        y = forward(s)
        t1 = clock()
        y.backward()
        t2 = clock()
        fwd += t1 - t0
        bwd += t2 - t1
    del y
    gc.collect()
    return Round(fwd, bwd, clock() - start, created)


def check_same_network() -> None:
    """The two MLPs compute the same function with the same gradients (else the race is void)."""
    ref = micrograd_mlp()
    ours = chaingrad_mlp(ref)
    for s in SAMPLES[:5]:
        ym = ref([MValue(s[0]), MValue(s[1])])
        yc = chaingrad_forward(ours, [CValue(s[0]), CValue(s[1])])
        assert abs(ym.data - yc.data) <= 1e-12 * max(1.0, abs(ym.data)), (ym.data, yc.data)
        ym.backward()
        yc.backward()
    mgrads = [p.grad for p in ref.parameters()]
    cgrads = [v.grad for layer in ours for w, b in layer for v in (*w, b)]
    assert all(abs(m - c) <= 1e-9 * max(1.0, abs(m)) for m, c in zip(mgrads, cgrads))


# ---------------------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------------------


def peak_per_value(build: Callable[[], tuple[Any, int]], graphs: int) -> tuple[float, float]:
    """(peak bytes per Value, peak bytes per graph) while ``graphs`` graphs are alive."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        kept, values = [], 0
        for _ in range(graphs):
            root, n = build()
            root.backward()
            kept.append(root)
            values += n
        peak = tracemalloc.get_traced_memory()[1] - base
        del kept
    finally:
        tracemalloc.stop()
    return peak / values, peak / graphs


def memory_table() -> dict[tuple[str, str], tuple[float, float]]:
    out = {}
    for name, V in (("chaingrad", CValue), ("micrograd", MValue)):
        a, b = V(0.999), V(0.001)

        def chain(V=V, a=a, b=b) -> tuple[Any, int]:
            root = chain_forward(V, a, b)
            return root, count_created(root, {id(a), id(b)})

        out[("chain", name)] = peak_per_value(chain, 100)
    for name, (forward, params) in mlp_engines().items():

        def mlp(forward=forward, params=params) -> tuple[Any, int]:
            root = forward(SAMPLES[0])
            return root, count_created(root, params)

        out[("mlp", name)] = peak_per_value(mlp, 100)
    return out


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def median_round(rounds: list[Round]) -> Round:
    return sorted(rounds, key=lambda r: r.total)[len(rounds) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per workload and engine (median shown)")
    parser.add_argument("--no-write", dest="write", action="store_false", help="do not write docs/_bench/engine.md")
    args = parser.parse_args(argv)

    check_same_network()
    engines = {"chaingrad": CValue, "micrograd": MValue}
    mlps = mlp_engines()
    timings: dict[tuple[str, str], list[Round]] = {}
    for _ in range(args.rounds):
        for name, V in engines.items():  # alternate engines so drift in machine load hits both
            timings.setdefault(("chain", name), []).append(chain_round(V))
        for name, (forward, params) in mlps.items():
            timings.setdefault(("mlp", name), []).append(mlp_round(forward, params))
    memory = memory_table()

    print(
        f"chaingrad vs micrograd {metadata.version('micrograd')} - Python {platform.python_version()} "
        f"on {platform.machine()}, gc {'on' if gc.isenabled() else 'off'}, median of {args.rounds} rounds"
    )
    print(
        f"chain: {CHAIN_OPS} binary ops x {CHAIN_REPEATS} graphs per round; "
        f"mlp: MLP{MLP_SHAPE[0], MLP_SHAPE[1]} forward+backward on {MLP_SAMPLES} samples per round"
    )
    print("time per Value = (forward + backward + freeing) / Values created by the forward pass\n")
    header = (
        f"{'workload':<8} {'engine':<10} {'Values/graph':>12} {'fwd ns/V':>9} {'bwd ns/V':>9} "
        f"{'total ns/V':>10} {'us/graph':>9} {'peak B/V':>9} {'peak KB/graph':>13}"
    )
    print(header)
    print("-" * len(header))
    graphs = {"chain": CHAIN_REPEATS, "mlp": MLP_SAMPLES}
    for workload in ("chain", "mlp"):
        for name in engines:
            r = median_round(timings[(workload, name)])
            per_v, per_g = memory[(workload, name)]
            print(
                f"{workload:<8} {name:<10} {r.created // graphs[workload]:>12} "
                f"{r.forward / r.created * 1e9:>9.0f} {r.backward / r.created * 1e9:>9.0f} "
                f"{r.total / r.created * 1e9:>10.0f} {r.total / graphs[workload] * 1e6:>9.1f} "
                f"{per_v:>9.0f} {per_g / 1024:>13.1f}"
            )
    print()
    for workload in ("chain", "mlp"):
        c, m = (median_round(timings[(workload, n)]) for n in engines)
        per_value = (c.total / c.created) / (m.total / m.created)
        per_graph = c.total / m.total
        mem = memory[(workload, "chaingrad")][0] / memory[(workload, "micrograd")][0]
        print(
            f"{workload:<6} chaingrad/micrograd: time per Value {per_value:.2f}x, "
            f"time per graph {per_graph:.2f}x, peak memory per Value {mem:.2f}x"
        )
    c, m = (median_round(timings[("chain", n)]) for n in engines)
    ratio = (c.total / c.created) / (m.total / m.created)
    verdict = f"{'met' if ratio <= TARGET_CHAIN else 'not met'} ({ratio:.3f}×)"
    print(f"\ntarget: chain time per Value <= {TARGET_CHAIN:g}x micrograd's: {verdict}")
    if args.write:
        rows = []
        for workload in ("chain", "mlp"):
            c, m = (median_round(timings[(workload, n)]) for n in engines)
            for name, r in (("chaingrad", c), ("micrograd", m)):
                per_v = memory[(workload, name)][0]
                rows.append(
                    [workload, name, str(r.created // graphs[workload]), f"{r.total / r.created * 1e9:.0f}",
                     f"{r.total / graphs[workload] * 1e6:.1f}", f"{per_v:.0f}"]
                )  # fmt: skip
            per_value = (c.total / c.created) / (m.total / m.created)
            mem = memory[(workload, "chaingrad")][0] / memory[(workload, "micrograd")][0]
            ratios = [f"{per_value:.2f}×", f"{c.total / m.total:.2f}×", f"{mem:.2f}×"]
            rows.append([workload, "chaingrad ÷ micrograd", "", *ratios])
        tables.write(
            "engine",
            "make bench",
            f"chaingrad against micrograd {metadata.version('micrograd')}: forward + backward + freeing, CPU time of "
            f"the thread, median of {args.rounds} rounds; chain: {CHAIN_OPS} binary operations from a leaf, mlp: "
            f"MLP{MLP_SHAPE[0], MLP_SHAPE[1]} on one sample",
            tables.markdown(
                ["workload", "engine", "Values per graph", "ns per Value", "µs per graph", "peak bytes per Value"],
                rows,
                right={2, 3, 4, 5},
            ),
            f"Target: the chain's time per Value ≤ {TARGET_CHAIN:g}× micrograd's: {verdict}.",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
