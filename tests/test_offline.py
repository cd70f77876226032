"""Folio never uses the network: no network code in the app, and the self-test and an editing session run with
every socket call blocked and recorded (any attempt fails the test)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_SITE = ROOT / "packaging" / "offline"  # its sitecustomize.py blocks sockets in a child Python

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
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in PHONE_HOME.finditer(text)]
    assert found == []


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


def test_editing_session_with_the_network_blocked(network: NetworkRecorder, qtbot, char_models_dir: Path,
                                                  tmp_path: Path):
    from PySide6.QtCore import Qt

    from desktop.selftest import network_blocked
    from desktop.ui.continuation import COMPLETED
    from desktop.ui.main_window import MainWindow

    with network_blocked() as audited:  # Python's audit hooks also see what bypasses the socket module
        window = MainWindow(models=char_models_dir, provider="cpu")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.controller.available, timeout=10000)

        window.editor.setFocus()
        qtbot.keyClicks(window.editor, "to be, or not")
        window.length_spin.setValue(40)
        with qtbot.waitSignal(window.controller.finished, timeout=20000) as finished:
            qtbot.keyClick(window.editor, Qt.Key.Key_Return,
                           Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert finished.args[1] == COMPLETED
        text = window.text()
        from desktop.runtime.continuer import MAX_WORD_CHARS  # a continuation ends at a word boundary

        assert text.startswith("to be, or not") and 40 <= len(text) - len("to be, or not") <= 40 + MAX_WORD_CHARS

        path = tmp_path / "scene.txt"
        assert window.save_to(path)
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


def test_self_test_in_a_process_with_sockets_blocked(char_models_dir: Path, tmp_path: Path):
    log = tmp_path / "network.log"
    result = _offline_python(["-m", "desktop", "--self-test", "--models", str(char_models_dir)], log, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["network"]["attempts"] == []
    assert report["features"]["continuation"]["ok"]
    assert not log.exists(), log.read_text()
