"""files.atomic_path and write_text: a reader never sees half a file."""

from __future__ import annotations

import os
import stat

import pytest

from factsheet.files import atomic_path, write_text


@pytest.fixture
def umask():
    """Set a umask for one test and put the previous one back."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


def test_success_writes_the_target_and_leaves_no_part_file(tmp_path):
    target = tmp_path / "out" / "sheet.html"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        assert tmp != target
        assert not target.exists()
        tmp.write_text("<html>new</html>", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "<html>new</html>"
    assert [p.name for p in target.parent.iterdir()] == ["sheet.html"]
    assert not list(target.parent.glob("*.part"))


def test_success_replaces_previous_content(tmp_path):
    target = tmp_path / "sheet.html"
    target.write_text("old", encoding="utf-8")
    with atomic_path(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"  # not visible until the body succeeds
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.html"]


def test_failure_keeps_previous_content_and_removes_the_temporary_file(tmp_path):
    target = tmp_path / "sheet.html"
    target.write_text("previous", encoding="utf-8")
    seen = []
    with pytest.raises(RuntimeError, match="half way"), atomic_path(target) as tmp:
        seen.append(tmp)
        tmp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("half way")
    assert target.read_text(encoding="utf-8") == "previous"
    assert not seen[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.html"]


def test_failure_without_previous_target_creates_nothing(tmp_path):
    target = tmp_path / "chart.svg"
    with pytest.raises(ValueError), atomic_path(target) as tmp:
        tmp.write_bytes(b"<svg")
        raise ValueError("bad data")
    assert list(tmp_path.iterdir()) == []


def test_body_that_never_writes_gives_an_empty_file(tmp_path):
    target = tmp_path / "empty.txt"
    with atomic_path(target):
        pass
    assert target.read_bytes() == b""


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664), (0o077, 0o600)])
def test_written_file_mode_follows_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    target = tmp_path / "sheet.pdf"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_written_file_is_not_private_under_a_usual_umask(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "sheet.html"
    write_text(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) != 0o600
    assert target.stat().st_mode & stat.S_IROTH


def test_write_text_is_utf8_with_unix_newlines(tmp_path):
    target = tmp_path / "a" / "b.txt"
    write_text(target, "Genève — first\nsecond\r\nthird\n")
    assert target.read_bytes() == "Genève — first\nsecond\r\nthird\n".encode()
    assert not list(target.parent.glob("*.part"))
