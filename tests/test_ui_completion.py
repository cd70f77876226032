"""Ghost-text completion in the editor: keys (Tab, Ctrl+Right, Esc, Enter, Space, Ctrl+Space), stale results,
disabled and unavailable engines, responsiveness, and one end-to-end run with the tiny word model."""

from __future__ import annotations

import os
import threading
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFontMetricsF, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QPlainTextEdit  # noqa: E402

from desktop.runtime import Engines, UnavailableEngine  # noqa: E402
from desktop.runtime.completer import Suggestion as Sugg  # noqa: E402
from desktop.ui.completion import MAX_CONTEXT_CHARS, CompletionController, first_word  # noqa: E402
from desktop.ui.engine_status import describe_completion, text_before  # noqa: E402
from desktop.ui.ghost_text import format_percent, wrap_ghost_text  # noqa: E402
from tests.fakes import CompleterEngines as FakeEngines  # noqa: E402
from tests.fakes import FakeCompleter  # noqa: E402

CTRL = Qt.KeyboardModifier.ControlModifier



def next_words(text: str) -> list[Sugg]:
    """Suggests " world wide" (phrase) / " wonder" / " wander" after any text ending in a letter, "hello"-style
    completions after a space."""
    if text.endswith(" "):
        return [Sugg("there friend", "there", 0.6, True), Sugg("you", "you", 0.3), Sugg("again", "again", 0.05)]
    if text[-1:].isalpha():
        return [Sugg(" world wide", "world", 0.5, True), Sugg(" wonder", "wonder", 0.3), Sugg(" wander", "wander", 0.1)]
    return []


@pytest.fixture
def make_editor(qtbot):
    """Builds (editor, controller) over a completer, with the engine loaded; shuts the controller down after."""
    made: list[CompletionController] = []

    def make(completer, text: str = "") -> tuple[QPlainTextEdit, CompletionController]:
        editor = QPlainTextEdit()
        qtbot.addWidget(editor)
        editor.resize(600, 300)
        editor.setPlainText(text)
        editor.moveCursor(QTextCursor.MoveOperation.End)
        editor.show()
        controller = CompletionController(editor, FakeEngines(completer))
        made.append(controller)
        with qtbot.waitSignal(controller.engineLoaded, timeout=10_000):
            controller.load_engine()
        return editor, controller

    yield make
    for controller in made:
        controller.shutdown()


def type_and_wait_ghost(qtbot, editor, controller, text: str) -> str:
    """Types ``text`` and waits for the ghost text computed for it."""
    qtbot.keyClicks(editor, text)
    qtbot.waitUntil(lambda: bool(controller.ghost_text), timeout=5000)
    return controller.ghost_text


# -- ghost text ---------------------------------------------------------------------------------------------


def test_ghost_text_appears_at_the_cursor_and_the_document_is_unchanged(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake)
    shown: list[list] = []
    controller.suggestionsShown.connect(shown.append)
    ghost = type_and_wait_ghost(qtbot, editor, controller, "Hello")
    assert ghost == " world wide"
    assert editor.toPlainText() == "Hello"  # ghost text is painted, not inserted
    assert editor.document().isUndoAvailable()
    assert fake.calls[-1][0] == "Hello"
    assert fake.threads and threading.main_thread() not in fake.threads  # never on the UI thread
    overlay = controller.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.parent() is editor.viewport()
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    cursor_rect = editor.cursorRect()
    assert overlay.geometry().topLeft() == cursor_rect.topLeft()  # starts at the caret, on its line
    assert overlay.geometry().height() == cursor_rect.height()  # one line
    assert [line.text for line in overlay.lines] == [" world wide"]
    assert shown and [s.text for s in shown[-1]] == [" world wide", " wonder", " wander"]
    with qtbot.waitSignal(overlay.painted, timeout=2000):
        overlay.update()
    assert overlay.grab().width() > 0


def test_tab_accepts_as_one_undo_step(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    with qtbot.waitSignal(controller.accepted) as accepted:
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert accepted.args == [" world wide"]
    assert editor.toPlainText() == "Hello world wide"
    assert editor.textCursor().position() == len("Hello world wide")
    qtbot.keyClicks(editor, "s")  # the writer's next keystroke is its own undo step
    assert editor.toPlainText() == "Hello world wides"
    editor.undo()
    assert editor.toPlainText() == "Hello world wide"
    editor.undo()
    assert editor.toPlainText() == "Hello"  # exactly the accepted text went


def test_tab_then_undo_removes_exactly_the_accepted_text(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    editor.undo()
    assert editor.toPlainText() == "Hello"


def test_tab_asks_for_the_next_suggestion(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: controller.ghost_text == " world wide", timeout=5000)  # after "...wide" (a letter)
    assert editor.toPlainText() == "Hello world wide"


def test_ctrl_right_accepts_one_word_and_keeps_the_rest(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    accepted: list[str] = []
    controller.accepted.connect(accepted.append)
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    assert editor.toPlainText() == "Hello world"
    assert controller.ghost_text == " wide"
    assert controller.overlay.isVisible()
    assert controller.overlay.geometry().left() == editor.cursorRect().left()
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    assert editor.toPlainText() == "Hello world wide"
    assert accepted == [" world", " wide"]
    editor.undo()
    assert editor.toPlainText() == "Hello world"


def test_ctrl_right_without_ghost_moves_the_cursor(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(), text="one two")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    assert editor.toPlainText() == "one two"
    assert editor.textCursor().position() > 0


def test_esc_dismisses_and_does_not_propagate(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    parent_keys: list[int] = []
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    with qtbot.waitSignal(controller.ghostChanged) as changed:
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert changed.args == [""]
    assert not controller.overlay.isVisible()
    assert editor.toPlainText() == "Hello"
    # With nothing shown, Esc is not taken: a window's Esc shortcut (stop the continuation) still fires.
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    editor2 = QPlainTextEdit()
    window.setCentralWidget(editor2)
    stop = QAction("Stop", window)
    stop.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    stop.triggered.connect(lambda: parent_keys.append(1))
    window.addAction(stop)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    editor2.setFocus()
    ctl2 = CompletionController(editor2, FakeEngines(FakeCompleter(default=next_words)))
    try:
        with qtbot.waitSignal(ctl2.engineLoaded):
            ctl2.load_engine()
        qtbot.keyClicks(editor2, "Hello")
        qtbot.waitUntil(lambda: bool(ctl2.ghost_text), timeout=5000)
        qtbot.keyClick(editor2, Qt.Key.Key_Escape)  # dismisses; the shortcut does not fire
        assert ctl2.ghost_text == "" and parent_keys == []
        qtbot.keyClick(editor2, Qt.Key.Key_Escape)  # nothing shown: the shortcut fires
        assert parent_keys == [1]
    finally:
        ctl2.shutdown()


@pytest.mark.parametrize(("key", "typed"), [(Qt.Key.Key_Return, "\n"), (Qt.Key.Key_Space, " ")])
def test_enter_and_space_never_accept(qtbot, make_editor, key, typed):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake)
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    accepted: list[str] = []
    controller.accepted.connect(accepted.append)
    qtbot.keyClick(editor, key)
    assert editor.toPlainText() == "Hello" + typed
    assert accepted == []
    assert controller.ghost_text in ("", "there friend")  # hidden at once, then recomputed for the new text
    if typed == " ":
        qtbot.waitUntil(lambda: controller.ghost_text == "there friend", timeout=5000)
        assert fake.calls[-1][0] == "Hello "


def test_tab_without_ghost_inserts_a_tab(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter())  # never suggests
    qtbot.keyClicks(editor, "abc")
    qtbot.wait(50)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "abc\t"


def test_no_request_in_the_middle_of_a_word(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake, text="The quick")
    cursor = editor.textCursor()
    cursor.setPosition(5)  # The q|uick
    editor.setTextCursor(cursor)
    requests: list[int] = []
    controller.requested.connect(lambda rid, text: requests.append(rid))
    qtbot.keyClicks(editor, "x")
    qtbot.wait(100)
    assert editor.toPlainText() == "The qxuick"
    assert requests == [] and fake.calls == []
    assert controller.ghost_text == ""
    # At the end of a word (before a space or punctuation) it asks.
    editor.setPlainText("The quick, brown")
    cursor.setPosition(len("The quick"))
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "s")
    qtbot.waitUntil(lambda: bool(fake.calls), timeout=5000)
    assert fake.calls[-1][0] == "The quicks"


def test_no_request_with_a_selection_or_on_programmatic_edits(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake)
    editor.setPlainText("Loaded from a file")  # not typed: no suggestion
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText(" and more")
    qtbot.wait(100)
    assert fake.calls == [] and controller.ghost_text == ""
    type_and_wait_ghost(qtbot, editor, controller, "s")
    editor.selectAll()
    assert controller.ghost_text == ""  # a selection hides it
    calls = len(fake.calls)
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(50)
    assert len(fake.calls) == calls


def test_moving_the_cursor_hides_the_ghost(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    qtbot.keyClick(editor, Qt.Key.Key_Left)
    assert controller.ghost_text == "" and not controller.overlay.isVisible()


def test_stale_results_are_dropped(qtbot, make_editor):
    table = {"a": [Sugg("pple", "apple", 0.9)], "ab": [Sugg("out", "about", 0.8)]}
    fake = FakeCompleter(table=table, delay=0.3)
    editor, controller = make_editor(fake)
    ghosts: list[str] = []
    controller.ghostChanged.connect(ghosts.append)
    qtbot.keyClicks(editor, "a")
    assert fake.started.wait(5)  # the worker is computing "a"...
    qtbot.keyClicks(editor, "b")  # ...when "b" is typed
    qtbot.waitUntil(lambda: controller.ghost_text == "out", timeout=5000)
    assert [c[0] for c in fake.calls] == ["a", "ab"]
    assert "pple" not in ghosts  # the result for "a" arrived after "ab" was typed: never shown
    assert editor.toPlainText() == "ab"


def test_typing_stays_responsive_and_requests_coalesce(qtbot, make_editor):
    fake = FakeCompleter(default=next_words, delay=0.2)
    editor, controller = make_editor(fake)
    slowest = 0.0
    for char in "Hello wor":
        started = time.perf_counter()
        qtbot.keyClicks(editor, char)
        slowest = max(slowest, time.perf_counter() - started)
        assert editor.toPlainText().endswith(char)  # processed at once, the 200 ms model notwithstanding
    assert slowest < 0.15, f"a keystroke took {slowest:.3f} s: the UI thread waited for the model"
    qtbot.waitUntil(lambda: controller.ghost_text == " world wide", timeout=5000)
    assert fake.calls[-1][0] == "Hello wor"
    assert len(fake.calls) <= 2  # the first key's request, then only the newest text


def test_ctrl_space_lists_suggestions_with_percentages_and_picks(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words))
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)
    popup = controller.popup
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    rows = [(popup.item(i).text(), popup.item(i).data(Qt.ItemDataRole.UserRole + 1)) for i in range(popup.count())]
    assert rows == [("world wide", "50%"), ("wonder", "30%"), ("wander", "10%")]
    assert editor.toPlainText() == "Hello"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(controller.accepted) as accepted:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert accepted.args == [" wonder"]
    assert editor.toPlainText() == "Hello wonder"
    assert not popup.isVisible()
    editor.undo()
    assert editor.toPlainText() == "Hello"


def test_ctrl_space_asks_when_nothing_is_shown_and_esc_closes(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words), text="Hello")
    controller.set_suggestion_count(2)
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)  # no typing before: asks now, opens on arrival
    popup = controller.popup
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert popup.count() == 2
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert editor.toPlainText() == "Hello"
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    qtbot.keyClick(popup, Qt.Key.Key_Tab)  # Tab picks too
    assert editor.toPlainText() == "Hello world wide"


def test_disabled_does_nothing(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake)
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    controller.set_enabled(False)
    assert controller.ghost_text == "" and not controller.overlay.isVisible()
    calls = len(fake.calls)
    qtbot.keyClicks(editor, " there")
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)
    qtbot.wait(100)
    assert len(fake.calls) == calls and controller.ghost_text == "" and not controller.popup.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "Hello there\t"
    controller.set_enabled(True)
    qtbot.keyClicks(editor, "x")
    qtbot.waitUntil(lambda: bool(controller.ghost_text), timeout=5000)


def test_unavailable_engine_shows_nothing_and_the_editor_works(qtbot, make_editor):
    engine = UnavailableEngine("completion", "no word_lm model package in /nowhere")
    editor, controller = make_editor(engine)
    assert not controller.available
    assert "no word_lm model package" in controller.error
    assert describe_completion(controller.engine_info).startswith("Completion unavailable: no word_lm")
    qtbot.keyClicks(editor, "Hello ")
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.wait(50)
    assert editor.toPlainText() == "Hello \t"
    assert controller.ghost_text == ""


def test_engine_that_fails_to_load_or_to_suggest(qtbot, make_editor):
    class Broken:
        @property
        def completer(self):
            raise OSError("disk on fire")

    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    controller = CompletionController(editor, Broken())
    try:
        with qtbot.waitSignal(controller.engineLoaded) as loaded:
            controller.load_engine()
        assert not loaded.args[0].available and "disk on fire" in controller.error
    finally:
        controller.shutdown()

    def boom(text):
        raise RuntimeError("bad model")

    editor, controller = make_editor(FakeCompleter(default=boom))
    qtbot.keyClicks(editor, "Hello")
    qtbot.wait(100)
    assert controller.ghost_text == "" and editor.toPlainText() == "Hello"


def test_settings_reach_the_completer_in_the_worker_thread(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    editor, controller = make_editor(fake)
    controller.set_phrase_threshold(-0.5)
    controller.set_max_phrase_words(1)
    qtbot.waitUntil(lambda: fake.phrase_threshold == -0.5 and fake.max_phrase_words == 1, timeout=5000)
    assert fake.threshold_set_in is not None and fake.threshold_set_in is not threading.main_thread()
    controller.set_suggestion_count(2)
    qtbot.keyClicks(editor, "Hi")
    qtbot.waitUntil(lambda: bool(controller.ghost_text), timeout=5000)
    assert fake.calls[-1] == ("Hi", 2)


def test_settings_before_the_engine_loads_wait_for_it(qtbot):
    # The window applies the preferences before it calls load_engine(): the worker must neither spin nor lose them.
    fake = FakeCompleter(default=next_words)
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.show()
    controller = CompletionController(editor, FakeEngines(fake))
    try:
        controller.set_phrase_threshold(-0.25)
        controller.set_enabled(True)
        qtbot.wait(50)
        with qtbot.waitSignal(controller.engineLoaded, timeout=5000):
            controller.load_engine()
        assert fake.phrase_threshold == -0.25
        qtbot.keyClicks(editor, "Hello")
        qtbot.waitUntil(lambda: controller.ghost_text == " world wide", timeout=5000)
    finally:
        controller.shutdown()


def test_the_context_is_bounded_in_a_huge_document(qtbot, make_editor):
    fake = FakeCompleter(default=next_words)
    line = "All work and no play makes Jack a dull boy. " * 4 + "\n"
    big = line * (3 * MAX_CONTEXT_CHARS // len(line))
    editor, controller = make_editor(fake, text=big)
    qtbot.keyClicks(editor, "Jack")
    qtbot.waitUntil(lambda: bool(controller.ghost_text), timeout=5000)
    sent = fake.calls[-1][0]
    assert len(sent) <= MAX_CONTEXT_CHARS and sent.endswith("\nJack")
    assert (big + "Jack").endswith(sent)
    assert text_before(editor.document(), 5, MAX_CONTEXT_CHARS) == big[:5]
    assert text_before(editor.document(), 5, 3) == big[2:5]  # at most the last 3 characters
    assert text_before(editor.document(), 5) == big[:5]


def test_ghost_text_wraps_at_the_viewport_edge(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=lambda t: [Sugg(" alpha beta gamma delta", "alpha", 0.9)]))
    editor.resize(220, 200)
    metrics = QFontMetricsF(editor.font())
    # Type until the cursor is near the right edge.
    while editor.cursorRect().left() + metrics.horizontalAdvance(" alpha beta") < editor.viewport().width() - 10:
        qtbot.keyClicks(editor, "m")
    qtbot.waitUntil(lambda: bool(controller.ghost_text), timeout=5000)
    lines = controller.overlay.lines
    assert len(lines) >= 2
    assert "".join(line.text for line in lines).replace(" ", "") == "alphabetagammadelta"
    overlay = controller.overlay
    assert overlay.geometry().right() <= editor.viewport().width()
    assert overlay.geometry().top() == editor.cursorRect().top()


def test_ghost_text_follows_scrolling(qtbot, make_editor):
    editor, controller = make_editor(FakeCompleter(default=next_words), text="line\n" * 60)
    editor.resize(400, 200)
    type_and_wait_ghost(qtbot, editor, controller, "Hello")
    bar = editor.verticalScrollBar()
    assert bar.value() > 0
    bar.setValue(bar.value() - 2)  # the mouse wheel: the cursor stays, the text moves
    assert controller.ghost_text == " world wide"
    assert controller.overlay.geometry().topLeft() == editor.cursorRect().topLeft()
    bar.setValue(0)  # the cursor's line is out of view: so is the ghost text
    assert not controller.overlay.isVisible()
    bar.setValue(bar.maximum())
    assert controller.overlay.isVisible()


def test_shutdown_twice_and_after_the_editor_is_gone(qtbot):
    editor = QPlainTextEdit()
    controller = CompletionController(editor, FakeEngines(FakeCompleter(default=next_words)), parent=None)
    other = CompletionController(QPlainTextEdit(), FakeEngines(FakeCompleter()))
    with qtbot.waitSignal(controller.engineLoaded):
        controller.load_engine()
    controller.shutdown()
    controller.shutdown()
    qtbot.keyClicks(editor, "Hello")  # detached: nothing asked
    qtbot.wait(50)
    assert controller.ghost_text == ""
    editor.deleteLater()
    qtbot.wait(20)
    other.editor.deleteLater()  # the controller (its child) goes with it; its thread is stopped
    qtbot.wait(20)


def test_ghost_text_never_covers_the_lines_below(qtbot, make_editor):
    words = " alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau"
    long = [Sugg(words * 2, "alpha", 0.9)]
    editor, controller = make_editor(FakeCompleter(default=lambda t: long), text="first\n\nnext, paragraph")
    editor.resize(260, 200)
    cursor = editor.textCursor()
    cursor.setPosition(len("first"))
    editor.setTextCursor(cursor)
    type_and_wait_ghost(qtbot, editor, controller, "s")  # one blank line below, then text
    lines = controller.overlay.lines
    assert len(lines) == 2 and lines[-1].text.endswith("\u2026")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    type_and_wait_ghost(qtbot, editor, controller, "s")  # the end of the document: room below
    assert len(controller.overlay.lines) == 3
    cursor.setPosition(editor.toPlainText().index(","))  # "next|, paragraph"
    editor.setTextCursor(cursor)
    type_and_wait_ghost(qtbot, editor, controller, "s")  # text follows on the line: one row, elided
    assert len(controller.overlay.lines) == 1 and controller.overlay.lines[0].text.endswith("\u2026")
    assert controller.overlay.geometry().right() <= editor.viewport().width()


def test_free_lines_below():
    from PySide6.QtGui import QTextDocument

    from desktop.ui.ghost_text import free_lines_below

    document = QTextDocument()
    document.setPlainText("one\n\n\ntwo\nthree")
    cursor = QTextCursor(document)
    cursor.setPosition(3)  # end of "one": two blank lines below, then "two"
    assert free_lines_below(cursor, 5) == 2
    assert free_lines_below(cursor, 1) == 1
    cursor.setPosition(1)  # inside "one": its own text follows
    assert free_lines_below(cursor, 5) == 0
    cursor.movePosition(QTextCursor.MoveOperation.End)
    assert free_lines_below(cursor, 2) == 2


def test_wrap_helper():
    from PySide6.QtGui import QFont

    metrics = QFontMetricsF(QFont())
    one = metrics.horizontalAdvance("m")
    # Everything fits on the cursor's line.
    assert wrap_ghost_text(" ab cd", metrics, 0, 0, 1000) == [(" ab cd", 0)]
    # The rest of a word stays on the first line even past the edge; the next word wraps.
    rows = wrap_ghost_text("ox jumps", metrics, 100, 0, 100 + one)
    assert rows == [("ox", 100), ("jumps", 0)]
    # Not even the first word fits after the cursor: the first row is empty.
    rows = wrap_ghost_text(" fox", metrics, 100, 0, 100 + one)
    assert rows == [("", 100), ("fox", 0)]
    # Long text stops after three rows with an ellipsis.
    rows = wrap_ghost_text(" a b c d e f", metrics, 0, 0, metrics.horizontalAdvance(" a"))
    assert len(rows) == 3 and rows[-1][0].endswith("\u2026")
    # One row allowed: the words that fit, then an ellipsis that fits too.
    right = metrics.horizontalAdvance(" aa bb cc")
    rows = wrap_ghost_text(" aa bb cc dd ee", metrics, 0, 0, right, max_lines=1)
    assert len(rows) == 1 and rows[0][0].endswith("\u2026")
    assert metrics.horizontalAdvance(rows[0][0]) <= right


def test_small_helpers():
    assert first_word(" world wide") == " world"
    assert first_word("ox jumps") == "ox"
    assert first_word("  two spaces") == "  two"
    assert format_percent(0.5) == "50%" and format_percent(0.001) == "<1%" and format_percent(0.996) == "100%"
    assert describe_completion(None) == "Completion: loading the model…"


def test_end_to_end_with_the_tiny_word_model(qtbot, make_editor, models_dir):
    engines = Engines.from_dir(models_dir, provider="cpu")
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.show()
    controller = CompletionController(editor, engines)
    try:
        with qtbot.waitSignal(controller.engineLoaded, timeout=30_000) as loaded:
            controller.load_engine()
        info = loaded.args[0]
        assert info.available and info.name == "tiny-word"
        assert describe_completion(info) == "Completion: tiny-word · CPU"
        qtbot.keyClicks(editor, "The quick brown ")
        qtbot.waitUntil(lambda: controller.ghost_text.startswith("fox"), timeout=10_000)
        assert editor.toPlainText() == "The quick brown "
        ghost = controller.ghost_text
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
        assert editor.toPlainText() == "The quick brown " + ghost
        editor.undo()
        assert editor.toPlainText() == "The quick brown "
    finally:
        controller.shutdown()


def test_a_whole_word_typed_gets_no_longer_ghost_but_ctrl_space_lists_them(qtbot, make_editor):
    def after_anna(text: str) -> list[Sugg]:
        if text.endswith("Anna"):  # the word as typed is likelier than any longer one
            return [Sugg("purna", "Annapurna", 0.04, typed_word_likelier=True),
                    Sugg("ls", "Annals", 0.03, typed_word_likelier=True)]
        return [Sugg("a", "Anna", 0.6)] if text.endswith("Ann") else []

    fake = FakeCompleter(default=after_anna)
    editor, controller = make_editor(fake)
    assert type_and_wait_ghost(qtbot, editor, controller, "Best regards, Ann") == "a"
    qtbot.keyClicks(editor, "a")
    qtbot.waitUntil(lambda: fake.calls and fake.calls[-1][0].endswith("Anna"), timeout=5000)
    qtbot.wait(300)  # the answer for "Anna" has arrived: it shows no ghost text
    assert controller.ghost_text == ""
    qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL)  # the longer words are still a Ctrl+Space away
    popup = controller.popup
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert [popup.item(i).text() for i in range(popup.count())] == ["purna", "ls"]
    assert editor.toPlainText() == "Best regards, Anna"
