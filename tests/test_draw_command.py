"""The ``chaingrad draw`` subcommand, run in-process through ``nn.cli.main``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nn.cli import main

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
LECTURE = "z = w*x + b; y = 1/(1 + exp(-z)); L = (y - t)**2 / 2"
SETS = ["--set", "w=2", "--set", "x=-1", "--set", "b=0.5", "--set", "t=1"]


def draw(argv: list[str]) -> int:
    return main(["draw", *argv])


def test_writes_dot_text_with_labels_and_prints_the_result(tmp_path, capsys):
    out = tmp_path / "g.dot"
    assert draw([LECTURE, *SETS, "--auto-label", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph")
    for name in ("w", "x", "b", "t", "z", "y", "L", "t1", "t3", "t4", "t5"):
        assert f"<b>{name}</b>" in text
    printed = capsys.readouterr().out
    assert "L = 0.3342" in printed  # ½(σ(−1.5) − 1)² = 0.33421
    assert "9 operations" in printed


def test_backward_prints_and_draws_the_gradients(tmp_path, capsys):
    out = tmp_path / "g.gv"
    assert draw([LECTURE, *SETS, "--backward", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # by hand: dL/dw = (y − t)·y(1 − y)·x with y = σ(−1.5) = 0.18243: 0.12194
    assert "dL/dw = 0.1219" in printed and "dL/dx = −0.2439" in printed and "dL/dt = 0.8176" in printed
    text = out.read_text(encoding="utf-8")
    assert "backward pass: 9 steps" in text and ">#9<" in text


def test_params_option_classifies_leaves(tmp_path):
    plain, chosen = tmp_path / "a.dot", tmp_path / "b.dot"
    assert draw(["w*x + b", "--set", "w=1", "--set", "x=2", "--set", "b=3", "--out", str(plain)]) == 0
    assert draw(["w*x + b", "--set", "w=1", "--set", "x=2", "--set", "b=3", "--params", "x", "--out", str(chosen)]) == 0

    def fill(path, name):
        line = next(ln for ln in path.read_text(encoding="utf-8").splitlines() if f"<b>{name}</b>" in ln)
        return re.search(r'fillcolor="([^"]+)"', line).group(1)

    assert fill(plain, "w") == fill(plain, "b") != fill(plain, "x")  # by the label rule
    assert fill(chosen, "x") == fill(plain, "w")  # x is now the parameter
    assert fill(chosen, "w") == fill(chosen, "b") == fill(plain, "x")  # the others inputs


@pytest.mark.parametrize(
    "suffix, signature", [(".svg", b"<?xml"), pytest.param(".png", b"\x89PNG\r\n\x1a\n", marks=needs_dot)]
)
def test_svg_and_png_follow_the_extension(tmp_path, suffix, signature):
    out = tmp_path / f"graph{suffix}"
    assert draw([LECTURE, *SETS, "--backward", "--auto-label", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(signature)


def test_frames_one_svg_per_backward_step(tmp_path, capsys):
    frames = tmp_path / "frames"
    assert draw([LECTURE, *SETS, "--frames", str(frames), "--out", str(tmp_path / "g.svg")]) == 0
    files = sorted(p.name for p in frames.iterdir())
    assert files == [f"step_{k:03d}.svg" for k in range(1, 10)]
    assert "wrote 9 frames" in capsys.readouterr().out


def test_missing_dot_is_an_error_with_the_install_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert draw(["w*x", "--set", "w=1", "--set", "x=2", "--out", str(tmp_path / "g.svg")]) == 0  # SVG needs no dot
    assert "<svg" in (tmp_path / "g.svg").read_text()
    out = tmp_path / "g.png"
    assert draw(["w*x", "--set", "w=1", "--set", "x=2", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Install Graphviz" in err and "apt-get install graphviz" in err
    assert not out.exists()
    assert draw(["w*x", "--set", "w=1", "--set", "x=2", "--out", str(tmp_path / "g.dot")]) == 0  # DOT needs no dot


@pytest.mark.parametrize(
    "formula, message",
    [
        ("x.real", "attribute access"),
        ("x[0]", "subscript"),
        ("(lambda: x)()", "lambda"),
        ("import os", "import statement"),
        ("__import__('os')", "dunder name"),
        ("__import__('os').system('true')", "attribute access"),
        ("x < 1", "comparison"),
        ("log(x, base=2)", "keyword argument base="),
        ("open('/etc/passwd')", "function 'open' is not allowed"),
        ("x ** 1000", "exponent 1000"),
        ("x" + " + x" * 600, "characters long"),
        ("+".join(["x"] * 300), "the limit is 400"),
        ("x + q + r", "names have no value: q, r"),
        ("log(-x)", "cannot evaluate"),
    ],
)
def test_rejected_formulas_exit_2_naming_what_was_rejected(tmp_path, capsys, formula, message):
    out = tmp_path / "g.dot"
    assert draw([formula, "--set", "x=1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: chaingrad draw ") and "\nchaingrad draw: error: " in err and message in err
    assert not out.exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--set", "w"], "expected NAME=NUMBER"),
        (["--set", "w=two"], "'two' is not a number"),
        (["--set", "w=inf"], "finite"),
        (["--set", "2w=1"], "not a valid name"),
        (["--set", "w=1", "--set", "w=2"], "given twice"),
        (["--set", "w=1", "--params", "v"], "--params names values not given with --set: v"),
        (["--set", "w=1", "--out", "g.jpeg"], "the extension must be one of"),
    ],
)
def test_bad_options_exit_2(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    argv = [*argv] if "--out" in argv else [*argv, "--out", "g.dot"]
    assert draw(["w * 2", *argv]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--max-frames", "--max-nodes"])
def test_max_frames_and_max_nodes_are_checked_by_argparse(tmp_path, monkeypatch, capsys, option):
    monkeypatch.chdir(tmp_path)
    for text, message in (("0", "'0' must be at least 1"), ("two", "'two' is not a whole number")):
        with pytest.raises(SystemExit) as stop:
            draw(["w * 2", "--set", "w=1", option, text, "--out", "g.dot"])
        assert stop.value.code == 2
        assert f"error: argument {option}: {message}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_name_set_with_the_micro_sign_is_the_greek_mu_of_the_formula(tmp_path, capsys):
    # µ (U+00B5, the micro sign many keyboards type) is read by the parser as μ (U+03BC)
    out = tmp_path / "g.dot"
    argv = ["\u00b5 * x", "--set", "\u00b5=3", "--set", "x=0.5", "--params", "\u00b5", "--backward"]
    assert draw([*argv, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "not used" not in captured.err
    assert "dresult/d\u03bc = 0.5" in captured.out and "dresult/dx = 3" in captured.out
    assert draw(["\u00b5", "--set", "\u00b5=1", "--set", "\u03bc=2", "--out", str(out)]) == 2
    assert "given twice" in capsys.readouterr().err


def test_unused_names_are_noted(tmp_path, capsys):
    assert draw(["w * 2", "--set", "w=1", "--set", "x=3", "--out", str(tmp_path / "g.dot")]) == 0
    assert "note: x is set but not used" in capsys.readouterr().err


def test_through_the_chaingrad_command(tmp_path, capsys):
    out = tmp_path / "g.dot"
    assert main(["draw", "sigmoid(w*x + b)", "--set", "w=2", "--set", "x=-1", "--set", "b=0.5", "--out", str(out)]) == 0
    assert "<b>w</b>" in out.read_text(encoding="utf-8")
    assert "= 0.1824" in capsys.readouterr().out  # σ(−1.5)
    assert main(["draw", "x.__class__", "--set", "x=1", "--out", str(out)]) == 2
    assert "attribute access" in capsys.readouterr().err


def test_html_writes_the_player_and_nothing_else(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert draw([LECTURE, *SETS, "--html", "player.html"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["player.html"]  # no graph.svg unless --out is given
    html = (tmp_path / "player.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Step 0 of 9" in html and "chaingrad-player" in html
    assert "step through 9 backward steps" in capsys.readouterr().out
    assert draw([LECTURE, *SETS, "--html", "player.txt"]) == 2
    assert "ending in .html" in capsys.readouterr().err


def test_a_fresh_process_without_graphviz_draws_svg_and_the_player(tmp_path):
    """A pip-only user: PATH holds only the environment's own programs, no `dot`."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    assert shutil.which("dot", path=env["PATH"]) is None
    argv = [sys.executable, "-m", "nn", "draw", LECTURE, *SETS, "--backward", "--out", "g.svg", "--html", "p.html"]
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "g.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "<svg" in (tmp_path / "p.html").read_text(encoding="utf-8")
    png = subprocess.run([*argv[:-4], "--out", "g.png"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert png.returncode == 1 and "Install Graphviz" in png.stderr and not (tmp_path / "g.png").exists()


def test_one_operation_is_counted_in_the_singular(tmp_path, capsys):
    args = ["x*x", "--set", "x=2", "--out", str(tmp_path / "g.svg"), "--html", str(tmp_path / "p.html")]
    assert main(["draw", *args, "--frames", str(tmp_path / "f")]) == 0
    text = capsys.readouterr().out
    assert "(1 operation)" in text and "step through 1 backward step in" in text and "wrote 1 frame to" in text
