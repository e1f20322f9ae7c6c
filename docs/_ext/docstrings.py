"""Docstrings as the API reference shows them: every one shown, none breaks the build.

chaingrad's docstrings are reStructuredText (``literal`` markup, tables), read in the source
and in ``help()`` as much as on the site. They also write plain mathematics such as |x|, or a
starred name without literal markup, which reStructuredText reads as a substitution or the
start of an emphasis and fails on. So, before Sphinx parses a docstring: every ``|`` outside
``literal`` spans and table lines is escaped (``|x|`` shows as |x|); then the docstring is
parsed on its own, and if docutils still reports a problem it is shown as preformatted text,
exactly as written. The site's build treats warnings as errors; a docstring never trips it.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.core import publish_doctree

if TYPE_CHECKING:  # Sphinx is needed to build the site, not to use these functions
    from sphinx.application import Sphinx

LITERAL = re.compile(r"(``.+?``)")
TABLE_LINE = re.compile(r"^\s*(\|.*\|\s*$|\+[-=])")
QUIET = {"report_level": 5, "halt_level": 5, "file_insertion_enabled": False, "raw_enabled": False}


def escape_bars(line: str) -> str:
    """``line`` with every ``|`` outside ``literal`` spans escaped; a table line is left alone."""
    if TABLE_LINE.match(line):
        return line
    parts = LITERAL.split(line)
    return "".join(p if p.startswith("``") else p.replace("|", "\\|") for p in parts)


def problems(text: str) -> list[str]:
    """What docutils reports (warnings and worse) for ``text`` parsed as a document of its own."""
    try:
        tree = publish_doctree(text, settings_overrides={**QUIET, "warning_stream": io.StringIO()})
    except Exception:  # a Sphinx role or directive needs Sphinx's state: Sphinx itself will judge it
        return []
    return [m.astext() for m in tree.findall(nodes.system_message) if m["level"] >= 2]


def readable_lines(lines: list[str]) -> list[str]:
    """The docstring's lines made safe to parse (see the module's docstring)."""
    escaped = [escape_bars(line) for line in lines]
    if not problems("\n".join(escaped)):
        return escaped
    return ["::", ""] + [f"    {line}" if line.strip() else "" for line in lines] + [""]


def _on_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = readable_lines(lines)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("autodoc-process-docstring", _on_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
