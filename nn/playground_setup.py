"""The playground's settings made real, and its views computed: the data set and its split
(a CSV file chosen in the browser is stored first), the MLP, the optimizer with its
schedule, the ``Training`` (compiled), the grids the views are drawn on, the compiled replay
of every neuron, a training point's loss graph, and ``render``, every view at the current
weights. Each setting is checked here, with a message that says what to change: the widget
shows it instead of raising.

``settings`` is any object with the playground's control names as attributes (the
``Playground`` widget itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Value, enable_grad
from autograd.checks import count, is_count, real
from autograd.compile import CompiledGraph, trace
from autograd.files import write_atomic

from . import data as D
from . import playground_views as views
from .layers import ACTIVATIONS, MLP, build
from .objectives import outputs_for
from .optim import OPTIMIZERS, SCHEDULES, Schedule, optimizer_named, schedule_named
from .outputs import model_outputs
from .plots import CLASS_COLORS, plane_grid
from .train import LOSS_NAMES, PENALTIES, Training
from .userfiles import MAX_FILE_BYTES

DATASETS = ("moons", "circles", "xor", "spirals", "blobs", "csv")
CHOICES = {
    "dataset": list(DATASETS),
    "activation": list(ACTIVATIONS),
    "loss": list(LOSS_NAMES),
    "optimizer": list(OPTIMIZERS),
    "schedule": list(SCHEDULES),
    "penalty": list(PENALTIES),
}
"""The values each menu of the widget offers."""
MAX_SAMPLES = 100_000
"""The most points a generated data set may have: more would stall the live views."""
MAX_WIDTH, MAX_LAYERS = 256, 8
"""The widest hidden layer and the most hidden layers the playground builds."""
BOUNDARY_GRID = 48
"""Grid points per side of the decision-boundary image."""
NEURON_GRID = 24
"""Grid points per side of each hidden neuron's image."""


def load_data(settings: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of the chosen data set: 2 features and class labels."""
    n, noise, seed, name = settings.samples, settings.noise, settings.seed, settings.dataset
    if name != "csv" and n > MAX_SAMPLES:
        raise ValueError(f"at most {MAX_SAMPLES} samples in the playground, got {n}")
    makers = {
        "moons": lambda: D.make_moons(n, noise, seed),
        "circles": lambda: D.make_circles(n, noise, seed=seed),
        "xor": lambda: D.make_xor(n, noise, seed),
        "spirals": lambda: D.make_spirals(n, settings.classes, noise, seed=seed),
        "blobs": lambda: D.make_blobs(n, centers=settings.classes, std=noise, seed=seed),
        "csv": lambda: D.load_csv(settings.csv_path),
    }
    if name not in makers:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "csv" and not settings.csv_path:
        raise ValueError("choose a CSV file: set csv_path to a file of two feature columns and a label column")
    X, y = makers[name]()
    if X.shape[1] != 2:
        raise ValueError(f"the playground draws the input plane: it needs 2 feature columns, got {X.shape[1]}")
    if y.dtype.kind not in "iu":
        raise ValueError(f"the playground classifies: labels must be classes, got numbers such as {y[:3].tolist()}")
    return X, y


def store_upload(folder: str | Path, name: str, text: str) -> Path:
    """A CSV file chosen in the browser (its name and text), written into ``folder`` under its
    own base name so that messages name it; refused above ``MAX_FILE_BYTES``, as any CSV is."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ValueError(f"{name}: {size} bytes is more than a CSV file may hold ({MAX_FILE_BYTES} bytes)")
    return write_atomic(Path(folder) / (Path(name).name or "data.csv"), text)


def make_schedule(settings: Any, batches: int) -> Schedule:
    """The learning-rate schedule named by ``settings.schedule`` (``nn.optim.schedule_named``,
    as ``chaingrad train`` builds it) over all the steps of ``settings.epochs`` epochs."""
    lr = real(settings.lr, "the learning rate (lr)", "Playground", above=0.0)
    return schedule_named(settings.schedule, lr, max(1, settings.epochs) * batches)


def check_tuning(settings: Any) -> None:
    """The controls that change a running training: penalty strength and kind, epochs."""
    real(settings.reg, "the penalty strength (reg)", "Playground", at_least=0.0)
    if settings.penalty not in PENALTIES:
        raise ValueError(f"unknown penalty {settings.penalty!r}; choose one of {', '.join(PENALTIES)}")
    count(settings.epochs, "the number of epochs", "Playground", at_least=1)


def trace_neurons(model: MLP) -> CompiledGraph:
    """Every neuron's output (the hidden layers', then the output layer's) as one compiled
    replay over a batch of points of the plane."""

    def every_neuron(xs: list[Value]) -> list[Value]:
        outs: list[Value] = []
        for layer in model.layers:
            xs = layer(xs)
            outs += xs
        return outs

    return trace(every_neuron, model.parameters(), inputs=2)


@dataclass
class Setup:
    """Everything built from the settings, for one run from epoch 0."""

    run: Training
    model: MLP
    batches: int
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    grid: np.ndarray
    """The boundary's BOUNDARY_GRID² points, then the neuron pictures' NEURON_GRID² points."""
    probe: CompiledGraph
    """Every neuron's output, traced once: one forward pass over ``grid`` draws every view."""
    points: dict[str, Any]
    test_loss: list[float] = field(default_factory=list)
    """The test set's loss after each epoch (empty without a test set)."""
    test_accuracy: list[float | None] = field(default_factory=list)


def build_setup(settings: Any) -> Setup:
    """Data, split, model, optimizer and the Training from the settings; a ValueError or
    TypeError says which setting is wrong."""
    X, y = load_data(settings)
    if settings.test_fraction:
        Xtr, Xte, ytr, yte = D.train_test_split(X, y, settings.test_fraction, seed=settings.seed)
    else:
        Xtr, Xte, ytr, yte = X, X[:0], y, y[:0]
    classes = int(y.max()) + 1
    loss = settings.loss
    outputs = outputs_for(loss, classes)
    if settings.activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {settings.activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    if settings.batch_size < 0:
        raise ValueError(f"the batch size must be >= 1 (or 0 for the whole set), got {settings.batch_size}")
    if len(settings.hidden) > MAX_LAYERS or any(h > MAX_WIDTH for h in settings.hidden):
        raise ValueError(f"at most {MAX_LAYERS} hidden layers of at most {MAX_WIDTH} neurons, got {settings.hidden}")
    check_tuning(settings)
    batch = settings.batch_size or None
    batches = 1 if batch is None else math.ceil(len(ytr) / batch)
    model = MLP(2, [*settings.hidden, outputs], activation=settings.activation, seed=settings.seed)
    optimizer = optimizer_named(settings.optimizer, model.parameters(), make_schedule(settings, batches))
    run = Training(
        model, Xtr, ytr, loss, optimizer, batch, settings.reg, settings.seed, compiled=True, penalty=settings.penalty
    )
    xx, yy = plane_grid(X, BOUNDARY_GRID)
    nx, ny = plane_grid(X, NEURON_GRID)
    lo, hi = np.array([xx.min(), yy.min()]), np.array([xx.max(), yy.max()])
    points = {
        "train": views.unit_points(Xtr, ytr, lo, hi),
        "test": views.unit_points(Xte, yte, lo, hi),
        "colors": CLASS_COLORS,
        "extent": [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])],
    }
    return Setup(
        run=run,
        model=model,
        batches=batches,
        X_train=Xtr,
        X_test=Xte,
        y_train=ytr,
        y_test=yte,
        grid=np.column_stack([np.concatenate([xx.ravel(), nx.ravel()]), np.concatenate([yy.ravel(), ny.ravel()])]),
        probe=trace_neurons(model),
        points=points,
    )


def loss_graph(setup: Setup, i: int) -> Value:
    """The loss of training point ``i`` as a graph of Values at the current weights, built
    on a copy of the model, so that its backward pass leaves the training untouched."""
    n = len(setup.y_train)
    if not is_count(i) or not 0 <= i < n:
        raise ValueError(f"explain_point needs a training point index in 0..{n - 1}, got {i!r}")
    copy = build(setup.model.config())
    copy.load_state_dict(setup.model.state_dict())
    target = int(setup.y_train[i])
    with enable_grad():
        inputs = [Value(v, label=f"x{k + 1}") for k, v in enumerate(setup.X_train[i].tolist())]
        loss = setup.run.obj.per_sample(model_outputs(copy, inputs), target)
    loss.label = f"loss of point {i} (class {target})"
    return loss


def render(setup: Setup) -> tuple[bytes, bytes, dict[str, Any]]:
    """Every view at the current weights: the boundary image, the hidden neurons' images, and
    the rest (network, curves, summary line) as plain data, for the ``Playground`` to send."""
    run, model = setup.run, setup.model
    n_out = model.layers[-1].nout
    out = setup.probe.forward(setup.grid)
    cells = BOUNDARY_GRID * BOUNDARY_GRID
    scores = out[:cells, -n_out:].reshape(BOUNDARY_GRID, BOUNDARY_GRID, n_out)
    hidden = out[cells:, :-n_out]
    h = run.history
    keep = views.thin(h.epochs)
    view = {
        "grid": BOUNDARY_GRID,
        "neuron_grid": NEURON_GRID,
        "network": views.network_diagram(model),
        "curves": {
            "epoch": [i + 1 for i in keep],
            "train_loss": views.series(h.loss, keep),
            "test_loss": views.series(setup.test_loss, keep),
            "train_accuracy": views.series(h.accuracy, keep),
            "test_accuracy": views.series(setup.test_accuracy, keep),
        },
        "summary": views.summary_line(h, setup.test_loss, setup.test_accuracy),
    }
    boundary = views.boundary_image(scores, run.obj.threshold)
    return boundary, views.neuron_images(hidden.reshape(NEURON_GRID, NEURON_GRID, -1)), view
