"""Shakespeare-style continuation in the editor, without widgets.

- :class:`ContinuationWorker` lives in a worker thread: it loads the continuation engine and pulls characters
  from its generator, sending them on in batches (every ``flush_interval`` seconds) so a fast model cannot
  flood the UI's event loop. It stops pulling as soon as its request is no longer the current one.
- :class:`StreamInserter` writes streamed text into a :class:`QTextDocument` at its anchor (a :class:`QTextCursor`
  at the end of the generated text, so edits elsewhere do not misplace it) as one undo step, starting a new step
  only when the user edited the document between two chunks. The writer's own typing right at the anchor stays
  after it: generated characters never land inside what the writer types.
- :class:`ContinuationController` ties them together for one document: request ids (latest wins, stale chunks
  dropped), cancellation, and signals the window listens to.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QTextCursor, QTextDocument

from desktop.runtime.guard import EngineFailed
from desktop.ui.engine_status import EngineInfo, EnginesLike, load_engine, text_before
from desktop.ui.worker_thread import LatestRequestWorker, start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.03  # the worker sends accumulated characters at most this often

COMPLETED = "completed"  # the model produced all the characters asked for (or stopped by itself)
CANCELLED = "cancelled"  # the user stopped it (Stop, Esc, undoing the inserted text, closing the document)
SUPERSEDED = "superseded"  # a newer continuation replaced it
FAILED = "failed"  # the engine raised; ``failed`` carried the message


def seal_edit_block(cursor: QTextCursor) -> None:
    """Ends ``cursor``'s edit block on a (no-op) format change, so Qt cannot merge the writer's next keystroke into
    it.

    Qt merges a plain insertion that directly follows an edit block's last insertion into that block, and the
    writer's text cursor sits right after the inserted text: without this, typing while text streams in (or right
    after accepting a completion) would be undone together with the inserted text.
    """
    if cursor.position() == 0:
        return
    last = QTextCursor(cursor.document())
    last.setPosition(cursor.position() - 1)
    last.setPosition(cursor.position(), QTextCursor.MoveMode.KeepAnchor)
    last.setCharFormat(last.charFormat())


class ContinuationWorker(LatestRequestWorker):
    """Runs the continuation engine in its own thread; every result goes out by signal.

    Call :meth:`set_latest` from any thread to say which request is wanted (0: none): a running generation
    whose id is no longer the latest stops at the next character and closes its generator.
    """

    engineLoaded = Signal(object)  # EngineInfo
    chunkReady = Signal(int, str)  # request id, characters
    finished = Signal(int, str)  # request id, COMPLETED or CANCELLED
    failed = Signal(int, str)  # request id, message

    def __init__(self, flush_interval: float = FLUSH_INTERVAL_S) -> None:
        super().__init__()
        self.flush_interval = flush_interval
        self._engine: Any = None

    @Slot(object)
    def load(self, engines: EnginesLike) -> None:
        """Loads the continuation engine (``engines.continuer``) and reports it with ``engineLoaded``."""
        self._engine, info = load_engine(engines, "continuer", "continuation")
        self.engineLoaded.emit(info)

    @Slot(int, str, int, float)
    def generate(self, request_id: int, prompt: str, max_chars: int, temperature: float) -> None:
        """Streams up to ``max_chars`` characters after ``prompt`` as ``chunkReady`` batches."""
        if not self.is_latest(request_id):
            self.finished.emit(request_id, CANCELLED)
            return
        if self._engine is None:
            self.failed.emit(request_id, "the continuation model is not loaded")
            return
        outcome = COMPLETED
        pending: list[str] = []
        last_flush = time.monotonic()
        stream = None
        try:
            stream = iter(self._engine.generate(prompt, max_chars, temperature=temperature))
            for char in stream:
                if not self.is_latest(request_id):
                    outcome = CANCELLED
                    break
                pending.append(char)
                now = time.monotonic()
                if now - last_flush >= self.flush_interval:
                    self.chunkReady.emit(request_id, "".join(pending))
                    pending.clear()
                    last_flush = now
        except Exception as exc:  # noqa: BLE001 - report any engine error to the UI
            if pending and self.is_latest(request_id):
                self.chunkReady.emit(request_id, "".join(pending))
            self.failed.emit(request_id, str(exc) or type(exc).__name__)
            if isinstance(exc, EngineFailed):  # switched off (the engine logged why, once): no more requests
                info, self._engine = EngineInfo.switched_off(self._engine, "continuation", exc), None
                self.engineLoaded.emit(info)
            else:
                logger.exception("continuation %d failed", request_id)
            return
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        if pending and outcome == COMPLETED:
            self.chunkReady.emit(request_id, "".join(pending))
        self.finished.emit(request_id, outcome)


class StreamInserter(QObject):
    """Inserts streamed chunks at a tracked position of a document, as one undo step.

    The first chunk opens an edit block (``beginEditBlock``) and the following ones join it
    (``joinPreviousEditBlock``), unless the document changed in between through anything but this inserter
    (the user typed, pasted, undid...): then the next chunk opens a new block, so the user's own edits never
    end up inside the generated block. :attr:`undone` says whether the user undid the inserted text.
    """

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._cursor: QTextCursor | None = None
        self._anchor = -1  # the cursor's position after our last insertion or the last edit we followed
        self._inserting = False
        self._foreign_edit = False
        self._undo_steps = -1  # the document's undo count after our last insertion; -1 before the first
        self.inserted_chars = 0
        document.contentsChange.connect(self._on_contents_change)

    @property
    def active(self) -> bool:
        """Whether a stream is in progress (between :meth:`begin` and :meth:`finish`)."""
        return self._cursor is not None

    @property
    def position(self) -> int:
        """Where the next chunk goes (-1 when no stream is in progress)."""
        return self._cursor.position() if self._cursor is not None else -1

    @property
    def undone(self) -> bool:
        """Whether the user undid (part of) the inserted text since the last chunk."""
        return self._undo_steps >= 0 and self.document.availableUndoSteps() < self._undo_steps

    def begin(self, position: int) -> None:
        """Starts a new stream at ``position``."""
        self._cursor = QTextCursor(self.document)
        self._cursor.setPosition(max(0, min(position, self.document.characterCount() - 1)))
        self._anchor = self._cursor.position()
        self._foreign_edit = False
        self._undo_steps = -1
        self.inserted_chars = 0

    def insert(self, text: str) -> None:
        """Inserts ``text`` at the tracked position, within the stream's undo step where possible."""
        cursor = self._cursor
        if cursor is None or not text:
            return
        join = self._undo_steps >= 0 and not self._foreign_edit
        join = join and self.document.availableUndoSteps() == self._undo_steps
        self._inserting = True
        try:
            if join:
                cursor.joinPreviousEditBlock()
            else:
                cursor.beginEditBlock()
            cursor.insertText(text)
            seal_edit_block(cursor)
            cursor.endEditBlock()
        finally:
            self._inserting = False
        self._undo_steps = self.document.availableUndoSteps()
        self._anchor = cursor.position()
        self._foreign_edit = False
        self.inserted_chars += len(text)

    def finish(self) -> None:
        """Ends the stream; later chunks are ignored until the next :meth:`begin`."""
        self._cursor = None

    @Slot(int, int, int)
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if self._inserting or self._cursor is None:
            return
        self._foreign_edit = True
        if position == self._anchor:
            # The writer typed (or pasted) right at the anchor, where their cursor follows the stream. Qt moved the
            # anchor past their text; put it back before it, so the next chunk goes between the generated text and
            # theirs instead of inside what they are typing.
            self._cursor.setPosition(position)
        self._anchor = self._cursor.position()


class ContinuationController(QObject):
    """Continuations for one document: a worker thread, request ids, streaming insertion, cancellation.

    Call :meth:`load_engine` once (the model loads in the worker thread and ``engineLoaded`` reports it), then
    :meth:`start` / :meth:`cancel`; call :meth:`shutdown` before the document goes away.
    """

    engineLoaded = Signal(object)  # EngineInfo
    started = Signal(int)  # request id
    textInserted = Signal(int, str)  # request id, the characters just inserted
    finished = Signal(int, str)  # request id, COMPLETED / CANCELLED / SUPERSEDED / FAILED
    failed = Signal(int, str)  # request id, message (followed by finished(id, FAILED))
    runningChanged = Signal(bool)

    _loadRequested = Signal(object)
    _generateRequested = Signal(int, str, int, float)

    def __init__(
        self,
        document: QTextDocument,
        engines: EnginesLike,
        parent: QObject | None = None,
        flush_interval: float = FLUSH_INTERVAL_S,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.engines = engines
        self.engine_info: EngineInfo | None = None
        self.inserter = StreamInserter(document, self)
        self._next_id = 0
        self._active_id = 0
        self.worker = ContinuationWorker(flush_interval)
        worker = self.worker
        self._thread = start_worker_thread(self, worker, "folio-continuation", lambda: worker.set_latest(0))
        self._loadRequested.connect(self.worker.load)
        self._generateRequested.connect(self.worker.generate)
        self.worker.engineLoaded.connect(self._on_engine_loaded)
        self.worker.chunkReady.connect(self._on_chunk)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)

    @property
    def available(self) -> bool:
        """Whether the engine loaded and can continue text."""
        return self.engine_info is not None and self.engine_info.available

    @property
    def running(self) -> bool:
        """Whether a continuation is streaming."""
        return self._active_id != 0

    def load_engine(self) -> None:
        """Loads the engine in the worker thread; ``engineLoaded`` follows."""
        if self._thread.isRunning():
            self._loadRequested.emit(self.engines)

    def start(self, position: int, max_chars: int, temperature: float) -> int:
        """Continues the text before ``position``, inserting at ``position``; returns the request id.

        A running continuation is superseded (latest wins). Raises RuntimeError when the engine is not ready.
        """
        if not self.available:
            reason = self.engine_info.error if self.engine_info is not None else "the model is still loading"
            raise RuntimeError(f"continuation unavailable: {reason}")
        if self._active_id:
            self._end(self._active_id, SUPERSEDED, notify_running=False)
        self._next_id += 1
        request_id = self._next_id
        prompt = text_before(self.document, position)
        self.inserter.begin(position)
        self._active_id = request_id
        self.worker.set_latest(request_id)
        self._generateRequested.emit(request_id, prompt, int(max_chars), float(temperature))
        self.started.emit(request_id)
        self.runningChanged.emit(True)
        return request_id

    def cancel(self) -> bool:
        """Stops the running continuation (the text inserted so far stays); returns whether one was running."""
        if not self._active_id:
            return False
        self._end(self._active_id, CANCELLED)
        return True

    def shutdown(self) -> None:
        """Cancels any continuation and stops the worker thread (waits for the current character)."""
        self.cancel()
        stop_thread(self._thread, lambda: self.worker.set_latest(0))

    def _end(self, request_id: int, outcome: str, notify_running: bool = True) -> None:
        self._active_id = 0
        self.worker.set_latest(0)
        self.inserter.finish()
        self.finished.emit(request_id, outcome)
        if notify_running:
            self.runningChanged.emit(False)

    @Slot(object)
    def _on_engine_loaded(self, info: EngineInfo) -> None:
        self.engine_info = info
        self.engineLoaded.emit(info)

    @Slot(int, str)
    def _on_chunk(self, request_id: int, text: str) -> None:
        if request_id != self._active_id:
            return  # a stale chunk from a cancelled or superseded request
        if self.inserter.undone:
            self._end(request_id, CANCELLED)  # the user undid the continuation while it streamed
            return
        self.inserter.insert(text)
        self.textInserted.emit(request_id, text)

    @Slot(int, str)
    def _on_worker_finished(self, request_id: int, outcome: str) -> None:
        if request_id == self._active_id:
            self._end(request_id, outcome)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._active_id:
            self.failed.emit(request_id, message)
            self._end(request_id, FAILED)


