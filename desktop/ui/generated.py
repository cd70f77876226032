"""Honest AI: text a model inserted stays visibly marked until the writer edits inside it or accepts it.

:class:`GeneratedMarks` keeps the generated ranges of one document in Qt positions and moves them as the text
around them changes. An edit before a range shifts it; an insertion right at either end leaves it as it is
(the writer's own text next to generated text is not generated); any change inside a range that alters its
text ends the mark, because the writer has made that passage their own. Changes that do not alter the text
(highlighting, formats) keep the mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument

from desktop.ui.editor import LAYER_GENERATED, Editor, ExtraSelection

GENERATED_PROPERTY = "folio-generated"  # set on the marks' formats, so tests and tools can find them


@dataclass
class _Range:
    start: int
    end: int
    text: str  # the range's text when last checked: an unchanged text means an edit did not touch it


def _text(document: QTextDocument, start: int, end: int) -> str:
    cursor = QTextCursor(document)
    cursor.setPosition(max(0, min(start, document.characterCount() - 1)))
    cursor.setPosition(max(0, min(end, document.characterCount() - 1)), QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


class GeneratedMarks(QObject):
    """The generated, not yet accepted ranges of one editor's document, drawn as a subtle background."""

    changed = Signal()  # the set of marked ranges changed

    def __init__(self, editor: Editor, parent: QObject | None = None) -> None:
        super().__init__(parent or editor)
        self.editor = editor
        self.document = editor.document()
        self._ranges: list[_Range] = []
        self._background = QColor("#e6efff")
        self._underline = QColor("#7aa2e3")
        self.document.contentsChange.connect(self._on_contents_change)

    def set_colors(self, background: QColor, underline: QColor) -> None:
        """The marks' background and underline colours (from the theme)."""
        self._background, self._underline = QColor(background), QColor(underline)
        self._redraw()

    def ranges(self) -> list[tuple[int, int]]:
        """The marked ranges, ``(start, end)`` in Qt positions, in document order."""
        return [(r.start, r.end) for r in self._ranges]

    def texts(self) -> list[str]:
        """The marked passages' text (``\\n`` line breaks)."""
        return [r.text.replace("\u2029", "\n") for r in self._ranges]

    def mark(self, start: int, end: int) -> None:
        """Marks ``start..end`` as generated; adjoining or overlapping marks merge."""
        if end <= start:
            return
        merged = _Range(start, end, "")
        keep: list[_Range] = []
        for r in self._ranges:
            if r.end < merged.start or r.start > merged.end:
                keep.append(r)
            else:
                merged.start, merged.end = min(r.start, merged.start), max(r.end, merged.end)
        merged.text = _text(self.document, merged.start, merged.end)
        keep.append(merged)
        self._ranges = sorted(keep, key=lambda r: r.start)
        self._redraw()
        self.changed.emit()

    def accept(self, position: int | None = None) -> int:
        """Accepts the mark around ``position`` (all marks when None): it becomes plain text. Returns how many."""
        if position is None:
            count, self._ranges = len(self._ranges), []
        else:
            keep = [r for r in self._ranges if not (r.start <= position <= r.end)]
            count, self._ranges = len(self._ranges) - len(keep), keep
        if count:
            self._redraw()
            self.changed.emit()
        return count

    @Slot(int, int, int)
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if not self._ranges:
            return
        delta = added - removed
        keep: list[_Range] = []
        dropped = False
        for r in self._ranges:
            if position >= r.end:  # after the range, or an insertion right at its end
                keep.append(r)
            elif position + removed <= r.start:
                r.start += delta  # before the range, or an insertion right at its start
                r.end += delta
                keep.append(r)
            else:  # the change touches the range: keep it only if its text is unchanged
                end = r.end + delta if position + removed <= r.end else r.end
                if end > r.start and _text(self.document, r.start, end) == r.text:
                    r.end = end
                    keep.append(r)
                else:
                    dropped = True
        self._ranges = keep
        if dropped:
            self.changed.emit()
        self._redraw()

    def _redraw(self) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(self._background)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(self._underline)
        fmt.setToolTip("Written by a model. Edit it or use Assist ▸ Accept Generated Text to make it yours.")
        fmt.setProperty(QTextCharFormat.Property.UserProperty, GENERATED_PROPERTY)
        selections = []
        for r in self._ranges:
            cursor = QTextCursor(self.document)
            cursor.setPosition(r.start)
            cursor.setPosition(min(r.end, self.document.characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
            selection = ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.editor.set_layer(LAYER_GENERATED, selections)
