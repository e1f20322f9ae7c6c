"""Reading any model the same way: its outputs for one sample as a list (a ``Neuron``
returns one Value, a ``Layer`` or ``MLP`` a list) or for a batch of rows, how many outputs
it has, and which of its parameters are weights (the L2 penalty R(W) skips the biases, as
in the lecture).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value, no_grad

from .layers import MLP, Layer, Neuron, as_inputs


def model_outputs(model: Any, x: Any) -> list[Value]:
    """The model's outputs for one sample, always as a list (a Neuron returns one Value)."""
    out = model(x)
    return [out] if isinstance(out, Value) else list(out)


# the calls that are _run(inputs, _read()), with the name their errors give the model
_READ_ONCE = {Neuron.__call__: "Neuron", Layer.__call__: "Layer", MLP.__call__: "MLP"}


def outputs_of_rows(model: Any, rows: list[Any]) -> list[list[Value]]:
    """``model_outputs`` of each row. A Neuron, Layer or MLP (its call is
    ``_run(inputs, _read())``) reads the numbers of its parameters once for all the rows,
    where calling it row by row would read each weight once a row. A model of any other
    kind, a subclass with a call of its own included, is called once a row."""
    where = _READ_ONCE.get(type(model).__call__)
    if where is None:
        return [model_outputs(model, x) for x in rows]
    numbers, run = model._read(), model._run
    outs = [run(as_inputs(x, model.nin, where), numbers) for x in rows]
    return [[out] for out in outs] if isinstance(model, Neuron) else outs


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
