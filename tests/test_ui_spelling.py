"""Spelling in the editor: underlines, the context menu's corrections, Add to Dictionary, Next Misspelling."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QTextCharFormat  # noqa: E402
from PySide6.QtWidgets import QMenu  # noqa: E402

from desktop.runtime.speller import Speller  # noqa: E402
from desktop.ui.editor import LAYER_SPELLING  # noqa: E402
from tests.fakes import FakeContinuer, FakeEngines  # noqa: E402
from tests.ui_support import move_cursor, set_text  # noqa: E402

TEXT = "I recieved your leter. See https://exmaple.com/pgae or `pirnt(x)` and mail jon@exmaple.org today."


@pytest.fixture
def speller() -> Speller:
    return Speller(None)  # the word lists alone (the ranking with the word model is tested in test_speller.py)


@pytest.fixture
def window(make_window, speller):
    engines = FakeEngines(FakeContinuer())
    engines.speller = speller
    return make_window(engines)


def underlined(window) -> list[str]:
    controller = window.spelling.current
    return [word for _, _, word in controller.underlined()]


def test_misspelt_words_get_a_wavy_underline_but_not_urls_code_or_addresses(window, qtbot):
    set_text(window, TEXT)
    qtbot.waitUntil(lambda: underlined(window) == ["recieved", "leter"], timeout=5000)
    selection = window.editor.layer(LAYER_SPELLING)[0]
    assert selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert selection.format.underlineColor() == window.spelling.color


def test_right_click_offers_corrections_that_replace_the_word(window, qtbot):
    set_text(window, TEXT)
    controller = window.spelling.current
    qtbot.waitUntil(lambda: bool(controller.results) and all(r[3] is not None for r in controller.results),
                    timeout=10000)
    start = TEXT.index("recieved")
    cursor = window.editor.textCursor()
    cursor.setPosition(start + 2)
    point = window.editor.cursorRect(cursor).center()
    menu = QMenu()
    controller.extend_menu(menu, point)
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "received"
    assert "Ignore" in texts and any(t.startswith("Add") for t in texts)
    menu.actions()[0].trigger()
    assert window.editor.toPlainText().startswith("I received your leter.")
    qtbot.waitUntil(lambda: underlined(window) == ["leter"], timeout=5000)


def test_no_spelling_entries_away_from_a_misspelling(window, qtbot):
    set_text(window, TEXT)
    controller = window.spelling.current
    qtbot.waitUntil(lambda: len(controller.results) == 2, timeout=5000)
    menu = QMenu()
    controller.extend_menu(menu, QPoint(1, 1))
    assert menu.actions() == []


def test_add_to_dictionary_writes_the_personal_word_list(window, qtbot, folio_home):
    set_text(window, "The leter came.")
    qtbot.waitUntil(lambda: underlined(window) == ["leter"], timeout=5000)
    window.spelling.add_word("leter")
    assert "leter" in (window.locations.data_dir / "words.txt").read_text(encoding="utf-8").split()
    assert underlined(window) == []
    set_text(window, "Another leter.")
    window.spelling.current.check_now()
    qtbot.wait(300)
    assert underlined(window) == []


def test_ignore_hides_the_word(window, qtbot):
    set_text(window, "A leter and a leter.")
    qtbot.waitUntil(lambda: underlined(window) == ["leter", "leter"], timeout=5000)
    window.spelling.ignore("leter")
    assert underlined(window) == []


def test_next_misspelling_selects_each_in_turn_and_wraps(window, qtbot):
    set_text(window, TEXT)
    qtbot.waitUntil(lambda: window.spelling.speller() is not None, timeout=5000)
    move_cursor(window, 0)
    for expected in ("recieved", "leter", "recieved"):  # the third wraps around to the first
        window.spelling.next_action.trigger()
        qtbot.waitUntil(lambda e=expected: window.editor.textCursor().selectedText() == e, timeout=5000)
    assert window.spelling.next_action.shortcut().toString() == "F7"
    move_cursor(window, 0)
    qtbot.keyClick(window.editor, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: window.editor.textCursor().selectedText() == "recieved", timeout=5000)


def test_preference_switch_turns_underlines_off_and_on(window, qtbot):
    set_text(window, TEXT)
    qtbot.waitUntil(lambda: len(underlined(window)) == 2, timeout=5000)
    window.settings.apply(window.preferences.copy(spelling_enabled=False), save=False)
    assert underlined(window) == []
    window.settings.apply(window.preferences.copy(spelling_enabled=True), save=False)
    qtbot.waitUntil(lambda: len(underlined(window)) == 2, timeout=5000)


def test_french_sentences_are_checked_in_french(window, qtbot):
    set_text(window, "The weather is nice. Il fait très beau aujourd'hui et la maisson est grande.")
    qtbot.waitUntil(lambda: underlined(window) == ["maisson"], timeout=5000)
    window.spelling.set_language("en")
    qtbot.waitUntil(lambda: "aujourd'hui" in underlined(window) or "fait" in underlined(window), timeout=5000)


def test_words_the_document_uses_three_times_are_names(window, qtbot):
    set_text(window, "Zorblax came. zorblax left. zorblax again and zorblax once more. Then a wrod.")
    qtbot.waitUntil(lambda: underlined(window) == ["wrod"], timeout=5000)


def test_next_misspelling_goes_through_paragraphs_and_skips_fenced_code(window, qtbot):
    text = "A good start.\n\n```\npirnt(wrod)\n```\n\nThe secnd paragraph.\nAnd a thrid one."
    set_text(window, text, cursor_at=0)
    qtbot.waitUntil(lambda: window.spelling.speller() is not None, timeout=5000)
    for expected in ("secnd", "thrid", "secnd"):
        window.spelling.next_action.trigger()
        qtbot.waitUntil(lambda e=expected: window.editor.textCursor().selectedText() == e, timeout=5000)


def test_no_misspelling_says_so(window, qtbot):
    set_text(window, "All good here.", cursor_at=0)
    qtbot.waitUntil(lambda: window.spelling.speller() is not None, timeout=5000)
    with qtbot.waitSignal(window.spelling.statusMessage, timeout=5000) as blocker:
        window.spelling.next_action.trigger()
    assert blocker.args == ["No misspellings found"]
    assert not window.editor.textCursor().hasSelection()


def test_only_the_visible_text_is_checked(window, qtbot):
    text = "A wrod at the top.\n" + "Plain words on a line.\n" * 3000 + "A wrod at the end."
    set_text(window, text, cursor_at=0)
    controller = window.spelling.current
    qtbot.waitUntil(lambda: underlined(window) == ["wrod"], timeout=5000)
    assert controller.underlined()[0][0] == 2  # the top one only
    assert len(controller.visible_blocks()) < 200
    window.editor.verticalScrollBar().setValue(window.editor.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: [s for s, _, _ in controller.underlined()] == [text.rindex("wrod")], timeout=5000)
