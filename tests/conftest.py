"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autograd import PRIMITIVES, Primitive


@pytest.fixture(autouse=True)
def primitive_table() -> Iterator[dict[str, Primitive]]:
    """The primitive table, put back as the test found it when the test ends (every test: the
    examples of the docs and of the tests define rows too): the rows the test defined
    (``autograd.primitive``) leave it and the rows it replaced come back, so no test sees another's
    rows (a name already taken, an extra row where the table is read whole)."""
    saved = dict(PRIMITIVES)
    yield PRIMITIVES
    PRIMITIVES.clear()
    PRIMITIVES.update(saved)
