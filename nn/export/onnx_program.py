"""A traced graph as ONNX: a ``CompiledGraph``'s program, node by node, over a whole batch.

``autograd.trace`` records any function built from the primitive table as a flat program
(``autograd.compile.Program``). Here each of its nodes becomes ONNX: a scalar row of the table
(add, mul, exp, relu, ...) an elementwise node on a column of shape (batch, 1); a *fused
layer* — dot nodes that read the same inputs and take their weights and bias from parameters
or constants, as the compiled replay groups them — one ``Gemm`` (a matrix product plus bias)
on a block (batch, k); and the same unary row applied to every column of a block one node on
the block, so a traced MLP comes out as Gemm, Relu, Gemm, ... Parameters and constants become
initializers holding their values at export time.

The graph reads ``x`` (batch, inputs) and, when the function took labels, ``labels`` (batch,
labels) — for a program traced with ``one_hot=True`` the one-hot rows; it returns ``outputs``
(batch, outputs) when the function returned outputs and ``loss`` (batch,) when it returned a
loss: what ``CompiledGraph.forward`` computes for each sample.

A row the exporter has no ONNX form for — a primitive added with ``autograd.primitive`` — is
an ``ExportError`` naming the primitive and its node, raised before anything is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.plan import group_nodes, levels
from autograd.primitives import (
    ABS,
    ADD,
    DIV,
    DOT,
    EXP,
    LOG,
    LOG1P,
    LOGSUMEXP,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SUB,
    SUM,
    TANH,
    Primitive,
)
from autograd.program import CONST, INPUT, LABEL, PARAM, Program
from autograd.replay import CompiledGraph

from .dense import ExportError

if TYPE_CHECKING:
    from .onnx_graph import GraphBuilder

ONNX_OPS: dict[Primitive, str] = {
    ADD: "Add",
    SUB: "Sub",
    MUL: "Mul",
    DIV: "Div",
    POW: "Pow",
    NEG: "Neg",
    EXP: "Exp",
    LOG: "Log",
    LOG1P: "Log",
    TANH: "Tanh",
    SIGMOID: "Sigmoid",
    RELU: "Relu",
    ABS: "Abs",
    SUM: "Sum",
    DOT: "Gemm",
    LOGSUMEXP: "ReduceLogSumExp",
}
"""The ONNX operator of each row of the table the exporter knows (dot: Gemm, or Mul and Sum;
log1p, which ONNX lacks: Log of 1 + x, exact to the rounding of 1 + x, about 1e-16;
logsumexp: ReduceLogSumExp over its arguments side by side)."""
UNARY = {NEG, EXP, LOG, LOG1P, TANH, SIGMOID, RELU, ABS}


def check_exportable(program: Program) -> tuple[Primitive, ...]:
    """The rows of ``program``, after checking that ONNX can express every one it uses."""
    rows = program.prims
    for i, code in enumerate(program.codes):
        if code >= 0 and rows[code] not in ONNX_OPS:
            known = ", ".join(p.name for p in ONNX_OPS)
            raise ExportError(
                f"to_onnx: node {i} uses the primitive {rows[code].name!r}, which has no ONNX form "
                f"(the exporter knows the table's rows {known}); write the function with those rows to export it"
            )
    return rows


def fused_layers(program: Program) -> list[tuple[list[int], tuple[int, ...], tuple[tuple[int, ...], ...], list[Any]]]:
    """The dot nodes the compiled replay runs as one matrix product, grouped as it groups them:
    per layer (nodes, shared inputs, each node's weight leaves, each node's bias leaf or None)."""
    groups, orient = group_nodes(program, levels(program)[0])
    layers = []
    for key, nodes in groups.items():
        if key[1] == "layer" and orient[nodes[0]][1]:
            layers.append(
                (nodes, orient[nodes[0]][1], tuple(orient[i][0] for i in nodes), [orient[i][2] for i in nodes])
            )
    return layers


class _Emitter:
    """Walks the program in order, keeping for each node where its values are: a column
    tensor (batch, 1), a scalar initializer, or column j of a block (batch, k)."""

    def __init__(self, b: GraphBuilder, graph: CompiledGraph, rows: Sequence[Primitive]) -> None:
        self.b, self.pr, self.rows = b, graph.program, rows
        self.param_values = [p.data for p in graph.params]
        self.place: dict[int, tuple[str, int | None]] = {}  # node -> (tensor, its column in a block or None)
        self.columns: dict[int, str] = {}  # node -> a (batch, 1) or scalar tensor holding it
        self.members: dict[str, list[int]] = {}  # block tensor -> the node of each column
        self.fixed: set[int] = set()  # nodes that are the same for every sample
        self.n_layers = 0
        self.indices: dict[int, str] = {}
        self._zeros = ""
        self.layer_of = {i: layer for layer in fused_layers(self.pr) for i in layer[0]}
        self.unary_users: dict[tuple[int, int], list[int]] = {}
        for i, c in enumerate(self.pr.codes):
            if c >= 0 and rows[c] in UNARY:
                self.unary_users.setdefault((c, self.pr.parents[i][0]), []).append(i)

    # -- where values are ----------------------------------------------------------------

    def leaf_value(self, i: int) -> float:
        pr = self.pr
        return self.param_values[pr.slots[i]] if pr.codes[i] == PARAM else pr.constants[pr.slots[i]]

    def index(self, j: int) -> str:
        """An int64 initializer [j], for Gather (one per j)."""
        if j not in self.indices:
            self.indices[j] = self.b.tensor([j], f"index{j}", np.dtype(np.int64))
        return self.indices[j]

    def column(self, i: int) -> str:
        """A tensor holding node i: (batch, 1), or a scalar for a node the same for every sample."""
        if i in self.columns:
            return self.columns[i]
        pr, b = self.pr, self.b
        code = pr.codes[i]
        if code in (INPUT, LABEL):
            source = "x" if code == INPUT else "labels"
            out = b.op("Gather", [source, self.index(pr.slots[i])], f"{source}{pr.slots[i]}", axis=1)
        elif code in (PARAM, CONST):
            out = b.tensor(self.leaf_value(i), f"{'param' if code == PARAM else 'const'}{pr.slots[i]}")
        else:
            tensor, j = self.place[i]
            out = tensor if j is None else b.op("Gather", [tensor, self.index(j)], f"{tensor}.col{j}", axis=1)
        self.columns[i] = out
        return out

    def batch_column(self, i: int) -> str:
        """Node i as (batch, 1), also when it is the same for every sample (then broadcast)."""
        column = self.column(i)
        if i not in self.fixed:
            return column
        if not self._zeros:
            first = self.b.op("Gather", ["x", self.index(0)], "x0", axis=1)
            self._zeros = self.b.op("Mul", [first, self.b.tensor(0.0, "zero")], "zeros")
        return self.b.op("Add", [self._zeros, column], f"{column}.batch")

    def block(self, nodes: Sequence[int], hint: str) -> str:
        """A tensor (batch, len(nodes)) whose column j holds node nodes[j]."""
        pr = self.pr
        if all(pr.codes[i] == INPUT for i in nodes) and [pr.slots[i] for i in nodes] == list(range(pr.n_inputs)):
            return "x"
        tensor = self.place.get(nodes[0], ("", None))[0]
        if self.members.get(tensor) == list(nodes):
            return tensor
        return self.b.op("Concat", [self.batch_column(i) for i in nodes], hint, axis=1)

    # -- emitting ------------------------------------------------------------------------

    def run(self) -> None:
        pr, rows = self.pr, self.rows
        for i, c in enumerate(pr.codes):
            if c in (PARAM, CONST) or (c >= 0 and all(p in self.fixed for p in pr.parents[i])):
                self.fixed.add(i)
            if c < 0 or i in self.place:
                continue
            if i in self.layer_of:
                self.emit_layer(*self.layer_of[i])
            elif not (rows[c] in UNARY and self.emit_unary_block(i, c)):
                self.emit_node(i, rows[c])

    def new_block(self, tensor: str, nodes: list[int]) -> None:
        self.members[tensor] = nodes
        for j, i in enumerate(nodes):
            self.place[i] = (tensor, j)

    def emit_layer(
        self, nodes: list[int], xs: tuple[int, ...], weights: tuple[tuple[int, ...], ...], biases: list[Any]
    ) -> None:
        """Dot nodes sharing their inputs: one Gemm, x (batch, n) · Wᵀ (n, k) + b (k)."""
        b = self.b
        name = f"layer{self.n_layers}"
        self.n_layers += 1
        W = np.array([[self.leaf_value(w) for w in ws] for ws in weights])
        inputs = [self.block(xs, f"{name}.inputs"), b.tensor(W, f"{name}.weight")]
        if biases[0] is not None:
            inputs.append(b.tensor([self.leaf_value(i) for i in biases], f"{name}.bias"))
        self.new_block(b.op("Gemm", inputs, f"{name}.gemm", transB=1), nodes)

    def emit_unary_block(self, i: int, code: int) -> bool:
        """One node for a unary row applied to every column of a block, in order; False when
        node i is not part of such a pattern."""
        tensor, j = self.place.get(self.pr.parents[i][0], ("", None))
        if j is None:
            return False
        users = []
        for member in self.members[tensor]:
            free = [u for u in self.unary_users.get((code, member), []) if u not in self.place]
            if not free:
                return False
            users.append(free[0])
        row = self.rows[code]
        self.new_block(self.apply(row, [tensor], f"{tensor}.{row.name}"), users)
        return True

    def apply(self, row: Primitive, inputs: list[str], name: str) -> str:
        """The ONNX node of ``row`` on ``inputs`` (log1p as Log of an Add)."""
        if row is LOG1P:
            inputs = [self.b.op("Add", [inputs[0], self.b.tensor(1.0, "one")], f"{name}.arg")]
        return self.b.op(ONNX_OPS[row], inputs, name)

    def emit_node(self, i: int, row: Primitive) -> None:
        """One scalar node of the table as an elementwise ONNX node on columns."""
        b, ps = self.b, self.pr.parents[i]
        name = f"n{i}.{row.name}"
        if row is DOT:  # weights not all parameters: Σ wᵢ·xᵢ (+ b) as products and a sum
            n, has_bias = divmod(len(ps), 2)
            terms = [b.op("Mul", [self.column(ps[k]), self.column(ps[n + k])], f"{name}.mul{k}") for k in range(n)]
            terms += [self.column(ps[-1])] if has_bias else []
            out = b.op("Sum", terms, name) if terms else b.tensor(0.0, name)
        elif row is LOGSUMEXP:  # the arguments as the columns of a block, reduced along them
            out = b.op("ReduceLogSumExp", [self.block(ps, f"{name}.args")], name, axes=[1], keepdims=1)
        elif row is SUM and not ps:
            out = b.tensor(0.0, name)
        else:
            out = self.apply(row, [self.column(p) for p in ps], name)
        self.place[i] = (out, None)


def program_graph(b: GraphBuilder, graph: CompiledGraph) -> Any:
    """The ModelProto of a traced graph's program (see the module's docstring)."""
    pr = graph.program
    rows = check_exportable(pr)
    if pr.n_inputs == 0:
        raise ExportError("to_onnx: the traced graph has no inputs; an ONNX graph over a batch needs at least one")
    e = _Emitter(b, graph, rows)
    e.run()
    outputs = []
    if pr.outputs:
        b.rename(e.block(list(pr.outputs), "outputs.concat"), "outputs")
        outputs.append(b.value_info("outputs", ["batch", len(pr.outputs)]))
    if pr.loss is not None:
        flat = b.tensor([-1], "loss.shape", np.dtype(np.int64))
        b.rename(b.op("Reshape", [e.batch_column(pr.loss), flat], "loss.flat"), "loss")
        outputs.append(b.value_info("loss", ["batch"]))
    inputs = [b.value_info("x", ["batch", pr.n_inputs])]
    if pr.n_labels:
        inputs.append(b.value_info("labels", ["batch", pr.n_labels]))
    doc = f"a chaingrad traced graph: {len(pr)} nodes, {pr.n_inputs} inputs, {pr.n_labels} labels"
    return b.model("traced", inputs, outputs, doc)
