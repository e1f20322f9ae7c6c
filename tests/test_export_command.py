"""``chaingrad export``: a run's model.json as ONNX and PyTorch-compatible weights, and its
errors in one line with the exit status of the command's error policy."""

from __future__ import annotations

import numpy as np
import pytest

from nn import MLP
from nn.cli import main
from nn.export import load_torch_weights


@pytest.fixture
def saved(tmp_path):
    model = MLP(2, [5, 3], activation="tanh", seed=4)
    for i, p in enumerate(model.parameters()):
        p.data += 0.01 * i
    model.save(tmp_path / "model.json")
    return model, tmp_path / "model.json"


def test_export_writes_onnx_and_torch(saved, tmp_path, capsys):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    model, path = saved
    status = main(["export", "--model", str(path), "--onnx", str(tmp_path / "m.onnx"), "--torch", str(tmp_path / "t")])
    assert status == 0
    out = capsys.readouterr().out
    assert "m.onnx" in out and "model.safetensors" in out and "model.py" in out
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    (y,) = ReferenceEvaluator(onnx.load(str(tmp_path / "m.onnx"))).run(None, {"x": X})
    np.testing.assert_allclose(y, [[v.data for v in model(list(x))] for x in X], rtol=0, atol=1e-12)
    assert load_torch_weights(tmp_path / "t" / "model.safetensors").state_dict() == model.state_dict()


def test_export_float32(saved, tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    _, path = saved
    assert main(["export", "--model", str(path), "--torch", str(tmp_path / "t"), "--dtype", "float32"]) == 0
    assert st.load((tmp_path / "t" / "model.safetensors").read_bytes())["0.weight"].dtype == np.float32


def test_export_needs_something_to_write(saved, capsys):
    _, path = saved
    assert main(["export", "--model", str(path)]) == 2
    assert "chaingrad export: error: say what to write: --onnx OUT.onnx, --torch DIR or both" in capsys.readouterr().err


def test_a_missing_model_file_is_one_line(tmp_path, capsys):
    status = main(["export", "--model", str(tmp_path / "nope.json"), "--onnx", str(tmp_path / "m.onnx")])
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("chaingrad export: error:") and "nope.json" in err and "Traceback" not in err
    assert not (tmp_path / "m.onnx").exists()


def test_a_missing_package_is_one_line(saved, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)
    _, path = saved
    assert main(["export", "--model", str(path), "--onnx", str(tmp_path / "m.onnx")]) == 1
    assert "pip install 'chaingrad[onnx]'" in capsys.readouterr().err


def test_a_bad_dtype_is_a_usage_error(saved, capsys):
    _, path = saved
    with pytest.raises(SystemExit) as e:
        main(["export", "--model", str(path), "--onnx", "x.onnx", "--dtype", "float16"])
    assert e.value.code == 2
    assert "invalid choice: 'float16'" in capsys.readouterr().err
