"""Reading and saving the user's documents: ``.txt`` and ``.md`` files, saved atomically. No Qt.

Reading finds the file's encoding (:mod:`desktop.textformat`: a byte order mark, then UTF-8, then a detector) and
turns every line ending into ``\\n`` (the editor's own), remembering the encoding, the byte order mark and the
line endings (mixed ones included) so that saving writes the file back the way it came: an unedited document
saves byte for byte the same. A file whose encoding cannot be recognised is refused with an
:class:`UnknownEncodingError` instead of being decoded with replacement characters, which would silently damage
it on the next save.

Saving writes a temporary file in the target's folder, flushes and fsyncs it, then renames it over the target
with :func:`os.replace`, so a failure at any point (read-only folder, full disk) leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.textformat import EncodingError, FileFormat, decode_text, encode_text

SUFFIXES = (".txt", ".md")
DEFAULT_SUFFIX = ".txt"
READ_CHUNK_BYTES = 4 << 20  # a large file is read in pieces this big, reporting progress between them


class FileError(Exception):
    """A document could not be read or written; the message is meant for the user."""


class UnknownEncodingError(FileError):
    """The file is not text in an encoding Folio recognises (or not in the encoding asked for)."""


class UnencodableError(FileError):
    """The text holds characters that the file's encoding cannot store."""


@dataclass(frozen=True)
class TextFile:
    """A document's text with ``\\n`` line endings, and how its file is written (encoding, BOM, line endings)."""

    text: str
    format: FileFormat = FileFormat()

    @property
    def newline(self) -> str:
        """The file's (most common) line ending."""
        return self.format.newline


def read_text_file(path: str | Path, encoding: str | None = None,
                   progress: Callable[[int, int], None] | None = None) -> TextFile:
    """Reads a text file (in ``encoding`` when given, else the one detected); raises :class:`UnknownEncodingError`
    or :class:`FileError` with a readable reason. ``progress(bytes read, size)`` is called between chunks."""
    path = Path(path)
    try:
        data = path.read_bytes() if progress is None else _read_in_chunks(path, progress)
    except FileNotFoundError:
        raise FileError(f"{path.name} was not found in {path.parent}.") from None
    except IsADirectoryError:
        raise FileError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise FileError(f"{path.name} could not be read: {exc.strerror or exc}.") from None
    try:
        decoded = decode_text(data, encoding)
    except LookupError:
        raise UnknownEncodingError(f"Folio does not know the encoding {encoding}.") from None
    except EncodingError as exc:
        hint = ("Choose another one with File ▸ Reopen with Encoding." if encoding else
                "Folio opens text and Markdown files in UTF-8, UTF-16 and the common legacy encodings.")
        raise UnknownEncodingError(f"{path.name} cannot be opened: {exc}. {hint}") from None
    return TextFile(decoded.text, decoded.format)


def _read_in_chunks(path: Path, progress: Callable[[int, int], None]) -> bytes:
    size = path.stat().st_size
    parts, done = [], 0
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK_BYTES):
            parts.append(chunk)
            done += len(chunk)
            progress(done, max(size, done))
    return b"".join(parts)


def write_text_atomic(path: str | Path, text: str, newline: str = "\n", fmt: FileFormat | None = None) -> None:
    """Saves ``text`` (``\\n`` line endings) at ``path``, atomically; raises :class:`FileError`.

    ``fmt`` is the file's format (encoding, byte order mark, line endings; see :mod:`desktop.textformat`); without
    it the file is UTF-8 with ``newline`` line endings. An existing file keeps its permission bits, and a
    symbolic link is followed so the file it points to is replaced, not the link.
    """
    target = Path(os.path.realpath(path))
    try:
        data = encode_text(text, fmt if fmt is not None else FileFormat(newline=newline))
    except EncodingError as exc:
        raise UnencodableError(f"{target.name} was not saved: {exc}. Nothing on disk was changed.") from None
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
