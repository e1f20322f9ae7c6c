"""Runs that must not be lost or misread: ``--out`` checked before training, model.json and
run.json written first, an earlier run kept when a new one fails, the data and split recorded
so ``chaingrad evaluate`` re-creates them; divergence stopped and named; defaults that train;
the hint about --compiled; usage errors as argparse's."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nn import MLP, SGD
from nn import data as datasets
from nn.cli import main, run_folder, train_command
from nn.layers import load_model
from nn.loop import fit

QUICK = ["--epochs", "3", "--samples", "40", "--no-progress"]


def _train(out, *extra):
    return main(["train", "--data", "moons", *QUICK, "--out", str(out), *extra])


# -- --out is checked before any training -----------------------------------------------


@pytest.mark.parametrize("command", ["train", "demo"])
def test_out_that_is_a_file_is_refused_before_training(tmp_path, capsys, command):
    f = tmp_path / "taken"
    f.write_text("keep me")
    argv = [command, "--out", str(f), "--no-progress"] + (["--epochs", "3"] if command == "train" else [])
    assert main(argv) == 2
    err = capsys.readouterr()
    assert "a file of that name exists" in err.err and "Training" not in err.out
    assert f.read_text() == "keep me"


def test_out_under_a_file_is_refused_before_training(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert _train(f / "run") == 2
    err = capsys.readouterr()
    assert f"{f} is a file, so no folder can be made under it" in err.err and "Training" not in err.out


def test_out_in_a_folder_that_cannot_be_written_is_refused_before_training(capsys):
    assert _train("/proc/chaingrad-run") == 2  # /proc takes no new files, not even from root
    err = capsys.readouterr()
    assert "cannot write in /proc" in err.err and "Training" not in err.out


# -- what is written, and in which order; an earlier run is never damaged ----------------


def test_model_and_run_json_survive_a_failure_writing_the_plots(tmp_path, capsys, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_folder, "plot_history", full_disk)
    out = tmp_path / "run"
    assert _train(out) == 0
    assert "could not write loss_accuracy.png (No space left on device)" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["files"][:2] == ["model.json", "run.json"] and "loss_accuracy.png" not in run["files"]
    assert set(run["files"]) == {p.name for p in out.iterdir()}
    assert json.loads((out / "model.json").read_text())["format"] == "chaingrad"


def test_run_json_is_written_once_with_the_list_of_files(tmp_path, capsys, monkeypatch):
    # the folder is staged and moved in whole: a run.json written before the plots is never seen
    written = []
    write_atomic = run_folder.write_atomic

    def recording(path, *args, **kwargs):
        written.append(path.name)
        return write_atomic(path, *args, **kwargs)

    monkeypatch.setattr(run_folder, "write_atomic", recording)
    out = tmp_path / "run"
    assert _train(out) == 0
    assert written.count("run.json") == 1
    assert set(json.loads((out / "run.json").read_text())["files"]) == {p.name for p in out.iterdir()}


def test_a_run_that_fails_to_save_leaves_the_earlier_run_as_it_was(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert _train(out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MLP, "save", full_disk)
    assert _train(out, "--seed", "3") == 1
    assert "an earlier run there is kept" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left behind


def test_a_new_run_replaces_every_file_of_the_earlier_one(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(out) == 0
    assert (out / "decision_boundary.png").exists()
    csv = tmp_path / "three.csv"
    csv.write_text("".join(f"{i},{i % 3},{i % 5},{i % 2}\n" for i in range(20)))
    (out / "notes.txt").write_text("mine")
    assert main(["train", "--data", str(csv), "--epochs", "2", "--no-progress", "--out", str(out)]) == 0
    assert not (out / "decision_boundary.png").exists()  # the 3-feature run draws none: no stale plot
    assert (out / "notes.txt").read_text() == "mine"  # a file no run writes is left alone
    run = json.loads((out / "run.json").read_text())
    assert set(run["files"]) | {"notes.txt"} == {p.name for p in out.iterdir()}


# -- a run folder says how to evaluate it again ------------------------------------------


@pytest.fixture(scope="module")
def spirals_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "spirals"
    argv = ["train", "--data", "spirals", "--classes", "3", "--samples", "120", "--noise", "0.05"]
    argv += ["--test-fraction", "0.25", "--epochs", "60", "--compiled", "--no-progress", "--out", str(out)]
    assert main(argv) == 0
    return out


def test_run_json_records_the_data_and_the_split(spirals_run):
    run = json.loads((spirals_run / "run.json").read_text())
    assert run["data"]["name"] == "spirals" and run["data"]["classes"] == 3 and run["data"]["samples"] == 120
    assert run["data"]["noise"] == 0.05 and run["data"]["seed"] == 0 and run["data"]["size"] == 120
    assert run["split"] == {"test_fraction": 0.25, "seed": 0, "train": 90, "test": 30}


def test_evaluate_recreates_the_runs_data_and_split_and_reports_both_parts(spirals_run, capsys):
    capsys.readouterr()
    assert main(["evaluate", "--model", str(spirals_run / "model.json")]) == 0
    text = capsys.readouterr().out
    run = json.loads((spirals_run / "run.json").read_text())
    held = next(line for line in text.splitlines() if line.startswith("held-out:"))
    train = next(line for line in text.splitlines() if line.startswith("training:"))
    assert f"accuracy {100 * run['test_accuracy']:.1f}% on 30 samples" in held
    assert f"accuracy {100 * run['final_accuracy']:.1f}% on 90 samples" in train


def test_evaluate_takes_labels_below_the_models_outputs_and_refuses_the_others(spirals_run, tmp_path, capsys):
    # a sample need not show every class: 10 outputs evaluate blobs whose labels are 0..6
    MLP(2, [4, 10], seed=0).save(tmp_path / "ten.json")
    argv = ["evaluate", "--model", str(tmp_path / "ten.json"), "--data", "blobs", "--classes", "7", "--loss", "ce"]
    assert main(argv) == 0
    assert "accuracy" in capsys.readouterr().out
    # 3 outputs on spirals of 2 classes: labels 0..1 are below 3
    assert main(["evaluate", "--model", str(spirals_run / "model.json"), "--data", "spirals"]) == 0
    capsys.readouterr()
    # labels 3 and 4 have no output on a 3-output model: refused, named, nothing evaluated
    argv = ["evaluate", "--model", str(spirals_run / "model.json"), "--data", "blobs", "--classes", "5"]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "3 output(s) needs labels in 0..2, got [3, 4]" in err and "accuracy" not in out


def test_evaluate_seed_without_data_is_a_usage_error(spirals_run, capsys):
    # the run's own data comes with the run's own seed: a --seed alone would be ignored
    assert main(["evaluate", "--model", str(spirals_run / "model.json"), "--seed", "7"]) == 2
    out, err = capsys.readouterr()
    assert "--seed need --data" in err and "accuracy" not in out


@pytest.mark.parametrize(
    ("part", "key", "value", "message"),
    [
        ("data", "seed", True, "seed must be an integer >= 0, got True"),
        ("data", "samples", True, "samples must be an integer >= 1, got True"),
        ("data", "noise", -0.5, "noise must be a finite number >= 0, got -0.5"),
        ("split", "seed", False, "seed must be an integer >= 0, got False"),
        ("split", "test_fraction", 1.5, "test_fraction must be a number in [0, 1), got 1.5"),
    ],
)
def test_evaluate_names_a_bad_number_in_run_json(spirals_run, tmp_path, capsys, part, key, value, message):
    # an edited run.json: a bool is no seed (True is not 1) and no count, and nothing is guessed
    run = json.loads((spirals_run / "run.json").read_text())
    run[part][key] = value
    (tmp_path / "model.json").write_bytes((spirals_run / "model.json").read_bytes())
    (tmp_path / "run.json").write_text(json.dumps(run))
    assert main(["evaluate", "--model", str(tmp_path / "model.json")]) == 1
    out, err = capsys.readouterr()
    assert str(tmp_path / "run.json") in err and message in err, err
    assert "accuracy" not in out


def test_evaluate_without_data_or_run_json_asks_for_data(tmp_path, capsys):
    MLP(2, [3, 2]).save(tmp_path / "m.json")
    assert main(["evaluate", "--model", str(tmp_path / "m.json")]) == 2
    assert "give --data" in capsys.readouterr().err


# -- divergence ----------------------------------------------------------------------------


def test_fit_stops_a_diverging_run_and_names_the_epoch_and_the_loss():
    X = np.linspace(-2.0, 2.0, 30)[:, None]
    y = 3.0 * X[:, 0] + 1.0
    model = MLP(1, [8, 1], seed=0)
    h = fit(model, X, y, "mse", SGD(model.parameters(), lr=5.0), epochs=100, progress=False)
    assert h.stop_reason.startswith(f"diverged at epoch {h.epochs}: the loss grew from ")
    assert "try a smaller learning rate (lr is 5)" in h.stop_reason
    assert h.epochs < 100 and math.isfinite(h.loss[-1])
    assert all(math.isfinite(p.data) for p in model.parameters())  # no step was taken with it


def test_train_with_a_huge_learning_rate_says_it_diverged(tmp_path, capsys):
    out = tmp_path / "run"
    for optimizer in ("sgd", "adam"):
        assert _train(out, "--lr", "1e10", "--optimizer", optimizer, "--epochs", "30", "--batch-size", "8") == 1
        err = capsys.readouterr().err
        assert "training diverged at epoch" in err and "smaller learning rate" in err, err
        assert "undefined" not in err
    assert not out.exists()


# -- defaults that train -----------------------------------------------------------------

TWO_D = {
    "moons": datasets.make_moons,
    "blobs": datasets.make_blobs,
    "spirals": datasets.make_spirals,
    "xor": datasets.make_xor,
    "circles": datasets.make_circles,
}


@pytest.mark.parametrize("loss", ["svm", "ce", "bce", "mse"])
@pytest.mark.parametrize("name", sorted(TWO_D))
def test_fit_defaults_reach_97_percent_on_every_2d_data_set(name, loss):
    X, y = TWO_D[name](100, seed=0)
    classes = int(y.max()) + 1
    if loss == "bce" and classes > 2:
        pytest.skip("bce is for two classes")
    nout = 1 if classes == 2 and loss != "ce" else classes
    model = MLP(2, [16, 16, nout], seed=0)
    h = fit(model, X, y, loss=loss, progress=False, compiled=True)  # compiled: the same training, faster
    assert h.epochs == 100 and h.accuracy[-1] >= 0.97, (name, loss, h.accuracy[-1])


@pytest.mark.parametrize("name", ["moons", "blobs", "spirals", "xor"])
def test_train_defaults_reach_97_percent_on_every_toy_data_set(tmp_path, name):
    out = tmp_path / name
    assert main(["train", "--data", name, "--compiled", "--no-progress", "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["epochs"] == 100 and run["final_accuracy"] >= 0.97, run["final_accuracy"]


# -- the hint about --compiled ------------------------------------------------------------


def test_a_slow_plain_run_mentions_compiled(tmp_path, capsys, monkeypatch):
    assert train_command.plain_seconds(2000, 370, 100) > train_command.SLOW_RUN_SECONDS  # 49 s measured
    assert train_command.plain_seconds(100, 337, 100) < train_command.SLOW_RUN_SECONDS
    assert _train(tmp_path / "a") == 0
    assert "--compiled" not in capsys.readouterr().out
    monkeypatch.setattr(train_command, "SLOW_RUN_SECONDS", 1e-6)
    assert _train(tmp_path / "b") == 0
    assert "--compiled records the graph once" in capsys.readouterr().out
    assert _train(tmp_path / "c", "--compiled") == 0
    assert "hint" not in capsys.readouterr().out


# -- usage errors look like argparse's ----------------------------------------------------


@pytest.mark.parametrize(
    "argv, words",
    [
        (["train", "--data", "moons", "--classes", "3"], "--classes cannot be used with moons"),
        (["train", "--data", "blobs", "--loss", "bce"], "--loss bce: the loss 'bce' separates two classes"),
    ],
)
def test_rejected_combinations_exit_2_with_usage(tmp_path, capsys, argv, words):
    assert main([*argv, "--out", str(tmp_path / "r"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: chaingrad train ")
    assert f"chaingrad train: error: {words}" in err


# -- chaingrad draw ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["-x+1", "--set", "x=2"],
        ["--set", "x=2", "-x+1"],
        ["--set", "x=2", "--", "-x+1"],
    ],
)
def test_draw_takes_a_formula_that_starts_with_a_minus(tmp_path, capsys, words):
    assert main(["draw", "--out", str(tmp_path / "g.svg"), *words]) == 0
    assert "result = −1" in capsys.readouterr().out  # −2 + 1
    assert (tmp_path / "g.svg").exists()


def test_draw_frames_of_a_long_formula_are_capped_with_a_warning(tmp_path, capsys):
    formula = " + ".join(f"w{i}*x{i}" for i in range(40))  # 40 products and 39 sums: 79 operations
    sets = [a for i in range(40) for a in ("--set", f"w{i}=0.5", "--set", f"x{i}=2")]
    frames = tmp_path / "frames"
    assert main(["draw", formula, *sets, "--backward", "--frames", str(frames), "--out", str(tmp_path / "g.svg")]) == 0
    err = capsys.readouterr().err
    assert "the backward pass has 79 steps; writing the first 40 frames" in err
    assert len(list(frames.iterdir())) == 40
    assert (
        main(
            [
                "draw",
                "x*y",
                "--set",
                "x=1",
                "--set",
                "y=2",
                "--frames",
                str(tmp_path / "f2"),
                "--max-frames",
                "1",
                "--out",
                str(tmp_path / "h.svg"),
            ]
        )
        == 0
    )
    assert len(list((tmp_path / "f2").iterdir())) == 1


def test_train_names_a_fifo_given_as_the_csv_file(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert main(["train", "--data", str(fifo), "--out", str(tmp_path / "r"), "--no-progress"]) == 1
    assert "must be a regular file, this is a FIFO" in capsys.readouterr().err


def test_a_forward_pass_that_fails_on_blown_up_weights_is_named_a_divergence():
    X, y = datasets.make_blobs(30, centers=2, seed=0)
    model = MLP(2, [4, 2], seed=0)

    def blow_up(epoch, history, model):  # what a far too large step does to the weights
        for p in model.parameters():
            p.data = 1e300 if p.data >= 0 else -1e300

    h = fit(model, X, y, "ce", SGD(model.parameters(), lr=0.1), epochs=5, callback=blow_up, progress=False)
    assert h.epochs == 2
    assert h.stop_reason.startswith("diverged at epoch 2: the weights grew to 1e+300 and then ")
    assert "undefined" in h.stop_reason and "try a smaller learning rate (lr is 0.1)" in h.stop_reason


def test_a_domain_error_with_sane_weights_is_still_raised():
    X, y = datasets.make_moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="log of"):
        fit(model, X, y, lambda out, t: (out[0] - 100.0).log(), epochs=1, progress=False)


def test_train_and_evaluate_report_the_same_held_out_loss(tmp_path, capsys):
    """The held-out loss is the data loss alone in both commands: an L2 term on the test
    samples would make train's figure differ from evaluate's for the same model and split."""
    out = tmp_path / "run"
    argv = ["train", "--data", "moons", "--samples", "60", "--test-fraction", "0.25", "--l2", "0.01"]
    assert main([*argv, "--epochs", "5", "--compiled", "--no-progress", "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out / "model.json")]) == 0
    held = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("held-out:"))
    assert f"loss {run['test_loss']:.4f}," in held


def test_the_summary_line_shows_a_fast_runs_time_instead_of_zero():
    from nn.cli.run_folder import summary
    from nn.history import History

    fast = History(loss=[0.5] * 20, accuracy=[1.0] * 20, stop_reason="ran all 20 epochs", seconds=0.008)
    line = summary(fast, 0.5, 1.0)
    assert "(0.008 s, 0.4 ms per epoch;" in line
    slow = History(loss=[0.5] * 3, accuracy=[1.0] * 3, stop_reason="ran all 3 epochs", seconds=1.062)
    assert "(1.1 s, 354 ms per epoch;" in summary(slow, 0.5, 1.0)


@pytest.mark.parametrize("loss", ["svm", "ce", "mse", "bce"])
def test_train_and_the_playground_give_a_loss_the_same_outputs(tmp_path, loss):
    """How many outputs a loss needs on two classes has one rule: `chaingrad train` and the
    playground build the same output layer (one score, or one per class for ce)."""
    from nn.playground import Playground

    out = tmp_path / loss
    assert main(["train", "--data", "moons", "--loss", loss, "--epochs", "1", "--no-progress", "--out", str(out)]) == 0
    cli_outputs = load_model(out / "model.json").layers[-1].nout
    playground_outputs = Playground(dataset="moons", loss=loss).setup.model.layers[-1].nout
    assert cli_outputs == playground_outputs == (2 if loss == "ce" else 1)
