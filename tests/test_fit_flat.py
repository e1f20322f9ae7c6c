"""fit(compiled=True) keeps the parameters in one array while an epoch runs: the model's
Values are current wherever a user looks (callbacks, after an interrupt, after a step),
the penalty computed on the array is the plain engine's, and optimizers that cannot step an
array (one of your own, or one over some of the parameters) train as before."""

import numpy as np
import pytest

from nn import MLP, SGD, Adam, fit
from nn.data import make_blobs, make_moons
from nn.train import Training

X, Y = make_moons(48, noise=0.2, seed=3)


def _weights(model):
    return np.array([p.data for p in model.parameters()])


def _close(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b))) <= 1e-9


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_callbacks_see_the_weights_of_each_epoch_as_the_plain_engine_trains_them(penalty):
    seen = {}
    for compiled in (True, False):
        model = MLP(2, [6, 1], seed=1)
        seen[compiled] = []
        fit(
            model, X, Y, "svm", Adam(model.parameters(), lr=0.05), epochs=4, batch_size=16, reg=1e-2,
            progress=False, compiled=compiled, penalty=penalty,
            callback=lambda e, h, m, log=seen[compiled]: log.append(_weights(m)),
        )  # fmt: skip
    assert len(seen[True]) == 4
    assert all(_close(a, b) for a, b in zip(seen[True], seen[False]))
    assert not np.array_equal(seen[True][0], seen[True][1])  # each epoch's own weights


class _Interrupted(SGD):
    """SGD that is interrupted (Ctrl-C) in its ``stop``-th step."""

    def __init__(self, params, stop):
        super().__init__(params, lr=0.2, momentum=0.5)
        self.stop, self.calls = stop, 0

    def update(self, values, grads):
        self.calls += 1
        if self.calls == self.stop:
            raise KeyboardInterrupt
        super().update(values, grads)


def test_an_interrupt_in_the_middle_of_an_epoch_leaves_the_model_at_its_last_step():
    model = MLP(2, [6, 1], seed=1)
    with pytest.raises(KeyboardInterrupt):
        fit(model, X, Y, "svm", _Interrupted(model.parameters(), stop=5), epochs=3, batch_size=8, progress=False,
            compiled=True)  # fmt: skip
    # the same four steps, one at a time (a step writes the Values back when it returns)
    ref = MLP(2, [6, 1], seed=1)
    run = Training(ref, X, Y, "svm", SGD(ref.parameters(), lr=0.2, momentum=0.5), batch_size=8, compiled=True)
    for _ in range(4):
        run.step()
    np.testing.assert_array_equal(_weights(model), _weights(ref))


def test_a_step_writes_the_weights_back_and_reads_edits_made_between_steps():
    model = MLP(2, [4, 1], seed=0)
    run = Training(model, X, Y, "svm", SGD(model.parameters(), lr=0.1), batch_size=12, compiled=True)
    before = _weights(model)
    run.step()
    assert not np.array_equal(_weights(model), before)
    first = model.parameters()[0]
    first.data = 3.0  # a user (or the playground) edits a weight between steps
    grad_free = [p for p in model.parameters() if p is not first]
    run.step()
    assert first.data != 3.0 and abs(first.data - 3.0) < 1.0  # stepped from 3.0, not from its old value
    assert all(np.isfinite(p.data) for p in grad_free)


class _OwnSGD:
    """An optimizer of one's own: only step(), on the Values."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad


def test_an_optimizer_without_update_or_over_some_parameters_trains_as_on_the_plain_engine():
    X3, Y3 = make_blobs(45, centers=3, seed=2)
    for make in (
        lambda m: _OwnSGD(m.parameters(), 0.1),
        lambda m: SGD(m.parameters()[:10], lr=0.1),  # the first neuron's weights only; the rest stay frozen
    ):
        results = {}
        for compiled in (True, False):
            model = MLP(2, [5, 3], seed=4)
            fit(model, X3, Y3, "ce", make(model), epochs=3, batch_size=15, reg=1e-3, progress=False,
                compiled=compiled)  # fmt: skip
            results[compiled] = _weights(model)
        assert _close(results[True], results[False])
    frozen = _weights(MLP(2, [5, 3], seed=4))[10:]
    np.testing.assert_array_equal(results[True][10:], frozen)


def _fit_weights(epochs, callback=None, compiled=True, optimizer=None, **kw):
    model = MLP(2, [6, 1], seed=1)
    opt = optimizer(model) if optimizer else Adam(model.parameters(), lr=0.05)
    history = fit(model, X, Y, "svm", opt, epochs=epochs, batch_size=16, reg=1e-2, progress=False,
                  compiled=compiled, callback=callback, **kw)  # fmt: skip
    return _weights(model), history


def test_fit_without_a_callback_trains_to_the_bit_as_with_one_and_as_the_plain_engine():
    held, h_held = _fit_weights(5)
    looked, h_looked = _fit_weights(5, callback=lambda *_: None)
    plain, _ = _fit_weights(5, compiled=False)
    np.testing.assert_array_equal(held, looked)
    assert h_held.loss == h_looked.loss and h_held.grad_norm == h_looked.grad_norm
    assert float(np.max(np.abs(held - plain)) / np.max(np.abs(plain))) <= 1e-12
    assert not np.array_equal(held, _weights(MLP(2, [6, 1], seed=1)))  # fit wrote them back


def test_fit_without_a_callback_stopped_by_convergence_or_divergence_leaves_the_last_weights():
    from nn.history import Convergence

    held, h = _fit_weights(10, convergence=Convergence(loss_rtol=1e9))  # met at epoch 2
    looked, h2 = _fit_weights(10, convergence=Convergence(loss_rtol=1e9), callback=lambda *_: None)
    assert h.stop_reason.startswith("converged") and h.epochs == h2.epochs < 10
    np.testing.assert_array_equal(held, looked)
    blown, hb = _fit_weights(10, optimizer=lambda m: SGD(m.parameters(), lr=1e6))
    seen, hs = _fit_weights(10, optimizer=lambda m: SGD(m.parameters(), lr=1e6), callback=lambda *_: None)
    assert hb.stop_reason.startswith("diverged") and hb.epochs == hs.epochs
    np.testing.assert_array_equal(blown, seen)


def test_an_exception_in_a_later_epoch_of_fit_leaves_the_model_at_its_last_completed_step():
    for error in (KeyboardInterrupt, RuntimeError):

        class Failing(SGD):
            calls = 0

            def update(self, values, grads):
                self.calls += 1
                if self.calls == 11:  # the 2nd batch of epoch 4 (three batches an epoch)
                    raise error  # noqa: B023 (the class is used in its own turn of the loop)
                super().update(values, grads)

        model = MLP(2, [6, 1], seed=1)
        with pytest.raises(error):
            fit(model, X, Y, "svm", Failing(model.parameters(), lr=0.2), epochs=6, batch_size=16, progress=False,
                compiled=True)  # fmt: skip
        ref = MLP(2, [6, 1], seed=1)
        run = Training(ref, X, Y, "svm", SGD(ref.parameters(), lr=0.2), batch_size=16, compiled=True)
        for _ in range(10):
            run.step()
        np.testing.assert_array_equal(_weights(model), _weights(ref))


def test_a_callback_s_edit_of_the_weights_is_what_the_next_epoch_trains_from():
    def edit(epoch, history, model):
        if epoch == 2:
            model.parameters()[0].data = 0.5

    edited, _ = _fit_weights(4, callback=edit)
    model = MLP(2, [6, 1], seed=1)
    run = Training(model, X, Y, "svm", Adam(model.parameters(), lr=0.05), batch_size=16, reg=1e-2, compiled=True)
    run.epoch(), run.epoch()
    model.parameters()[0].data = 0.5
    run.epoch(), run.epoch()
    np.testing.assert_array_equal(edited, _weights(model))
    assert not np.array_equal(edited, _fit_weights(4)[0])  # the edit changed the run
