"""Translate Document: the whole document (or a long selection) into French in a new tab.

:class:`DocumentTranslationWorker` runs ``desktop.runtime.document_translation.translate_document`` in its
own thread and reports by signal: ``progress(job, done, total)`` after each line, then ``finished(job,
TranslatedDocument)``, ``cancelled(job)`` or ``failed(job, message)``. :class:`DocumentTranslation` is the
UI-thread side: it starts jobs, keeps the newest one, and cancels (the worker stops between lines). The
editor is never blocked.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from desktop.runtime.document_translation import translate_document
from desktop.ui.engine_status import engine_of
from desktop.ui.worker_thread import start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

BEAM = 4


class DocumentTranslationWorker(QObject):
    """Translates documents in a worker thread, one job at a time; a cancelled job stops between lines."""

    progress = Signal(int, int, int)  # job id, lines done, lines in all
    finished = Signal(int, object)  # job id, TranslatedDocument
    cancelled = Signal(int)  # job id
    failed = Signal(int, str)  # job id, message for the writer

    def __init__(self, engines: Any) -> None:
        super().__init__()
        self.engines = engines
        self._lock = threading.Lock()
        self._wanted = 0  # the job still wanted; any other stops at the next line

    def want(self, job_id: int) -> None:
        """Marks ``job_id`` as the only job wanted (0 cancels every job)."""
        with self._lock:
            self._wanted = job_id

    def is_wanted(self, job_id: int) -> bool:
        with self._lock:
            return self._wanted == job_id

    @Slot(int, str)
    def translate(self, job_id: int, text: str) -> None:
        if not self.is_wanted(job_id):
            self.cancelled.emit(job_id)
            return
        translator = engine_of(self.engines, "translator")
        if translator is None or not getattr(translator, "available", False):
            reason = getattr(translator, "error", "") or "no translation model is installed"
            self.failed.emit(job_id, f"Translation is unavailable: {reason}")
            return
        try:
            result = translate_document(translator, text, BEAM,
                                        progress=lambda done, total: self.progress.emit(job_id, done, total),
                                        cancelled=lambda: not self.is_wanted(job_id))
        except Exception as exc:  # noqa: BLE001 - a model failure is reported, the editor goes on
            logger.exception("document translation failed")
            self.failed.emit(job_id, f"Translation failed: {exc}")
            return
        if result is None:
            self.cancelled.emit(job_id)
        else:
            self.finished.emit(job_id, result)


class DocumentTranslation(QObject):
    """Starts, follows and cancels document translations (UI thread)."""

    progress = Signal(int, int)  # lines done, lines in all (of the running job)
    finished = Signal(str, object)  # title of the source document, TranslatedDocument
    cancelled = Signal()
    failed = Signal(str)
    _start = Signal(int, str)

    def __init__(self, engines: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = DocumentTranslationWorker(engines)
        self._thread = start_worker_thread(self, self.worker, "folio-document-translation",
                                           before_stop=lambda: self.worker.want(0))
        self._start.connect(self.worker.translate)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        self._job = 0
        self._title = ""
        self.running = False

    def start(self, text: str, title: str) -> int:
        """Translates ``text`` (the document called ``title``); a running job is cancelled. Returns the job id."""
        self._job += 1
        self._title = title
        self.running = True
        self.worker.want(self._job)
        self._start.emit(self._job, text)
        return self._job

    @Slot()
    def cancel(self) -> None:
        """Stops the running job at its next line (``cancelled`` follows)."""
        self.worker.want(0)

    @Slot(int, int, int)
    def _on_progress(self, job: int, done: int, total: int) -> None:
        if job == self._job:
            self.progress.emit(done, total)

    @Slot(int, object)
    def _on_finished(self, job: int, result: Any) -> None:
        if job == self._job:
            self.running = False
            self.finished.emit(self._title, result)

    @Slot(int)
    def _on_cancelled(self, job: int) -> None:
        if job == self._job:
            self.running = False
            self.cancelled.emit()

    @Slot(int, str)
    def _on_failed(self, job: int, message: str) -> None:
        if job == self._job:
            self.running = False
            self.failed.emit(message)

    def shutdown(self) -> None:
        """Cancels and stops the worker thread."""
        self.worker.want(0)
        stop_thread(self._thread)
