"""A model as dense layers: each one a weight matrix, a bias vector and an activation.

Both exporters start here: an ``MLP``, a ``Layer`` or a single ``Neuron`` computes
act(W·x + b) layer after layer, with ``W[j, i]`` = weight i of neuron j — the layout of an
ONNX ``Gemm`` (with ``transB``) and of ``torch.nn.Linear.weight``. ``load_dense`` writes such
layers back into a model, checking every shape before the first weight changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..layers import MLP, Layer, Neuron
from ..module import Module


class ExportError(ValueError):
    """A model or graph that an exporter cannot write; the message names what is in the way."""


DTYPES = ("float64", "float32")
"""The precisions both exporters write."""


def check_dtype(dtype: Any, where: str) -> np.dtype:
    """float64 or float32, as a numpy dtype; anything else is a ValueError naming it."""
    if dtype not in DTYPES:
        raise ValueError(f"{where}: dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return np.dtype(dtype)


@dataclass(frozen=True)
class Dense:
    """One layer: ``weight`` (nout, nin), ``bias`` (nout,), ``activation`` (a name of ``ACTIVATIONS``)."""

    weight: np.ndarray
    bias: np.ndarray
    activation: str


def _layers_of(model: Module, where: str) -> list[Layer] | Neuron:
    if isinstance(model, MLP):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    if isinstance(model, Neuron):
        return model
    raise ExportError(
        f"{where}: cannot export a {type(model).__name__} as dense layers (an MLP, a Layer or a Neuron can be); "
        "record any other function with autograd.trace and export the CompiledGraph"
    )


def dense_layers(model: Module, where: str = "export", grad: bool = False) -> list[Dense]:
    """The layers of an MLP, a Layer or a Neuron, as float64 arrays (copies of the weights,
    or with ``grad=True`` of their gradients ``.grad``, laid out the same way)."""
    layers = _layers_of(model, where)
    field = "grad" if grad else "data"
    if isinstance(layers, Neuron):
        n = layers
        return [Dense(np.array([[getattr(w, field) for w in n.w]]), np.array([getattr(n.b, field)]), n.activation)]
    return [
        Dense(
            np.array([[getattr(w, field) for w in n.w] for n in layer.neurons]),
            np.array([getattr(n.b, field) for n in layer.neurons]),
            layer.activation,
        )
        for layer in layers
    ]


def load_dense(model: Module, layers: list[Dense], where: str) -> None:
    """Set the weights of ``model`` from ``layers``: shapes checked first, then every value
    set through ``load_state_dict``, the one check that each is a finite number (an
    ExportError names ``where`` and the parameter), all or nothing."""
    mine = dense_layers(model, where)
    if len(mine) != len(layers):
        raise ExportError(f"{where}: the model has {len(mine)} layers, the weights have {len(layers)}")
    for k, (a, b) in enumerate(zip(mine, layers)):
        if a.weight.shape != b.weight.shape or a.bias.shape != b.bias.shape:
            raise ExportError(
                f"{where}: layer {k} of the model has weight {a.weight.shape} and bias {a.bias.shape}, "
                f"the file has {b.weight.shape} and {b.bias.shape}"
            )
    # named_parameters lists, layer by layer and neuron by neuron, the weights and then the bias
    values = [float(v) for d in layers for w, b in zip(d.weight.tolist(), d.bias.tolist()) for v in (*w, b)]
    try:
        model.load_state_dict({name: v for (name, _), v in zip(model.named_parameters(), values)})
    except ValueError as e:
        raise ExportError(f"{where}: {e}") from e
