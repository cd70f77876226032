"""The window with files in other encodings and line endings (issue 14 item 10, issue 11 item 6), and large
files opening behind a progress bar (issue 14 item 7)."""

from __future__ import annotations

import codecs
import random

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop.core.files import FileError
from desktop.core.textstats import count_words
from desktop.ui import document_files
from tests.ui_support import window_with_file

FRENCH = "Où est le garçon ? À la plage, l'élève brûle au soleil d'été ; la forêt est très belle.\r\n"


def test_latin1_windows1252_and_utf16_files_open_show_their_encoding_and_save_back(make_window, qtbot, tmp_path):
    window = make_window()
    files = {
        "latin1.txt": (FRENCH.encode("latin-1"), "Windows-1252 · CRLF"),
        "cp1252.txt": ("Ça coûte 5 € — “déjà vu”.\n".encode("cp1252"), "Windows-1252 · LF"),
        "utf16.txt": (codecs.BOM_UTF16_LE + "UTF-16 with a mark\r\n".encode("utf-16-le"), "UTF-16 LE with BOM · CRLF"),
        "utf16-nobom.txt": ("UTF-16 without a mark\n".encode("utf-16-le"), "UTF-16 LE · LF"),
    }
    for name, (data, described) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert window.files.open_file(path), name
        assert "\x00" not in window.text() and "\ufffd" not in window.text()
        assert window.status_bar.format_label.text() == described
        assert window.status_bar.format_label.isVisible()
        window.editor.moveCursor(QTextCursor.MoveOperation.End)
        window.editor.insertPlainText("à")
        assert window.files.save()
        fmt = window.current_tab().file_format
        assert path.read_bytes() == data + "à".encode(fmt.encoding)


def test_reopen_with_encoding_reads_the_file_again_and_saves_in_that_encoding(make_window, qtbot, tmp_path,
                                                                            monkeypatch):
    path = tmp_path / "cyrillic.txt"
    path.write_bytes("Привет, мир".encode("cp1251"))  # too short for the detector to be sure: the writer decides
    window = make_window()
    assert not window.main_menu["reopen_encoding"].isEnabled()  # an untitled document has no file to read again
    assert window.files.open_file(path)
    assert window.main_menu["reopen_encoding"].isEnabled()
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append((items, current))
        return "ISO-8859-1 (Latin-1)", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    window.main_menu["reopen_encoding"].trigger()
    assert "KOI8-R (Cyrillic)" in asked[0][0] and "Windows-1251 (Cyrillic)" in asked[0][0]
    assert window.text() == "Привет, мир".encode("cp1251").decode("latin-1")
    assert window.status_bar.format_label.text() == "ISO-8859-1 · LF"
    assert window.files.reopen_with_encoding("cp1251")
    assert window.text() == "Привет, мир"
    assert window.status_bar.format_label.text().startswith("Windows-1251")
    window.editor.insertPlainText("Ж")
    assert window.files.save()
    assert path.read_bytes() == "ЖПривет, мир".encode("cp1251")


def test_text_the_encoding_cannot_store_asks_to_save_as_utf8(make_window, qtbot, tmp_path, dialogs):
    window, path = window_with_file(make_window, tmp_path / "old.txt", "Café".encode("cp1252"))
    window.editor.insertPlainText("日本 ")
    dialogs.question_answer = QMessageBox.StandardButton.No
    assert not window.files.save()
    assert dialogs.asked and "cannot store “日”" in dialogs.asked[-1]
    assert path.read_bytes() == "Café".encode("cp1252") and window.isWindowModified()
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    assert window.files.save()
    assert path.read_bytes() == "日本 Café".encode()
    assert window.status_bar.format_label.text() == "UTF-8 · LF"


def test_mixed_line_endings_are_kept_and_noted_in_the_status_bar(make_window, qtbot, tmp_path):
    path = tmp_path / "mixed.txt"
    data = b"one\r\ntwo\nthree\rfour\r\n"
    path.write_bytes(data)
    window = make_window()
    assert window.files.open_file(path)
    assert "mixed line endings, kept as found" in window.statusBar().currentMessage()
    assert window.status_bar.format_label.text() == "UTF-8 · mixed (CRLF, LF, CR)"
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, "five")
    assert window.files.save()
    assert path.read_bytes() == data + b"five"


def test_unedited_files_save_byte_identical_through_the_editor(make_window, tmp_path):
    """Open -> save in the real editor widget for many byte patterns: the bytes never change (issue 11 item 6)."""
    rng = random.Random(14)
    pieces = ["word", " ", "é", "€", "日本", "𝄞", "\t", "\u00a0", "\ufeff", "\x0c", "\r\n", "\n", "\r", "\u2028",
              "\u2029", "\ufdd0", "\r\r\n", "\n\r", "Ω"]
    window = make_window()
    tab = window.current_tab()
    path = tmp_path / "round.txt"
    opened = 0
    for case in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16-le", "utf-16", "cp1252"])
        data = text.encode(encoding, errors="ignore")
        if case % 5 == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        path.write_bytes(data)
        try:
            tab.load(path)
        except FileError:
            continue
        opened += 1
        path.write_bytes(b"")
        tab.save_to(path)
        assert path.read_bytes() == data, (case, data)
    assert opened >= 240


def test_a_large_file_opens_behind_a_progress_bar_and_the_window_paints(make_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(document_files, "LARGE_FILE_BYTES", 100_000)
    monkeypatch.setattr("desktop.core.files.READ_CHUNK_BYTES", 64_000)
    monkeypatch.setattr("desktop.ui.document.LOAD_CHUNK_CHARS", 50_000)
    line = "It was the best of times, it was the worst of times, it was the age of wisdom.\r\n"
    data = (line * 8000).encode("utf-8")  # 650 kB
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    window = make_window()
    seen: list[tuple[int, bool, str]] = []
    grabbed = []

    def on_progress(name, percent):
        seen.append((percent, window.status_bar.load_bar.isVisible(), window.statusBar().currentMessage()))
        if 40 <= percent <= 70 and not grabbed:
            grabbed.append(window.grab())  # the window can paint while the file goes in
            window.word_counts.update()  # the counts' timer may fire meanwhile: half a file is not today's writing
            window.autosaver.save_now()

    window.files.loadProgress.connect(on_progress)
    assert window.files.open_file(path)
    percents = [p for p, _, _ in seen]
    assert len(percents) >= 10 and percents == sorted(percents) and percents[-1] == 100
    assert all(visible for _, visible, _ in seen)
    assert "Opening big.txt…" in seen[len(seen) // 2][2]
    assert grabbed and not grabbed[0].isNull()
    assert not window.status_bar.load_bar.isVisible()
    assert window.text() == line.replace("\r\n", "\n") * 8000
    assert not window.modified and not window.editor.isReadOnly()
    assert window.state.tally.words_today() == 0  # opening a file is not writing
    words = f"{count_words(window.text()):,} words"
    qtbot.waitUntil(lambda: window.status_bar.stats_label.text().startswith(words), timeout=5000)
    assert window.state.tally.words_today() == 0
    assert not window.editor.document().isUndoAvailable()
    tab = window.current_tab()
    tab.save_to(path)
    assert path.read_bytes() == data


def test_a_recovered_copy_saves_in_its_files_encoding(make_window, tmp_path):
    from desktop.core.recovery import RecoveryEntry

    path = tmp_path / "old.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Avant\r\n".encode("utf-16-le"))
    window = make_window()
    window.session.restore_recovered([RecoveryEntry(doc_id="lost", text="Après\n", path=str(path), title="old.txt",
                                            newline="\r\n")])
    assert window.status_bar.format_label.text() == "UTF-16 LE with BOM · CRLF"
    assert window.files.save()
    assert path.read_bytes() == codecs.BOM_UTF16_LE + "Après\r\n".encode("utf-16-le")
