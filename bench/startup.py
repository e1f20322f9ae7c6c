"""Start-up benchmark: how long a user waits for ``import autograd`` and for a whole
``chaingrad train --data digits --compiled`` run, against a bare interpreter started in the
same run (``python -c pass``).

Each command runs in a fresh process, the contenders taking turns; the table shows the
median wall-clock time of ``--runs`` runs (what the user waits for, start-up included) and
its ratio to the bare interpreter's, measured in the same run (so a busy or slow machine
shows in the reference too). The training run writes its run folder into a temporary
directory.

Run: ``make bench`` or ``.venv/bin/python bench/startup.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tables

TARGETS = {"import autograd": 0.1, "chaingrad train --data digits --compiled": 1.2}


def commands(out: Path) -> dict[str, list[str]]:
    py = sys.executable
    chaingrad = [py, "-m", "nn"]
    return {
        "python -c pass": [py, "-c", "pass"],
        "import autograd": [py, "-c", "import autograd"],
        "import nn": [py, "-c", "import nn"],
        "chaingrad train --data digits --compiled": [
            *chaingrad, "train", "--data", "digits", "--compiled", "--no-progress", "--out", str(out / "run"),
        ],  # fmt: skip
    }


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median shown)")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write docs/_bench")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(Path(tmp))
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(wall(cmd))
    med = {name: statistics.median(t) for name, t in times.items()}
    bare = med["python -c pass"]
    rows = []
    for name, t in med.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≤ {target:g} s: {'met' if t <= target else 'not met'}"
        rows.append([f"`{name}`", f"{t:.3f}", f"{t / bare:.1f}", verdict])
    table = tables.markdown(["command", "seconds", "× `python -c pass`", "target"], rows, right={1, 2})
    what = f"Wall-clock time of a fresh process, median of {args.runs} runs, the commands taking turns"
    if args.no_write:
        print(table)
    else:
        tables.write("startup", "make bench", what, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
