"""What Folio learns about the writer: the words, names and numbers of their documents, for completion.

:class:`LearnedWords` keeps a :class:`~desktop.runtime.writer_memory.WriterMemory` for a
:class:`~desktop.ui.main_window.MainWindow` (``window.learned``): it learns from documents when they are saved,
closed or autosaved (if the preferences allow), and forgets everything when the writer asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMessageBox

from desktop.core.files import FileError
from desktop.runtime.writer_memory import WriterMemory
from desktop.ui.document import DocumentTab
from desktop.ui.startup import APP_NAME
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["LearnedWords"]


class LearnedWords(WindowPart):
    """The writer's learned words (``memory``, from ``window.locations.learned_words_file``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.memory = WriterMemory.load(window.locations.learned_words_file)
        self._learned_keys: dict[str, int] = {}  # document key -> hash of the text last learned from it

    def learn_from(self, tabs: Iterable[DocumentTab]) -> int:
        """Learns the writer's words in ``tabs`` (but unaccepted generated passages) when the preferences allow,
        and saves the memory when it grew; returns how many word uses were new. Documents unchanged since they were
        last learned are skipped."""
        if not self.window.preferences.learn_words:
            return 0
        new = 0
        for tab in tabs:
            text = tab.text()
            fingerprint = hash(text)
            if self._learned_keys.get(tab.tally_key) == fingerprint:
                continue
            self._learned_keys[tab.tally_key] = fingerprint
            new += self.memory.learn(tab.tally_key, text, exclude=tab.marks.texts())
        if new:
            try:
                self.memory.save()
            except FileError as exc:
                self.say(f"The learned words could not be saved: {exc}",
                                                   4 * STATUS_TIMEOUT_MS)
        return new

    @Slot()
    def forget(self) -> bool:
        """Asks, then forgets every word Folio learned (the file is deleted); returns whether it forgot."""
        answer = QMessageBox.question(
            self.window, APP_NAME,
            f"Forget the {len(self.memory):,} words, names and numbers Folio has learned from your documents?\n\n"
            "Suggestions will no longer draw on them. Your documents are not changed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.memory.forget()
        except FileError as exc:
            self.window.show_error("Cannot forget", str(exc))
            return False
        # What the open documents hold now is not learned again: only words written from here on are remembered.
        self._learned_keys = {}
        for tab in self.window.documents():
            text = tab.text()
            self.memory.mark_seen(tab.tally_key, text)
            self._learned_keys[tab.tally_key] = hash(text)
        self.say("Folio has forgotten the words it learned", STATUS_TIMEOUT_MS)
        return True
