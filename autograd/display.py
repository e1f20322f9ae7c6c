"""How Jupyter shows a Value: as the drawing of its graph.

The node (``autograd.value``) knows nothing of drawing, so that the engine's core stays
below the drawing layer. Instead, ``import autograd`` tells IPython's display machinery,
when it is running (Jupyter, IPython), to show a Value through ``autograd.viz``, which is
imported on the first display only.
"""

from __future__ import annotations

import sys
from typing import Any


def mimebundle(value: Any) -> dict[str, Any]:
    """What Jupyter shows for a Value: the SVG drawing of its graph, and its repr."""
    from .viz import mimebundle as drawing

    return drawing(value)


def register(formatter: Any = None) -> bool:
    """Show Values as drawings in ``formatter`` (an IPython ``DisplayFormatter``; by default
    the running shell's). Returns False, doing nothing, outside IPython."""
    if formatter is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return False
        formatter = shell.display_formatter
    formatter.mimebundle_formatter.for_type_by_name("autograd.value", "Value", mimebundle)
    return True
