"""The one way Folio's UI runs a worker object in its own thread.

Stopping a thread never waits long: :func:`stop_thread` asks the worker to stop (``before_stop``), ends the
thread's event loop and waits at most ``QUIT_WAIT_MS``. A thread still busy after that (a model call that cannot be
interrupted) is abandoned: it is kept referenced here, so Qt never destroys a running thread (which aborts the
process), and :func:`exit_code_after_abandoning` lets the app end the process without waiting for it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread

logger = logging.getLogger(__name__)

QUIT_WAIT_MS = 1000  # the longest any worker thread is waited for when it is stopped
_abandoned: list[tuple[QThread, QObject | None]] = []  # threads given up on, with their workers, kept alive


def start_worker_thread(owner: QObject, worker: QObject, name: str,
                        before_stop: Callable[[], None] | None = None) -> QThread:
    """Moves ``worker`` into a new thread called ``name`` and starts it. The thread is stopped when ``owner``
    is destroyed, even if nobody called its shutdown: a QThread destroyed while running aborts the process.
    ``before_stop`` (e.g. cancelling the worker's request) runs first, so waiting for the thread is short."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.setProperty("folio_worker", worker)  # so an abandoned thread keeps its worker alive too
    owner.destroyed.connect(lambda *_: stop_thread(thread, before_stop))
    thread.start()
    return thread


def stop_thread(thread: QThread, before_stop: Callable[[], None] | None = None,
                timeout_ms: int = QUIT_WAIT_MS) -> bool:
    """Runs ``before_stop``, ends ``thread``'s event loop and waits at most ``timeout_ms`` for it; a thread still
    running then is abandoned (see the module docstring). Returns whether the thread has stopped. Safe to call
    twice or at exit."""
    try:
        if before_stop is not None:
            before_stop()
        if not thread.isRunning():
            return True
        if any(t is thread for t, _ in _abandoned):  # given up on already: do not wait for it twice
            return False
        thread.quit()
        if thread.wait(max(0, int(timeout_ms))):
            return True
        logger.warning("worker thread %s is still busy after %d ms: abandoned", thread.objectName(), timeout_ms)
        thread.setParent(None)
        _abandoned.append((thread, thread.property("folio_worker")))
        return False
    except RuntimeError:  # the C++ objects are already gone (interpreter exit)
        return True


def abandoned_threads() -> list[QThread]:
    """Abandoned worker threads that are still running."""
    running = []
    for thread, _worker in _abandoned:
        try:
            if thread.isRunning():
                running.append(thread)
        except RuntimeError:
            pass
    return running


def exit_code_after_abandoning(code: int) -> int:
    """Returns ``code``, or ends the process now with it when an abandoned worker thread is still running:
    waiting for it would hang the exit, and letting the interpreter tear down around it can crash."""
    if not abandoned_threads():
        return code
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


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
