"""Reading and saving the user's documents: ``.txt`` and ``.md`` files, saved atomically. No Qt.

Reading finds the file's encoding (:mod:`desktop.core.textformat`: a byte order mark, then UTF-8, then a detector) and
turns every line ending into ``\\n`` (the editor's own), remembering the encoding, the byte order mark and the
line endings (mixed ones included) so that saving writes the file back the way it came: an unedited document
saves byte for byte the same. A file whose encoding cannot be recognised is refused with an
:class:`UnknownEncodingError` instead of being decoded with replacement characters, which would silently damage
it on the next save.

Saving writes a temporary file ``.<name>.<8 hex digits>.tmp`` in the target's folder, flushes and fsyncs it, then
renames it over the target with :func:`os.replace`, so a failure at any point (read-only folder, full disk) leaves
the old file as it was. The new file keeps the old one's permission bits, and its owner and group where the
process may set them (root may; others can keep the group when they belong to it). Being a new file, it is not
another name of the old one's data: a hard link to the old file keeps the old text (docs/saving.md).

The temporary file is locked (``flock``) while it is written. A process killed mid-save leaves it behind;
:func:`clean_stale_temp_files` removes those that are older than this process and not locked by a running save.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.core.textformat import EncodingError, FileFormat, decode_text, encode_text

logger = logging.getLogger(__name__)

DEFAULT_SUFFIX = ".txt"
READ_CHUNK_BYTES = 4 << 20  # a large file is read in pieces this big, reporting progress between them
PROCESS_START = time.time()  # about when this process started: older temporary files are not from its saves


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

    ``fmt`` is the file's format (encoding, byte order mark, line endings; see :mod:`desktop.core.textformat`); without
    it the file is UTF-8 with ``newline`` line endings. An existing file keeps its permission bits, and a
    symbolic link is followed so the file it points to is replaced, not the link.
    """
    target = Path(os.path.realpath(path))
    try:
        data = encode_text(text, fmt if fmt is not None else FileFormat(newline=newline))
    except EncodingError as exc:
        raise UnencodableError(f"{target.name} was not saved: {exc}. Nothing on disk was changed.") from None
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise FileError(f"{target.name} could not be saved: {exc.strerror or exc}.") from None
    tmp_name = None
    fd = -1
    try:
        fd, tmp_name = _create_temp_beside(target)
        with os.fdopen(fd, "wb", closefd=False) as f:
            f.write(data)
        if old is not None:
            _keep_owner(fd, old)
            os.chmod(tmp_name, stat.S_IMODE(old.st_mode))  # after the owner: chown may clear set-id bits
        os.fsync(fd)
        if sys.platform == "win32":  # pragma: no cover - Windows cannot rename a file that is open
            os.close(fd)
            fd = -1
        os.replace(tmp_name, target)  # the temporary file stays open (and locked) until it has its new name
        tmp_name = None
    except OSError as exc:
        where = target.parent
        raise FileError(
            f"{target.name} could not be saved in {where}: {exc.strerror or exc}. Nothing on disk was changed."
        ) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_folder(target.parent)


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """Gives the new file the old one's owner and group where allowed (root), else at least its group (a group
    the user belongs to); anything else keeps the user's own, silently (EPERM)."""
    if not hasattr(os, "fchown"):  # pragma: no cover - Windows
        return
    new = os.fstat(fd)
    for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):
        if (uid in (-1, new.st_uid)) and gid == new.st_gid:
            return
        try:
            os.fchown(fd, uid, gid)
            return
        except PermissionError:
            continue
        except OSError as exc:  # e.g. a file system without owners
            logger.info("could not keep the owner of %s: %s", fd, exc)
            return


def try_lock(fd: int) -> bool:
    """Takes an exclusive lock on the open file ``fd`` without waiting (``flock`` on POSIX: it conflicts even
    between two descriptors of one process; ``msvcrt.locking`` on Windows); False when someone else holds one."""
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _create_temp_beside(target: Path) -> tuple[int, str]:
    """Creates and locks a new, uniquely named file next to ``target``; the OS applies the umask to mode 0o666."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = os.path.join(target.parent, f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(name, flags, 0o666)
        except FileExistsError:
            continue
        if sys.platform != "win32":  # Windows: an open file cannot be deleted anyway
            try_lock(fd)
        return fd, name
    raise FileExistsError(f"no free temporary file name next to {target.name}")


def temp_name_pattern(target: Path) -> re.Pattern[str]:
    """The names :func:`write_text_atomic` gives its temporary files next to ``target``."""
    return re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}\.tmp")


def clean_stale_temp_files(path: str | Path, started: float | None = None) -> list[Path]:
    """Removes the temporary files an interrupted save of ``path`` left beside it: regular files with the
    save's naming pattern, last written before ``started`` (default: when this process started) and not locked
    by a save under way. Returns the removed files; never raises."""
    target = Path(os.path.realpath(path))
    started = PROCESS_START if started is None else started
    pattern = temp_name_pattern(target)
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(target.parent) if pattern.fullmatch(n)]
    except OSError:
        return removed
    for name in names:
        candidate = target.parent / name
        try:
            fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue  # gone, a symbolic link, or not ours to read
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_mtime >= started or not try_lock(fd):
                continue
            os.unlink(candidate)
            removed.append(candidate)
        except OSError as exc:
            logger.info("could not remove the stale temporary file %s: %s", candidate, exc)
        finally:
            os.close(fd)
    if removed:
        logger.info("removed %d stale temporary file(s) beside %s", len(removed), target)
    return removed


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
