"""Render the site's math as MathML at build time, so pages need no JavaScript and no network.

Browsers draw MathML themselves (Chromium since version 109, Firefox, Safari); a math renderer
that loads MathJax or KaTeX would need a CDN or a bundled copy of a script. ``latex2mathml``
turns each formula's LaTeX into a ``<math>`` element when the page is written. A formula it
cannot convert is a build warning naming it (the docs build treats warnings as errors), and the
page shows the LaTeX source in its place.
"""

from __future__ import annotations

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)


def to_mathml(latex: str, display: str, node: nodes.Element) -> str:
    """The MathML of ``latex`` (``display`` is "inline" or "block"); the escaped source if it fails."""
    try:
        return convert(latex.strip(), display=display)
    except Exception as error:  # latex2mathml raises several types for bad input
        logger.warning("cannot render the formula %r as MathML: %s", latex, error, location=node)
        escaped = latex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<code>{escaped}</code>"


def visit_math(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(f'<span class="math">{to_mathml(node.astext(), "inline", node)}</span>')
    raise nodes.SkipNode


def visit_math_block(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node.get("number"):
        number = f"({node['number']})"
        self.body.append(f'<span class="eqno">{number}</span>')
    self.body.append(to_mathml(node.astext(), "block", node))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
