"""Take a model further: ONNX files and PyTorch-compatible weights, checked against chaingrad.

* ``to_onnx(model, path, dtype="float64")`` — an MLP as ONNX ``Gemm`` and activation nodes
  over a batch, or any traced ``CompiledGraph`` node by node (needs ``chaingrad[onnx]``);
* ``to_torch(model, directory)`` — the weights as a safetensors file named as the
  ``state_dict`` of the equivalent ``torch.nn.Sequential``, plus a Python file that builds
  that Sequential and loads them (needs ``chaingrad[safetensors]``; torch only to use them);
* ``load_torch_weights(path)`` — such a file back into an MLP.

The three load their modules on first use, so that ``import nn`` and the ``chaingrad``
command's start do not wait for them. ``DTYPES``, ``Dense``, ``dense_layers`` and
``ExportError`` (from ``dense``, which both exporters build on) load at once.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .dense import DTYPES, Dense, ExportError, dense_layers

if TYPE_CHECKING:
    from .onnx_graph import to_onnx
    from .torch_weights import load_torch_weights, to_torch

__all__ = ["to_onnx", "to_torch", "load_torch_weights", "ExportError", "Dense", "dense_layers", "DTYPES"]

HOMES = {"to_onnx": "onnx_graph", "to_torch": "torch_weights", "load_torch_weights": "torch_weights"}
"""The module each exporter is loaded from on first use."""


def __getattr__(name: str) -> Any:
    """``to_onnx``, ``to_torch`` and ``load_torch_weights``, imported when first asked for."""
    if name in HOMES:
        return getattr(import_module(f".{HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
