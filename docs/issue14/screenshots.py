"""Screenshots of issue 14's items 1, 2, 7 and 10 with the shipped models, on a real X server.

    Xvfb :57 -screen 0 1400x900x24 &
    DISPLAY=:57 QT_QPA_PLATFORM=xcb python docs/issue14/screenshots.py

Writes docs/issue14/item01-wrap-beside-dock.png, item02-ghost-after-model-view.png,
item07-large-file-progress.png and item10-encoding.png (each a QWidget.grab() of the window).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
os.environ.setdefault("FOLIO_HOME", tempfile.mkdtemp(prefix="folio-shots-"))

import onnxruntime  # noqa: E402,F401 - before Qt, as desktop.app does
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.ui import startup  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.startup import make_engines  # noqa: E402

PARAGRAPH = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
             "foolishness, it was the epoch of belief, it was the epoch of incredulity. ")


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait(condition, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        pump(0.05)


def window() -> MainWindow:
    win = MainWindow(make_engines("cpu"))
    win.resize(1100, 720)
    win.show()
    label = win.status_bar.model_label
    wait(lambda: "Translation:" in label.text() and "Completion:" in label.text())
    return win


def shoot(win: MainWindow, name: str) -> None:
    pump(0.3)
    win.grab().save(str(HERE / name))
    print("wrote", HERE / name)


def type_text(win: MainWindow, text: str) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClicks(win.editor, text)
    pump(0.2)


def item01(win: MainWindow) -> None:
    win.translation_dock.show()
    win.new_document()
    type_text(win, PARAGRAPH * 2)
    shoot(win, "item01-wrap-beside-dock.png")
    win.translation_dock.hide()


def item02(win: MainWindow) -> None:
    win.resize(900, 720)  # narrow enough that the model view makes the line wrap differently
    win.new_document()
    controller = win.current_tab().completion
    wait(lambda: controller.available)
    type_text(win, PARAGRAPH + "Tomorrow we will meet to discuss the new j")
    wait(lambda: bool(controller.ghost_text))
    win.main_menu["model_view"].trigger()
    pump(0.5)
    win.main_menu["model_view"].trigger()
    pump(0.5)
    win.main_menu["model_view"].trigger()  # open again: the dock shows the words that complete "j"
    pump(1.0)
    shoot(win, "item02-ghost-after-model-view.png")
    win.main_menu["model_view"].trigger()
    win.resize(1100, 720)


def item07(win: MainWindow, folder: Path) -> None:
    big = folder / "big-novel.txt"
    big.write_text((PARAGRAPH * 5 + "\n\n") * 24_000, encoding="utf-8")
    shots = []

    def on_progress(name: str, percent: int) -> None:
        if percent >= 50 and not shots:
            shots.append(percent)
            shoot(win, "item07-large-file-progress.png")

    win.files.loadProgress.connect(on_progress)
    started = time.perf_counter()
    win.files.open_file(big)
    print(f"opened {big.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.2f} s")
    win.files.loadProgress.disconnect(on_progress)


def item10(win: MainWindow, folder: Path) -> None:
    path = folder / "lettre-1252.txt"
    text = ("Chère Amélie,\r\nJe t'écris de la forêt : l'été brûle, les élèves sont partis.\r\n"
            "Ça coûte 5 € — « déjà vu », dirait Gaëlle.\n\r\nÀ bientôt, François\r\n")
    path.write_bytes(text.encode("cp1252"))
    win.files.open_file(path)
    win.editor.moveCursor(win.editor.textCursor().MoveOperation.End)
    shoot(win, "item10-encoding.png")


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName(startup.APP_NAME)
    folder = Path(tempfile.mkdtemp(prefix="folio-shot-files-"))
    win = window()
    item01(win)
    item02(win)
    item07(win, folder)
    item10(win, folder)
    win.shutdown(clean=True)
    win.hide()
    return 0


if __name__ == "__main__":
    sys.exit(main())
