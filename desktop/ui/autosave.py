"""Autosave to the recovery folder: a writer thread, and the timers that decide when to write.

:class:`Autosaver` copies every document with unsaved changes (untitled ones included) to this process's
:class:`desktop.core.recovery.RecoverySession` at most ``MAX_INTERVAL_MS`` after the first change since the last copy,
however the writer types (sooner when they stop typing for the idle time the preferences set), so a crash loses
at most about 2.5 s of typing plus the time a copy takes to write. Only the text is taken on the UI thread (a
copy: about 20 ms for a 10 MB document, nothing for an unchanged one, measured by benchmarks/autosave_cost.py);
the writing (JSON, fsync, rename) happens in :class:`RecoveryWriter`'s thread. Saved or closed documents lose
their copy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.core.files import FileError
from desktop.core.recovery import RecoveryEntry, RecoverySession
from desktop.ui.document import DocumentTab
from desktop.ui.worker_thread import start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

MAX_INTERVAL_MS = 2_500  # a copy at most this long after a change, even while the writer keeps typing
STATE_INTERVAL_MS = 30_000  # passDone at least this far apart while the writer keeps typing
DEFAULT_IDLE_MS = 3_000


class RecoveryWriter(QObject):
    """Writes and removes recovery copies in its own thread; reports by signal."""

    written = Signal(str, object)  # document id, the content key written
    failed = Signal(str)  # a message for the writer

    def __init__(self, session: RecoverySession) -> None:
        super().__init__()
        self.session = session

    @Slot(object, object)
    def write(self, entry: RecoveryEntry, key: int) -> None:
        try:
            self.session.write(entry)
        except FileError as exc:
            self.failed.emit(f"The recovery copy of {entry.title} could not be written: {exc}")
            return
        self.written.emit(entry.doc_id, key)

    @Slot(str)
    def remove(self, doc_id: str) -> None:
        self.session.remove(doc_id)


class Autosaver(QObject):
    """Decides when to copy which documents; ``tabs()`` returns the window's open documents."""

    autosaved = Signal(str)  # document id whose copy is now on disk
    failed = Signal(str)
    # An idle or explicit autosave pass handed its copies to the writer (the window saves its session state and
    # counts words then: UI-thread work that grows with the document, so it runs at most every
    # STATE_INTERVAL_MS while the writer keeps typing, not at every copy).
    passDone = Signal()

    _write = Signal(object, object)  # entry, content key (a Python hash: too wide for a C++ int)
    _remove = Signal(str)

    def __init__(self, session: RecoverySession, tabs: Callable[[], Iterable[DocumentTab]],
                 idle_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tabs = tabs
        self.writer = RecoveryWriter(session)
        self._thread = start_worker_thread(self, self.writer, "folio-autosave")
        self._write.connect(self.writer.write)
        self._remove.connect(self.writer.remove)
        self.writer.written.connect(self._on_written)
        self.writer.failed.connect(self.failed)
        self._pending: dict[str, int] = {}  # doc id -> key sent to the writer, not yet confirmed
        self.saved_keys: dict[str, int] = {}  # doc id -> key of the copy on disk

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(idle_ms)
        self.idle_timer.timeout.connect(self.save_now)
        self.max_timer = QTimer(self)
        self.max_timer.setSingleShot(True)
        self.max_timer.setInterval(MAX_INTERVAL_MS)
        self.max_timer.timeout.connect(self._copy_while_typing)
        self._last_pass_done = float("-inf")  # the first copy saves the state too

    def set_idle_ms(self, idle_ms: int) -> None:
        self.idle_timer.setInterval(max(100, int(idle_ms)))

    @Slot()
    def document_changed(self) -> None:
        """Call on every edit: restarts the idle timer, and starts the ``MAX_INTERVAL_MS`` timer if it is not
        running (it is not restarted by later edits, so a copy follows the first change within that time)."""
        self.idle_timer.start()
        if not self.max_timer.isActive():
            self.max_timer.start()

    @Slot()
    def save_now(self) -> None:
        """Copies every changed document now; forgets the copies of saved ones. Then ``passDone``."""
        self._copy()
        self._pass_done()

    @Slot()
    def _copy_while_typing(self) -> None:
        self._copy()
        if time.monotonic() - self._last_pass_done >= STATE_INTERVAL_MS / 1000:
            self._pass_done()

    def _pass_done(self) -> None:
        self._last_pass_done = time.monotonic()
        self.passDone.emit()

    def _copy(self) -> None:
        self.idle_timer.stop()
        self.max_timer.stop()
        for tab in list(self.tabs()):
            if not tab.modified:
                self.forget(tab.doc_id)
                continue
            # The document's revision counts every edit: an unchanged document costs no copy of its text.
            key = hash((tab.editor.document().revision(), str(tab.path), tab.newline))
            if self.saved_keys.get(tab.doc_id) == key or self._pending.get(tab.doc_id) == key:
                continue
            self._pending[tab.doc_id] = key
            self._write.emit(tab.recovery_entry(), key)

    def forget(self, doc_id: str) -> None:
        """Removes a document's copy (it was saved, or closed on purpose)."""
        if doc_id in self.saved_keys or doc_id in self._pending:
            self.saved_keys.pop(doc_id, None)
            self._pending.pop(doc_id, None)
            self._remove.emit(doc_id)

    @Slot(str, object)
    def _on_written(self, doc_id: str, key: int) -> None:
        if self._pending.get(doc_id) != key:
            if doc_id not in self._pending:  # forgotten while the write was under way
                self._remove.emit(doc_id)
            return
        self._pending.pop(doc_id, None)
        self.saved_keys[doc_id] = key
        self.autosaved.emit(doc_id)

    def shutdown(self, clean: bool) -> None:
        """Stops the writer thread; a ``clean`` shutdown (everything saved or discarded) removes the folder."""
        self.idle_timer.stop()
        self.max_timer.stop()
        stop_thread(self._thread)
        if clean:
            self.session.close()
