"""The batches over a data set: the one check of ``X, y`` (``check_xy``), one epoch of
shuffled ``minibatches`` and a ``train_test_split``, all shuffled by a seed through their
own numpy Generator (no global random state)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd.checks import count, real

SeedLike = int | np.random.Generator | None


def generator(seed: SeedLike, where: str) -> np.random.Generator:
    """A Generator from a seed, checked by ``autograd.checks.count`` (a bool is no seed: True
    would be seed 1), the Generator itself (to continue a stream), or None (fresh entropy);
    ``where`` names the function in the error."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(None if seed is None else count(seed, "seed", where))


def check_xy(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as a float array (n, d) (a 1-D ``X`` is n samples of one feature) and ``y`` as an
    array (n,) (bools as the ints 0 and 1), n >= 1, with no NaN or infinity: the one check of
    a data set every function taking ``X, y`` makes; a ValueError names ``where`` and the
    shapes or the entry found."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if y.dtype.kind == "b":  # False/True are the classes 0 and 1, on every path alike
        y = y.astype(np.int64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or y.ndim != 1:
        raise ValueError(f"{where} needs X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"{where} needs as many labels as samples, got {len(X)} samples and {len(y)} labels")
    if len(y) == 0:
        raise ValueError(f"{where} needs at least one sample, got X of shape {X.shape}")
    for name, a in (("X", X), ("y", y)):
        if a.dtype.kind not in "iubf":  # numbers held as objects or text: checked as the floats they give
            try:
                a = a.astype(np.float64)
            except (TypeError, ValueError):
                continue  # not numbers at all: the loss's own check names them
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            at = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
            raise ValueError(f"{where}: {name}[{', '.join(map(str, at))}] is {a[at]}: the data must be finite numbers")
    return X, y


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int | None = None, seed: SeedLike = 0, shuffle: bool = True
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of ``(X_batch, y_batch)`` pairs: every sample exactly once, in an order
    shuffled by ``seed`` (pass a Generator to get a new order each epoch). The last batch
    holds the remainder. ``batch_size=None`` gives the whole set as one batch."""
    X, y = check_xy(X, y, "minibatches")
    n = len(y)
    if batch_size is None:
        batch_size = max(n, 1)
    batch_size = count(batch_size, "batch_size", "minibatches", at_least=1)
    order = generator(seed, "minibatches").permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        take = order[start : start + batch_size]
        yield X[take], y[take]


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_fraction: float = 0.2, seed: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test``; the test part holds
    round(test_fraction · n) samples and neither part may be empty."""
    X, y = check_xy(X, y, "train_test_split")
    test_fraction = real(test_fraction, "test_fraction", "train_test_split", above=0.0, below=1.0)
    n = len(y)
    n_test = int(round(test_fraction * n))
    if n_test < 1 or n_test > n - 1:
        raise ValueError(
            f"train_test_split: a test fraction of {test_fraction} of {n} samples leaves "
            f"{n_test} test and {n - n_test} training samples; both need at least one"
        )
    order = generator(seed, "train_test_split").permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
