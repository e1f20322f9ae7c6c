"""Reading any model the same way: its outputs for one sample as a list (a ``Neuron``
returns one Value, a ``Layer`` or ``MLP`` a list), how many outputs it has, and which of
its parameters are weights (the L2 penalty R(W) skips the biases, as in the lecture).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value, no_grad


def model_outputs(model: Any, x: Any) -> list[Value]:
    """The model's outputs for one sample, always as a list (a Neuron returns one Value)."""
    out = model(x)
    return [out] if isinstance(out, Value) else list(out)


def count_outputs(model: Any, X: np.ndarray) -> int:
    """How many outputs the model gives, found by running it on the first row of ``X``."""
    with no_grad():
        return len(model_outputs(model, X[0].tolist()))


def penalised_weights(model: Any) -> list[Value]:
    """The weights R(W) is taken over: every parameter but the biases."""
    if hasattr(model, "named_parameters"):
        return [p for name, p in model.named_parameters() if name != "b" and not name.endswith(".b")]
    return list(model.parameters())


def parameter_names(model: Any, count: int) -> list[str]:
    """The names of the model's ``count`` parameters (``p0``, ``p1``, ... for a model without names)."""
    if hasattr(model, "named_parameters"):
        return [name for name, _ in model.named_parameters()]
    return [f"p{i}" for i in range(count)]
