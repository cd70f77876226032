"""What autosave costs the writer: keystroke time with and without it, and each copy's cost. Prints; not a test.

A real :class:`~desktop.ui.main_window.MainWindow` (no models) holds an untitled document of a given size; one
key is typed every 100 ms for ``--seconds`` from the event loop (``QTest.keyClick``), as a steady typist would.
For each document size it prints

- keystroke: the time ``keyClick`` takes in the UI thread (p50/p95/max, ms) with autosave on and off: the
  difference is what autosave adds to typing (the editor's own work, such as the word count, is in both);
- key late: how much later than its 100 ms tick each key could be typed (the event loop was busy: a freeze);
- copy on UI thread: one autosave copy on the UI thread (taking the text; ms), and how many ran;
- state and word count: what ``passDone`` costs the UI thread (the window's session state and word count, on a
  pause in typing or every 30 s while typing; as often as the copies before issue 11);
- write in background: from the pass to the copy being on disk (JSON, fsync, rename in the writer thread).

    python -m benchmarks.autosave_cost                       # 10 kB, 1 MB and 10 MB documents, 8 s each
    python -m benchmarks.autosave_cost --sizes 10000 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.core.locations import Locations  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.startup import make_engines  # noqa: E402

WORDS = "the quick brown fox jumps over the lazy dog and writes another line of prose\n"


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {1000 * statistics.median(ordered):.2f}  p95 {1000 * p95:.2f}  max {1000 * ordered[-1]:.2f} ms"


def measure(size: int, autosave: bool, seconds: float, home: Path) -> dict:
    """Types into a ``size``-character document for ``seconds``; returns the timings (seconds)."""
    engines = make_engines("cpu", str(home / "no-models"))
    window = MainWindow(engines, locations=Locations.under(home / f"{size}-{autosave}"))
    window.show()
    tab = window.current_tab()
    tab.set_content((WORDS * (size // len(WORDS) + 1))[:size], None, modified=True)
    tab.set_cursor(size)
    saver = window.autosaver
    if not autosave:
        tab.editor.document().contentsChanged.disconnect(saver.document_changed)
    passes: list[float] = []  # copies: taking the text of changed documents
    states: list[float] = []  # passDone: the window's session state and word count
    writes: list[float] = []
    started: dict[str, float] = {}
    real_copy, real_pass_done = saver._copy, saver._pass_done

    def timed_copy() -> None:
        t0 = time.perf_counter()
        real_copy()
        passes.append(time.perf_counter() - t0)
        started.setdefault(tab.doc_id, t0)

    def timed_pass_done() -> None:
        t0 = time.perf_counter()
        real_pass_done()
        states.append(time.perf_counter() - t0)

    def on_autosaved(doc_id: str) -> None:
        if doc_id in started:
            writes.append(time.perf_counter() - started.pop(doc_id))

    saver._copy, saver._pass_done = timed_copy, timed_pass_done  # the timers call these through the instance
    saver.autosaved.connect(on_autosaved)

    keys: list[float] = []
    late: list[float] = []
    ticks: list[float] = []

    def key() -> None:
        t0 = time.perf_counter()
        if ticks:
            late.append(max(0.0, t0 - ticks[-1] - 0.1))  # the event loop was busy elsewhere (a freeze)
        ticks.append(t0)
        QTest.keyClick(tab.editor, "a")
        keys.append(time.perf_counter() - t0)

    typist = QTimer()
    typist.timeout.connect(key)
    typist.start(100)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    typist.stop()
    tab.set_modified(False)
    window.shutdown(clean=True)
    window.deleteLater()
    return {"keys": keys, "late": late, "passes": passes, "states": states, "writes": writes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000, 10_000_000])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - kept alive
    with tempfile.TemporaryDirectory(prefix="folio-autosave-") as tmp:
        for size in args.sizes:
            on = measure(size, True, args.seconds, Path(tmp))
            off = measure(size, False, args.seconds, Path(tmp))
            print(f"document {size:,} characters, {len(on['keys'])} keys in {args.seconds:.0f} s")
            print(f"  keystroke, autosave on:    {_ms(on['keys'])}")
            print(f"  keystroke, autosave off:   {_ms(off['keys'])}")
            print(f"  key late, autosave on:     {_ms(on['late'])}")
            print(f"  key late, autosave off:    {_ms(off['late'])}")
            print(f"  copy on UI thread:         {_ms(on['passes'])}  ({len(on['passes'])} passes)")
            print(f"  state and word count:      {_ms(on['states'])}  ({len(on['states'])} passes)")
            print(f"  write in background:       {_ms(on['writes'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
