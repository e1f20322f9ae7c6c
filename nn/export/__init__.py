"""Take a model further: ONNX files and PyTorch-compatible weights, checked against chaingrad.

* ``to_onnx(model, path, dtype="float64")`` — an MLP as ONNX ``Gemm`` and activation nodes
  over a batch, or any traced ``CompiledGraph`` node by node (needs ``chaingrad[onnx]``);
* ``to_torch(model, directory)`` — the weights as a safetensors file named as the
  ``state_dict`` of the equivalent ``torch.nn.Sequential``, plus a Python file that builds
  that Sequential and loads them (needs ``chaingrad[safetensors]``; torch only to use them);
* ``load_torch_weights(path)`` — such a file back into an MLP.
"""

from .dense import Dense, ExportError, dense_layers
from .onnx_graph import to_onnx
from .torch_weights import load_torch_weights, to_torch

__all__ = ["to_onnx", "to_torch", "load_torch_weights", "ExportError", "Dense", "dense_layers"]
