"""The model view: what the models expect next, live, and where the translator looked.

A dock shows, for the text before the cursor, bars of the character model's next-character probabilities and
the word model's likeliest next words; after a translation, :meth:`ModelViewDock.show_attention` draws the
attention matrix as a heat map. The predictions are computed by :class:`PredictionWorker` in its own thread;
the newest request wins and older ones are skipped or their results dropped.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.engine_status import engine_of
from desktop.ui.theme import EditorColors, editor_colors, is_dark
from desktop.ui.worker_thread import LatestRequestWorker, start_worker_thread, stop_thread

logger = logging.getLogger(__name__)

TOP_CHARS = 10
TOP_WORDS = 8
WORD_TITLE = "<b>Next word</b> — word model"
CONTEXT_CHARS = 2000  # the worker gets at most this much text before the cursor
DEBOUNCE_MS = 120  # wait this long after a keystroke before asking the models

_PARTIAL_WORD = re.compile(r"\w+$")  # the word being typed at the end of the text
MAX_PARTIAL_CHARS = 64
_CHAR_NAMES = {"\n": "⏎", " ": "␣", "\t": "⇥"}
_WORD_NAMES = {"<eos>": "⏎ end of line", "<unk>": "(rare word)"}


def char_label(token: str) -> str:
    """A visible label for a character token (space, newline and tab are drawn as symbols)."""
    return _CHAR_NAMES.get(token, token)


def weight_label(weight: float) -> str:
    """A cell's weight in two characters: ``".3"``, ``"1"``."""
    text = f"{weight:.1f}"
    return "1" if text == "1.0" else text.removeprefix("0")


def word_label(token: str) -> str:
    return _WORD_NAMES.get(token, token)


@dataclass
class Prediction:
    """What the models expect after a text. An empty list with a message means that model is unavailable."""

    chars: list[tuple[str, float]] = field(default_factory=list)
    words: list[tuple[str, float]] = field(default_factory=list)
    char_message: str = ""
    word_message: str = ""
    partial: str = ""  # the word being typed that ``words`` complete ("" when they are next words)


def top_k(probs: np.ndarray, tokens: Sequence[str], k: int, label=lambda t: t) -> list[tuple[str, float]]:
    """The ``k`` most probable tokens with their probabilities, most probable first."""
    probs = np.asarray(probs, dtype=np.float64).reshape(-1)
    k = min(k, probs.size)
    if k <= 0:
        return []
    index = np.argpartition(-probs, k - 1)[:k]
    index = index[np.argsort(-probs[index])]
    return [(label(tokens[i]), float(probs[i])) for i in index]


def predict(engines: Any, text: str) -> Prediction:
    """Asks both language models about ``text`` (slow: call it in a worker thread)."""
    result = Prediction()
    chars, result.char_message = _ask(engines, "continuer", "Character model", lambda c: _next_chars(c, text))
    result.chars = chars or []
    words, result.word_message = _ask(engines, "completer", "Word model", lambda c: _next_words(c, text))
    if words is not None:
        result.partial, result.words = words
    return result


def _ask(engines: Any, name: str, model: str, question: Callable[[Any], Any]) -> tuple[Any, str]:
    """``(question(engines.<name>), "")``, or ``(None, why not)`` when there is no such engine, it is unavailable
    or it fails (``model`` names it in the message: "Word model unavailable: …")."""
    engine = engine_of(engines, name)
    if engine is None:
        return None, f"No {model.lower()}"
    if not getattr(engine, "available", False):
        return None, f"{model} unavailable: {getattr(engine, 'error', '')}"
    try:
        return question(engine), ""
    except Exception as exc:  # noqa: BLE001 - show the failure in the dock, not a crash
        logger.exception("%s prediction failed", model.lower())
        return None, f"{model} failed: {exc}"


def _next_chars(continuer: Any, text: str) -> list[tuple[str, float]]:
    """The continuer's most probable next characters after ``text``."""
    log_probs = continuer.next_char_log_probs(text)
    return top_k(np.exp(log_probs), continuer.vocab.tokens, TOP_CHARS, char_label)


def _next_words(completer: Any, text: str) -> tuple[str, list[tuple[str, float]]]:
    """``(the word being typed, what completes it)``, or ``("", the most probable next words)``."""
    match = _PARTIAL_WORD.search(text[-MAX_PARTIAL_CHARS:])
    if match and callable(getattr(completer, "suggest", None)):
        # The writer is in the middle of a word: show what completes it, as the grey text does.
        return match.group(), [(word_label(s.word), float(s.probability)) for s in completer.suggest(text, TOP_WORDS)]
    probs = completer.next_word_distribution(text)
    return "", top_k(probs, completer.vocab.tokens, TOP_WORDS, word_label)


class PredictionWorker(LatestRequestWorker):
    """Runs :func:`predict` in a worker thread; only the latest request is computed."""

    ready = Signal(int, object)  # request id, Prediction

    def __init__(self, engines: Any) -> None:
        super().__init__()
        self.engines = engines

    @Slot(int, str)
    def compute(self, request_id: int, text: str) -> None:
        if not self.is_latest(request_id):
            return  # a newer request is queued behind this one
        prediction = predict(self.engines, text)
        self.ready.emit(request_id, prediction)


class ProbabilityBars(QWidget):
    """Horizontal bars, one per label, their length the probability."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.items: list[tuple[str, float]] = []
        self.message = "Type to see what the model expects next."
        self.colors: EditorColors = editor_colors("light")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._update_size()

    def set_items(self, items: Sequence[tuple[str, float]], message: str = "") -> None:
        self.items = list(items)
        self.message = message
        summary = ", ".join(f"{label} {p:.0%}" for label, p in self.items) or message
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
        self._update_size()
        self.update()

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 6

    def _update_size(self) -> None:
        rows = max(1, len(self.items))
        self.setMinimumHeight(rows * self._row_height() + 4)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, max(1, len(self.items)) * self._row_height() + 4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        text_color = self.palette().color(self.foregroundRole())
        if not self.items:
            painter.setPen(self.colors.muted)
            painter.drawText(self.rect().adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                             self.message)
            return
        label_width = min(self.width() // 2, max(metrics.horizontalAdvance(label) for label, _ in self.items) + 12)
        percent_width = metrics.horizontalAdvance("100%") + 8
        bar_width = max(10, self.width() - label_width - percent_width - 8)
        row = self._row_height()
        for i, (label, probability) in enumerate(self.items):
            y = 2 + i * row
            painter.setPen(text_color)
            right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(4, y, label_width - 8, row), right, elided)
            track = QRectF(label_width, y + 3, bar_width, row - 6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.colors.bar_background)
            painter.drawRoundedRect(track, 3, 3)
            filled = QRectF(track.x(), track.y(), max(1.0, track.width() * max(0.0, min(1.0, probability))),
                            track.height())
            painter.setBrush(self.colors.bar)
            painter.drawRoundedRect(filled, 3, 3)
            painter.setPen(text_color)
            painter.drawText(QRectF(label_width + bar_width + 4, y, percent_width, row), Qt.AlignmentFlag.AlignVCenter,
                             f"{probability:.0%}" if probability >= 0.005 else "<1%")


class AttentionHeatMap(QWidget):
    """An attention matrix as a heat map: one row per target token, one column per source token."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Attention heat map")
        self.source: list[str] = []
        self.target: list[str] = []
        self.matrix = np.zeros((0, 0))
        self.colors: EditorColors = editor_colors("light")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_attention(self, source: Sequence[str], target: Sequence[str], matrix: Any) -> None:
        """``matrix[i][j]`` is how much target token ``i`` attended to source token ``j``."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape != (len(target), len(source)):
            raise ValueError(
                f"attention matrix has shape {matrix.shape}, expected ({len(target)}, {len(source)}) "
                "(target tokens x source tokens)"
            )
        self.source, self.target = [str(t) for t in source], [str(t) for t in target]
        self.matrix = np.nan_to_num(matrix, nan=0.0).clip(0.0, 1.0)
        strongest = [self.source[int(j)] for j in self.matrix.argmax(axis=1)] if self.source else []
        self.setAccessibleDescription(
            "; ".join(f"{t} looks at {s}" for t, s in zip(self.target, strongest)) or "no attention"
        )
        self.setMinimumHeight(self._layout()[3])
        self.updateGeometry()
        self.update()

    def _layout(self) -> tuple[int, int, int, int]:
        """``(label column width, header height, cell size, total height)``."""
        metrics = QFontMetrics(self.font())
        left = max([metrics.horizontalAdvance(t) for t in self.target] or [0]) + 10
        top = max([metrics.horizontalAdvance(s) for s in self.source] or [0]) + 10
        columns = max(1, len(self.source))
        cell = int(max(12, min(34, (self.width() - left - 6) / columns)))
        return left, top, cell, top + cell * max(1, len(self.target)) + 6

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(280, self._layout()[3] if self.target else 40)

    def cell_color(self, weight: float) -> QColor:
        """The colour of a cell with ``weight`` (0..1): from the background colour to the accent."""
        lo, hi = self.colors.heat_low, self.colors.heat_high
        w = math.sqrt(max(0.0, min(1.0, weight)))  # small weights stay visible
        return QColor(
            round(lo.red() + (hi.red() - lo.red()) * w),
            round(lo.green() + (hi.green() - lo.green()) * w),
            round(lo.blue() + (hi.blue() - lo.blue()) * w),
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        text_color = self.palette().color(self.foregroundRole())
        if not self.target or not self.source:
            painter.setPen(self.colors.muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Translate a sentence to see where the model looks.")
            return
        left, top, cell, _ = self._layout()
        painter.setPen(text_color)
        for j, token in enumerate(self.source):  # source tokens along the top, written upwards
            painter.save()
            painter.translate(left + j * cell + cell / 2 + 4, top - 6)
            painter.rotate(-90)
            painter.drawText(0, 0, token)
            painter.restore()
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        for i, token in enumerate(self.target):
            y = top + i * cell
            painter.setPen(text_color)
            painter.setFont(self.font())
            painter.drawText(QRectF(0, y, left - 6, cell), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             token)
            for j in range(len(self.source)):
                weight = float(self.matrix[i, j])
                color = self.cell_color(weight)
                rect = QRectF(left + j * cell, y, cell - 1, cell - 1)
                painter.fillRect(rect, color)
                if cell >= 26 and weight >= 0.1:
                    painter.setFont(small)
                    painter.setPen(QColor("#ffffff") if is_dark(color) else QColor("#202020"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, weight_label(weight))


class ModelViewDock(QDockWidget):
    """The model view dock. Call :meth:`request` with the text before the cursor as the writer types."""

    predictionShown = Signal(object)  # the Prediction now on screen

    _compute = Signal(int, str)

    def __init__(self, engines: Any, parent: QWidget | None = None) -> None:
        super().__init__("Model View", parent)
        self.setObjectName("modelViewDock")
        self.setAccessibleName("Model view")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self._next_id = 0
        self._pending_text: str | None = None
        self.shown_id = 0

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        self.context_label = QLabel(body)
        self.context_label.setAccessibleName("Text the models read")
        self.context_label.setWordWrap(True)
        self.context_label.setTextFormat(Qt.TextFormat.PlainText)
        self.char_title = QLabel("<b>Next character</b> — character model", body)
        self.char_bars = ProbabilityBars("Next character probabilities", body)
        self.word_title = QLabel(WORD_TITLE, body)
        self.word_bars = ProbabilityBars("Next word probabilities", body)
        self.attention_title = QLabel("<b>Attention</b> — last translation", body)
        self.heat_map = AttentionHeatMap(body)
        for widget in (self.context_label, self.char_title, self.char_bars, self.word_title, self.word_bars,
                       self.attention_title, self.heat_map):
            layout.addWidget(widget)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(260)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._send)

        self.worker = PredictionWorker(engines)
        self._thread = start_worker_thread(self, self.worker, "folio-model-view")
        self._compute.connect(self.worker.compute)
        self.worker.ready.connect(self._on_ready)

    # -- predictions ---------------------------------------------------------------------------------------------

    def request(self, text: str, immediately: bool = False) -> None:
        """Asks for the predictions after ``text`` (the newest request wins); nothing while the dock is hidden."""
        if not self.isVisible():
            return
        self._pending_text = text[-CONTEXT_CHARS:]
        if immediately:
            self._send()
        else:
            self._debounce.start()

    def _send(self) -> None:
        if self._pending_text is None or not self._thread.isRunning():
            return
        self._next_id += 1
        self.worker.set_latest(self._next_id)
        text, self._pending_text = self._pending_text, None
        self._show_context(text)
        self._compute.emit(self._next_id, text)

    @property
    def latest_id(self) -> int:
        return self._next_id

    def _show_context(self, text: str) -> None:
        tail = text[-40:].replace("\n", "⏎")
        self.context_label.setText(f"After “…{tail}▏”" if len(text) > 40 else f"After “{tail}▏”")

    @Slot(int, object)
    def _on_ready(self, request_id: int, prediction: Prediction) -> None:
        if request_id != self._next_id:
            return  # an older request finished after a newer one was made
        self.shown_id = request_id
        self.char_bars.set_items(prediction.chars, prediction.char_message)
        self.word_bars.set_items(prediction.words, prediction.word_message)
        partial = prediction.partial.replace("&", "&amp;").replace("<", "&lt;")
        self.word_title.setText(f"{WORD_TITLE}, completing “{partial}”" if partial else WORD_TITLE)
        self.predictionShown.emit(prediction)

    # -- attention -----------------------------------------------------------------------------------------------

    def show_attention(self, src_tokens: Sequence[str], tgt_tokens: Sequence[str], matrix: Any) -> None:
        """Draws a translation's attention (rows: target tokens, columns: source tokens) as a heat map."""
        self.heat_map.set_attention(src_tokens, tgt_tokens, matrix)

    # -- looks and lifetime ----------------------------------------------------------------------------------------

    def set_colors(self, colors: EditorColors) -> None:
        for widget in (self.char_bars, self.word_bars, self.heat_map):
            widget.colors = colors
            widget.update()

    def shutdown(self) -> None:
        """Stops the worker thread (waits for a running prediction)."""
        self._debounce.stop()
        self.worker.set_latest(-1)
        stop_thread(self._thread)
