"""nn.train: fit on the lectures' problems, the History, the convergence test, evaluate,
predict and random search."""

import json
import math

import numpy as np
import pytest

from nn import MLP, SGD, Adam, Neuron, linear_decay
from nn.data import line_points, make_blobs, make_moons
from nn.train import Convergence, History, evaluate, fit, objective, predict, predict_classes, random_search


def test_mlp_reaches_full_training_accuracy_on_moons():
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=1)
    history = fit(
        model, X, y, loss="svm", optimizer=Adam(model.parameters(), lr=0.05), epochs=80, reg=1e-4, progress=False
    )
    loss, acc = evaluate(model, X, y, "svm")
    assert acc == 1.0
    assert np.array_equal(predict_classes(model, X), y)
    assert history.loss[-1] < 0.25 * history.loss[0]


def _line_neuron() -> Neuron:
    n = Neuron(1, "linear")
    n.w[0].data, n.b.data = 0.0, 0.0
    return n


def test_gradient_descent_fits_the_line_of_lecture_004():
    X, y = line_points()
    model = _line_neuron()
    opt = SGD(model.parameters(), lr=0.01, momentum=0.9)
    history = fit(model, X, y, loss="mse", optimizer=opt, epochs=1500, progress=False)
    assert model.w[0].data == pytest.approx(0.5, abs=1e-4)
    assert model.b.data == pytest.approx(2.0, abs=1e-4)
    assert history.accuracy == [None] * 1500  # regression: no accuracy
    loss, acc = evaluate(model, X, y, "mse")
    assert loss < 1e-8 and acc is None


def test_history_of_a_full_batch_run():
    X, y = make_moons(40, noise=0.1, seed=2)
    model = MLP(2, [4, 1], seed=0)
    before, _ = evaluate(model, X, y, "svm", reg=1e-3)
    # the decision of the initial model, by hand from its parameters: relu layer then linear output
    W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])
    b1 = np.array([n.b.data for n in model.layers[0].neurons])
    w2 = np.array([w.data for w in model.layers[1].neurons[0].w])
    b2 = model.layers[1].neurons[0].b.data
    scores = np.maximum(X @ W1.T + b1, 0.0) @ w2 + b2
    first_acc = np.mean((scores > 0) == (y == 1))
    hinge = np.maximum(0.0, 1.0 - (2 * y - 1) * scores).mean()
    penalty = 1e-3 * ((W1**2).sum() + (w2**2).sum())  # weights only: biases are not penalised

    opt = SGD(model.parameters(), lr=linear_decay(1.0, 0.1, 100))
    h = fit(model, X, y, loss="svm", optimizer=opt, epochs=5, reg=1e-3, progress=False)
    assert h.epochs == 5 and len(h.loss) == len(h.accuracy) == len(h.lr) == len(h.grad_norm) == 5
    assert h.loss[0] == pytest.approx(hinge + penalty, rel=1e-12)  # loss before the first step
    assert h.loss[0] == pytest.approx(before, rel=1e-12)
    assert h.accuracy[0] == pytest.approx(first_acc)
    assert h.lr == pytest.approx([1.0 - 0.9 * k / 100 for k in range(5)])
    assert h.stop_reason == "ran all 5 epochs"
    assert h.seconds > 0

    d = h.to_dict()
    assert d["loss"] == h.loss and d["epochs"] == 5
    assert json.loads(h.to_json()) == json.loads(json.dumps(d))
    rows = h.to_csv().splitlines()
    assert rows[0] == "epoch,loss,accuracy,lr,grad_norm"
    assert len(rows) == 6
    first = rows[1].split(",")
    assert first[0] == "1" and float(first[1]) == h.loss[0] and float(first[3]) == 1.0


def test_history_files_and_regression_csv(tmp_path):
    h = History(loss=[2.0, 1.0], accuracy=[None, None], lr=[0.1, 0.1], grad_norm=[3.0, 1.5], stop_reason="x")
    h.to_csv(tmp_path / "h.csv")
    h.to_json(tmp_path / "h.json")
    assert (tmp_path / "h.csv").read_text().splitlines()[2] == "2,1.0,,0.1,1.5"
    assert json.loads((tmp_path / "h.json").read_text())["accuracy"] == [None, None]


def test_grad_norm_is_the_norm_of_the_full_batch_gradient():
    X, y = line_points()
    model = _line_neuron()
    model.w[0].data, model.b.data = 0.2, 0.1
    r = 0.2 * X[:, 0] + 0.1 - y  # residuals; J = mean(r²)
    expected = math.hypot(2 * np.mean(r * X[:, 0]), 2 * np.mean(r))
    h = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=1e-3), epochs=1, progress=False)
    assert h.grad_norm[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("compiled", [False, True])
def test_grad_norm_weighs_a_short_last_batch_by_its_share(compiled):
    # 10 samples in batches of 4, 4 and 2: with a step too small to move the weights, the
    # batches' gradients weighted by their share of the samples sum to the full-batch gradient
    X = np.linspace(-1.0, 1.0, 10)[:, None]
    y = 0.5 * X[:, 0] + 0.3
    model = _line_neuron()
    model.w[0].data, model.b.data = 0.2, 0.1
    r = 0.2 * X[:, 0] + 0.1 - y
    expected = math.hypot(2 * np.mean(r * X[:, 0]), 2 * np.mean(r))
    opt = SGD(model.parameters(), lr=1e-300)
    h = fit(model, X, y, loss="mse", optimizer=opt, epochs=1, batch_size=4, progress=False, compiled=compiled)
    assert h.grad_norm[0] == pytest.approx(expected, rel=1e-12)


def test_minibatches_visit_every_sample_once_per_epoch():
    X, y = make_blobs(30, centers=3, seed=0)
    seen = []

    def counting_ce(outputs, target):
        seen.append(target)
        from nn.losses import cross_entropy

        return cross_entropy(outputs, target)

    model = MLP(2, [3], seed=0)
    opt = SGD(model.parameters(), lr=linear_decay(1.0, 0.1, 100))
    h = fit(model, X, y, loss=counting_ce, optimizer=opt, epochs=3, batch_size=7, progress=False)
    assert len(seen) == 90
    for e in range(3):
        assert sorted(seen[30 * e : 30 * (e + 1)]) == sorted(y.tolist())
    assert h.accuracy[-1] is not None
    # 30 samples in batches of 7: 5 steps per epoch; the lr recorded is that of the epoch's
    # last step, t = 5, 10, 15, with lr_t = 1.0 − 0.9·(t − 1)/100
    assert h.lr == pytest.approx([0.964, 0.919, 0.874])
    assert opt.t == 15


def test_convergence_stops_early_on_the_gradient_norm():
    X, y = line_points()
    model = _line_neuron()
    opt = SGD(model.parameters(), lr=0.01, momentum=0.9)
    h = fit(model, X, y, "mse", opt, epochs=5000, convergence=Convergence(grad_tol=1e-3), progress=False)
    assert h.epochs < 5000
    assert h.grad_norm[-1] <= 1e-3 < h.grad_norm[-2]
    assert h.stop_reason.startswith(f"converged at epoch {h.epochs}: gradient norm")
    assert model.w[0].data == pytest.approx(0.5, abs=0.01)


def test_convergence_stops_early_on_a_small_loss_change():
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    conv = Convergence(loss_rtol=1e-2, patience=2)
    h = fit(model, X, y, "bce", Adam(model.parameters(), lr=0.01), epochs=500, convergence=conv, progress=False)
    assert h.epochs < 500
    assert "loss change" in h.stop_reason
    last = h.loss[-3:]
    assert all(abs(a - b) <= 1e-2 * abs(a) for a, b in zip(last, last[1:]))


def test_convergence_arguments():
    with pytest.raises(ValueError, match="grad_tol or loss_rtol"):
        Convergence()
    with pytest.raises(ValueError, match="-1"):
        Convergence(grad_tol=-1)
    with pytest.raises(ValueError, match="patience"):
        Convergence(loss_rtol=0.1, patience=0)


def test_callback_stops_training():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    calls = []

    def cb(epoch, history, m):
        calls.append((epoch, len(history.loss), m is model))
        return epoch == 3

    h = fit(model, X, y, "svm", epochs=10, callback=cb, progress=False)
    assert calls == [(1, 1, True), (2, 2, True), (3, 3, True)]
    assert h.stop_reason == "callback asked to stop at epoch 3"


def test_progress_bar_shows_loss_and_accuracy(capsys):
    X, y = make_moons(20, seed=0)
    fit(MLP(2, [4, 1], seed=0), X, y, "svm", epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err and "acc=" in err
    fit(MLP(2, [4, 1], seed=0), X, y, "svm", epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_losses_by_name_and_their_errors():
    y2 = np.array([0, 1, 1])
    assert objective("svm", 1, y2).kind == "binary"
    assert objective("ce", 3, np.array([0, 2])).kind == "multiclass"
    assert objective("mse", 1, np.array([0.5, 1.5])).kind == "regression"
    with pytest.raises(ValueError, match="'ce' needs a model with >= 2 outputs"):
        objective("ce", 1, y2)
    with pytest.raises(ValueError, match="'bce' needs a model with one output, this model has 3"):
        objective("bce", 3, y2)
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        objective("hinge", 1, y2)
    with pytest.raises(ValueError, match=r"labels in 0..1, got \[2\]"):
        objective("svm", 1, np.array([0, 2]))
    with pytest.raises(ValueError, match=r"labels in 0..2, got \[3\]"):
        objective("ce", 3, np.array([0, 3]))
    with pytest.raises(ValueError, match="integer class labels"):
        objective("svm", 1, np.array([0.5, 1.0]))


def test_binary_losses_by_hand():
    # one sample, score s: hinge max(0, 1 − y·s) with y ∈ {−1, +1}; bce = ln(1 + e^(−s)) for label 1
    model = Neuron(1, "linear")
    model.w[0].data, model.b.data = 0.5, 0.0
    X, y = np.array([[1.0], [2.0]]), np.array([1, 0])  # scores 0.5 and 1.0
    loss, acc = evaluate(model, X, y, "svm")
    assert loss == pytest.approx(((1 - 0.5) + (1 + 1.0)) / 2)
    assert acc == 0.5
    loss, _ = evaluate(model, X, y, "bce")
    assert loss == pytest.approx((math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(1.0))) / 2)
    loss, acc = evaluate(model, X, y, "mse")  # (0.5 − 1)², (1 − 0)²; class 1 where s > 0.5
    assert loss == pytest.approx((0.25 + 1.0) / 2)
    assert acc == 0.0


def test_predict_shapes():
    X, _ = make_blobs(10, centers=3, seed=0)
    model = MLP(2, [5, 3], seed=0)
    s = predict(model, X)
    assert s.shape == (10, 3)
    np.testing.assert_array_equal(predict_classes(model, X), s.argmax(axis=1))
    assert predict(Neuron(1), [1.0, 2.0]).shape == (2, 1)


def test_fit_rejects_bad_arguments():
    X, y = make_moons(10, seed=0)
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got 0"):
        fit(model, X, y, "svm", epochs=0, progress=False)
    with pytest.raises(ValueError, match="reg"):
        fit(model, X, y, "svm", reg=-1.0, progress=False)
    with pytest.raises(ValueError, match="10 samples and 9 labels"):
        fit(model, X, y[:9], "svm", progress=False)
    with pytest.raises(TypeError, match="optimizer must be an optimizer object .* got 'adam'"):
        fit(model, X, y, "svm", optimizer="adam", progress=False)
    with pytest.raises(ValueError, match="seed .* must be an integer >= 0, got -1"):
        fit(model, X, y, "svm", batch_size=5, seed=-1, progress=False)


def test_random_search_improves_on_its_first_try(capsys):
    X, y = line_points()
    model = _line_neuron()
    result = random_search(model, X, y, loss="mse", tries=30, scale=1.0, seed=0, log=print)
    assert len(result.losses) == len(result.best) == 30
    assert result.best_loss < result.losses[0]
    assert result.best_loss == min(result.losses) == result.best[-1]
    assert all(a >= b for a, b in zip(result.best, result.best[1:]))
    # the best parameters are in the model: its loss, by hand, is the best loss
    w, b = model.w[0].data, model.b.data
    assert np.mean((w * X[:, 0] + b - y) ** 2) == pytest.approx(result.best_loss, rel=1e-12)
    assert result.state == {"w.0": w, "b": b}
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"in attempt 0 the loss was {result.losses[0]:f}, best {result.losses[0]:f}"
    assert len(lines) == 30
    # gradient descent does far better than guessing (the lecture's point)
    fit(model, X, y, "mse", SGD(model.parameters(), lr=0.01, momentum=0.9), epochs=300, progress=False)
    assert evaluate(model, X, y, "mse")[0] < result.best_loss


def test_fit_pauses_the_cyclic_collector_and_restores_it():
    import gc

    X, y = make_moons(10, seed=0)
    model = MLP(2, [2, 1], seed=0)
    seen = []
    assert gc.isenabled()
    fit(model, X, y, "svm", epochs=2, progress=False, callback=lambda *_: seen.append(gc.isenabled()))
    assert seen == [False, False] and gc.isenabled()
    fit(model, X, y, "svm", epochs=1, progress=False, pause_gc=False, callback=lambda *_: seen.append(gc.isenabled()))
    assert seen[-1] is True

    def failing(outputs, target):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fit(model, X, y, failing, epochs=1, progress=False)
    assert gc.isenabled()
    gc.disable()  # a caller who had it off keeps it off
    try:
        fit(model, X, y, "svm", epochs=1, progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_run_of_one_epoch_says_epoch_in_the_singular():
    X, y = make_moons(20, noise=0.1, seed=0)
    h = fit(MLP(2, [3, 1], seed=0), X, y, loss="svm", epochs=1, progress=False)
    assert h.stop_reason == "ran all 1 epoch"


@pytest.mark.parametrize("compiled", [False, True])
def test_bool_labels_train_as_the_classes_0_and_1(compiled):
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = X[:, 0] > 0
    runs = []
    for labels in (y, y.astype(int)):
        model = MLP(2, [4, 2], seed=0)
        h = fit(model, X, labels, loss="ce", epochs=3, batch_size=8, compiled=compiled, progress=False)
        runs.append((h.loss, h.accuracy, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]


def test_labels_held_as_objects_are_checked_for_nan_too():
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array([0.5, 1, 2, float("nan"), 0, 1], dtype=object)
    for compiled in (False, True):
        with pytest.raises(ValueError, match=r"fit: y\[3\] is nan"):
            fit(MLP(2, [4, 1], seed=0), X, y, loss="mse", epochs=1, compiled=compiled, progress=False)
