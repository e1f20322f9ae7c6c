"""The walkthroughs in notebooks/: committed clean, and each one runs top to bottom.

Policy: notebooks are committed WITHOUT outputs (no outputs, no execution counts, no
per-cell or editor metadata), so diffs show only what a person wrote and no stale number
can survive a change of the library. The suite executes every notebook on a fresh
"python3" kernel (the virtual environment's ipykernel) in a temporary folder; the
notebooks' own ``assert`` cells check the lectures' numbers, so a wrong number or a
broken API fails here. No time limit is set on execution.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_derivatives_three_ways.ipynb",
    "02_smallest_perceptron.ipynb",
    "03_linear_classifiers_and_losses.ipynb",
    "04_optimization.ipynb",
    "05_backprop_through_an_mlp.ipynb",
    "06_training_an_mlp_on_moons.ipynb",
]
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
ALLOWED_CELL_METADATA = {"tags"}


def _read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def test_the_six_walkthroughs_are_there() -> None:
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = _read(path)
    dirty = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if cell.outputs:
                dirty.append(f"cell {i} has {len(cell.outputs)} output(s)")
            if cell.execution_count is not None:
                dirty.append(f"cell {i} has execution_count {cell.execution_count}")
        extra = set(cell.metadata) - ALLOWED_CELL_METADATA
        if extra:
            dirty.append(f"cell {i} has metadata {sorted(extra)}")
    extra = set(nb.metadata) - ALLOWED_NOTEBOOK_METADATA
    if extra:
        dirty.append(f"notebook metadata {sorted(extra)}")
    assert not dirty, (
        f"{path.name} must be committed clean ({'; '.join(dirty)}): in Jupyter, Edit → Clear Outputs of All Cells "
        f"and save, or run `jupyter nbconvert --clear-output --inplace notebooks/{path.name}`"
    )
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    nb = _read(path)
    client = NotebookClient(
        nb,
        timeout=None,  # never a time limit in a test
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # run in an empty folder
        allow_errors=False,  # the first failing cell (an assert, an exception) fails the test
    )
    client.execute()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells, f"{path.name} has no code"
    assert all(c.execution_count is not None for c in code_cells)
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert list(tmp_path.iterdir()) == [], "a notebook left files in its working folder"
