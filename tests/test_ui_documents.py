"""Documents: tabs, open and save, recent files, drag and drop, files changed on disk, session restore."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.appstate import load_state
from desktop.core.locations import Locations
from desktop.ui.main_window import MainWindow
from tests.ui_support import move_to_end, set_text, window_with_file


def test_tabs_keep_separate_documents_and_switching_updates_the_title(make_window, qtbot, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text("alpha", encoding="utf-8")
    b.write_text("# beta", encoding="utf-8")
    window = make_window()
    assert window.files.open_file(a)
    assert window.tabs.count() == 1  # the empty untitled tab was reused
    assert window.files.open_file(b)
    assert window.tabs.count() == 2
    assert window.windowTitle().replace("[*]", "") == "b.md"
    qtbot.keyClicks(window.editor, "x")
    assert window.tabs.tabText(1) == "b.md •" and window.isWindowModified()
    window.main_menu["next_tab"].trigger()
    assert window.text() == "alpha" and window.windowTitle().replace("[*]", "") == "a.txt"
    assert not window.isWindowModified()
    window.main_menu["previous_tab"].trigger()
    assert window.text() == "x# beta"
    assert window.files.open_file(a)  # already open: switches to its tab
    assert window.tabs.count() == 2 and window.text() == "alpha"


def test_save_all_saves_every_modified_document(make_window, qtbot, tmp_path, dialogs):
    window, a = window_with_file(make_window, tmp_path / "a.txt", "a")
    qtbot.keyClicks(window.editor, "1")
    window.new_document()
    qtbot.keyClicks(window.editor, "fresh")
    dialogs.save_name = str(tmp_path / "fresh")
    window.main_menu["save_all"].trigger()
    assert a.read_text(encoding="utf-8") == "1a"
    assert (tmp_path / "fresh.txt").read_text(encoding="utf-8") == "fresh"
    assert not any(t.modified for t in window.documents())


def test_recent_files_menu_reopens_and_forgets_missing_files(make_window, tmp_path, dialogs):
    files = [tmp_path / f"{name}.txt" for name in ("one", "two")]
    for f in files:
        f.write_text(f.stem, encoding="utf-8")
    window = make_window()
    for f in files:
        window.files.open_file(f)
    assert window.state.recent == [str(files[1].resolve()), str(files[0].resolve())]
    labels = [a.text() for a in window.main_menu.recent_menu.actions() if not a.isSeparator()]
    assert labels[:2] == ["&1 two.txt", "&2 one.txt"]
    assert window.main_menu.recent_actions[0].shortcut().toString() == "Ctrl+Alt+1"
    window.close_tab(window.tabs.currentIndex())
    window.main_menu.recent_actions[0].trigger()
    assert window.text() == "two"
    files[0].unlink()
    window.main_menu.recent_actions[1].trigger()
    assert dialogs.errors and "one.txt" in dialogs.errors[-1][1]
    assert window.state.recent == [str(files[1].resolve())]
    window.main_menu["clear_recent"].trigger()
    assert window.state.recent == [] and window.main_menu.recent_actions == []


def _drop(target, files):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted() == bool(files)
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)
    return event


def test_dropping_files_opens_them(make_window, tmp_path):
    a, b = tmp_path / "dropped.md", tmp_path / "second.txt"
    a.write_text("dropped text", encoding="utf-8")
    b.write_text("second", encoding="utf-8")
    window = make_window()
    assert not _drop(window, []).isAccepted()  # no files: nothing opens
    assert window.tabs.count() == 1
    event = _drop(window, [a])
    assert event.isAccepted()
    assert window.text() == "dropped text"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(b))])
    assert window.editor.canInsertFromMimeData(mime)
    window.editor.insertFromMimeData(mime)  # a drop on the text opens the file instead of inserting its path
    assert window.text() == "second" and window.tabs.count() == 2
    assert window.documents()[0].text() == "dropped text"


def test_a_file_that_is_not_text_is_refused_and_never_overwritten(make_window, tmp_path, dialogs):
    binary = tmp_path / "picture.txt"
    data = b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
    binary.write_bytes(data)
    window = make_window()
    assert not window.files.open_file(binary)
    assert "cannot be opened" in dialogs.errors[-1][1]
    assert window.path is None and window.tabs.count() == 1
    window.files.save_all()
    window.close()
    assert binary.read_bytes() == data


def _touch_later(path, text):
    """Writes ``path`` as another program would, with a newer modification time."""
    time.sleep(0.01)
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_file_changed_by_another_program_is_noticed_and_reloaded(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "shared.txt", "first version")
    assert str(path.resolve()) in window.files.watcher.files()
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    _touch_later(path, "changed elsewhere")
    qtbot.waitUntil(lambda: window.text() == "changed elsewhere", timeout=5000)
    assert "changed by another program" in dialogs.asked[-1]
    assert not window.modified


def test_keeping_folios_text_after_an_outside_change_marks_it_modified(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "shared.txt", "mine")
    dialogs.question_answer = QMessageBox.StandardButton.No
    _touch_later(path, "theirs")
    qtbot.waitUntil(lambda: len(dialogs.asked) == 1, timeout=5000)
    assert window.text() == "mine" and window.modified
    assert window.files.check_disk_changes(window.current_tab()) == "same"  # not asked twice about one version
    assert len(dialogs.asked) == 1


def test_own_saves_do_not_count_as_outside_changes(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "mine.txt", "v1")
    for i in range(3):
        qtbot.keyClicks(window.editor, str(i))
        assert window.files.save()
    qtbot.wait(600)
    assert dialogs.asked == []
    assert str(path.resolve()) in window.files.watcher.files()  # still watched after atomic replaces


def test_a_deleted_file_is_reported_and_the_text_kept(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "gone.txt", "precious")
    path.unlink()
    qtbot.waitUntil(lambda: window.modified, timeout=5000)
    assert window.text() == "precious"
    assert "deleted" in window.statusBar().currentMessage()
    assert window.files.save() and path.read_text(encoding="utf-8") == "precious"


def test_session_restore_reopens_documents_at_their_cursor_positions(qtbot, tmp_path, dialogs):
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text("alpha beta gamma", encoding="utf-8")
    b.write_text("line one\nline two\n", encoding="utf-8")
    home = Locations.under(tmp_path / "home")
    from tests.fakes import FakeContinuer, FakeEngines

    first = MainWindow(FakeEngines(FakeContinuer()), locations=home)
    qtbot.addWidget(first)
    first.show()
    first.files.open_file(a)
    first.current_tab().set_cursor(6)
    first.files.open_file(b)
    first.current_tab().set_cursor(12)
    first.tabs.setCurrentIndex(0)
    assert first.close()
    state = load_state(home.state_file)
    assert [(d.path, d.cursor) for d in state.documents] == [(str(a.resolve()), 6), (str(b.resolve()), 12)]
    assert not home.recovery_dir.exists() or not any(home.recovery_dir.iterdir())  # a clean exit leaves no copies

    second = MainWindow(FakeEngines(FakeContinuer()), locations=home)
    qtbot.addWidget(second)
    second.show()
    second.session.start([])
    assert [t.path for t in second.documents()] == [a.resolve(), b.resolve()]
    assert second.current_tab().path == a.resolve() and second.current_tab().cursor_position() == 6
    assert second.documents()[1].cursor_position() == 12
    assert dialogs.recovery_titles == []  # nothing to recover after a clean exit
    second.close()

    third = MainWindow(FakeEngines(FakeContinuer()), locations=home)  # files on the command line win
    qtbot.addWidget(third)
    third.session.start([str(b)])
    assert [t.path for t in third.documents()] == [b.resolve()]
    third.close()


def test_typing_in_a_new_tab_and_saving_as_markdown(make_window, qtbot, tmp_path, dialogs):
    window = make_window()
    set_text(window, "# Heading")
    move_to_end(window)
    dialogs.save_name = str(tmp_path / "notes.md")
    assert window.files.save()
    assert window.current_tab().highlighter is not None  # .md files get Markdown highlighting
    assert window.tabs.tabToolTip(0) == str((tmp_path / "notes.md").resolve())


def test_a_closed_window_stops_watching_files(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "watched.txt", "v1")
    assert window.close()
    assert window.files.watcher.files() == []
    _touch_later(path, "v2")
    qtbot.wait(500)
    assert dialogs.asked == []
