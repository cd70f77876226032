"""The model view, honest AI marks on generated text, and the About dialog."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.runtime import Engines
from desktop.ui.about_dialog import AboutDialog, data_sources_markdown
from desktop.ui.continuation import COMPLETED
from desktop.ui.model_view import AttentionHeatMap, ModelViewDock, top_k, weight_label
from tests.fakes import FakeContinuer, FakeEngines, FakeWordModel
from tests.ui_support import move_cursor, run_to_end, set_text

# -- the model view ----------------------------------------------------------------------------------------------


def test_model_view_is_off_by_default_and_shows_both_models_as_the_writer_types(make_window, qtbot):
    continuer, completer = FakeContinuer(), FakeWordModel()
    window = make_window(FakeEngines(continuer, completer=completer))
    qtbot.keyClicks(window.editor, "hello")
    qtbot.wait(250)
    assert not window.model_view.isVisible() and continuer.view_prompts == []  # nothing computed while off

    with qtbot.waitSignal(window.model_view.predictionShown, timeout=3000) as shown:
        window.main_menu["model_view"].trigger()
    assert continuer.view_prompts[-1] == "hello"
    prediction = shown.args[0]
    assert prediction.chars[0] == ("e", pytest.approx(0.5))
    assert [label for label, _ in prediction.chars] == ["e", "t", "␣", "⏎", "a"]
    assert prediction.words[:2] == [("the", pytest.approx(0.4)), ("⏎ end of line", pytest.approx(0.3))]
    assert window.model_view.char_bars.items == prediction.chars
    assert "e 50%" in window.model_view.char_bars.accessibleDescription()

    with qtbot.waitSignal(window.model_view.predictionShown, timeout=3000):
        qtbot.keyClicks(window.editor, " wor")
    assert continuer.view_prompts[-1] == "hello wor" and completer.contexts[-1] == "hello wor"
    with qtbot.waitSignal(window.model_view.predictionShown, timeout=3000):
        move_cursor(window, 2)  # the text before the cursor, not the whole document
    assert continuer.view_prompts[-1] == "he"
    window.main_menu["model_view"].trigger()
    assert not window.model_view.isVisible()


def test_model_view_explains_a_missing_model(make_window, qtbot):
    window = make_window(FakeEngines(FakeContinuer()))  # no word model
    with qtbot.waitSignal(window.model_view.predictionShown, timeout=3000) as shown:
        window.set_model_view_visible(True)
    assert shown.args[0].words == [] and shown.args[0].word_message == "No word model"
    assert window.model_view.char_bars.items


def test_the_latest_request_wins(qtbot):
    import threading

    gate = threading.Event()

    class Slow(FakeContinuer):
        def next_char_log_probs(self, prompt):
            gate.wait(5)
            return super().next_char_log_probs(prompt)

    continuer = Slow()
    dock = ModelViewDock(FakeEngines(continuer))
    qtbot.addWidget(dock)
    dock.show()
    shown = []
    dock.predictionShown.connect(shown.append)
    dock.request("a", immediately=True)  # the worker blocks on this one
    qtbot.wait(50)
    for text in ("ab", "abc", "abcd"):
        dock.request(text, immediately=True)
    gate.set()
    qtbot.waitUntil(lambda: len(shown) >= 1 and dock.shown_id == dock.latest_id, timeout=5000)
    qtbot.wait(200)
    assert continuer.view_prompts == ["a", "abcd"]  # "ab" and "abc" were skipped, never computed
    assert len(shown) == 1  # the stale result for "a" was dropped
    dock.shutdown()


def test_model_view_with_the_real_tiny_models(make_window, qtbot, models_dir):
    window = make_window(Engines.from_dir(models_dir, provider="cpu"))
    set_text(window, "to be, or not to b")
    with qtbot.waitSignal(window.model_view.predictionShown, timeout=20000) as shown:
        window.set_model_view_visible(True)
    prediction = shown.args[0]
    assert prediction.chars and prediction.chars[0][0] == "e"  # the tiny model learned "to be" by heart
    assert 0 < sum(p for _, p in prediction.chars) <= 1.0001
    assert prediction.words and all(0 <= p <= 1 for _, p in prediction.words)


def test_top_k_orders_by_probability():
    expected = [("b", pytest.approx(0.6)), ("c", pytest.approx(0.3))]
    assert top_k(np.array([0.1, 0.6, 0.3]), ["a", "b", "c"], 2) == expected
    assert top_k(np.array([0.1]), ["a"], 5) == [("a", pytest.approx(0.1))]


def test_attention_heat_map_draws_the_matrix(make_window, qtbot):
    window = make_window()
    window.set_model_view_visible(True)
    matrix = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.0, 0.2, 0.8]])
    window.show_attention(["I", "am", "happy"], ["Je", "suis", "heureux"], matrix)
    heat = window.model_view.heat_map
    assert heat.accessibleDescription().startswith("Je looks at I; suis looks at am")
    heat.resize(300, heat.minimumHeight())
    image = heat.grab().toImage()
    left, top, cell, _ = heat._layout()
    strong = image.pixelColor(left + 2, top + 2)  # Je / I: 0.9 (a cell's corner, away from its label)
    weak = image.pixelColor(left + 2 * cell + 2, top + 2)  # Je / happy: 0.05
    assert strong.lightnessF() < weak.lightnessF() - 0.2  # light theme: strong attention is dark
    with pytest.raises(ValueError, match="shape"):
        window.show_attention(["a"], ["b", "c"], np.zeros((1, 1)))


def test_heat_map_with_a_real_translation(make_window, translator):
    segment = translator.translate("Tom lives in Boston.")[0].segments[0]
    window = make_window()
    window.set_model_view_visible(True)
    window.show_attention(segment.src_tokens, segment.tgt_tokens, segment.attention)
    heat = window.model_view.heat_map
    assert heat.source == segment.src_tokens and heat.target == segment.tgt_tokens
    assert heat.minimumHeight() > 0 and not heat.grab().isNull()
    window.show_attention(segment.src_words, segment.tgt_words, segment.word_attention)
    assert heat.source == segment.src_words


def test_weight_labels():
    assert [weight_label(w) for w in (0.04, 0.3, 0.96, 1.0)] == [".0", ".3", "1", "1"]


def test_heat_map_cell_colours_run_from_background_to_accent():
    heat = AttentionHeatMap()
    low, high = heat.cell_color(0.0), heat.cell_color(1.0)
    assert low == heat.colors.heat_low and high == heat.colors.heat_high
    assert heat.cell_color(0.5) not in (low, high)


# -- honest AI -------------------------------------------------------------------------------------------------------


def test_continued_text_is_marked_until_the_writer_accepts_it(make_window, qtbot):
    fake = FakeContinuer(delay=0.002)
    window = make_window(FakeEngines(fake))
    set_text(window, "Intro. ")
    window.continuation_toolbar.length_spin.setValue(30)
    _, outcome = run_to_end(qtbot, window)
    assert outcome == COMPLETED
    marks = window.current_tab().marks
    assert marks.ranges() == [(7, 37)]
    assert marks.texts() == [fake.expected(30)]
    assert window.status_bar.generated_button.isVisible() and "1 generated" in window.status_bar.generated_button.text()
    assert window.main_menu["accept_generated"].isEnabled()
    generated = [s for s in window.editor.extraSelections() if s.cursor.selectionStart() == 7]
    assert generated and generated[0].format.background().color() == window.current_tab().marks._background

    qtbot.keyClicks(window.editor, " Mine.")  # typing after it is not generated, and keeps the mark
    assert marks.ranges() == [(7, 37)]
    move_cursor(window, 0)
    qtbot.keyClicks(window.editor, ">> ")  # an edit before it moves it
    assert marks.ranges() == [(10, 40)]

    qtbot.keyClick(window.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert marks.ranges() == [] and window.text().startswith(">> Intro. " + fake.expected(30))
    assert not window.status_bar.generated_button.isVisible()


def test_editing_inside_generated_text_makes_it_the_writers(make_window, qtbot):
    window = make_window()
    set_text(window, "Start ")
    window.continuation_toolbar.length_spin.setValue(20)
    run_to_end(qtbot, window)
    marks = window.current_tab().marks
    assert len(marks.ranges()) == 1
    move_cursor(window, 10)
    qtbot.keyClicks(window.editor, "X")
    assert marks.ranges() == []
    assert not window.status_bar.generated_button.isVisible()


def test_marks_survive_highlighting_and_undo_removes_them(make_window, qtbot, tmp_path, dialogs):
    window = make_window()
    dialogs.save_name = str(tmp_path / "scene.md")
    window.files.save()  # a Markdown document: the highlighter re-formats blocks as text streams in
    set_text(window, "# Scene\n")
    window.continuation_toolbar.length_spin.setValue(25)
    run_to_end(qtbot, window)
    marks = window.current_tab().marks
    assert marks.ranges() == [(8, 33)]
    window.editor.undo()
    assert marks.ranges() == []


def test_completion_acceptances_are_the_writers_and_translations_are_marked(make_window, qtbot):
    window = make_window()
    completion = window.current_tab().completion
    qtbot.keyClicks(window.editor, "The quick")
    window.editor.insertPlainText(" brown fox")  # what the controller inserts on Tab ...
    completion.accepted.emit(" brown fox")  # ... and then reports: a word the writer accepted is the writer's
    assert window.current_tab().marks.texts() == []
    move_cursor(window, 0)
    start, end = window.insert_generated("Traduction : ")  # the translation hook
    assert (start, end) == (0, len("Traduction : "))
    assert window.current_tab().marks.texts() == ["Traduction : "]
    assert window.text() == "Traduction : The quick brown fox"


# -- About ------------------------------------------------------------------------------------------------------------


def test_about_dialog_lists_models_with_their_cards_and_licences(make_window, qtbot, models_dir):
    window = make_window(Engines.from_dir(models_dir, provider="cpu"))
    dialog = window.about_dialog()
    qtbot.addWidget(dialog)
    ids = [dialog.model_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.model_list.count())]
    assert {"tiny-char", "tiny-word"} <= set(ids)
    dialog.model_list.setCurrentRow(ids.index("tiny-word"))
    card = dialog.card_view.toPlainText()
    assert "tiny-word" in card and "CC BY-SA" in card and "Word completion" in card
    assert "parity_fp32_max_abs_diff" in card  # the package's README.md, rendered
    data = dialog.data_view.toPlainText()
    for required in ("CC-BY 2.0 FR", "www.manythings.org/anki and tatoeba.org", "CC BY-SA", "Public domain",
                     "Shakespeare", "WikiText"):
        assert required in data
    dialog.close()


def test_about_dialog_without_models_says_so(qtbot, tmp_path):
    dialog = AboutDialog(tmp_path / "none")
    qtbot.addWidget(dialog)
    assert dialog.model_list.count() == 0
    assert "No models installed" in dialog.card_view.toPlainText()
    assert "Tatoeba" in data_sources_markdown()
    assert QApplication.instance() is not None


def test_generated_words_count_toward_the_daily_goal_only_once_accepted(make_window, qtbot):
    from desktop.core.preferences import Preferences

    window = make_window(preferences=Preferences(daily_goal=100))
    qtbot.keyClicks(window.editor, "one two ")
    window.continuation_toolbar.length_spin.setValue(40)  # "Now is the winter of our discontent\nMade": 8 words
    run_to_end(qtbot, window)
    window.word_counts.update()
    assert window.status_bar.stats_label.text().startswith("10 words")
    assert window.status_bar.goal_label.text() == "Today 2 / 100"
    window.main_menu["accept_generated"].trigger()
    window.word_counts.update()
    assert window.status_bar.goal_label.text() == "Today 10 / 100"


def test_real_completion_acceptances_are_not_marked(make_window, qtbot, models_dir):
    window = make_window(Engines.from_dir(models_dir, provider="cpu"))
    controller = window.current_tab().completion
    qtbot.waitUntil(lambda: controller.available, timeout=30000)
    qtbot.keyClicks(window.editor, "The quick brown ")
    qtbot.waitUntil(lambda: controller.ghost_text.startswith("fox"), timeout=10000)
    ghost = controller.ghost_text
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.text() == "The quick brown " + ghost
    assert window.current_tab().marks.texts() == []  # accepted with Tab: the writer's own words (issue 14)
    assert not window.status_bar.generated_button.isVisible()
