"""Translate to French: the selection in the translation panel, or a whole document into a new tab.

:class:`TranslationCommands` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.translation``):
the panel (``window.translation_panel``, in its dock) translates a sentence or a selection; the document
translation worker (``window.document_translation``) a whole document, with its progress in the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot

from desktop.runtime.translation_text import has_letters
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.translation import selected_text
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["TranslationCommands"]


class TranslationCommands(WindowPart):
    """The window's two translation commands and the document translation's progress."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        worker = window.document_translation
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_translated)
        worker.cancelled.connect(lambda: self._end("Translation cancelled"))
        worker.failed.connect(self._end)

    @Slot()
    def translate_selection(self) -> int | None:
        """Translates the selection (or the sentence at the cursor) into French in the translation panel;
        returns the request id, or None when there is nothing to translate."""
        self.window.translation_dock.show()
        self.window.translation_dock.raise_()
        return self.window.translation_panel.translate_from(self.window.current_tab())

    @Slot()
    def translate_document(self) -> int | None:
        """Translates the selection, or else the whole document, into French in a new tab (in a worker, with
        progress in the status bar and Cancel); returns the job id, or None when there is nothing to translate."""
        tab, bar = self.window.current_tab(), self.window.status_bar
        cursor = tab.editor.textCursor()
        text = selected_text(cursor) if cursor.hasSelection() else tab.editor.toPlainText()
        if not has_letters(text):
            bar.showMessage("Nothing to translate: the document has no words", STATUS_TIMEOUT_MS)
            return None
        job = self.window.document_translation.start(text, tab.title)
        bar.start_translation_progress()
        bar.showMessage("Translating into French… (the editor stays yours meanwhile)")
        return job

    @Slot()
    def cancel_document(self) -> None:
        """Stops the running document translation."""
        self.window.document_translation.cancel()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.window.status_bar.show_translation_progress(done, total)

    @Slot(str, object)
    def _on_translated(self, title: str, result: Any) -> None:
        tab = self.window.new_tab()
        tab.editor.setPlainText(result.text)
        tab.mark_generated(0, tab.editor.document().characterCount() - 1)
        unsure = (f"; {result.unsure} may be wrong (unusual or long sentences)" if result.unsure else "")
        self._end(f"Translated {title} into French: {result.sentences} sentences{unsure}")

    @Slot(str)
    def _end(self, message: str) -> None:
        self.window.status_bar.end_translation_progress(message)
