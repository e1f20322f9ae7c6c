"""Data sets to train on: toy 2-D problems (moons, circles, blobs, spirals, XOR) made with
numpy from a seed, the lectures' small tables, a CSV loader and the handwritten digits
(from scikit-learn); with the batches over them (``check_xy``, shuffled ``minibatches``
and ``train_test_split``, from ``nn.batches``) in the same namespace.

Every function returns numpy arrays: ``X`` float64 of shape (n, d) and ``y`` either integer
class indices 0..C-1 (classification) or float targets (regression). The generators use
their own ``numpy.random.Generator``, so the same seed always gives the same data and no
global random state is touched. The lectures' tables cite lecture 002 and lecture 004, as the
documentation's lectures page (docs/lectures.md) names them.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import math
from pathlib import Path

import numpy as np

from autograd.checks import count, real
from autograd.files import PathLike

from .batches import SeedLike, check_xy, generator, minibatches, train_test_split
from .userfiles import read_user_text


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------------------------------
# Toy classification problems
# ---------------------------------------------------------------------------------------

DIGITS_HINT = (
    "load_digits needs scikit-learn, which ships the digits data set: pip install 'chaingrad[digits]' "
    "(or pip install scikit-learn)"
)


def make_moons(n: int = 100, noise: float = 0.1, seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 is the upper moon, class 1 the lower one.

    Points lie evenly along each arc (the first moon gets the extra point when n is odd),
    then get Gaussian noise of standard deviation ``noise``, and the samples are shuffled.
    Not linearly separable: the classic first problem for an MLP.
    """
    n = count(n, "n (number of samples)", "make_moons", at_least=2)
    noise = real(noise, "noise", "make_moons", at_least=0.0)
    rng = generator(seed, "make_moons")
    n_upper = n - n // 2
    n_lower = n // 2
    a = np.linspace(0.0, math.pi, n_upper)
    b = np.linspace(0.0, math.pi, n_lower)
    upper = np.column_stack([np.cos(a), np.sin(a)])
    lower = np.column_stack([1.0 - np.cos(b), 0.5 - np.sin(b)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n_lower, dtype=np.int64)])
    return _shuffled(X, y, rng)


def make_blobs(
    n: int = 100, centers: int = 3, std: float = 0.6, dim: int = 2, seed: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class, ``n`` points shared out as evenly as possible.

    The ``centers`` cluster centres sit evenly on a circle of radius 3 in the first two
    coordinates (0 in the others), so the classes are separable for small ``std``.
    """
    n = count(n, "n (number of samples)", "make_blobs", at_least=1)
    centers = count(centers, "centers", "make_blobs", at_least=1)
    dim = count(dim, "dim", "make_blobs", at_least=2)
    std = real(std, "std", "make_blobs", at_least=0.0)
    rng = generator(seed, "make_blobs")
    angles = 2.0 * math.pi * np.arange(centers) / centers
    middle = np.zeros((centers, dim))
    middle[:, 0] = 3.0 * np.cos(angles)
    middle[:, 1] = 3.0 * np.sin(angles)
    y = np.arange(n, dtype=np.int64) % centers
    X = middle[y] + rng.normal(0.0, std, size=(n, dim))
    return _shuffled(X, y, rng)


def make_spirals(
    n: int = 100, classes: int = 2, noise: float = 0.1, turns: float = 1.0, seed: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, winding out from the origin.

    Along each arm the radius grows from 0 to 1 while the angle turns ``turns`` full circles;
    arm k starts at angle 2πk/classes. Gaussian noise (``noise``, in radians) jitters the
    angle. Hard for a linear model, fine for a small MLP.
    """
    n = count(n, "n (number of samples)", "make_spirals", at_least=1)
    classes = count(classes, "classes", "make_spirals", at_least=2)
    noise = real(noise, "noise", "make_spirals", at_least=0.0)
    turns = real(turns, "turns", "make_spirals")
    rng = generator(seed, "make_spirals")
    y = np.arange(n, dtype=np.int64) % classes
    counts = np.bincount(y, minlength=classes)
    radius = np.concatenate([np.linspace(0.05, 1.0, c) for c in counts])
    y = np.concatenate([np.full(c, k, dtype=np.int64) for k, c in enumerate(counts)])
    angle = 2.0 * math.pi * (y / classes + turns * radius) + rng.normal(0.0, noise, size=n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return _shuffled(X, y, rng)


def make_xor(n: int = 100, noise: float = 0.0, seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points drawn uniformly in the four quadrants of [-1, 1]² (shared out evenly); the
    class is 1 where the two coordinates have different signs (x₁ > 0 XOR x₂ > 0), else 0.
    ``noise`` adds Gaussian jitter to the points after labelling, blurring the axes."""
    n = count(n, "n (number of samples)", "make_xor", at_least=1)
    noise = real(noise, "noise", "make_xor", at_least=0.0)
    rng = generator(seed, "make_xor")
    quadrant = np.arange(n) % 4
    signs = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [-1.0, 1.0]])[quadrant]
    X = signs * rng.uniform(0.0, 1.0, size=(n, 2))
    y = (signs[:, 0] != signs[:, 1]).astype(np.int64)
    if noise:
        X = X + rng.normal(0.0, noise, size=X.shape)
    return _shuffled(X, y, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 on the outer one (radius 1), class 1 on the inner one
    (radius ``factor``), points spread evenly around each (the outer circle gets the extra
    point when n is odd), then Gaussian noise of standard deviation ``noise``, shuffled.
    Separable by a closed curve only: no line will do, two hidden tanh units nearly will."""
    n = count(n, "n (number of samples)", "make_circles", at_least=2)
    noise = real(noise, "noise", "make_circles", at_least=0.0)
    factor = real(factor, "factor (inner radius over outer)", "make_circles", above=0.0, below=1.0)
    rng = generator(seed, "make_circles")
    n_outer = n - n // 2
    n_inner = n // 2
    a = 2.0 * math.pi * np.arange(n_outer) / n_outer
    b = 2.0 * math.pi * np.arange(n_inner) / n_inner
    outer = np.column_stack([np.cos(a), np.sin(a)])
    inner = factor * np.column_stack([np.cos(b), np.sin(b)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_outer, dtype=np.int64), np.ones(n_inner, dtype=np.int64)])
    return _shuffled(X, y, rng)


# ---------------------------------------------------------------------------------------
# The lectures' small tables
# ---------------------------------------------------------------------------------------


def load_digits(n: int | None = None, seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits: 1,797 images of 8×8 pixels, X (n, 64) scaled to [0, 1] (the
    pixels are 0..16) and y the digit 0..9.

    The data is the copy bundled with scikit-learn (the file ``sklearn.datasets.load_digits``
    reads, from disk, no network); install it with the ``digits`` extra. The file is read
    directly: importing scikit-learn (and SciPy with it) would take longer than training.
    ``n`` takes a random subset of n samples drawn with ``seed`` (None: all of them, in
    scikit-learn's order).
    """
    rows = _digits_rows(_digits_file())
    X = rows[:, :64] / 16.0
    y = rows[:, 64].astype(np.int64)
    if n is not None:
        n = count(n, "n (number of samples)", "load_digits", at_least=1)
        if n > len(y):
            raise ValueError(f"load_digits has {len(y)} samples, asked for n={n}")
        take = generator(seed, "load_digits").permutation(len(y))[:n]
        X, y = X[take], y[take]
    return X, y


def _digits_file() -> Path:
    """scikit-learn's digits.csv.gz, found without importing scikit-learn."""
    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(DIGITS_HINT)
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        raise ImportError(f"{DIGITS_HINT}; this scikit-learn has no {path}")
    return path


def _digits_rows(path: Path) -> np.ndarray:
    """The file's 1,797 rows of 64 pixels 0..16 and the digit, checked."""
    try:
        with gzip.open(path, "rt", encoding="ascii") as f:
            rows = np.loadtxt(f, delimiter=",", ndmin=2)
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"load_digits: {path} is not the digits data set: {e}") from e
    pixels, digits = rows[:, :64], rows[:, 64:]
    if (
        rows.shape != (1797, 65)
        or not np.all((pixels >= 0) & (pixels <= 16) & (pixels == np.round(pixels)))
        or not np.all(np.isin(digits, np.arange(10)))
    ):
        raise ValueError(f"load_digits: {path} does not hold 1797 rows of 64 pixels 0..16 and a digit 0..9")
    return rows


def smallest_perceptron() -> tuple[np.ndarray, np.ndarray]:
    """The world's smallest perceptron y = wx: x = 10, 2, 3.5, 1 and y = 10.1, 1.9, 3.4, 1.1
    (lecture 002). Least squares gives w* = Σxy/Σx² = 117.8/117.25."""
    X = np.array([[10.0], [2.0], [3.5], [1.0]])
    y = np.array([10.1, 1.9, 3.4, 1.1])
    return X, y


def line_points() -> tuple[np.ndarray, np.ndarray]:
    """The line y = wx + b through (2, 3), (4, 4), (6, 5), (8, 6) (lecture 004): w = 0.5, b = 2.0."""
    X = np.array([[2.0], [4.0], [6.0], [8.0]])
    y = np.array([3.0, 4.0, 5.0, 6.0])
    return X, y


# ---------------------------------------------------------------------------------------
# CSV files
# ---------------------------------------------------------------------------------------


def _parse_float(text: str) -> float | None:
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def _is_number(text: str) -> bool:
    """Whether ``text`` reads as a number at all; "nan" and "inf" do (and are then rejected as
    features with the line), so a first row holding one is not mistaken for a header."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_rows(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV text with the line each starts on, read by the ``csv``
    module's rules: only \\n, \\r and \\r\\n end a row (a form feed or U+2028 is part of its
    field) and a quoted field may hold a line break."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, line = [], 1
    try:
        for row in reader:
            fields = [f.strip() for f in row]
            if any(fields):
                rows.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as e:
        limit = csv.field_size_limit()
        why = f"a field is longer than {limit:,} characters" if "field limit" in str(e) else str(e)
        raise ValueError(f"{path}, line {line}: cannot read the CSV row: {why}") from None
    return rows


def load_csv(
    path: PathLike,
    label_column: int = -1,
    header: bool | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
    regression: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Read a CSV file of feature columns and one label column into ``(X, y)``.

    ``label_column`` picks the label (default: the last column). ``header=None`` detects a
    header line: the first row is a header when one of its feature fields is not a number.
    Labels that are text are classes, numbered 0..C-1 in sorted order. Numeric labels that are
    all whole numbers are class indices (an int array) and must be 0..C-1 for the C distinct
    labels the file holds; other numbers are regression targets (a float array).
    ``regression=True`` reads numeric labels as targets even when they are whole numbers.
    Blank lines are skipped; rows follow the ``csv`` module's rules (quoted fields may hold the
    delimiter or a line break).

    The file is read by ``nn.userfiles.read_user_text`` (a regular file under
    ``MAX_FILE_BYTES``, in ``encoding``). A row with the wrong number of fields, a feature
    that is not a finite number, a target that is nan or inf, or a label that is not a class
    index is a ValueError naming the file and the line.
    """
    path = Path(path)
    try:
        text = read_user_text(path, "CSV file", encoding)
    except FileNotFoundError as e:
        raise ValueError(str(e)) from None
    rows = _csv_rows(text, delimiter, path)
    if not rows:
        raise ValueError(f"{path}: the CSV file holds no rows")
    width = len(rows[0][1])
    if width < 2:
        raise ValueError(
            f"{path}, line {rows[0][0]}: need at least one feature column and a label column, got 1 column"
        )
    if not -width <= label_column < width:
        raise ValueError(f"{path}: label column {label_column} is out of range for {width} columns")
    label_at = label_column % width

    def features(row: list[str]) -> list[str]:
        return row[:label_at] + row[label_at + 1 :]

    if header is None:
        header = any(not _is_number(f) for f in features(rows[0][1]))
    if header:
        rows = rows[1:]
        if not rows:
            raise ValueError(f"{path}: the CSV file holds a header and no data rows")

    X = np.empty((len(rows), width - 1))
    labels: list[str] = []
    for r, (line, row) in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"{path}, line {line}: expected {width} fields, got {len(row)}: {delimiter.join(row)!r}")
        for c, field in enumerate(features(row)):
            f = _parse_float(field)
            if f is None:
                raise ValueError(f"{path}, line {line}: feature {field!r} is not a finite number")
            X[r, c] = f
        if row[label_at] == "":
            raise ValueError(f"{path}, line {line}: the label is empty")
        labels.append(row[label_at])
    return X, _encode_labels(labels, [line for line, _ in rows], path, regression)


def _encode_labels(labels: list[str], lines: list[int], path: Path, regression: bool) -> np.ndarray:
    """Class indices or regression targets from the label fields (see ``load_csv``)."""
    numbers = [float(s) if _is_number(s) else None for s in labels]
    if any(f is None for f in numbers) and not regression:
        classes = sorted(set(labels))
        index = {c: k for k, c in enumerate(classes)}
        return np.array([index[s] for s in labels], dtype=np.int64)
    for f, s, line in zip(numbers, labels, lines):
        if f is None or not math.isfinite(f):
            raise ValueError(f"{path}, line {line}: the target {s!r} is not a finite number")
    values = np.array(numbers, dtype=np.float64)
    if regression or not np.all(values == np.round(values)):
        return values
    n_classes = len(set(values.tolist()))
    for f, s, line in zip(values.tolist(), labels, lines):
        if not 0 <= f < n_classes:
            raise ValueError(
                f"{path}, line {line}: label {s} is not a class index: whole-number labels are classes "
                f"0..{n_classes - 1} for the {n_classes} distinct labels the file holds (or write the classes "
                "as text); for numeric targets pass regression=True"
            )
    return values.astype(np.int64)


__all__ = [
    "make_moons",
    "make_blobs",
    "make_spirals",
    "make_xor",
    "make_circles",
    "load_digits",
    "smallest_perceptron",
    "line_points",
    "load_csv",
    "check_xy",
    "minibatches",
    "train_test_split",
    "SeedLike",
    "DIGITS_HINT",
]
