"""``Module``: what every network piece shares — its parameters, their names, and saving.

A module owns some parameters (leaf Values) and some child modules. ``named_parameters``
walks them in a fixed order and names each one by its path, e.g. ``layers.0.neurons.3.w.1``
(layer 0, neuron 3, weight 1), so a saved file is readable and stable across runs.

Checkpoints are JSON::

    {"format": "chaingrad", "version": 1, "config": {...}, "parameters": {"name": float, ...}}

``config`` is what the constructor needs to rebuild the model (``nn.load_model``). Files are
written atomically (a temporary file in the same folder, then ``os.replace``), and every
check runs before the first weight is touched, so a failed load leaves the model as it was.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograd import Value
from autograd.checks import real
from autograd.files import PathLike, write_atomic

from .userfiles import read_user_text

FORMAT = "chaingrad"
VERSION = 1


class Module:
    """Base class of Neuron, Layer and MLP.

    A subclass describes itself by overriding ``_own_parameters`` (its leaves, with local
    names) and ``_children`` (its sub-modules, with local names); everything else here is
    built on those two.
    """

    # -- what a subclass provides ------------------------------------------------------

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return []

    def _children(self) -> list[tuple[str, Module]]:
        return []

    def config(self) -> dict[str, Any]:
        """What the constructor needs to rebuild this module (JSON-friendly)."""
        raise NotImplementedError(f"{type(self).__name__} does not describe its config")

    # -- parameters --------------------------------------------------------------------

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted path, in a fixed order (own first, then children)."""
        out: list[tuple[str, Value]] = []
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, mod = stack.pop()
            out.extend((prefix + name, p) for name, p in mod._own_parameters())
            stack.extend((prefix + name + ".", child) for name, child in reversed(mod._children()))
        return out

    def parameters(self) -> list[Value]:
        """Every parameter (leaf Value), in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (leaves accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    # -- state -------------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """{name: value} of every parameter, in order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; the names must match exactly.

        Everything is checked first, so on error nothing has changed.
        """
        values = self._check_state(state, where="load_state_dict")
        for p, v in zip(self.parameters(), values):
            p.data = v

    def _check_state(self, state: Any, where: str) -> list[float]:
        """The values of ``state`` in parameter order, or a ValueError saying what is wrong."""
        if not isinstance(state, Mapping):
            raise ValueError(f"{where}: parameters must be a mapping name -> number, got {type(state).__name__}")
        names = [name for name, _ in self.named_parameters()]
        missing = [n for n in names if n not in state]
        known = set(names)
        extra = [n for n in state if n not in known]
        if missing or extra:
            parts = [f"the model has {len(names)} parameters, the state has {len(state)}"]
            if missing:
                parts.append(f"missing: {_some(missing)}")
            if extra:
                parts.append(f"unexpected: {_some(extra)}")
            raise ValueError(f"{where}: parameter names do not match ({'; '.join(parts)})")
        return [real(state[n], f"parameter {n}", where) for n in names]

    # -- files -------------------------------------------------------------------------

    def save(self, path: PathLike) -> Path:
        """Write config and parameters to ``path`` as JSON, atomically; returns the path."""
        path = Path(path)
        state = self.state_dict()
        for name, v in state.items():
            if not math.isfinite(v):
                raise ValueError(f"cannot save {path}: parameter {name} is {v} (did training diverge?)")
        doc = {"format": FORMAT, "version": VERSION, "config": self.config(), "parameters": state}
        text = json.dumps(doc, indent=1) + "\n"
        return write_atomic(path, text)

    def load(self, path: PathLike) -> None:
        """Load parameters saved by ``save`` into this model.

        The file must exist, be complete JSON of this format and version, describe a model
        with the same config (the seed may differ) and hold exactly this model's parameters.
        Otherwise a FileNotFoundError or ValueError names the file and the problem, and the
        model is unchanged.
        """
        self.load_checkpoint(read_checkpoint(path), str(path))

    def load_checkpoint(self, doc: Mapping[str, Any], where: str) -> None:
        """Load a checkpoint already read by ``read_checkpoint`` (``where`` names its file in
        errors): the same checks as ``load``, and the model is unchanged on error."""
        mine, theirs = _without_seed(self.config()), _without_seed(doc["config"])
        if mine != theirs:
            raise ValueError(f"{where}: the file holds a different model: {theirs} (this model is {mine})")
        values = self._check_state(doc["parameters"], where=where)
        for p, v in zip(self.parameters(), values):
            p.data = v

    # -- display -----------------------------------------------------------------------

    def __repr__(self) -> str:
        n = self.num_parameters()
        return f"{self._describe()}, {n} parameter{'s' if n != 1 else ''}"

    def _describe(self) -> str:
        return type(self).__name__


def read_checkpoint(path: PathLike) -> dict[str, Any]:
    """The parsed checkpoint at ``path``, checked for format, version and layout.

    The file is read by ``read_user_text`` (a regular file under ``MAX_FILE_BYTES``); an
    integer too long to be a number, or JSON nested too deeply, is a ValueError naming it.
    """
    path = Path(path)
    text = read_user_text(path, "model file")
    try:
        doc = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON, the file is truncated or corrupt ({e})") from e
    except RecursionError:
        raise ValueError(f"{path}: the JSON is nested too deeply to be a model file") from None
    except ValueError as e:  # from _parse_int
        raise ValueError(f"{path}: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f'{path}: not a chaingrad model file (no "format": "{FORMAT}")')
    version = doc.get("version")
    if type(version) is not int or version != VERSION:  # True == 1, but is no version
        raise ValueError(f"{path}: model file version {version!r} is not supported (this chaingrad reads {VERSION})")
    if not isinstance(doc.get("config"), dict):
        raise ValueError(f'{path}: the model file has no "config" object')
    if not isinstance(doc.get("parameters"), dict):
        raise ValueError(f'{path}: the model file has no "parameters" object')
    return doc


MAX_INT_DIGITS = 20


def _parse_int(text: str) -> int:
    """A JSON integer; one longer than ``MAX_INT_DIGITS`` digits fits no size and no float."""
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {digits:,} digits ({text[:12]}...) is not a usable number")
    return int(text)


def _without_seed(config: dict[str, Any]) -> dict[str, Any]:
    # the seed only chooses the initial weights, which a load replaces
    return {k: v for k, v in config.items() if k != "seed"}


def _some(names: list[str], k: int = 5) -> str:
    shown = ", ".join(names[:k])
    return shown + (f" and {len(names) - k} more" if len(names) > k else "")
