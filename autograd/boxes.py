"""Boxes on a drawing's page, (x0, y0, x1, y1) in px: whether two overlap, and the boxes
taken so far, filed by where they are, for placing a drawing's gradient labels where they
cover nothing (``autograd.svg``)."""

from __future__ import annotations

Box = tuple[float, float, float, float]


def pad(box: Box, p: float) -> Box:
    """``box`` grown by ``p`` on every side."""
    return (box[0] - p, box[1] - p, box[2] + p, box[3] + p)


def overlap(a: Box, b: Box) -> bool:
    """Whether a and b share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Boxes:
    """The boxes taken so far, filed under each square of a grid they touch, so a new box
    is tested against the boxes near it only. Tested against all of them, placing the labels
    of a 1,000-Value drawing took seconds: every label tries up to 14 spots."""

    CELL = 64.0  # px: a few labels wide

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        c = self.CELL
        xs = range(int(box[0] // c), int(box[2] // c) + 1)
        ys = range(int(box[1] // c), int(box[3] // c) + 1)
        return [(gx, gy) for gx in xs for gy in ys]

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def free(self, box: Box) -> bool:
        """Whether ``box`` overlaps none of the boxes taken."""
        cells = self.cells
        return not any(overlap(box, other) for cell in self._cells(box) for other in cells.get(cell, ()))
