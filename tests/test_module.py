"""Module: parameters, zero_grad, state dicts, and JSON checkpoints that are checked on load."""

import json
import os

import pytest

import nn
from autograd import Value
from nn import MLP, Layer, Neuron


def _trained(model: nn.Module) -> nn.Module:
    """Move every parameter off its initial value, so a load is visible."""
    for i, p in enumerate(model.parameters()):
        p.data = 0.01 * i - 0.3
    return model


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1])
    model([1.0, -1.0])[0].backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip():
    a, b = _trained(MLP(2, [3, 2])), MLP(2, [3, 2], seed=9)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert list(a.state_dict()) == [n for n, _ in a.named_parameters()]


def test_load_state_dict_checks_names_and_values_first():
    model = MLP(2, [3, 1])
    before = model.state_dict()
    bad = dict(before)
    del bad["layers.1.neurons.0.b"]
    bad["layers.9.neurons.0.b"] = 1.0
    with pytest.raises(ValueError, match=r"missing: layers\.1\.neurons\.0\.b.*unexpected: layers\.9"):
        model.load_state_dict(bad)
    nan = dict(before, **{"layers.0.neurons.0.w.0": float("nan")})
    with pytest.raises(ValueError, match="finite number"):
        model.load_state_dict(nan)
    text = dict(before, **{"layers.1.neurons.0.b": "1.0"})
    with pytest.raises(ValueError, match="layers.1.neurons.0.b"):
        model.load_state_dict(text)
    assert model.state_dict() == before


def test_load_state_dict_takes_numpy_numbers():
    import numpy as np

    model = MLP(2, [3, 1])
    state = {name: np.float32(0.5) for name in model.state_dict()}
    model.load_state_dict(state)
    assert all(v == 0.5 and type(v) is float for v in model.state_dict().values())


def test_build_names_an_unknown_module_type():
    with pytest.raises(ValueError, match=r"unknown module type \['MLP'\]"):
        nn.build({"type": ["MLP"]})


def test_config_rebuilds_the_model():
    model = MLP(3, [5, 2], activation="tanh", output_activation="sigmoid", seed=7)
    again = nn.build(model.config())
    assert repr(again) == repr(model)
    assert again.state_dict() == model.state_dict()  # same seed, same initial weights


def test_save_and_load_round_trip(tmp_path):
    model = _trained(MLP(2, [4, 3], activation="tanh", seed=1))
    path = model.save(tmp_path / "model.json")
    doc = json.loads(path.read_text())
    assert doc["format"] == "chaingrad" and doc["version"] == 1
    assert doc["config"] == model.config()
    assert doc["parameters"]["layers.0.neurons.3.w.1"] == model.state_dict()["layers.0.neurons.3.w.1"]

    fresh = MLP(2, [4, 3], activation="tanh", seed=2)
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()  # floats survive JSON exactly

    rebuilt = nn.load_model(path)
    assert isinstance(rebuilt, MLP)
    assert rebuilt.config() == model.config()
    assert rebuilt.state_dict() == model.state_dict()
    assert [v.data for v in rebuilt([0.3, -0.7])] == [v.data for v in model([0.3, -0.7])]


@pytest.mark.parametrize("module", [Neuron(3, "relu", binary=True), Layer(2, 3, "sigmoid")])
def test_neurons_and_layers_save_too(tmp_path, module):
    _trained(module)
    module.save(tmp_path / "m.json")
    again = nn.load_model(tmp_path / "m.json")
    assert type(again) is type(module)
    assert again.config() == module.config()
    assert again.state_dict() == module.state_dict()


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path):
    model = MLP(2, [3, 1])
    path = tmp_path / "m.json"
    path.write_text("old contents")
    model.save(path)
    assert json.loads(path.read_text())["format"] == "chaingrad"
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_refuses_a_diverged_model_and_keeps_the_old_file(tmp_path):
    model = MLP(2, [3, 1])
    path = model.save(tmp_path / "m.json")
    before = path.read_text()
    model.layers[0].neurons[1].b.data = float("inf")
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.1\.b is inf"):
        model.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["m.json"]


def _good_doc(model: nn.Module) -> dict:
    return {"format": "chaingrad", "version": 1, "config": model.config(), "parameters": model.state_dict()}


def _corrupt_cases(model: nn.Module):
    good = json.dumps(_good_doc(_trained(MLP(2, [3, 2], seed=0))))
    doc = _good_doc(model)
    wrong_shape = dict(doc, config=dict(doc["config"], nouts=[4, 2]))
    few = dict(doc, parameters={k: v for k, v in list(doc["parameters"].items())[:-1]})
    many = dict(doc, parameters=dict(doc["parameters"], **{"layers.2.neurons.0.b": 0.0}))
    return [
        ("truncated", good[: len(good) // 2], "not valid JSON"),
        ("empty", "", "not valid JSON"),
        ("garbage", "\x00\x01 not json", "not valid JSON"),
        ("not ours", json.dumps({"weights": [1, 2]}), "not a chaingrad model file"),
        ("a list", "[1, 2, 3]", "not a chaingrad model file"),
        ("version 2", json.dumps(dict(doc, version=2)), "version 2 is not supported"),
        ("no version", json.dumps({k: v for k, v in doc.items() if k != "version"}), "version None"),
        ("wrong config", json.dumps(wrong_shape), "different model"),
        ("activation", json.dumps(dict(doc, config=dict(doc["config"], activation="tanh"))), "different model"),
        ("missing weight", json.dumps(few), "missing: layers.1.neurons.1.b"),
        ("extra weight", json.dumps(many), "unexpected: layers.2.neurons.0.b"),
        (
            "string weight",
            json.dumps(dict(doc, parameters=dict(doc["parameters"], **{"layers.0.neurons.0.w.0": "x"}))),
            "finite number",
        ),
        ("null params", json.dumps(dict(doc, parameters=None)), 'no "parameters"'),
    ]


CASES = [c[0] for c in _corrupt_cases(MLP(2, [3, 2]))]


@pytest.mark.parametrize("case", CASES)
def test_each_corrupt_file_is_a_clear_error_and_changes_nothing(tmp_path, case):
    model = MLP(2, [3, 2], seed=4)
    name, text, message = next(c for c in _corrupt_cases(model) if c[0] == case)
    path = tmp_path / f"{name.replace(' ', '_')}.json"
    path.write_text(text)
    before = model.state_dict()
    with pytest.raises(ValueError) as err:
        model.load(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert model.state_dict() == before
    if name != "activation":  # that file is a fine tanh model, only not this one
        with pytest.raises(ValueError):
            nn.load_model(path)


def test_missing_file_names_the_path(tmp_path):
    model = MLP(2, [3, 1])
    before = model.state_dict()
    with pytest.raises(FileNotFoundError, match="nope.json"):
        model.load(tmp_path / "nope.json")
    with pytest.raises(FileNotFoundError, match="nope.json"):
        nn.load_model(tmp_path / "nope.json")
    assert model.state_dict() == before


def test_load_accepts_a_file_from_another_seed(tmp_path):
    # the seed only picks the starting weights, which the file replaces
    a = _trained(MLP(2, [3, 1], seed=1))
    a.save(tmp_path / "a.json")
    b = MLP(2, [3, 1], seed=2)
    b.load(tmp_path / "a.json")
    assert b.state_dict() == a.state_dict()


def test_load_does_not_replace_parameter_objects(tmp_path):
    # an optimizer holding the parameters keeps working after a load
    model = _trained(MLP(2, [2, 1]))
    model.save(tmp_path / "m.json")
    params = model.parameters()
    other = MLP(2, [2, 1])
    other.load(tmp_path / "m.json")
    other_params = other.parameters()
    other.load_state_dict(model.state_dict())
    assert all(p is q for p, q in zip(other_params, other.parameters()))
    assert all(isinstance(p, Value) for p in params)
