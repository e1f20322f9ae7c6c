"""chaingrad's network library: perceptron, layers, MLP, losses, regularizers, optimizers.

Read in this order: ``module`` (parameters, names, saving), ``layers`` (Neuron, Layer,
MLP), ``losses`` (losses, metrics, penalties), ``optim`` (SGD, Adam, schedules), then
``data`` (data sets), ``train`` (the training loop: ``nn.fit``) and ``cli`` (the command).
"""

from . import data, losses, optim, train
from .layers import ACTIVATIONS, MLP, Layer, Neuron, build, load_model
from .module import Module
from .optim import SGD, Adam, constant, inverse_sqrt, linear_decay
from .train import evaluate, fit

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
    "train",
    "fit",
    "evaluate",
]
