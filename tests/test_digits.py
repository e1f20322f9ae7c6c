"""The handwritten digits: the loader (scikit-learn's bundled copy, scaled to [0, 1]), its
message when scikit-learn is missing, compiled training on a subset, and the command."""

import gzip
import json
import subprocess
import sys

import numpy as np
import pytest

from nn import data
from nn.cli import main
from nn.data import load_digits, train_test_split
from nn.layers import MLP
from nn.optim import Adam
from nn.train import evaluate, fit

sklearn = pytest.importorskip("sklearn", reason="the digits need scikit-learn (the digits extra)")


def test_load_digits_gives_1797_images_of_64_pixels_in_0_1():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype.kind == "i"
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.unique(X * 16), np.arange(17))  # pixels 0..16, divided by 16
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    assert np.all(np.bincount(y) >= 170)  # about 180 of each digit


def test_load_digits_reads_scikit_learns_own_data_without_importing_it():
    code = (
        "import sys; from nn.data import load_digits; X, y = load_digits(); "
        "assert not any(m.split('.')[0] in ('sklearn', 'scipy') for m in sys.modules), 'imported scikit-learn'; "
        "import numpy as np; from sklearn.datasets import load_digits as theirs; d = theirs(); "
        "assert np.array_equal(X, d.data / 16.0) and np.array_equal(y, d.target)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_damaged_digits_file_is_a_clear_error(monkeypatch, tmp_path):
    bad = tmp_path / "digits.csv.gz"
    with gzip.open(bad, "wt") as f:
        f.write("1,2,3\n")
    monkeypatch.setattr(data, "_digits_file", lambda: bad)
    with pytest.raises(ValueError, match="does not hold 1797 rows"):
        load_digits()
    bad.write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="is not the digits data set"):
        load_digits()


def test_load_digits_subset_is_seeded():
    X, y = load_digits()
    Xa, ya = load_digits(300, seed=1)
    Xb, yb = load_digits(300, seed=1)
    assert Xa.shape == (300, 64)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    rows = {tuple(r) for r in X.tolist()}
    assert all(tuple(r) in rows for r in Xa.tolist())
    assert not np.array_equal(load_digits(300, seed=2)[1], ya)
    with pytest.raises(ValueError, match="1797 samples, asked for n=2000"):
        load_digits(2000)


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    for module in ("sklearn", "sklearn.datasets"):
        monkeypatch.setitem(sys.modules, module, None)  # importing it now raises ImportError
    with pytest.raises(ImportError, match=r"scikit-learn.*chaingrad\[digits\]"):
        load_digits()


def test_cli_reports_missing_scikit_learn(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert main(["train", "--data", "digits", "--compiled", "--out", str(tmp_path / "run"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "chaingrad train: error:" in err and "chaingrad[digits]" in err


def test_compiled_training_on_a_subset_beats_chance_by_far():
    X, y = load_digits(300, seed=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, 0.25, seed=0)
    model = MLP(64, [32, 10], seed=0)
    _, before = evaluate(model, X_te, y_te, "ce", compiled=True)
    hist = fit(
        model, X_tr, y_tr, "ce", Adam(model.parameters(), lr=0.02), epochs=15, batch_size=32, progress=False,
        compiled=True,
    )  # fmt: skip
    _, after = evaluate(model, X_te, y_te, "ce", compiled=True)
    assert before < 0.3  # about chance (0.1) before training
    assert hist.accuracy[-1] > 0.95 and after > 0.8


def test_cli_trains_digits_compiled_with_a_test_split(tmp_path, capsys):
    out = tmp_path / "digits"
    argv = ["train", "--data", "digits", "--samples", "300", "--epochs", "8", "--compiled", "--no-progress"]
    assert main([*argv, "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    # the digits' defaults: MLP(64, [32, 10]), cross-entropy, Adam, a fifth held out
    assert run["model"]["nin"] == 64 and run["model"]["nouts"] == [32, 10]
    assert run["loss"] == "ce" and run["optimizer"].startswith("Adam") and run["compiled"] is True
    assert run["data"]["samples"] == 300 and run["split"]["train"] == 240 and run["test_samples"] == 60
    assert run["test_accuracy"] > 0.5
    assert "test:  loss" in stdout and "on 60 held-out samples" in stdout
    assert "no decision_boundary.png: the data has 64 features" in stdout
    assert not (out / "decision_boundary.png").exists() and (out / "model.json").is_file()
    assert "hint:" not in stdout
    # evaluate the saved model on the same subset, on the plain engine and compiled
    ev = ["evaluate", "--model", str(out / "model.json"), "--data", "digits", "--samples", "300"]
    assert main(ev) == 0
    plain = capsys.readouterr().out
    assert main([*ev, "--compiled"]) == 0
    assert capsys.readouterr().out == plain


def test_cli_digits_without_compiled_hints_at_it(tmp_path, capsys, monkeypatch):
    from nn.cli import train_command

    # the default digits run: 1,437 training samples, 2,410 parameters, 20 epochs
    assert train_command.plain_seconds(1437, 2410, 20) > train_command.SLOW_RUN_SECONDS
    monkeypatch.setattr(train_command, "SLOW_RUN_SECONDS", 0.01)  # this small run stands in for it
    argv = ["train", "--data", "digits", "--samples", "40", "--epochs", "1", "--no-progress"]
    assert main([*argv, "--out", str(tmp_path / "plain")]) == 0
    stdout = capsys.readouterr().out
    assert "hint:" in stdout and "--compiled" in stdout
    assert "test:  loss" in stdout
