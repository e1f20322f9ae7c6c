"""Neuron, Layer and MLP: shapes, names, initialisation, inputs, and gradients against central differences."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import MLP, Layer, Neuron
from nn.outputs import model_outputs, outputs_of_rows

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


def test_mlp_3_4_2_counts_as_in_the_lecture():
    # lecture 001: (3×4) + (4×2) = 20 weights, 4 + 2 = 6 neurons, 20 + 4 + 2 = 26 parameters
    model = MLP(3, [4, 2])
    names = [n for n, _ in model.named_parameters()]
    assert len(model.parameters()) == 26
    assert sum(len(layer.neurons) for layer in model.layers) == 6
    assert sum(".w." in n for n in names) == 20
    assert sum(n.endswith(".b") for n in names) == 6


def test_parameter_names_are_paths():
    model = MLP(3, [4, 2])
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.w.2",
        "layers.0.neurons.0.b",
    ]
    assert names[-1] == "layers.1.neurons.1.b"
    assert "layers.0.neurons.3.w.1" in names
    assert len(set(names)) == len(names)
    named = dict(model.named_parameters())
    assert named["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert named["layers.1.neurons.0.b"] is model.layers[1].neurons[0].b
    assert named["layers.0.neurons.3.w.1"].label == "layers.0.neurons.3.w.1"


def test_repr_reads_like_the_architecture():
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2 → 16 relu → 16 relu → 1 linear), 337 parameters"
    assert repr(Layer(2, 3, "tanh")) == "Layer(2 → 3 tanh), 9 parameters"
    assert repr(Neuron(3, "sigmoid")) == "Neuron(3 → 1 sigmoid), 4 parameters"


def test_seed_makes_initialisation_reproducible():
    a, b, c = MLP(2, [8, 1], seed=3), MLP(2, [8, 1], seed=3), MLP(2, [8, 1], seed=4)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()


@pytest.mark.parametrize("activation, bound", [("relu", math.sqrt(6 / 50)), ("tanh", math.sqrt(3 / 50))])
def test_initialisation_is_scaled_by_fan_in(activation, bound):
    layer = Layer(50, 40, activation, rng=0)
    ws = np.array([w.data for n in layer.neurons for w in n.w])
    assert np.all(np.abs(ws) <= bound)
    # uniform on [-a, a] has variance a²/3
    assert abs(ws.var() - bound**2 / 3) < 0.15 * bound**2 / 3
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_neuron_computes_activation_of_w_dot_x_plus_b():
    n = Neuron(3, "tanh")
    for w, v in zip(n.w, [0.5, -1.0, 2.0]):
        w.data = v
    n.b.data = 0.25
    out = n([1.0, 2.0, 3.0])
    # 0.5 - 2 + 6 + 0.25 = 4.75
    assert out.data == pytest.approx(math.tanh(4.75))
    assert out.op == "tanh"
    assert out.parents[0].op == "dot"


def test_dot_form_is_one_node_per_neuron():
    model = MLP(2, [3, 1], activation="relu")
    out = model([0.5, -0.5])[0]
    assert out.op == "dot"  # linear output: no activation node
    hidden = out.parents[3:6]
    assert [h.op for h in hidden] == ["relu"] * 3
    assert all(h.parents[0].op == "dot" for h in hidden)


@given(st.lists(finite, min_size=4, max_size=4))
@settings(max_examples=25, deadline=None)
def test_binary_form_matches_dot_form(xs):
    dot, binary = Neuron(4, "sigmoid", rng=1), Neuron(4, "sigmoid", rng=1, binary=True)
    a, b = dot(xs), binary(xs)
    assert a.data == pytest.approx(b.data, rel=1e-12, abs=1e-15)
    a.backward()
    b.backward()
    for p, q in zip(dot.parameters(), binary.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15)


def test_binary_form_is_the_lectures_chain():
    n = Neuron(2, "linear", binary=True)
    out = n([1.0, 2.0])
    assert out.op == "add"  # (w1·x1 + w2·x2) + b
    assert out.parents[1] is n.b
    assert [p.op for p in out.parents[0].parents] == ["mul", "mul"]


def test_inputs_may_be_lists_arrays_or_values():
    model = MLP(3, [4, 2], seed=1)
    x = [0.1, -0.2, 0.3]
    ref = [v.data for v in model(x)]
    assert [v.data for v in model(np.array(x))] == ref
    assert [v.data for v in model(tuple(x))] == ref
    xv = [Value(v) for v in x]
    out = model(xv)
    assert [v.data for v in out] == ref
    out[0].backward()
    assert any(v.grad != 0.0 for v in xv)  # gradients reach Value inputs


def test_output_is_always_a_list():
    out = MLP(2, [3, 1])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1
    assert isinstance(Layer(2, 1)([1.0, 2.0]), list)


def test_one_input_neuron_takes_a_bare_number():
    n = Neuron(1)
    n.w[0].data = 2.0
    assert n(3.0).data == 6.0
    assert n(Value(3.0)).data == 6.0
    assert n(np.float32(3.0)).data == 6.0
    for bad in (True, np.complex128(3.0), "3"):  # a bool or a complex number is no real input
        with pytest.raises(TypeError, match="Neuron: input must be"):
            n(bad)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: MLP(0, [2]), "nin"),
        (lambda: MLP(2, []), "nouts"),
        (lambda: MLP(2, 3), "nouts"),
        (lambda: MLP(2, [3, 0]), "layer size"),
        (lambda: MLP(2, [3], activation="softmax"), "unknown activation 'softmax'"),
        (lambda: Neuron(2, "gelu"), "unknown activation 'gelu'"),
        (lambda: Layer(2, -1), "nout"),
    ],
)
def test_bad_construction_is_a_clear_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_input_size_names_both_sizes():
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        MLP(3, [2])([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        MLP(3, [2])(np.zeros((2, 3)))
    with pytest.raises(TypeError):
        MLP(3, [2])("abc")


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh", "relu"])
@given(xs=st.lists(finite, min_size=3, max_size=3))
@settings(max_examples=15, deadline=None)
def test_mlp_input_gradient_matches_central_differences(activation, xs):
    model = MLP(3, [4, 2], activation=activation, output_activation="tanh", seed=2)
    if activation == "relu":  # stay away from the kinks of relu
        pre = [n([Value(x) for x in xs]).parents[0].data for n in model.layers[0].neurons]
        assume(min(abs(p) for p in pre) > 1e-3)
    assert gradcheck(lambda v: Value.sum(model(v)), xs)


@given(xs=st.lists(finite, min_size=2, max_size=2))
@settings(max_examples=15, deadline=None)
def test_mlp_parameter_gradient_matches_central_differences(xs):
    model = MLP(2, [3, 1], activation="tanh", seed=5)
    params = model.parameters()
    start = [p.data for p in params]

    # central differences of the output with respect to each parameter, by hand
    model(xs)[0].backward()
    analytic = [p.grad for p in params]
    eps = 1e-6
    for i, p in enumerate(params):
        p.data = start[i] + eps
        up = model(xs)[0].data
        p.data = start[i] - eps
        down = model(xs)[0].data
        p.data = start[i]
        assert analytic[i] == pytest.approx((up - down) / (2 * eps), abs=1e-6, rel=1e-4)


# -- a batch of rows: the parameters' numbers are read once -----------------------------


def _grads_after(model, outs):
    Value.sum([o for out in outs for o in out]).backward()
    return [p.grad for p in model.parameters()]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Neuron(3, "tanh", np.random.default_rng(1)),
        lambda: Layer(3, 4, "relu", np.random.default_rng(2)),
        lambda: MLP(3, [4, 2], seed=3),
        lambda: MLP(3, [4, 2], seed=3, binary=True),
    ],
)
def test_outputs_of_rows_are_the_outputs_of_each_row(make):
    rows = np.random.default_rng(0).normal(size=(5, 3)).tolist()
    one, batch = make(), make()  # the same weights
    per_row = [model_outputs(one, x) for x in rows]
    together = outputs_of_rows(batch, rows)
    assert [[o.data for o in out] for out in together] == [[o.data for o in out] for out in per_row]
    assert _grads_after(batch, together) == _grads_after(one, per_row)


def test_outputs_of_rows_read_the_parameters_once():
    model = MLP(2, [3, 1], seed=0)
    reads = []
    model._read = lambda: reads.append("read") or MLP._read(model)
    outs = outputs_of_rows(model, [[0.1, 0.2]] * 4)
    assert len(outs) == 4 and reads == ["read"]


def test_outputs_of_rows_call_a_model_with_a_call_of_its_own_once_a_row():
    class Doubled(MLP):
        def __call__(self, x):
            return [2.0 * o for o in super().__call__(x)]

    rows = [[0.5, -0.25], [1.0, 2.0]]
    doubled, plain = Doubled(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    assert [[o.data for o in out] for out in outputs_of_rows(doubled, rows)] == [
        [2.0 * o.data for o in model_outputs(plain, x)] for x in rows
    ]
    assert [o.data for out in outputs_of_rows(lambda x: Value(x[0]) * 3.0, rows) for o in out] == [1.5, 3.0]


def test_outputs_of_rows_run_every_row_on_the_one_reading():
    # the numbers _read gave are the ones used: doubled numbers give a doubled linear model
    model, twice = Layer(2, 3, rng=np.random.default_rng(4)), Layer(2, 3, rng=np.random.default_rng(4))
    for p in twice.parameters():
        p.data *= 2.0
    model._read = lambda: [([2.0 * w for w in ws], 2.0 * b) for ws, b in Layer._read(model)]
    rows = [[0.5, -1.0], [2.0, 0.25]]
    assert [[o.data for o in out] for out in outputs_of_rows(model, rows)] == [
        [o.data for o in model_outputs(twice, x)] for x in rows
    ]


class _Named(MLP):  # a subclass that keeps MLP's call
    pass


@pytest.mark.parametrize("make", [lambda: MLP(3, [2]), lambda: _Named(3, [2])])
@pytest.mark.parametrize("row", [[1.0, 2.0], [1.0, "a", 2.0], [1.0, float("nan"), 2.0]])
def test_outputs_of_rows_refuse_a_bad_row_as_the_model_does(make, row):
    with pytest.raises((ValueError, TypeError)) as one:
        make()(row)
    with pytest.raises(type(one.value), match=re.escape(str(one.value))):
        outputs_of_rows(make(), [[0.0, 1.0, 2.0], row])
