"""Playground benchmark: epochs a second of the playground's background training, views
included, against its target of 100 epochs a second and against ``fit`` on the same data.

The set-up of the issue: 200 moons samples (noise 0.2), MLP(2, [8, 8, 1]) with tanh hidden
layers, binary cross-entropy, Adam at lr 0.03. Two runs: every sample in the training set
(test fraction 0, one batch an epoch), and the playground's default split (150 train, 50
test, the test loss and accuracy computed after every epoch) in batches of 32. Each runs
▶ for ``--epochs`` epochs in the background thread and is timed from ``play()`` to the end
of ``wait()``, so the views (boundary, neuron pictures, network, curves, redrawn every
0.2 s) and the thread's hand-overs are in the figure. ``fit(compiled=True)`` on the same
training set and settings is the reference: the ratio playground/fit is the price of the
live views.

The host is shared, so figures move by ±20 % from run to run: run it twice.

Run: ``make bench`` or ``.venv/bin/python bench/playground.py``.
"""

from __future__ import annotations

import argparse
import time

from nn import MLP, Adam, fit
from nn.playground import Playground

TARGET = 100.0  # epochs a second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args()
    print(f"playground: 200 moons samples, MLP(2, [8, 8, 1]) tanh, bce, Adam lr 0.03, {args.epochs} epochs")
    print(f"{'set-up':<34} {'playground':>12} {'fit':>12} {'vs target':>10} {'vs fit':>8}")
    for name, test_fraction, batch_size in (("all 200 in training, full batch", 0.0, 0),
                                            ("150 train + 50 test, batches of 32", 0.25, 32)):  # fmt: skip
        pg = Playground(dataset="moons", samples=200, noise=0.2, test_fraction=test_fraction, hidden=[8, 8],
                        activation="tanh", loss="bce", optimizer="adam", lr=0.03, batch_size=batch_size,
                        epochs=args.epochs, seed=0)  # fmt: skip
        start = time.perf_counter()
        pg.play()
        pg.wait()
        played = pg.epoch / (time.perf_counter() - start)
        assert pg.epoch == args.epochs, pg.stop_reason or pg.message
        model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
        X, y = pg.setup.X_train, pg.setup.y_train
        start = time.perf_counter()
        fit(model, X, y, "bce", Adam(model.parameters(), lr=0.03), epochs=args.epochs,
            batch_size=batch_size or None, compiled=True, progress=False)  # fmt: skip
        fitted = args.epochs / (time.perf_counter() - start)
        same = [p.data for p in model.parameters()] == [p.data for p in pg.run.model.parameters()]
        print(
            f"{name:<34} {played:>8.0f} e/s {fitted:>8.0f} e/s {played / TARGET:>9.1f}x {played / fitted:>7.2f}x"
            + ("" if same else "  (weights differ from fit!)")
        )


if __name__ == "__main__":
    main()
