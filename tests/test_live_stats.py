"""Live word counts (issue 11 item 5): per-block counts that match a full recount, and no full recount per key."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCursor, QTextDocument

from desktop.core import textstats
from desktop.core.textstats import TextStats
from desktop.ui import live_stats
from desktop.ui.document import document_text
from desktop.ui.live_stats import BlockCounts
from tests.ui_support import move_to_end


def _full(document: QTextDocument) -> TextStats:
    return TextStats.of(document_text(document))


def test_counts_follow_random_edits_undo_and_redo(qapp):
    document = QTextDocument()
    counts = BlockCounts(document)
    rng = random.Random(3)
    pieces = ["word ", "two words", "\n", "\n\n", "don't", " - ", "é\u2028x", "", "12 34\n56"]
    cursor = QTextCursor(document)
    for step in range(400):
        size = document.characterCount() - 1
        a, b = sorted(rng.randint(0, size) for _ in range(2))
        cursor.setPosition(a)
        cursor.setPosition(b if rng.random() < 0.3 else a, QTextCursor.MoveMode.KeepAnchor)
        action = rng.random()
        if action < 0.75:
            cursor.insertText(rng.choice(pieces))
        elif action < 0.85:
            cursor.removeSelectedText()
        elif action < 0.95:
            document.undo()
        else:
            document.redo()
        assert counts.finish() == _full(document), f"step {step}"


def test_a_large_text_is_counted_in_slices_without_blocking(qtbot, monkeypatch):
    monkeypatch.setattr(live_stats, "SLICE_S", 0.001)
    document = QTextDocument()
    counts = BlockCounts(document)
    paragraph = "Some words in a paragraph, and then some more words.\n"
    document.setPlainText(paragraph * 5000)
    assert counts.stats() is None  # not counted in one go
    with qtbot.waitSignal(counts.completed, timeout=10000):
        pass
    assert counts.stats() == _full(document)
    cursor = QTextCursor(document)
    cursor.setPosition(10)
    cursor.insertText("three more words ")  # a small edit is counted at once
    assert counts.stats() == _full(document)


def test_a_keystroke_in_a_large_document_does_not_recount_it(make_window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("A line of several words for counting.\n" * 20000, encoding="utf-8")  # 780 kB, 20,000 blocks
    window = make_window()
    window.files.open_file(path)
    qtbot.waitUntil(lambda: window.status_bar.stats_label.text().startswith("140,000 words"), timeout=20000)
    counted: list[int] = []
    real = textstats.count_words

    def spy(text: str) -> int:
        counted.append(len(text))
        return real(text)

    monkeypatch.setattr(textstats, "count_words", spy)
    monkeypatch.setattr(live_stats, "count_words", spy)
    move_to_end(window)
    qtbot.keyClicks(window.editor, "more words")
    window.word_counts.update()
    qtbot.wait(300)  # the stats timer fires
    assert window.status_bar.stats_label.text().startswith("140,002 words")
    assert sum(counted) < 10_000, f"{sum(counted):,} characters recounted for 10 keystrokes"
