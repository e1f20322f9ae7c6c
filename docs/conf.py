"""Sphinx configuration of chaingrad's documentation site (`make docs` builds it into docs/_build/html).

The site opens from disk with no network: no CDN is referenced (math is rendered to MathML at
build time by ``_ext/mathml.py``, the theme ships its own files, widgets' CDN scripts are
switched off), and ``check_site.py`` fails the build's check if any page references an
http(s) script, style sheet or font. The walkthroughs in ../notebooks are copied into
``walkthroughs/`` and executed at build time, so the site shows every output while the
committed notebooks stay without outputs.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

project = "chaingrad"
author = "the chaingrad authors"
copyright = "the chaingrad authors"  # noqa: A001 (Sphinx's name for it)

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "mathml",
    "walkthroughs",
    "benchtables",
    "docstrings",
]

# -- pages -------------------------------------------------------------------------------------
exclude_patterns = ["_build", "README.md", "_bench", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links to headings down to ###
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- walkthroughs: executed at build time, in an empty folder, errors fail the build ------------
# CHAINGRAD_DOCS_EXECUTE=off builds without running the notebooks (a quick look at the pages only)
nb_execution_mode = os.environ.get("CHAINGRAD_DOCS_EXECUTE", "force")
if nb_execution_mode == "off":  # unexecuted text notebooks carry no language for their code
    suppress_warnings.append("myst-nb.lexer")
nb_execution_in_temp = True
nb_execution_timeout = 1800  # a build limit, not a test: a stuck kernel ends the build
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_ipywidgets_js: dict[str, dict[str, str]] = {}  # no widget scripts from a CDN
# a page has no kernel to run a widget: show the HTML an output carries beside it instead (the
# explorer's is the step-through player, self-contained)
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_merge_streams = True

# -- API reference -----------------------------------------------------------------------------
autosummary_generate = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

# -- HTML --------------------------------------------------------------------------------------
html_theme = "furo"
html_title = "chaingrad"
html_math_renderer = "mathml"
html_static_path = ["_static"]
html_css_files = ["chaingrad.css"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None


def _version() -> str:
    text = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    found = re.search(r"^version\s*=\s*(\S+)", text, re.M)
    return found.group(1) if found else "0"


version = release = _version()
templates_path = ["_templates"]
