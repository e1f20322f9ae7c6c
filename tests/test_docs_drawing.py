"""docs/guide/drawing-and-explorer.md: every Python example on the page runs, in order, in a
fresh folder (the page's asserts check what it claims)."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "drawing-and-explorer.md"


def test_the_pages_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # and without Graphviz
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)  # noqa: S102 - the page's own examples
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "chaingrad-player" in (tmp_path / "neuron_backward.html").read_text(encoding="utf-8")
