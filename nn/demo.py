"""The moons demo's settings, in one place: micrograd's classic set-up, which
``chaingrad demo``, the benchmark and the documentation all run.

100 two-moons samples (noise 0.1), MLP(2, [16, 16, 1]) with relu hidden layers, the SVM
max-margin loss + 1e-4·L2, SGD with the rate 1.0 − 0.9·k/100, 100 full-batch steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import make_moons
from .layers import MLP
from .optim import SGD, linear_decay


@dataclass(frozen=True)
class DemoSettings:
    """What the demo trains: data, model, loss, penalty and schedule."""

    samples: int = 100
    noise: float = 0.1
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    loss: str = "svm"
    l2: float = 1e-4
    steps: int = 100
    lr_start: float = 1.0
    lr_end: float = 0.1

    def lr_text(self) -> str:
        """The schedule as the lecture writes it: "1.0 − 0.9·k/100"."""
        return f"{self.lr_start:g} − {self.lr_start - self.lr_end:g}·k/{self.steps}"

    def model_text(self) -> str:
        """The model as it is written: "MLP(2, [16, 16, 1])"."""
        return f"MLP(2, {[*self.hidden, 1]})"

    def describe(self) -> str:
        """What the demo trains on, and how, in one line."""
        return (
            f"{self.samples} two-moons samples: SVM max-margin loss + {self.l2:g}·L2, "
            f"SGD with lr {self.lr_text()}, {self.steps} full-batch steps"
        )


DEMO = DemoSettings()


def demo_setup(seed: int = 0, settings: DemoSettings = DEMO) -> tuple[np.ndarray, np.ndarray, MLP, SGD]:
    """The demo's data, model and optimizer; train them with
    ``fit(model, X, y, loss=settings.loss, optimizer=optimizer, reg=settings.l2, epochs=settings.steps)``."""
    X, y = make_moons(settings.samples, noise=settings.noise, seed=seed)
    model = MLP(2, [*settings.hidden, 1], activation=settings.activation, seed=seed)
    optimizer = SGD(model.parameters(), lr=linear_decay(settings.lr_start, settings.lr_end, settings.steps))
    return X, y, model, optimizer
