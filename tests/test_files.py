"""write_atomic: the whole file or the old one, never half of one."""

import os
import stat

import pytest

from autograd.files import write_atomic


def test_writes_text_and_bytes(tmp_path):
    assert write_atomic(tmp_path / "a.txt", "héllo\n").read_text(encoding="utf-8") == "héllo\n"
    assert write_atomic(tmp_path / "b.bin", b"\x89PNG").read_bytes() == b"\x89PNG"


def test_creates_missing_folders(tmp_path):
    path = write_atomic(tmp_path / "x" / "y" / "f.json", "{}")
    assert path.read_text() == "{}"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "model.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_permissions_follow_the_umask_like_open(tmp_path, mask):
    old = os.umask(mask)
    try:
        written = write_atomic(tmp_path / "atomic.txt", "x")
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    mode = stat.S_IMODE(written.stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
    assert mode == 0o666 & ~mask


def test_a_folder_as_the_destination_is_named_in_the_error_and_nothing_is_left(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=f"{folder} is a folder"):
        write_atomic(folder, "x")
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the umask from /proc (Linux)")
def test_reading_the_umask_does_not_change_it_for_other_threads(tmp_path, monkeypatch):
    """os.umask can only be read by setting it: for that moment a file another thread creates
    would get the wrong permissions. Where /proc tells the umask, it is read there."""
    old = os.umask(0o077)
    try:

        def refuse(mask):
            raise AssertionError(f"write_atomic set the process's umask to {mask:o}")

        monkeypatch.setattr(os, "umask", refuse)
        written = write_atomic(tmp_path / "atomic.txt", "x")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
