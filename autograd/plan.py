"""Planning a replay: from a ``Program`` to the numpy steps that run it over a batch.

Values live in one buffer of shape (rows, batch). ``make_plan`` decides, in four named steps:

1. ``levels``: each node's level (its distance from the leaves) and whether a parameter's
   gradient flows through it;
2. ``group_nodes``: the interior nodes of one level that can run as one numpy operation —
   those with the same primitive and arity, or dot nodes that share their inputs and take
   their weights (and bias) from parameters or constants, which become a matrix product;
3. ``leaf_rows``: a row for each input and label, and for each parameter or constant that a
   step reads from the buffer;
4. ``build_steps``: the steps in order of level, each group's outputs in consecutive rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .primitives import DOT, LOGSUMEXP, SUM
from .program import CONST, INPUT, LABEL, PARAM, Program
from .replay_steps import ElementwiseStep, LayerStep, rows_of

Step = ElementwiseStep | LayerStep
Orientation = tuple[tuple[int, ...], tuple[int, ...], int | None]
"""A layer's dot node: (its weight leaves, its inputs, its bias leaf or None)."""


@dataclass
class Plan:
    """What a ``CompiledGraph`` replays: ``steps`` (with ``step_requires[k]``: does step k lead
    to a parameter, so that backward must run it), the buffer's ``n_rows``, ``row`` (node ->
    buffer row), the parameter and constant leaves read from the buffer (their rows, and which
    parameter or which number), the leaves' values (parameters first, then constants), and
    the rows of the loss and of the outputs."""

    steps: list[Step]
    step_requires: list[bool]
    n_rows: int
    row: dict[int, int]
    param_rows: np.ndarray
    param_rows_pid: np.ndarray
    const_rows: np.ndarray
    const_rows_val: np.ndarray
    leaf_values: np.ndarray
    loss_row: int | None
    out_rows: slice | np.ndarray | None
    zero_grads: bool
    """Whether the parameters' gradients must be zeroed before a backward pass: False when
    layers that write their gradients into place cover every parameter."""
    gathers: bool
    """Whether a layer gathers its weights by index from the leaves' values (parameters, then
    constants) rather than viewing a block of the parameters."""


def make_plan(program: Program) -> Plan:
    """The replay plan of ``program`` (see the module docstring for its four steps)."""
    level, requires = levels(program)
    groups, orient = group_nodes(program, level)
    row, leaves, next_row = leaf_rows(program, groups, orient)
    steps, step_requires, n_rows = build_steps(program, groups, orient, row, next_row, requires)
    pr = program
    params = [i for i in leaves if pr.codes[i] == PARAM]
    covered = mark_exclusive(steps, [pr.slots[i] for i in params], pr.n_params)
    consts = [i for i in leaves if pr.codes[i] == CONST]
    return Plan(
        steps=steps,
        step_requires=step_requires,
        n_rows=n_rows,
        row=row,
        param_rows=np.array([row[i] for i in params], dtype=np.intp),
        param_rows_pid=np.array([pr.slots[i] for i in params], dtype=np.intp),
        const_rows=np.array([row[i] for i in consts], dtype=np.intp),
        const_rows_val=np.array([pr.constants[pr.slots[i]] for i in consts]),
        leaf_values=np.concatenate([np.zeros(pr.n_params), np.asarray(pr.constants, dtype=float)]),
        loss_row=row[pr.loss] if pr.loss is not None else None,
        out_rows=rows_of([row[i] for i in pr.outputs]) if pr.outputs else None,
        gathers=any(isinstance(s, LayerStep) and s.block is None for s in steps),
        zero_grads=not covered,
    )


def mark_exclusive(steps: list[Step], param_rows_pid: list[int], n_params: int) -> bool:
    """Mark each layer whose parameters are one block that nothing else reads — no other
    layer, and no row of the value buffer — so that backward writes their gradients into
    place instead of adding them. Returns whether those layers cover every parameter."""
    uses = np.zeros(n_params, dtype=np.intp)
    np.add.at(uses, np.asarray(param_rows_pid, dtype=np.intp), 1)
    layers = [s for s in steps if isinstance(s, LayerStep)]
    for s in layers:
        np.add.at(uses, s.w_pid, 1)
        if s.b_idx is not None:
            np.add.at(uses, s.b_pid, 1)
    covered = np.zeros(n_params, dtype=bool)
    for s in layers:
        mine = s.w_pid if s.b_idx is None else np.concatenate([s.w_pid, s.b_pid])
        s.exclusive = s.block is not None and bool(np.all(uses[mine] == 1))
        if s.exclusive:
            covered[mine] = True
    return bool(covered.all())


def levels(program: Program) -> tuple[list[int], list[bool]]:
    """Per node: its level (0 for a leaf, else 1 + its parents' highest) and whether it
    depends on a parameter (only those nodes need a gradient)."""
    codes, parents = program.codes, program.parents
    level = [0] * len(program)
    requires = [False] * len(program)
    for i, c in enumerate(codes):
        if c >= 0:
            level[i] = 1 + max((level[p] for p in parents[i]), default=0)
            requires[i] = any(requires[p] for p in parents[i])
        else:
            requires[i] = c == PARAM
    return level, requires


def _fixed(program: Program, i: int) -> bool:
    """A leaf that is the same for every sample: a parameter or a constant."""
    return program.codes[i] in (PARAM, CONST)


def layer_orientation(program: Program, i: int) -> Orientation | None:
    """For a dot node whose weights — either half of its parents — and bias are parameters or
    constants: (weights, inputs, bias), so that it can join a matrix product; else None."""
    ps = program.parents[i]
    n = len(ps) // 2
    bias = ps[-1] if len(ps) % 2 else None
    if bias is not None and not _fixed(program, bias):
        return None
    first, second = ps[:n], ps[n : 2 * n]
    if all(_fixed(program, p) for p in first):
        return first, second, bias
    if all(_fixed(program, p) for p in second):
        return second, first, bias
    return None


def group_nodes(program: Program, level: list[int]) -> tuple[dict[tuple[Any, ...], list[int]], dict[int, Orientation]]:
    """The interior nodes in groups that run as one step, in order of first appearance:
    key (level, "ew", code, arity) for elementwise groups, (level, "layer", inputs, has bias)
    for layers; and each layer node's orientation."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    orient: dict[int, Orientation] = {}
    for i, c in enumerate(program.codes):
        if c < 0:
            continue
        key: tuple[Any, ...] = (level[i], "ew", c, len(program.parents[i]))
        if program.prims[c] is DOT:
            o = layer_orientation(program, i)
            if o is not None:
                orient[i] = o
                key = (level[i], "layer", o[1], o[2] is not None)
        groups.setdefault(key, []).append(i)
    return groups, orient


def leaf_rows(
    program: Program, groups: dict[tuple[Any, ...], list[int]], orient: dict[int, Orientation]
) -> tuple[dict[int, int], list[int], int]:
    """Rows for the leaves: inputs first, then labels, then each parameter or constant that a
    step reads from the buffer (an elementwise operand, a layer's input, an output). Returns
    (node -> row, the parameter and constant leaves given a row, the next free row)."""
    pr = program
    row: dict[int, int] = {}
    for i, c in enumerate(pr.codes):
        if c == INPUT:
            row[i] = pr.slots[i]
        elif c == LABEL:
            row[i] = pr.n_inputs + pr.slots[i]
    next_row = pr.n_inputs + pr.n_labels
    needs_row = set(pr.outputs) | ({pr.loss} if pr.loss is not None else set())
    for key, nodes in groups.items():
        for i in nodes:
            needs_row.update(orient[i][1] if key[1] == "layer" else pr.parents[i])
    leaves = []
    for i in sorted(needs_row):
        if pr.codes[i] < 0 and i not in row:
            row[i] = next_row
            leaves.append(i)
            next_row += 1
    return row, leaves, next_row


def reduction_blocks(program: Program, nodes: list[int], row: dict[int, int]) -> list[slice] | None:
    """For a group of one sum, logsumexp or dot node whose operands lie in runs of consecutive
    rows (the terms of a sum or logsumexp; the dot's weights, its inputs, its bias): the runs,
    as slices of its parents, so that the node runs on whole blocks of rows (``BlockMath``)
    instead of one operand at a time; else None."""
    if len(nodes) != 1:
        return None
    ps = program.parents[nodes[0]]
    prim = program.prims[program.codes[nodes[0]]]
    if (prim is SUM or prim is LOGSUMEXP) and len(ps) > 1:
        runs = [slice(0, len(ps))]
    elif prim is DOT and len(ps) > 2:
        n = len(ps) // 2
        runs = [slice(0, n), slice(n, 2 * n)] + ([slice(2 * n, 2 * n + 1)] if len(ps) % 2 else [])
    else:
        return None
    for run in runs:
        rows = [row[p] for p in ps[run]]
        if any(b != a + 1 for a, b in zip(rows, rows[1:])):
            return None
    return runs


def build_steps(
    program: Program,
    groups: dict[tuple[Any, ...], list[int]],
    orient: dict[int, Orientation],
    row: dict[int, int],
    next_row: int,
    requires: list[bool],
) -> tuple[list[Step], list[bool], int]:
    """One step per group, in order of level (groups of a level in order of first appearance);
    gives each group's nodes consecutive rows (an elementwise group sorted by its operands'
    rows, so that they are slices where possible; a layer by its weights, so that its
    parameters can be read as one block). Returns the steps, whether each leads to a
    parameter, and the number of rows."""
    pr = program
    parents = pr.parents

    def leaf_value_index(i: int) -> int:  # into [parameter values..., constant values...]
        return pr.slots[i] if pr.codes[i] == PARAM else pr.n_params + pr.slots[i]

    steps: list[Step] = []
    step_requires: list[bool] = []
    for key in sorted(groups, key=lambda k: k[0]):  # stable: first appearance within a level
        nodes = groups[key]
        if key[1] == "ew":
            nodes = sorted(nodes, key=lambda i: tuple(row[p] for p in parents[i]))
        else:  # in the order of their weights, so that a layer's parameters are one block
            nodes = sorted(nodes, key=lambda i: [leaf_value_index(w) for w in orient[i][0]])
        out = slice(next_row, next_row + len(nodes))
        for i in nodes:
            row[i] = next_row
            next_row += 1
        if key[1] == "ew":
            blocks = reduction_blocks(pr, nodes, row)
            if blocks is not None:
                ps = parents[nodes[0]]
                need = [any(requires[p] for p in ps[b]) for b in blocks]
                runs: list[slice | np.ndarray] = [rows_of([row[p] for p in ps[b]]) for b in blocks]
                steps.append(ElementwiseStep(pr.prims[key[2]], nodes, out, runs, need, blocks=True))
            else:
                arity = key[3]
                operands = [rows_of([row[parents[i][j]] for i in nodes]) for j in range(arity)]
                need = [any(requires[parents[i][j]] for i in nodes) for j in range(arity)]
                steps.append(ElementwiseStep(pr.prims[key[2]], nodes, out, operands, need))
        else:
            xs = orient[nodes[0]][1]
            w_idx = np.array([[leaf_value_index(w) for w in orient[i][0]] for i in nodes], dtype=np.intp)
            w_idx = w_idx.reshape(len(nodes), len(xs))
            biases = [b for b in (orient[i][2] for i in nodes) if b is not None]  # all or none: key[3]
            b_idx = np.array([leaf_value_index(b) for b in biases], dtype=np.intp) if key[3] else None
            x_need = any(requires[x] for x in xs)
            steps.append(LayerStep(nodes, out, w_idx, b_idx, rows_of([row[x] for x in xs]), x_need, pr.n_params))
        step_requires.append(any(requires[i] for i in nodes))
    return steps, step_requires, next_row
