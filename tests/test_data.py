"""nn.data: generators (shape, labels, seeds), the lectures' tables, CSV loading, minibatches, split."""

import numpy as np
import pytest

from nn.data import (
    line_points,
    load_csv,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    minibatches,
    smallest_perceptron,
    train_test_split,
)

GENERATORS = [
    (make_moons, {}, 2),
    (make_blobs, {"centers": 4}, 4),
    (make_spirals, {"classes": 3}, 3),
    (make_xor, {}, 2),
    (make_circles, {}, 2),
]


@pytest.mark.parametrize("make, kwargs, classes", GENERATORS)
def test_generator_shapes_and_labels(make, kwargs, classes):
    X, y = make(n=101, seed=3, **kwargs)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == set(range(classes))
    assert np.all(np.isfinite(X))
    # classes are shared out as evenly as possible
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make, kwargs, classes", GENERATORS)
def test_generators_reproducible_from_seed(make, kwargs, classes):
    X1, y1 = make(n=50, seed=7, **kwargs)
    X2, y2 = make(n=50, seed=7, **kwargs)
    X3, _ = make(n=50, seed=8, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_moons_without_noise_lie_on_the_arcs():
    X, y = make_moons(n=40, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    # upper arc: unit circle around (0, 0), y >= 0; lower arc: unit circle around (1, 0.5), y <= 0.5
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_xor_labels_follow_the_quadrants():
    X, y = make_xor(n=200, seed=1)
    expected = (X[:, 0] * X[:, 1] < 0).astype(int)
    np.testing.assert_array_equal(y, expected)


def test_blobs_in_higher_dimension():
    X, y = make_blobs(n=30, centers=3, dim=5, seed=0)
    assert X.shape == (30, 5)
    assert set(y) == {0, 1, 2}


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_moons(n=1),
        lambda: make_moons(noise=-0.1),
        lambda: make_blobs(centers=0),
        lambda: make_spirals(classes=1),
        lambda: make_xor(n=2.5),
        lambda: make_spirals(turns=float("nan")),
        lambda: make_spirals(turns="1"),
    ],
)
def test_generators_reject_bad_arguments(call):
    with pytest.raises(ValueError):
        call()


def test_lecture_tables():
    X, y = smallest_perceptron()
    assert X.shape == (4, 1)
    np.testing.assert_array_equal(X[:, 0], [10.0, 2.0, 3.5, 1.0])
    np.testing.assert_array_equal(y, [10.1, 1.9, 3.4, 1.1])
    X, y = line_points()
    np.testing.assert_array_equal(X[:, 0], [2.0, 4.0, 6.0, 8.0])
    np.testing.assert_array_equal(y, [3.0, 4.0, 5.0, 6.0])
    # every point lies on y = 0.5x + 2 (lecture 004)
    np.testing.assert_allclose(0.5 * X[:, 0] + 2.0, y)


# -- CSV ---------------------------------------------------------------------------------


def test_load_csv_with_header_and_int_labels(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x2,label\n0.5,1.5,0\n-1,2e-1,1\n\n3,4,2\n")
    X, y = load_csv(p)
    np.testing.assert_array_equal(X, [[0.5, 1.5], [-1.0, 0.2], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [0, 1, 2])
    assert y.dtype.kind == "i"


def test_load_csv_without_header_float_targets_and_label_column(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("1.5,1,2\n2.5,3,4\n")
    X, y = load_csv(p, label_column=0)
    np.testing.assert_array_equal(X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [1.5, 2.5])
    assert y.dtype == np.float64


def test_load_csv_text_labels_numbered_in_sorted_order(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b,kind\n1,2,versicolor\n3,4,setosa\n5,6,versicolor\n")
    _, y = load_csv(p)
    np.testing.assert_array_equal(y, [1, 0, 1])


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("x,y,label\n1,2,0\n3,4\n", 3, "expected 3 fields, got 2"),
        ("1,2,0\n3,abc,1\n", 2, "'abc' is not a finite number"),
        ("1,2,0\n3,4,1\n5,6,1,7\n", 3, "expected 3 fields, got 4"),
        ("1,2,0\n\n3,nan,1\n", 3, "'nan'"),
        ("1,2,0\n3,4,\n", 2, "label is empty"),
        ("1,inf,0\n3,4,1\n", 1, "'inf' is not a finite number"),  # a number, so not taken for a header
    ],
)
def test_load_csv_malformed_row_names_file_and_line(tmp_path, body, line, words):
    p = tmp_path / "bad.csv"
    p.write_text(body)
    with pytest.raises(ValueError) as e:
        load_csv(p)
    assert "bad.csv" in str(e.value)
    assert f"line {line}" in str(e.value)
    assert words in str(e.value)


def test_load_csv_missing_and_empty_files(tmp_path):
    with pytest.raises(ValueError, match="nope.csv"):
        load_csv(tmp_path / "nope.csv")
    p = tmp_path / "empty.csv"
    p.write_text("\n\n")
    with pytest.raises(ValueError, match="no rows"):
        load_csv(p)


# -- minibatches and split ---------------------------------------------------------------


def test_minibatches_cover_every_sample_once():
    X = np.arange(23, dtype=float).reshape(-1, 1)
    y = np.arange(23)
    batches = list(minibatches(X, y, batch_size=5, seed=4))
    assert [len(b[1]) for b in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen) == list(range(23))
    for xb, yb in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(xb[:, 0], yb)
    assert not np.array_equal(seen, np.arange(23))  # shuffled


def test_minibatches_seeded_and_new_order_per_epoch_with_a_generator():
    X, y = np.zeros((20, 1)), np.arange(20)
    a = np.concatenate([b for _, b in minibatches(X, y, 4, seed=1)])
    b = np.concatenate([b for _, b in minibatches(X, y, 4, seed=1)])
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(0)
    e1 = np.concatenate([b for _, b in minibatches(X, y, 4, seed=rng)])
    e2 = np.concatenate([b for _, b in minibatches(X, y, 4, seed=rng)])
    assert not np.array_equal(e1, e2)
    assert sorted(e1) == sorted(e2) == list(range(20))


def test_minibatches_full_batch_and_bad_size():
    X, y = np.zeros((7, 2)), np.arange(7)
    assert [len(b) for _, b in minibatches(X, y, None)] == [7]
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        list(minibatches(X, y, 0))
    with pytest.raises(ValueError, match="7 samples and 6 labels"):
        list(minibatches(X, y[:6], 2))


def test_train_test_split():
    X = np.arange(50, dtype=float).reshape(-1, 1)
    y = np.arange(50)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.2, seed=0)
    assert len(y_te) == 10 and len(y_tr) == 40
    assert sorted(np.concatenate([y_tr, y_te])) == list(range(50))
    np.testing.assert_array_equal(X_tr[:, 0], y_tr)
    again = train_test_split(X, y, test_fraction=0.2, seed=0)
    np.testing.assert_array_equal(again[3], y_te)
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, y, test_fraction=1.0)
    with pytest.raises(ValueError, match="both need at least one"):
        train_test_split(X[:2], y[:2], test_fraction=0.1)


def test_circles_lie_on_their_two_radii():
    X, y = make_circles(n=41, noise=0.0, factor=0.3, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)
    assert (y == 0).sum() == 21
    with pytest.raises(ValueError, match="factor"):
        make_circles(factor=1.0)


# -- CSV files as the csv module reads them, and labels that must make sense --------------


def _csv(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def test_load_csv_a_form_feed_or_line_separator_inside_a_field_does_not_split_the_row(tmp_path):
    p = _csv(tmp_path, "1,2\x0c,0\n3,4\u2028,1\n5,x,1\n")
    with pytest.raises(ValueError, match=r"d\.csv, line 3: feature 'x'"):
        load_csv(p)
    X, y = load_csv(_csv(tmp_path, "1,2\x0c,0\n3,4\u2028,1\n", "ok.csv"))
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, [0, 1])


def test_load_csv_quoted_fields_may_hold_a_line_break_and_the_delimiter(tmp_path):
    p = _csv(tmp_path, 'x,kind\n1,"big\ncat"\n2,"a,b"\n3,"big\ncat"\n4,z\n5,"q\n')
    with pytest.raises(ValueError, match=r"d\.csv, line 8: cannot read the CSV row: unexpected end of data"):
        load_csv(p)  # a quote opened on line 8 and never closed
    X, y = load_csv(_csv(tmp_path, 'x,kind\n1,"big\ncat"\n2,"a,b"\n3,"big\ncat"\n', "ok.csv"))
    np.testing.assert_array_equal(X[:, 0], [1, 2, 3])
    np.testing.assert_array_equal(y, [1, 0, 1])  # "a,b" < "big\ncat": two classes, the line break kept


def test_load_csv_names_the_line_a_quoted_record_starts_on(tmp_path):
    p = _csv(tmp_path, 'x,kind\n1,"two\nlines"\n2,3,4\n')
    with pytest.raises(ValueError, match=r"line 4: expected 2 fields, got 3"):
        load_csv(p)


def test_load_csv_a_huge_field_names_the_file_and_line(tmp_path):
    p = _csv(tmp_path, "1,0\n2,1\n3," + '"' + "9" * 200_000 + '"\n')
    with pytest.raises(ValueError, match=r"d\.csv, line 3: cannot read the CSV row: a field is longer than 131,072"):
        load_csv(p)


def test_load_csv_latin1_names_file_line_and_encoding_and_reads_with_the_encoding(tmp_path):
    p = _csv(tmp_path, "x,kind\n1,a\n2,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"d\.csv, line 3: the CSV file is not utf-8 text \(byte 0xe9"):
        load_csv(p)
    _, y = load_csv(p, encoding="latin-1")
    np.testing.assert_array_equal(y, [0, 1])


def test_load_csv_a_stray_class_label_is_an_error_naming_its_line(tmp_path):
    p = _csv(tmp_path, "1,2,0\n3,4,1000000\n")
    with pytest.raises(ValueError, match=r"d\.csv, line 2: label 1000000 is not a class index.* 0\.\.1 for the 2"):
        load_csv(p)


@pytest.mark.parametrize("body, line", [("1,1\n2,2\n", 2), ("1,-1\n2,1\n", 1), ("1,0\n2,2\n", 2)])
def test_load_csv_whole_number_labels_must_be_0_to_c_minus_1(tmp_path, body, line):
    with pytest.raises(ValueError, match=rf"line {line}: label -?\d is not a class index"):
        load_csv(_csv(tmp_path, body))


def test_load_csv_whole_number_targets_read_as_regression_when_asked(tmp_path):
    X, y = load_csv(_csv(tmp_path, "1,250000\n2,310000\n"), regression=True)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [250000.0, 310000.0])


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "NaN"])
def test_load_csv_a_nan_or_inf_target_is_an_error_naming_its_line(tmp_path, bad):
    p = _csv(tmp_path, f"x,y\n1,0.5\n2,{bad}\n3,1.5\n")
    with pytest.raises(ValueError, match=rf"d\.csv, line 3: the target '{bad}' is not a finite number"):
        load_csv(p)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_nan_or_inf_in_the_data_is_named_before_training(compiled):
    from nn import MLP, fit

    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"fit: X\[1, 1\] is nan"):
        fit(model, [[1.0, 2.0], [3.0, float("nan")]], [0, 1], loss="bce", progress=False, compiled=compiled)
    with pytest.raises(ValueError, match=r"fit: y\[0\] is inf"):
        fit(model, [[1.0, 2.0], [3.0, 4.0]], [float("inf"), 1.0], loss="mse", progress=False, compiled=compiled)
    assert [p.data for p in model.parameters()] == before
