"""nn.playground driven from Python, without a browser: the same weights as fit, training in
the background beside the main thread's own graphs, bad settings as messages, pause and
resume, live changes, saving, a point's loss graph, and the views' data."""

import math
import threading

import numpy as np
import pytest

import nn
from autograd import Value, grad, is_grad_enabled, no_grad
from nn import MLP, SGD, Adam, fit
from nn.data import make_moons, make_spirals, train_test_split
from nn.optim import inverse_sqrt
from nn.playground import Playground
from nn.train import Training, evaluate, predict

MOONS = dict(dataset="moons", samples=200, noise=0.2, test_fraction=0.25, hidden=[8, 8], activation="tanh")


def _moons_split(seed):
    X, y = make_moons(200, noise=0.2, seed=seed)
    return train_test_split(X, y, test_fraction=0.25, seed=seed)


def _weights(model):
    return [p.data for p in model.parameters()]


def _fit_moons(epochs, seed=5, lr=0.03, batch_size=32, reg=1e-3):
    Xtr, _, ytr, _ = _moons_split(seed)
    model = MLP(2, [8, 8, 1], activation="tanh", seed=seed)
    h = fit(model, Xtr, ytr, "bce", Adam(model.parameters(), lr=lr), epochs=epochs, batch_size=batch_size,
            reg=reg, seed=seed, compiled=True, progress=False)  # fmt: skip
    return model, h


def test_background_training_gives_fits_weights_bit_for_bit():
    pg = Playground(**MOONS, loss="bce", optimizer="adam", lr=0.03, batch_size=32, reg=1e-3, seed=5, epochs=25)
    pg.play()
    pg.wait()  # until the run stops, however long it takes; the asserts below say how it stopped
    model, h = _fit_moons(25)
    assert pg.epoch == 25 and pg.stop_reason == "ran all 25 epochs" and not pg.running
    assert _weights(pg.run.model) == _weights(model)
    assert pg.run.history.loss == h.loss and pg.run.history.accuracy == h.accuracy


def test_multiclass_momentum_schedule_and_l1_match_fit_too():
    settings = dict(dataset="spirals", samples=150, noise=0.1, classes=3, test_fraction=0.2, hidden=[6],
                    activation="relu", loss="ce", optimizer="momentum", lr=0.05, schedule="inverse_sqrt",
                    penalty="l1", reg=1e-3, batch_size=40, seed=2, epochs=50)  # fmt: skip
    pg = Playground(**settings)
    pg.step()
    pg.step()  # two batches into epoch 1, then whole epochs
    assert pg.run_epochs(4) == 4 and pg.epoch == 4
    X, y = make_spirals(150, classes=3, noise=0.1, seed=2)
    Xtr, _, ytr, _ = train_test_split(X, y, test_fraction=0.2, seed=2)
    model = MLP(2, [6, 3], activation="relu", seed=2)
    opt = SGD(model.parameters(), lr=inverse_sqrt(0.05), momentum=0.9)
    fit(model, Xtr, ytr, "ce", opt, epochs=4, batch_size=40, reg=1e-3, penalty="l1", seed=2, compiled=True,
        progress=False)  # fmt: skip
    assert _weights(pg.run.model) == _weights(model)


def test_background_training_beside_the_main_threads_own_graphs():
    # reg > 0: the background thread enters no_grad for the penalty every epoch
    pg = Playground(**MOONS, loss="bce", optimizer="adam", lr=0.03, batch_size=32, reg=1e-3, seed=5, epochs=100000)
    pg.play()
    checked = 0
    while checked < 300 or (pg.epoch < 3 and pg.running):  # a failed run ends the wait
        a, b = Value(1.5), Value(-0.5)
        f = (a * b + a.tanh()) ** 2  # df/da = 2 f0 (b + 1 - tanh² a), df/db = 2 f0 a
        f.backward()
        f0 = 1.5 * -0.5 + math.tanh(1.5)
        assert a.grad == pytest.approx(2 * f0 * (-0.5 + 1 - math.tanh(1.5) ** 2), rel=1e-12)
        assert b.grad == pytest.approx(2 * f0 * 1.5, rel=1e-12)
        with no_grad():
            assert not is_grad_enabled() and (a * b).parents == ()
        (da,) = grad([a * a * a], [a], create_graph=True)
        (dda,) = grad([da], [a])
        assert dda == pytest.approx(6 * 1.5, rel=1e-12)
        assert is_grad_enabled()
        checked += 1
    pg.pause()
    assert not pg.running and pg.wait(timeout=0)
    epochs = pg.epoch
    assert 3 <= epochs < 100000
    model, _ = _fit_moons(epochs)
    assert _weights(pg.run.model) == _weights(model)


def test_pause_and_resume_keep_every_state():
    pg = Playground(**MOONS, loss="bce", optimizer="adam", lr=0.03, batch_size=32, reg=1e-3, seed=5, epochs=100000)
    for _ in range(2):  # run, pause, step within an epoch, run again
        pg.play()
        while pg.epoch < 2 and pg.running:
            threading.Event().wait(0.01)
        pg.pause()
        pg.step()
    state = (pg.epoch, _weights(pg.run.model), list(pg.run.optimizer.m), pg.run.optimizer.t)
    assert pg.running is False and state[0] == pg.epoch
    pg.epochs = pg.epoch + 3  # ▶ now stops after 3 more epochs: no reset
    assert (pg.epoch, _weights(pg.run.model), list(pg.run.optimizer.m), pg.run.optimizer.t) == state
    pg.play()
    pg.wait()  # until the 3 epochs are run, however long they take
    model, h = _fit_moons(pg.epoch)
    assert pg.epoch == state[0] + 3 and not pg.running
    assert _weights(pg.run.model) == _weights(model) and pg.run.history.loss == h.loss


def test_the_learning_rate_changes_while_training_runs_in_the_background():
    pg = Playground(**MOONS, loss="bce", optimizer="adam", lr=0.03, seed=2, epochs=100000)
    pg.play()
    while pg.epoch < 3 and pg.running:
        threading.Event().wait(0.01)
    pg.lr = 0.005  # applied between two epochs, the run goes on
    changed_at = pg.epoch
    while pg.epoch < changed_at + 3 and pg.running:
        threading.Event().wait(0.01)
    pg.pause()
    lrs = pg.run.history.lr
    assert lrs[0] == 0.03 and lrs[-1] == 0.005 and pg.running is False
    assert set(lrs) == {0.03, 0.005} and lrs == sorted(lrs, reverse=True)  # one switch, no reset
    assert pg.run.optimizer.t == pg.epoch  # one full batch an epoch, the step count kept


def test_learning_rate_and_penalty_change_without_reset():
    pg = Playground(**MOONS, loss="svm", optimizer="sgd", lr=0.1, batch_size=0, seed=1)
    pg.run_epochs(3)
    Xtr, _, ytr, _ = _moons_split(1)
    model = MLP(2, [8, 8, 1], activation="tanh", seed=1)
    opt = SGD(model.parameters(), lr=0.1)
    twin = Training(model, Xtr, ytr, "svm", opt, None, 0.0, 1, compiled=True)
    for _ in range(3):
        twin.epoch()
    pg.lr = 0.02
    pg.reg = 0.01
    assert pg.epoch == 3 and "reg" in pg.message and not pg.error
    pg.run_epochs(2)
    opt.schedule = lambda t: 0.02
    twin.reg = 0.01
    twin.epoch()
    twin.epoch()
    assert pg.epoch == 5 and pg.run.history.lr[-1] == 0.02
    assert _weights(pg.run.model) == _weights(model)


@pytest.mark.parametrize(
    "settings, says",
    [
        (dict(samples=0), "samples) must be an integer >= 2, got 0"),
        (dict(lr=0.0), "learning rate (lr) must be a finite number > 0, got 0.0"),
        (dict(hidden=[8, 0]), "layer size"),
        (dict(dataset="spirals", classes=3, loss="bce"), "use 'ce'"),
        (dict(dataset="csv"), "choose a CSV file"),
        (dict(test_fraction=0.999), "both need at least one"),
        (dict(samples=10**9), "at most 100000 samples"),
        (dict(hidden=[8, 1000]), "at most 8 hidden layers of at most 256 neurons"),
    ],
)
def test_bad_settings_give_a_message_not_a_traceback(settings, says):
    pg = Playground(**settings)
    assert says in pg.message and pg.error and pg.run is None
    assert pg.view == {} and pg.boundary == b""
    pg.play()
    assert not pg.running and "fix the settings first" in pg.message
    assert pg.step() is False and pg.save() is None


def test_a_csv_with_text_in_a_feature_column_is_a_message(tmp_path):
    bad = tmp_path / "points.csv"
    bad.write_text("x1,x2,label\n0.5,1.0,0\n0.1,oops,1\n")
    pg = Playground(dataset="csv", csv_path=str(bad))
    assert pg.error and "line 3" in pg.message and "'oops'" in pg.message
    good = tmp_path / "good.csv"
    rows = [f"{x:.3f},{y:.3f},{int(x * y > 0)}" for x, y in np.random.default_rng(0).uniform(-1, 1, (40, 2))]
    good.write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    pg.csv_path = str(good)
    assert not pg.error and pg.run is not None and len(pg.points["train"]) == 30


def test_a_csv_chosen_in_the_browser_becomes_the_data_set():
    pg = Playground()
    rows = [f"{x:.3f},{y:.3f},{'in' if x * x + y * y < 0.4 else 'out'}" for x, y in
            np.random.default_rng(1).uniform(-1, 1, (60, 2))]  # fmt: skip
    pg._on_msg(pg, {"action": "csv", "name": "../rings.csv", "text": "\n".join(rows) + "\n"}, [])
    assert pg.dataset == "csv" and pg.csv_path.endswith("rings.csv") and not pg.error, pg.message
    assert len(pg.points["train"]) == 45 and len(pg.points["test"]) == 15
    assert "/../" not in pg.csv_path
    pg.upload_csv("bad.csv", "x1,x2,label\n0.5,1.0,0\n0.1,oops,1\n")
    assert pg.error and "bad.csv, line 3" in pg.message and pg.run is None


def test_a_bad_value_while_training_keeps_the_last_good_one():
    pg = Playground(seed=3)
    pg.run_epochs(2)
    pg.lr = 0.0
    assert pg.error and "learning rate" in pg.message and pg.epoch == 2
    pg.run_epochs(1)
    assert pg.run.history.lr[-1] == 0.03 and pg.epoch == 3
    pg.reg = -1.0
    assert pg.error and "penalty strength (reg)" in pg.message


def test_the_epoch_limit_stops_and_raising_it_goes_on():
    pg = Playground(epochs=3)
    assert pg.run_epochs(10) == 3 and pg.stop_reason == "ran all 3 epochs"
    assert pg.step_epoch() is False and "training stopped" in pg.message
    pg.epochs = 4
    assert pg.stop_reason == "" and pg.step_epoch() and pg.epoch == 4


def test_save_writes_a_model_file_load_model_reads(tmp_path):
    pg = Playground(seed=4)
    pg.run_epochs(5)
    path = pg.save(tmp_path / "model.json")
    assert path is not None and "saved" in pg.message
    loaded = nn.load_model(path)
    assert loaded.state_dict() == pg.run.model.state_dict()
    (tmp_path / "a_file").write_text("not a folder")
    assert pg.save(tmp_path / "a_file" / "model.json") is None and pg.error and "cannot save" in pg.message


def test_export_writes_an_onnx_file_that_computes_the_models_scores(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    pg = Playground(seed=4)
    pg.run_epochs(5)
    path = pg.export(tmp_path / "model.onnx")
    assert path is not None and "exported" in pg.message
    X = pg.setup.X_test
    (scores,) = ReferenceEvaluator(onnx.load(str(path))).run(None, {"x": X})
    assert np.allclose(scores, predict(pg.run.model, X), rtol=1e-12, atol=1e-12)
    (tmp_path / "a_file").write_text("not a folder")
    assert pg.export(tmp_path / "a_file" / "m.onnx") is None and pg.error and "cannot export" in pg.message


def test_a_training_points_loss_graph_at_the_current_weights():
    pg = Playground(**MOONS, loss="bce", seed=6)
    pg.run_epochs(10)
    n = len(pg.setup.y_train)
    losses = [pg.explain_point(i) for i in range(n)]
    expected, _ = evaluate(pg.run.model, pg.setup.X_train, pg.setup.y_train, "bce")
    assert sum(v.data for v in losses) / n == pytest.approx(expected, rel=1e-12)
    losses[0].backward()
    assert all(p.grad == 0.0 for p in pg.run.model.parameters())  # a copy was differentiated
    assert any(p.grad != 0.0 for p in losses[0].parents[0].parents)
    with pytest.raises(ValueError, match=f"0..{n - 1}"):
        pg.explain_point(n)
    pg.open_explorer(7)  # what a click on training point 7 does: the explorer opens below
    assert pg.selected == 7 and "point 7" in pg.message and not pg.error
    (shown,) = pg.explorer.outputs
    assert "application/vnd.jupyter.widget-view+json" in shown["data"]
    pg.open_explorer(n + 5)
    assert pg.error and f"0..{n - 1}" in pg.message and pg.selected == 7


def test_the_views_hold_what_the_browser_paints():
    pg = Playground(**MOONS, loss="bce", optimizer="adam", lr=0.05, seed=0)
    pg.run_epochs(150)
    view = pg.view
    assert len(pg.boundary) == view["grid"] ** 2 * 4
    assert len(pg.neurons) == 16 * view["neuron_grid"] ** 2 * 4
    assert len(pg.points["train"]) == 150 and len(pg.points["test"]) == 50
    assert len(view["network"]["edges"]) == 2 * 8 + 8 * 8 + 8 and view["network"]["sizes"] == [2, 8, 8, 1]
    curves = view["curves"]
    assert curves["epoch"][-1] == 150 and len(curves["train_loss"]) == len(curves["test_accuracy"])
    assert curves["train_accuracy"][-1] > 0.9
    # the boundary image, at each training point, is coloured (mostly) by the point's class
    g = view["grid"]
    img = np.frombuffer(pg.boundary, dtype=np.uint8).reshape(g, g, 4)[..., :3].astype(float)
    blue, orange = np.array([0, 114, 178]), np.array([230, 159, 0])
    right = 0
    for u, v, c in pg.points["train"]:
        pixel = img[min(int(v * g), g - 1), min(int(u * g), g - 1)]
        nearer = int(np.linalg.norm(pixel - orange) < np.linalg.norm(pixel - blue))
        right += nearer == c
    assert right / 150 > 0.85
    assert pg.snapshot().data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_misspelt_setting_is_an_error_naming_it_and_the_settings():
    with pytest.raises(TypeError, match=r"unknown setting 'data'.*dataset, csv_path"):
        Playground(data="blobs")
    assert Playground(save_path="m.json", lr=0.05).lr == 0.05
