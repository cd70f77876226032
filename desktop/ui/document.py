"""One open document: its editor, file, continuation and completion controllers, generated-text marks and helpers.

:class:`DocumentTab` knows nothing of dialogs: reading and saving raise :class:`desktop.core.files.FileError`,
and the window decides what to tell the writer. The tab builds both of its models' controllers (continuation,
word completion); the window wires their signals, passes the preferences on and loads their engines.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont, QTextCursor, QTextDocument
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.files import read_text_file, write_text_atomic
from desktop.core.markdown import is_markdown_path
from desktop.core.recovery import RecoveryEntry, new_id
from desktop.core.textformat import FileFormat
from desktop.core.textstats import count_words
from desktop.core.utf16 import utf16_length
from desktop.ui.completion import CompletionController
from desktop.ui.continuation import ContinuationController
from desktop.ui.editor import Editor
from desktop.ui.engine_status import EnginesLike
from desktop.ui.generated import GeneratedMarks
from desktop.ui.highlighter import MarkdownHighlighter
from desktop.ui.live_stats import BlockCounts
from desktop.ui.theme import EditorColors, editor_colors

logger = logging.getLogger(__name__)

UNTITLED = "Untitled"
LOAD_CHUNK_CHARS = 1 << 20  # a long text goes into the editor this many characters at a time


def document_text(document: QTextDocument) -> str:
    """The document's text as saved: ``\\n`` line breaks, other characters (non-breaking spaces) kept as typed."""
    return document.toRawText().replace("\u2029", "\n").replace("\u2028", "\n")


def fingerprint(path: Path | None) -> tuple[int, int] | None:
    """``(mtime_ns, size)`` of ``path``, or None when it does not exist: how Folio tells that a file changed."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class DocumentTab(QWidget):
    """A tab of the window: one document."""

    titleChanged = Signal()  # the name or the modified flag changed
    pathChanged = Signal(object, object)  # old path, new path (Path | None)
    formatChanged = Signal()  # the file's encoding, byte order mark or line endings changed

    def __init__(self, engines: EnginesLike, parent: QWidget | None = None, doc_id: str | None = None) -> None:
        super().__init__(parent)
        self.doc_id = doc_id or new_id()
        self.engines = engines
        self._path: Path | None = None
        self._format = FileFormat()
        self.loading = False  # a large file is going into the editor (counts and the daily tally wait)
        self.disk_fingerprint: tuple[int, int] | None = None  # the file as Folio last read or wrote it
        self.autosaved_key: int | None = None  # hash of what the recovery copy holds (None: no copy)

        self.editor = Editor(self)
        self.editor.setObjectName("documentEditor")
        self.editor.setAccessibleDescription("The text of the open document")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

        self.controller = ContinuationController(self.editor.document(), engines, self)
        # Word completion: what the writer accepts from it (Tab) is the writer's own text, not marked as generated.
        self.completion = CompletionController(self.editor, engines)
        self.marks = GeneratedMarks(self.editor, self)
        self.counts = BlockCounts(self.editor.document(), self)  # live word and character counts
        self.highlighter: MarkdownHighlighter | None = None
        self._colors = editor_colors("light")
        self.controller.textInserted.connect(self._on_generated_text)
        self.editor.document().modificationChanged.connect(lambda _m: self.titleChanged.emit())
        self._update_accessible_name()
        self.editor.document().clearUndoRedoStacks()  # setting the margin counts as an edit
        self.set_modified(False)

    # -- identity ----------------------------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """The document's file (None for a new, never saved document)."""
        return self._path

    def set_path(self, path: Path | None) -> None:
        old = self._path
        self._path = Path(path).resolve() if path is not None else None
        self._update_highlighter()
        self._update_accessible_name()
        if old != self._path:
            self.pathChanged.emit(old, self._path)
        self.titleChanged.emit()

    @property
    def title(self) -> str:
        """The file's name, or "Untitled"."""
        return self._path.name if self._path is not None else UNTITLED

    @property
    def tally_key(self) -> str:
        """The key of this document in the daily word tally."""
        return str(self._path) if self._path is not None else f"untitled:{self.doc_id}"

    @property
    def modified(self) -> bool:
        """Whether the document has unsaved changes."""
        return self.editor.document().isModified()

    @property
    def file_format(self) -> FileFormat:
        """How the file is written: encoding, byte order mark, line endings (see :mod:`desktop.core.textformat`)."""
        return self._format

    def set_file_format(self, fmt: FileFormat) -> None:
        if fmt != self._format or fmt.layout is not self._format.layout:
            self._format = fmt
            self.formatChanged.emit()

    @property
    def newline(self) -> str:
        """The line ending of the document's file (its most common one)."""
        return self._format.newline

    def set_modified(self, modified: bool) -> None:
        self.editor.document().setModified(modified)

    @property
    def is_pristine(self) -> bool:
        """An untitled, empty, unmodified document: opening a file may take its place."""
        return self._path is None and not self.modified and self.editor.document().isEmpty()

    def text(self) -> str:
        """The document's text, as it would be saved."""
        return document_text(self.editor.document())

    def _update_accessible_name(self) -> None:
        self.editor.setAccessibleName(f"Document text: {self.title}")

    # -- loading and saving ------------------------------------------------------------------------------------

    def set_content(self, text: str, path: Path | None, newline: str = "\n", modified: bool = False,
                    file_format: FileFormat | None = None,
                    progress: Callable[[int, int], None] | None = None) -> None:
        """Replaces the text (a fresh undo history), the file it belongs to and that file's format (by default
        UTF-8 with ``newline`` line endings). With ``progress``, a long text goes in by chunks and
        ``progress(characters in, total)`` is called after each (the window shows it and paints)."""
        self.controller.cancel()
        self.marks.accept()
        if progress is None or len(text) <= LOAD_CHUNK_CHARS:
            self.editor.setPlainText(text)
        else:
            self._set_text_in_chunks(text, progress)
        self.set_file_format(file_format if file_format is not None else FileFormat(newline=newline))
        self.set_path(path)
        self.set_modified(modified)
        self.disk_fingerprint = fingerprint(self._path)

    def _set_text_in_chunks(self, text: str, progress: Callable[[int, int], None]) -> None:
        """``setPlainText(text)`` a chunk at a time, read-only meanwhile and without undo steps."""
        editor, document = self.editor, self.editor.document()
        read_only = editor.isReadOnly()
        editor.setReadOnly(True)
        document.setUndoRedoEnabled(False)
        self.loading = True
        try:
            editor.setPlainText(text[:LOAD_CHUNK_CHARS])
            cursor = QTextCursor(document)
            for start in range(LOAD_CHUNK_CHARS, len(text), LOAD_CHUNK_CHARS):
                document.setModified(False)  # a half-loaded document is no unsaved work (autosave skips it)
                progress(start, len(text))
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertText(text[start : start + LOAD_CHUNK_CHARS])
            progress(len(text), len(text))
        finally:
            self.loading = False
            document.setUndoRedoEnabled(True)
            editor.setReadOnly(read_only)
            editor.moveCursor(QTextCursor.MoveOperation.Start)

    def load(self, path: str | Path, encoding: str | None = None) -> None:
        """Reads ``path`` (in ``encoding``, else the one detected) into the document; raises
        :class:`desktop.core.files.FileError` and then changes nothing."""
        path = Path(path)
        loaded = read_text_file(path, encoding)
        self.set_content(loaded.text, path, file_format=loaded.format)

    def reload(self, encoding: str | None = None) -> None:
        """Reads the file again (in ``encoding`` when given; keeping the cursor where it can); raises
        :class:`desktop.core.files.FileError`."""
        if self._path is None:
            return
        position = self.editor.textCursor().position()
        self.load(self._path, encoding)
        self.set_cursor(position)

    def save_to(self, path: str | Path) -> None:
        """Saves to ``path`` atomically; raises :class:`desktop.core.files.FileError`, and then the old file, the
        document's own file name and its modified flag stay as they were."""
        path = Path(path)
        write_text_atomic(path, self.text(), fmt=self._format)
        self.set_path(path)
        self.set_modified(False)
        self.disk_fingerprint = fingerprint(self._path)

    # -- cursor --------------------------------------------------------------------------------------------------

    def cursor_position(self) -> int:
        return self.editor.textCursor().position()

    def set_cursor(self, position: int, scroll: int | None = None) -> None:
        """Puts the cursor at ``position`` (clamped) and shows it."""
        cursor = self.editor.textCursor()
        cursor.setPosition(max(0, min(int(position), self.editor.document().characterCount() - 1)))
        self.editor.setTextCursor(cursor)
        if scroll is not None:
            self.editor.verticalScrollBar().setValue(int(scroll))
        else:
            self.editor.ensureCursorVisible()

    def recovery_entry(self) -> RecoveryEntry:
        """The autosave copy of this document as it is now."""
        return RecoveryEntry(
            doc_id=self.doc_id,
            text=self.text(),
            path=str(self._path) if self._path is not None else None,
            title=self.title,
            cursor=self.cursor_position(),
            newline=self.newline,
        )

    # -- looks ---------------------------------------------------------------------------------------------------

    def set_colors(self, colors: EditorColors) -> None:
        """Theme colours for the marks, the highlighter and focus mode."""
        self._colors = colors
        self.marks.set_colors(colors.generated_background, colors.generated_border)
        if self.highlighter is not None:
            self.highlighter.set_colors(colors)
        self.editor.set_focus_mode(self.editor.focus_mode, colors.dimmed_text)

    def set_editor_font(self, font: QFont) -> None:
        self.editor.setFont(font)

    def _update_highlighter(self) -> None:
        markdown = is_markdown_path(self._path)
        if markdown and self.highlighter is None:
            self.highlighter = MarkdownHighlighter(self.editor.document(), self._colors)
            self.highlighter.rehighlight()  # now, not on the next event loop turn
        elif not markdown and self.highlighter is not None:
            self.highlighter.setDocument(None)
            self.highlighter.deleteLater()
            self.highlighter = None

    # -- generated text ------------------------------------------------------------------------------------------

    @Slot(int, str)
    def _on_generated_text(self, request_id: int, text: str) -> None:
        end = self.controller.inserter.position
        if end >= 0:
            self.mark_generated(end - utf16_length(text), end)

    def mark_generated(self, start: int, end: int) -> None:
        """Hook for every feature that inserts model text: marks ``start..end`` (Qt positions) as generated."""
        self.marks.mark(start, end)

    def insert_generated(self, text: str) -> tuple[int, int]:
        """Inserts ``text`` at the cursor (replacing the selection) as one undo step, marked as generated;
        returns the range."""
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        end = cursor.position()
        start = end - utf16_length(text)
        self.editor.setTextCursor(cursor)
        self.mark_generated(start, end)
        return start, end

    def own_words(self, total: int | None = None) -> int:
        """Words the writer wrote: all of the document's words but those in unaccepted generated passages
        (``total`` is the document's word count when the caller has it). The daily goal counts these."""
        total = self.counts.finish().words if total is None else total
        return max(0, total - sum(count_words(t) for t in self.marks.texts()))

    def accept_generated(self) -> int:
        """Accepts every generated passage of the document (they become ordinary text); returns how many."""
        return self.marks.accept()

    # -- lifetime and moving around -------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stops the continuation and completion workers (before the tab goes away)."""
        self.controller.shutdown()
        self.completion.shutdown()

    def go_to_line(self, line: int) -> int:
        """Moves the cursor to the start of ``line`` (1-based, clamped); returns the line it went to."""
        document = self.editor.document()
        line = max(1, min(int(line), document.blockCount()))
        cursor = QTextCursor(document.findBlockByNumber(line - 1))
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        return line
