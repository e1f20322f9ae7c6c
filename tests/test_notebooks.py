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
    "07_write_your_own_primitive.ipynb",
    "08_from_chaingrad_to_pytorch.ipynb",
]
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
ALLOWED_CELL_METADATA = {"tags"}


def _read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def test_the_walkthroughs_are_there() -> None:
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


# ---------------------------------------------------------------------------------------
# Walkthrough 7's exercises: as shipped every check says "not solved yet"; with the
# solutions (notebooks/solutions/07_solutions.py) in place of the exercises, every check passes
# ---------------------------------------------------------------------------------------

EXERCISES = NOTEBOOKS_DIR / "07_write_your_own_primitive.ipynb"
SOLUTIONS = NOTEBOOKS_DIR / "solutions" / "07_solutions.py"


def _solutions() -> dict[str, str]:
    """The solution blocks by title: "# %% Exercise 1: softplus" answers the cell that starts
    "# Exercise 1: softplus"."""
    blocks: dict[str, str] = {}
    for part in SOLUTIONS.read_text(encoding="utf-8").split("\n# %% ")[1:]:
        title, _, body = part.partition("\n")
        blocks[title.strip()] = body.strip() + "\n"
    return blocks


def _tagged(nb: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def _title(cell: nbformat.NotebookNode) -> str:
    return cell.source.splitlines()[0].removeprefix("# ").strip()


def test_every_exercise_has_a_check_and_a_solution() -> None:
    nb = _read(EXERCISES)
    exercises = _tagged(nb, "exercise")
    assert len(exercises) == len(_tagged(nb, "check")) == 9
    assert all("..." in c.source for c in exercises)
    assert [_title(c) for c in exercises] == list(_solutions())


@pytest.mark.parametrize("solved", [False, True], ids=["as-shipped", "solved"])
def test_walkthrough_7_checks(solved: bool, tmp_path: Path) -> None:
    nb = _read(EXERCISES)
    if solved:
        solutions = _solutions()
        for cell in _tagged(nb, "exercise"):
            cell.source = f"# {_title(cell)}\n" + solutions[_title(cell)]
    NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in _tagged(nb, "check"):
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        if solved:
            assert text.startswith("✓"), text
        else:
            assert "not solved yet" in text, text
