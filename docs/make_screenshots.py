"""Takes the README's screenshots of Folio: light and dark, with a continuation and a completion showing, the
model view open, and the translation panel.

    Xvfb :99 -screen 0 1400x900x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python docs/make_screenshots.py --models resources/models

``--models`` is a folder of model packages (the shipped ones by default). Preferences and session files go to
a temporary ``$FOLIO_HOME``. The generated text is whatever the models write this time (no seed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DRAFT = """# The Tempest, retold

## Act I

The storm had not yet broken when Miranda climbed the cliff path. Below her the sea was the colour of old \
pewter, and the ship was a **small dark shape** fighting the wind. She thought of her father's books, of the \
*spells* he would not explain, and of the voice that answered him at night.

- the ship
- the island
- the song in the air

PROSPERO:
"""


def wait(app, seconds: float, until=None) -> None:
    """Runs the event loop for ``seconds`` or until ``until()`` is true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until()):
        app.processEvents()
        time.sleep(0.01)


def make_window(app, engines, scheme: str, size: tuple[int, int]):
    from desktop.core.preferences import Preferences
    from desktop.ui.main_window import MainWindow

    window = MainWindow(engines, preferences=Preferences(theme=scheme, font_size=12.5, daily_goal=500))
    window.resize(*size)
    window.show()
    wait(app, 1.0, lambda: window.controller.available)
    return window


def write_scene(app, window, path: Path, continuation_chars: int) -> None:
    """Opens the draft, continues it in Shakespeare's style, types a few words so completion suggests."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    path.write_text(DRAFT, encoding="utf-8")
    window.files.open_file(path)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.continuation_toolbar.length_spin.setValue(continuation_chars)
    window.continuation_toolbar.temperature_spin.setValue(0.7)
    window.continuation.start()
    wait(app, 60, lambda: not window.controller.running)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText("\n\nMiranda looked back at the ")
    completion = window.current_tab().completion
    QTest.keyClicks(window.editor, "s")
    QTest.keyClick(window.editor, "\b")  # typed edits ask for a suggestion
    wait(app, 10, lambda: bool(completion.ghost_text))
    window.word_counts.update()
    wait(app, 0.5)


ENGLISH = """Letter to Claire

Dear Claire,

Thank you for your letter. I am happy that you are coming to see us on Friday, June 12. Peter Brown will \
meet you at the station at 6:30 p.m. We have a lot to talk about!
"""


def translation_scene(app, window, path: Path, sentence: str) -> None:
    """Opens an English letter, selects ``sentence`` and translates it in the translation panel."""
    from PySide6.QtGui import QTextCursor

    path.write_text(ENGLISH, encoding="utf-8")
    window.files.open_file(path)
    start = ENGLISH.index(sentence)
    cursor = window.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(sentence), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    if window.translation.translate_selection() is not None:
        wait(app, 30, lambda: bool(window.translation_panel.results))
        if window.translation_panel.results:
            print(f"translated {sentence!r} -> {window.translation_panel.results[0].text!r}")


def grab(app, window, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    app.setCursorFlashTime(0)
    wait(app, 0.3)
    image = window.screen().grabWindow(window.winId()) if QApplication.platformName() == "xcb" else None
    if image is None or image.isNull():
        image = window.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out))
    print(f"saved {out} ({image.width()}x{image.height()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=Path, default=None, help="folder of model packages")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chars", type=int, default=260, help="characters the continuation writes")
    parser.add_argument("--translate", default="I am happy that you are coming to see us on Friday, June 12. "
                        "Peter Brown will meet you at the station at 6:30 p.m.",
                        help="the sentence of the letter the translation screenshot translates")
    parser.add_argument("--only", default="", help="take only the screenshots whose file name contains this")
    args = parser.parse_args(argv)
    os.environ["FOLIO_HOME"] = tempfile.mkdtemp(prefix="folio-screenshots-")
    from desktop.environment import prepare_environment

    prepare_environment()  # first: ORT_DISABLE_TELEMETRY before onnxruntime loads
    import onnxruntime  # noqa: F401 - before Qt, as desktop.app does
    from PySide6.QtWidgets import QApplication

    from desktop.runtime import Engines

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Folio")
    engines = Engines.from_dir(args.models, provider="cpu")
    work = Path(os.environ["FOLIO_HOME"])
    scenes = (("light", "screenshot-light.png", ""), ("dark", "screenshot-dark.png", ""),
              ("light", "screenshot-model-view.png", "model view"),
              ("light", "screenshot-translation.png", "translation"))
    for scheme, name, scene in scenes:
        if args.only not in name:
            continue
        window = make_window(app, engines, scheme, (1200, 780) if not scene else (1280, 800))
        window.set_model_view_visible(scene == "model view")
        if scene == "translation":
            translation_scene(app, window, work / "letter.txt", args.translate)
        else:
            write_scene(app, window, work / "the-tempest.md", args.chars)
            if scene == "model view":
                wait(app, 5, lambda w=window: w.model_view.shown_id == w.model_view.latest_id)
        grab(app, window, args.out / name)
        for tab in window.documents():
            tab.set_modified(False)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
