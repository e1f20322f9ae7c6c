"""Replaying a traced ``Program`` over a batch with numpy: ``CompiledGraph``.

``forward`` loads a batch of inputs and labels into the value buffer and runs the plan's steps
(``autograd.plan``) in order; ``backward`` runs them in reverse, the chain rule on whole
blocks of rows, and sums each parameter's gradient over the batch. Out-of-domain input raises
the plain engine's ValueError, naming the operation, the node and the sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .arraymath import BLOCK
from .labels import fill_one_hot
from .plan import Step, make_plan
from .primitives import FLOAT
from .program import PARAM, Program
from .replay_steps import ElementwiseStep, scatter
from .value import Value


class CompiledGraph:
    """A traced ``Program`` ready to replay: ``forward`` over a batch, then ``backward``.

    Values live in one buffer of shape (rows, batch) — a row per input, label, interior node
    and each parameter or constant that an elementwise step reads — reused from step to step
    while the batch size stays the same. Nodes are grouped by level (distance from the
    leaves): a level's nodes with the same primitive run as one numpy operation on a block of
    rows, and a level's dot nodes that share their inputs run as one matrix product.
    """

    def __init__(self, program: Program, params: Sequence[Value], one_hot: bool = False) -> None:
        self.program = program
        self.params = list(params)
        self.one_hot = one_hot
        self.plan = make_plan(program)
        self._batch = -1
        self._forwarded = False
        self._pgrad = np.zeros(program.n_params)  # the parameters' gradients, pass after pass
        self.grads: np.ndarray = np.zeros(program.n_params)
        """Parameter gradients of the last ``backward``, in the order of ``params``."""

    def describe(self) -> str:
        """The replay plan, one line per step: what a batch costs in numpy operations."""
        pr = self.program
        lines = [
            f"{len(pr)} nodes ({pr.n_inputs} inputs, {pr.n_labels} labels, "
            f"{sum(c == PARAM for c in pr.codes)} of {pr.n_params} parameters used, "
            f"{len(pr.constants)} constants) -> {len(self.plan.steps)} steps:"
        ]
        lines += [f"  {s.describe()}" for s in self.plan.steps]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<CompiledGraph: {len(self.program)} nodes, {len(self.plan.steps)} steps>"

    # -- forward ---------------------------------------------------------------------------

    def _buffers(self, batch: int) -> None:
        if batch != self._batch:
            self._V = np.zeros((self.plan.n_rows, batch))
            self._G = np.zeros((self.plan.n_rows, batch))
            if len(self.plan.const_rows):
                self._V[self.plan.const_rows] = self.plan.const_rows_val[:, None]
            for step in self.plan.steps:
                step.bind(self._V, self._G, self._pgrad)
            self._batch = batch

    def forward(self, X: Any, Y: Any = None, params: np.ndarray | None = None, *, checked: bool = False) -> np.ndarray:
        """Run the program on every sample: X is (batch, inputs); Y is (batch, labels) — or
        (batch,) when there is one label, or class indices (batch,) with ``one_hot`` — and may
        be omitted when the program has no labels. Returns the loss of each sample (batch,),
        or, for a program without a loss, its outputs (batch, outputs).

        The parameters' values are read from their Values, or from ``params``, a float array
        in the order of ``params`` (a training loop that holds them in one array): read in
        place, by this pass and by the ``backward`` after it, so change it only after that.
        ``checked=True``: the caller has checked that X and Y are finite and that class
        indices are in range (``fit`` checks its data once, not every batch)."""
        pr = self.program
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 and pr.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != pr.n_inputs:
            raise ValueError(
                f"forward: X must have shape (batch, {pr.n_inputs}), one row of {pr.n_inputs} inputs per "
                f"sample, got shape {X.shape}"
            )
        if not checked:
            _check_finite(X, "X")
        batch = X.shape[0]
        if batch == 0:
            raise ValueError("forward: the batch is empty")
        if params is None:
            theta = np.fromiter((p.data for p in self.params), dtype=float, count=pr.n_params)
        elif getattr(params, "shape", None) != (pr.n_params,):
            raise ValueError(
                f"forward: params must be an array of the {pr.n_params} parameters' values, "
                f"got {type(params).__name__} of shape {getattr(params, 'shape', None)}"
            )
        else:
            theta = np.asarray(params, dtype=float)
        self._buffers(batch)
        V = self._V
        V[: pr.n_inputs] = X.T
        self._load_labels(Y, batch, checked)
        # Layers read their weights as views of the parameters; one that gathers them by index
        # may also read constants, and takes both from one array of the leaves' values.
        lv = self.plan.leaf_values
        if self.plan.gathers:
            lv[: pr.n_params] = theta
        else:
            lv = theta
        if len(self.plan.param_rows):
            V[self.plan.param_rows] = theta[self.plan.param_rows_pid][:, None]
        with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
            for step in self.plan.steps:
                try:
                    step.forward(V, lv)
                except FloatingPointError:
                    with np.errstate(all="ignore"):
                        step.forward(V, lv)
                        self._explain(step, None, None)
        self._forwarded = True
        if self.plan.loss_row is not None:
            return V[self.plan.loss_row].copy()
        return self.outputs()

    def _load_labels(self, Y: Any, batch: int, checked: bool) -> None:
        pr = self.program
        if pr.n_labels == 0:
            if Y is not None:
                raise ValueError("forward: this program was traced without labels, but Y was given")
            return
        if Y is None:
            raise ValueError(f"forward: this program needs labels Y ({pr.n_labels} per sample)")
        Y = np.asarray(Y)
        rows = self._V[pr.n_inputs : pr.n_inputs + pr.n_labels]
        if self.one_hot:
            if Y.shape != (batch,):
                raise ValueError(f"forward: Y must be {batch} class indices, shape ({batch},), got shape {Y.shape}")
            fill_one_hot(rows, Y, pr.n_labels, checked)
            return
        Y = Y.astype(float)
        if Y.ndim == 1 and pr.n_labels == 1:
            Y = Y[:, None]
        if Y.shape != (batch, pr.n_labels):
            raise ValueError(f"forward: Y must have shape ({batch}, {pr.n_labels}), got shape {Y.shape}")
        if not checked:
            _check_finite(Y, "Y")
        rows[:] = Y.T

    def outputs(self) -> np.ndarray:
        """The outputs of the last forward pass, one row per sample: (batch, outputs)."""
        if not self._forwarded:
            raise RuntimeError("outputs: call forward first")
        if self.plan.out_rows is None:
            return np.zeros((self._batch, 0))
        return self._V[self.plan.out_rows].T.copy()

    # -- backward --------------------------------------------------------------------------

    def backward(self, reduction: str = "sum", accumulate: bool = True) -> np.ndarray:
        """Gradients of the loss with respect to every parameter, over the batch of the last
        forward: summed (``reduction="sum"``, what per-sample ``backward`` accumulates) or
        averaged (``"mean"``). With ``accumulate`` (the default) they are added to each
        parameter's ``.grad``, as ``Value.backward`` does. Returns them as an array in the
        order of ``params`` (also kept in ``.grads``)."""
        if reduction not in ("sum", "mean"):
            raise ValueError(f"backward: reduction must be 'sum' or 'mean', got {reduction!r}")
        if self.plan.loss_row is None:
            raise RuntimeError("backward: this program has no loss (the traced function returned only outputs)")
        if not self._forwarded:
            raise RuntimeError("backward: call forward first")
        # One errstate for the whole pass; only a pass in which numpy met a domain problem
        # runs again step by step, to raise the plain engine's error naming node and sample.
        # The mean's 1/batch is the gradient each sample's loss starts from, as the plain
        # engine's backward of a mean passes it down: no pass over the gradients afterwards.
        seed = 1.0 / self._batch if reduction == "mean" else 1.0
        with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
            try:
                pgrad = self._backward_pass(seed, careful=False)
            except FloatingPointError:
                pgrad = self._backward_pass(seed, careful=True)
        pgrad = pgrad.copy()  # the caller's to keep: the next pass fills the graph's own array again
        if accumulate:
            for p, g in zip(self.params, pgrad.tolist()):
                p.grad += g
        self.grads = pgrad
        return pgrad

    def _backward_pass(self, seed: float, careful: bool) -> np.ndarray:
        """The steps in reverse, from the loss of each sample with gradient ``seed``: the
        parameters' gradients summed over the batch. ``careful``: each step under its own
        errstate, explaining a domain problem, and adding up with inf − inf giving nan as in the
        plain engine."""
        G = self._G
        G.fill(0.0)
        G[self.plan.loss_row] = seed
        pgrad = self._pgrad
        if self.plan.zero_grads:
            pgrad.fill(0.0)
        for step, req in zip(reversed(self.plan.steps), reversed(self.plan.step_requires)):
            if not req:
                continue
            if not careful:
                step.accumulate(G, pgrad, step.local())
                continue
            try:
                with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
                    grads = step.local()
            except FloatingPointError:
                with np.errstate(all="ignore"):
                    grads = step.local()
                    self._explain(step, G, grads)
            with np.errstate(all="ignore"):
                step.accumulate(G, pgrad, grads)
        if len(self.plan.param_rows):
            scatter(pgrad, self.plan.param_rows_pid, G[self.plan.param_rows].sum(axis=1), True)
        return pgrad

    # -- errors ------------------------------------------------------------------------------

    def _explain(self, step: Step, G: np.ndarray | None, grads: list[Any] | None) -> None:
        """numpy met a domain problem in this step: raise the plain engine's ValueError for the
        first node and sample where the float rule refuses. (Where it does not — inf·0 in a
        product, say — the plain engine would carry on with nan or inf, and so does the replay.)"""
        if not isinstance(step, ElementwiseStep):
            return
        V = self._V
        if grads is None:
            bad = ~np.isfinite(V[step.out])
        else:
            bad = np.zeros(V[step.out].shape, dtype=bool)
            for d in grads:
                d_bad = ~np.isfinite(d)
                if step.math is BLOCK:  # one node, d a block of rows (one per operand): any row's sample
                    d_bad = d_bad.any(axis=0, keepdims=True)
                bad |= np.broadcast_to(d_bad, bad.shape)
        for j, s in np.argwhere(bad):
            g, out, *args = step.floats(V, G, j, s)
            try:
                if G is None:
                    step.prim.forward(FLOAT, *args)
                else:
                    step.prim.vjp(FLOAT, g, out, *args)
            except ValueError as e:
                where = "backward" if G is not None else "forward"
                raise ValueError(f"{e} — compiled replay ({where}), node {step.nodes[j]}, sample {s}") from e


def _check_finite(A: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(A)):
        s, j = np.argwhere(~np.isfinite(A))[0]
        raise ValueError(f"forward: {name}[{s}, {j}] is {A[s, j].item()!r}, not a finite number")
