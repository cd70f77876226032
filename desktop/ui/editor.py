"""The text widget of one document: a QPlainTextEdit with layered extra selections, a centred text column,
focus mode, and file drops that open files instead of inserting their names."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QMimeData, QPoint, QSize, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QResizeEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QWidget

TEXT_COLUMN_CHARS = 84  # the text column is at most this many average characters wide
DOCUMENT_MARGIN = 14  # pixels around the text

ExtraSelection = QTextEdit.ExtraSelection

# Layers are drawn in this order; a later layer's format wins where they overlap.
LAYER_FOCUS = "focus"
LAYER_GENERATED = "generated"
LAYER_FIND = "find"
LAYER_SPELLING = "spelling"
LAYER_EXTERNAL = "external"  # whatever other code passes to setExtraSelections (e.g. a completion overlay)
LAYER_ORDER = (LAYER_FOCUS, LAYER_GENERATED, LAYER_SPELLING, LAYER_FIND, LAYER_EXTERNAL)


def local_files(mime: QMimeData) -> list[str]:
    """The local files a drag carries (none for text or remote URLs)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class Editor(QPlainTextEdit):
    """A plain-text editor. ``filesDropped`` reports local files dropped on it (the window opens them)."""

    filesDropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers: dict[str, list[ExtraSelection]] = {name: [] for name in LAYER_ORDER}
        self._focus_mode = False
        self._dim_color = QColor(128, 128, 128, 90)
        # Each is called with the context menu and the click position before the menu shows (spelling).
        self.menu_extenders: list[Callable[[QMenu, QPoint], None]] = []
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self.setTabChangesFocus(False)
        self.cursorPositionChanged.connect(self._update_focus_layer)
        self.document().contentsChanged.connect(self._update_focus_layer)

    # -- extra selections in layers -------------------------------------------------------------------------

    def set_layer(self, name: str, selections: Sequence[ExtraSelection]) -> None:
        """Replaces the extra selections of layer ``name`` (see ``LAYER_ORDER``) and redraws."""
        self._layers[name] = list(selections)
        combined: list[ExtraSelection] = []
        for layer in LAYER_ORDER:
            combined.extend(self._layers.get(layer, []))
        for layer, items in self._layers.items():
            if layer not in LAYER_ORDER:
                combined.extend(items)
        super().setExtraSelections(combined)

    def layer(self, name: str) -> list[ExtraSelection]:
        """The extra selections of layer ``name``."""
        return list(self._layers.get(name, []))

    def setExtraSelections(self, selections: Sequence[ExtraSelection]) -> None:  # noqa: N802 - Qt's name
        """Other code's extra selections go in their own layer, so they never erase Folio's marks."""
        self.set_layer(LAYER_EXTERNAL, selections)

    # -- focus mode --------------------------------------------------------------------------------------------

    @property
    def focus_mode(self) -> bool:
        """Whether every paragraph but the current one is dimmed."""
        return self._focus_mode

    def set_focus_mode(self, on: bool, dim_color: QColor | None = None) -> None:
        """Dims all but the current paragraph (``on``), or shows all text normally."""
        self._focus_mode = bool(on)
        if dim_color is not None:
            self._dim_color = QColor(dim_color)
        self._update_focus_layer()

    def _update_focus_layer(self) -> None:
        if not self._focus_mode:
            if self._layers[LAYER_FOCUS]:
                self.set_layer(LAYER_FOCUS, [])
            return
        block = self.textCursor().block()
        start, end = block.position(), block.position() + block.length() - 1
        last = max(0, self.document().characterCount() - 1)
        fmt = QTextCharFormat()
        fmt.setForeground(self._dim_color)
        selections = []
        for a, b in ((0, start), (end, last)):
            if b <= a:
                continue
            selection = ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.set_layer(LAYER_FOCUS, selections)

    def dimmed_ranges(self) -> list[tuple[int, int]]:
        """The ranges focus mode dims (for tests and accessibility)."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in self._layers[LAYER_FOCUS]]

    # -- layout: a centred column ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.update_column()

    def update_column(self) -> None:
        """Centres a text column at most ``TEXT_COLUMN_CHARS`` wide in a wide window."""
        column = self.fontMetrics().averageCharWidth() * TEXT_COLUMN_CHARS + 2 * DOCUMENT_MARGIN
        side = max(0, (self.width() - column) // 2)
        margins = self.viewportMargins()
        if margins.left() != side or margins.right() != side:
            self.setViewportMargins(side, 0, side, 0)
            # The margins shrink the viewport without a resize event of the editor: without this relayout the
            # lines keep the old, wider width and run under a horizontal scroll bar (e.g. beside a dock).
            super().resizeEvent(QResizeEvent(self.size(), QSize(-1, -1)))  # a width change: relayout

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.update_column()

    # -- the context menu --------------------------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        menu = self.createStandardContextMenu(event.pos())
        for extend in self.menu_extenders:
            extend(menu, event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- drops -------------------------------------------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt's name
        return bool(local_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        files = local_files(source)
        if files:
            self.filesDropped.emit(files)
            return
        super().insertFromMimeData(source)

