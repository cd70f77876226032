"""The one way Folio's UI runs a worker object in its own thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread


def start_worker_thread(owner: QObject, worker: QObject, name: str,
                        before_stop: Callable[[], None] | None = None) -> QThread:
    """Moves ``worker`` into a new thread called ``name`` and starts it. The thread is stopped when ``owner``
    is destroyed, even if nobody called its shutdown: a QThread destroyed while running aborts the process.
    ``before_stop`` (e.g. cancelling the worker's request) runs first, so waiting for the thread is short."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    owner.destroyed.connect(lambda *_: stop_thread(thread, before_stop))
    thread.start()
    return thread


def stop_thread(thread: QThread, before_stop: Callable[[], None] | None = None) -> None:
    """Runs ``before_stop``, ends ``thread``'s event loop and waits for it; safe to call twice or at exit."""
    try:
        if before_stop is not None:
            before_stop()
        if thread.isRunning():
            thread.quit()
            thread.wait()
    except RuntimeError:  # the C++ objects are already gone (interpreter exit)
        pass


class LatestRequestWorker(QObject):
    """A worker whose requests are numbered: the UI thread marks the newest one with :meth:`set_latest`, and
    the worker skips a queued request that is no longer the newest (``set_latest(-1)`` skips them all)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._latest = 0

    def set_latest(self, request_id: int) -> None:
        with self._lock:
            self._latest = request_id

    def is_latest(self, request_id: int) -> bool:
        with self._lock:
            return request_id == self._latest
