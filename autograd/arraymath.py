"""The primitive table's numpy backends, for the compiled replay (``autograd.replay``).

``ARRAY`` runs a row of the table on numpy float64 arrays holding one entry per sample;
``MatrixMath`` runs the dot row on a whole layer of dot nodes as one matrix product. The
rules stay the table's: these classes only say what ``m.exp``, ``m.dot`` ... mean for arrays.
Importing this module imports numpy; the engine's core does not, so ``import autograd`` stays
quick.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .primitives import FLOAT_MAX, scale_each


def finite(c: np.ndarray) -> np.ndarray:
    """c clipped, in place, to the finite floats: ``largest`` as a shift, as the float rule has it."""
    return np.minimum(np.maximum(c, -FLOAT_MAX, out=c), FLOAT_MAX, out=c)


class ArrayMath:
    """numpy float64 arrays, one entry per sample. Domain errors become nan/inf silently;
    the caller checks the results."""

    div = staticmethod(np.divide)
    pow = staticmethod(np.power)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    tanh = staticmethod(np.tanh)
    relu = staticmethod(lambda a: np.maximum(a, 0.0))
    abs = staticmethod(np.abs)
    step = staticmethod(lambda a: (a > 0.0).astype(np.float64))
    sign = staticmethod(np.sign)

    @staticmethod
    def sigmoid(a: np.ndarray) -> np.ndarray:
        e = np.exp(-np.abs(a))  # never overflows
        return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def log_or_zero(a: np.ndarray) -> np.ndarray:
        positive = a > 0.0
        return np.where(positive, np.log(np.where(positive, a, 1.0)), 0.0)

    @staticmethod
    def pow_down(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        zero = (a == 0.0) & (b == 0.0)
        return np.where(zero, 0.0, np.power(np.where(zero, 1.0, a), b - 1.0))

    @staticmethod
    def sum(args: Any) -> np.ndarray:
        return sum(args)

    @staticmethod
    def largest(args: Any) -> np.ndarray:
        return finite(np.maximum.reduce(np.broadcast_arrays(*args)))

    def dot(self, ws: Any, xs: Any) -> np.ndarray:
        return sum(w * x for w, x in zip(ws, xs))

    def plus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    dot_grads = staticmethod(scale_each)


class MatrixMath(ArrayMath):
    """A whole layer of dot nodes at once, for the compiled replay: the dot row is called
    with one weight matrix ``W`` (k, n) — row j holds the weights of node j — one input matrix
    ``X`` (n, batch) — row i holds input i for every sample — and a bias column (k, 1).

    The products of the dot rule become matrix products: Σᵢ wᵢ·xᵢ is ``W @ X``; the weight
    gradient g·xᵢ, summed over the batch as per-sample backward accumulates it, is
    ``G @ X.T``; the input gradient g·wᵢ, summed over the k nodes that share the inputs, is
    ``W.T @ G``. With ``input_grads=False`` the input gradient is not computed (None), for a
    layer whose inputs need none.

    Once ``bind`` gives it buffers, ``W @ X`` (and then the bias) is written straight into the
    layer's rows of the value buffer and ``W.T @ G`` into a scratch block reused from pass to pass: a large batch
    then makes no temporary of its size, each of which costs fresh memory from the system.
    ``G @ X.T`` goes into ``dw`` when the step sets it.
    """

    def __init__(self, input_grads: bool = True) -> None:
        self.input_grads = input_grads
        self.out: np.ndarray | None = None
        self.dx: np.ndarray | None = None
        self.dw: np.ndarray | None = None
        """Where ``G @ X.T`` goes when set (the layer's weights' place in the gradient array)."""

    def bind(self, out: np.ndarray | None, dx: np.ndarray | None) -> None:
        """Where ``W @ X`` goes (k, batch) and where ``W.T @ G`` goes (n, batch); None: new arrays."""
        self.out, self.dx = out, dx

    def dot(self, ws: Any, xs: Any) -> np.ndarray:
        (w,), (x,) = ws, xs
        return w @ x if self.out is None else np.matmul(w, x, out=self.out)

    def plus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a + b; in place when a is the layer's rows that ``dot`` wrote (the bias added)."""
        return np.add(a, b, out=a) if a is self.out else a + b

    def dot_grads(self, g: Any, ws: Any, xs: Any) -> list[Any]:
        (w,), (x,) = ws, xs
        if not self.input_grads:
            dx = None
        elif self.dx is None:
            dx = w.T @ g
        else:
            dx = np.matmul(w.T, g, out=self.dx)
        dw = g @ x.T if self.dw is None else np.matmul(g, x.T, out=self.dw)
        return [dw, dx]


class BlockMath(ArrayMath):
    """One sum, logsumexp or dot node whose operands lie in consecutive rows of the value
    buffer, for the compiled replay: each run of operands arrives as one block (n, batch) —
    the sum and logsumexp rows get one block, the dot row a block of weights and a block of
    inputs (and a bias row) — and sums and maxima run over the block's rows (a sum in row
    order, as the float rule sums). The table's vjp rules then give each row its gradient:
    g for a sum, g·exp(aᵢ − out) for logsumexp, g·xᵢ and g·wᵢ for a dot."""

    @staticmethod
    def sum(args: Any) -> np.ndarray:
        (block,) = args
        return block.sum(axis=0, keepdims=True)

    @staticmethod
    def largest(args: Any) -> np.ndarray:
        (block,) = args
        return finite(block.max(axis=0, keepdims=True))

    def dot(self, ws: Any, xs: Any) -> np.ndarray:
        (w,), (x,) = ws, xs
        return (w * x).sum(axis=0, keepdims=True)


ARRAY = ArrayMath()
BLOCK = BlockMath()
