"""Never lose a word: autosave to the recovery folder, restore after a kill, clean exits leave nothing."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.core.locations import Locations
from desktop.core.preferences import Preferences
from desktop.core.recovery import find_orphans
from desktop.ui import autosave, session_controller
from desktop.ui.main_window import MainWindow
from tests.fakes import FakeContinuer, FakeEngines

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import onnxruntime
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.ui.main_window import MainWindow
from desktop.ui.startup import make_engines

app = QApplication([])
window = MainWindow(make_engines("cpu", sys.argv[2]))
window.show()
window.files.open_file(sys.argv[1])
QTest.keyClicks(window.editor, "Edited at the top. ")
window.new_document()
QTest.keyClicks(window.editor, "An untitled draft that was never saved.")
saved = set()

def on_autosaved(doc_id):
    saved.add(doc_id)
    if len(saved) == 2:
        print("AUTOSAVED", flush=True)

window.autosaved.connect(on_autosaved)
print("TYPED", flush=True)
app.exec()
"""


def test_killed_folio_offers_to_restore_every_unsaved_document(qtbot, tmp_path, dialogs):
    home = tmp_path / "home"
    story = tmp_path / "story.txt"
    story.write_text("The story so far.", encoding="utf-8")
    env = dict(os.environ, FOLIO_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(story), str(tmp_path / "no-models")], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in child.stdout], daemon=True).start()
    try:
        seen = []
        deadline = time.monotonic() + 60
        while "AUTOSAVED" not in seen and time.monotonic() < deadline and child.poll() is None:
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
        assert "AUTOSAVED" in seen, (seen, child.poll())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert story.read_text(encoding="utf-8") == "The story so far."  # autosave never touches the file itself

    locations = Locations.under(home)
    assert len(find_orphans(locations.recovery_dir)) == 1
    dialogs.recovery_choice = session_controller.RESTORE
    window = MainWindow(FakeEngines(FakeContinuer()), locations=locations)
    qtbot.addWidget(window)
    window.show()
    window.session.start([])

    assert len(dialogs.recovery_titles) == 1
    assert sorted(dialogs.recovery_titles[0]) == sorted([str(story.resolve()), "Untitled"])
    texts = {t.path: t.text() for t in window.documents()}
    assert texts[story.resolve()] == "Edited at the top. The story so far."
    assert texts[None] == "An untitled draft that was never saved."
    assert all(t.modified for t in window.documents())
    # The copies now belong to this session; the dead session's folder is gone.
    assert find_orphans(locations.recovery_dir) == []
    qtbot.waitUntil(lambda: len(window.recovery.entries()) == 2, timeout=5000)
    window.current_tab().set_modified(False)
    for tab in window.documents():
        tab.set_modified(False)
    window.close()
    assert not any(locations.recovery_dir.iterdir())


def _orphan(home: Path, text: str = "left behind") -> None:
    folder = Locations.under(home).recovery_dir / "dead-session"
    folder.mkdir(parents=True)
    (folder / "owner.json").write_text(json.dumps({"format": 1, "pid": 999999999}), encoding="utf-8")
    entry = {"format": 1, "doc_id": "d1", "text": text, "path": None, "title": "Untitled", "cursor": 3,
             "newline": "\n", "saved_at": 1.0}
    (folder / "d1.json").write_text(json.dumps(entry), encoding="utf-8")


@pytest.mark.parametrize("choice", [session_controller.DISCARD, session_controller.LATER])
def test_recovery_can_be_declined_or_postponed(qtbot, tmp_path, dialogs, choice):
    _orphan(tmp_path)
    dialogs.recovery_choice = choice
    window = MainWindow(FakeEngines(FakeContinuer()), locations=Locations.under(tmp_path))
    qtbot.addWidget(window)
    window.session.start([])
    assert dialogs.recovery_titles == [["Untitled"]]
    assert [t.text() for t in window.documents()] == [""]
    remaining = find_orphans(Locations.under(tmp_path).recovery_dir)
    assert len(remaining) == (1 if choice == session_controller.LATER else 0)
    window.close()


def test_autosave_copies_untitled_documents_after_idle_and_forgets_saved_ones(make_window, qtbot, tmp_path):
    window = make_window(preferences=Preferences(autosave_idle_seconds=1.0))
    assert window.autosaver.idle_timer.interval() == 1000
    qtbot.keyClicks(window.editor, "draft words")
    assert window.recovery.entries() == []  # not while typing
    with qtbot.waitSignal(window.autosaved, timeout=4000):
        pass
    [entry] = window.recovery.entries()
    assert entry.text == "draft words" and entry.path is None and entry.cursor == len("draft words")
    assert window.files.save_to(tmp_path / "draft.txt")
    qtbot.waitUntil(lambda: window.recovery.entries() == [], timeout=3000)  # saved: the copy goes


def test_autosave_happens_at_least_every_interval_while_typing(make_window, qtbot, monkeypatch):
    assert autosave.MAX_INTERVAL_MS <= 3_000  # at most 5 s of typing lost: copy interval plus writing time
    window = make_window(preferences=Preferences(autosave_idle_seconds=30.0))
    window.autosaver.max_timer.setInterval(400)  # 2.5 s in the app; shortened so the test is quick
    saved = []
    window.autosaved.connect(saved.append)
    for _ in range(12):  # keeps typing: the idle timer never fires
        qtbot.keyClicks(window.editor, "x")
        qtbot.wait(100)
    assert saved, "no copy while the writer kept typing"
    assert window.recovery.entries()[0].text.startswith("xxx")


def test_unchanged_documents_are_not_rewritten(make_window, qtbot):
    window = make_window(preferences=Preferences(autosave_idle_seconds=1.0))
    qtbot.keyClicks(window.editor, "once")
    with qtbot.waitSignal(window.autosaved, timeout=4000):
        pass
    file = window.recovery.folder / f"{window.current_tab().doc_id}.json"
    before = file.stat().st_mtime_ns
    window.autosaver.save_now()
    qtbot.wait(300)
    assert file.stat().st_mtime_ns == before


def test_an_unwritable_recovery_folder_is_reported_not_fatal(qtbot, tmp_path, dialogs):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    window = MainWindow(FakeEngines(FakeContinuer()), locations=Locations(tmp_path / "cfg", blocker / "data"),
                        preferences=Preferences(autosave_idle_seconds=1.0))
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.editor, "still typing")
    with qtbot.waitSignal(window.autosaver.failed, timeout=4000) as failure:
        pass
    assert "recovery" in failure.args[0]
    assert window.text() == "still typing"
    window.current_tab().set_modified(False)
    window.close()
