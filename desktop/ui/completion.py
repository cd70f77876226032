"""Next-word completion in any :class:`QPlainTextEdit`: grey ghost text at the cursor, keys to accept it.

- :class:`CompletionWorker` lives in a worker thread: it loads the completion engine and runs
  ``completer.suggest``. Requests coalesce: the worker keeps one pending slot, so when the writer types faster
  than suggestions come, only the newest text is computed.
- :class:`CompletionController` attaches to an editor. After each edit the writer types at the cursor it asks
  for suggestions for the text before the cursor (at most :data:`MAX_CONTEXT_CHARS`), unless the cursor is in
  the middle of a word, text is selected or completion is off; it shows the first suggestion as ghost text
  (:class:`~desktop.ui.ghost_text.GhostTextOverlay`) and handles the keys: Tab accepts it, Ctrl+Right accepts
  one word, Esc dismisses it, Ctrl+Space lists the top suggestions with their probabilities. Enter and Space
  never accept: they type as usual. Any edit hides the ghost text at once, and a result that arrives for older
  text is dropped (request ids), so a suggestion is never shown for text other than the one it was made for.

The document is only modified when the writer accepts a suggestion (one undo step), so undo and save never see
ghost text. Only edits made by typing (key presses, input methods) ask for suggestions: loading a file or a
streaming continuation does not.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from desktop.core.preferences import Preferences
from desktop.runtime.guard import EngineFailed
from desktop.ui.continuation import seal_edit_block
from desktop.ui.engine_status import EngineInfo, EnginesLike, load_engine, text_before
from desktop.ui.ghost_text import GhostTextOverlay, SuggestionPopup
from desktop.ui.worker_thread import start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

MAX_CONTEXT_CHARS = 50_000  # the completer sees at most this much text before the cursor
DEFAULT_SUGGESTION_COUNT = 5  # suggestions asked for (the popup lists them; the ghost shows the first)
MAX_SUGGESTION_COUNT = 20
MIN_PHRASE_PROBABILITY = 1e-6  # a phrase threshold of 0 in the preferences (the log needs more than 0)
_WORD = re.compile(r"\s*\S+")  # what Ctrl+Right accepts: the next word with the spaces before it
_APOSTROPHES = ("'", "\u2019")


def in_middle_of_word(document: QTextDocument, position: int) -> bool:
    """Whether a letter or digit follows ``position`` (or an apostrophe and a letter: "don|'t")."""
    after = document.characterAt(position)
    if after.isalnum():
        return True
    if after in _APOSTROPHES and position > 0 and document.characterAt(position - 1).isalnum():
        return document.characterAt(position + 1).isalnum()
    return False


def first_word(text: str) -> str:
    """The part of ghost text that Ctrl+Right accepts: its first word, with the spaces before it."""
    match = _WORD.match(text)
    return match.group() if match else text


class CompletionWorker(QObject):
    """Runs the completion engine in its own thread; every result goes out by signal.

    :meth:`submit` (any thread) puts a request in the single pending slot, replacing any request still waiting:
    only the newest is computed. :meth:`cancel` drops it; results for requests that are no longer current are
    not sent.
    """

    engineLoaded = Signal(object)  # EngineInfo
    suggestionsReady = Signal(int, object)  # request id, list[Suggestion]
    failed = Signal(int, str)  # request id, message

    _wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._engine: Any = None
        self._lock = threading.Lock()
        self._current = 0
        self._pending: tuple[int, str, int] | None = None
        self._settings: dict[str, Any] = {}
        self._woken = False
        self._wake.connect(self._run)  # queued: this object lives in the worker thread, callers do not

    def submit(self, request_id: int, text: str, k: int) -> None:
        """Asks for ``k`` suggestions after ``text``; supersedes any earlier request. Thread-safe."""
        with self._lock:
            self._current = request_id
            self._pending = (request_id, text, k)
            wake = not self._woken
            self._woken = True
        if wake:
            self._wake.emit()

    def cancel(self) -> None:
        """Drops the pending request; a running one finishes but its result is not sent. Thread-safe."""
        with self._lock:
            self._current = 0
            self._pending = None

    def configure(self, **attributes: Any) -> None:
        """Sets completer attributes (``phrase_threshold``, ``max_phrase_words``, ``cache_weight``) in the worker
        thread, between two suggestions. Thread-safe."""
        with self._lock:
            self._settings.update(attributes)
            wake = not self._woken
            self._woken = True
        if wake:
            self._wake.emit()

    def is_current(self, request_id: int) -> bool:
        """Whether ``request_id`` is still wanted. Thread-safe."""
        with self._lock:
            return request_id == self._current

    @Slot(object)
    def load(self, engines: EnginesLike) -> None:
        """Loads the completion engine (``engines.completer``) and reports it with ``engineLoaded``."""
        self._engine, info = load_engine(engines, "completer", "completion")
        if self._engine is not None:
            self._apply_settings()
        self.engineLoaded.emit(info)
        warm_up = getattr(self._engine, "warm_up", None)
        if callable(warm_up):  # here, in the worker, not on the first word typed (the lexicon takes ~0.3 s)
            warm_up()

    def _apply_settings(self, settings: dict[str, Any] | None = None) -> None:
        if settings is None:
            with self._lock:
                settings, self._settings = self._settings, {}
        for name, value in settings.items():
            try:
                setattr(self._engine, name, value)
            except Exception:  # noqa: BLE001 - an engine without that knob keeps working
                logger.warning("the completion engine has no setting %r", name)

    @Slot()
    def _run(self) -> None:
        """Computes pending requests until none is left (each one the newest at the time it is taken)."""
        while True:
            with self._lock:
                if self._engine is None:  # not loaded (or unavailable): settings wait for load(), requests get []
                    self._pending = None
                    self._woken = False
                    return
                job, self._pending = self._pending, None
                settings, self._settings = self._settings, {}
                if job is None and not settings:
                    self._woken = False
                    return
            self._apply_settings(settings)
            if job is None:
                continue
            request_id, text, k = job
            if not self.is_current(request_id):
                continue
            try:
                suggestions = list(self._engine.suggest(text, k))
            except EngineFailed as exc:  # switched off (the engine logged why, once): say so once, ask no more
                info, self._engine = EngineInfo.switched_off(self._engine, "completion", exc), None
                self.engineLoaded.emit(info)
                continue
            except Exception as exc:  # noqa: BLE001 - report any engine error to the UI
                logger.exception("completion %d failed", request_id)
                if self.is_current(request_id):
                    self.failed.emit(request_id, str(exc) or type(exc).__name__)
                continue
            if self.is_current(request_id):
                self.suggestionsReady.emit(request_id, suggestions)


class CompletionController(QObject):
    """Ghost-text completion for one :class:`QPlainTextEdit` (see the module docstring).

    Call :meth:`load_engine` once (the model loads in the worker thread and ``engineLoaded`` reports it); call
    :meth:`shutdown` before the editor goes away (it also happens when the controller is destroyed). The
    controller's parent defaults to the editor.
    """

    engineLoaded = Signal(object)  # EngineInfo
    suggestionsShown = Signal(list)  # the suggestions whose first one is now ghost text (most probable first)
    ghostChanged = Signal(str)  # the ghost text now shown ("" when hidden)
    accepted = Signal(str)  # text the writer accepted (Tab, Ctrl+Right, a pick in the list), now in the document
    requested = Signal(int, str)  # request id, the text before the cursor it asks about (for tests and tools)

    _loadRequested = Signal(object)

    def __init__(self, editor: QPlainTextEdit, engines: EnginesLike, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else editor)
        self.editor = editor
        self.engines = engines
        self.engine_info: EngineInfo | None = None
        self.overlay = GhostTextOverlay(editor)
        self.popup = SuggestionPopup(editor)
        self.popup.hide()
        self._enabled = True
        self._count = DEFAULT_SUGGESTION_COUNT
        self._next_id = 0
        self._request_id = 0  # the request whose result may be shown (0: none)
        self._request_position = -1  # where the cursor was for that request
        self._suggestions: list[Any] = []  # the suggestions shown (for the current position)
        self._ghost = ""
        self._popup_wanted = False  # open the list when the current request's result arrives
        self._typing = False  # inside a key press / input method event on the editor
        self._accepting = False  # inserting accepted text ourselves
        self._revision = editor.document().revision()
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(0)
        self._typing_timer.timeout.connect(self._end_typing)

        self.worker = CompletionWorker()
        self._thread = start_worker_thread(self, self.worker, "folio-completion", self.worker.cancel)
        self._loadRequested.connect(self.worker.load)
        self.worker.engineLoaded.connect(self._on_engine_loaded)
        self.worker.suggestionsReady.connect(self._on_suggestions)
        self.worker.failed.connect(self._on_failed)

        document = editor.document()
        document.contentsChange.connect(self._on_contents_change)
        editor.cursorPositionChanged.connect(self._on_cursor_moved)
        editor.selectionChanged.connect(self._on_cursor_moved)
        editor.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        editor.horizontalScrollBar().valueChanged.connect(self._on_scrolled)
        editor.installEventFilter(self)
        editor.viewport().installEventFilter(self)
        self.popup.picked.connect(self._on_popup_picked)
        self._attached = True

    # -- state -----------------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether the engine loaded and can suggest."""
        return self.engine_info is not None and self.engine_info.available

    @property
    def error(self) -> str:
        """Why completion is unavailable ("" when available; a note while the model loads)."""
        if self.engine_info is None:
            return "the completion model is still loading"
        return self.engine_info.error

    @property
    def enabled(self) -> bool:
        """Whether completion is switched on."""
        return self._enabled

    @property
    def suggestion_count(self) -> int:
        """How many suggestions each request asks for (the popup's length)."""
        return self._count

    @property
    def ghost_text(self) -> str:
        """The ghost text shown ("" when none)."""
        return self._ghost

    @property
    def suggestions(self) -> list[Any]:
        """The suggestions for the cursor's current position (empty when none is shown)."""
        return list(self._suggestions)

    @property
    def request_id(self) -> int:
        """The id of the request whose result would be shown now (0 when none is wanted)."""
        return self._request_id

    # -- settings ----------------------------------------------------------------------------------------

    def load_engine(self) -> None:
        """Loads the engine in the worker thread; ``engineLoaded`` follows."""
        if self._thread.isRunning():
            self._loadRequested.emit(self.engines)

    def set_enabled(self, enabled: bool) -> None:
        """Switches completion on or off; off hides the ghost text and sends no requests."""
        self._enabled = bool(enabled)
        if not self._enabled:
            self._invalidate()
            self.popup.hide()

    def set_suggestion_count(self, k: int) -> None:
        """How many suggestions to ask for (1 to :data:`MAX_SUGGESTION_COUNT`); the popup lists them all."""
        self._count = max(1, min(int(k), MAX_SUGGESTION_COUNT))

    def apply_preferences(self, preferences: Preferences) -> None:
        """Takes the completion preferences: on or off, how many suggestions, and the phrase threshold (a
        probability in the preferences, a mean log-probability per word for the completer)."""
        self.set_enabled(preferences.completion_enabled)
        self.set_suggestion_count(preferences.suggestion_count)
        self.set_phrase_threshold(math.log(max(preferences.phrase_threshold, MIN_PHRASE_PROBABILITY)))

    def set_phrase_threshold(self, threshold: float) -> None:
        """Sets the completer's ``phrase_threshold`` (a mean log-probability per word, e.g. ``math.log(0.4)``;
        higher means fewer, safer phrases), applied in the worker thread before the next suggestion."""
        self.worker.configure(phrase_threshold=float(threshold))

    def set_max_phrase_words(self, words: int) -> None:
        """Sets the completer's ``max_phrase_words`` (1 turns phrase suggestions off), in the worker thread."""
        self.worker.configure(max_phrase_words=max(1, int(words)))

    def set_learned_memory(self, memory: Any) -> None:
        """Gives the completer what Folio learned about the writer (a ``WriterMemory``; None: none), in the worker
        thread."""
        self.worker.configure(learned=memory)

    def shutdown(self) -> None:
        """Stops the worker thread, hides everything and detaches from the editor (safe to call twice, and after
        the editor is gone)."""
        stop_thread(self._thread, self.worker.cancel)
        self._enabled = False
        if not self._attached:
            return
        self._attached = False
        editor = self.editor
        try:
            self._invalidate()
            self.popup.hide()
            editor.removeEventFilter(self)
            editor.viewport().removeEventFilter(self)
            editor.document().contentsChange.disconnect(self._on_contents_change)
            editor.cursorPositionChanged.disconnect(self._on_cursor_moved)
            editor.selectionChanged.disconnect(self._on_cursor_moved)
            editor.verticalScrollBar().valueChanged.disconnect(self._on_scrolled)
            editor.horizontalScrollBar().valueChanged.disconnect(self._on_scrolled)
        except (RuntimeError, TypeError):  # the editor (and the overlay in it) is already gone
            pass

    # -- actions -------------------------------------------------------------------------------------------

    def request(self, popup: bool = False) -> int:
        """Asks for suggestions at the cursor; returns the request id (0 when none may be made there).

        Called after every typed edit; ``popup`` opens the list when the result arrives (Ctrl+Space).
        """
        self._invalidate()
        if not (self._enabled and self.available):
            return 0
        cursor = self.editor.textCursor()
        if cursor.hasSelection():
            return 0
        document = self.editor.document()
        position = cursor.position()
        if in_middle_of_word(document, position):
            return 0
        text = text_before(document, position, MAX_CONTEXT_CHARS)
        if not text.strip():  # nothing written yet (an empty document shows its placeholder text there)
            return 0
        self._next_id += 1
        self._request_id = self._next_id
        self._request_position = position
        self._popup_wanted = popup
        self.worker.submit(self._request_id, text, self._count)
        self.requested.emit(self._request_id, text)
        return self._request_id

    def dismiss(self) -> bool:
        """Hides the ghost text (Esc); returns whether some was shown."""
        shown = bool(self._ghost)
        self._invalidate()
        return shown

    def accept(self) -> str:
        """Inserts the whole ghost text (Tab) as one undo step; returns it ("" when none was shown)."""
        return self._take(self._ghost) if self._ghost else ""

    def accept_word(self) -> str:
        """Inserts the ghost text's next word (Ctrl+Right); the rest stays as ghost text. Returns the word."""
        ghost = self._ghost
        if not ghost:
            return ""
        word = first_word(ghost)
        rest = ghost[len(word) :]
        if not rest.strip():
            return self._take(word)
        self._insert(word)
        self.accepted.emit(word)
        self._request_position = self.editor.textCursor().position()
        self._suggestions = []  # they were for the old position; Ctrl+Space asks again
        self._show_ghost(rest)
        return word

    def show_popup(self) -> bool:
        """Lists the top suggestions under the cursor (Ctrl+Space); returns whether the list opened or will open
        when the suggestions arrive."""
        if not (self._enabled and self.available):
            return False
        if self._suggestions and self._request_id and self._cursor_unchanged():
            self._open_popup()
            return True
        return self.request(popup=True) != 0

    def pick(self, row: int) -> str:
        """Inserts suggestion ``row`` of the current list as one undo step; returns the text inserted."""
        if not 0 <= row < len(self._suggestions):
            return ""
        text = self._suggestions[row].text
        self.popup.hide()
        return self._take(text) if text else ""

    # -- internals ------------------------------------------------------------------------------------------

    def _cursor_unchanged(self) -> bool:
        cursor = self.editor.textCursor()
        return not cursor.hasSelection() and cursor.position() == self._request_position

    def _invalidate(self) -> None:
        """Forgets the current request and hides its ghost text."""
        if self._request_id:
            self.worker.cancel()
        self._request_id = 0
        self._request_position = -1
        self._popup_wanted = False
        self._suggestions = []
        self._show_ghost("")

    def _show_ghost(self, text: str) -> None:
        if text == self._ghost and (not text or self.overlay.isVisible()):
            return
        self._ghost = text
        self.overlay.show_text(text, self._request_id)
        self.ghostChanged.emit(text)

    def _take(self, text: str) -> str:
        """Inserts accepted ``text`` (one undo step), says so, and asks for what follows it; returns ``text``."""
        self._insert(text)
        self.accepted.emit(text)
        self.request()
        return text

    def _insert(self, text: str) -> None:
        """Inserts ``text`` at the cursor as one undo step that the writer's next keystroke does not join."""
        cursor = self.editor.textCursor()
        self._accepting = True
        try:
            cursor.beginEditBlock()
            cursor.insertText(text)
            seal_edit_block(cursor)
            cursor.endEditBlock()
            self.editor.setTextCursor(cursor)
        finally:
            self._accepting = False
            self._revision = self.editor.document().revision()
        self.editor.ensureCursorVisible()

    def _open_popup(self) -> None:
        entries = [(s.text.strip() or s.text, float(s.probability)) for s in self._suggestions]
        self.popup.open(entries)

    @Slot()
    def _end_typing(self) -> None:
        self._typing = False

    @Slot(int, int, int)
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        revision = self.editor.document().revision()
        if self._accepting or (removed == added and revision == self._revision):
            return  # our own insertion, or a format-only change (e.g. a highlighter re-laying out a block)
        self._revision = revision
        if self._typing and self.editor.textCursor().position() == position + added:
            self.request()  # hides the old ghost text first
        else:
            self._invalidate()

    @Slot()
    def _on_cursor_moved(self) -> None:
        if self._accepting or (not self._request_id and not self._ghost):
            return
        if not self._cursor_unchanged():
            self._invalidate()

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        if self._ghost:
            self.overlay.relayout()  # the cursor stayed where it was in the text, the text moved

    @Slot(object)
    def _on_engine_loaded(self, info: EngineInfo) -> None:
        self.engine_info = info
        if not info.available:
            self._invalidate()
        self.engineLoaded.emit(info)

    @Slot(int, object)
    def _on_suggestions(self, request_id: int, suggestions: Sequence[Any]) -> None:
        if request_id != self._request_id or not self._enabled or not self._cursor_unchanged():
            return  # stale: the text or the cursor changed since it was asked for
        self._suggestions = list(suggestions)
        if not self._suggestions or not self._suggestions[0].text.strip():
            self._suggestions = []
            self._show_ghost("")
            return
        if getattr(self._suggestions[0], "typed_word_likelier", False):
            self._show_ghost("")  # "Anna" typed whole: no grey "purna"; Ctrl+Space still lists the longer words
        else:
            self._show_ghost(self._suggestions[0].text)
            self.suggestionsShown.emit(list(self._suggestions))
        if self._popup_wanted:
            self._popup_wanted = False
            self._open_popup()

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request_id:
            self._invalidate()

    @Slot(int)
    def _on_popup_picked(self, row: int) -> None:
        self.editor.setFocus(Qt.FocusReason.PopupFocusReason)
        self.pick(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Completion keys on the editor; follows the viewport's size."""
        kind = event.type()
        if watched is not self.editor:
            if kind == QEvent.Type.Resize and self._ghost:
                # The editor reflows its lines after the viewport's resize event: follow the cursor once it has.
                QTimer.singleShot(0, self.overlay.relayout)
            return False
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if self._handles(event):
                event.accept()  # the key comes to the editor instead of triggering a window shortcut
                return True
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._handles(event):
                self._handle_key(event)
                return True
            self._begin_typing()
            return False
        if kind == QEvent.Type.InputMethod:
            self._begin_typing()
            if isinstance(event, QInputMethodEvent) and event.preeditString():
                self._invalidate()  # an input method is composing at the cursor: make room for it
        elif kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self._ghost:
            QTimer.singleShot(0, self.overlay.relayout)
        return False

    def _begin_typing(self) -> None:
        self._typing = True
        self._typing_timer.start()

    def _handles(self, event: QKeyEvent) -> bool:
        """Whether ``event`` is a completion key in the current state (else the editor gets it)."""
        key, mods = event.key(), event.modifiers()
        ctrl = Qt.KeyboardModifier.ControlModifier
        ignored = Qt.KeyboardModifier.KeypadModifier
        mods = mods & ~ignored
        if key == Qt.Key.Key_Space and mods == ctrl:
            return self._enabled and self.available
        if not self._ghost:
            return False
        if key == Qt.Key.Key_Tab and mods == Qt.KeyboardModifier.NoModifier:
            return True
        if key == Qt.Key.Key_Right and mods == ctrl:
            return True
        return key == Qt.Key.Key_Escape and mods == Qt.KeyboardModifier.NoModifier

    def _handle_key(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.show_popup()
        elif key == Qt.Key.Key_Tab:
            self.accept()
        elif key == Qt.Key.Key_Right:
            self.accept_word()
        elif key == Qt.Key.Key_Escape:
            self.dismiss()
        event.accept()

