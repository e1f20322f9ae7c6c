"""nn.train.Training: fit's loop one batch or one epoch at a time, and fit's L1 penalty."""

import numpy as np
import pytest

from nn import MLP, SGD, Adam, fit
from nn.data import make_moons
from nn.train import Training

X, Y = make_moons(60, noise=0.2, seed=1)


def _weights(model):
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("compiled", [True, False])
def test_stepping_batch_by_batch_gives_fits_weights_and_history(compiled):
    a, b = MLP(2, [5, 1], activation="tanh", seed=2), MLP(2, [5, 1], activation="tanh", seed=2)
    h = fit(
        a,
        X,
        Y,
        "bce",
        Adam(a.parameters(), lr=0.05),
        epochs=3,
        batch_size=16,
        reg=1e-3,
        seed=4,
        compiled=compiled,
        progress=False,
    )
    run = Training(b, X, Y, "bce", Adam(b.parameters(), lr=0.05), batch_size=16, reg=1e-3, seed=4, compiled=compiled)
    ends = [run.step() for _ in range(12)]  # 60 samples in batches of 16: 4 batches an epoch
    assert ends == [False, False, False, True] * 3
    assert _weights(a) == _weights(b)
    assert run.history.loss == h.loss and run.history.grad_norm == h.grad_norm
    assert run.epochs == 3 and run.stop_reason == ""


def test_epoch_finishes_the_epoch_a_step_began():
    a, b = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=0)
    fit(a, X, Y, "svm", SGD(a.parameters(), lr=0.1), epochs=2, batch_size=25, compiled=True, progress=False)
    run = Training(b, X, Y, "svm", SGD(b.parameters(), lr=0.1), batch_size=25, compiled=True)
    run.step()
    run.epoch()  # the two batches left of epoch 1
    run.epoch()
    assert run.epochs == 2 and _weights(a) == _weights(b)


def test_l1_penalty_plain_and_compiled_agree_and_differ_from_l2():
    runs = {}
    for penalty in ("l1", "l2"):
        for compiled in (False, True):
            m = MLP(2, [4, 1], seed=3)
            h = fit(
                m,
                X,
                Y,
                "bce",
                SGD(m.parameters(), lr=0.1),
                epochs=2,
                reg=0.05,
                penalty=penalty,
                compiled=compiled,
                progress=False,
            )
            runs[penalty, compiled] = (h.loss, _weights(m))
    for penalty in ("l1", "l2"):
        assert np.allclose(runs[penalty, False][0], runs[penalty, True][0], rtol=1e-12)
        assert np.allclose(runs[penalty, False][1], runs[penalty, True][1], rtol=1e-12)
    m = MLP(2, [4, 1], seed=3)
    w = [p.data for name, p in m.named_parameters() if not name.endswith(".b")]
    first = fit(MLP(2, [4, 1], seed=3), X, Y, "bce", epochs=1, progress=False).loss[0]
    assert runs["l1", False][0][0] == pytest.approx(first + 0.05 * sum(abs(v) for v in w), rel=1e-12)
    with pytest.raises(ValueError, match="penalty"):
        fit(m, X, Y, "bce", epochs=1, reg=0.1, penalty="l3", progress=False)


def test_reg_changes_between_epochs_take_effect():
    m = MLP(2, [4, 1], seed=3)
    run = Training(m, X, Y, "bce", SGD(m.parameters(), lr=0.1), compiled=True)
    run.epoch()
    loss0, _ = run.evaluate(X, Y)
    run.reg = 0.5
    loss1, _ = run.evaluate(X, Y)
    w = [p.data for name, p in m.named_parameters() if not name.endswith(".b")]
    assert loss1 == pytest.approx(loss0 + 0.5 * sum(v * v for v in w), rel=1e-12)
    with pytest.raises(ValueError, match="reg"):
        run.reg = -1.0
