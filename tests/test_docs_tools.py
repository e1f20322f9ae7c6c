"""The documentation site's own tools, without building the site: the check that no page
loads anything from the web, the walkthroughs' copy step, the benchmark tables' inclusion and
the docstrings' escaping. (`make docs-check` builds the site and runs docs/test_site.py on it.)"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


check_site = _load(DOCS / "check_site.py")
walkthroughs = _load(DOCS / "_ext" / "walkthroughs.py")
benchtables = _load(DOCS / "_ext" / "benchtables.py")


@pytest.fixture(scope="module")
def docstrings() -> ModuleType:
    pytest.importorskip("docutils", reason="docutils comes with the docs extra (Sphinx)")
    return _load(DOCS / "_ext" / "docstrings.py")


def test_web_scripts_styles_fonts_and_images_are_found() -> None:
    page = """<html><head>
    <script src="https://cdn.example.org/mathjax.js"></script>
    <script src="//cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="http://fonts.example.org/css">
    <link rel="preload" href="https://example.org/font.woff2" as="font">
    <style>@import "https://example.org/a.css"; body { background: url(https://example.org/b.png) }</style>
    </head><body><img src="https://example.org/c.png"><div style="background:url('http://example.org/d.png')"></div>
    </body></html>"""
    found = check_site.web_references_in_html(page)
    assert len(found) == 8
    for url in ("mathjax.js", "require.js", "fonts.example.org", "font.woff2", "a.css", "b.png", "c.png", "d.png"):
        assert any(url in f for f in found), url


def test_local_files_and_plain_links_are_not_web_references() -> None:
    page = """<html><head><script src="_static/furo.js"></script><script>var u = "https://x.org";</script>
    <link rel="stylesheet" href="_static/furo.css"><link rel="next" href="https://example.org/next">
    <style>body { background: url(data:image/png;base64,AAAA) }</style></head>
    <body><a href="https://github.com/">a link</a><img src="_images/graph.svg"></body></html>"""
    assert check_site.web_references_in_html(page) == []


def test_style_sheets_are_checked(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "ok.css").write_text("a { background: url(../img/x.png) }")
    (tmp_path / "_static" / "bad.css").write_text("@font-face { src: url('https://fonts.example.org/f.woff') }")
    assert check_site.web_references(tmp_path) == ["_static/bad.css: https://fonts.example.org/f.woff"]
    assert check_site.main([str(tmp_path)]) == 1
    (tmp_path / "_static" / "bad.css").unlink()
    assert check_site.main([str(tmp_path)]) == 0
    assert check_site.main([str(tmp_path / "missing")]) == 2


def test_walkthroughs_are_copied_with_links_into_the_site_rewritten(tmp_path: Path) -> None:
    notebooks, target = tmp_path / "notebooks", tmp_path / "docs" / "walkthroughs"
    notebooks.mkdir()
    (tmp_path / "docs").mkdir()
    cell = {"cell_type": "markdown", "metadata": {}, "source": "see the [lectures](../docs/lectures.md)"}
    (notebooks / "01_a.ipynb").write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    target.mkdir()
    (target / "00_gone.ipynb").write_text("{}")
    copies = walkthroughs.copy_walkthroughs(notebooks, target)
    assert [c.name for c in copies] == ["01_a.ipynb"]
    assert sorted(p.name for p in target.iterdir()) == ["01_a.ipynb"]  # the stale copy is removed
    source = json.loads(copies[0].read_text(encoding="utf-8"))["cells"][0]["source"]
    assert source == "see the [lectures](../lectures.md)"  # docs/walkthroughs/ -> docs/lectures.md


def test_bench_tables_are_included_in_name_order_or_a_note_says_how_to_make_them(tmp_path: Path) -> None:
    assert "make bench" in benchtables.tables_markdown(tmp_path)
    (tmp_path / "engine.md").write_text("| a |\n|---|\n| 1 |\n")
    (tmp_path / "demo_moons.md").write_text("| b |\n|---|\n| 2 |\n")
    text = benchtables.tables_markdown(tmp_path)
    assert text.index("_bench/demo_moons.md") < text.index("_bench/engine.md")
    assert "## Demo moons" in text and "## Engine" in text
    assert "make bench" not in text


def test_docstring_bars_are_escaped_outside_literals_and_tables(docstrings: ModuleType) -> None:
    assert docstrings.escape_bars("|x|; its derivative at 0 is 0") == "\\|x\\|; its derivative at 0 is 0"
    assert docstrings.escape_bars("norm ``a|b`` and |w|") == "norm ``a|b`` and \\|w\\|"
    assert docstrings.escape_bars("| cell | cell |") == "| cell | cell |"
    assert docstrings.escape_bars("+------+------+") == "+------+------+"


def test_a_docstring_that_is_not_valid_markup_is_shown_as_written(docstrings: ModuleType) -> None:
    lines = ["Node j on sample s: (g, out, *args).", "", "More text."]
    shown = docstrings.readable_lines(lines)
    assert shown[0] == "::" and shown[2:5] == ["    Node j on sample s: (g, out, *args).", "", "    More text."]
    assert docstrings.problems("\n".join(shown)) == []
    valid = ["The ``value`` and |x|.", "", "* a list", "* of items"]
    assert docstrings.readable_lines(valid) == ["The ``value`` and \\|x\\|.", "", "* a list", "* of items"]


ROOT = DOCS.parent
GENERATED = ("docs/_build", "docs/walkthroughs", "docs/api/generated")


def test_readme_stays_short_and_the_license_is_the_one_setup_cfg_names() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines: put the detail in a docs/guide page"
    assert "license = MIT" in (ROOT / "setup.cfg").read_text(encoding="utf-8")
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "the chaingrad authors" in license_text


def test_the_lectures_are_cited_through_the_lectures_page_not_the_course_files() -> None:
    course_files = "../" + "shared"  # written in two pieces so this file does not match itself
    offenders = []
    for folder in ("autograd", "nn", "notebooks", "docs", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix not in {".py", ".md", ".ipynb", ".js", ".cfg"} or relative.startswith(GENERATED):
                continue
            if course_files in path.read_text(encoding="utf-8", errors="replace"):
                offenders.append(relative)
    assert offenders == [], f"cite the lectures by docs/lectures.md, not {course_files}: {offenders}"
    assert (ROOT / "docs" / "lectures.md").is_file()
