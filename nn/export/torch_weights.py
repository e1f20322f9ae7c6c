"""PyTorch-compatible weights: ``to_torch`` writes them, ``load_torch_weights`` reads them back.

An MLP is the ``torch.nn.Sequential`` of a ``Linear`` per layer, each followed by its
activation module (``ReLU``, ``Tanh``, ``Sigmoid``; none for linear). That Sequential's
``state_dict`` names the weights by module index — ``0.weight`` (nout, nin), ``0.bias``,
``2.weight``, ... — and ``to_torch`` writes exactly those names to ``model.safetensors``
(float64 by default, so the numbers are chaingrad's to the last bit), with the layers'
activations in the file's metadata, and ``model.py``, a small script that builds the
Sequential and loads the file. torch is not needed to write them, only to use them.

``load_torch_weights`` reads such a file — or one saved from a PyTorch Sequential of that
form with ``safetensors.torch.save_file(model.state_dict(), path)`` — into a new ``MLP``.
The file is checked before anything is built, as model files are (``nn.userfiles``): a
regular file of at most ``MAX_FILE_BYTES``; then a readable header, only ``N.weight`` and
``N.bias`` tensors of float type, whose shapes chain.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

from autograd.checks import is_count
from autograd.files import PathLike, write_atomic

from ..layers import ACTIVATIONS, MLP
from ..module import Module
from ..userfiles import MAX_FILE_BYTES, read_user_bytes
from .dense import Dense, ExportError, check_dtype, dense_layers, load_dense

WEIGHTS_FILE = "model.safetensors"
SCRIPT_FILE = "model.py"
TORCH_MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
METADATA_KEY = "chaingrad.activations"
_NAME = re.compile(r"(0|[1-9][0-9]*)\.(weight|bias)")
_DTYPES = {"F64": np.float64, "F32": np.float32}


def load_safetensors_numpy() -> Any:
    """``safetensors.numpy``, or an ImportError that says how to install it."""
    try:
        import safetensors.numpy
    except ImportError as e:
        raise ImportError("PyTorch export needs the safetensors package: pip install 'chaingrad[safetensors]'") from e
    return safetensors.numpy


def torch_state(layers: list[Dense]) -> dict[str, np.ndarray]:
    """The state_dict of the equivalent Sequential: ``{index}.weight`` and ``{index}.bias`` of
    each Linear, the index counting the activation modules in between."""
    state, index = {}, 0
    for layer in layers:
        state[f"{index}.weight"] = layer.weight
        state[f"{index}.bias"] = layer.bias
        index += 1 if layer.activation == "linear" else 2
    return state


def torch_script(layers: list[Dense], dtype: str, title: str) -> str:
    """The Python source of ``model.py``: ``build()`` the Sequential, ``load()`` its weights."""
    lines = []
    for layer in layers:
        nout, nin = layer.weight.shape
        lines.append(f"        torch.nn.Linear({nin}, {nout}),")
        if layer.activation != "linear":
            lines.append(f"        torch.nn.{TORCH_MODULES[layer.activation]}(),")
    modules = "\n".join(lines)
    return f'''"""A chaingrad model as a PyTorch Sequential: {title}.

Its weights are in {WEIGHTS_FILE} beside this file. Written by chaingrad's
nn.export.to_torch; needs torch and safetensors:

    from model import load
    net = load()           # torch.nn.Sequential with chaingrad's weights
    y = net(x)             # x: a ({dtype}) tensor of shape (batch, {layers[0].weight.shape[1]})
"""

from pathlib import Path

import torch
from safetensors.torch import load_file

WEIGHTS = Path(__file__).with_name("{WEIGHTS_FILE}")


def build() -> torch.nn.Sequential:
    """The network's layers, with fresh weights."""
    return torch.nn.Sequential(
{modules}
    ).to(torch.{dtype})


def load(path: Path = WEIGHTS) -> torch.nn.Sequential:
    """The network with the weights of ``path`` (strict: every name and shape must match)."""
    model = build()
    model.load_state_dict(load_file(str(path)))
    return model
'''


def to_torch(model: Module, directory: PathLike, dtype: str = "float64") -> tuple[Path, Path]:
    """Write ``model``'s weights for PyTorch into ``directory``: ``model.safetensors`` (names
    of the equivalent Sequential's state_dict) and ``model.py`` (builds and loads it).

    ``model`` is an MLP, a Layer or a Neuron; ``dtype`` "float64" (exact) or "float32".
    Both files are written atomically. Returns their paths.
    """
    np_dtype = check_dtype(dtype, "to_torch")
    layers = dense_layers(model, "to_torch")
    st = load_safetensors_numpy()
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"to_torch: {directory} exists and is not a folder")
    state = {name: np.ascontiguousarray(a, dtype=np_dtype) for name, a in torch_state(layers).items()}
    metadata = {METADATA_KEY: ",".join(layer.activation for layer in layers)}
    weights = write_atomic(directory / WEIGHTS_FILE, st.save(state, metadata=metadata))
    script = write_atomic(directory / SCRIPT_FILE, torch_script(layers, dtype, repr(model)))
    return weights, script


def read_header(data: bytes, path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The tensor entries and metadata of a safetensors file's header, checked: float tensors
    of one or two dimensions named as a Sequential's Linear layers."""
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (only {len(data)} bytes)")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8:
        raise ValueError(f"{path}: not a safetensors file (its header claims {size:,} bytes, the file is shorter)")
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a safetensors file (its header is not JSON: {e})") from e
    if not isinstance(header, dict):
        raise ValueError(f"{path}: not a safetensors file (its header is not a JSON object)")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{path}: not a safetensors file (its __metadata__ is not a mapping of strings)")
    for name, entry in header.items():
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"{path}: tensor {name!r} is not a Linear layer's weight or bias of a Sequential (such as 0.weight)"
            )
        if not isinstance(entry, dict) or entry.get("dtype") not in _DTYPES:
            dtype = entry.get("dtype") if isinstance(entry, dict) else entry
            raise ValueError(f"{path}: tensor {name} has dtype {dtype!r}; only F64 and F32 weights are read")
        shape = entry.get("shape")
        want = 2 if name.endswith("weight") else 1
        if not isinstance(shape, list) or len(shape) != want or not all(is_count(n) and n > 0 for n in shape):
            raise ValueError(f"{path}: tensor {name} has shape {shape!r}, expected {want} positive sizes")
    return header, metadata


def _plan(header: dict[str, Any], path: Path) -> list[tuple[int, tuple[int, int]]]:
    """(module index, (nout, nin)) of each Linear, in order, with the shapes checked to chain."""
    indices = sorted({int(name.split(".")[0]) for name in header})
    if not indices:
        raise ValueError(f"{path}: the file holds no weights")
    plan: list[tuple[int, tuple[int, int]]] = []
    for k in indices:
        w, b = header.get(f"{k}.weight"), header.get(f"{k}.bias")
        if w is None or b is None:
            raise ValueError(f"{path}: layer {k} needs both {k}.weight and {k}.bias")
        nout, nin = w["shape"]
        if b["shape"] != [nout]:
            raise ValueError(f"{path}: {k}.bias has shape {tuple(b['shape'])}, {k}.weight needs ({nout},)")
        if plan and plan[-1][1][0] != nin:
            j, (prev_out, _) = plan[-1]
            raise ValueError(f"{path}: {k}.weight takes {nin} inputs but layer {j} gives {prev_out} outputs")
        plan.append((k, (nout, nin)))
    return plan


def _activations(
    plan: list[tuple[int, tuple[int, int]]], metadata: dict[str, str], given: tuple[str | None, str], path: Path
) -> list[str]:
    """The activation after each layer: from the file's metadata, else from the arguments."""
    n = len(plan)
    if METADATA_KEY in metadata:
        acts = metadata[METADATA_KEY].split(",")
        if len(acts) != n or any(a not in ACTIVATIONS for a in acts):
            raise ValueError(f"{path}: metadata {METADATA_KEY}={metadata[METADATA_KEY]!r} does not fit {n} layers")
        if len(set(acts[:-1])) > 1:
            raise ValueError(f"{path}: the hidden layers have different activations {acts[:-1]}; an MLP has one")
    else:
        hidden, output = given
        if n > 1 and hidden is None:
            raise ValueError(
                f"{path}: the file does not say which activation follows the hidden layers; "
                f"give activation= (one of {', '.join(ACTIVATIONS)})"
            )
        acts = [hidden or "linear"] * (n - 1) + [output]
    for (k, _), (k_next, _), act in zip(plan, plan[1:], acts):
        gap = 1 if act == "linear" else 2
        if k_next - k != gap:
            raise ValueError(
                f"{path}: layers {k} and {k_next} of the Sequential do not fit the activation {act!r} "
                f"(a Linear followed by {'no module' if gap == 1 else 'one activation module'})"
            )
    return acts


def load_torch_weights(
    path: PathLike, activation: str | None = None, output_activation: str = "linear", max_bytes: int = MAX_FILE_BYTES
) -> MLP:
    """A new MLP holding the weights of the safetensors file ``path``.

    A file written by ``to_torch`` says its activations; for one saved from PyTorch, give
    ``activation`` (after every hidden layer) and ``output_activation`` (after the last).
    The file is checked before the MLP is built, and its weights by ``load_state_dict`` as
    they are set (the MLP is returned only when all are finite); errors name the file and the problem.
    """
    for name, act in (("activation", activation), ("output_activation", output_activation)):
        if act is not None and act not in ACTIVATIONS:
            raise ValueError(f"load_torch_weights: unknown {name} {act!r}; choose one of {', '.join(ACTIVATIONS)}")
    path = Path(path)
    data = read_user_bytes(path, "weights file", max_bytes)
    header, metadata = read_header(data, path)
    plan = _plan(header, path)
    acts = _activations(plan, metadata, (activation, output_activation), path)
    try:
        arrays = load_safetensors_numpy().load(data)
    except Exception as e:  # safetensors raises its own error type for a corrupt body
        raise ValueError(f"{path}: cannot read the tensors ({e})") from e
    layers = [
        Dense(arrays[f"{k}.weight"].astype(np.float64), arrays[f"{k}.bias"].astype(np.float64), act)
        for (k, _), act in zip(plan, acts)
    ]
    nin = plan[0][1][1]
    hidden = acts[0] if len(acts) > 1 else "relu"
    model = MLP(nin, [shape[0] for _, shape in plan], activation=hidden, output_activation=acts[-1])
    load_dense(model, layers, str(path))
    return model
