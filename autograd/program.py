"""The flat record of a traced graph: a ``Program``, and ``record`` that makes one.

A Program lists the nodes in topological order, each with a code (an index into the primitive
table, or a negative code for the kind of leaf), the indices of its parents and, for a leaf,
which input, label, parameter or constant it is. It holds plain numbers only: what to replay,
with no Values, so the graph it was recorded from can be freed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .backprop import topological_order
from .primitives import BUILTIN, PRIMITIVES, Primitive
from .value import Value

OPCODES: tuple[str, ...] = tuple(name for name in PRIMITIVES if name in BUILTIN)
"""The built-in rows' codes, in the table's order: code i < len(OPCODES) is the row
``PRIMITIVES[OPCODES[i]]`` in every program. Only the built-in rows, so that the codes are the
same however many rows a user defined before this module was first imported; a program numbers
the rows defined with ``autograd.primitive`` after them (see ``Program.prims``); leaves have
negative codes."""

INPUT, LABEL, PARAM, CONST = -1, -2, -3, -4
LEAF_KINDS = {INPUT: "input", LABEL: "label", PARAM: "param", CONST: "const"}
PRIMS: tuple[Primitive, ...] = tuple(PRIMITIVES[name] for name in OPCODES)
"""The rows in the order of their codes: ``PRIMS[code]``."""


@dataclass(frozen=True)
class Program:
    """A recorded graph, flat: node i has ``codes[i]`` (an index into ``OPCODES``, or a
    negative leaf code: -1 input, -2 label, -3 parameter, -4 constant), ``parents[i]`` (indices
    of earlier nodes) and ``slots[i]`` (for a leaf: which input, label, parameter or constant
    it is). Nodes are in topological order: every parent comes before its child."""

    codes: tuple[int, ...]
    parents: tuple[tuple[int, ...], ...]
    slots: tuple[int, ...]
    constants: tuple[float, ...]
    loss: int | None
    outputs: tuple[int, ...]
    n_inputs: int
    n_labels: int
    n_params: int
    prims: tuple[Primitive, ...] = PRIMS
    """The row of each code: the built-in rows, then the other rows the graph uses."""

    def op(self, i: int) -> str:
        """Name of node i's primitive, or its kind of leaf."""
        c = self.codes[i]
        return self.prims[c].name if c >= 0 else LEAF_KINDS[c]

    def __len__(self) -> int:
        return len(self.codes)


def record(
    roots: list[Value], xs: list[Value], ys: list[Value], params: list[Value], loss: Value | None, outs: list[Value]
) -> Program:
    """The graph under ``roots`` as a Program: ``xs``, ``ys`` and ``params`` are its input,
    label and parameter leaves (every other leaf is a constant, frozen at its value)."""
    order = topological_order(roots)
    index = {id(v): i for i, v in enumerate(order)}
    leaf_kind: dict[int, tuple[int, int]] = {}
    for kind, group in ((PARAM, params), (INPUT, xs), (LABEL, ys)):
        for slot, v in enumerate(group):
            leaf_kind[id(v)] = (kind, slot)
    codes: list[int] = []
    parents: list[tuple[int, ...]] = []
    slots: list[int] = []
    constants: list[float] = []
    prims = list(PRIMS)
    prim_code = {id(p): c for c, p in enumerate(prims)}
    for v in order:
        prim = v.primitive
        if prim is None:
            kind, slot = leaf_kind.get(id(v), (CONST, len(constants)))
            if kind == CONST:
                constants.append(v.data)
            codes.append(kind)
            parents.append(())
            slots.append(slot)
        else:
            code = prim_code.get(id(prim))
            if code is None:  # a row of autograd.primitive: replayed through its ARRAY rules too
                code = prim_code[id(prim)] = len(prims)
                prims.append(prim)
            codes.append(code)
            parents.append(tuple(index[id(p)] for p in v.parents))
            slots.append(-1)
    return Program(
        codes=tuple(codes),
        parents=tuple(parents),
        slots=tuple(slots),
        constants=tuple(constants),
        loss=index[id(loss)] if loss is not None else None,
        outputs=tuple(index[id(o)] for o in outs),
        n_inputs=len(xs),
        n_labels=len(ys),
        n_params=len(params),
        prims=tuple(prims),
    )
