"""``chaingrad export``: a saved model as an ONNX file and/or PyTorch-compatible weights.

    chaingrad export --model runs/demo/model.json --onnx demo.onnx --torch demo_torch/

``--onnx`` writes the model as ONNX ``Gemm`` and activation nodes (``nn.export.to_onnx``);
``--torch`` writes ``model.safetensors`` and ``model.py`` into a folder
(``nn.export.to_torch``). ``--dtype float32`` writes single precision (default float64).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..export import DTYPES
from ..layers import load_model
from .errors import InputError, UsageError


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the "export" parser to ``subparsers``; it runs ``run``."""
    p = subparsers.add_parser(
        "export",
        help="write a saved model as ONNX and/or PyTorch-compatible weights",
        description="Write a saved model as an ONNX file (--onnx) and/or as safetensors weights named as the "
        "state_dict of the equivalent torch.nn.Sequential with a model.py that loads them (--torch).",
    )
    p.add_argument("--model", required=True, help="a model file (model.json of a run folder)")
    p.add_argument("--onnx", metavar="OUT.onnx", default=None, help="write the model as this ONNX file")
    p.add_argument("--torch", metavar="DIR", default=None, help="write model.safetensors and model.py into DIR")
    p.add_argument("--dtype", choices=DTYPES, default="float64", help="precision of the weights (default float64)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Load the model, then write each export asked for; returns 0."""
    from ..export import to_onnx, to_torch  # the exporters load only for this command

    if args.onnx is None and args.torch is None:
        raise UsageError("say what to write: --onnx OUT.onnx, --torch DIR or both")
    path = Path(args.model)
    try:
        model = load_model(path)
    except (OSError, ValueError) as e:
        raise InputError(str(e)) from e
    written = []
    try:
        if args.onnx is not None:
            to_onnx(model, args.onnx, dtype=args.dtype)
            written.append(str(args.onnx))
        if args.torch is not None:
            written.extend(str(p) for p in to_torch(model, args.torch, dtype=args.dtype))
    except ImportError as e:
        raise InputError(str(e)) from e
    except (OSError, ValueError) as e:
        raise InputError(f"cannot export {path}: {e}") from e
    print(f"exported {path} ({model}) as {args.dtype}: {', '.join(written)}")
    return 0
