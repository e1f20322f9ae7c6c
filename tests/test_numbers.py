"""Every public entry point that takes a number applies the one rule of ``autograd.checks``:
a count is any integral number (Python or numpy) but not a bool; a real is any real number
(Python or numpy, integer or float) but not a bool, finite, within the entry's bounds."""

import math

import numpy as np
import pytest

from autograd import Value, gradcheck, numerical_grad
from autograd.check import check_primitive
from autograd.checks import count, real
from autograd.drawing import DrawOptions
from autograd.explorer import StepThrough
from autograd.viz import draw_graph, save_frames
from nn import MLP, SGD, Adam, Layer, Neuron, constant, inverse_sqrt, linear_decay
from nn import losses as L
from nn.data import make_blobs, make_circles, make_moons, make_spirals, make_xor, minibatches, train_test_split
from nn.plots import grid_scores
from nn.train import Convergence, fit, random_search

X, Y = make_moons(10, seed=0)


def _fit(**kw):
    model = MLP(2, [1], seed=0)
    return fit(model, X, Y, "svm", **{"epochs": 1, "progress": False, **kw})


def _params():
    return [Value(1.0)]


def _graph():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    return (a * b + a).tanh()  # 3 backward steps


def _step_to(k):
    st = StepThrough(_graph())
    st.step = k
    return st.step


# name -> (call with the number, a valid integer)
COUNTS = {
    "MLP nin": (lambda v: MLP(v, [2]), 3),
    "MLP layer size": (lambda v: MLP(2, [v, 1]), 3),
    "MLP seed": (lambda v: MLP(2, [2], seed=v), 3),
    "Layer nin": (lambda v: Layer(v, 2), 3),
    "Layer nout": (lambda v: Layer(2, v), 3),
    "Neuron nin": (lambda v: Neuron(v), 3),
    "Neuron rng seed": (lambda v: Neuron(2, rng=v), 3),
    "linear_decay steps": (lambda v: linear_decay(1.0, 0.1, v), 3),
    "schedule step t": (lambda v: constant(0.1)(v), 3),
    "fit epochs": (lambda v: _fit(epochs=v), 2),
    "fit batch_size": (lambda v: _fit(batch_size=v), 3),
    "fit seed": (lambda v: _fit(seed=v, batch_size=4), 3),
    "Convergence patience": (lambda v: Convergence(grad_tol=0.1, patience=v), 3),
    "random_search tries": (lambda v: random_search(MLP(2, [1]), X, Y, "svm", tries=v), 3),
    "random_search seed": (lambda v: random_search(MLP(2, [1]), X, Y, "svm", tries=2, seed=v), 3),
    "make_moons n": (lambda v: make_moons(v), 3),
    "make_blobs n": (lambda v: make_blobs(v), 3),
    "make_blobs centers": (lambda v: make_blobs(9, centers=v), 3),
    "make_blobs dim": (lambda v: make_blobs(9, dim=v), 3),
    "make_spirals n": (lambda v: make_spirals(v), 3),
    "make_spirals classes": (lambda v: make_spirals(9, classes=v), 3),
    "make_xor n": (lambda v: make_xor(v), 3),
    "make_circles n": (lambda v: make_circles(v), 3),
    "minibatches batch_size": (lambda v: list(minibatches(X, Y, v)), 3),
    # a seed of True was numpy's seed 1: the data sets, the split and the batches take a count
    "make_moons seed": (lambda v: make_moons(9, seed=v), 3),
    "make_blobs seed": (lambda v: make_blobs(9, seed=v), 3),
    "make_spirals seed": (lambda v: make_spirals(9, seed=v), 3),
    "make_xor seed": (lambda v: make_xor(9, seed=v), 3),
    "make_circles seed": (lambda v: make_circles(9, seed=v), 3),
    "train_test_split seed": (lambda v: train_test_split(X, Y, 0.5, seed=v), 3),
    "minibatches seed": (lambda v: list(minibatches(X, Y, 3, seed=v)), 3),
    "grid_scores resolution": (lambda v: grid_scores(lambda p: [p[0]], X, resolution=v), 3),
    "gradcheck order": (lambda v: gradcheck(lambda x: x[0] * x[0], [1.0], order=v), 1),
    "drawing max_nodes": (lambda v: DrawOptions(max_nodes=v), 3),
    "draw_graph step": (lambda v: draw_graph(_graph(), backward=True, step=v), 2),
    "StepThrough step": (_step_to, 2),
    "check_primitive order": (lambda v: check_primitive("exp", order=v, count=2), 1),
    "check_primitive count": (lambda v: check_primitive("exp", order=1, count=v), 2),
    "check_primitive seed": (lambda v: check_primitive("exp", order=1, count=2, seed=v), 2),
    "check_primitive n_args": (lambda v: check_primitive("sum", order=1, count=2, n_args=v), 2),
}

# name -> (call with the number, a valid integer or None when no integer is in bounds, a valid float)
REALS = {
    "SGD lr": (lambda v: SGD(_params(), lr=v), 1, 0.1),
    "SGD momentum": (lambda v: SGD(_params(), momentum=v), 0, 0.9),
    "SGD weight_decay": (lambda v: SGD(_params(), weight_decay=v), 0, 0.5),
    "Adam lr": (lambda v: Adam(_params(), lr=v), 1, 0.1),
    "Adam beta1": (lambda v: Adam(_params(), betas=(v, 0.999)), 0, 0.5),
    "Adam eps": (lambda v: Adam(_params(), eps=v), 1, 0.5),
    "constant lr0": (lambda v: constant(v), 1, 0.1),
    "inverse_sqrt lr0": (lambda v: inverse_sqrt(v), 1, 0.1),
    "linear_decay lr0": (lambda v: linear_decay(v, 0.1, 10), 1, 0.5),
    "linear_decay lr_end": (lambda v: linear_decay(1.0, v, 10), 0, 0.5),
    "fit reg": (lambda v: _fit(reg=v), 0, 0.5),
    "Convergence grad_tol": (lambda v: Convergence(grad_tol=v), 0, 0.5),
    "Convergence loss_rtol": (lambda v: Convergence(loss_rtol=v), 0, 0.5),
    "random_search scale": (lambda v: random_search(MLP(2, [1]), X, Y, "svm", tries=2, scale=v), 1, 0.5),
    "make_moons noise": (lambda v: make_moons(9, noise=v), 0, 0.5),
    "make_blobs std": (lambda v: make_blobs(9, std=v), 0, 0.5),
    "make_spirals noise": (lambda v: make_spirals(9, noise=v), 0, 0.5),
    "make_spirals turns": (lambda v: make_spirals(9, turns=v), 1, 0.5),
    "make_xor noise": (lambda v: make_xor(9, noise=v), 0, 0.5),
    "make_circles noise": (lambda v: make_circles(9, noise=v), 0, 0.5),
    "make_circles factor": (lambda v: make_circles(9, factor=v), None, 0.5),
    "train_test_split test_fraction": (lambda v: train_test_split(X, Y, v), None, 0.5),
    "numerical_grad eps": (lambda v: numerical_grad(lambda x: x[0] * 3.0, [1.0], eps=v), 1, 0.5),
    "gradcheck eps": (lambda v: gradcheck(lambda x: x[0] * 3.0, [1.0], eps=v), 1, 0.5),
    "gradcheck atol": (lambda v: gradcheck(lambda x: x[0] * x[0], [1.0], atol=v), 1, 0.5),
    "gradcheck rtol": (lambda v: gradcheck(lambda x: x[0] * x[0], [1.0], rtol=v), 1, 0.5),
    "regularized_loss lam": (lambda v: L.regularized_loss([Value(1.0)], [Value(2.0)], v), 0, 0.5),
    "elastic_net beta": (lambda v: L.elastic_net([Value(1.0)], v), 0, 0.5),
    "multiclass_hinge margin": (lambda v: L.multiclass_hinge([1.0, 2.0], 0, margin=v), 1, 0.5),
    "binary_cross_entropy eps": (lambda v: L.binary_cross_entropy(0.5, 1, eps=v), None, 1e-3),
    "grid_scores margin": (lambda v: grid_scores(lambda p: [p[0]], X, resolution=3, margin=v), 0, 0.5),
}

INTEGER_TYPES = (int, np.int8, np.int32, np.int64, np.uint16)
FLOAT_TYPES = (float, np.float16, np.float32, np.float64)
NOT_FINITE = (math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("inf"))


@pytest.mark.parametrize("name", COUNTS)
def test_a_count_is_any_integer_but_not_a_bool_or_a_float(name):
    call, good = COUNTS[name]
    for kind in INTEGER_TYPES:
        call(kind(good))  # accepted
    for bad in (*(kind(good) for kind in FLOAT_TYPES), True, False, np.True_, *NOT_FINITE):
        with pytest.raises(ValueError, match="must be an integer|order 1 or 2"):
            call(bad)


@pytest.mark.parametrize("name", REALS)
def test_a_real_is_any_real_number_but_not_a_bool_nan_or_inf(name):
    call, good_int, good_float = REALS[name]
    for kind in FLOAT_TYPES:
        call(kind(good_float))  # accepted
    if good_int is not None:
        for kind in INTEGER_TYPES:
            call(kind(good_int))
    for bad in (True, False, np.True_, np.False_, *NOT_FINITE, "0.5"):
        with pytest.raises(ValueError, match="must be a"):
            call(bad)


def test_the_checks_give_plain_python_numbers_and_name_the_argument():
    assert type(count(np.int64(3), "n", "f")) is int
    assert type(real(np.float32(0.5), "x", "f")) is float
    assert SGD(_params(), lr=np.float32(0.5)).lr == 0.5 and type(SGD(_params(), lr=np.float32(0.5)).lr) is float
    with pytest.raises(ValueError, match=r"^SGD: lr \(learning rate\) must be a finite number > 0, got nan$"):
        SGD(_params(), lr=math.nan)
    with pytest.raises(ValueError, match=r"^SGD: momentum must be a number in \[0, 1\), got True$"):
        SGD(_params(), momentum=True)
    with pytest.raises(ValueError, match=r"^MLP: seed must be an integer >= 0, got 1.0$"):
        MLP(2, [1], seed=1.0)


@pytest.mark.parametrize("name", REALS)
def test_an_int_beyond_the_float_range_is_a_value_error_that_gives_its_size_not_its_digits(name):
    call = REALS[name][0]
    for huge, digits in ((10**400, "401"), (-(10**400), "401"), (7 * 10**5000, "5,001")):
        with pytest.raises(ValueError, match=rf"must be a.*, got an integer of {digits} digits$"):
            call(huge)


def test_a_huge_number_is_shown_by_its_size_everywhere_the_engine_refuses_it():
    from fractions import Fraction

    lr_words = r"^SGD: lr \(learning rate\) must be a finite number > 0, got an integer of 401 digits$"
    with pytest.raises(ValueError, match=lr_words):
        SGD(_params(), lr=10**400)
    with pytest.raises(ValueError, match=r"^SGD: lr .* got a Fraction beyond the float range$"):
        SGD(_params(), lr=Fraction(10**400, 3))
    with pytest.raises(ValueError, match=r"^MLP: seed must be an integer >= 0, got an integer of 401 digits$"):
        MLP(2, [1], seed=-(10**400))
    with pytest.raises(ValueError, match=r"^Value needs a number within the float range .*, got an integer of 5,001"):
        Value(10**5000)
    model = MLP(1, [1])
    before = model.state_dict()
    state = {**before, "layers.0.neurons.0.b": -(10**5000)}
    words = r"^load_state_dict: parameter layers\.0\.neurons\.0\.b must be a finite number, got an integer of 5,001"
    with pytest.raises(ValueError, match=words):
        model.load_state_dict(state)
    assert model.state_dict() == before
    # numbers.Real's other kinds pass as ever: a Fraction within range, an int at the top of it
    assert real(Fraction(1, 4), "x", "f") == 0.25
    assert real(2**1023, "x", "f") == 2.0**1023
    # a number that need not be finite: an int beyond the range is as infinite as float arithmetic makes it
    assert real(-(10**400), "x", "f", finite=False) == -math.inf


def test_a_count_argument_below_its_bound_is_refused_before_any_work():
    with pytest.raises(ValueError, match=r"^check_primitive: count must be an integer >= 1, got 0$"):
        check_primitive("exp", count=0)
    with pytest.raises(ValueError, match=r"^check_primitive: n_args must be an integer >= 1, got 0$"):
        check_primitive("sum", n_args=0)
    with pytest.raises(ValueError, match=r"^draw_graph: step must be an integer >= 1, got 0$"):
        draw_graph(_graph(), backward=True, step=0)
    with pytest.raises(ValueError, match=r"^draw_graph: step must be between 1 and 3 \(the backward steps\), got 4$"):
        draw_graph(_graph(), backward=True, step=np.int64(4))
    with pytest.raises(ValueError, match=r"^MLP: nouts must be a non-empty list"):
        MLP(2, np.uint8(3))


def test_a_numpy_integer_step_or_index_is_the_same_as_a_python_int(tmp_path):
    root = _graph()
    assert draw_graph(root, backward=True, step=np.int64(2)).source == draw_graph(root, backward=True, step=2).source
    st = StepThrough(root)
    st.step = np.int32(2)
    assert st.step == 2 and type(st.step) is int
    st.step = np.int64(-5)  # any integer, clamped to the walk
    assert st.step == 0
    st.step = 10**400
    assert st.step == st.limit == 3
    # a node or leaf by its index, as a numpy integer too (e.g. from np.argmax)
    leaf = next(i for i, v in enumerate(st.walk.order) if v.label == "a")
    assert st.value(np.int64(leaf)) == st.value("a") == 2.0
    st.set(np.int64(leaf), 0.5)
    assert st.value("a") == 0.5
    assert len(save_frames(root, tmp_path / "all", limit=np.int64(2))) == 2
    for bad in (True, -1, 1.0):
        with pytest.raises(ValueError, match="save_frames: limit must be an integer >= 0"):
            save_frames(root, tmp_path / "none", limit=bad)
