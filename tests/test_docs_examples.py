"""The Python examples of the README, the site's home page and every user guide page run as
printed, each page's in order in one namespace, in an empty folder (a block that must not run
is written as ```text); the numbers the comments of the first pages claim are checked against
the formulas, computed here with ``math``, and the files a page says it writes are there."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", "docs/index.md"] + sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "docs" / "guide").glob("*.md")
)


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of ``page``, in order."""
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def run_examples(page: Path) -> dict[str, Any]:
    """Run every ```python block of ``page`` in one namespace; return it."""
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for block in python_blocks(page):
        exec(compile(block, str(page), "exec"), namespace)  # noqa: S102 - the page's own examples
    return namespace


@pytest.mark.parametrize("name", PAGES)
def test_the_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if name == "docs/guide/drawing.md" and shutil.which("dot") is None:
        pytest.skip("the page writes a PNG, which needs Graphviz's dot")
    monkeypatch.chdir(tmp_path)
    if name == "docs/guide/drawing-and-explorer.md":  # SVG drawings and the player need no Graphviz
        monkeypatch.setenv("PATH", str(tmp_path))
    namespace = run_examples(ROOT / name)
    if name in ("README.md", "docs/index.md"):  # the ten lines: the lecture's neuron
        y = 1 / (1 + math.exp(1.5))  # σ(wx + b) at w = 2, x = −1, b = 0.5
        assert namespace["L"].data == pytest.approx(0.5 * (y - 1) ** 2, rel=1e-12)
        assert namespace["w"].grad == pytest.approx((y - 1) * y * (1 - y) * -1.0, rel=1e-12)
        assert round(namespace["L"].data, 4) == 0.3342 and round(namespace["w"].grad, 4) == 0.1219
    if name == "docs/guide/engine.md":
        y = 1 / (1 + math.exp(-(0.8 * 1.5 - 0.2)))
        assert namespace["w"].grad == pytest.approx((y - 1) * y * (1 - y) * 1.5, rel=1e-12)
        assert namespace["h"] == pytest.approx(12.0)  # d²(x³)/dx² = 6x at x = 2
    if name == "README.md":
        assert namespace["history"].accuracy[-1] > 0.9
    if name == "docs/guide/drawing-and-explorer.md":  # the files the page says it writes
        assert len(python_blocks(ROOT / name)) >= 6
        assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").startswith("<?xml")
        assert "chaingrad-player" in (tmp_path / "neuron_backward.html").read_text(encoding="utf-8")
