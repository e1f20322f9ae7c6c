"""The chaingrad command end to end, in-process: demo, train, evaluate, the run folder, and
argparse's errors for bad options."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from nn.cli import main
from nn.cli.neuron_table import neuron_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HAVE_DOT = shutil.which("dot") is not None


def _check_png(path: Path) -> None:
    raw = path.read_bytes()
    assert len(raw) > 0 and raw[:8] == PNG_SIGNATURE
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One demo run shared by the tests below (it trains for a few seconds)."""
    out = tmp_path_factory.mktemp("runs") / "demo"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["demo", "--out", str(out), "--no-progress"])
    return status, out, buf.getvalue()


def test_demo_writes_every_promised_file(demo_run):
    status, out, stdout = demo_run
    assert status == 0
    for name in ("history.csv", "history.json", "loss_accuracy.png", "decision_boundary.png", "model.json", "run.json"):
        assert (out / name).is_file(), name
    _check_png(out / "loss_accuracy.png")
    _check_png(out / "decision_boundary.png")
    history = json.loads((out / "history.json").read_text())
    assert history["epochs"] == 100 and len(history["loss"]) == 100
    assert len((out / "history.csv").read_text().splitlines()) == 101
    run = json.loads((out / "run.json").read_text())
    assert run["loss"] == "svm" and run["l2"] == 1e-4 and run["model"]["nouts"] == [16, 16, 1]
    assert run["final_accuracy"] == 1.0
    assert set(run["files"]) <= {p.name for p in out.iterdir()}
    assert json.loads((out / "model.json").read_text())["format"] == "chaingrad"
    assert "final: loss" in stdout and "accuracy 100.0%" in stdout


def test_demo_draws_one_samples_graph(demo_run):
    _, out, _ = demo_run
    svg = (out / "graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_demo_prints_the_lectures_neuron(demo_run):
    _, _, stdout = demo_run
    assert "t1" in stdout and "t7" in stdout


def test_neuron_table_numbers_by_hand():
    # w = 2, x = −1, b = 0.5, t = 1: z = −1.5, y = σ(−1.5) = 1/(1 + e^1.5), L = ½(y − 1)²
    table = neuron_table(2.0, -1.0, 0.5, 1.0)
    rows = {line.split()[0]: line.split() for line in table.splitlines()[2:-1]}
    y = 1.0 / (1.0 + np.exp(1.5))
    assert float(rows["t4"][-2]) == pytest.approx(np.exp(1.5), abs=5e-5)
    assert float(rows["y"][-2]) == pytest.approx(y, abs=5e-5)
    assert float(rows["L"][-2]) == pytest.approx(0.5 * (y - 1) ** 2, abs=5e-5)
    assert float(rows["w"][-1]) == pytest.approx((y - 1) * y * (1 - y) * -1.0, abs=5e-5)
    assert float(rows["b"][-1]) == pytest.approx((y - 1) * y * (1 - y), abs=5e-5)
    assert float(rows["L"][-1]) == 1.0
    assert len(rows) == 13


def test_evaluate_reports_the_demo_accuracy(demo_run, capsys):
    _, out, _ = demo_run
    assert main(["evaluate", "--model", str(out / "model.json"), "--data", "moons"]) == 0
    text = capsys.readouterr().out
    assert "accuracy 100.0%" in text
    assert "loss svm" in text  # read from the run's run.json
    run = json.loads((out / "run.json").read_text())
    loss_line = next(line for line in text.splitlines() if line.startswith("loss "))
    # with --l2 0 the loss is the data loss alone, smaller than the run's final objective
    assert 0.0 <= float(loss_line.split()[1]) <= run["final_loss"]


def test_train_writes_a_run_folder(tmp_path, capsys):
    out = tmp_path / "xor"
    argv = ["train", "--data", "xor", "--samples", "40", "--hidden", "6", "--optimizer", "adam"]
    argv += ["--epochs", "15", "--batch-size", "10", "--schedule", "linear", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    for name in ("history.csv", "history.json", "loss_accuracy.png", "decision_boundary.png", "model.json", "run.json"):
        assert (out / name).is_file(), name
    _check_png(out / "loss_accuracy.png")
    _check_png(out / "decision_boundary.png")
    run = json.loads((out / "run.json").read_text())
    assert run["loss"] == "ce" and run["model"]["nouts"] == [6, 2] and run["batch_size"] == 10
    h = json.loads((out / "history.json").read_text())
    assert len(h["lr"]) == 15 and h["lr"][0] > h["lr"][-1]  # the linear schedule decays
    assert "wrote" in capsys.readouterr().out


def test_train_and_the_playground_build_a_schedule_of_one_name_alike(tmp_path):
    from types import SimpleNamespace

    from nn.playground_setup import make_schedule

    # 40 samples in batches of 10 for 15 epochs: 60 steps; adam's rate 0.02 ends at a tenth
    expected = "linear_decay(0.02, 0.002, 60)"
    for name in ("linear_decay", "linear"):  # "linear", the name train took first, still works
        out = tmp_path / name
        argv = ["train", "--data", "xor", "--samples", "40", "--hidden", "4", "--epochs", "15", "--batch-size", "10"]
        assert main([*argv, "--schedule", name, "--out", str(out), "--no-progress"]) == 0
        assert f"lr={expected}" in json.loads((out / "run.json").read_text())["optimizer"]
    playground = SimpleNamespace(lr=0.02, schedule="linear_decay", epochs=15)
    assert repr(make_schedule(playground, batches=4)) == expected
    playground.schedule = "invsqrt"
    assert repr(make_schedule(playground, batches=4)) == "inverse_sqrt(0.02)"


def test_train_on_csv_with_test_split_and_evaluate(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 2] > 0).astype(int)
    csv = tmp_path / "three.csv"
    csv.write_text("a,b,c,label\n" + "".join(f"{a},{b},{c},{t}\n" for (a, b, c), t in zip(X, y)))
    out = tmp_path / "run"
    argv = ["train", "--data", str(csv), "--hidden", "none", "--loss", "svm", "--epochs", "30"]
    argv += ["--test-fraction", "0.25", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "no decision_boundary.png" in text and "held-out" in text
    assert not (out / "decision_boundary.png").exists()
    _check_png(out / "loss_accuracy.png")
    run = json.loads((out / "run.json").read_text())
    assert run["test_samples"] == 15 and run["model"]["nouts"] == [1]
    assert main(["evaluate", "--model", str(out / "model.json"), "--data", str(csv)]) == 0
    assert "accuracy" in capsys.readouterr().out


def test_train_regression_csv(tmp_path, capsys):
    csv = tmp_path / "line.csv"
    csv.write_text("x,y\n2,3.5\n4,4.5\n6,5.5\n8,6.5\n")  # float targets: regression
    out = tmp_path / "reg"
    argv = ["train", "--data", str(csv), "--hidden", "none", "--epochs", "5", "--lr", "0.01", "--l2", "0"]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "loss mse" in text and "n/a (regression)" in text
    assert json.loads((out / "run.json").read_text())["final_accuracy"] is None
    assert main(["train", "--data", str(csv), "--loss", "ce", "--out", str(out), "--no-progress"]) == 2
    assert "--loss ce: the labels are numbers, not classes: use the loss 'mse'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--epochs", "0"], "'0' must be at least 1"),
        (["train", "--epochs", "ten"], "'ten' is not a whole number"),
        (["train", "--lr", "-0.1"], "'-0.1' must be > 0"),
        (["train", "--lr", "nan"], "'nan' is not a finite number"),
        (["train", "--hidden", "16,x"], "bad: 'x'"),
        (["train", "--loss", "hinge"], "invalid choice: 'hinge'"),
        (["train", "--optimizer", "rmsprop"], "invalid choice: 'rmsprop'"),
        (["train", "--data", "circles"], "'circles' is neither one of moons"),
        (["train", "--data", "missing.csv"], "no such CSV file: 'missing.csv'"),
        (["train", "--test-fraction", "1.5"], "'1.5' must be in [0, 1)"),
        (["train", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["evaluate", "--data", "moons"], "the following arguments are required: --model"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_bad_options_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "options, data, message",
    [
        (["--classes", "4"], "xor", "--classes cannot be used with xor"),
        (["--classes", "3"], "moons", "--classes cannot be used with moons"),
        (["--noise", "0.1"], "digits", "--noise cannot be used with digits"),
        (["--samples", "10", "--noise", "0.1"], "CSV", "--samples and --noise cannot be used with a CSV file"),
    ],
)
def test_data_options_that_do_not_apply_are_usage_errors_not_ignored(tmp_path, capsys, options, data, message):
    if data == "CSV":
        data = str(tmp_path / "d.csv")
        (tmp_path / "d.csv").write_text("1,2,0\n3,4,1\n")
    argv = ["train", "--data", data, *options, "--epochs", "1", "--out", str(tmp_path / "run"), "--no-progress"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_evaluate_missing_or_mismatched_model(tmp_path, capsys, demo_run):
    assert main(["evaluate", "--model", str(tmp_path / "none.json")]) == 1
    assert "none.json: no such model file" in capsys.readouterr().err
    _, out, _ = demo_run
    csv = tmp_path / "3d.csv"
    csv.write_text("1,2,3,0\n4,5,6,1\n")
    assert main(["evaluate", "--model", str(out / "model.json"), "--data", str(csv)]) == 1
    assert "expects 2 features" in capsys.readouterr().err


def test_a_library_bug_is_a_traceback_not_a_usage_message(monkeypatch, tmp_path, capsys):
    # only the command's own errors become one-line messages: a TypeError from inside the
    # library is a bug and must surface with its traceback, not as "error: ..."
    def broken_fit(*args, **kwargs):
        raise TypeError("unsupported operand type(s)")

    monkeypatch.setattr("nn.cli.train_command.fit", broken_fit)
    with pytest.raises(TypeError, match="unsupported operand"):
        main(["train", "--epochs", "1", "--out", str(tmp_path / "run"), "--no-progress"])
    assert "error:" not in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "demo" in out and "train" in out and "evaluate" in out and "draw" in out


def test_python_dash_m_nn_runs_the_same_command():
    proc = subprocess.run(
        [sys.executable, "-m", "nn", "train", "--batch-size", "0"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "'0' must be at least 1" in proc.stderr


# -- the plots on their own ----------------------------------------------------------------


def test_grid_predictions_of_a_hand_made_classifier():
    from nn.plots import grid_predictions

    X = np.array([[-1.0, -2.0], [1.0, 2.0]])
    xx, yy, classes = grid_predictions(lambda p: [p[0] - 0.25], X, resolution=9, margin=0.0)
    assert xx.shape == yy.shape == classes.shape == (9, 9)
    np.testing.assert_array_equal(classes, (xx > 0.25).astype(int))
    assert xx[0, 0] == -1.0 and xx[0, -1] == 1.0 and yy[0, 0] == -2.0 and yy[-1, 0] == 2.0
    # three outputs: the argmax, computed here from the grid's own coordinates
    gx, gy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 5))
    _, _, three = grid_predictions(lambda p: [p[0], p[1] / 2 + 0.1, -p[0]], X, resolution=5, margin=0.0)
    np.testing.assert_array_equal(three, np.argmax(np.stack([gx, gy / 2 + 0.1, -gx], axis=-1), axis=-1))


def test_plots_write_pngs_and_reject_bad_input(tmp_path):
    from nn.plots import plot_decision_boundary, plot_history
    from nn.train import History

    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 2])
    _check_png(plot_decision_boundary(lambda p: [p[0], p[1], 0.5], X, y, tmp_path / "b.png", resolution=10))
    _check_png(plot_history(History(loss=[1.0, 0.5], accuracy=[None, None], lr=[0.1, 0.05]), tmp_path / "h.png"))
    with pytest.raises(ValueError, match=r"2-D inputs, got data of shape \(3, 3\)"):
        plot_decision_boundary(lambda p: [p[0]], np.zeros((3, 3)), y, tmp_path / "c.png")
    with pytest.raises(ValueError, match="at least one epoch"):
        plot_history(History(), tmp_path / "e.png")


def test_train_compiled_matches_the_scalar_run(tmp_path, capsys):
    argv = ["train", "--data", "moons", "--samples", "30", "--hidden", "4", "--epochs", "5", "--no-progress"]
    assert main([*argv, "--out", str(tmp_path / "plain")]) == 0
    assert main([*argv, "--compiled", "--out", str(tmp_path / "compiled")]) == 0
    plain = json.loads((tmp_path / "plain" / "history.json").read_text())
    compiled = json.loads((tmp_path / "compiled" / "history.json").read_text())
    np.testing.assert_allclose(compiled["loss"], plain["loss"], rtol=1e-9)
    assert compiled["accuracy"] == plain["accuracy"]


def test_written_files_honour_the_umask(tmp_path):
    """model.json (Module.save) and drawings (autograd.viz.write_graph) are written through
    a temporary file, which mkstemp creates 0600; they end up as a plain open() would
    make them: 0666 less the umask."""
    import os
    import stat

    import graphviz

    from autograd.viz import write_graph
    from nn.layers import MLP

    previous = os.umask(0o027)
    try:
        model_file = MLP(2, [3, 1]).save(tmp_path / "model.json")
        drawing = write_graph(graphviz.Digraph(), tmp_path / "graph.dot")  # DOT text: no Graphviz needed
        os.umask(0o002)
        again = MLP(2, [3, 1]).save(tmp_path / "again.json")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(model_file.stat().st_mode) == 0o640
    assert stat.S_IMODE(drawing.stat().st_mode) == 0o640
    assert stat.S_IMODE(again.stat().st_mode) == 0o664


def test_the_command_starts_without_matplotlib_or_scikit_learn():
    # they load when a plot is drawn or read the digits' file: a command that does neither waits for neither
    code = (
        "import sys, nn.cli; loaded = {m.split('.')[0] for m in sys.modules}; "
        "assert not loaded & {'matplotlib', 'sklearn', 'scipy'}, loaded & {'matplotlib', 'sklearn', 'scipy'}"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_exporters_load_only_when_used():
    # import nn and the command's start leave ONNX and safetensors writing out; nn.export still names them
    code = (
        "import sys, nn, nn.cli; from nn.cli import build_parser; build_parser(); "
        "heavy = {'nn.export.onnx_graph', 'nn.export.torch_weights'} & set(sys.modules); assert not heavy, heavy; "
        "from nn.export import load_torch_weights, to_onnx, to_torch; "
        "assert nn.export.to_onnx is to_onnx and 'nn.export.onnx_graph' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_regression_run_says_why_it_has_no_decision_boundary(tmp_path, capsys):
    csv = tmp_path / "plane.csv"
    csv.write_text("a,b,y\n0,1,0.5\n1,0,1.5\n0.3,0.3,2\n")  # two features, numeric targets
    out = tmp_path / "reg"
    assert main(["train", "--data", str(csv), "--epochs", "2", "--no-progress", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "no decision_boundary.png: the targets are numbers (regression), there are no classes to separate" in text
    assert not (out / "decision_boundary.png").exists()
