"""ONNX files: ``to_onnx`` writes an MLP as ``Gemm`` and activation nodes, or a traced graph.

An ``MLP`` (or a ``Layer`` or ``Neuron``) becomes one ``Gemm`` per layer — y = x·Wᵀ + b over a
whole batch — followed by its activation (``Relu``, ``Tanh``, ``Sigmoid``; none for linear).
A ``CompiledGraph`` (what ``autograd.trace`` records from any function built from the table)
becomes its program, translated by ``nn.export.onnx_program``. Either way the graph reads
``x`` of shape (batch, inputs) and is checked with ``onnx.checker`` before the file is written,
atomically, so a failed export leaves no file behind.

ONNX is an optional dependency: ``pip install 'chaingrad[onnx]'``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.compile import CompiledGraph
from autograd.files import PathLike, write_atomic

from ..layers import MLP
from ..module import Module
from .dense import ExportError, check_dtype, dense_layers
from .onnx_program import program_graph

OPSET = 17
"""The ONNX operator set the files use (Gemm, Sum, Pow and the activations as of opset 17)."""
IR_VERSION = 8
"""The file format version that goes with opset 17, so that older runtimes read the files."""
ACTIVATION_OPS = {"linear": None, "relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def load_onnx() -> Any:
    """The ``onnx`` package, or an ImportError that says how to install it."""
    try:
        import onnx
    except ImportError as e:
        raise ImportError("ONNX export needs the onnx package: pip install 'chaingrad[onnx]'") from e
    return onnx


class GraphBuilder:
    """The nodes and initializers of one ONNX graph, each output given a fresh name."""

    def __init__(self, onnx: Any, dtype: np.dtype) -> None:
        self.onnx, self.dtype = onnx, dtype
        self.elem_type = onnx.helper.np_dtype_to_tensor_dtype(dtype)
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._names: set[str] = set()

    def fresh(self, hint: str) -> str:
        name, k = hint, 1
        while name in self._names:
            k += 1
            name = f"{hint}_{k}"
        self._names.add(name)
        return name

    def tensor(self, value: Any, hint: str, dtype: np.dtype | None = None) -> str:
        """An initializer holding ``value`` (in the graph's dtype unless ``dtype`` is given)."""
        name = self.fresh(hint)
        array = np.asarray(value, dtype=dtype or self.dtype)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str, **attrs: Any) -> str:
        """A node of ``op_type`` on ``inputs``; returns the name of its one output."""
        out = self.fresh(hint)
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def rename(self, tensor: str, name: str) -> None:
        """Make ``tensor`` available as the graph output ``name``."""
        self.nodes.append(self.onnx.helper.make_node("Identity", [tensor], [name], name=name))

    def value_info(self, name: str, shape: list[Any]) -> Any:
        return self.onnx.helper.make_tensor_value_info(name, self.elem_type, shape)

    def model(self, name: str, inputs: list[Any], outputs: list[Any], doc: str) -> Any:
        """The checked ModelProto of this graph."""
        helper = self.onnx.helper
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.initializers, doc_string=doc)
        proto = helper.make_model(
            graph, producer_name="chaingrad", opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION
        )
        try:
            self.onnx.checker.check_model(proto, full_check=True)
        except self.onnx.checker.ValidationError as e:
            raise ExportError(f"the exported graph {name!r} does not pass onnx.checker: {e}") from e
        return proto


def mlp_model(onnx: Any, model: Module, dtype: np.dtype) -> Any:
    """An MLP, Layer or Neuron as a ModelProto: x (batch, nin) → Gemm → activation → ... → y."""
    layers = dense_layers(model, "to_onnx")
    b = GraphBuilder(onnx, dtype)
    h = "x"
    for k, layer in enumerate(layers):
        name = f"layers.{k}" if isinstance(model, MLP) else "layer"
        w = b.tensor(layer.weight, f"{name}.weight")
        bias = b.tensor(layer.bias, f"{name}.bias")
        h = b.op("Gemm", [h, w, bias], f"{name}.gemm", transB=1)
        act = ACTIVATION_OPS[layer.activation]
        if act is not None:
            h = b.op(act, [h], f"{name}.{layer.activation}")
    b.rename(h, "y")
    nin, nout = layers[0].weight.shape[1], layers[-1].weight.shape[0]
    return b.model(
        type(model).__name__,
        [b.value_info("x", ["batch", nin])],
        [b.value_info("y", ["batch", nout])],
        f"chaingrad {model!r}: y = model(x) for each row x of the batch",
    )


def to_onnx(model: Module | CompiledGraph, path: PathLike, dtype: str = "float64") -> Any:
    """Write ``model`` to the ONNX file ``path`` and return the checked ModelProto.

    ``model`` is an MLP, a Layer or a Neuron (Gemm and activation nodes: input ``x`` of shape
    (batch, nin), output ``y`` of shape (batch, nout)), or a ``CompiledGraph`` from
    ``autograd.trace`` (see ``nn.export.onnx_program``). ``dtype`` is "float64" (the numbers
    chaingrad computes) or "float32" (what most runtimes expect). The weights are copied as they
    are now. A primitive or a graph ONNX cannot express raises ``ExportError`` naming it,
    before any file is touched.
    """
    np_dtype = check_dtype(dtype, "to_onnx")
    onnx = load_onnx()
    if isinstance(model, CompiledGraph):
        proto = program_graph(GraphBuilder(onnx, np_dtype), model)
    elif isinstance(model, Module):
        proto = mlp_model(onnx, model, np_dtype)
    else:
        raise ExportError(
            f"to_onnx: cannot export {type(model).__name__} {model!r}: give an MLP, a Layer, a Neuron or a "
            "CompiledGraph from autograd.trace"
        )
    write_atomic(path, proto.SerializeToString())
    return proto
