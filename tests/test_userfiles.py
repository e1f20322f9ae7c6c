"""Files from users (model files, CSVs): regular files only, a size limit, a bounded read,
and errors that name the file, through the Python API and the command line alike."""

import json
import os

import pytest

import nn
from nn.data import load_csv
from nn.userfiles import read_user_bytes, read_user_text

READERS = [
    pytest.param(lambda p: nn.load_model(p), id="load_model"),
    pytest.param(lambda p: nn.MLP(2, [1]).load(p), id="Module.load"),
    pytest.param(lambda p: load_csv(p), id="load_csv"),
]


@pytest.mark.parametrize("read", READERS)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, read):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"pipe\.json: .*must be a regular file, this is a FIFO"):
        read(fifo)


@pytest.mark.parametrize("read", READERS)
def test_a_symlink_to_dev_zero_is_refused_before_reading(tmp_path, read):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match=r"zero\.json: .*must be a regular file, this is a device"):
        read(link)


@pytest.mark.parametrize("read", READERS)
def test_a_folder_is_refused(tmp_path, read):
    (tmp_path / "d.json").mkdir()
    with pytest.raises(ValueError, match=r"d\.json: .*a folder|d\.json: cannot read"):
        read(tmp_path / "d.json")


@pytest.mark.parametrize("read", READERS)
def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, read):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:  # a sparse 1 GiB file: costs no disk and must cost no memory
        f.truncate(2**30)
    with pytest.raises(ValueError, match=r"big\.json: .*1,073,741,824 bytes, more than the limit of 67,108,864"):
        read(big)


def test_the_limit_is_a_parameter_and_counts_bytes(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes(b"x" * 10)
    assert read_user_bytes(p, "file", max_bytes=10) == b"x" * 10
    with pytest.raises(ValueError, match="10 bytes, more than the limit of 9"):
        read_user_bytes(p, "file", max_bytes=9)


def test_text_that_is_not_utf8_names_file_line_and_encoding(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("a,b\n1,2\n3,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ValueError) as e:
        read_user_text(p, "CSV file")
    msg = str(e.value)
    assert "latin.csv, line 3" in msg and "not utf-8" in msg and "0xe9" in msg
    assert read_user_text(p, "CSV file", encoding="latin-1").endswith("caf\u00e9\n")


def test_a_byte_order_mark_is_dropped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfhello")
    assert read_user_text(p, "file") == "hello"


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.json: no such model file"):
        read_user_text(tmp_path / "nope.json", "model file")


# -- model files: sizes and numbers checked before anything is built ---------------------


def _doc(config, parameters):
    return {"format": "chaingrad", "version": 1, "config": config, "parameters": parameters}


def _write(tmp_path, doc, name="m.json"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


@pytest.mark.parametrize(
    "config",
    [
        {"type": "MLP", "nin": 3_000_000, "nouts": [1], "activation": "relu", "output_activation": "linear"},
        {"type": "MLP", "nin": 2, "nouts": [100_000, 100_000], "activation": "relu", "output_activation": "linear"},
        {"type": "Layer", "nin": 3_000_000, "nout": 1, "activation": "relu"},
        {"type": "Neuron", "nin": 3_000_000, "activation": "relu"},
    ],
)
def test_a_config_larger_than_its_parameters_is_refused_before_building(tmp_path, config):
    small = nn.MLP(2, [1]).state_dict()  # 3 parameters
    p = _write(tmp_path, _doc(config, small))
    words = r"m\.json: the config describes a model of [\d,]+ parameters but the file holds 3"
    with pytest.raises(ValueError, match=words):
        nn.load_model(p)


@pytest.mark.parametrize(
    "nouts, words",
    [([0], "integer >= 1"), ("3", "non-empty list"), ([1.5], "integer >= 1"), ([True], "integer >= 1")],
)
def test_bad_sizes_in_a_config_are_clear_errors(tmp_path, nouts, words):
    config = dict(nn.MLP(2, [1]).config(), nouts=nouts)
    p = _write(tmp_path, _doc(config, nn.MLP(2, [1]).state_dict()))
    with pytest.raises(ValueError, match=words) as e:
        nn.load_model(p)
    assert "m.json" in str(e.value)


def _with_parameter(text):
    model = nn.MLP(2, [1])
    doc = _doc(model.config(), model.state_dict())
    return json.dumps(doc).replace(json.dumps(doc["parameters"]["layers.0.neurons.0.b"]), text, 1)


@pytest.mark.parametrize("digits", [401, 5001])
def test_a_parameter_with_hundreds_or_thousands_of_digits_names_the_file(tmp_path, digits):
    p = _write(tmp_path, _with_parameter("7" * digits))
    for read in (nn.load_model, nn.MLP(2, [1]).load):
        with pytest.raises(ValueError, match=rf"m\.json: an integer of {digits:,} digits"):
            read(p)


def test_load_state_dict_with_a_huge_int_is_a_clear_error():
    model = nn.MLP(1, [1])
    words = r"parameter layers\.0\.neurons\.0\.b must be a finite number, got an integer of 401 digits"
    with pytest.raises(ValueError, match=words):
        model.load_state_dict({"layers.0.neurons.0.w.0": 1.0, "layers.0.neurons.0.b": 10**400})


def test_deeply_nested_json_names_the_file(tmp_path):
    p = _write(tmp_path, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"m\.json: the JSON is nested too deeply"):
        nn.load_model(p)


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_a_version_that_is_not_the_integer_1_is_refused(tmp_path, version):
    model = nn.MLP(2, [1])
    doc = dict(_doc(model.config(), model.state_dict()), version=version)
    p = _write(tmp_path, doc)
    with pytest.raises(ValueError, match=rf"m\.json: model file version {version!r} is not supported"):
        nn.load_model(p)


def test_a_good_file_still_loads(tmp_path):
    model = nn.MLP(3, [4, 2], seed=3)
    model.save(tmp_path / "ok.json")
    assert nn.load_model(tmp_path / "ok.json").state_dict() == model.state_dict()
