"""The one way Folio's UI runs a worker object in its own thread."""

from __future__ import annotations

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
