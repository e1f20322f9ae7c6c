"""nn.export.to_torch and load_torch_weights: safetensors weights named as the equivalent
torch.nn.Sequential's state_dict, a generated model.py, and the way back, checked like a
model file. The tests marked ``torch`` run only where torch is installed (it is no
dependency of chaingrad); the others need only safetensors."""

from __future__ import annotations

import importlib.util
import json
import re
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

st = pytest.importorskip("safetensors.numpy")  # the dev extra installs it; CI runs these

from nn import ACTIVATIONS, MLP, Layer, Neuron, losses  # noqa: E402
from nn.export import ExportError, load_torch_weights, to_torch  # noqa: E402

X = np.random.default_rng(3).normal(scale=1.5, size=(8, 3))


def _moved(model):
    for i, p in enumerate(model.parameters()):
        p.data += 0.05 * np.cos(2.0 + i)
    return model


def _read(path: Path) -> dict[str, np.ndarray]:
    return st.load(path.read_bytes())


def test_names_and_values_are_those_of_the_equivalent_sequential(tmp_path):
    model = _moved(MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=1))
    weights, script = to_torch(model, tmp_path / "out")
    assert (weights.name, script.name) == ("model.safetensors", "model.py")
    state = _read(weights)
    # Sequential(Linear(3, 4), Tanh(), Linear(4, 2), Sigmoid()): the Linears are modules 0 and 2
    assert sorted(state) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert state["0.weight"].shape == (4, 3) and state["2.weight"].shape == (2, 4)
    assert state["0.weight"].dtype == np.float64
    # weight j, i is input i of neuron j
    assert state["0.weight"][1, 2] == model.layers[0].neurons[1].w[2].data
    assert state["2.bias"][1] == model.layers[1].neurons[1].b.data
    source = script.read_text()
    assert "torch.nn.Linear(3, 4),\n        torch.nn.Tanh(),\n        torch.nn.Linear(4, 2),\n" in source
    compile(source, str(script), "exec")


def test_linear_hidden_layers_have_no_module_between_them(tmp_path):
    weights, _ = to_torch(MLP(2, [3, 3, 1], activation="linear"), tmp_path)
    assert sorted(_read(weights)) == ["0.bias", "0.weight", "1.bias", "1.weight", "2.bias", "2.weight"]


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a != "linear"] + ["linear"])
def test_round_trip_through_the_file_is_exact(tmp_path, activation):
    model = _moved(MLP(3, [5, 4, 2], activation=activation, output_activation="tanh", seed=2))
    weights, _ = to_torch(model, tmp_path)
    back = load_torch_weights(weights)
    assert back.config() == {**model.config(), "seed": 0}
    assert back.state_dict() == model.state_dict()


def test_float32_weights_are_written_and_read(tmp_path):
    model = _moved(MLP(2, [3, 1], seed=0))
    weights, script = to_torch(model, tmp_path, dtype="float32")
    assert _read(weights)["0.weight"].dtype == np.float32
    assert "torch.float32" in script.read_text()
    back = load_torch_weights(weights)
    for (name, a), b in zip(model.state_dict().items(), back.state_dict().values()):
        assert b == float(np.float32(a)), name


def test_a_layer_and_a_neuron_are_one_linear(tmp_path):
    layer = _moved(Layer(3, 2, "relu", rng=1))
    state = _read(to_torch(layer, tmp_path / "l")[0])
    assert sorted(state) == ["0.bias", "0.weight"] and state["0.weight"].shape == (2, 3)
    neuron = _moved(Neuron(3, "sigmoid", rng=1))
    back = load_torch_weights(to_torch(neuron, tmp_path / "n")[0])
    assert back.nouts == [1] and back.output_activation == "sigmoid"
    assert [p.data for p in back.parameters()] == [p.data for p in neuron.parameters()]


def _foreign(path: Path, tensors: dict[str, np.ndarray]) -> Path:
    """A file as PyTorch's save_file writes it: no chaingrad metadata."""
    path.write_bytes(st.save(tensors))
    return path


def test_a_file_from_pytorch_needs_its_activation_named(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {
        "0.weight": rng.normal(size=(4, 2)).astype(np.float32),
        "0.bias": rng.normal(size=4).astype(np.float32),
        "2.weight": rng.normal(size=(1, 4)).astype(np.float32),
        "2.bias": rng.normal(size=1).astype(np.float32),
    }
    path = _foreign(tmp_path / "w.safetensors", tensors)
    with pytest.raises(ValueError, match="give activation="):
        load_torch_weights(path)
    with pytest.raises(ValueError, match="layers 0 and 2 of the Sequential do not fit the activation 'linear'"):
        load_torch_weights(path, activation="linear")
    model = load_torch_weights(path, activation="relu")
    assert model.config()["nouts"] == [4, 1] and model.activation == "relu"
    assert model.layers[1].neurons[0].w[3].data == float(tensors["2.weight"][0, 3])


def _expect_refused(path: Path, match: str, **kw) -> None:
    with pytest.raises(ValueError, match=match):
        load_torch_weights(path, **kw)


def test_bad_files_are_refused_with_the_file_named(tmp_path):
    ok = {"0.weight": np.ones((2, 3)), "0.bias": np.ones(2)}
    _expect_refused(tmp_path, "must be a regular file")
    with pytest.raises(FileNotFoundError, match="no such weights file"):
        load_torch_weights(tmp_path / "missing.safetensors")
    big = _foreign(tmp_path / "big.safetensors", ok)
    _expect_refused(big, "holds 200 bytes, more than the limit of 10", max_bytes=10)
    (tmp_path / "short").write_bytes(b"\x01\x02")
    _expect_refused(tmp_path / "short", "not a safetensors file")
    (tmp_path / "lies").write_bytes(struct.pack("<Q", 10**9) + b"{}")
    _expect_refused(tmp_path / "lies", "header claims 1,000,000,000 bytes")
    (tmp_path / "notjson").write_bytes(struct.pack("<Q", 3) + b"{{{")
    _expect_refused(tmp_path / "notjson", "header is not JSON")
    (tmp_path / "meta").write_bytes(struct.pack("<Q", 20) + b'{"__metadata__": 5} ')
    _expect_refused(tmp_path / "meta", "__metadata__ is not a mapping of strings")
    cases = {
        "name": ({"fc.weight": np.ones((2, 3)), "fc.bias": np.ones(2)}, "'fc.bias' is not a Linear layer"),
        "dtype": ({"0.weight": np.ones((2, 3), dtype=np.int64), "0.bias": np.ones(2)}, "dtype 'I64'"),
        "rank": ({"0.weight": np.ones(3), "0.bias": np.ones(2)}, r"0.weight has shape \[3\], expected 2"),
        "bias": ({"0.weight": np.ones((2, 3))}, "needs both 0.weight and 0.bias"),
        "bias shape": ({"0.weight": np.ones((2, 3)), "0.bias": np.ones(3)}, r"0.bias has shape \(3,\)"),
        "chain": ({**ok, "2.weight": np.ones((1, 4)), "2.bias": np.ones(1)}, "takes 4 inputs but layer 0 gives 2"),
        "nan": ({"0.weight": np.full((2, 3), np.nan), "0.bias": np.ones(2)}, "must be a finite number, got nan"),
        "empty": ({}, "holds no weights"),
    }
    for name, (tensors, match) in cases.items():
        _expect_refused(_foreign(tmp_path / f"{name}.safetensors", tensors), match)


def test_a_weight_that_is_not_finite_is_named_by_the_file_and_the_parameter(tmp_path):
    # load_state_dict, the one check of parameter values, names it: weight [1, 2] of layer 0
    weight = np.ones((2, 3))
    weight[1, 2] = np.inf
    path = _foreign(tmp_path / "inf.safetensors", {"0.weight": weight, "0.bias": np.ones(2)})
    _expect_refused(
        path, f"^{re.escape(str(path))}: .*parameter layers.0.neurons.1.w.2 must be a finite number, got inf$"
    )


def test_metadata_that_does_not_fit_is_refused(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(
        st.save({"0.weight": np.ones((2, 3)), "0.bias": np.ones(2)}, {"chaingrad.activations": "relu,relu"})
    )
    _expect_refused(path, "does not fit 1 layers")


def test_bad_arguments_are_errors_before_any_file(tmp_path):
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        load_torch_weights(tmp_path / "x", activation="gelu")
    with pytest.raises(ValueError, match="dtype must be"):
        to_torch(MLP(2, [1]), tmp_path / "out", dtype="half")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is not a folder"):
        to_torch(MLP(2, [1]), tmp_path / "file")
    assert not (tmp_path / "out").exists()


def test_without_safetensors_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    monkeypatch.setitem(sys.modules, "safetensors", None)
    with pytest.raises(ImportError, match=r"pip install 'chaingrad\[safetensors\]'"):
        to_torch(MLP(2, [1]), tmp_path)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------
# with torch: the same numbers on the other side
# ---------------------------------------------------------------------------------------


def _load_script(script: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{abs(hash(script))}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_torch_gives_the_same_outputs_and_gradients(tmp_path, activation):
    torch = pytest.importorskip("torch")
    model = _moved(MLP(3, [6, 5, 2], activation=activation, output_activation="sigmoid", seed=5))
    _, script = to_torch(model, tmp_path)
    net = _load_script(script).load()
    y = np.where(X[:, 0] > 0, 1.0, 0.0)
    targets = np.stack([y, 1 - y], axis=1)

    # chaingrad: the mean over the batch of ½‖ŷ − t‖², sample by sample on the scalar engine
    model.zero_grad()
    outs = [model(list(x)) for x in X]
    total = sum((losses.mse(o, list(t), reduction="sum") for o, t in zip(outs, targets)), 0.0) / len(X)
    total.backward()

    xt = torch.tensor(X, dtype=torch.float64)
    out = net(xt)
    np.testing.assert_allclose(out.detach().numpy(), [[v.data for v in o] for o in outs], rtol=0, atol=1e-12)
    loss = ((out - torch.tensor(targets)) ** 2).sum(dim=1).mean()
    loss.backward()
    assert loss.item() == pytest.approx(total.data, abs=1e-12)

    from nn.export import dense_layers

    grads = dense_layers(model, grad=True)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for k, (g, lin) in enumerate(zip(grads, linears)):
        np.testing.assert_allclose(lin.weight.grad.numpy(), g.weight, rtol=0, atol=1e-10, err_msg=f"layer {k}")
        np.testing.assert_allclose(lin.bias.grad.numpy(), g.bias, rtol=0, atol=1e-10, err_msg=f"layer {k}")


def test_torch_round_trip_is_exact(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    model = _moved(MLP(3, [4, 4, 2], activation="tanh", seed=6))
    _, script = to_torch(model, tmp_path / "a")
    net = _load_script(script).load()
    assert all(t.dtype == torch.float64 for t in net.state_dict().values())
    (tmp_path / "b").mkdir()
    save_file(net.state_dict(), str(tmp_path / "b" / "w.safetensors"))  # as a PyTorch user saves it
    back = load_torch_weights(tmp_path / "b" / "w.safetensors", activation="tanh")
    assert back.state_dict() == model.state_dict()
    assert json.dumps(back.config()) == json.dumps({**model.config(), "seed": 0})
