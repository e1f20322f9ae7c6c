"""The network pieces: ``Neuron`` (the perceptron), ``Layer`` and ``MLP``.

A neuron computes act(w·x + b). By default its pre-activation w·x + b is ONE ``dot`` node
of the engine (parents w₁..wₙ, x₁..xₙ, b), and its activation one more node, so a forward
pass makes two nodes per neuron: that keeps graphs small to draw and fast to
differentiate. ``binary=True`` builds the lecture's form instead, a chain of ``×`` and
``+`` nodes (w₁x₁ + w₂x₂ + ... + b), which gives the same numbers and gradients.

Initialisation (reproducible from the seed, numpy's ``default_rng``): weights are drawn
uniformly from [−a, a] with a scaled by the fan-in n: a = √(6/n) for relu (He: variance
2/n keeps the signal's size through relu layers) and a = √(3/n) otherwise (variance 1/n,
LeCun/Xavier-style for linear, tanh and sigmoid). Biases start at 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Value
from autograd.checks import count, is_count, is_real
from autograd.files import PathLike
from autograd.primitives import DOT, FLOAT
from autograd.value import node

from .module import Module, read_checkpoint

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "linear": None,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
}


def _check_activation(activation: Any, where: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    return activation


def _as_rng(rng: Any) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(count(rng, "rng (a numpy Generator, None or a seed)", "Neuron/Layer"))


def init_bound(nin: int, activation: str) -> float:
    """Half-width a of the uniform initialisation [−a, a] for a neuron with ``nin`` inputs."""
    return math.sqrt((6.0 if activation == "relu" else 3.0) / nin)


def as_inputs(x: Any, nin: int, where: str) -> tuple[Value, ...]:
    """The input as a tuple of Values: numbers are lifted to constant leaves once, here.

    Accepts a list/tuple of numbers or Values, a 1-D numpy array, or (when nin is 1) a
    single number or Value.
    """
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{where}: input must be one sample (a 1-D array), got an array of shape {x.shape}")
        items: Sequence[Any] = x.tolist()
    elif isinstance(x, (list, tuple)):
        items = x
    elif nin == 1 and (isinstance(x, Value) or is_real(x)):
        items = (x,)
    else:
        raise TypeError(f"{where}: input must be a list of numbers or Values or a 1-D numpy array, got {x!r}")
    if len(items) != nin:
        raise ValueError(f"{where}: expects {nin} inputs, got {len(items)}")
    return tuple(v if isinstance(v, Value) else Value(v) for v in items)


class Neuron(Module):
    """The perceptron: act(w·x + b) with weights ``w`` (list of Values) and bias ``b``."""

    def __init__(self, nin: int, activation: str = "linear", rng: Any = None, binary: bool = False) -> None:
        self.nin = count(nin, "nin (number of inputs)", "Neuron", at_least=1)
        self.activation = _check_activation(activation, "Neuron")
        self.binary = bool(binary)
        a = init_bound(self.nin, self.activation)
        self.w = [Value(float(v)) for v in _as_rng(rng).uniform(-a, a, self.nin)]
        self.b = Value(0.0)
        self._act = ACTIVATIONS[self.activation]
        _label(self)

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def config(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation, "binary": self.binary}

    def __call__(self, x: Any) -> Value:
        return self._run(as_inputs(x, self.nin, "Neuron"), self._read())

    def _read(self) -> tuple[list[float], float]:
        """The numbers of its weights and bias, read once for however many samples it runs on
        (``nn.outputs.outputs_of_rows`` runs a batch on one reading)."""
        return [p.data for p in self.w], self.b.data

    def _run(self, xs: Sequence[Value], numbers: tuple[list[float], float]) -> Value:
        return self._forward(xs, [v.data for v in xs], numbers)

    def _forward(self, xs: Sequence[Value], xd: list[float], numbers: tuple[list[float], float]) -> Value:
        """act(w·x + b) on inputs ``xs`` whose data ``xd`` the caller read once for all neurons,
        with the parameters' numbers (``_read``) it read once for all samples."""
        if self.binary:
            w = self.w
            out = w[0] * xs[0]
            for i in range(1, len(w)):
                out = out + w[i] * xs[i]
            out = out + self.b
        else:
            wd, bd = numbers
            # the dot row's forward, Σ wᵢxᵢ + b on floats, without packing 2n + 1 arguments
            out = node(FLOAT.dot(wd, xd) + bd, (*self.w, *xs, self.b), DOT)
        act = self._act
        return out if act is None else act(out)

    def _describe(self) -> str:
        return f"Neuron({self.nin} → 1 {self.activation})"


class Layer(Module):
    """``nout`` neurons that all read the same inputs; calling it returns a list of Values."""

    def __init__(self, nin: int, nout: int, activation: str = "linear", rng: Any = None, binary: bool = False) -> None:
        self.nin = count(nin, "nin (number of inputs)", "Layer", at_least=1)
        self.nout = count(nout, "nout (number of neurons)", "Layer", at_least=1)
        self.activation = _check_activation(activation, "Layer")
        self.binary = bool(binary)
        gen = _as_rng(rng)
        self.neurons = [Neuron(self.nin, self.activation, gen, self.binary) for _ in range(self.nout)]
        _label(self)

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{i}", n) for i, n in enumerate(self.neurons)]

    def config(self) -> dict[str, Any]:
        return {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "binary": self.binary,
        }

    def __call__(self, x: Any) -> list[Value]:
        return self._run(as_inputs(x, self.nin, "Layer"), self._read())

    def _read(self) -> list[tuple[list[float], float]]:
        """Its neurons' parameter numbers (``Neuron._read``), read once for many samples."""
        return [n._read() for n in self.neurons]

    def _run(self, xs: Sequence[Value], numbers: list[tuple[list[float], float]]) -> list[Value]:
        xd = [v.data for v in xs]
        return [n._forward(xs, xd, nd) for n, nd in zip(self.neurons, numbers)]

    def _describe(self) -> str:
        return f"Layer({self.nin} → {self.nout} {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` on ``nin`` inputs.

    Hidden layers use ``activation``, the last layer ``output_activation`` (linear by
    default: raw scores for the SVM or cross-entropy losses). Calling it returns a list of
    ``nouts[-1]`` Values, always a list, even for one output.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        seed: int = 0,
        binary: bool = False,
    ) -> None:
        self.nin = count(nin, "nin (number of inputs)", "MLP", at_least=1)
        if is_count(nouts) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes such as [16, 16, 1], got {nouts!r}")
        self.nouts = [count(n, "every layer size in nouts", "MLP", at_least=1) for n in nouts]
        self.activation = _check_activation(activation, "MLP")
        self.output_activation = _check_activation(output_activation, "MLP (output_activation)")
        self.seed = count(seed, "seed", "MLP")
        self.binary = bool(binary)
        gen = np.random.default_rng(self.seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], self.output_activation if i == last else self.activation, gen, self.binary)
            for i in range(len(self.nouts))
        ]
        _label(self)

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def config(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "seed": self.seed,
            "binary": self.binary,
        }

    def __call__(self, x: Any) -> list[Value]:
        return self._run(as_inputs(x, self.nin, "MLP"), self._read())

    def _read(self) -> list[list[tuple[list[float], float]]]:
        """Its layers' parameter numbers (``Layer._read``), read once for many samples."""
        return [layer._read() for layer in self.layers]

    def _run(self, xs: Sequence[Value], numbers: list[list[tuple[list[float], float]]]) -> list[Value]:
        for layer, nd in zip(self.layers, numbers):
            xs = layer._run(xs, nd)
        return list(xs)

    def _describe(self) -> str:
        hidden = "".join(f" → {layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin}{hidden})"


def _label(module: Module) -> None:
    """Label each parameter with its path, so drawn graphs name the weights."""
    for name, p in module.named_parameters():
        p.label = name


Model = Neuron | Layer | MLP  # what a model file holds

_BUILDERS: dict[str, Callable[[dict[str, Any]], Model]] = {
    "MLP": lambda c: MLP(
        c["nin"], c["nouts"], c["activation"], c["output_activation"], c.get("seed", 0), c.get("binary", False)
    ),
    "Layer": lambda c: Layer(c["nin"], c["nout"], c["activation"], None, c.get("binary", False)),
    "Neuron": lambda c: Neuron(c["nin"], c["activation"], None, c.get("binary", False)),
}


def build(config: dict[str, Any]) -> Model:
    """A fresh module from its ``config()`` (as stored in a model file)."""
    kind = config.get("type")
    if not isinstance(kind, str) or kind not in _BUILDERS:
        raise ValueError(f"unknown module type {kind!r} in config; known: {', '.join(_BUILDERS)}")
    try:
        return _BUILDERS[kind](config)
    except KeyError as e:
        raise ValueError(f"{kind} config is missing the key {e.args[0]!r}: {config}") from e


def _sizes(config: dict[str, Any]) -> list[int]:
    """Layer widths [nin, n₁, ..., n_out] of a config, each checked, before anything is built."""
    kind = config.get("type")
    try:
        nin = count(config["nin"], "nin", str(kind), at_least=1)
        if kind == "MLP":
            nouts = config["nouts"]
            if not isinstance(nouts, list) or not nouts:
                raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
            return [nin, *(count(n, "every layer size in nouts", "MLP", at_least=1) for n in nouts)]
        if kind == "Layer":
            return [nin, count(config["nout"], "nout", "Layer", at_least=1)]
    except KeyError as e:
        raise ValueError(f"{kind} config is missing the key {e.args[0]!r}") from e
    return [nin, 1]


def parameter_count(config: dict[str, Any]) -> int:
    """How many parameters ``build(config)`` would make, computed without building it."""
    if config.get("type") not in _BUILDERS:
        raise ValueError(f"unknown module type {config.get('type')!r} in config; known: {', '.join(_BUILDERS)}")
    sizes = _sizes(config)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def load_model(path: PathLike) -> Model:
    """Rebuild the model saved at ``path`` (by ``Module.save``) with its parameters.

    The config's sizes are checked, and the number of parameters they describe compared with
    the parameters the file holds, before the model is built: a file cannot ask for more
    memory than its own size accounts for.
    """
    doc = read_checkpoint(path)
    held = len(doc["parameters"])
    try:
        wanted = parameter_count(doc["config"])
    except (ValueError, TypeError) as e:
        raise ValueError(f"{path}: cannot rebuild the model: {e}") from e
    if wanted != held:
        raise ValueError(
            f"{path}: the config describes a model of {wanted:,} parameters but the file holds {held:,}; "
            "the file is corrupt or was edited"
        )
    try:
        model = build(doc["config"])
    except (ValueError, TypeError) as e:
        raise ValueError(f"{path}: cannot rebuild the model: {e}") from e
    model.load_checkpoint(doc, str(path))
    return model
