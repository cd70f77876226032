"""The find and replace bar under the document: plain text or regular expressions, case and whole words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop.core.search import SearchError, SearchQuery
from desktop.core.utf16 import Utf16Map
from desktop.ui.document import document_text
from desktop.ui.editor import Editor


class _Field(QLineEdit):
    """A line edit that reports Escape (close the bar)."""

    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """Finds and replaces in the editor ``current_editor()`` returns (the current tab's)."""

    closed = Signal()

    def __init__(self, current_editor: Callable[[], Editor | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current_editor = current_editor
        self.setObjectName("findBar")
        self.setAccessibleName("Find and replace")
        self._build_widgets()
        self._lay_out()
        self._connect()
        self.hide()

    def _build_widgets(self) -> None:
        """The two fields, the options, the buttons and the result label, each with an accessible name."""
        self.find_edit = _Field(self)
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setAccessibleName("Find text")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = _Field(self)
        self.replace_edit.setPlaceholderText("Replace with (\\1 for a group)")
        self.replace_edit.setAccessibleName("Replacement text")
        self.regex_box = QCheckBox("Regular e&xpression", self)
        self.case_box = QCheckBox("Match &case", self)
        self.words_box = QCheckBox("&Whole words", self)
        self.next_button = QPushButton("&Next", self)
        self.previous_button = QPushButton("&Previous", self)
        self.replace_button = QPushButton("&Replace", self)
        self.replace_all_button = QPushButton("Replace &All", self)
        self.close_button = QPushButton("Close", self)
        self.message = QLabel(self)
        self.message.setAccessibleName("Find result")
        for widget, name in (
            (self.regex_box, "Use regular expressions"),
            (self.case_box, "Match case"),
            (self.words_box, "Whole words only"),
            (self.next_button, "Find next"),
            (self.previous_button, "Find previous"),
            (self.replace_button, "Replace"),
            (self.replace_all_button, "Replace all"),
            (self.close_button, "Close the find bar"),
        ):
            widget.setAccessibleName(name)
        self.close_button.setToolTip("Close (Esc)")

    def _lay_out(self) -> None:
        """Find on the first row with the options, Replace on the second."""
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        find_label = QLabel("F&ind:", self)
        find_label.setBuddy(self.find_edit)
        self.replace_label = QLabel("Re&place:", self)
        self.replace_label.setBuddy(self.replace_edit)
        grid.addWidget(find_label, 0, 0)
        grid.addWidget(self.find_edit, 0, 1)
        grid.addWidget(self.next_button, 0, 2)
        grid.addWidget(self.previous_button, 0, 3)
        options = QHBoxLayout()
        options.addWidget(self.regex_box)
        options.addWidget(self.case_box)
        options.addWidget(self.words_box)
        options.addWidget(self.message, 1)
        options.addWidget(self.close_button)
        grid.addLayout(options, 0, 4)
        grid.addWidget(self.replace_label, 1, 0)
        grid.addWidget(self.replace_edit, 1, 1)
        grid.addWidget(self.replace_button, 1, 2)
        grid.addWidget(self.replace_all_button, 1, 3)
        grid.setColumnStretch(1, 1)

    def _connect(self) -> None:
        """Return finds (or replaces), Esc closes, the buttons do what they say."""
        self.find_edit.returnPressed.connect(lambda: self.find_next())
        self.replace_edit.returnPressed.connect(self.replace)
        for field in (self.find_edit, self.replace_edit):
            field.escape.connect(self.close_bar)
        self.next_button.clicked.connect(lambda: self.find_next())
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.replace_button.clicked.connect(lambda: self.replace())
        self.replace_all_button.clicked.connect(lambda: self.replace_all())
        self.close_button.clicked.connect(self.close_bar)
        self.find_edit.textChanged.connect(lambda _t: self.message.clear())

    # -- showing -------------------------------------------------------------------------------------------------

    def show_find(self, replace: bool = False) -> None:
        """Shows the bar (with the replace row when ``replace``), the editor's selection as the search text."""
        editor = self.current_editor()
        if editor is not None:
            selected = editor.textCursor().selectedText()
            if selected and "\u2029" not in selected:
                self.find_edit.setText(selected)
        for widget in (self.replace_label, self.replace_edit, self.replace_button, self.replace_all_button):
            widget.setVisible(replace)
        self.show()
        target = self.replace_edit if replace and self.find_edit.text() else self.find_edit
        target.setFocus()
        target.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        editor = self.current_editor()
        if editor is not None:
            editor.setFocus()
        self.closed.emit()

    def query(self) -> SearchQuery:
        """The search as the bar's fields say."""
        return SearchQuery(
            self.find_edit.text(),
            regex=self.regex_box.isChecked(),
            case_sensitive=self.case_box.isChecked(),
            whole_words=self.words_box.isChecked(),
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)

    # -- finding -------------------------------------------------------------------------------------------------

    def find_again(self, backward: bool = False) -> None:
        """Find Next (Previous): the next match of the bar's search, or the bar itself while it has none."""
        if not self.find_edit.text():
            self.show_find(False)
            return
        self.find_next(backward=backward)

    def find_next(self, backward: bool = False) -> bool:
        """Selects the next (previous) match, wrapping around; returns whether there was one."""
        target = self._target()
        if target is None:
            return False
        editor, text, positions = target
        cursor = editor.textCursor()
        start = positions.from_utf16(cursor.selectionStart() if backward else cursor.selectionEnd())
        try:
            match = self.query().find(text, start, backward=backward)
        except SearchError as exc:
            self._say(str(exc))
            return False
        if match is None:
            self._say("No matches")
            return False
        wrapped = match.start < start if not backward else match.end > start
        self._select(editor, positions.to_utf16(match.start), positions.to_utf16(match.end))
        self._say("Wrapped around" if wrapped else "")
        return True

    def replace(self) -> bool:
        """Replaces the selected match and selects the next one; selects the first match when none is
        selected. Returns whether something was replaced."""
        target = self._target()
        if target is None:
            return False
        editor, text, positions = target
        cursor = editor.textCursor()
        start, end = positions.from_utf16(cursor.selectionStart()), positions.from_utf16(cursor.selectionEnd())
        try:
            match = self.query().match_at(text, start, end, self.replace_edit.text()) if end > start else None
        except SearchError as exc:
            self._say(str(exc))
            return False
        if match is None:
            self.find_next()
            return False
        cursor.insertText(match.replacement)
        editor.setTextCursor(cursor)
        self.find_next()
        return True

    def replace_all(self) -> int:
        """Replaces every match as one undo step; returns how many."""
        target = self._target()
        if target is None:
            return 0
        editor, text, positions = target
        try:
            matches = self.query().find_all(text, self.replace_edit.text())
        except SearchError as exc:
            self._say(str(exc))
            return 0
        if not matches:
            self._say("No matches")
            return 0
        cursor = QTextCursor(editor.document())
        cursor.beginEditBlock()
        for m in reversed(matches):
            cursor.setPosition(positions.to_utf16(m.start))
            cursor.setPosition(positions.to_utf16(m.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(m.replacement)
        cursor.endEditBlock()
        self._say(f"Replaced {len(matches)}")
        return len(matches)

    def _target(self) -> tuple[Editor, str, Utf16Map] | None:
        """The editor to search, its text and the map between its positions and Qt's (None without an editor)."""
        editor = self.current_editor()
        if editor is None:
            return None
        text = document_text(editor.document())
        return editor, text, Utf16Map(text)

    @staticmethod
    def _select(editor: Editor, start: int, end: int) -> None:
        cursor = editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
