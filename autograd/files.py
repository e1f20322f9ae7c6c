"""Files: ``PathLike`` (what every function taking a path accepts) and ``write_atomic``,
which writes so that a failure never leaves half a file.

It sits in ``autograd`` because the drawings write files and ``autograd`` imports nothing
from ``nn``; it is a utility, not part of the engine's core, which writes no files.

The text or bytes go to a temporary file in the destination's folder, are flushed to disk,
and only then replace the destination (``os.replace`` is atomic on one file system). The
new file gets the permissions a plain ``open()`` would give it (0666 less the umask).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PathLike = str | os.PathLike[str]


def _umask() -> int:
    """The process's umask: from /proc where Linux tells it, else by setting it and setting
    it back (os.umask's only way to read it, which other threads would see for that moment)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, ValueError, IndexError, StopIteration):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def write_atomic(path: PathLike, data: str | bytes) -> Path:
    """Write ``data`` (str as UTF-8) to ``path`` all at once or not at all; returns the path."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder: give the path of a file to write in it")
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
