"""Grad mode and tracing are per thread: one thread's ``no_grad()``, ``backward()`` or trace
never changes what another thread records, and derivatives that are asked for are recorded
even inside ``no_grad()``."""

import os
import sys
import threading

import numpy as np
import pytest

from autograd import (
    TracingError,
    Value,
    enable_grad,
    grad,
    is_grad_enabled,
    is_tracing,
    no_grad,
    topological_order,
    trace,
)
from autograd.functional import hessian, jacobian
from autograd.gradcheck import gradcheck
from autograd.modes import SORTING
from nn import MLP, fit
from nn.data import make_moons


@pytest.fixture(autouse=True)
def switch_often():
    """Let the interpreter switch threads every microsecond, so they really interleave."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def _run(*targets):
    """Start every target in its own thread, all released at once; re-raise their errors."""
    start = threading.Barrier(len(targets))
    errors = []

    def wrap(fn):
        def run():
            start.wait()
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - handed to the test below
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_context_managers_nest_and_restore():
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            x = Value(2.0)
            y = x * x
        assert not is_grad_enabled()
        assert (x * x).is_leaf
    assert is_grad_enabled()
    assert y.parents == (x, x)
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("leaves the block early")
    assert is_grad_enabled()


def test_a_new_thread_starts_recording_even_when_its_parent_is_in_no_grad():
    seen = []
    with no_grad():
        t = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    stop = threading.Event()
    lost = []

    def idle_in_no_grad():
        while not stop.is_set():
            with no_grad():
                Value(1.0) * Value(2.0)

    def build_graphs():
        try:
            for _ in range(2000):
                x = Value(3.0)
                y = x * x
                y.backward()
                if x.grad != 6.0:
                    lost.append(x.grad)
        finally:
            stop.set()

    _run(idle_in_no_grad, build_graphs)
    assert lost == []


def test_backward_in_two_threads_leaves_recording_on():
    results = {}

    def differentiate(name, a):
        def run():
            got = []
            for _ in range(300):
                x = Value(a)
                y = Value.sum([(x * x + x).tanh() for _ in range(20)])
                y.backward()
                got.append(x.grad)
            results[name] = (got, is_grad_enabled())

        return run

    _run(differentiate("a", 0.3), differentiate("b", -0.7))
    for name, a in (("a", 0.3), ("b", -0.7)):
        grads, enabled = results[name]
        t = np.tanh(a * a + a)
        assert enabled
        assert grads == pytest.approx([20 * (1.0 - t * t) * (2.0 * a + 1.0)] * 300, rel=1e-12)
    assert is_grad_enabled()


def test_threads_sorting_one_shared_graph_at_once_each_get_the_whole_order():
    # the sort marks the nodes it places in the nodes themselves: shared between these
    # threads, they must not see each other's marks (a node placed twice, or never)
    x, c = Value(0.5, "x"), Value(2.0, "c")
    y = x
    for i in range(200):
        y = (y * c + x).tanh() if i % 3 else Value.sum([y, x * y, c])
    alone = topological_order(y)
    interior = topological_order(y, leaves=False)
    results = []

    def sort_repeatedly():
        results.append(all(topological_order(y) == alone for _ in range(40)))
        results.append(all(topological_order(y, leaves=False) == interior for _ in range(40)))

    _run(*[sort_repeatedly] * 4)
    assert results == [True] * 8
    assert len(alone) == len(set(map(id, alone))) == 2 + 67 * 2 + 133 * 3  # leaves, sums, tanh steps


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_process_forked_while_another_thread_sorts_can_sort():
    # the sort's lock is held by another thread when the process forks: the child must not
    # inherit it held (every backward there would wait for ever)
    held, release = threading.Event(), threading.Event()

    def sorting():
        with SORTING:  # what a long sort in this thread does
            held.set()
            release.wait()

    t = threading.Thread(target=sorting)
    t.start()
    held.wait()
    threading.Timer(0.2, release.set).start()  # fork waits for the "sort" to end
    pid = os.fork()
    if pid == 0:  # the child: the lock must be free, and backward must work
        code = 1
        try:
            if SORTING.acquire(blocking=False):
                SORTING.release()
                x = Value(2.0)
                (x * 3.0).backward()
                code = 0 if x.grad == 3.0 else 2
        finally:
            os._exit(code)
    t.join()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _train(seed):
    X, y = make_moons(60, noise=0.1, seed=seed)
    model = MLP(2, [6, 1], seed=seed)
    history = fit(model, X, y, loss="svm", epochs=8, batch_size=16, progress=False)
    return [p.data for p in model.parameters()], history.loss


def test_two_fit_runs_in_two_threads_give_the_weights_each_gives_alone():
    alone = {seed: _train(seed) for seed in (1, 2)}
    together = {}

    def job(seed):
        return lambda: together.__setitem__(seed, _train(seed))

    _run(job(1), job(2))
    assert together == alone  # bit for bit: weights and losses


def test_training_while_another_thread_sits_in_no_grad():
    alone = _train(3)
    stop = threading.Event()
    together = []

    def idle_in_no_grad():
        while not stop.is_set():
            with no_grad():
                Value(1.0) + 1.0

    def train():
        try:
            together.append(_train(3))
        finally:
            stop.set()

    _run(idle_in_no_grad, train)
    assert together == [alone]


def test_tracing_in_one_thread_does_not_forbid_comparisons_in_another():
    stop = threading.Event()
    answers = []
    traced = []

    def trace_repeatedly():
        try:
            for _ in range(200):
                traced.append(trace(lambda xs: (xs[0] * xs[1]).tanh(), [], inputs=2))
        finally:
            stop.set()

    def compare():
        while True:  # at least once, even when the tracing thread finishes first
            answers.append(Value(1.0) < Value(2.0) and bool(Value(0.5)) and float(Value(3.0)) == 3.0)
            if stop.is_set():
                break

    _run(trace_repeatedly, compare)
    assert answers and all(answers)
    assert len(traced) == 200
    assert not is_tracing()


def test_tracing_still_refuses_comparisons_inside_the_trace():
    def branchy(xs):
        return xs[0] if xs[0] > 0 else -xs[0]

    with pytest.raises(TracingError, match="comparison >"):
        trace(branchy, [], inputs=1)
    assert not is_tracing()


def test_derivatives_asked_for_are_recorded_inside_no_grad():
    def f(v):
        return v[0] * v[0] * v[1] + v[1].exp()

    x0, x1 = 0.5, -1.2
    with no_grad():
        jac = jacobian(f, [x0, x1])
        hes = hessian(f, [x0, x1])
        ok = gradcheck(f, [x0, x1], order=2)
        assert not is_grad_enabled()
    assert jac == [pytest.approx([2 * x0 * x1, x0 * x0 + np.exp(x1)], rel=1e-12)]
    assert hes[0] == pytest.approx([2 * x1, 2 * x0], rel=1e-12)
    assert hes[1] == pytest.approx([2 * x0, np.exp(x1)], rel=1e-12)
    assert ok


def test_grad_with_create_graph_inside_no_grad_gives_a_differentiable_gradient():
    x = Value(0.7)
    y = x * x * x  # built with recording on
    with no_grad():
        (g,) = grad(y, [x], create_graph=True)
        (gg,) = grad(g, [x])
    assert g.data == pytest.approx(3 * 0.7**2, rel=1e-12)
    assert gg == pytest.approx(6 * 0.7, rel=1e-12)
