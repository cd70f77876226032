"""Issue 14: the editor as a new writer finds it. Wrapping beside a dock (1), ghost text after toggling the model
view (2), status messages at the default size (3), focus after Replace (5), the window title (6), the model
view's next word (8), accepted completions (9) and the models named in the status bar (14)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from desktop.core.recovery import RecoveryEntry
from desktop.runtime.completer import Suggestion as Sugg
from tests.fakes import FakeCompleter, FakeContinuer, FakeEngines, FakeTranslator

LONG_LINE = "The writer types a long line of words that must wrap at the edge of the page. " * 4



def j_words(text: str) -> list[Sugg]:
    """"journey"/"job"/"joy" after a word starting with "j", " and" as the next word otherwise."""
    word = text.split()[-1] if text and not text[-1].isspace() else ""
    if word.startswith("j"):
        options = [Sugg("journey"[len(word):], "journey", 0.6), Sugg("job"[len(word):], "job", 0.3),
                   Sugg("joy"[len(word):], "joy", 0.1)]
        return [s for s in options if s.word.startswith(word)]
    return [Sugg(" and", "and", 0.5)]


def engines():
    word_model = FakeCompleter(default=j_words, vocab=[".", ",", "of", "and", "journey", "job", "joy"],
                               distribution=[0.3, 0.25, 0.2, 0.15, 0.04, 0.03, 0.03])
    return FakeEngines(FakeContinuer(), completer=word_model, translator=FakeTranslator("Bonjour.", -0.1))


def no_horizontal_scrolling(window) -> bool:
    bar = window.editor.horizontalScrollBar()
    return bar.maximum() == 0 and not bar.isVisible()


# -- 1: wrapping beside a dock ----------------------------------------------------------------------------------


def test_lines_wrap_beside_an_open_dock_in_new_opened_and_restored_documents(make_window, qtbot, tmp_path):
    window = make_window(engines())
    window.resize(1100, 720)
    window.translation_dock.show()
    qtbot.wait(50)
    window.new_document()
    qtbot.keyClicks(window.editor, LONG_LINE)
    qtbot.wait(20)
    assert no_horizontal_scrolling(window), "a new document"
    path = tmp_path / "long.txt"
    path.write_text(LONG_LINE * 3, encoding="utf-8")
    window.files.open_file(path)
    qtbot.wait(20)
    assert no_horizontal_scrolling(window), "an opened file"
    window.session.restore_recovered([RecoveryEntry(doc_id="crashed", text=LONG_LINE * 2, path=None, title="Untitled")])
    qtbot.wait(20)
    assert no_horizontal_scrolling(window), "a tab restored after a crash"
    window.main_menu["model_view"].setChecked(True)
    qtbot.wait(20)
    assert no_horizontal_scrolling(window), "a second dock"


# -- 2: ghost text follows the text when the model view opens and closes ---------------------------------------


def ghost_at_cursor(window) -> bool:
    overlay = window.current_tab().completion.overlay
    if not overlay.isVisible() or not overlay.lines:
        return False
    first = overlay.lines[0]
    cursor = window.editor.cursorRect()
    return abs(overlay.x() + first.x - cursor.left()) <= 1 and abs(overlay.y() + first.top - cursor.top()) <= 1


def test_ghost_text_stays_at_the_cursor_when_the_model_view_is_toggled(make_window, qtbot):
    window = make_window(engines())
    window.resize(1100, 720)
    controller = window.current_tab().completion
    qtbot.waitUntil(lambda: controller.available, timeout=5000)
    qtbot.keyClicks(window.editor, LONG_LINE[: 3 * len(LONG_LINE) // 4] + "we discuss the new j")
    qtbot.waitUntil(lambda: controller.ghost_text == "ourney", timeout=5000)
    assert ghost_at_cursor(window)
    for _ in range(2):  # Ctrl+Shift+M twice
        window.main_menu["model_view"].trigger()
        qtbot.wait(60)
        assert controller.ghost_text == "ourney"
        assert ghost_at_cursor(window), "the grey text must follow the reflowed line"


# -- 3: status messages fit at the default size -----------------------------------------------------------------


def message_room(window) -> int:
    """Pixels a temporary message has: from the bar's left edge to the first permanent widget shown."""
    bar = window.statusBar()
    permanent = [getattr(window, name, None) for name in ("load_bar", "generated_button", "stats_label",
                                                          "position_label", "goal_label", "goal_bar", "format_label")]
    lefts = [w.geometry().left() for w in permanent if w is not None and w.isVisible()]
    if window.status_bar.model_label.isVisible() and window.statusBar().currentMessage():
        lefts.append(window.status_bar.model_label.geometry().left())  # a widget beside the message takes its room
    return min(lefts, default=bar.width()) - 8


def test_status_messages_are_not_cut_off_at_the_default_size(make_window, qtbot, tmp_path):
    shipped = engines()  # with the shipped models' names
    shipped._continuer.name, shipped.completer.name, shipped.translator.name = (
        "shakespeare-char", "english-word", "tatoeba-en-fr")
    window = make_window(shipped)
    window.resize(1100, 720)
    path = tmp_path / "chapter one.txt"
    path.write_text("One two three four, five six seven. " * 2000, encoding="utf-8")
    window.files.open_file(path)
    window.settings.apply(window.preferences.copy(daily_goal=1000), save=False)
    window.word_counts.update()
    qtbot.wait(300)  # the models load and are named
    metrics = QFontMetrics(window.statusBar().font())
    for message in ("Continuation done: 400 characters", "Continuation stopped after 5,000 characters",
                    "Replaced the English with the translation (Ctrl+Z undoes it)",
                    f"Opened {path.name} (mixed line endings, kept as found)"):
        window.statusBar().showMessage(message, 5000)
        QApplication.processEvents()
        assert metrics.horizontalAdvance(message) <= message_room(window), message
    assert window.statusBar().toolTip() == message  # the whole of any message, however long
    assert window.status_bar.model_label.isHidden()  # a message takes the models' place for its few seconds
    window.statusBar().clearMessage()
    QApplication.processEvents()
    assert window.status_bar.model_label.isVisible()


# -- 5: undo after Replace --------------------------------------------------------------------------------------


def test_replace_and_insert_give_the_focus_back_to_the_editor_so_ctrl_z_undoes(make_window, qtbot):
    window = make_window(engines())
    window.editor.setPlainText("Hello.")
    window.editor.selectAll()
    request = window.translation.translate_selection()
    panel = window.translation_panel
    qtbot.waitUntil(lambda: bool(panel.results) and panel.latest_id == request, timeout=5000)
    qtbot.mouseClick(panel.replace_button, Qt.MouseButton.LeftButton)
    assert window.text() == "Bonjour."
    assert QApplication.focusWidget() is window.editor
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.text() == "Hello."
    window.editor.selectAll()
    request = window.translation.translate_selection()
    qtbot.waitUntil(lambda: bool(panel.results) and panel.latest_id == request, timeout=5000)
    qtbot.mouseClick(panel.insert_button, Qt.MouseButton.LeftButton)
    assert window.text() == "Hello. Bonjour."
    assert QApplication.focusWidget() is window.editor


# -- 6: the window title --------------------------------------------------------------------------------------


def test_window_title_names_the_application_once(make_window, qtbot, tmp_path):
    app = QApplication.instance()
    before = app.applicationDisplayName()
    app.setApplicationDisplayName("Folio")
    try:
        window = make_window(engines())
        path = tmp_path / "doc1.txt"
        path.write_text("x", encoding="utf-8")
        window.files.open_file(path)
        # Qt's platform windows add " — <display name>" to the title (QPlatformWindow::formatWindowTitle).
        shown = f"{window.windowTitle().replace('[*]', '')} — {app.applicationDisplayName()}"
        assert shown == "doc1.txt — Folio"
        assert shown.count("Folio") == 1
    finally:
        app.setApplicationDisplayName(before)


# -- 8: the model view's next word uses the word being typed ------------------------------------------------------


def test_model_view_next_word_completes_the_partial_word(make_window, qtbot):
    window = make_window(engines())
    window.main_menu["model_view"].setChecked(True)
    qtbot.waitUntil(lambda: window.current_tab().completion.available, timeout=5000)
    qtbot.keyClicks(window.editor, "We discuss the new j")
    view = window.model_view
    settled = lambda: not view._debounce.isActive() and view.shown_id == view.latest_id  # noqa: E731
    qtbot.waitUntil(lambda: settled() and bool(view.word_bars.items), timeout=5000)
    controller = window.current_tab().completion
    qtbot.waitUntil(lambda: controller.ghost_text == "ourney", timeout=5000)
    words = [label for label, _ in view.word_bars.items]
    assert words[0] == "journey" and set(words) == {"journey", "job", "joy"}
    assert "completing “j”" in view.word_title.text()
    qtbot.keyClicks(window.editor, " ")
    qtbot.waitUntil(lambda: settled() and view.word_bars.items[0][0] == ".", timeout=5000)
    assert "completing" not in view.word_title.text()


# -- 9: accepted completions are the writer's ---------------------------------------------------------------------


def test_an_accepted_completion_is_not_marked_generated(make_window, qtbot):
    window = make_window(engines())
    controller = window.current_tab().completion
    qtbot.waitUntil(lambda: controller.available, timeout=5000)
    qtbot.keyClicks(window.editor, "the new j")
    qtbot.waitUntil(lambda: controller.ghost_text == "ourney", timeout=5000)
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.text() == "the new journey"
    assert window.current_tab().marks.ranges() == []
    assert not window.status_bar.generated_button.isVisible()
    assert window.current_tab().own_words() == 3


# -- 14: the status bar names every model and its provider --------------------------------------------------------


def test_status_bar_names_each_model_and_provider_the_translator_included(make_window, qtbot):
    window = make_window(engines())
    label = window.status_bar.model_label
    qtbot.waitUntil(lambda: "Translation" in label.text() and "Completion" in label.text(), timeout=5000)
    text = label.text()
    assert "Shakespeare: fake-char · CPU" in text
    assert "Completion: fake-word · CPU" in text
    assert "Translation: fake-translator · CPU" in text
    assert "Translation: fake-translator · CPU" in window.status_bar.model_label.toolTip()
    assert window.status_bar.model_label.visible_text()  # drawn, elided if the window is narrow
    assert window.status_bar.model_label.mapTo(window, QPoint(0, 0)).y() > window.height() // 2  # in the status bar


def test_a_missing_translator_is_named_as_unavailable(make_window, qtbot):
    window = make_window(FakeEngines(FakeContinuer()))
    qtbot.waitUntil(lambda: "Translation" in window.status_bar.model_label.text(), timeout=5000)
    assert "Translation unavailable: no translation model is installed" in window.status_bar.model_label.text()
