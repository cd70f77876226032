"""Word and character counts of a document kept up to date per block, so a keystroke never recounts the whole
text (``TextStats.of`` takes about a second on a 10 MB document).

:class:`BlockCounts` holds each block's (paragraph's) word and character count in lists indexed by block number
and the totals. On ``contentsChange`` it recounts only the blocks the change touched (words never span blocks:
a line break is not a word character). A change touching many blocks (opening or pasting a large text) marks
them uncounted, and an idle timer counts them in slices of a few milliseconds, so the window paints and keeps
answering keys meanwhile; :attr:`BlockCounts.ready` says whether the totals are complete.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QTextBlock, QTextDocument

from desktop.core.textstats import TextStats, count_words

SYNC_BLOCKS = 200  # a change touching at most this many blocks is counted at once
SLICE_S = 0.005  # the idle counter works at most this long per event-loop turn
LINE_SEPARATOR = "\u2028"  # Qt's in-block line break (saved as \n, so not a character of the count)


def block_counts(text: str) -> tuple[int, int]:
    """(words, characters) of one block's text, counted as :class:`~desktop.core.textstats.TextStats` counts them."""
    return count_words(text), len(text) - text.count(LINE_SEPARATOR)


class BlockCounts(QObject):
    """Live word and character counts of one :class:`QTextDocument` (see the module docstring)."""

    changed = Signal()  # the totals changed
    completed = Signal()  # the idle counter has counted the last uncounted block

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._words: list[int | None] = []
        self._chars: list[int | None] = []
        self._total_words = 0
        self._total_chars = 0
        self._unknown = 0  # blocks not counted yet
        self._scan = 0  # the idle counter's next block number
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._count_some)
        self._replace(0, 0, document.blockCount(), count=False)
        document.documentLayout()  # a document without a layout reports no contentsChange
        document.contentsChange.connect(self._on_contents_change)

    # -- what the window reads ---------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether every block has been counted."""
        return self._unknown == 0

    def stats(self) -> TextStats | None:
        """The document's counts, or None while some blocks are still being counted."""
        if self._unknown:
            return None
        return TextStats(self._total_words, self._total_chars)

    def finish(self) -> TextStats:
        """Counts whatever is left now (blocking) and returns the complete counts."""
        while self._unknown:
            self._count_some(budget_s=None)
        return TextStats(self._total_words, self._total_chars)

    # -- keeping up with edits ---------------------------------------------------------------------------------

    @Slot(int, int, int)
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        document = self.document
        first = document.findBlock(position)
        last = document.findBlock(position + added)
        if not first.isValid():
            first = document.firstBlock()
        if not last.isValid():
            last = document.lastBlock()
        start, end = first.blockNumber(), last.blockNumber() + 1  # blocks [start, end) of the new text
        old_end = end - (document.blockCount() - len(self._words))  # ... replace blocks [start, old_end)
        if old_end < start:  # a report Qt made too small: recount from the first block it names to the end
            end, old_end = document.blockCount(), len(self._words)
        self._replace(start, old_end, end - start, count=end - start <= SYNC_BLOCKS, block=first)
        self.changed.emit()

    def _replace(self, start: int, old_end: int, new_blocks: int, count: bool, block: QTextBlock | None = None) -> None:
        """Replaces the entries of blocks [start, old_end) by ``new_blocks`` entries, counted now when ``count``."""
        for values, total in ((self._words, "_total_words"), (self._chars, "_total_chars")):
            known = [v for v in values[start:old_end] if v is not None]
            setattr(self, total, getattr(self, total) - sum(known))
        self._unknown -= sum(1 for v in self._words[start:old_end] if v is None)
        if count:
            words, chars = [], []
            block = block if block is not None else self.document.findBlockByNumber(start)
            for _ in range(new_blocks):
                w, c = block_counts(block.text())
                words.append(w)
                chars.append(c)
                block = block.next()
            self._total_words += sum(words)
            self._total_chars += sum(chars)
        else:
            words, chars = [None] * new_blocks, [None] * new_blocks
            self._unknown += new_blocks
            self._scan = min(self._scan, start)
            self._idle.start()
        self._words[start:old_end] = words
        self._chars[start:old_end] = chars

    @Slot()
    def _count_some(self, budget_s: float | None = SLICE_S) -> None:
        """Counts uncounted blocks for at most ``budget_s`` seconds (None: until done), from the scan position."""
        if not self._unknown:
            return
        if len(self._words) != self.document.blockCount():  # out of step (should not happen): count afresh
            self._words, self._chars = [], []
            self._total_words = self._total_chars = self._unknown = 0
            self._replace(0, 0, self.document.blockCount(), count=False)
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        if self._scan >= len(self._words):
            self._scan = 0
        i = self._scan
        while i < len(self._words) and self._words[i] is not None:
            i += 1
        block = self.document.findBlockByNumber(i)
        while i < len(self._words) and block.isValid():
            if self._words[i] is None:
                w, c = block_counts(block.text())
                self._words[i], self._chars[i] = w, c
                self._total_words += w
                self._total_chars += c
                self._unknown -= 1
                if not self._unknown:
                    break
            i += 1
            block = block.next()
            if deadline is not None and (i & 15) == 0 and time.perf_counter() > deadline:
                break
        self._scan = i
        if self._unknown:
            self._idle.start()
        else:
            self.changed.emit()
            self.completed.emit()
