"""Spelling in the editor: wavy underlines on the visible text, corrections on right-click, Next Misspelling.

One :class:`SpellingWorker` (its own thread) runs the runtime's speller for every document: the UI thread only
sends the text of the blocks on screen (and, after a pause in typing, the whole text for the document's word
counts), so a 10 MB document never blocks typing. Each :class:`SpellingController` (one per document) turns
the results into an extra-selection layer of the editor and extends its context menu. :class:`Spelling` owns the
worker, the controllers, the Edit-menu actions and the personal word list (``Locations.personal_words_file``).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from desktop.core.utf16 import Utf16Map, utf16_length
from desktop.runtime.speller import AUTO, add_personal_word, count_words, load_personal_words
from desktop.ui.editor import LAYER_SPELLING, ExtraSelection
from desktop.ui.worker_thread import LatestRequestWorker, start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

CHECK_DELAY_MS = 250  # after an edit or a scroll, the visible text is checked this much later
COUNT_DELAY_MS = 1500  # after a pause in typing this long, the document's words are counted again
MAX_BLOCK_CHARS = 20_000  # a longer paragraph is checked only this far
LANGUAGES = (("&Automatic (English or French by sentence)", AUTO, "Ctrl+F5"), ("&English", "en", "Ctrl+F6"),
             ("&French", "fr", "Ctrl+F7"))
FINDING = "Finding corrections\u2026"


class SpellingWorker(LatestRequestWorker):
    """Runs the speller in its own thread. ``found`` reports underlines first, ``checked`` the same with their
    corrections; each item is ``(start, end, word, suggestions)`` in Qt positions."""

    found = Signal(int, object)
    checked = Signal(int, object)
    nextFound = Signal(int, object)  # request id, (Qt start, Qt end) of the next misspelling or None
    failed = Signal(str)

    def __init__(self, engines: Any, personal_words: set[str]) -> None:
        super().__init__()
        self.engines = engines
        self.personal_words = personal_words
        self.ignored: set[str] = set()
        self.speller: Any = None
        self._counts: dict[str, Counter] = {}

    def counts(self, doc_key: str) -> Counter:
        """The latest word counts of a document (empty before the first count)."""
        return self._counts.get(doc_key) or Counter()

    def _speller(self) -> Any:
        if self.speller is None:
            speller = getattr(self.engines, "speller", None)
            if speller is None:  # engines without spelling (an older or a stand-in Engines)
                return None
            if not getattr(speller, "available", False):
                self.failed.emit(getattr(speller, "error", "the spelling engine did not load"))
                return None
            speller.add_words(self.personal_words)
            speller.ignored.update(self.ignored)
            self.speller = speller
        return self.speller

    @Slot(str, str)
    def count(self, doc_key: str, text: str) -> None:
        """Counts the document's words (for the "used three times" rule)."""
        self._counts[doc_key] = count_words(text)

    @Slot(str)
    def forget(self, doc_key: str) -> None:
        self._counts.pop(doc_key, None)

    @Slot(int, str, object, str)
    def check(self, request_id: int, doc_key: str, blocks: list, language: str) -> None:
        """Checks ``blocks`` [(Qt position, text)] of a document."""
        if not self.is_latest(request_id):
            return
        speller = self._speller()
        if speller is None:
            return
        counts = self._counts.get(doc_key)
        if counts is None:
            counts = count_words("\n".join(text for _, text in blocks))
        found = []
        try:
            for position, text in blocks:
                for start, end, word, lang in speller.find_with_language(text, language, counts):
                    found.append((position, text, start, end, word, lang))
        except Exception as exc:  # noqa: BLE001 - a broken word list must not kill the thread
            self.failed.emit(str(exc))
            return
        self.found.emit(request_id, [self._item(f, None) for f in found])
        results = []
        for item in found:
            if not self.is_latest(request_id):
                return
            position, text, start, end, word, lang = item
            try:
                suggestions = speller.suggest(text, start, end, lang)
            except Exception as exc:  # noqa: BLE001
                logger.warning("spelling suggestions failed: %s", exc)
                suggestions = []
            results.append(self._item(item, suggestions))
        self.checked.emit(request_id, results)

    @Slot(int, str, str, int, str)
    def next_misspelling(self, request_id: int, doc_key: str, text: str, position: int, language: str) -> None:
        """Finds the first misspelling after Qt ``position`` in the document ``text``, wrapping around once."""
        if not self.is_latest(request_id):
            return
        speller = self._speller()
        if speller is None:
            self.nextFound.emit(request_id, None)
            return
        positions = Utf16Map(text)
        here = positions.from_utf16(position)
        counts = self._counts.get(doc_key)
        if counts is None:
            counts = self._counts[doc_key] = count_words(text)
        lines, start, fenced = [], 0, False
        for line in text.split("\n"):
            opens = line.lstrip().startswith(("```", "~~~"))
            if not fenced and not opens and line.strip():
                lines.append((start, line))
            fenced = fenced != opens
            start += len(line) + 1
        first = max(0, bisect_right([s for s, _ in lines], here) - 1)
        order = [(i, True) for i in range(first, len(lines))] + [(i, False) for i in range(0, first + 1)]
        for i, first_visit in order:
            if not self.is_latest(request_id):
                return
            line_start, line = lines[i]
            for begin, end, _word, _lang in speller.find_with_language(line, language, counts):
                if first_visit and line_start + begin < here:
                    continue
                self.nextFound.emit(request_id, (positions.to_utf16(line_start + begin),
                                                 positions.to_utf16(line_start + end)))
                return
        self.nextFound.emit(request_id, None)

    @staticmethod
    def _item(found: tuple, suggestions: list[str] | None) -> tuple:
        position, text, start, end, word, _ = found
        qt_start = position + utf16_length(text[:start])
        return qt_start, qt_start + utf16_length(word), word, suggestions


class SpellingController(QObject):
    """The underlines and the spelling part of the context menu of one document's editor."""

    requested = Signal(int, str, object, str)  # request id, document key, blocks, language
    countRequested = Signal(str, str)

    def __init__(self, spelling: Spelling, tab: Any) -> None:
        super().__init__(tab)
        self.spelling = spelling
        self.tab = tab
        self.editor = tab.editor
        self.key = str(tab.doc_id)
        self.language = AUTO
        self.results: list[tuple[int, int, str, list[str] | None]] = []
        self._request = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_now)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.count_now)
        document = self.editor.document()
        document.contentsChanged.connect(self._on_changed)
        self.editor.verticalScrollBar().valueChanged.connect(lambda _v: self.schedule())
        self.editor.updateRequest.connect(self._on_update_request)
        self.editor.menu_extenders.append(self.extend_menu)
        self._last_view: tuple[int, int] | None = None
        self.schedule()
        self._count_timer.start()

    # -- checking --------------------------------------------------------------------------------------------

    def _on_changed(self) -> None:
        self.schedule()
        self._count_timer.start()

    def _on_update_request(self, _rect, dy: int) -> None:
        view = (self.editor.firstVisibleBlock().blockNumber(), self.editor.viewport().height())
        if dy or view != self._last_view:
            self._last_view = view
            self.schedule()

    def schedule(self) -> None:
        """Checks the visible text a moment from now (typing restarts the wait)."""
        if self.spelling.enabled:
            self._timer.start()

    def count_now(self) -> None:
        """Sends the whole text for the document's word counts (in the worker)."""
        if self.spelling.enabled:
            from desktop.ui.document import document_text

            self.countRequested.emit(self.key, document_text(self.editor.document()))

    def visible_blocks(self) -> list[tuple[int, str]]:
        """``(Qt position, text)`` of the blocks on screen (outside fenced code)."""
        editor = self.editor
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        height = editor.viewport().height()
        blocks = []
        while block.isValid():
            top = editor.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            text = block.text()
            if block.isVisible() and text.strip() and not _in_code_fence(block):
                blocks.append((block.position(), text[:MAX_BLOCK_CHARS]))
            block = block.next()
        return blocks

    def check_now(self) -> int:
        """Asks the worker to check the visible blocks; returns the request id."""
        self._request = self.spelling.next_request()
        self.requested.emit(self._request, self.key, self.visible_blocks(), self.language)
        return self._request

    def on_results(self, request_id: int, results: list) -> None:
        if request_id != self._request:
            return
        document = self.editor.document()
        kept = []
        for start, end, word, suggestions in results:
            cursor = QTextCursor(document)
            cursor.setPosition(min(start, document.characterCount() - 1))
            cursor.setPosition(min(end, document.characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
            if cursor.selectedText() == word:  # the text has not changed under it since
                kept.append((start, end, word, suggestions))
        self.results = kept
        self.draw()

    def draw(self) -> None:
        """Puts the wavy underlines in the editor's spelling layer."""
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(self.spelling.color)
        selections = []
        if self.spelling.enabled:
            for start, end, _word, _ in self.results:
                selection = ExtraSelection()
                cursor = QTextCursor(self.editor.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
        self.editor.set_layer(LAYER_SPELLING, selections)

    def clear(self) -> None:
        self.results = []
        self.draw()

    def underlined(self) -> list[tuple[int, int, str]]:
        """The underlined ranges ``(start, end, word)`` (for tests and accessibility)."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd(), s.cursor.selectedText())
                for s in self.editor.layer(LAYER_SPELLING)]

    def misspelling_at(self, position: int) -> tuple[int, int, str, list[str] | None] | None:
        for item in self.results:
            if item[0] <= position <= item[1]:
                return item
        return None

    # -- the context menu -----------------------------------------------------------------------------------

    def extend_menu(self, menu: QMenu, pos: QPoint) -> None:
        """Puts corrections, Add to Dictionary and Ignore at the top of the editor's context menu."""
        if not self.spelling.enabled:
            return
        position = self.editor.cursorForPosition(pos).position()
        item = self.misspelling_at(position)
        if item is None:
            return
        start, end, word, suggestions = item
        first = menu.actions()[0] if menu.actions() else None
        actions = []
        if suggestions is None:
            waiting = QAction(FINDING, menu)
            waiting.setEnabled(False)
            actions.append(waiting)
        elif not suggestions:
            none = QAction("No corrections found", menu)
            none.setEnabled(False)
            actions.append(none)
        for suggestion in suggestions or []:
            action = QAction(suggestion, menu)
            font = action.font()
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(lambda _c=False, s=suggestion: self.replace(start, end, word, s))
            actions.append(action)
        add = QAction(f"Add \u201c{word}\u201d to Dictionary", menu)
        add.triggered.connect(lambda _c=False: self.spelling.add_word(word))
        ignore = QAction("Ignore", menu)
        ignore.triggered.connect(lambda _c=False: self.spelling.ignore(word))
        actions += [add, ignore]
        menu.insertActions(first, actions)
        menu.insertSeparator(first)

    def replace(self, start: int, end: int, word: str, correction: str) -> bool:
        """Replaces the misspelt ``word`` at ``start..end`` (if it is still there) with ``correction``."""
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() != word:
            return False
        cursor.insertText(correction)
        self.results = [r for r in self.results if r[0] != start]
        self.draw()
        return True

    def select(self, start: int, end: int) -> None:
        """Selects ``start..end`` and scrolls to it."""
        cursor = QTextCursor(self.editor.document())
        last = self.editor.document().characterCount() - 1
        cursor.setPosition(min(start, last))
        cursor.setPosition(min(end, last), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()

    def set_language(self, language: str) -> None:
        """"auto", "en" or "fr" for this document; checks again."""
        self.language = language
        self.schedule()

    def shutdown(self) -> None:
        self._timer.stop()
        self._count_timer.stop()


def _in_code_fence(block) -> bool:
    """Whether ``block`` is inside or opens a Markdown fenced code block (as the highlighter's state says)."""
    previous = block.previous()
    return (previous.isValid() and previous.userState() == 1) or block.text().lstrip().startswith(("```", "~~~"))


class Spelling(QObject):
    """Spelling for every document of a window: the worker thread, the controllers, the menu actions."""

    statusMessage = Signal(str)
    nextRequested = Signal(int, str, str, int, str)

    def __init__(self, engines: Any, words_file: Path, parent: QObject | None = None) -> None:
        """``words_file``: the personal word list (``Locations.personal_words_file``)."""
        super().__init__(parent)
        self.enabled = True
        self.color = QColor("#d0342c")
        self.words_file = Path(words_file)
        self.personal = load_personal_words(self.words_file)
        self.controllers: dict[str, SpellingController] = {}
        self._request = 0
        self.worker = SpellingWorker(engines, set(self.personal))
        self.thread = start_worker_thread(self, self.worker, "folio-spelling", lambda: self.worker.set_latest(-1))
        self.worker.found.connect(self._on_results)
        self.worker.checked.connect(self._on_results)
        self.worker.failed.connect(self._on_failed)
        self.worker.nextFound.connect(self._on_next_found)
        self.nextRequested.connect(self.worker.next_misspelling)
        self._next_request: tuple[int, SpellingController] | None = None
        self.error = ""
        self.next_action = QAction("Next &Misspelling", self)
        self.next_action.setShortcut(QKeySequence("F7"))
        self.next_action.setToolTip("Select the next misspelt word (F7)")
        self.next_action.triggered.connect(self.next_misspelling)
        self.language_menu = QMenu("Spelling &Language")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for label, value, key in LANGUAGES:
            action = QAction(label, self)
            action.setShortcut(QKeySequence(key))
            action.setCheckable(True)
            action.setChecked(value == AUTO)
            action.triggered.connect(lambda _c=False, v=value: self.set_language(v))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[value] = action
        self.current: SpellingController | None = None

    def next_request(self) -> int:
        self._request += 1
        self.worker.set_latest(self._request)
        return self._request

    def speller(self) -> Any:
        """The runtime speller once the worker has loaded it (None before, or when unavailable)."""
        return self.worker.speller

    def add_to_menu(self, menu: QMenu) -> None:
        """Adds Next Misspelling and the language choice to ``menu`` (the Edit menu)."""
        menu.addAction(self.next_action)
        menu.addMenu(self.language_menu)

    def attach(self, tab: Any) -> SpellingController:
        """Starts spelling for the document ``tab``."""
        controller = SpellingController(self, tab)
        controller.requested.connect(self.worker.check)
        controller.countRequested.connect(self.worker.count)
        self.controllers[controller.key] = controller
        tab.destroyed.connect(lambda *_a, k=controller.key: self._detach(k))
        self.current = controller
        return controller

    def _detach(self, key: str) -> None:
        self.controllers.pop(key, None)

    def controller_for(self, tab: Any) -> SpellingController | None:
        return self.controllers.get(str(getattr(tab, "doc_id", "")))

    def set_current(self, tab: Any) -> None:
        """The document the menu actions apply to."""
        controller = self.controller_for(tab)
        if controller is not None:
            self.current = controller
            self.language_actions[controller.language].setChecked(True)

    @Slot(int, object)
    def _on_results(self, request_id: int, results: list) -> None:
        for controller in list(self.controllers.values()):
            controller.on_results(request_id, results)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message
        self.statusMessage.emit(f"Spelling is unavailable: {message}")

    def set_enabled(self, on: bool) -> None:
        """Switches spelling on or off (a preference) for every document."""
        self.enabled = bool(on)
        self.next_action.setEnabled(self.enabled)
        for controller in self.controllers.values():
            if self.enabled:
                controller.schedule()
                controller.count_now()
            else:
                controller.clear()

    def set_color(self, color: QColor) -> None:
        """The underline colour (from the theme)."""
        self.color = QColor(color)
        for controller in self.controllers.values():
            controller.draw()

    def set_language(self, language: str) -> None:
        if self.current is not None:
            self.current.set_language(language)

    def add_word(self, word: str) -> None:
        """Adds ``word`` to the personal word list (file and speller) and checks again."""
        try:
            add_personal_word(self.words_file, word)
        except OSError as exc:
            self.statusMessage.emit(f"The personal word list could not be saved: {exc}")
        self.personal.add(word)
        self.worker.personal_words.add(word)
        if self.worker.speller is not None:
            self.worker.speller.add_words([word])
        self._recheck(word)

    def ignore(self, word: str) -> None:
        """Ignores ``word`` until Folio quits."""
        self.worker.ignored.add(word)
        if self.worker.speller is not None:
            self.worker.speller.ignore(word)
        self._recheck(word)

    def _recheck(self, word: str) -> None:
        for controller in self.controllers.values():
            controller.results = [r for r in controller.results if r[2] != word]
            controller.draw()
            controller.schedule()

    @Slot()
    def next_misspelling(self) -> int | None:
        """Edit > Next Misspelling: the worker looks for the first misspelling after the cursor in the current
        document (wrapping around) and :meth:`_on_next_found` selects it. Returns the request id."""
        if self.current is None or not self.enabled:
            return None
        from desktop.ui.document import document_text

        controller = self.current
        self._next_request = (self.next_request(), controller)
        self.nextRequested.emit(self._next_request[0], controller.key, document_text(controller.editor.document()),
                                controller.editor.textCursor().selectionEnd(), controller.language)
        return self._next_request[0]

    @Slot(int, object)
    def _on_next_found(self, request_id: int, found: tuple[int, int] | None) -> None:
        if self._next_request is None or request_id != self._next_request[0]:
            return
        controller = self._next_request[1]
        self._next_request = None
        if found is None:
            self.statusMessage.emit("No misspellings found" if self.speller() is not None
                                    else "Spelling is not available yet")
            return
        if controller in self.controllers.values():
            controller.select(*found)

    def shutdown(self) -> None:
        for controller in self.controllers.values():
            controller.shutdown()
        stop_thread(self.thread, lambda: self.worker.set_latest(-1))
