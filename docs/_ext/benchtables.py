"""Put the tables that ``make bench`` wrote (docs/_bench/*.md) into the benchmarks page.

The page holds the line ``BENCH_TABLES_HERE``; when the page is read, that line becomes one
section per table file, in name order, each included from its file, so no figure is ever
typed by hand. Without any table file it becomes a note saying how to make them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Sphinx is needed to build the site, not to use these functions
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


MARKER = "BENCH_TABLES_HERE"
PAGE = "benchmarks"
NO_TABLES = (
    "```{note}\nNo benchmark tables yet: `make bench` measures the benchmarks and writes their "
    "tables into `docs/_bench/`; build the site again to see them here.\n```\n"
)


def tables_markdown(bench_dir: Path) -> str:
    """The Markdown that includes every table of ``bench_dir``, or the note that there is none."""
    files = sorted(bench_dir.glob("*.md"))
    files = [f for f in files if f.name != "README.md"]
    if not files:
        return NO_TABLES
    parts = []
    for f in files:
        title = f.stem.replace("_", " ").replace("-", " ")
        parts.append(f"## {title[:1].upper()}{title[1:]}\n\n```{{include}} _bench/{f.name}\n```\n")
    return "\n".join(parts)


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == PAGE and MARKER in source[0]:
        source[0] = source[0].replace(MARKER, tables_markdown(Path(app.srcdir) / "_bench"))


def _always_reread(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    return [PAGE] if PAGE in env.found_docs else []


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("source-read", _on_source_read)
    app.connect("env-get-outdated", _always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
