"""nn.export.to_onnx: the files pass onnx.checker and, run by onnx's own reference evaluator,
give chaingrad's numbers (1e-12 in float64, 1e-5 in float32) for MLPs with every activation
and for traced functions that are not MLPs."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")  # the dev extra installs it; CI runs these
from onnx.reference import ReferenceEvaluator  # noqa: E402

from autograd import Value, trace  # noqa: E402
from nn import ACTIVATIONS, MLP, Layer, Neuron  # noqa: E402
from nn.export import ExportError, to_onnx  # noqa: E402
from nn.losses import binary_cross_entropy_with_logits, cross_entropy  # noqa: E402

RNG = np.random.default_rng(7)
X = RNG.normal(scale=2.0, size=(9, 3))


def _moved(model):
    """Weights and biases all away from their initial values (biases start at 0)."""
    for i, p in enumerate(model.parameters()):
        p.data += 0.05 * np.sin(1.0 + i)
    return model


def _plain(model, X):
    """chaingrad's own forward, sample by sample, on the scalar engine."""
    out = [model(list(x)) for x in X]
    return np.array([[v.data for v in (o if isinstance(o, list) else [o])] for o in out])


def _run(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    return ReferenceEvaluator(model).run(None, feeds)


@pytest.mark.parametrize("hidden", list(ACTIVATIONS))
@pytest.mark.parametrize("output", list(ACTIVATIONS))
def test_mlp_matches_chaingrad_for_every_activation(tmp_path, hidden, output):
    model = _moved(MLP(3, [5, 4, 2], activation=hidden, output_activation=output, seed=3))
    expected = _plain(model, X)
    proto = to_onnx(model, tmp_path / "m.onnx")
    (y64,) = _run(tmp_path / "m.onnx", {"x": X})
    assert y64.dtype == np.float64 and y64.shape == (9, 2)
    np.testing.assert_allclose(y64, expected, rtol=0, atol=1e-12)
    ops = [n.op_type for n in proto.graph.node]
    act = {"linear": [], "relu": ["Relu"], "tanh": ["Tanh"], "sigmoid": ["Sigmoid"]}
    assert ops == ["Gemm", *act[hidden]] * 2 + ["Gemm", *act[output], "Identity"]
    to_onnx(model, tmp_path / "m32.onnx", dtype="float32")
    (y32,) = _run(tmp_path / "m32.onnx", {"x": X.astype(np.float32)})
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, expected, rtol=0, atol=1e-5)


def test_the_batch_dimension_is_free(tmp_path):
    model = _moved(MLP(3, [4, 1], seed=1))
    to_onnx(model, tmp_path / "m.onnx")
    graph = onnx.load(str(tmp_path / "m.onnx")).graph
    dims = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", 3]
    for n in (1, 50):
        (y,) = _run(tmp_path / "m.onnx", {"x": np.ones((n, 3))})
        assert y.shape == (n, 1)


@pytest.mark.parametrize("make", [lambda: Layer(3, 4, "tanh", rng=2), lambda: Neuron(3, "sigmoid", rng=5)])
def test_a_layer_and_a_neuron_export_too(tmp_path, make):
    model = _moved(make())
    to_onnx(model, tmp_path / "m.onnx")
    (y,) = _run(tmp_path / "m.onnx", {"x": X})
    np.testing.assert_allclose(y, _plain(model, X), rtol=0, atol=1e-12)


def _function(params):
    """Not an MLP: a mix of every row of the table, shared parameters and constants."""
    a, b, c = params

    def f(xs):
        x0, x1, x2 = xs
        t = (a * x0 - b).tanh() + (x1 * x2).sigmoid() / (1 + x0 * x0)
        u = (1 + (c * x1).exp()).log() - abs(x2 - 0.5) * 2 + (-x0).relu()
        v = Value.dot([a, b, c], [x0, x1, x2]) + Value.sum([x0, t, u]) + (1.5 + x1.abs()) ** 0.5 + 2 ** (0.3 * x2)
        return [t, u, v * a, Value.dot([x0, x1], [t, u])]

    return f


def test_a_traced_function_that_is_no_mlp(tmp_path):
    params = [Value(0.7), Value(-0.4), Value(1.3)]
    f = _function(params)
    graph = trace(f, params, inputs=3)
    expected = np.array([[v.data for v in f([Value(float(t)) for t in x])] for x in X])
    np.testing.assert_allclose(graph.forward(X), expected, rtol=0, atol=1e-12)  # the replay agrees first
    proto = to_onnx(graph, tmp_path / "f.onnx")
    ops = {n.op_type for n in proto.graph.node}
    assert {"Tanh", "Sigmoid", "Exp", "Log", "Abs", "Relu", "Neg", "Pow", "Div", "Sum", "Gemm"} <= ops
    (y,) = _run(tmp_path / "f.onnx", {"x": X})
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)
    to_onnx(graph, tmp_path / "f32.onnx", dtype="float32")
    (y32,) = _run(tmp_path / "f32.onnx", {"x": X.astype(np.float32)})
    np.testing.assert_allclose(y32, expected, rtol=0, atol=1e-5)


def test_a_traced_mlp_comes_out_as_matrix_products(tmp_path):
    model = _moved(MLP(3, [6, 6, 2], activation="relu", seed=4))
    graph = trace(lambda xs: model(xs), model.parameters(), inputs=3)
    proto = to_onnx(graph, tmp_path / "t.onnx")
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm", "Relu", "Gemm", "Identity"]
    (y,) = _run(tmp_path / "t.onnx", {"x": X})
    np.testing.assert_allclose(y, _plain(model, X), rtol=0, atol=1e-12)


def test_a_traced_loss_with_one_hot_labels(tmp_path):
    model = _moved(MLP(3, [5, 3], activation="tanh", seed=2))
    graph = trace(
        lambda xs, ys: (cross_entropy(model(xs), ys), model(xs)), model.parameters(), inputs=3, labels=3, one_hot=True
    )
    labels = np.arange(len(X)) % 3
    onehot = np.eye(3)[labels]
    expected = np.array([cross_entropy(model(list(x)), int(k)).data for x, k in zip(X, labels)])
    to_onnx(graph, tmp_path / "loss.onnx")
    outputs, loss = _run(tmp_path / "loss.onnx", {"x": X, "labels": onehot})
    assert loss.shape == (len(X),)
    np.testing.assert_allclose(loss, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(outputs, _plain(model, X), rtol=0, atol=1e-12)


def test_an_output_that_does_not_depend_on_the_input_still_has_a_row_per_sample(tmp_path):
    w = Value(0.25)
    graph = trace(lambda xs: [xs[0] * w, w * w + 1], [w], inputs=1)
    to_onnx(graph, tmp_path / "c.onnx")
    (y,) = _run(tmp_path / "c.onnx", {"x": np.array([[1.0], [2.0], [4.0]])})
    np.testing.assert_allclose(y, [[0.25, 1.0625], [0.5, 1.0625], [1.0, 1.0625]], rtol=0, atol=1e-15)


def test_the_weights_are_copied_as_they_are_at_export(tmp_path):
    model = _moved(MLP(3, [2], seed=0))
    to_onnx(model, tmp_path / "before.onnx")
    before = _plain(model, X)
    for p in model.parameters():
        p.data *= 2.0
    (y,) = _run(tmp_path / "before.onnx", {"x": X})
    np.testing.assert_allclose(y, before, rtol=0, atol=1e-12)


def test_bad_dtype_and_unknown_model_are_errors_before_any_file(tmp_path):
    model = MLP(2, [2])
    with pytest.raises(ValueError, match="dtype must be one of float64, float32, got 'float16'"):
        to_onnx(model, tmp_path / "a.onnx", dtype="float16")
    with pytest.raises(ExportError, match="cannot export .*list"):
        to_onnx([1, 2], tmp_path / "b.onnx")

    class Custom(MLP):
        pass

    assert to_onnx(Custom(2, [2]), tmp_path / "c.onnx")  # a subclass is still an MLP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.onnx"]


def test_a_traced_graph_without_inputs_is_refused(tmp_path):
    w = Value(2.0)
    graph = trace(lambda xs: [w * w], [w], inputs=0)
    with pytest.raises(ExportError, match="no inputs"):
        to_onnx(graph, tmp_path / "n.onnx")
    assert not (tmp_path / "n.onnx").exists()


def test_without_the_onnx_package_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install 'chaingrad\[onnx\]'"):
        to_onnx(MLP(2, [2]), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_a_primitive_of_your_own_is_an_error_naming_it(tmp_path):  # conftest's primitive_table removes the row
    from autograd import primitive

    name = "export_test_softplus"
    softplus = primitive(name, lambda m, a: m.log(1.0 + m.exp(a)), lambda m, g, out, a: (g * m.sigmoid(a),))
    w = Value(0.5)
    graph = trace(lambda xs: [softplus(xs[0] * w) + 1], [w], inputs=1)
    assert graph.forward(np.array([[0.0]]))[0, 0] == pytest.approx(np.log(2.0) + 1)  # the replay runs it
    with pytest.raises(ExportError, match=rf"node \d+ uses the primitive '{name}', which has no ONNX form"):
        to_onnx(graph, tmp_path / "s.onnx")
    assert not (tmp_path / "s.onnx").exists()


def test_a_traced_logistic_loss_uses_log1p_and_matches(tmp_path):
    model = _moved(MLP(3, [4, 1], activation="relu", seed=8))
    graph = trace(
        lambda xs, ys: binary_cross_entropy_with_logits(model(xs)[0], ys[0]), model.parameters(), inputs=3, labels=1
    )
    assert "log1p" in {graph.program.op(i) for i in range(len(graph.program))}
    labels = (X[:, 0] > 0).astype(float)
    expected = np.array([binary_cross_entropy_with_logits(model(list(x))[0], t).data for x, t in zip(X, labels)])
    proto = to_onnx(graph, tmp_path / "bce.onnx")
    assert "Log" in {n.op_type for n in proto.graph.node}
    (loss,) = _run(tmp_path / "bce.onnx", {"x": X, "labels": labels[:, None]})
    np.testing.assert_allclose(loss, expected, rtol=0, atol=1e-12)
