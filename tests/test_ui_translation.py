"""The translation panel (Ctrl+Shift+T): what it translates, Replace / Insert After / Copy, undo, and that
typing is never blocked. Real translations come from the tiny translator fixture."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from desktop.runtime import Engines
from desktop.runtime.translation_text import sentence_at
from desktop.ui.translation import (
    ALTERNATIVES,
    DOCUMENT_CLOSED,
    NOTHING_SELECTED,
    SOURCE_CHANGED,
    TOO_LONG,
    UNSURE_ALTERNATIVES,
    heat_map_of,
    source_range,
)
from tests.fakes import FakeContinuer, FakeEngines, SlowTranslator
from tests.ui_support import set_text


@pytest.fixture
def engines(models_dir):
    return Engines.from_dir(models_dir, provider="cpu")


def select(window, start: int, end: int) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)


def place_cursor(window, position: int) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(position)
    window.editor.setTextCursor(cursor)


def translate(window, qtbot, by_key: bool = False):
    panel = window.translation_panel
    with qtbot.waitSignal(panel.translationShown, timeout=10000) as shown:
        if by_key:
            qtbot.keyClick(window.editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                           | Qt.KeyboardModifier.ShiftModifier)
        else:
            assert window.translation.translate_selection() is not None
    return shown.args[0]


# -- what is translated ------------------------------------------------------------------------------------------


def test_sentence_at_picks_the_sentence_around_the_cursor():
    text = "Hello there. Tom lives in Boston.  Bye"
    assert sentence_at(text, 20) == (13, 33)  # inside the second sentence
    assert sentence_at(text, 34) == (13, 33)  # in the space after it
    assert sentence_at(text, 0) == (0, 12)
    assert sentence_at(text, len(text)) == (35, 38)
    assert sentence_at("", 0) == (0, 0)


def test_source_range_counts_qt_positions_past_an_emoji(qtbot, make_window):
    window = make_window()
    set_text(window, "🎉 Party. Tom lives in Boston.")  # the emoji is two Qt positions
    place_cursor(window, len("🎉 Party. Tom") + 1)
    start, end = source_range(window.editor.textCursor())
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "Tom lives in Boston."


def test_heat_map_lays_segments_out_block_diagonally():
    seg = lambda src, tgt, m: SimpleNamespace(src_words=src, tgt_words=tgt, word_attention=np.array(m))  # noqa: E731
    translation = SimpleNamespace(segments=[seg(["Hi", "."], ["Salut", "."], [[0.9, 0.1], [0.2, 0.8]]),
                                            seg(["Go"], ["Va"], [[1.0]])])
    heat = heat_map_of(translation)
    assert heat.source == ["Hi", ".", "Go"] and heat.target == ["Salut", ".", "Va"]
    assert heat.matrix.shape == (3, 3)
    assert heat.matrix[2, 2] == 1.0 and heat.matrix[2, :2].sum() == 0 and heat.matrix[:2, 2].sum() == 0


# -- the panel with the tiny translator ------------------------------------------------------------------------


def test_ctrl_shift_t_translates_the_selection_and_replace_is_one_undo_step(qtbot, make_window, engines):
    window = make_window(engines)
    original = "Hello there. Tom lives in Boston. Bye"
    set_text(window, original)
    select(window, 13, 33)
    result = translate(window, qtbot, by_key=True)

    panel = window.translation_panel
    assert window.translation_dock.isVisible()
    assert result.text == "Tom vit à Boston."
    assert panel.result_view.toPlainText() == "Tom vit à Boston."
    assert panel.alternatives.count() >= 1 and panel.alternatives.item(0).text() == "1. Tom vit à Boston."
    heat = panel.heat_map
    assert heat.source[:3] == ["Tom", "lives", "in"] and heat.target[0] == "Tom"
    assert heat.matrix.shape == (len(heat.target), len(heat.source))
    assert window.model_view.heat_map.target == heat.target  # the model view shows it too

    assert panel.replace()
    assert window.text() == "Hello there. Tom vit à Boston. Bye"
    assert window.current_tab().marks.texts() == ["Tom vit à Boston."]
    assert not panel.replace_button.isEnabled()
    window.editor.undo()
    assert window.text() == original


def test_without_a_selection_the_sentence_at_the_cursor_is_translated_and_inserted_after(qtbot, make_window,
                                                                                          engines):
    window = make_window(engines)
    original = "Hello there. Tom lives in Boston. Bye"
    set_text(window, original)
    place_cursor(window, 18)  # inside "lives"
    translate(window, qtbot)
    assert window.translation_panel.source == "Tom lives in Boston."

    assert window.translation_panel.insert_after()
    assert window.text() == "Hello there. Tom lives in Boston. Tom vit à Boston. Bye"
    assert window.current_tab().marks.texts() == ["Tom vit à Boston."]
    window.editor.undo()
    assert window.text() == original


def test_alternatives_can_be_chosen_and_copied(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, "I love you.")
    place_cursor(window, 3)
    translate(window, qtbot)
    panel = window.translation_panel
    texts = [panel.alternatives.item(i).text() for i in range(panel.alternatives.count())]
    assert len(texts) >= 2 and texts[0].startswith("1. ") and texts[1].startswith("2. ")
    scores = [r.score for r in panel.results]
    assert scores == sorted(scores, reverse=True)
    with qtbot.waitSignal(panel.translationShown) as shown:
        panel.alternatives.setCurrentRow(1)
    assert shown.args[0] is panel.results[1]
    assert panel.result_view.toPlainText() == panel.results[1].text
    assert panel.copy()
    assert QGuiApplication.clipboard().text() == panel.results[1].text


def test_the_panel_follows_edits_around_the_english_and_refuses_when_it_changed(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, "Hello there. Tom lives in Boston. Bye")
    select(window, 13, 33)
    translate(window, qtbot)
    panel = window.translation_panel

    place_cursor(window, 0)
    qtbot.keyClicks(window.editor, "Well. ")  # typing before the English moves it
    assert panel.insert_after()
    assert window.text() == "Well. Hello there. Tom lives in Boston. Tom vit à Boston. Bye"

    place_cursor(window, len("Well. Hello there. Tom"))
    qtbot.keyClicks(window.editor, "my")  # now the English itself changed
    before = window.text()
    assert not panel.replace()
    assert window.text() == before and panel.status_label.text() == SOURCE_CHANGED


def test_nothing_to_translate_and_too_long_selections_say_so(qtbot, make_window, engines):
    window = make_window(engines)
    assert window.translation.translate_selection() is None
    assert window.translation_panel.status_label.text() == NOTHING_SELECTED
    set_text(window, "1914 -- 2003 !!")
    place_cursor(window, 3)
    assert window.translation.translate_selection() is None
    set_text(window, "Tom lives in Boston. " * 300)
    window.editor.selectAll()
    assert window.translation.translate_selection() is None
    assert window.translation_panel.status_label.text() == TOO_LONG


def test_closing_the_document_keeps_the_translation_for_copy(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, "Tom lives in Boston.")
    place_cursor(window, 2)
    translate(window, qtbot)
    window.new_document()
    window.close_tab(0)
    panel = window.translation_panel
    assert not panel.replace_button.isEnabled() and panel.copy_button.isEnabled()
    assert not panel.replace() and panel.status_label.text() == DOCUMENT_CLOSED
    assert panel.copy() and QGuiApplication.clipboard().text() == "Tom vit à Boston."


def test_a_missing_translator_is_explained_and_the_editor_keeps_working(qtbot, make_window):
    window = make_window(FakeEngines(FakeContinuer()))  # no translator at all
    set_text(window, "Tom lives in Boston.")
    place_cursor(window, 2)
    with qtbot.waitSignal(window.translation_panel.statusMessage, timeout=5000) as message:
        window.translation.translate_selection()
    assert message.args[0].startswith("Translation is unavailable")
    qtbot.keyClicks(window.editor, "x")
    assert window.text() == "Toxm lives in Boston."


def slow_translation_window(make_window, translator):
    """A window whose translator (``translator``, wrapped) holds its first translation until ``slow.gate`` is set;
    returns (window, slow)."""
    slow = SlowTranslator(translator)
    return make_window(FakeEngines(FakeContinuer(), translator=slow)), slow


def test_typing_goes_on_while_translating_and_the_latest_request_wins(qtbot, make_window, translator):
    window, slow = slow_translation_window(make_window, translator)
    set_text(window, "Tom lives in Boston. Help!")
    place_cursor(window, 2)
    first = window.translation.translate_selection()
    qtbot.waitUntil(lambda: len(slow.calls) == 1)
    place_cursor(window, len(window.text()))
    qtbot.keyClicks(window.editor, " Good morning!")  # the editor answers while the worker is busy
    assert window.text().endswith("Good morning!")
    second = window.translation.translate_selection()
    assert second == first + 1
    panel = window.translation_panel
    with qtbot.waitSignal(panel.translationShown, timeout=10000) as shown:
        slow.gate.set()
    assert shown.args[0].text.replace("\u202f", " ") == "Bonjour !"
    qtbot.wait(200)  # the first request's result, computed meanwhile, is dropped
    assert panel.result_view.toPlainText() == shown.args[0].text
    assert slow.calls == ["Tom lives in Boston.", "Good morning!"]


# -- confidence in the panel (issue 13) ----------------------------------------------------------------------------


def test_a_confident_translation_shows_its_confidence(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, "Tom lives in Boston.")
    place_cursor(window, 2)
    result = translate(window, qtbot)
    panel = window.translation_panel
    assert not result.unsure
    assert panel.confidence_label.text() == f"Confidence {result.confidence:.0%}"
    assert panel.highlighted_sentences == [] and panel.alternatives_title.text() == ALTERNATIVES


def test_unsure_sentences_are_marked_and_alternatives_offered_first(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, "Tom lives in Boston. Quarterly xylophone procurement remains problematic.")
    window.editor.selectAll()
    result = translate(window, qtbot)
    panel = window.translation_panel
    first, *rest = result.segments
    assert result.unsure and not first.unsure and rest and all(s.unsure for s in rest)
    assert "may be wrong: unusual or long sentence" in panel.confidence_label.text()
    assert panel.highlighted_sentences == [s.text for s in rest]  # only the unsure sentence (in its parts)
    assert panel.alternatives_title.text() == UNSURE_ALTERNATIVES
    assert panel.alternatives.item(0).text().startswith("1. ⚠ ")
    assert panel.alternatives_first  # above the French
    assert window.editor.hasFocus()  # offered, not forced: typing goes on in the editor
    set_text(window, "Tom lives in Boston.")
    place_cursor(window, 2)
    translate(window, qtbot)
    assert not panel.alternatives_first  # back in their usual place


# -- whole documents into a new tab --------------------------------------------------------------------------------

MARKDOWN = """# Tom is my friend

Tom lives in **Boston**. I am tired.

- I have three cats.
- See [the cat is black](https://example.org/cat).

```
I love you.
```
"""


def test_translate_document_keeps_paragraphs_and_markdown_in_a_new_tab(qtbot, make_window, engines):
    window = make_window(engines)
    set_text(window, MARKDOWN)
    source_tab = window.current_tab()
    progress = []
    window.document_translation.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(window.document_translation.finished, timeout=20000):
        assert window.translation.translate_document() is not None
        bar = window.status_bar
        assert bar.translation_progress.isVisible() and bar.translation_cancel_button.isVisible()
    assert window.current_tab() is not source_tab and source_tab.editor.toPlainText() == MARKDOWN
    french = window.text().split("\n")
    english = MARKDOWN.split("\n")
    assert len(french) == len(english)
    assert french[0] == "# Tom est mon ami"
    assert french[1] == "" and french[3] == ""  # paragraph breaks kept
    assert french[2].startswith("Tom vit") and "**" in french[2] and "Je suis fatigué." in french[2]
    assert french[4] == "- J'ai trois chats."
    assert french[5].startswith("- ") and "](https://example.org/cat)" in french[5] and "[" in french[5]
    assert french[6] == "" and french[7:10] == ["```", "I love you.", "```"]  # code is not translated
    assert progress[0] == (0, 4) and progress[-1] == (4, 4)  # heading, paragraph, two list items
    assert not window.status_bar.translation_progress.isVisible()
    assert window.current_tab().marks.texts()  # marked as generated text


def test_document_translation_can_be_cancelled_and_the_editor_stays_responsive(qtbot, make_window, translator):
    window, slow = slow_translation_window(make_window, translator)
    set_text(window, "Tom lives in Boston.\n\nI am tired.\n\nHelp!")
    tabs = window.tabs.count()
    window.translation.translate_document()
    qtbot.waitUntil(lambda: len(slow.calls) == 1)
    qtbot.keyClicks(window.editor, " Good")  # typing while the worker is busy
    assert window.text().endswith("Help! Good")
    with qtbot.waitSignal(window.document_translation.cancelled, timeout=10000):
        window.status_bar.translation_cancel_button.click()
        slow.gate.set()
    assert slow.calls == ["Tom lives in Boston."]  # stopped after the line that was running
    assert window.tabs.count() == tabs and not window.status_bar.translation_cancel_button.isVisible()
