"""Folio never uses the network: no network code in the app, the self-test and an editing session run with every
socket call blocked and recorded (any attempt fails the test), every entry point turns ONNX Runtime's telemetry
off before onnxruntime loads, and a real GUI session with the shipped models loaded is watched by strace for
30 s."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_SITE = ROOT / "packaging" / "offline"  # its sitecustomize.py blocks sockets in a child Python
IMPORT_PROBE = ROOT / "tests" / "import_probe"  # its sitecustomize.py logs ORT_DISABLE_TELEMETRY at import
TELEMETRY_SWITCH = ROOT / "desktop" / "environment.py"  # the one place that may name telemetry: it turns it off

# Imports that would give the app a way to the network, and words of telemetry and update checks. (Addresses
# as text, such as the data sets' pages in the About box, are fine: nothing fetches them.)
NETWORK_IMPORT = re.compile(
    r"^\s*(?:import|from)\s+(socket|ssl|urllib|http|requests|httpx|aiohttp|websocket|websockets|ftplib|smtplib|"
    r"xmlrpc|webbrowser|PySide6\.QtNetwork|PySide6\.QtWebEngine\w*)\b|QtNetwork|QNetworkAccessManager",
    re.M,
)
PHONE_HOME = re.compile(r"telemetry|analytics|update[_ ]?check|check_for_updates?|sentry_sdk|crash[_ ]?report", re.I)


def test_the_app_has_no_network_code():
    sources = sorted((ROOT / "desktop").rglob("*.py"))
    assert len(sources) > 5
    found = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0).strip()}" for m in NETWORK_IMPORT.finditer(text)]
        if path != TELEMETRY_SWITCH:
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in PHONE_HOME.finditer(text)]
    assert found == []
    # The module allowed to name telemetry only turns it off.
    assert 'FORCED = {"ORT_DISABLE_TELEMETRY": "1"}' in TELEMETRY_SWITCH.read_text(encoding="utf-8")


class NetworkRecorder:
    """Replaces the socket calls that reach a network with ones that record the attempt and raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.attempts: list[str] = []
        for name in ("connect", "connect_ex", "sendto", "sendmsg", "bind"):
            monkeypatch.setattr(socket.socket, name, self._method(name, getattr(socket.socket, name)))
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
            monkeypatch.setattr(socket, name, self._function(name))

    def _method(self, name, original):
        recorder = self

        def method(sock, *args, **kwargs):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                recorder.attempts.append(f"socket.{name}{args!r}")
                raise OSError(f"network blocked by the test: {name}")
            return original(sock, *args, **kwargs)

        return method

    def _function(self, name):
        def function(*args, **kwargs):
            self.attempts.append(f"socket.{name}{args!r}")
            raise OSError(f"network blocked by the test: {name}")

        return function


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> NetworkRecorder:
    """Sockets blocked in this process; ``network.attempts`` lists every try."""
    return NetworkRecorder(monkeypatch)


def test_the_blocker_catches_connections_and_lookups(network: NetworkRecorder):
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="blocked"):
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))
    assert len(network.attempts) == 2
    a, b = socket.socketpair()  # local sockets still work
    a.close(), b.close()


def test_editing_session_with_the_network_blocked(network: NetworkRecorder, qtbot, models_dir: Path,
                                                  tmp_path: Path):
    from PySide6.QtCore import Qt

    from desktop.selftest import network_blocked
    from desktop.ui.continuation import COMPLETED
    from desktop.ui.main_window import MainWindow

    with network_blocked() as audited:  # Python's audit hooks also see what bypasses the socket module
        window = MainWindow(models=models_dir, provider="cpu")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.controller.available, timeout=10000)

        window.editor.setFocus()
        qtbot.keyClicks(window.editor, "to be, or not")
        window.continuation_toolbar.length_spin.setValue(40)
        with qtbot.waitSignal(window.controller.finished, timeout=20000) as finished:
            qtbot.keyClick(window.editor, Qt.Key.Key_Return,
                           Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert finished.args[1] == COMPLETED
        text = window.text()
        from desktop.runtime.continuer import MAX_WORD_CHARS  # a continuation ends at a word boundary

        assert text.startswith("to be, or not") and 40 <= len(text) - len("to be, or not") <= 40 + MAX_WORD_CHARS

        path = tmp_path / "scene.txt"
        assert window.files.save_to(path)
        window.controller.shutdown()
    assert path.read_text(encoding="utf-8") == text
    assert network.attempts == []
    assert audited == []


def _offline_python(args: list[str], log: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(OFFLINE_SITE), str(ROOT)]),
               FOLIO_NETWORK_LOG=str(log), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_the_offline_sitecustomize_records_attempts(tmp_path: Path):
    log = tmp_path / "network.log"
    code = "import socket\ntry:\n    socket.create_connection(('example.org', 80))\nexcept OSError as e:\n    print(e)"
    result = _offline_python(["-c", code], log, tmp_path)
    assert "network blocked" in result.stdout
    assert "create_connection" in log.read_text()


def test_self_test_in_a_process_with_sockets_blocked(models_dir: Path, tmp_path: Path):
    log = tmp_path / "network.log"
    result = _offline_python(["-m", "desktop", "--self-test", "--models", str(models_dir)], log, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["network"]["attempts"] == []
    assert report["features"]["continuation"]["ok"]
    assert not log.exists(), log.read_text()


# -- ONNX Runtime's telemetry -----------------------------------------------------------------------------------------

def _env_without_telemetry_switch(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


def _entry_points(tmp_path: Path, models: Path) -> dict[str, list[str]]:
    """Every way Folio starts, as a command line (each imports onnxruntime sooner or later)."""
    from benchmarks.startup import CHILD as STARTUP_CHILD

    story = tmp_path / "story.txt"
    story.write_text("Once", encoding="utf-8")
    return {
        "app": ["-m", "desktop", str(story)],
        "self-test": ["-m", "desktop", "--self-test", "--models", str(models)],
        "frozen entry": [str(ROOT / "packaging" / "folio_main.py"), "--self-test", "--models", str(models)],
        "benchmark": ["-m", "benchmarks.completion_latency", "--help"],
        "startup benchmark child": ["-c", STARTUP_CHILD, json.dumps({})],
        "export": ["-m", "export.evaluate", "--help"],
        "screenshots": [str(ROOT / "docs" / "make_screenshots.py"), "--out", str(tmp_path / "shots")],
    }


def test_every_entry_point_turns_telemetry_off_before_onnxruntime_loads(models_dir: Path, tmp_path: Path):
    """Each entry point runs in a real process whose sitecustomize records ORT_DISABLE_TELEMETRY at the moment
    onnxruntime is first imported (and then ends the process); the variable is not inherited from here."""
    results = {}
    for name, args in _entry_points(tmp_path, models_dir).items():
        log = tmp_path / f"{name.replace(' ', '-')}.log"
        env = _env_without_telemetry_switch(PYTHONPATH=os.pathsep.join([str(IMPORT_PROBE), str(ROOT)]),
                                            FOLIO_ORT_IMPORT_LOG=str(log), FOLIO_HOME=str(tmp_path / "home"))
        run = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        results[name] = (lines, run.stderr[-2000:])
    assert all(lines for lines, _ in results.values()), {k: v for k, v in results.items() if not v[0]}
    late = {name: lines for name, (lines, _) in results.items() if any("TELEMETRY=1 " not in x for x in lines)}
    assert late == {}


# Runs the real app entry (desktop.app.main) with the shipped models, types for a while and quits after
# WATCH seconds. QApplication.exec is wrapped only to schedule the typing inside the app's own event loop.
GUI_SESSION = textwrap.dedent("""
    import sys
    from desktop.app import main
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    WATCH = float(sys.argv[2])
    original_exec = QApplication.exec

    def window():
        return next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")

    def type_words():
        QTest.keyClicks(window().editor, " to be or not to be, that is the")

    def report_and_quit():
        w = window()
        tab = w.current_tab()
        completion = [tab.completion.available]
        print(f"CONTINUATION={w.controller.available} COMPLETION={completion} CHARS={len(w.text())}", flush=True)
        for document in w.documents():
            document.set_modified(False)  # quit without the "save changes?" question
        w.close()  # the last window: the app quits

    def exec_(app):
        for second in range(2, int(WATCH)):
            QTimer.singleShot(1000 * second, type_words)
        QTimer.singleShot(int(1000 * WATCH), report_and_quit)
        return original_exec()

    QApplication.exec = exec_
    sys.exit(main([sys.argv[1]]))
""")
WATCH_SECONDS = 32
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"')
DNS_SOCKET = re.compile(r'sun_path="[^"]*(nscd|resolve)')


def non_local_socket_calls(strace_log: str) -> list[str]:
    """The calls of an ``strace -e trace=%network`` log that could reach another machine: any internet socket
    (AF_INET, AF_INET6) but loopback ones, and name lookups through nscd or systemd-resolved."""
    return [line.strip() for line in strace_log.splitlines()
            if (re.search(r"\bAF_INET6?\b", line) and not LOOPBACK.search(line)) or DNS_SOCKET.search(line)]


def test_the_strace_reader_sees_lookups_and_internet_sockets_but_not_loopback():
    log = """\
12 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 7
12 connect(7, {sa_family=AF_UNIX, sun_path="/tmp/.X11-unix/X0"}, 110) = 0
13 connect(8, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT
13 connect(8, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0
13 socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 8
14 connect(9, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
"""
    assert [line.split("(")[0].split()[1] for line in non_local_socket_calls(log)] == ["connect", "connect", "socket"]


def test_a_gui_session_with_the_models_loaded_uses_no_network_for_30_s(tmp_path: Path):
    """The app as started by ``folio FILE``, with the shipped models, typed into and watched by strace for 32 s:
    no internet socket, no name lookup, and no telemetry device id written in the (temporary) home folder.
    (ONNX Runtime 1.32 without ORT_DISABLE_TELEMETRY looks up mobile.events.data.microsoft.com about 9 s after
    its first session and writes ~/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid.)"""
    home = tmp_path / "home"
    home.mkdir()
    story = tmp_path / "story.txt"
    story.write_text("Once upon a time", encoding="utf-8")
    log = tmp_path / "strace.log"
    python_log = tmp_path / "python-network.log"  # Python-level attempts, blocked by packaging/offline
    env = _env_without_telemetry_switch(HOME=str(home), FOLIO_HOME=str(tmp_path / "folio"),
                                        PYTHONPATH=os.pathsep.join([str(OFFLINE_SITE), str(ROOT)]),
                                        FOLIO_NETWORK_LOG=str(python_log))
    # strace sees native code too (ONNX Runtime's telemetry is C++); where it is missing, the Python guard and
    # the device-id check below still run.
    watch = ["strace", "-f", "-qq", "-e", "trace=%network", "-e", "signal=none", "-o", str(log)]
    command = (watch if shutil.which("strace") else []) + [sys.executable, "-c", GUI_SESSION, str(story),
                                                            str(WATCH_SECONDS)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=WATCH_SECONDS + 90, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert not python_log.exists(), python_log.read_text()
    assert "CONTINUATION=True COMPLETION=[True] " in run.stdout, run.stdout + run.stderr[-3000:]
    typed = int(run.stdout.rsplit("CHARS=", 1)[1].split()[0])
    assert typed > len("Once upon a time") + 20 * len(" to be or not to be, that is the")
    if shutil.which("strace"):
        assert non_local_socket_calls(log.read_text(errors="replace")) == []
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*") if "Microsoft" in str(p)) == []
