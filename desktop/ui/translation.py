"""The translation panel: English in the document, French beside it.

Select English text (or leave the cursor in a sentence) and press Ctrl+Shift+T: :class:`TranslationPanel`
remembers where that text is, asks :class:`TranslationWorker` (its own thread) for a beam search with
alternatives, and shows the best translation, the other candidates and an attention heat map of source words
against target words. **Replace** puts the French in place of the English, **Insert After** adds it after
it, **Copy** puts it on the clipboard; each edit is one undo step and is marked as generated text. Typing
goes on meanwhile: the newest request wins, and the panel follows the English text as the document changes
around it (a QTextCursor keeps its range), refusing to replace it once the English itself was edited.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.utf16 import Utf16Map, utf16_length
from desktop.runtime.guard import EngineFailed
from desktop.runtime.translation_text import has_letters, sentence_at
from desktop.runtime.translator import TranslationCancelled
from desktop.ui.document import DocumentTab
from desktop.ui.engine_status import EngineInfo, engine_of, load_engine
from desktop.ui.model_view import AttentionHeatMap
from desktop.ui.theme import EditorColors
from desktop.ui.worker_thread import LatestRequestWorker, start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

BEAM = 4
N_BEST = 4  # the best translation and up to three alternatives
MAX_SOURCE_CHARS = 5000  # a longer selection is refused (a few hundred sentences would take many seconds)
PARAGRAPH_SEPARATOR = "\u2029"  # how QTextCursor.selectedText() writes a line break

NOTHING_SELECTED = "Nothing to translate here: select English text, or put the cursor in a sentence."
TOO_LONG = (f"The selection is too long to translate at once: select at most {MAX_SOURCE_CHARS:,} characters, "
            "or use Assist > Translate Document to French (Ctrl+Alt+T).")
UNSURE_ALTERNATIVES = "<b>Alternatives</b> — the model is unsure: compare these first"
ALTERNATIVES = "<b>Alternatives</b>"
UNSURE_BACKGROUND = QColor(255, 196, 0, 90)  # the unsure sentences in the French text
SOURCE_CHANGED = "The English text changed after it was translated: translate it again (Ctrl+Shift+T)."
DOCUMENT_CLOSED = "The document of this translation was closed: Copy still works."


def selected_text(cursor: QTextCursor) -> str:
    """The cursor's selection as plain text, line breaks as ``\\n``."""
    return cursor.selectedText().replace(PARAGRAPH_SEPARATOR, "\n")


def source_range(cursor: QTextCursor) -> tuple[int, int]:
    """What Translate works on: the selection, or else the sentence at the cursor (Qt positions)."""
    if cursor.hasSelection():
        return cursor.selectionStart(), cursor.selectionEnd()
    block = cursor.block()
    positions = Utf16Map(block.text())
    start, end = sentence_at(block.text(), positions.from_utf16(cursor.positionInBlock()))
    return block.position() + positions.to_utf16(start), block.position() + positions.to_utf16(end)


@dataclass
class HeatMap:
    """A translation's attention for the heat map: source words x target words (all its segments)."""

    source: list[str]
    target: list[str]
    matrix: np.ndarray  # [target words, source words]


def heat_map_of(translation: Any) -> HeatMap:
    """The word-level attention of every segment of ``translation``, laid out block-diagonally (a target word
    of one sentence never looks at another sentence)."""
    segments = [s for s in translation.segments if len(s.src_words) and len(s.tgt_words)]
    source = [w for s in segments for w in s.src_words]
    target = [w for s in segments for w in s.tgt_words]
    matrix = np.zeros((len(target), len(source)), np.float32)
    row = column = 0
    for s in segments:
        rows, columns = len(s.tgt_words), len(s.src_words)
        matrix[row : row + rows, column : column + columns] = s.word_attention
        row, column = row + rows, column + columns
    return HeatMap(source, target, matrix)


def _parameters(function: Any) -> set[str]:
    """Names of ``function``'s parameters (empty when Python cannot tell)."""
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


class TranslationWorker(LatestRequestWorker):
    """Translates in a worker thread; a request that is no longer the latest when it starts is skipped."""

    engineLoaded = Signal(object)  # EngineInfo
    ready = Signal(int, object)  # request id, list[Translation] (best first)
    failed = Signal(int, str)  # request id, message for the writer
    unavailable = Signal(str)  # why translation is unavailable (the model is missing, damaged or failed)

    def __init__(self, engines: Any) -> None:
        super().__init__()
        self.engines = engines

    @Slot()
    def load(self) -> None:
        """Loads the translator (``engines.translator``) and reports it with ``engineLoaded``."""
        _translator, info = load_engine(self.engines, "translator", "translation")
        self.engineLoaded.emit(info)

    @Slot(int, str)
    def translate(self, request_id: int, text: str) -> None:
        if not self.is_latest(request_id):
            return
        translator = engine_of(self.engines, "translator")
        if translator is None or not getattr(translator, "available", False):
            reason = getattr(translator, "error", "") or "no translation model is installed"
            self.unavailable.emit(reason)
            self.failed.emit(request_id, f"Translation is unavailable: {reason}")
            return
        options = {}
        if "should_stop" in _parameters(translator.translate):  # a newer request or quitting stops the search
            options["should_stop"] = lambda: not self.is_latest(request_id)
        try:
            results = translator.translate(text, beam=BEAM, n_best=N_BEST, **options)
        except TranslationCancelled:
            return
        except EngineFailed as exc:  # switched off (the engine logged why, once)
            self.unavailable.emit(str(exc))
            self.failed.emit(request_id, f"Translation is unavailable: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a model failure is reported, the editor goes on
            logger.exception("translation failed")
            self.failed.emit(request_id, f"Translation failed: {exc}")
            return
        self.ready.emit(request_id, results)


class TranslationPanel(QWidget):
    """The side panel. :meth:`translate_from` starts a translation of a document's selection or sentence."""

    translationShown = Signal(object)  # the Translation now chosen in the panel
    attentionShown = Signal(object)  # its HeatMap
    statusMessage = Signal(str)  # a short message for the status bar
    engineLoaded = Signal(object)  # EngineInfo of the translator (after load_engine)
    unavailable = Signal(str)  # why translation is unavailable
    _translate = Signal(int, str)
    _load = Signal()

    def __init__(self, engines: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("translationPanel")
        self.setAccessibleName("Translation")
        self.results: list[Any] = []
        self.tab: DocumentTab | None = None
        self.source = ""
        self._range: QTextCursor | None = None  # follows the English text as the document changes
        self._next_id = 0
        heat_scroll = self._build_views()
        self._lay_out(self._build_buttons(), heat_scroll)
        self.setMinimumWidth(280)
        self._set_buttons(False)
        self.status_label.setText("Select English text and press Ctrl+Shift+T.")

        self.worker = TranslationWorker(engines)
        self._thread = start_worker_thread(self, self.worker, "folio-translation",
                                           before_stop=lambda: self.worker.set_latest(-1))
        self._translate.connect(self.worker.translate)
        self._load.connect(self.worker.load)
        self.worker.engineLoaded.connect(self._on_engine_loaded)
        self.worker.ready.connect(self._on_ready)
        self.worker.failed.connect(self._on_failed)
        self.worker.unavailable.connect(self.unavailable)
        self.engine_info: EngineInfo | None = None

    def _build_views(self) -> QScrollArea:
        """The labels, the French, the alternatives and the heat map; returns the heat map's scroll area."""
        self.source_label = QLabel(self)
        self.source_label.setObjectName("translationSource")
        self.source_label.setAccessibleName("English text")
        self.source_label.setWordWrap(True)
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("translationStatus")
        self.status_label.setAccessibleName("Translation status")
        self.status_label.setWordWrap(True)
        self.confidence_label = QLabel(self)
        self.confidence_label.setObjectName("translationConfidence")
        self.confidence_label.setAccessibleName("How sure the model is")
        self.confidence_label.setWordWrap(True)
        self.result_view = QPlainTextEdit(self)
        self.result_view.setObjectName("translationResult")
        self.result_view.setAccessibleName("French translation")
        self.result_view.setReadOnly(True)
        self.result_view.setMaximumHeight(90)
        self.alternatives = QListWidget(self)
        self.alternatives.setObjectName("translationAlternatives")
        self.alternatives.setAccessibleName("Alternative translations")
        self.alternatives.setMaximumHeight(100)
        self.alternatives.setWordWrap(True)
        self.alternatives.currentRowChanged.connect(self.choose)
        self.heat_map = AttentionHeatMap(self)
        heat_scroll = QScrollArea(self)
        heat_scroll.setWidgetResizable(True)
        heat_scroll.setWidget(self.heat_map)
        heat_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return heat_scroll

    def _build_buttons(self) -> QHBoxLayout:
        """Replace, Insert After and Copy, in a row."""
        self.replace_button = QPushButton("&Replace", self)
        self.replace_button.setToolTip("Put the French in place of the English (one undo step)")
        self.replace_button.clicked.connect(self.replace)
        self.insert_button = QPushButton("&Insert After", self)
        self.insert_button.setToolTip("Add the French after the English (one undo step)")
        self.insert_button.clicked.connect(self.insert_after)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setToolTip("Copy the French to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        buttons = QHBoxLayout()
        for button in (self.replace_button, self.insert_button, self.copy_button):
            buttons.addWidget(button)
        return buttons

    def _lay_out(self, buttons: QHBoxLayout, heat_scroll: QScrollArea) -> None:
        """One column: the English, the French with its buttons, the alternatives, the attention heat map."""
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.source_label)
        layout.addWidget(self.status_label)
        layout.addWidget(QLabel("<b>French</b>", self))
        layout.addWidget(self.result_view)
        layout.addWidget(self.confidence_label)
        layout.addLayout(buttons)
        self.alternatives_title = QLabel(ALTERNATIVES, self)
        layout.addWidget(self.alternatives_title)
        layout.addWidget(self.alternatives)
        attention_title = QLabel("<b>Attention</b> — rows: French words; columns: the English words they looked at",
                                 self)
        attention_title.setWordWrap(True)
        layout.addWidget(attention_title)
        layout.addWidget(heat_scroll, 1)

    def load_engine(self) -> None:
        """Loads the translator in the worker thread; ``engineLoaded`` follows (the status bar names it)."""
        self._load.emit()

    @Slot(object)
    def _on_engine_loaded(self, info: EngineInfo) -> None:
        self.engine_info = info
        self.engineLoaded.emit(info)

    # -- requests ------------------------------------------------------------------------------------------------

    @property
    def latest_id(self) -> int:
        return self._next_id

    def translate_from(self, tab: DocumentTab) -> int | None:
        """Translates ``tab``'s selection, or the sentence at its cursor; returns the request id, or None
        (with a message) when there is nothing to translate."""
        start, end = source_range(tab.editor.textCursor())
        cursor = QTextCursor(tab.editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        text = selected_text(cursor)
        if not text.strip() or not has_letters(text):
            self._show_problem(NOTHING_SELECTED)
            return None
        if len(text) > MAX_SOURCE_CHARS:
            self._show_problem(TOO_LONG)
            return None
        return self.translate_text(text, tab, cursor)

    def translate_text(self, text: str, tab: DocumentTab | None = None, where: QTextCursor | None = None) -> int:
        """Translates ``text``; Replace and Insert After act on ``where`` (a selection in ``tab``'s document)."""
        self.tab, self._range, self.source = tab, where, text
        self._next_id += 1
        self.worker.set_latest(self._next_id)
        self.results = []
        self.alternatives.clear()
        self.result_view.clear()
        self._set_buttons(False)
        shown = " ".join(text.split())
        self.source_label.setText(f"English: {shown[:300]}{'…' if len(shown) > 300 else ''}")
        self.status_label.setText("Translating…")
        self._translate.emit(self._next_id, text)
        return self._next_id

    @Slot(int, object)
    def _on_ready(self, request_id: int, results: list) -> None:
        if request_id != self._next_id:
            return  # an older request finished after a newer one was made
        self.results = list(results)
        if not self.results:
            self.status_label.setText(NOTHING_SELECTED)
            return
        self.alternatives.blockSignals(True)
        for rank, result in enumerate(self.results, 1):
            unsure = getattr(result, "unsure", False)
            item = QListWidgetItem(f"{rank}. {'⚠ ' if unsure else ''}{result.text}")
            item.setToolTip(f"confidence {getattr(result, 'confidence', 1.0):.0%}, score {result.score:.3f}")
            self.alternatives.addItem(item)
        self.alternatives.blockSignals(False)
        self.alternatives.setCurrentRow(0)
        self.choose(0)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._next_id:
            self._show_problem(message)

    def _show_problem(self, message: str) -> None:
        self.status_label.setText(message)
        self.statusMessage.emit(message)

    # -- the chosen translation ----------------------------------------------------------------------------------

    @property
    def chosen(self) -> Any | None:
        row = self.alternatives.currentRow()
        return self.results[row] if 0 <= row < len(self.results) else None

    @Slot(int)
    def choose(self, row: int) -> None:
        """Shows alternative ``row`` (0 = the best) as the translation the buttons use."""
        if not 0 <= row < len(self.results):
            return
        if self.alternatives.currentRow() != row:
            self.alternatives.setCurrentRow(row)  # comes back here through currentRowChanged
            return
        result = self.results[row]
        self.result_view.setPlainText(result.text)
        self.status_label.setText(result.note or (f"Alternative {row + 1} of {len(self.results)}" if row else
                                                  f"Best of {len(self.results)} (beam {BEAM})"))
        self._show_confidence(result)
        heat = heat_map_of(result)
        self.heat_map.set_attention(heat.source, heat.target, heat.matrix)
        self._set_buttons(bool(result.text))
        self.translationShown.emit(result)
        self.attentionShown.emit(heat)

    def _show_confidence(self, result: Any) -> None:
        """The confidence line, the unsure sentences highlighted, the alternatives offered first when unsure."""
        unsure = bool(getattr(result, "unsure", False))
        self.setProperty("unsure", unsure)
        if not getattr(result, "segments", None):
            self.confidence_label.setText("")
        elif unsure:
            self.confidence_label.setText(f"⚠ {result.warning}")
        else:
            self.confidence_label.setText(f"Confidence {result.confidence:.0%}")
        first = unsure and len(self.results) > 1
        self.alternatives_title.setText(UNSURE_ALTERNATIVES if first else ALTERNATIVES)
        self._place_alternatives(first)
        selections, cursor_from = [], 0
        text = result.text
        for segment in getattr(result, "segments", []):
            at = text.find(segment.text, cursor_from)
            if at < 0:
                continue
            cursor_from = at + len(segment.text)
            if not segment.unsure:
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self.result_view.document())
            selection.cursor.setPosition(utf16_length(text[:at]))
            selection.cursor.setPosition(utf16_length(text[: at + len(segment.text)]), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(UNSURE_BACKGROUND)
            fmt.setToolTip(f"{segment.reason}: confidence {segment.confidence:.0%}")
            selection.format = fmt
            selections.append(selection)
        self.result_view.setExtraSelections(selections)

    def _place_alternatives(self, first: bool) -> None:
        """The alternatives above the French (offered first) or below its buttons (the usual place)."""
        layout = self._layout
        if (layout.indexOf(self.alternatives) < layout.indexOf(self.result_view)) == first:
            return
        for widget in (self.alternatives_title, self.alternatives):
            layout.removeWidget(widget)
        at = layout.indexOf(self.status_label) + 1 if first else layout.indexOf(self.confidence_label) + 2
        layout.insertWidget(at, self.alternatives_title)
        layout.insertWidget(at + 1, self.alternatives)

    @property
    def alternatives_first(self) -> bool:
        """Whether the alternatives are shown above the French."""
        return self._layout.indexOf(self.alternatives) < self._layout.indexOf(self.result_view)

    @property
    def highlighted_sentences(self) -> list[str]:
        """The French text the panel highlights as unsure."""
        return [s.cursor.selectedText() for s in self.result_view.extraSelections()]

    # -- Replace, Insert After, Copy -----------------------------------------------------------------------------

    def _target(self) -> QTextCursor | None:
        """The English text's range, if it is still there unchanged; otherwise says why and returns None."""
        if self.tab is None or self._range is None:
            self._show_problem(DOCUMENT_CLOSED if self.results else NOTHING_SELECTED)
            return None
        if selected_text(self._range) != self.source:
            self._show_problem(SOURCE_CHANGED)
            return None
        return QTextCursor(self._range)

    @Slot()
    def replace(self) -> bool:
        """Puts the chosen French in place of the English: one undo step, marked as generated."""
        result, cursor = self.chosen, self._target()
        if result is None or cursor is None:
            return False
        start = cursor.selectionStart()
        self._edit(cursor, result.text, start)
        self.replace_button.setEnabled(False)  # the English is gone
        self.statusMessage.emit("Replaced the English with the translation (Ctrl+Z undoes it)")
        return True

    @Slot()
    def insert_after(self) -> bool:
        """Adds the chosen French after the English (a space or a new line between): one undo step."""
        result, cursor = self.chosen, self._target()
        if result is None or cursor is None:
            return False
        end = cursor.selectionEnd()
        cursor.setPosition(end)
        separator = "\n" if "\n" in self.source or "\n" in result.text or cursor.atBlockStart() else " "
        self._edit(cursor, result.text, end + utf16_length(separator), separator)
        self.statusMessage.emit("Inserted the translation after the English (Ctrl+Z undoes it)")
        return True

    def _edit(self, cursor: QTextCursor, text: str, start: int, separator: str = "") -> None:
        assert self.tab is not None
        cursor.beginEditBlock()
        cursor.insertText(separator + text)
        cursor.endEditBlock()
        self.tab.mark_generated(start, start + utf16_length(text))
        self.tab.editor.setTextCursor(cursor)
        self.tab.editor.setFocus(Qt.FocusReason.OtherFocusReason)  # Ctrl+Z goes to the document, not the button

    @Slot()
    def copy(self) -> bool:
        """Copies the chosen French to the clipboard."""
        result = self.chosen
        if result is None:
            return False
        QGuiApplication.clipboard().setText(result.text)
        self.statusMessage.emit("Copied the translation")
        return True

    def _set_buttons(self, enabled: bool) -> None:
        have_target = enabled and self._range is not None
        self.replace_button.setEnabled(have_target)
        self.insert_button.setEnabled(have_target)
        self.copy_button.setEnabled(enabled)

    # -- looks and lifetime ----------------------------------------------------------------------------------

    def forget(self, tab: DocumentTab) -> None:
        """Drops the link to ``tab``'s document (it is closing); the translation stays for Copy."""
        if self.tab is tab:
            self.tab, self._range = None, None
            self._set_buttons(self.chosen is not None)

    def set_colors(self, colors: EditorColors) -> None:
        self.heat_map.colors = colors
        self.heat_map.update()

    def shutdown(self) -> None:
        """Stops the worker thread (waits for a running translation)."""
        self.worker.set_latest(-1)
        stop_thread(self._thread)
