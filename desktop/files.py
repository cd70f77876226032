"""Reading and saving the user's documents: UTF-8 ``.txt`` and ``.md`` files, saved atomically. No Qt.

Reading strips a UTF-8 byte order mark and turns every line ending into ``\\n`` (the editor's own), remembering
whether the file used ``\\r\\n`` so that saving writes the file back the way it came. A file that is not valid
UTF-8 is refused with a :class:`NotUtf8Error` instead of being decoded with replacement characters, which would
silently damage it on the next save.

Saving writes a temporary file in the target's folder, flushes and fsyncs it, then renames it over the target
with :func:`os.replace`, so a failure at any point (read-only folder, full disk) leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md")
DEFAULT_SUFFIX = ".txt"
UTF8_BOM = b"\xef\xbb\xbf"


class FileError(Exception):
    """A document could not be read or written; the message is meant for the user."""


class NotUtf8Error(FileError):
    """The file is not valid UTF-8 text."""


@dataclass(frozen=True)
class TextFile:
    """A document's text with ``\\n`` line endings, and the line ending its file used."""

    text: str
    newline: str = "\n"


def read_text_file(path: str | Path) -> TextFile:
    """Reads a UTF-8 text file; raises :class:`NotUtf8Error` or :class:`FileError` with a readable reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileError(f"{path.name} was not found in {path.parent}.") from None
    except IsADirectoryError:
        raise FileError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise FileError(f"{path.name} could not be read: {exc.strerror or exc}.") from None
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise NotUtf8Error(
            f"{path.name} is not UTF-8 text (byte 0x{bad} at offset {exc.start} is invalid). "
            "Folio opens UTF-8 text and Markdown files only; convert the file to UTF-8 first."
        ) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    return TextFile(text.replace("\r\n", "\n").replace("\r", "\n"), newline)


def write_text_atomic(path: str | Path, text: str, newline: str = "\n") -> None:
    """Saves ``text`` (``\\n`` line endings) as UTF-8 at ``path``, atomically; raises :class:`FileError`.

    ``newline`` is the line ending written to the file. An existing file keeps its permission bits, and a
    symbolic link is followed so the file it points to is replaced, not the link.
    """
    target = Path(os.path.realpath(path))
    data = (text.replace("\n", newline) if newline != "\n" else text).encode("utf-8")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise FileError(f"{target.name} could not be saved: {exc.strerror or exc}.") from None
    tmp_name = None
    try:
        fd, tmp_name = _create_temp_beside(target)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        where = target.parent
        raise FileError(
            f"{target.name} could not be saved in {where}: {exc.strerror or exc}. Nothing on disk was changed."
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_folder(target.parent)


def _create_temp_beside(target: Path) -> tuple[int, str]:
    """Creates a new, uniquely named file next to ``target``; the OS applies the umask to mode 0o666."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = os.path.join(target.parent, f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name next to {target.name}")


def _fsync_folder(folder: Path) -> None:
    """Makes the rename durable where the platform allows it (POSIX); best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def with_default_suffix(path: str | Path) -> Path:
    """``path`` with ``.txt`` added when it has no suffix at all (a name typed without one)."""
    path = Path(path)
    return path if path.suffix else path.with_name(path.name + DEFAULT_SUFFIX)
