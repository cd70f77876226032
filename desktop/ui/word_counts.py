"""Words in the status bar: the current document's counts and today's words against the daily goal.

:class:`WordCounts` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.word_counts``). Each document
counts itself as it changes (``tab.counts``, :mod:`desktop.ui.live_stats`); today's tally is session state
(``window.state.tally``, :mod:`desktop.core.textstats`) and holds only the words the writer wrote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot

from desktop.core.textstats import TextStats
from desktop.ui.document import DocumentTab
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["WordCounts", "STATS_DELAY_MS"]

STATS_DELAY_MS = 200  # the status bar's counts follow a burst of changes this long after it


class WordCounts(WindowPart):
    """The counts and the daily goal of ``window``'s current document."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(STATS_DELAY_MS)
        self._timer.timeout.connect(self.update)

    def update_soon(self) -> None:
        """Counts the current document again in a moment (after a burst of changes, once)."""
        self._timer.start()

    @Slot()
    def update(self) -> TextStats | None:
        """Shows the current document's word count, reading time and daily goal (kept per block by
        ``tab.counts``, so this is cheap); None while a large text is still being counted."""
        tab, bar = self.window.current_tab(), self.window.status_bar
        if tab.loading:  # half a file is no count, and its words were not written today
            bar.show_stats(None)
            self.update_soon()
            return None
        stats = tab.counts.stats()
        bar.show_stats(stats.summary() if stats is not None else None)
        self.tally(tab)
        self.show_goal()
        return stats

    def tally(self, tab: DocumentTab) -> None:
        """Records ``tab``'s own words in today's tally (once its counts are complete and its file is in: half a
        file's words were not written today)."""
        if tab.loading:
            return
        stats = tab.counts.stats()
        if stats is not None:
            self.window.state.tally.update(tab.tally_key, tab.own_words(stats.words))

    def show_goal(self) -> None:
        """Today's words against the daily goal of the preferences."""
        self.window.status_bar.show_goal(self.window.state.tally.words_today(), self.window.preferences.daily_goal)

    def shutdown(self) -> None:
        self._timer.stop()
