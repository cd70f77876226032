"""Writing tools: find and replace, go to line, zoom, counts, the daily goal, Markdown highlighting, focus
mode and full screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor

from desktop.core.preferences import Preferences
from tests.ui_support import move_cursor, set_text

CTRL = Qt.KeyboardModifier.ControlModifier


def selected(window) -> str:
    return window.editor.textCursor().selectedText()


def test_find_bar_finds_next_and_previous_with_wrapping(make_window, qtbot):
    window = make_window()
    set_text(window, "one cat, two Cats, concatenate", cursor_at=0)
    qtbot.keyClick(window.editor, Qt.Key.Key_F, CTRL)
    bar = window.find_bar
    assert bar.isVisible() and bar.find_edit.hasFocus()
    assert not bar.replace_edit.isVisible()
    qtbot.keyClicks(bar.find_edit, "cat")
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert selected(window) == "cat" and window.editor.textCursor().selectionStart() == 4
    window.main_menu["find_next"].trigger()
    assert selected(window) == "Cat"
    window.main_menu["find_next"].trigger()
    assert window.editor.textCursor().selectionStart() == len("one cat, two Cats, con")
    window.main_menu["find_next"].trigger()
    assert window.editor.textCursor().selectionStart() == 4 and bar.message.text() == "Wrapped around"
    window.main_menu["find_previous"].trigger()
    assert window.editor.textCursor().selectionStart() == len("one cat, two Cats, con")
    bar.case_box.setChecked(True)
    bar.words_box.setChecked(True)
    move_cursor(window, 0)
    assert bar.find_next() and window.editor.textCursor().selectionStart() == 4
    assert bar.find_next() and window.editor.textCursor().selectionStart() == 4  # the only whole-word match
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.editor.hasFocus()


def test_regex_replace_and_replace_all_are_undoable(make_window, qtbot):
    window = make_window()
    original = "Dear John,\nDear Mary,\nYours, Ann"
    set_text(window, original, cursor_at=0)
    window.main_menu["replace"].trigger()
    bar = window.find_bar
    assert bar.replace_edit.isVisible()
    bar.find_edit.setText(r"^Dear (\w+)")
    bar.replace_edit.setText(r"Hello \1")
    bar.regex_box.setChecked(True)
    assert not bar.replace()  # nothing selected yet: finds the first match
    assert selected(window) == "Dear John"
    assert bar.replace()
    assert window.text() == "Hello John,\nDear Mary,\nYours, Ann"
    assert selected(window) == "Dear Mary"  # and moved on to the next
    window.editor.undo()
    assert window.text() == original
    assert bar.replace_all() == 2
    assert window.text() == "Hello John,\nHello Mary,\nYours, Ann"
    assert bar.message.text() == "Replaced 2"
    window.editor.undo()  # one step for all replacements
    assert window.text() == original
    bar.find_edit.setText("(")
    assert not bar.find_next()
    assert "Invalid regular expression" in bar.message.text()
    bar.find_edit.setText("zebra")
    assert bar.replace_all() == 0 and bar.message.text() == "No matches"


def test_find_handles_characters_outside_the_bmp(make_window):
    window = make_window()
    set_text(window, "𝄞 music 𝄞 music", cursor_at=0)
    window.find_bar.find_edit.setText("music")
    assert window.find_bar.find_next()
    assert selected(window) == "music" and window.editor.textCursor().selectionStart() == 3
    window.find_bar.replace_edit.setText("song")
    assert window.find_bar.replace_all() == 2
    assert window.text() == "𝄞 song 𝄞 song"


def test_go_to_line(make_window, dialogs):
    window = make_window()
    set_text(window, "\n".join(f"line {i}" for i in range(1, 101)), cursor_at=0)
    dialogs.line = (42, True)
    assert window.main_menu["goto_line"].shortcut().toString() == "Ctrl+L"
    window.main_menu["goto_line"].trigger()
    cursor = window.editor.textCursor()
    assert cursor.blockNumber() == 41 and cursor.positionInBlock() == 0
    assert cursor.block().text() == "line 42"
    assert window.status_bar.position_label.text() == "Ln 42, Col 1"
    assert window.view.go_to_line(1000) == 100
    dialogs.line = (5, False)  # cancelled
    assert not window.view.go_to_line_dialog()
    assert window.editor.textCursor().blockNumber() == 99


def test_zoom_changes_every_editor_and_resets(make_window):
    window = make_window(preferences=Preferences(font_size=12.0))
    window.new_document()
    assert window.editor.font().pointSizeF() == 12.0
    window.main_menu["zoom_in"].trigger()
    window.main_menu["zoom_in"].trigger()
    assert all(t.editor.font().pointSizeF() == 14.0 for t in window.documents())
    window.main_menu["zoom_out"].trigger()
    assert window.editor.font().pointSizeF() == 13.0
    window.main_menu["zoom_reset"].trigger()
    assert window.editor.font().pointSizeF() == 12.0
    for _ in range(20):
        window.main_menu["zoom_out"].trigger()
    assert window.editor.font().pointSizeF() >= 6.0


def test_status_bar_counts_words_characters_and_reading_time(make_window, qtbot):
    window = make_window()
    qtbot.keyClicks(window.editor, "Four score and seven")
    qtbot.waitUntil(lambda: window.status_bar.stats_label.text().startswith("4 words"), timeout=2000)
    assert window.status_bar.stats_label.text() == "4 words · 20 characters · < 1 min read"
    set_text(window, "word " * 1190)
    qtbot.waitUntil(lambda: "5 min read" in window.status_bar.stats_label.text(), timeout=2000)
    assert window.status_bar.stats_label.text().startswith("1,190 words")


def test_daily_goal_progress_counts_words_written_today(make_window, qtbot, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("ten words " * 5, encoding="utf-8")  # 10 words written on another day
    window = make_window(preferences=Preferences(daily_goal=10))
    window.files.open_file(path)
    window.word_counts.update()
    assert window.status_bar.goal_label.text() == "Today 0 / 10"
    move_cursor(window, 0)
    qtbot.keyClicks(window.editor, "one two three four ")
    window.word_counts.update()
    assert window.status_bar.goal_label.text() == "Today 4 / 10"
    assert window.status_bar.goal_bar.value() == 4 and window.status_bar.goal_bar.maximum() == 10
    window.new_document()
    qtbot.keyClicks(window.editor, "five six seven eight nine ten eleven")
    window.word_counts.update()
    assert window.status_bar.goal_label.text() == "Today 11 / 10 ✓"
    assert window.status_bar.goal_bar.value() == 10
    window.settings.apply(window.preferences.copy(daily_goal=0), save=False)
    assert not window.status_bar.goal_bar.isVisible() and not window.status_bar.goal_label.isVisible()


def _format_at(window, position: int):
    block = window.editor.document().findBlock(position)
    offset = position - block.position()
    for r in block.layout().formats():
        if r.start <= offset < r.start + r.length:
            return QTextCharFormat(r.format)
    return None


def test_markdown_is_highlighted_in_md_files_only(make_window, tmp_path):
    md, txt = tmp_path / "notes.md", tmp_path / "notes.txt"
    text = "# Title\nSome **bold** and *soft* words\n- item\n```\n# code\n```\n"
    md.write_text(text, encoding="utf-8")
    txt.write_text(text, encoding="utf-8")
    window = make_window()
    window.files.open_file(md)
    heading = _format_at(window, 2)
    assert heading is not None and heading.fontWeight() == QFont.Weight.Bold
    bold = _format_at(window, text.index("bold"))
    assert bold.fontWeight() == QFont.Weight.Bold
    soft = _format_at(window, text.index("soft"))
    assert soft.fontItalic()
    assert _format_at(window, text.index("- item")) is not None
    code = _format_at(window, text.index("# code"))
    assert code.fontWeight() != QFont.Weight.Bold and "Mono" in " ".join(code.fontFamilies())
    window.files.open_file(txt)
    assert window.current_tab().highlighter is None
    assert _format_at(window, 2) is None


def test_focus_mode_dims_all_but_the_current_paragraph(make_window):
    window = make_window()
    text = "First paragraph.\nSecond paragraph.\nThird paragraph."
    set_text(window, text, cursor_at=text.index("Second") + 3)
    assert window.editor.dimmed_ranges() == []
    window.main_menu["focus_mode"].trigger()
    assert window.main_menu["focus_mode"].isChecked()
    second_start, second_end = text.index("Second"), text.index("\nThird")
    assert window.editor.dimmed_ranges() == [(0, second_start), (second_end, len(text))]
    move_cursor(window, 2)
    assert window.editor.dimmed_ranges() == [(text.index("\nSecond"), len(text))]
    window.main_menu["focus_mode"].trigger()
    assert window.editor.dimmed_ranges() == []


def test_full_screen_toggles(make_window, qtbot):
    window = make_window()
    window.main_menu["full_screen"].trigger()
    qtbot.waitUntil(lambda: bool(window.windowState() & Qt.WindowState.WindowFullScreen), timeout=2000)
    window.main_menu["full_screen"].trigger()
    qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowFullScreen, timeout=2000)


def test_cursor_position_label_follows_the_cursor(make_window):
    window = make_window()
    set_text(window, "ab\ncdef")
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    assert window.status_bar.position_label.text() == "Ln 2, Col 5"
