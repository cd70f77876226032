"""Pieces of the window's status bar: a label that elides instead of pushing the bar wider, and the progress
of a large file being opened."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from desktop.ui.engine_status import short_provider

MODELS_SEPARATOR = "  |  "
LOAD_BAR_WIDTH = 120


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
