"""Start-up: time from process start to the main window on screen, time until every model is ready, and the
resident memory (RSS) with all models loaded. Prints a table; not a test.

    python -m benchmarks.startup [--models DIR] [--runs 5] [--provider auto] [--platform offscreen]

Each run starts a fresh Python process that does what ``folio`` does (``desktop.app``: onnxruntime first, then
the Qt window over ``Engines.from_dir``) and reports, as wall-clock times from the moment this script started
the process:

- ``window``: the main window's first paint event (the window is on screen, usable);
- ``continuation``: the continuation model loaded by the window's worker thread (``engineLoaded``);
- ``all models``: every model package of the folder loaded. Where the window has a ``modelsReady`` signal it is
  waited for; until the UI loads the other engines itself, the benchmark loads the engines the window did not
  (completion, translation) right after the continuation is ready, and says so;
- RSS when the window shows and with all models loaded, and the peak (VmHWM), from /proc (Linux).

Goals (issue 6): window within 1.0 s, at most 300 MB with all models loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the child process; ``ARGS`` is substituted. Timestamps are time.time(), compared with the parent's.
CHILD = r"""
import json, sys, time
T = {"interpreter": time.time()}
ARGS = json.loads(sys.argv[1])

def rss_mb(key="VmRSS"):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

import desktop  # first: ORT_DISABLE_TELEMETRY before onnxruntime loads
import onnxruntime  # before Qt, as desktop.app does
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from desktop.ui.main_window import MainWindow
from desktop.ui.startup import make_engines
T["imports"] = time.time()

app = QApplication([sys.argv[0]])
engines = make_engines(ARGS["provider"], ARGS["models"])
window = MainWindow(engines)  # as run_app does: modelsReady waits for continuation and completion
out = {"notes": []}

def finish():
    out["rss_all_mb"] = rss_mb()
    out["peak_rss_mb"] = rss_mb("VmHWM")
    out["times"] = T
    window.controller.shutdown()
    print("STARTUP " + json.dumps(out), flush=True)
    app.quit()

def load_the_rest():
    # The engines the window has not loaded itself (the UI loads only the continuation today).
    for attribute in ("completer", "continuer", "translator"):
        engine = getattr(engines, attribute, None)
        if engine is not None:
            state = "ok" if getattr(engine, "available", False) else str(getattr(engine, "error", "unavailable"))
            out.setdefault("engines", {})[attribute] = state
    out["notes"].append("engines loaded by the benchmark, not the UI")
    T["all_ready"] = time.time()
    finish()

def on_continuation(info):
    T.setdefault("continuation_ready", time.time())
    if not hasattr(window, "modelsReady"):
        QTimer.singleShot(0, load_the_rest)

def on_all_ready(*_):
    T.setdefault("all_ready", time.time())
    QTimer.singleShot(0, finish)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "window" not in T:
            T["window"] = time.time()
            out["rss_window_mb"] = rss_mb()
        return False

painted = FirstPaint()
window.installEventFilter(painted)
window.controller.engineLoaded.connect(on_continuation)
if hasattr(window, "modelsReady"):
    window.modelsReady.connect(on_all_ready)
window.show()
QTimer.singleShot(60000, lambda: (out["notes"].append("timed out"), finish()))
app.exec()
"""


def run_once(models: str | None, provider: str, platform: str) -> dict:
    """One fresh process; returns its timings (seconds from process start) and memory (MB).

    The process gets an empty Folio home (FOLIO_HOME): no saved session to restore, the user's own untouched."""
    args = json.dumps({"models": models, "provider": provider})
    with tempfile.TemporaryDirectory(prefix="folio-startup-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM=platform, PYTHONPATH=str(ROOT), FOLIO_HOME=home)
        started = time.time()
        result = subprocess.run([sys.executable, "-c", CHILD, args], capture_output=True, text=True, env=env,
                                cwd=ROOT, timeout=120)
    line = next((x for x in result.stdout.splitlines() if x.startswith("STARTUP ")), None)
    if line is None:
        raise RuntimeError(f"the start-up run failed:\n{result.stdout}\n{result.stderr}")
    out = json.loads(line[len("STARTUP "):])
    times = out.pop("times")
    out.update({f"{key}_s": value - started for key, value in times.items()})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--models", default=None, help="folder of model packages (default: the shipped ones)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--provider", default="auto")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                        help="Qt platform plugin (default offscreen; xcb or wayland on a desktop)")
    args = parser.parse_args(argv)
    runs = [run_once(args.models, args.provider, args.platform) for _ in range(args.runs)]

    columns = [("interpreter_s", "interpreter up (s)"), ("imports_s", "imports done (s)"),
               ("window_s", "window shown (s)"), ("continuation_ready_s", "continuation ready (s)"),
               ("all_ready_s", "all models ready (s)"), ("rss_window_mb", "RSS at window (MB)"),
               ("rss_all_mb", "RSS all models (MB)"), ("peak_rss_mb", "peak RSS (MB)")]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"{len(runs)} runs, platform {args.platform}, provider {args.provider}, models "
          f"{args.models or 'shipped'}; load average {load} on {os.cpu_count()} CPUs\n")
    print("| run | " + " | ".join(title for _, title in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for i, run in enumerate(runs, 1):
        print(f"| {i} | " + " | ".join(_cell(run.get(key)) for key, _ in columns) + " |")
    medians = {key: statistics.median([r[key] for r in runs if r.get(key) is not None] or [float("nan")])
               for key, _ in columns}
    print("| median | " + " | ".join(_cell(medians[key]) for key, _ in columns) + " |")
    engines = runs[-1].get("engines", {})
    if engines:
        print("\nengines: " + "; ".join(f"{name}: {state[:80]}" for name, state in engines.items()))
    for note in sorted({note for run in runs for note in run.get("notes", [])}):
        print(f"note: {note}")
    print(f"\ngoals: window <= 1.0 s (median {medians['window_s']:.2f} s), "
          f"RSS with all models <= 300 MB (median {medians['rss_all_mb']:.0f} MB)")
    return 0


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 50 else f"{value:.0f}"


if __name__ == "__main__":
    raise SystemExit(main())
