"""Autosaved copies of open documents, and finding the copies a crashed or killed Folio left behind. No Qt.

Each running Folio owns one folder ``<recovery>/<session id>/`` holding ``owner.lock`` (locked by the owner for
as long as it runs), ``owner.json`` (its process id, for people reading the folder) and one
``<document id>.json`` per document with unsaved changes: the text, the file it belongs to (None when
untitled), the cursor position and the line ending. Files are written atomically, so a kill mid-write leaves
the previous copy. A clean exit removes the folder. At the next start, a folder whose owner is gone is an
orphan: its documents are what the writer would otherwise have lost.

The owner is identified by the lock, not by its process id: the kernel releases a lock when its process dies,
however it dies, while a process id can belong to the next Folio too (a new PID namespace starts at 1 again, and
ids are reused after a reboot). The lock is ``flock`` on POSIX (it conflicts even between two descriptors of one
process) and ``msvcrt.locking`` on Windows. Folders without ``owner.lock`` (written by an older Folio) fall back
to the process id.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from desktop.core.files import FileError, try_lock, write_text_atomic

logger = logging.getLogger(__name__)

FORMAT = 1
OWNER_NAME = "owner.json"
LOCK_NAME = "owner.lock"
ENTRY_SUFFIX = ".json"


@dataclass
class RecoveryEntry:
    """One autosaved document."""

    doc_id: str
    text: str
    path: str | None = None  # the file the document belongs to; None for an untitled document
    title: str = "Untitled"
    cursor: int = 0  # Qt position of the text cursor
    newline: str = "\n"
    saved_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RecoveryEntry:
        """Parses an entry; raises ValueError when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a Folio recovery file")
        if not isinstance(data.get("doc_id"), str) or not isinstance(data.get("text"), str):
            raise ValueError("recovery file lacks doc_id or text")
        path = data.get("path")
        return cls(
            doc_id=data["doc_id"],
            text=data["text"],
            path=path if isinstance(path, str) else None,
            title=str(data.get("title") or "Untitled"),
            cursor=int(data.get("cursor") or 0),
            newline="\r\n" if data.get("newline") == "\r\n" else "\n",
            saved_at=float(data.get("saved_at") or 0.0),
        )


def new_id() -> str:
    """A fresh, file-name-safe identifier."""
    return uuid.uuid4().hex


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running (best effort, POSIX and Windows)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    except OSError:
        return False
    return True


# Lock files this process holds (a lock emulated per process, as flock is on some network file systems, would
# not stop this process from locking its own folder again).
_HELD: set[Path] = set()


def _open_lock(folder: Path) -> int | None:
    """Opens and locks ``folder``'s lock file; None when another process holds it or the folder vanished."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None
    if not try_lock(fd):
        os.close(fd)
        return None
    try:  # the folder may have been removed (and made again) between open and lock: then this lock is worthless
        same = os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        same = False
    if not same:
        os.close(fd)
        return None
    return fd


class RecoverySession:
    """This process's recovery folder. Writes are atomic; :meth:`close` removes the folder (clean exit)."""

    def __init__(self, root: str | Path, session_id: str | None = None, pid: int | None = None) -> None:
        self.root = Path(root)
        self.session_id = session_id or new_id()
        self.folder = self.root / self.session_id
        self.pid = os.getpid() if pid is None else pid
        self._claimed = False
        self._lock_fd: int | None = None

    def _claim(self) -> None:
        if self._claimed and self.folder.is_dir():
            return
        self._release()
        for _ in range(10):  # another Folio may remove the new, still empty folder while it is being locked
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FileError(
                    f"the recovery folder {self.folder} could not be made: {exc.strerror or exc}.") from None
            self._lock_fd = _open_lock(self.folder)
            if self._lock_fd is not None:
                break
        else:
            raise FileError(f"the recovery folder {self.folder} could not be locked.")
        _HELD.add(self.folder / LOCK_NAME)
        owner = json.dumps({"format": FORMAT, "pid": self.pid, "started": time.time()})
        write_text_atomic(self.folder / OWNER_NAME, owner)
        self._claimed = True

    def _release(self) -> None:
        if self._lock_fd is not None:
            _HELD.discard(self.folder / LOCK_NAME)
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def write(self, entry: RecoveryEntry) -> Path:
        """Saves ``entry`` (replacing its previous copy); raises :class:`desktop.core.files.FileError`."""
        self._claim()
        target = self.folder / f"{entry.doc_id}{ENTRY_SUFFIX}"
        write_text_atomic(target, entry.to_json())
        return target

    def remove(self, doc_id: str) -> None:
        """Forgets a document's copy (it was saved or closed)."""
        try:
            (self.folder / f"{doc_id}{ENTRY_SUFFIX}").unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove recovery copy %s: %s", doc_id, exc)

    def entries(self) -> list[RecoveryEntry]:
        """This session's saved copies."""
        return read_entries(self.folder)

    def close(self) -> None:
        """Removes the whole folder: every document was saved or deliberately discarded."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._release()
        self._claimed = False


@dataclass
class OrphanedSession:
    """The recovery folder of a Folio that did not exit cleanly, and the documents in it."""

    folder: Path
    entries: list[RecoveryEntry]

    def discard(self) -> None:
        """Deletes the folder and its copies."""
        shutil.rmtree(self.folder, ignore_errors=True)


def read_entries(folder: Path) -> list[RecoveryEntry]:
    """The readable entries in ``folder``, oldest first; unreadable files are logged and skipped."""
    entries: list[RecoveryEntry] = []
    if not folder.is_dir():
        return entries
    for file in sorted(folder.glob(f"*{ENTRY_SUFFIX}")):
        if file.name == OWNER_NAME:
            continue
        try:
            entries.append(RecoveryEntry.from_json(file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
            logger.warning("skipping unreadable recovery file %s: %s", file, exc)
    entries.sort(key=lambda e: e.saved_at)
    return entries


def _owner_pid(folder: Path) -> int:
    try:
        data = json.loads((folder / OWNER_NAME).read_text(encoding="utf-8"))
        return int(data.get("pid", 0))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
        return 0


def find_orphans(root: str | Path, is_alive=pid_alive, own_pid: int | None = None) -> list[OrphanedSession]:
    """Recovery folders under ``root`` whose owner is no longer running; empty ones are removed on the way.

    A folder with ``owner.lock`` is an orphan when its lock can be taken (the owner is dead, whatever process
    id this process has); an older folder without one, when its owner's process id is neither alive nor
    ``own_pid`` (default: this process's). ``is_alive`` checks a process id."""
    root = Path(root)
    own_pid = os.getpid() if own_pid is None else own_pid
    orphans: list[OrphanedSession] = []
    if not root.is_dir():
        return orphans
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        lock_fd = None
        if (folder / LOCK_NAME).exists():
            if folder / LOCK_NAME in _HELD:
                continue
            lock_fd = _open_lock(folder)
            if lock_fd is None:
                continue  # locked: its owner is running
        else:
            pid = _owner_pid(folder)
            if pid == own_pid or (pid and is_alive(pid)):
                continue
        try:
            entries = read_entries(folder)
            if entries:
                orphans.append(OrphanedSession(folder, entries))
            else:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            if lock_fd is not None:
                os.close(lock_fd)
    return orphans
