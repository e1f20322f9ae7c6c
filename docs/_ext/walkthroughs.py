"""Bring the walkthroughs (../notebooks/*.ipynb) into the site before Sphinx looks for pages.

Sphinx only reads pages under docs/, so each notebook is copied to docs/walkthroughs/ (a
git-ignored folder) when the build starts. A link written in a notebook as ``../docs/PAGE.md``
(right when the notebook is read where it is committed) is rewritten to ``../PAGE.md``, which is
the same page seen from docs/walkthroughs/. Copies whose notebook is gone are removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Sphinx is needed to build the site, not to use these functions
    from sphinx.application import Sphinx
    from sphinx.config import Config


LINK_FROM_NOTEBOOKS = "](../docs/"
LINK_FROM_SITE = "](../"


def site_text(notebook_text: str) -> str:
    """The notebook's JSON text with its links into docs/ made relative to docs/walkthroughs/."""
    return notebook_text.replace(LINK_FROM_NOTEBOOKS, LINK_FROM_SITE)


def copy_walkthroughs(notebooks: Path, target: Path) -> list[Path]:
    """Copy every ``notebooks/*.ipynb`` into ``target`` (only when changed); return the copies."""
    target.mkdir(exist_ok=True)
    copies = []
    for source in sorted(notebooks.glob("*.ipynb")):
        copy = target / source.name
        text = site_text(source.read_text(encoding="utf-8"))
        if not copy.exists() or copy.read_text(encoding="utf-8") != text:
            copy.write_text(text, encoding="utf-8")
        copies.append(copy)
    for stale in target.glob("*.ipynb"):
        if stale not in copies:
            stale.unlink()
    return copies


def _on_config_inited(app: Sphinx, config: Config) -> None:
    docs = Path(app.srcdir)
    copy_walkthroughs(docs.parent / "notebooks", docs / "walkthroughs")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
