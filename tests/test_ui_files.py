"""desktop.core.files (no Qt): reading with BOM and line endings, refusal of what is not text, atomic saving."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from desktop.core.files import FileError, UnknownEncodingError, read_text_file, with_default_suffix, write_text_atomic

TEXT = "Ça va? — naïve 𝄞 日本語\n\tsecond line\u00a0\n"


def test_round_trip_keeps_every_character(tmp_path):
    path = tmp_path / "a.md"
    write_text_atomic(path, TEXT)
    assert path.read_bytes() == TEXT.encode("utf-8")
    loaded = read_text_file(path)
    assert loaded.text == TEXT and loaded.newline == "\n"


def test_bom_is_stripped_and_crlf_remembered(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n")
    loaded = read_text_file(path)
    assert loaded.text == "one\ntwo\n"
    assert loaded.newline == "\r\n"
    write_text_atomic(path, loaded.text, fmt=loaded.format)
    assert path.read_bytes() == b"\xef\xbb\xbfone\r\ntwo\r\n"  # the byte order mark stays (issue 11, item 6)


def test_lone_carriage_returns_become_newlines(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"one\rtwo")
    assert read_text_file(path).text == "one\ntwo"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfok\xff", b"\xff\xfe\x00\xd8"])
def test_what_is_not_text_is_refused_with_a_reason(tmp_path, data):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(UnknownEncodingError, match="byte order mark") as info:
        read_text_file(path)
    assert "x.txt" in str(info.value)


def test_missing_file_and_folder_give_file_errors(tmp_path):
    with pytest.raises(FileError, match="not found"):
        read_text_file(tmp_path / "nope.txt")
    with pytest.raises(FileError, match="folder"):
        read_text_file(tmp_path)


def test_save_keeps_permissions_and_follows_symlinks(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


@pytest.mark.parametrize("broken", ["replace", "fsync", "write"])
def test_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, broken):
    path = tmp_path / "story.txt"
    path.write_text("old", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if broken == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                fail()

        monkeypatch.setattr("desktop.core.files.os.fdopen", lambda fd, mode, **kw: Full(real_fdopen(fd, mode, **kw)))
    else:
        monkeypatch.setattr(f"desktop.core.files.os.{broken}", fail)
    with pytest.raises(FileError, match="Nothing on disk was changed"):
        write_text_atomic(path, "new")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["story.txt"]


def test_save_into_a_missing_folder_fails(tmp_path):
    with pytest.raises(FileError):
        write_text_atomic(tmp_path / "no" / "such" / "folder.txt", "x")


def test_default_suffix():
    assert with_default_suffix("draft").name == "draft.txt"
    assert with_default_suffix("notes.md").name == "notes.md"
    assert with_default_suffix("a.b/c").name == "c.txt"
