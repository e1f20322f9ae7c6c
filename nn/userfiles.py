"""Reading files that users hand over — model files and CSV data — without trusting them.

One rule for every such file: it must be a regular file (not a folder, a FIFO that would
block for ever, or a device such as ``/dev/zero`` that never ends), no larger than a stated
limit, and it is read with a bounded read, so a file that grows while it is read cannot
exhaust memory either. Text must decode in the stated encoding; a byte that does not is an
error naming the file, the line and the encoding. Every error is a ``ValueError`` (or a
``FileNotFoundError`` for a missing file) that names the file, raised before anything is
built from it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from autograd.files import PathLike

MAX_FILE_BYTES = 64 * 2**20
"""The largest model or CSV file read (64 MiB): ~2.5 million parameters, or a million rows of
a few features, far beyond what a scalar engine trains in reasonable time."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_user_bytes(path: PathLike, what: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the ``what`` file (e.g. "model file") at ``path``, checked first.

    Refuses a path that is missing, is not a regular file (checked on the opened file, so a
    symlink is judged by what it points to), or holds more than ``max_bytes`` bytes.
    """
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the check below refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such {what}") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot read the {what} ({e.strerror or e})") from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path}: the {what} must be a regular file, this is {_kind(info.st_mode)}")
        if info.st_size > max_bytes:
            raise ValueError(f"{path}: the {what} holds {info.st_size:,} bytes, more than the limit of {max_bytes:,}")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(max_bytes + 1 - size, 2**20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise ValueError(f"{path}: cannot read the {what} ({e.strerror or e})") from e
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise ValueError(f"{path}: the {what} grew past the limit of {max_bytes:,} bytes while it was read")
    return data


def read_user_text(path: PathLike, what: str, encoding: str = "utf-8", max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of the ``what`` file at ``path`` (see ``read_user_bytes``), decoded.

    UTF-8 may start with a byte-order mark, which is dropped. A byte sequence the encoding
    cannot read is a ValueError naming the file, the line, the byte and the encoding.
    """
    data = read_user_bytes(path, what, max_bytes)
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except LookupError as e:
        raise ValueError(f"{path}: unknown text encoding {encoding!r}") from e
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        byte = data[e.start : e.start + 1].hex()
        raise ValueError(
            f"{path}, line {line}: the {what} is not {encoding} text (byte 0x{byte} at column {column}); "
            "save it as UTF-8 or give its encoding"
        ) from None
