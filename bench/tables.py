"""Writing a benchmark's results as the Markdown table the documentation includes
(``docs/_bench/<name>.md``), with a caption line that says the command and the machine."""

from __future__ import annotations

import os
import platform
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "_bench"


def machine() -> str:
    """The CPU model, the cores Python may use, the Python version: what the figures depend on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}, {cores} cores, {platform.system()}, Python {platform.python_version()}"


def markdown(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A Markdown table; columns whose index is in ``right`` are right-aligned (numbers)."""
    right = set(range(1, len(header))) if right is None else right
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(r) + " |" for r in (header, rule, *rows)]
    return "\n".join(lines)


def write(name: str, command: str, what: str, table: str, notes: str = "") -> Path:
    """Print the table and write it, captioned, to docs/_bench/<name>.md."""
    caption = f"*{what}. Measured with `{command}` on {machine()}.*"
    text = f"{caption}\n\n{table}\n" + (f"\n{notes}\n" if notes else "")
    print(f"\n{text}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    print(f"(written to {path.relative_to(OUT.parent.parent)})")
    return path
