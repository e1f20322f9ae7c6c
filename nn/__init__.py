"""chaingrad's network library: perceptron, layers, MLP, losses, regularizers, optimizers.

Read in this order: ``module`` (parameters, names, saving), ``layers`` (Neuron, Layer,
MLP), ``losses`` (losses, metrics, penalties), ``optim`` (SGD, Adam, schedules). Data sets
live in ``nn.data``, the training loop in ``nn.train`` and the command in ``nn.cli``.
"""

from . import losses, optim
from .layers import ACTIVATIONS, MLP, Layer, Neuron, build, load_model
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
]
