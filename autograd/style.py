"""The look shared by every drawing (DOT, SVG, explorer, player): fonts and colours.

Colours name the kind of each Value (the legend of every drawing says which is which);
the gradient colour marks what the backward pass computed, the current colour the node a
step is processing.
"""

from __future__ import annotations

__all__ = [
    "BACKWARD_NOTE",
    "COLOURS",
    "CURRENT",
    "FONT",
    "GRAD_COLOUR",
    "LEGEND",
    "MUTED",
    "OP_BORDER",
    "OP_FILL",
    "kind_colours",
]

FONT = "Helvetica,Arial,sans-serif"
# kind -> (fill, border)
COLOURS = {
    "parameter": ("#fde9b8", "#b7791f"),
    "input": ("#dbeafe", "#2f6db5"),
    "constant": ("#f3f4f6", "#9ca3af"),
    "interior": ("#ffffff", "#4b5563"),
    "output": ("#dcfce7", "#15803d"),
}
OP_FILL, OP_BORDER = "#eef0f3", "#6b7280"
GRAD_COLOUR = "#c2410c"  # gradient text and edge labels
CURRENT = "#dc2626"  # the node a backward step is processing
MUTED = "#6b7280"
# the legend every drawing ends with: (kind, the word shown), then the note of a backward drawing
LEGEND = (
    ("parameter", "parameter"),
    ("input", "input"),
    ("constant", "constant"),
    ("interior", "intermediate"),
    ("output", "output"),
)
BACKWARD_NOTE = "#k backward step · edge: gradient"


def kind_colours(kind: str, is_root: bool) -> tuple[str, str]:
    """(fill, border) of a Value box: the root in the output colours, others by kind."""
    return COLOURS["output" if is_root else kind]
