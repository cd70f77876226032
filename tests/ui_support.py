"""Shared pieces of the UI tests: recorded dialogs and a window factory (the fake engines are in tests/fakes.py).

``tests/conftest.py`` loads this module as a plugin, so every test can ask for ``dialogs`` and ``make_window``.
"""

from __future__ import annotations

import os
from pathlib import Path

import onnxruntime  # noqa: F401 - before Qt, as desktop.app does
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QFont, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QFontDialog, QInputDialog, QMessageBox  # noqa: E402

from desktop.ui import session_controller  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from tests.fakes import FakeContinuer, FakeEngines  # noqa: E402


class Dialogs:
    """Records message boxes instead of showing them; ``answer`` is what the unsaved-changes question returns."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.questions: list[str] = []  # QMessageBox.warning texts (unsaved changes, preference warnings)
        self.asked: list[str] = []  # QMessageBox.question texts (reload a changed file?)
        self.answer = QMessageBox.StandardButton.Discard
        self.question_answer = QMessageBox.StandardButton.Yes
        self.open_name = ""
        self.open_names: list[str] = []
        self.save_name = ""
        self.line: tuple[int, bool] = (1, False)
        self.font: tuple[bool, QFont] | None = None
        self.recovery_choice = session_controller.LATER
        self.recovery_titles: list[list[str]] = []


@pytest.fixture
def dialogs(monkeypatch):
    """No modal dialog may block a test (closing a modified window asks, and the answer here is Discard)."""
    record = Dialogs()

    def critical(parent, title, text, *args, **kwargs):
        record.errors.append((title, text))
        return QMessageBox.StandardButton.Ok

    def warning(parent, title, text, *args, **kwargs):
        record.questions.append(text)
        return record.answer

    def question(parent, title, text, *args, **kwargs):
        record.asked.append(text)
        return record.question_answer

    def open_names(*args, **kwargs):
        names = record.open_names or ([record.open_name] if record.open_name else [])
        return names, ""

    def get_font(initial, *args, **kwargs):
        return record.font if record.font is not None else (False, initial)

    def ask_recovery(parent, titles):
        record.recovery_titles.append(list(titles))
        return record.recovery_choice

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (record.open_name, "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(open_names))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (record.save_name, "")))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: record.line))
    monkeypatch.setattr(QFontDialog, "getFont", staticmethod(get_font))
    monkeypatch.setattr(session_controller, "ask_recovery", ask_recovery)
    return record


@pytest.fixture
def make_window(qtbot, dialogs):
    """Makes a shown window over ``engines`` (default: a fast fake, or the real ``Engines`` when ``models`` is
    given) and waits until its engine is loaded."""
    windows: list[MainWindow] = []  # qtbot holds weak references only; it closes them after the test

    def make(engines=None, wait_loaded: bool = True, **kwargs) -> MainWindow:
        if engines is None and "models" not in kwargs:
            engines = FakeEngines(FakeContinuer())
        window = MainWindow(engines, **kwargs)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        window.editor.setFocus()
        if wait_loaded:
            qtbot.waitUntil(lambda: window.controller.engine_info is not None, timeout=5000)
        return window

    yield make
    for window in windows:  # close before the dialogs are restored: a modified document would ask
        window.close()


def wait_models_ready(qtbot, window: MainWindow, timeout: int = 10000) -> None:
    """Waits until every model the window uses has loaded (``modelsReady``, which may have come already)."""
    if not window.model_status.all_ready:
        with qtbot.waitSignal(window.modelsReady, timeout=timeout):
            pass


def set_text(window: MainWindow, text: str, cursor_at: int | None = None) -> None:
    window.editor.setPlainText(text)
    cursor = window.editor.textCursor()
    cursor.setPosition(len(text) if cursor_at is None else cursor_at)
    window.editor.setTextCursor(cursor)


def move_cursor(window: MainWindow, position: int) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(position)
    window.editor.setTextCursor(cursor)


def move_to_end(window: MainWindow) -> None:
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)


def run_to_end(qtbot, window: MainWindow, trigger=None) -> tuple[int, str]:
    with qtbot.waitSignal(window.controller.finished, timeout=10000) as blocker:
        request_id = trigger() if trigger is not None else window.continuation.start()
    assert blocker.args[0] == request_id
    return blocker.args[0], blocker.args[1]


def window_with_file(make_window, path: Path, content: str | bytes) -> tuple[MainWindow, Path]:
    """Writes ``content`` to ``path`` (text as UTF-8), makes a window and opens ``path`` in it."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    window = make_window()
    window.files.open_file(path)
    return window, path
