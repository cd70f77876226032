"""Nothing typed is lost, nothing is left behind: recovery owners identified by a lock, not a process id (issue 11
item 2), steady typing killed with SIGKILL (item 3), and stale temporary files and file ownership (item 9)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.core.recovery import LOCK_NAME, RecoveryEntry, RecoverySession, find_orphans

ROOT = Path(__file__).resolve().parents[1]

# -- recovery owners -----------------------------------------------------------------------------------------------

# The recovery-writing code in its own process: one copy, then it waits to be killed.
WRITER = """
import sys, time
from desktop.core.recovery import RecoveryEntry, RecoverySession
session = RecoverySession(sys.argv[1])
session.write(RecoveryEntry("d1", "typed before the kill"))
print("WRITTEN", session.pid, flush=True)
time.sleep(600)
"""
# What a new Folio does at start; argv[2], when not 0, is the process id it pretends to have.
FINDER = """
import json, os, sys
if int(sys.argv[2]):
    os.getpid = lambda: int(sys.argv[2])
from desktop.core.recovery import find_orphans
print(json.dumps({"pid": os.getpid(), "orphans": [[e.text for e in o.entries] for o in find_orphans(sys.argv[1])]}))
"""


def _can_unshare_pid() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _python(args: list[str], namespace: bool) -> list[str]:
    """A Python command line, in a new PID namespace (where it is process 1) when ``namespace``."""
    prefix = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] if namespace else []
    return [*prefix, sys.executable, *args]


@pytest.mark.parametrize("same_pid", ["pid-namespace", "faked-pid"])
def test_a_killed_session_is_an_orphan_even_when_the_new_folio_has_its_pid(tmp_path: Path, same_pid: str):
    """The dead writer and the new process share a process id: both are process 1 of their own PID namespace
    (``unshare --pid``, where the kernel allows it), or the new process's ``os.getpid`` returns the dead one's."""
    namespace = same_pid == "pid-namespace" and _can_unshare_pid()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    root = tmp_path / "recovery"
    writer = subprocess.Popen(_python(["-c", WRITER, str(root)], namespace), stdout=subprocess.PIPE, text=True,
                              env=env, cwd=ROOT)
    try:
        line = writer.stdout.readline().split()
        assert line[:1] == ["WRITTEN"], line
        dead_pid = int(line[1])

        def find(pretend: int) -> dict:
            run = subprocess.run(_python(["-c", FINDER, str(root), str(pretend)], namespace), capture_output=True,
                                 text=True, env=env, cwd=ROOT, timeout=60, check=True)
            return json.loads(run.stdout)

        assert find(0 if namespace else os.getpid())["orphans"] == []  # alive: not an orphan
    finally:
        writer.send_signal(signal.SIGKILL)  # with --kill-child, the namespace's process 1 gets SIGKILL too
        writer.wait(10)
    time.sleep(0.2)
    found = find(0 if namespace else dead_pid)
    assert found["pid"] == dead_pid  # the new process has the dead one's process id
    assert found["orphans"] == [["typed before the kill"]]


def test_a_session_folder_of_an_older_folio_falls_back_to_its_process_id(tmp_path: Path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "owner.json").write_text(json.dumps({"format": 1, "pid": 999999999}), encoding="utf-8")
    (old / "d.json").write_text(RecoveryEntry("d", "older").to_json(), encoding="utf-8")
    assert [[e.text for e in o.entries] for o in find_orphans(tmp_path)] == [["older"]]
    (old / "owner.json").write_text(json.dumps({"format": 1, "pid": os.getpid()}), encoding="utf-8")
    assert find_orphans(tmp_path) == []


def test_the_lock_is_held_while_the_session_lives_and_released_by_close(tmp_path: Path):
    session = RecoverySession(tmp_path)
    session.write(RecoveryEntry("a", "text"))
    assert (session.folder / LOCK_NAME).exists()
    assert find_orphans(tmp_path, own_pid=-1, is_alive=lambda pid: False) == []  # the pid says dead; the lock not
    session.close()
    assert not session.folder.exists()
    session.write(RecoveryEntry("a", "again"))  # a closed session can start over
    assert find_orphans(tmp_path, own_pid=-1, is_alive=lambda pid: False) == []
    session.close()


# -- autosave while typing steadily ---------------------------------------------------------------------------------

# A real window typing one key every 100 ms from the event loop, reporting the time of every key.
TYPIST = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import desktop
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.ui.main_window import MainWindow
from desktop.ui.startup import make_engines

app = QApplication([])
window = MainWindow(make_engines("cpu", sys.argv[1]))
window.show()
window.editor.setFocus()
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
typed = [0]

def key():
    QTest.keyClick(window.editor, ALPHABET[typed[0] % 26])
    typed[0] += 1
    print("KEY", typed[0], time.time(), flush=True)

timer = QTimer()
timer.timeout.connect(key)
timer.start(100)
app.exec()
"""
TYPING_SECONDS = 12.0
MAX_LOST_SECONDS = 5.0


def _type_then_kill(tmp_path: Path, seconds: float) -> tuple[str, list[float], float]:
    """Runs TYPIST for ``seconds`` of typing, kills it with SIGKILL; returns the recovered text, the time of
    every key and the time of the kill."""
    home = tmp_path / "home"
    env = dict(os.environ, FOLIO_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", TYPIST, str(tmp_path / "no-models")], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    keys: list[float] = []
    try:
        deadline = time.monotonic() + seconds + 60
        while time.monotonic() < deadline and child.poll() is None:
            try:
                line = lines.get(timeout=0.5).split()
            except queue.Empty:
                continue
            if line[:1] == ["KEY"]:
                keys.append(float(line[2]))
                if keys[-1] - keys[0] >= seconds:
                    break
    finally:
        child.send_signal(signal.SIGKILL)
        killed = time.time()
        child.wait(10)
    assert keys and keys[-1] - keys[0] >= seconds, (len(keys), child.returncode)
    from desktop.core.locations import Locations

    orphans = find_orphans(Locations.under(home).recovery_dir)
    texts = [e.text for o in orphans for e in o.entries]
    return (texts[0] if texts else ""), keys, killed


def test_steady_typing_killed_with_sigkill_loses_at_most_5_seconds(tmp_path: Path):
    """Twelve seconds of typing, ten keys a second without a pause long enough for an idle autosave, then
    ``kill -9``: the recovery copy holds every key but those of the last <= 5 s."""
    text, keys, killed = _type_then_kill(tmp_path, TYPING_SECONDS)
    assert text == ("abcdefghijklmnopqrstuvwxyz" * 20)[: len(text)]  # the keys in order, none missing
    saved = len(text)
    last_saved = keys[saved - 1] if saved else keys[0]
    lost = killed - last_saved
    print(f"typed {len(keys)} keys in {keys[-1] - keys[0]:.1f} s; recovery copy holds {saved}; lost {lost:.2f} s")
    assert lost <= MAX_LOST_SECONDS, f"lost {lost:.1f} s of typing ({len(keys) - saved} keys)"


# -- leftovers of a killed save, owner and group --------------------------------------------------------------------

# A save that gets as far as the temporary file and then hangs (as if killed just before the rename).
SAVER = """
import os, sys, time
from desktop.core.files import write_text_atomic
def hang(*args):
    print("SAVING", flush=True)
    time.sleep(600)
os.replace = hang
write_text_atomic(sys.argv[1], "new text " * 100_000)
"""


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_save_killed_midway_leaves_a_temp_file_that_the_next_start_removes(tmp_path: Path, make_window,
                                                                             monkeypatch):
    from desktop.core.files import clean_stale_temp_files

    story = tmp_path / "story.txt"
    story.write_text("old text", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    saver = subprocess.Popen([sys.executable, "-c", SAVER, str(story)], stdout=subprocess.PIPE, text=True, env=env,
                             cwd=ROOT)
    try:
        assert saver.stdout.readline().strip() == "SAVING"
        [temp] = _temp_files(tmp_path)
        assert temp.startswith(".story.txt.")
        # A save under way holds its lock: even a cleaner that thinks it is older leaves it alone.
        assert clean_stale_temp_files(story, started=time.time() + 60) == []
    finally:
        saver.send_signal(signal.SIGKILL)
        saver.wait(10)
    assert _temp_files(tmp_path) == [temp]  # the kill left it, holding most of the new text
    assert story.read_text(encoding="utf-8") == "old text"
    assert clean_stale_temp_files(story, started=os.stat(tmp_path / temp).st_mtime) == []  # not older: kept
    unrelated = tmp_path / ".other.txt.0123abcd.tmp"
    unrelated.write_text("someone else's", encoding="utf-8")
    os.utime(unrelated, (1, 1))

    from desktop.core import files

    monkeypatch.setattr(files, "PROCESS_START", time.time())  # as if this process were a Folio started now
    window = make_window()  # a Folio started after the kill opens the file
    assert window.files.open_file(story)
    assert _temp_files(tmp_path) == [unrelated.name]
    assert window.text() == "old text"


def test_saving_keeps_the_owner_and_group_where_allowed(tmp_path: Path):
    from desktop.core.files import write_text_atomic

    story = tmp_path / "story.txt"
    story.write_text("old", encoding="utf-8")
    if os.geteuid() == 0:
        owner = (1000, 1000)  # root may give a file any owner: the writer's, not root's, as in the issue
    else:
        groups = [g for g in os.getgroups() if g != os.getegid()]
        owner = (os.geteuid(), groups[0] if groups else os.getegid())
    os.chown(story, *owner)
    os.chmod(story, 0o640)
    write_text_atomic(story, "new")
    st = story.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (*owner, 0o640)
    assert story.read_text(encoding="utf-8") == "new"


def test_saving_without_the_right_to_change_owners_still_saves(tmp_path: Path, monkeypatch):
    from desktop.core.files import write_text_atomic

    story = tmp_path / "story.txt"
    story.write_text("old", encoding="utf-8")
    root = os.geteuid() == 0
    if root:
        os.chown(story, 1000, 1000)
    tries = []

    def refuse(fd, uid, gid):
        tries.append((uid, gid))
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    write_text_atomic(story, "new")
    assert story.read_text(encoding="utf-8") == "new"
    assert tries == ([(1000, 1000), (-1, 1000)] if root else [])  # owner and group, then the group alone
    assert _temp_files(tmp_path) == []


def test_saving_breaks_a_hard_link_as_documented(tmp_path: Path):
    """Atomic saving writes a new file: another hard link keeps the old text (docs/saving.md says so)."""
    from desktop.core.files import write_text_atomic

    story, link = tmp_path / "story.txt", tmp_path / "link.txt"
    story.write_text("old", encoding="utf-8")
    os.link(story, link)
    write_text_atomic(story, "new")
    assert (story.read_text(encoding="utf-8"), link.read_text(encoding="utf-8")) == ("new", "old")
    assert "hard link" in (ROOT / "docs" / "saving.md").read_text(encoding="utf-8")
    assert "hard link" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_copies_while_typing_do_not_save_the_session_state_each_time(make_window, qtbot):
    """A copy every 2.5 s takes only the text; the window's state and word count (``passDone``, work that grows
    with the document) come with the first copy, then wait for a pause or 30 s, as before."""
    from desktop.core.preferences import Preferences
    from desktop.ui import autosave

    assert autosave.MAX_INTERVAL_MS <= 3_000 and autosave.STATE_INTERVAL_MS == 30_000
    window = make_window(preferences=Preferences(autosave_idle_seconds=30.0))
    window.autosaver.max_timer.setInterval(300)  # shortened so the test is quick
    copies, passes = [], []
    window.autosaved.connect(copies.append)
    window.autosaver.passDone.connect(lambda: passes.append(1))
    for _ in range(15):
        qtbot.keyClicks(window.editor, "x")
        qtbot.wait(100)
    qtbot.waitUntil(lambda: len(copies) >= 3, timeout=3000)
    assert passes == [1]  # the first copy only
    assert window.recovery.entries()[0].text.startswith("xxxxxxxxxx")
    window.autosaver.save_now()  # an explicit pass (or the idle timer) still saves the state
    assert passes == [1, 1]


# -- every save request saves or says why --------------------------------------------------------------------------


def _ctrl(qtbot, window, key, extra=None):
    from PySide6.QtCore import Qt

    mods = Qt.KeyboardModifier.ControlModifier | (extra or Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(window.editor, key, mods)


def test_ctrl_s_while_a_continuation_streams_saves_and_says_why_the_title_keeps_its_star(make_window, qtbot,
                                                                                         tmp_path):
    """The cause of "Ctrl+S does nothing under load": the save happened, but a continuation still streaming
    (slower under load) modified the document again at once, so the title kept its *. Now it says so."""
    from PySide6.QtCore import Qt

    from tests.fakes import FakeContinuer, FakeEngines

    window = make_window(FakeEngines(FakeContinuer(delay=0.03)))
    story = tmp_path / "story.txt"
    story.write_text("To be", encoding="utf-8")
    assert window.files.open_file(story)
    window.current_tab().set_cursor(5)
    window.continuation_toolbar.length_spin.setValue(400)
    _ctrl(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.text()) > len("To be") + 5, timeout=5000)
    _ctrl(qtbot, window, Qt.Key.Key_S)
    saved = story.read_text(encoding="utf-8")
    assert saved.startswith("To be") and len(saved) > len("To be") + 5
    assert "continuation is still writing" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.current_tab().modified, timeout=3000)  # the * the message announced
    assert window.continuation.stop()
    _ctrl(qtbot, window, Qt.Key.Key_S)
    assert window.statusBar().currentMessage() == "Saved story.txt"
    assert story.read_text(encoding="utf-8") == window.text() and not window.current_tab().modified


def test_a_save_that_cannot_happen_says_why_in_the_status_bar(make_window, qtbot, dialogs):
    from PySide6.QtCore import Qt

    window = make_window()
    _ctrl(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Save All with nothing modified
    assert window.statusBar().currentMessage() == "Nothing to save: every document is saved"
    qtbot.keyClicks(window.editor, "draft")
    dialogs.save_name = ""  # the Save As dialog is cancelled
    _ctrl(qtbot, window, Qt.Key.Key_S)
    assert window.statusBar().currentMessage() == "Untitled was not saved: no file name was chosen"
    assert window.current_tab().modified
    window.current_tab().set_modified(False)
