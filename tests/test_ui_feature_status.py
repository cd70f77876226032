"""A feature's unavailability reason stays visible (issue 11 item 12): a status-bar indicator with the reason as its
tooltip, which a later status message does not hide, and the same reasons in the About dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.runtime import Engines
from desktop.ui.about_dialog import AboutDialog
from tests.test_damaged_packages import _resign
from tests.ui_support import set_text, wait_models_ready


def _window_with_completion(make_window, qtbot, engines_or_models):
    window = make_window(**engines_or_models)
    wait_models_ready(qtbot, window)
    return window


def test_missing_models_show_a_lasting_indicator_with_the_reason(models_copy, make_window, qtbot):
    folder = models_copy("tiny-char")
    window = _window_with_completion(make_window, qtbot, {"models": folder})
    status = window.status_bar.feature_status
    assert sorted(status.reasons()) == ["Completion", "Translation"]  # both load at start, in either order
    completion = status.button("Completion")
    assert completion.isVisible() and completion.text() == "Completion off"
    assert completion.toolTip().startswith(f"Completion is unavailable: no word_lm model package in {folder}")
    assert "no translator model package" in status.button("Translation").toolTip()
    assert status.button("Continuation") is None  # the char model works

    window.statusBar().showMessage("A long message about something else entirely", 60_000)
    qtbot.wait(50)
    assert completion.isVisible()  # a longer message does not hide the reason

    with qtbot.waitSignal(status.clicked):
        qtbot.mouseClick(completion, Qt.MouseButton.LeftButton)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible())
    label = dialog.unavailable_label
    assert label.isVisibleTo(dialog)
    assert "Completion" in label.text() and "no word_lm model package" in label.text()
    assert "Translation" in label.text()
    dialog.close()


def test_about_dialog_lists_nothing_when_every_feature_works(make_window, qtbot, models_dir):
    window = _window_with_completion(make_window, qtbot, {"models": models_dir})
    assert window.status_bar.feature_status.reasons() == {} and not window.status_bar.feature_status.isVisible()
    dialog = window.about_dialog()
    assert not dialog.unavailable_label.isVisibleTo(dialog)
    dialog.close()


def test_a_model_that_fails_while_running_gets_an_indicator(make_window, qtbot, models_dir):
    engines = Engines.from_dir(models_dir, provider="cpu")
    window = _window_with_completion(make_window, qtbot, {"engines": engines})
    engines.completer.lm.run = lambda ids, state: (_ for _ in ()).throw(RuntimeError("graph exploded"))
    qtbot.keyClicks(window.editor, "the quick")
    qtbot.waitUntil(lambda: window.status_bar.feature_status.button("Completion") is not None, timeout=5000)
    assert "graph exploded" in window.status_bar.feature_status.button("Completion").toolTip()


def test_a_damaged_translator_gets_an_indicator_once_it_fails_to_load(models_copy, make_window, qtbot):
    folder = models_copy("tiny-char", "tiny-translator")
    (folder / "tiny-translator" / "tokenizer.json").write_text("[1, 2", encoding="utf-8")
    _resign(folder / "tiny-translator")
    # The window loads the translator in the background at start, so the indicator may already be up here (the
    # load finished) or come with the first translation: either way it must come, with the reason.
    window = make_window(models=folder)
    set_text(window, "Tom lives in Boston.")
    window.editor.selectAll()
    window.translation.translate_selection()
    qtbot.waitUntil(lambda: window.status_bar.feature_status.button("Translation") is not None, timeout=10000)
    tip = window.status_bar.feature_status.button("Translation").toolTip()
    assert "tokenizer.json is not valid JSON at line 1, column 6" in tip
