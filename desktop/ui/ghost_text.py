"""Widgets that show completion suggestions over a :class:`QPlainTextEdit`, without touching its document.

- :class:`GhostTextOverlay` paints the top suggestion in grey at the text cursor: a transparent child of the
  editor's viewport that lets mouse events through. The text starts exactly where typed text would (the
  cursor's x, the line's baseline, the editor's font). When it does not fit before the viewport's right margin
  it wraps at word boundaries onto the following lines if they are empty (the end of the document, blank
  lines), else it ends with an ellipsis: ghost text never hides the writer's other lines. Text after the cursor
  on its own line is covered while the suggestion shows.
- :class:`SuggestionPopup` lists the top suggestions with their probabilities under the cursor (Ctrl+Space).

Both only display text; :mod:`desktop.ui.completion` decides what to show and inserts what the writer picks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QKeyEvent, QPainter, QPaintEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

MAX_GHOST_LINES = 3  # wrapped ghost text stops (with an ellipsis) after this many lines
POPUP_MAX_ROWS = 8
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 1  # the popup item's probability, as text ("42%")
ELLIPSIS = "\u2026"
_PIECE = re.compile(r"\s*\S+")  # a word with the spaces before it: where ghost text may wrap


@dataclass(frozen=True)
class GhostLine:
    """One painted line of ghost text, in overlay coordinates."""

    text: str
    x: float  # where the text starts
    top: float  # the line's top; the baseline is ``top + ascent``
    width: float
    height: float
    caret_gap: float = 0.0  # left part of the line not to paint over (the blinking caret, on the cursor's row)


def wrap_ghost_text(
    text: str,
    metrics: QFontMetricsF,
    first_x: float,
    left: float,
    right: float,
    max_lines: int = MAX_GHOST_LINES,
) -> list[tuple[str, float]]:
    """Splits ``text`` into lines at word boundaries: the first starts at ``first_x`` (the cursor), the others at
    ``left`` (the text's left edge); a line ends before ``right``. Returns one ``(line text, x)`` pair per row;
    the first row's text is empty when not even the first word fitted after the cursor.

    A piece that continues the word being typed (no leading space) always stays on the first row, clipped if it
    must be; a word too long for a whole line gets a row of its own (and is clipped); spaces at the start of a
    wrapped row are dropped; text beyond ``max_lines`` rows is cut and the last row ends with an ellipsis.
    """
    pieces = _PIECE.findall(text) or [text]
    rows: list[tuple[str, float]] = []
    line: list[str] = []
    x = first_x
    for i, piece in enumerate(pieces):
        continues_word = i == 0 and not piece[:1].isspace()
        fresh_line = not line and x <= left
        if continues_word or fresh_line or x + metrics.horizontalAdvance("".join(line) + piece) <= right:
            line.append(piece)
            continue
        if len(rows) + 1 == max_lines:  # no row left: end this one with an ellipsis that fits
            while len(line) > 1 and x + metrics.horizontalAdvance("".join(line).rstrip() + ELLIPSIS) > right:
                line.pop()
            rows.append(("".join(line).rstrip() + ELLIPSIS, x))
            return rows
        rows.append(("".join(line), x))
        line, x = [piece.lstrip()], left
    rows.append(("".join(line), x))
    return rows


def free_lines_below(cursor: QTextCursor, limit: int) -> int:
    """How many lines below the cursor's line are empty (at most ``limit``), so wrapped ghost text covers no text:
    none when text follows the cursor in its paragraph, ``limit`` at the end of the document."""
    if not cursor.atBlockEnd():
        return 0
    block, free = cursor.block().next(), 0
    while free < limit:
        if not block.isValid():
            return limit  # the end of the document: nothing below
        if block.length() > 1:  # a paragraph with text
            break
        free += 1
        block = block.next()
    return free


class GhostTextOverlay(QWidget):
    """Grey ghost text at ``editor``'s text cursor, painted over the viewport; the document never sees it.

    :meth:`show_text` shows (or replaces) the text, :meth:`clear` hides it, :meth:`relayout` follows the cursor
    after scrolling or resizing. ``painted`` reports each paint with the token given to :meth:`show_text` (the
    controller passes its request id, so a benchmark can tell which suggestion reached the screen).
    """

    painted = Signal(int)  # token of the ghost text just painted

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor.viewport())
        self.editor = editor
        self.setObjectName("ghostText")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Suggestion")
        self._text = ""
        self._token = 0
        self._lines: list[GhostLine] = []
        self._ascent = 0.0
        self.hide()

    @property
    def text(self) -> str:
        """The ghost text shown ("" when hidden)."""
        return self._text

    @property
    def token(self) -> int:
        """The token passed with the text shown (0 when hidden)."""
        return self._token

    @property
    def lines(self) -> list[GhostLine]:
        """The laid-out lines (overlay coordinates); empty when hidden."""
        return list(self._lines)

    def show_text(self, text: str, token: int = 0) -> None:
        """Shows ``text`` at the editor's cursor (hides the overlay when ``text`` is empty)."""
        if not text:
            self.clear()
            return
        text = " ".join(text.splitlines())  # one run of text; wrapping is the overlay's business
        self._text, self._token = text, token
        self.setAccessibleDescription(text)
        self.relayout()

    def clear(self) -> None:
        """Hides the ghost text."""
        self._text, self._token, self._lines = "", 0, []
        if self.isVisible():
            self.hide()

    def relayout(self) -> None:
        """Places the text at the editor's current cursor (call after scrolling, resizing, font changes)."""
        if not self._text:
            return
        editor = self.editor
        viewport = editor.viewport()
        font = editor.font()
        metrics = QFontMetricsF(font)
        cursor_rect = QRectF(editor.cursorRect())
        line_height = cursor_rect.height() or metrics.height()
        margin = editor.document().documentMargin()
        cursor = editor.textCursor()
        left = float(editor.cursorRect(QTextCursor(cursor.block())).left())
        right = float(viewport.width())
        rows = 1
        if editor.lineWrapMode() != QPlainTextEdit.LineWrapMode.NoWrap:
            right -= margin
            rows += free_lines_below(cursor, MAX_GHOST_LINES - 1)
        wrapped = wrap_ghost_text(self._text, metrics, cursor_rect.left(), left, right, rows)
        lines = []
        for row, (text, x) in enumerate(wrapped):
            if not text:
                continue
            top = cursor_rect.top() + line_height * row
            gap = float(editor.cursorWidth()) if row == 0 else 0.0
            lines.append(GhostLine(text, x, top, metrics.horizontalAdvance(text), line_height, gap))
        bounds = QRectF()
        for line in lines:
            bounds = bounds.united(QRectF(line.x, line.top, line.width + 2, line.height))
        area = bounds.toAlignedRect().intersected(viewport.rect())
        if area.isEmpty():  # scrolled out of view
            self._lines = []
            self.hide()
            return
        origin = QPointF(area.topLeft())
        self._lines = [
            GhostLine(ln.text, ln.x - origin.x(), ln.top - origin.y(), ln.width, ln.height, ln.caret_gap)
            for ln in lines
        ]
        self._ascent = metrics.ascent()
        self.setFont(font)
        self.setGeometry(area)
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Paints each line in the placeholder colour over the editor's background colour (text that follows the
        cursor on its line, or lies on the lines below, is covered while the suggestion shows)."""
        if not self._lines:
            return
        painter = QPainter(self)
        palette = self.editor.palette()
        base = palette.color(QPalette.ColorRole.Base)
        grey = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(self.editor.font())
        for line in self._lines:
            gap = line.caret_gap
            painter.fillRect(QRectF(line.x + gap, line.top, line.width + 2 - gap, line.height), base)
            painter.setPen(grey)
            painter.drawText(QPointF(line.x, line.top + self._ascent), line.text)
        painter.end()
        self.painted.emit(self._token)


class _PercentDelegate(QStyledItemDelegate):
    """Draws an item as usual, with its probability right-aligned and dimmed."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):
        super().paint(painter, option, index)
        percent = index.data(PERCENT_ROLE)
        if not percent:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(0, 0, -6, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, percent)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        percent = index.data(PERCENT_ROLE)
        if percent:
            size.setWidth(size.width() + option.fontMetrics.horizontalAdvance("  " + percent) + 12)
        return size


def format_percent(probability: float) -> str:
    """0.4231 -> "42%"; tiny values read "<1%"."""
    percent = 100.0 * probability
    return "<1%" if percent < 0.5 else f"{percent:.0f}%"


class SuggestionPopup(QListWidget):
    """A popup list of suggestions with their probabilities, opened under the editor's cursor.

    Up/Down move, Enter/Return/Tab or a click pick (``picked`` with the row), Esc closes; any other key closes
    the list and goes on to the editor, so typing is never lost.
    """

    picked = Signal(int)  # row

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setObjectName("suggestionList")
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setAccessibleName("Suggestions")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setItemDelegate(_PercentDelegate(self))
        self.itemClicked.connect(lambda item: self._pick(self.row(item)))

    def open(self, entries: Sequence[tuple[str, float]]) -> None:
        """Shows ``(text, probability)`` entries under the cursor, the first selected."""
        self.clear()
        for text, probability in entries:
            percent = format_percent(probability)
            item = QListWidgetItem(text)
            item.setData(PERCENT_ROLE, percent)
            item.setToolTip(f"{text} ({percent})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{text}, {percent}")
            self.addItem(item)
        if not entries:
            return
        self.setFont(self.editor.font())
        self.setCurrentRow(0)
        rows = min(len(entries), POPUP_MAX_ROWS)
        frame = 2 * self.frameWidth()
        width = max(self.sizeHintForColumn(0) + frame + 4, 160)
        height = rows * self.sizeHintForRow(0) + frame
        rect = self.editor.cursorRect()
        below = self.editor.viewport().mapToGlobal(rect.bottomLeft() + QPoint(0, 2))
        geometry = QRect(below, QSize(width, height))
        screen = QGuiApplication.screenAt(below) or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            if geometry.bottom() > available.bottom():  # no room below the line: open above it
                above = self.editor.viewport().mapToGlobal(rect.topLeft() - QPoint(0, 2))
                geometry.moveBottom(above.y())
            if geometry.right() > available.right():
                geometry.moveRight(available.right())
            geometry.moveLeft(max(geometry.left(), available.left()))
        self.setGeometry(geometry)
        self.show()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, row: int) -> None:
        if 0 <= row < self.count():
            self.hide()
            self.picked.emit(row)

    def event(self, event: QEvent) -> bool:
        """Takes Tab before Qt's focus navigation does (Tab picks, like Enter)."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Tab and not event.modifiers():
                self._pick(self.currentRow())
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter/Return pick, Esc closes, navigation keys move; other keys close the list and reach the editor."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._pick(self.currentRow())
        elif key == Qt.Key.Key_Escape:
            self.hide()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
                     Qt.Key.Key_End):
            super().keyPressEvent(event)
        else:
            self.hide()
            forwarded = QKeyEvent(event.type(), key, event.modifiers(), event.text(), event.isAutoRepeat(),
                                  event.count())
            QApplication.sendEvent(self.editor, forwarded)
