"""Docstrings as the API reference shows them: plain mathematics kept as written.

chaingrad's docstrings are reStructuredText (``literal`` markup, tables), read in the source
and in ``help()`` as much as on the site; they also write plain mathematics such as |x| or
|yᵢ − ŷᵢ|, which reStructuredText would take for a substitution and fail on. Every ``|``
outside ``literal`` spans and table lines is escaped before the docstring is parsed, so it
shows as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Sphinx is needed to build the site, not to use these functions
    from sphinx.application import Sphinx


LITERAL = re.compile(r"(``.+?``)")
TABLE_LINE = re.compile(r"^\s*(\|.*\|\s*$|\+[-=])")


def escape_bars(line: str) -> str:
    """``line`` with every ``|`` outside ``literal`` spans escaped; a table line is left alone."""
    if TABLE_LINE.match(line):
        return line
    parts = LITERAL.split(line)
    return "".join(p if p.startswith("``") else p.replace("|", "\\|") for p in parts)


def _on_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = [escape_bars(line) for line in lines]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("autodoc-process-docstring", _on_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
