"""chaingrad's network library: perceptron, layers, MLP, losses, regularizers, optimizers,
data sets, training and the ``chaingrad`` command.

Read in this order: ``module`` (parameters, names, saving), ``layers`` (Neuron, Layer,
MLP), ``losses`` (losses, metrics, penalties), ``optim`` (SGD, Adam, schedules), ``data``
(data sets), ``batches`` (the one X/y check, minibatches, splits) and ``userfiles``
(model and CSV files checked before use). Then training, gathered in ``train``:
``metrics`` (which class a score predicts), ``objectives`` (losses by name), ``outputs``
(reading any model), ``history`` (History, Convergence), ``evaluation`` (predict,
evaluate), ``replay`` (the compiled path), ``loop`` (``Training`` and ``fit``) and
``search`` (random search). Around it: ``plots`` (curves and decision boundaries),
``demo`` (the moons demo's settings), ``playground`` (the live widget, with
``playground_setup`` and ``playground_views``), ``export`` (ONNX and PyTorch-compatible
weights) and ``cli`` (the command). Both ``export`` and ``cli`` are packages; ``nn.export``
loads on first use (``import nn`` does not wait for it).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import data, losses, optim, train
from .evaluation import evaluate
from .layers import ACTIVATIONS, MLP, Layer, Neuron, build, load_model
from .loop import fit
from .module import Module
from .optim import SGD, Adam, constant, inverse_sqrt, linear_decay

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "ACTIVATIONS",
    "build",
    "load_model",
    "losses",
    "optim",
    "SGD",
    "Adam",
    "constant",
    "inverse_sqrt",
    "linear_decay",
    "data",
    "export",
    "train",
    "fit",
    "evaluate",
]

if TYPE_CHECKING:
    from . import export


def __getattr__(name: str) -> Any:
    """``nn.export``, imported when first asked for."""
    if name == "export":
        return import_module(".export", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
