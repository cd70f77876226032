"""Typing latency with spelling on and off in a 10 MB document. Prints milliseconds; not a test.

    python -m benchmarks.spelling_latency [--mb 10] [--keys 200] [--interval-ms 80]

Builds Folio's main window over the shipped models, opens a document of ``--mb`` megabytes (English-mix dev
prose repeated), puts the cursor in the middle and types ``--keys`` characters one at a time, ``--interval-ms``
apart (a fast typist), with spelling on and then off. For each keystroke it measures the UI thread's time to
handle the key event and everything queued behind it (the editor's layout, spelling's timers and results), and
between keystrokes the longest single stall of the event loop (a count snapshot of the whole document, results
arriving). The spelling worker's own time runs in its thread and is not a stall unless it holds the GIL.
"""

from __future__ import annotations

import argparse
import lzma
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "english-mix" / "books.dev.txt.xz"
TYPED = "The travellers recieved a leter from the goverment about the seperate road north. "


def build_text(megabytes: float) -> str:
    """About ``megabytes`` MB of prose (English-mix dev books, repeated)."""
    with lzma.open(DATA, "rt", encoding="utf-8") as f:
        prose = f.read()
    target = int(megabytes * 1_000_000)
    return (prose * (target // len(prose) + 1))[:target]


def pump(app: QApplication, seconds: float) -> float:
    """Runs the event loop for ``seconds``; returns the longest single ``processEvents`` call (ms)."""
    longest = 0.0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - t0)
        time.sleep(0.001)
    return 1000 * longest


SPELLING_TIMES: dict[str, list[float]] = {}


def timed(times: dict, name: str, method):
    """``method`` wrapped to add each call's duration (ms) to ``times[name]``."""

    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            times.setdefault(name, []).append(1000 * (time.perf_counter() - t0))

    return wrapper


def measure(window, app: QApplication, keys: int, interval: float) -> dict:
    """Types ``keys`` characters into the window's editor; per-keystroke and stall times in ms, and the longest
    call of each of spelling's UI-thread steps (checking the visible blocks, drawing results, the count
    snapshot)."""
    editor = window.editor
    times = SPELLING_TIMES
    times.clear()
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().characterCount() // 2)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()
    pump(app, 2.5)  # first check and count
    key_ms, stall_ms = [], []
    text = (TYPED * (keys // len(TYPED) + 1))[:keys]
    for ch in text:
        t0 = time.perf_counter()
        if ch == " ":
            QTest.keyClick(editor, Qt.Key.Key_Space)
        else:
            QTest.keyClicks(editor, ch)
        app.processEvents()
        key_ms.append(1000 * (time.perf_counter() - t0))
        stall_ms.append(pump(app, interval))
    stall_ms.append(pump(app, 2.0))  # the pause after typing: the document count snapshot
    underlined = len(window.spelling.current.underlined()) if window.spelling.enabled else 0
    key_ms.sort()
    return {"p50": round(statistics.median(key_ms), 2), "p95": round(key_ms[int(0.95 * len(key_ms))], 2),
            "max": round(key_ms[-1], 2), "longest_stall": round(max(stall_ms), 2), "underlined": underlined,
            "spelling_ui_max_ms": {name: round(max(t), 2) for name, t in times.items() if t},
            "spelling_ui_calls": {name: len(t) for name, t in times.items()}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--interval-ms", type=float, default=80.0)
    args = parser.parse_args(argv)

    import tempfile

    os.environ.setdefault("FOLIO_HOME", tempfile.mkdtemp(prefix="folio-latency-"))  # never the real home
    from desktop.ui.main_window import MainWindow
    from desktop.ui.spelling import SpellingController

    for name in ("check_now", "on_results", "count_now"):  # before the window connects them to its timers
        setattr(SpellingController, name, timed(SPELLING_TIMES, name, getattr(SpellingController, name)))

    app = QApplication.instance() or QApplication([])
    text = build_text(args.mb)
    window = MainWindow()
    window.resize(1100, 720)
    window.show()
    t0 = time.perf_counter()
    window.editor.setPlainText(text)
    load_s = time.perf_counter() - t0
    pump(app, 1.0)
    results = {"document_mb": round(len(text.encode("utf-8")) / 1e6, 2), "setPlainText_s": round(load_s, 2)}
    for on in (True, False):
        window.settings.apply(window.preferences.copy(spelling_enabled=on), save=False)
        results["spelling on" if on else "spelling off"] = measure(window, app, args.keys, args.interval_ms / 1000)
    window.editor.document().setModified(False)
    window.shutdown()
    for key, value in results.items():
        print(f"{key}: {value}")
    return results


if __name__ == "__main__":
    main()
