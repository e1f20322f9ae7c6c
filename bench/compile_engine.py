"""Plain engine vs compiled replay vs a handwritten numpy MLP: time of one forward+backward
pass over a batch (random data), and the ratios.

Cases: MLP(2, [16, 16, 1]) with the binary hinge loss on a batch of 100 (the moons demo's
shape) and MLP(64, [32, 10]) with cross-entropy on a batch of 1,797 (digits' shape).

    .venv/bin/python bench/compile_engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from autograd import Value
from autograd.compile import one_hot, pick, trace
from nn.layers import MLP


def binary_hinge(scores: list[Value], ys: list[Value]) -> Value:
    return (1.0 - ys[0] * scores[0]).relu()


def cross_entropy(scores: list[Value], onehot: list[Value]) -> Value:
    sy = pick(scores, onehot)
    return Value.sum([(s - sy).exp() for s in scores]).log()


def best_time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def numpy_mlp(model: MLP, kind: str) -> Callable[[np.ndarray, np.ndarray], tuple[float, list[np.ndarray]]]:
    """The same network written directly with numpy (relu hidden layers, linear output)."""
    Ws = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in model.layers]
    bs = [np.array([n.b.data for n in layer.neurons]) for layer in model.layers]

    def step(X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        hs = [X]
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = hs[-1] @ W.T + b
            hs.append(z if i == len(Ws) - 1 else np.maximum(z, 0.0))
        s = hs[-1]
        if kind == "hinge":
            margin = 1.0 - y * s[:, 0]
            loss = np.maximum(margin, 0.0).sum()
            g = np.where(margin > 0.0, -y, 0.0)[:, None]
        else:
            e = np.exp(s - s.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            loss = -np.log(p[np.arange(len(y)), y]).sum()
            g = p
            g[np.arange(len(y)), y] -= 1.0
        grads = []
        for i in range(len(Ws) - 1, -1, -1):
            grads += [g.T @ hs[i], g.sum(axis=0)]
            if i:
                g = (g @ Ws[i]) * (hs[i] > 0.0)
        return loss, grads

    return step


def case(name: str, nin: int, nouts: list[int], batch: int, kind: str, repeat: int) -> None:
    rng = np.random.default_rng(0)
    model = MLP(nin, nouts, seed=0)
    params = model.parameters()
    X = rng.normal(size=(batch, nin))
    if kind == "hinge":
        y = rng.choice([-1.0, 1.0], size=batch)
        net = trace(lambda xs, ys: binary_hinge(model(xs), ys), params, inputs=nin, labels=1)
        labels = [[Value(v)] for v in y]
        loss_fn = binary_hinge
    else:
        y = rng.integers(0, nouts[-1], size=batch)
        net = trace(lambda xs, ys: cross_entropy(model(xs), ys), params, inputs=nin, labels=nouts[-1], one_hot=True)
        labels = [one_hot(int(c), nouts[-1]) for c in y]
        loss_fn = cross_entropy
    rows = [[float(v) for v in x] for x in X]

    def plain() -> None:
        for x, t in zip(rows, labels):
            loss_fn(model(x), t).backward()

    def compiled() -> None:
        net.forward(X, y)
        net.backward()

    handwritten = numpy_mlp(model, kind)
    t_plain = best_time(plain, max(1, repeat // 5))
    t_comp = best_time(compiled, repeat)
    t_np = best_time(lambda: handwritten(X, y), repeat)
    print(f"{name}: MLP({nin}, {nouts}), {kind} loss, batch {batch}, {len(params)} parameters")
    print(f"  plan: {net!r}")
    for line in net.describe().splitlines()[1:]:
        print(f"    {line.strip()}")
    print(f"  plain engine (per-sample loop) {t_plain * 1e3:10.2f} ms per batch")
    print(f"  compiled replay                {t_comp * 1e3:10.3f} ms per batch")
    print(f"  handwritten numpy              {t_np * 1e3:10.3f} ms per batch")
    print(f"  compiled is {t_plain / t_comp:,.0f}x faster than plain, {t_comp / t_np:.1f}x the handwritten numpy time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions (best is kept)")
    args = parser.parse_args()
    case("moons-shaped", 2, [16, 16, 1], 100, "hinge", args.repeat)
    case("digits-shaped", 64, [32, 10], 1797, "ce", args.repeat)


if __name__ == "__main__":
    main()
