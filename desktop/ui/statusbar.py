"""The window's status bar: counts, cursor position, daily goal, encoding, the models, generated text, the
progress of a large file being opened or of a document being translated, and unavailable features.

:class:`StatusBar` owns these widgets and says what the window tells it (``show_*``); it decides nothing. Its
temporary messages are ``QStatusBar.showMessage`` (for :data:`STATUS_TIMEOUT_MS`, or a multiple of it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QTextCursor
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from desktop.core.textformat import FileFormat, describe_format
from desktop.core.textstats import goal_progress
from desktop.ui.engine_status import short_provider
from desktop.ui.feature_status import FeatureStatus

MODELS_SEPARATOR = "  |  "
LOAD_BAR_WIDTH = 120
STATUS_TIMEOUT_MS = 5000  # how long a temporary message stays


class ElidedLabel(QLabel):
    """A one-line label that asks for little room. It draws its text when it fits, else its short text
    (:meth:`set_short_text`) when that fits, else the short text elided (…); :meth:`text` and the tooltip keep
    the whole text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._short = ""

    def set_short_text(self, text: str) -> None:
        """What to draw when the whole text does not fit."""
        self._short = text
        self.update()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text.replace(MODELS_SEPARATOR, "\n"))
        self.setAccessibleDescription(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(QFontMetrics(self.font()).horizontalAdvance("…") * 4, super().minimumSizeHint().height())

    def visible_text(self) -> str:
        """The text as drawn at the label's current width."""
        width, metrics = self.contentsRect().width(), QFontMetrics(self.font())
        if metrics.horizontalAdvance(self.text()) <= width or not self._short:
            return metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, width)
        return metrics.elidedText(self._short, Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.visible_text())


def models_summary(parts: list[str]) -> str:
    """One line naming each model and its provider: ``"Shakespeare: … · CPU  |  Completion: … · CPU"``."""
    return MODELS_SEPARATOR.join(p for p in parts if p)


def short_models_summary(models: list[tuple[str, Any]]) -> str:
    """The same in few words, for a narrow window: ``"shakespeare-char · english-word · tatoeba-en-fr · CPU"``.
    ``models`` holds ``(feature, EngineInfo or None while loading)`` pairs."""
    loaded = [(feature, info) for feature, info in models if info is not None and info.available]
    providers = {short_provider(info.provider) for _, info in loaded}
    parts = []
    for feature, info in models:
        if info is None:
            parts.append(f"{feature} loading…")
        elif not info.available:
            parts.append(f"no {feature.lower()}")
        else:
            provider = short_provider(info.provider)
            parts.append(info.name if len(providers) == 1 or not provider else f"{info.name} ({provider})")
    if len(providers) == 1 and (only := next(iter(providers))):
        parts.append(only)
    return " · ".join(parts)


def make_load_bar(parent: QWidget) -> QProgressBar:
    """The status bar's progress bar for a large file being opened (hidden until one is)."""
    bar = QProgressBar(parent)
    bar.setObjectName("loadProgress")
    bar.setAccessibleName("Opening file")
    bar.setRange(0, 100)
    bar.setMaximumWidth(LOAD_BAR_WIDTH)
    bar.setMaximumHeight(14)
    bar.hide()
    return bar


class StatusBar(QStatusBar):
    """The window's status bar. ``acceptGenerated`` and ``cancelTranslation`` are its buttons' clicks;
    ``feature_status.clicked`` asks for the About dialog."""

    acceptGenerated = Signal()
    cancelTranslation = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status")
        self.stats_label = self._label("Word and character count")
        self.position_label = self._label("Cursor position")
        self.goal_bar = QProgressBar(self)
        self.goal_bar.setAccessibleName("Daily word goal progress")
        self.goal_bar.setMaximumWidth(80)
        self.goal_bar.setMaximumHeight(14)
        self.goal_bar.setTextVisible(False)
        self.goal_label = self._label("Daily word goal")
        self.format_label = self._label("Encoding and line endings")
        self.load_bar = make_load_bar(self)
        # The models take the room temporary messages use: a message hides them for its few seconds, so it is
        # never cut off by them, and they never push the bar wider than the window.
        self.model_label = ElidedLabel(self)
        self.model_label.setAccessibleName("Models and execution providers")
        self.addWidget(self.model_label, 1)
        self.messageChanged.connect(lambda message: self.setToolTip(message))
        self.generated_button = QPushButton(self)
        self.generated_button.setFlat(True)
        self.generated_button.setAccessibleName("Accept generated text")
        self.generated_button.clicked.connect(self.acceptGenerated)
        self.generated_button.hide()
        self._build_translation_progress()
        self.feature_status = FeatureStatus(self)  # one indicator per unavailable feature, its reason as tooltip
        for widget in (self.load_bar, self.generated_button, self.stats_label, self.position_label, self.goal_label,
                       self.goal_bar, self.format_label, self.feature_status):
            self.addPermanentWidget(widget)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setAccessibleName(name)
        return label

    def _build_translation_progress(self) -> None:
        self.translation_progress = QProgressBar(self)
        self.translation_progress.setObjectName("documentTranslationProgress")
        self.translation_progress.setAccessibleName("Document translation progress")
        self.translation_progress.setMaximumWidth(140)
        self.translation_progress.setMaximumHeight(16)
        self.translation_progress.setFormat("French %v/%m")
        self.translation_cancel_button = QPushButton("Cancel Translation", self)
        self.translation_cancel_button.setObjectName("cancelDocumentTranslation")
        self.translation_cancel_button.setFlat(True)
        self.translation_cancel_button.clicked.connect(self.cancelTranslation)
        for widget in (self.translation_progress, self.translation_cancel_button):
            self.addPermanentWidget(widget)
            widget.hide()

    def show_stats(self, summary: str | None) -> None:
        """The document's counts (None: still counting)."""
        self.stats_label.setText(summary if summary is not None else "Counting words…")

    def show_position(self, cursor: QTextCursor) -> None:
        self.position_label.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")

    def show_goal(self, today: int, goal: int) -> None:
        """Today's words against the daily goal; hidden when there is no goal (0)."""
        visible = goal > 0
        self.goal_bar.setVisible(visible)
        self.goal_label.setVisible(visible)
        if not visible:
            return
        self.goal_bar.setRange(0, goal)
        self.goal_bar.setValue(min(today, goal))
        done = " ✓" if today >= goal else ""
        self.goal_label.setText(f"Today {today:,} / {goal:,}{done}")
        tip = f"{today:,} of today's {goal:,} words ({goal_progress(today, goal):.0%})"
        self.goal_bar.setToolTip(tip)
        self.goal_label.setToolTip(tip)

    def show_format(self, file_format: FileFormat) -> None:
        """The document's encoding and line endings."""
        text = describe_format(file_format)
        self.format_label.setText(text.replace(" line endings", ""))
        self.format_label.setToolTip(f"{text}. Saving keeps them; File ▸ Reopen with Encoding reads the file as "
                                     "another encoding.")

    def show_models(self, parts: list[str], models: list[tuple[str, Any]]) -> None:
        """Each model and its provider (:func:`models_summary`), shortened when the bar is narrow."""
        self.model_label.setText(models_summary(parts))
        self.model_label.set_short_text(short_models_summary(models))

    def show_generated(self, count: int) -> None:
        """How many generated passages the document holds, as a button that accepts them (hidden at 0)."""
        self.generated_button.setVisible(count > 0)
        self.generated_button.setText(f"✦ {count} generated · Accept")
        self.generated_button.setToolTip("Model-written text is marked until you edit it or accept it "
                                         "(Assist ▸ Accept Generated Text, Ctrl+Shift+A)")

    def show_load_progress(self, name: str, percent: int) -> None:
        """A large file ``name`` is ``percent`` opened; :meth:`hide_load_progress` when it is in."""
        self.load_bar.setValue(percent)
        self.load_bar.show()
        self.showMessage(f"Opening {name}… {percent}%")

    def hide_load_progress(self) -> None:
        self.load_bar.hide()

    def start_translation_progress(self) -> None:
        """A document translation started: a busy bar (until :meth:`show_translation_progress`) and Cancel."""
        self.translation_progress.setRange(0, 0)
        self.translation_progress.show()
        self.translation_cancel_button.show()

    def show_translation_progress(self, done: int, total: int) -> None:
        """``done`` of the document's ``total`` sentences are translated."""
        self.translation_progress.setRange(0, max(1, total))
        self.translation_progress.setValue(done)

    def end_translation_progress(self, message: str) -> None:
        """The document translation ended; ``message`` says how."""
        self.translation_progress.hide()
        self.translation_cancel_button.hide()
        self.showMessage(message, 2 * STATUS_TIMEOUT_MS)
