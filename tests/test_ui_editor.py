"""The editor window: streaming continuation (cursor, cancel, undo, typing), model status, files."""

from __future__ import annotations

import errno
import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from desktop.runtime.continuer import MAX_WORD_CHARS  # noqa: E402
from desktop.ui import startup  # noqa: E402
from desktop.ui.continuation import CANCELLED, COMPLETED, SUPERSEDED  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from tests.fakes import STREAM, FakeContinuer, FakeEngines  # noqa: E402
from tests.ui_support import run_to_end, set_text, wait_models_ready, window_with_file  # noqa: E402

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


# -- continuation ---------------------------------------------------------------------------------------------


def test_status_bar_names_model_and_provider_and_model_loads_off_the_ui_thread(make_window):
    engines = FakeEngines(FakeContinuer())
    window = make_window(engines)
    assert window.main_menu["continue"].isEnabled()
    assert "fake-char" in window.status_bar.model_label.text()
    assert "CPU" in window.status_bar.model_label.text()
    assert "ExecutionProvider" not in window.status_bar.model_label.text()
    assert engines.loaded_in is not None and engines.loaded_in is not threading.main_thread()
    assert window.windowTitle() == "Untitled[*]"


def test_window_shows_before_a_slow_model_finishes_loading(make_window, qtbot):
    window = make_window(FakeEngines(FakeContinuer(), load_delay=0.5), wait_loaded=False)
    assert window.isVisible()
    assert not window.main_menu["continue"].isEnabled()
    assert "loading" in window.status_bar.model_label.text()
    assert window.continuation.start() is None
    qtbot.waitUntil(lambda: window.main_menu["continue"].isEnabled(), timeout=5000)


def test_continuation_streams_in_at_the_cursor(make_window, qtbot):
    fake = FakeContinuer(delay=0.002)
    window = make_window(FakeEngines(fake))
    set_text(window, "Hello world", cursor_at=5)
    window.continuation_toolbar.length_spin.setValue(40)
    window.continuation_toolbar.temperature_spin.setValue(0.5)
    chunks: list[str] = []
    window.controller.textInserted.connect(lambda request_id, text: chunks.append(text))

    _, outcome = run_to_end(qtbot, window)

    assert outcome == COMPLETED
    assert fake.prompts == ["Hello"]
    assert fake.temperatures == [pytest.approx(0.5)]
    assert window.text() == "Hello" + fake.expected(40) + " world"
    assert "".join(chunks) == fake.expected(40)
    assert window.editor.textCursor().position() == 5 + 40  # the cursor follows the inserted text
    assert window.modified and window.isWindowModified()
    assert not window.main_menu["stop"].isEnabled()


def test_shortcut_starts_and_escape_stops_the_continuation(make_window, qtbot):
    fake = FakeContinuer(delay=0.01)
    window = make_window(FakeEngines(fake))
    set_text(window, "ROMEO:\n")
    window.continuation_toolbar.length_spin.setValue(5000)
    with qtbot.waitSignal(window.controller.started, timeout=2000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, CTRL_SHIFT)
    qtbot.waitUntil(lambda: len(window.text()) > len("ROMEO:\n") + 3, timeout=5000)
    assert window.main_menu["stop"].isEnabled()

    with qtbot.waitSignal(window.controller.finished, timeout=2000) as blocker:
        qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert blocker.args[1] == CANCELLED
    assert fake.closed.wait(2)  # the worker stopped pulling and closed the generator
    stopped_at = window.text()
    pulled = fake.pulled
    qtbot.wait(200)
    assert window.text() == stopped_at
    assert fake.pulled == pulled
    assert stopped_at.startswith("ROMEO:\n") and STREAM.startswith(stopped_at[len("ROMEO:\n") :])
    assert not window.main_menu["stop"].isEnabled()


def test_stop_button_cancels(make_window, qtbot):
    window = make_window(FakeEngines(FakeContinuer(delay=0.01)))
    window.continuation_toolbar.length_spin.setValue(5000)
    window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > 2, timeout=5000)
    with qtbot.waitSignal(window.controller.finished, timeout=2000) as blocker:
        qtbot.mouseClick(window.continuation_toolbar.buttons["stop"], Qt.MouseButton.LeftButton)
    assert blocker.args[1] == CANCELLED
    assert not window.controller.running


def test_one_undo_removes_the_whole_insertion(make_window, qtbot):
    fake = FakeContinuer(delay=0.004)
    window = make_window(FakeEngines(fake))
    original = "To be, or not to be:\nthat is the question."
    set_text(window, original, cursor_at=original.index("\nthat"))
    window.continuation_toolbar.length_spin.setValue(60)
    chunks: list[str] = []
    window.controller.textInserted.connect(lambda request_id, text: chunks.append(text))
    run_to_end(qtbot, window)
    assert len(chunks) > 2  # several chunks, still one undo step
    assert window.text() != original

    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.text() == original
    window.editor.redo()
    assert window.text() == original.replace("\nthat", fake.expected(60) + "\nthat")
    window.editor.undo()
    assert window.text() == original


def test_typing_works_while_generating_and_stays_its_own_undo_step(make_window, qtbot):
    fake = FakeContinuer(delay=0.01)
    window = make_window(FakeEngines(fake))
    original = "Once more unto the breach"
    set_text(window, original)
    window.continuation_toolbar.length_spin.setValue(5000)
    window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > len(original) + 3, timeout=5000)

    qtbot.keyClicks(window.editor, "XYZ")
    assert "XYZ" in window.text()
    grown = len(window.text())
    qtbot.waitUntil(lambda: len(window.text()) > grown + 3, timeout=5000)  # generation went on
    assert window.controller.running
    with qtbot.waitSignal(window.controller.finished, timeout=2000):
        window.continuation.stop()
    after_typing = window.text()
    assert after_typing.endswith("XYZ")  # the text generated after the typing went before it, at the anchor
    generated = after_typing[len(original) : -len("XYZ")]
    assert after_typing.startswith(original) and fake.expected(len(generated)) == generated

    document = window.editor.document()
    document.undo()  # the text generated after the typing
    with_typing = window.text()
    assert with_typing.endswith("XYZ") and len(with_typing) < len(after_typing)
    before = with_typing[: -len("XYZ")]
    while "XYZ" in window.text():  # then the typing (Qt may group keystrokes)
        assert before in window.text()
        document.undo()
    assert window.text() == before
    document.undo()  # then the text generated before the typing, in one step
    assert window.text() == original


def test_undo_while_generating_stops_the_continuation(make_window, qtbot):
    window = make_window(FakeEngines(FakeContinuer(delay=0.01)))
    set_text(window, "Friends, Romans")
    window.continuation_toolbar.length_spin.setValue(5000)
    window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > len("Friends, Romans") + 2, timeout=5000)
    with qtbot.waitSignal(window.controller.finished, timeout=2000) as blocker:
        window.editor.undo()
    assert blocker.args[1] == CANCELLED
    assert window.text() == "Friends, Romans"


def test_edits_elsewhere_do_not_move_the_insertion_point(make_window, qtbot):
    fake = FakeContinuer(delay=0.01)
    window = make_window(FakeEngines(fake))
    set_text(window, "Alpha\nBeta", cursor_at=len("Alpha"))
    window.continuation_toolbar.length_spin.setValue(30)
    with qtbot.waitSignal(window.controller.finished, timeout=10000):
        window.continuation.start()
        qtbot.waitUntil(lambda: len(window.text()) > len("Alpha\nBeta") + 2, timeout=5000)
        cursor = window.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        window.editor.setTextCursor(cursor)
        qtbot.keyClicks(window.editor, ">> ")
    assert window.text() == ">> Alpha" + fake.expected(30) + "\nBeta"


def test_a_new_continuation_supersedes_the_running_one(make_window, qtbot):
    fake = FakeContinuer(delay=0.01)
    window = make_window(FakeEngines(fake))
    set_text(window, "first|second", cursor_at=len("first"))
    window.continuation_toolbar.length_spin.setValue(5000)
    outcomes: dict[int, str] = {}
    window.controller.finished.connect(lambda request_id, outcome: outcomes.__setitem__(request_id, outcome))
    first = window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > len("first|second") + 2, timeout=5000)

    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    window.continuation_toolbar.length_spin.setValue(25)
    second = window.continuation.start()
    assert outcomes[first] == SUPERSEDED
    middle = window.text()
    qtbot.waitUntil(lambda: second in outcomes, timeout=10000)

    assert outcomes[second] == COMPLETED
    assert window.text() == middle + fake.expected(25)  # nothing more from the first request
    assert fake.prompts[1] == middle


def test_closing_the_window_stops_the_worker(make_window, qtbot, dialogs):
    fake = FakeContinuer(delay=0.01)
    window = make_window(FakeEngines(fake))
    window.continuation_toolbar.length_spin.setValue(5000)
    window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > 2, timeout=5000)
    assert window.close()
    assert dialogs.questions  # it asked about the unsaved continuation (and the answer was Discard)
    assert fake.closed.wait(2)
    assert not window.controller._thread.isRunning()


def test_engine_error_during_generation_is_reported(make_window, qtbot):
    class Broken(FakeContinuer):
        def generate(self, prompt, max_chars, **kwargs):
            yield "a"
            raise RuntimeError("the graph exploded")

    window = make_window(FakeEngines(Broken()))
    with qtbot.waitSignal(window.controller.failed, timeout=5000) as blocker:
        window.continuation.start()
    assert "exploded" in blocker.args[1]
    qtbot.waitUntil(lambda: not window.controller.running)
    assert "exploded" in window.statusBar().currentMessage()


# -- missing or broken models ---------------------------------------------------------------------------------


def _assert_unavailable(window: MainWindow, qtbot, reason: str) -> None:
    assert window.isVisible()
    assert window.status_bar.model_label.text().startswith("Continuation unavailable: ")
    assert reason in window.status_bar.model_label.text()
    assert not window.main_menu["continue"].isEnabled()
    assert reason in window.main_menu["continue"].toolTip()
    assert window.continuation.start() is None
    qtbot.keyClicks(window.editor, "still works")
    assert window.text() == "still works"


def test_editor_opens_with_a_missing_models_folder(make_window, qtbot, tmp_path):
    window = make_window(models=tmp_path / "no-such-folder")
    _assert_unavailable(window, qtbot, "not found")


def test_editor_opens_with_a_broken_model_package(make_window, qtbot, tmp_path):
    package = tmp_path / "models" / "shakespeare-char"
    package.mkdir(parents=True)
    (package / "manifest.json").write_text("{ not json", encoding="utf-8")
    window = make_window(models=tmp_path / "models")
    _assert_unavailable(window, qtbot, "manifest.json is not valid JSON at line 1")


def test_unavailable_engine_reason_is_shown(make_window, qtbot):
    from desktop.runtime import UnavailableEngine

    window = make_window(FakeEngines(UnavailableEngine("continuation", "sha256 mismatch in model.onnx")))
    _assert_unavailable(window, qtbot, "sha256 mismatch")


def test_real_tiny_model_end_to_end(make_window, qtbot, models_dir):
    window = make_window(models=models_dir, provider="cpu")
    assert window.controller.available, window.status_bar.model_label.text()
    assert "CPU" in window.status_bar.model_label.text()
    set_text(window, "to be, or not ")
    window.continuation_toolbar.length_spin.setValue(40)
    _, outcome = run_to_end(qtbot, window)
    assert outcome == COMPLETED
    assert window.text().startswith("to be, or not ")
    written = window.text()[len("to be, or not ") :]
    assert 40 <= len(written) <= 40 + MAX_WORD_CHARS  # it ends at a word boundary (issue 14 item 4)
    window.editor.undo()
    assert window.text() == "to be, or not "


# -- files ----------------------------------------------------------------------------------------------------

SAMPLE = "Café — naïve façade, ☕ and 𝄞\nÆsop's Fables, Ελληνικά, 日本語\n\tindented\u00a0nbsp\n"


def test_open_edit_save_round_trip_keeps_non_ascii_text(make_window, qtbot, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(SAMPLE, encoding="utf-8")
    window = make_window()
    assert window.files.open_file(path)
    assert window.text() == SAMPLE
    assert window.windowTitle().replace("[*]", "") == "notes.md"
    assert not window.isWindowModified()

    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "mas")  # QTest types ASCII only
    window.editor.insertPlainText("¡ñ!")
    assert window.isWindowModified()
    assert window.files.save()
    assert not window.isWindowModified()
    assert path.read_text(encoding="utf-8") == SAMPLE + "mas¡ñ!"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]  # no temporary file left behind

    other = make_window()
    assert other.files.open_file(path)
    assert other.text() == SAMPLE + "mas¡ñ!"


def test_save_as_asks_for_a_name_and_adds_txt(make_window, qtbot, tmp_path, dialogs):
    window = make_window()
    qtbot.keyClicks(window.editor, "Nouveau texte, ")
    window.editor.insertPlainText("déjà")
    dialogs.save_name = str(tmp_path / "draft")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # no name yet: Save As
    assert (tmp_path / "draft.txt").read_text(encoding="utf-8") == "Nouveau texte, déjà"
    assert window.path == (tmp_path / "draft.txt").resolve()
    assert "draft.txt" in window.windowTitle()


def test_open_menu_action_opens_a_tab_and_closing_asks_before_discarding_changes(make_window, qtbot, tmp_path,
                                                                                dialogs):
    path = tmp_path / "b.txt"
    path.write_text("file text", encoding="utf-8")
    window = make_window()
    qtbot.keyClicks(window.editor, "unsaved")
    dialogs.open_name = str(path)
    window.main_menu["open"].trigger()
    assert window.tabs.count() == 2
    assert window.text() == "file text"  # the file opened in a new tab, the unsaved document kept
    assert window.documents()[0].text() == "unsaved"
    assert dialogs.questions == []

    dialogs.answer = QMessageBox.StandardButton.Cancel
    assert not window.close_tab(0)
    assert window.documents()[0].text() == "unsaved"
    dialogs.answer = QMessageBox.StandardButton.Discard
    assert window.close_tab(0)
    assert [t.text() for t in window.documents()] == ["file text"]
    assert len(dialogs.questions) == 2


def test_new_document_opens_a_tab_and_closing_can_save_first(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "keep.txt", "old")
    qtbot.keyClicks(window.editor, "new ")
    assert window.new_document()
    assert window.tabs.count() == 2
    assert window.text() == "" and window.path is None
    assert window.windowTitle().replace("[*]", "") == "Untitled"

    dialogs.answer = QMessageBox.StandardButton.Save
    assert window.close_tab(0)
    assert path.read_text(encoding="utf-8") == "new old"
    assert window.tabs.count() == 1 and window.path is None


def test_utf8_bom_and_crlf_are_kept(make_window, qtbot, tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbfline one\r\nline two\r\n")
    window = make_window()
    assert window.files.open_file(path)
    assert window.text() == "line one\nline two\n"
    qtbot.keyClicks(window.editor, "x")
    assert window.files.save()
    assert path.read_bytes() == b"\xef\xbb\xbfxline one\r\nline two\r\n"


def test_a_file_that_is_not_text_is_refused_and_the_document_kept(make_window, qtbot, tmp_path, dialogs):
    good = tmp_path / "good.txt"
    good.write_text("good", encoding="utf-8")
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xef\xbb\xbfCaf\xe9")  # a UTF-8 byte order mark, then Latin-1
    window = make_window()
    window.files.open_file(good)
    qtbot.keyClicks(window.editor, "edited ")
    assert not window.files.open_file(bad)
    assert dialogs.errors and "cannot be opened" in dialogs.errors[-1][1]
    assert window.text() == "edited good"
    assert window.path == good.resolve()
    assert window.isWindowModified()


@pytest.mark.parametrize("failure", ["read-only folder", "disk full"])
def test_failed_save_keeps_the_old_file_and_the_text(make_window, qtbot, tmp_path, dialogs, monkeypatch, failure):
    window, path = window_with_file(make_window, tmp_path / "story.txt", "old content ✓")
    qtbot.keyClicks(window.editor, "precious new words ")
    if failure == "read-only folder":

        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr("desktop.core.files.os.replace", refuse)
    else:

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("desktop.core.files.os.fsync", full)

    assert not window.files.save()
    assert dialogs.errors and "story.txt" in dialogs.errors[-1][1]
    assert path.read_text(encoding="utf-8") == "old content ✓"
    assert window.text() == "precious new words old content ✓"
    assert window.isWindowModified()
    assert [p.name for p in tmp_path.iterdir()] == ["story.txt"]


def test_save_into_an_unwritable_location_fails_and_keeps_the_text(make_window, qtbot, tmp_path, dialogs):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    window = make_window()
    qtbot.keyClicks(window.editor, "precious words")
    # A real OS error (not a mock): the parent "folder" is a file, so the temporary file cannot be made.
    assert not window.files.save_to(blocker / "story.txt")
    assert dialogs.errors
    assert blocker.read_text(encoding="utf-8") == "a file where a folder should be"
    assert window.text() == "precious words"
    assert window.modified


def test_accessible_names(make_window):
    window = make_window()
    toolbar = window.continuation_toolbar
    for widget in (window.editor, toolbar.temperature_spin, toolbar.length_spin, toolbar.buttons["continue"],
                   toolbar.buttons["stop"]):
        assert widget.accessibleName()
    assert toolbar.temperature_spin.value() == pytest.approx(0.8)
    assert (toolbar.temperature_spin.minimum(), toolbar.temperature_spin.maximum()) == (0.0, 2.0)
    assert toolbar.length_spin.value() == 400


def test_run_app_opens_the_named_files(monkeypatch, qapp, tmp_path, dialogs):
    shown: list[MainWindow] = []
    path = tmp_path / "a.txt"
    path.write_text("from the command line", encoding="utf-8")
    monkeypatch.setattr(startup, "make_engines", lambda *args, **kwargs: FakeEngines(FakeContinuer()))

    def fake_exec():
        shown.extend(w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        for window in shown:
            window.close()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    assert startup.run_app([str(path), str(tmp_path / "new.md")], provider="cpu", models=None) == 0
    assert len(shown) == 1  # one window, a tab per file
    documents = shown[0].documents()
    assert sorted(t.text() for t in documents) == ["", "from the command line"]
    assert sorted(t.path.name for t in documents) == ["a.txt", "new.md"]


def test_quit_closes_the_window_after_asking(make_window, qtbot, dialogs):
    window = make_window()
    qtbot.keyClicks(window.editor, "draft")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.main_menu["quit"].trigger()
    assert window.isVisible() and window.text() == "draft"
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.main_menu["quit"].trigger()
    assert not window.isVisible()
    assert not window.controller._thread.isRunning()


def test_models_ready_is_emitted_once_every_model_has_loaded(make_window, qtbot, models_dir):
    window = make_window(models=models_dir, provider="cpu")
    wait_models_ready(qtbot, window, timeout=30_000)
    assert window.controller.available
    assert window.current_tab().completion.available
