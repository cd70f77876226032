"""Takes the README's screenshots of Folio: light and dark, with a continuation and a completion showing, and
the model view open.

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
    from desktop.preferences import Preferences
    from desktop.ui.main_window import MainWindow

    window = MainWindow(engines, preferences=Preferences(theme=scheme, font_size=12.5, daily_goal=500))
    try:
        from desktop.ui.completion import CompletionController

        window.set_completion_factory(CompletionController)
    except ImportError:
        pass
    window.resize(*size)
    window.show()
    wait(app, 1.0, lambda: window.controller.available)
    return window


def write_scene(app, window, path: Path, continuation_chars: int) -> None:
    """Opens the draft, continues it in Shakespeare's style, types a few words so completion suggests."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    path.write_text(DRAFT, encoding="utf-8")
    window.open_file(path)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.length_spin.setValue(continuation_chars)
    window.temperature_spin.setValue(0.7)
    window.continue_text()
    wait(app, 60, lambda: not window.controller.running)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText("\n\nMiranda looked back at the ")
    assistants = window.current_tab().assistants
    QTest.keyClicks(window.editor, "s")
    QTest.keyClick(window.editor, "\b")  # typed edits ask for a suggestion
    if assistants:
        wait(app, 10, lambda: bool(assistants[0].ghost_text))
    window.update_stats()
    wait(app, 0.5)


def show_translation_attention(window, engines, sentence: str) -> None:
    """Translates ``sentence`` and shows its word-level attention in the model view (the hook the translation
    panel calls)."""
    translator = engines.translator
    if not getattr(translator, "available", False) or not sentence:
        return
    segment = translator.translate(sentence)[0].segments[0]
    window.show_attention(segment.src_words, segment.tgt_words, segment.word_attention)
    print(f"translated {sentence!r} -> {segment.text!r}")


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
    parser.add_argument("--translate", default="I am happy.",
                        help="a sentence whose attention the model view shows (when a translator is installed)")
    args = parser.parse_args(argv)
    os.environ["FOLIO_HOME"] = tempfile.mkdtemp(prefix="folio-screenshots-")
    import onnxruntime  # noqa: F401 - before Qt, as desktop.app does
    from PySide6.QtWidgets import QApplication

    from desktop.runtime import Engines

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Folio")
    engines = Engines.from_dir(args.models, provider="cpu")
    work = Path(os.environ["FOLIO_HOME"])
    for scheme, name, model_view in (("light", "screenshot-light.png", False), ("dark", "screenshot-dark.png", False),
                                     ("light", "screenshot-model-view.png", True)):
        window = make_window(app, engines, scheme, (1280, 800) if model_view else (1200, 780))
        if model_view:
            window.set_model_view_visible(True)
        write_scene(app, window, work / "the-tempest.md", args.chars)
        if model_view:
            show_translation_attention(window, engines, args.translate)
            wait(app, 5, lambda w=window: w.model_view.shown_id == w.model_view.latest_id)
        grab(app, window, args.out / name)
        for tab in window.documents():
            tab.set_modified(False)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
