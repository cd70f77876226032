"""Starting Folio: the application object, where its files live, the engines and the icon, then one window.

:func:`run_app` is what ``python -m desktop`` runs; :func:`make_engines`, :func:`default_locations` and
:func:`app_icon` are what a window needs when it is not given them (the window imports them from here).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.core.locations import Locations
from desktop.core.preferences import load_preferences
from desktop.runtime import Engines, UnavailableEngine
from desktop.ui.engine_status import EnginesLike
from desktop.ui.worker_thread import exit_code_after_abandoning

__all__ = ["APP_NAME", "run_app", "make_engines", "default_locations", "app_icon"]

logger = logging.getLogger(__name__)

APP_NAME = "Folio"


def make_engines(provider: str = "auto", models: str | Path | None = None, threads: int = 1) -> EnginesLike:
    """``Engines.from_dir(models, provider, threads)``; an engines object whose continuer explains the failure
    if the models folder cannot be used at all."""
    try:
        return Engines.from_dir(models, provider=provider, threads=threads)
    except Exception as exc:  # noqa: BLE001 - the editor must open even when the models folder is unusable
        logger.exception("could not open the models folder %s", models)
        reason = f"model folder unusable: {exc}"
        return SimpleNamespace(
            continuer=UnavailableEngine("continuation", reason),
            completer=UnavailableEngine("completion", reason),
            translator=UnavailableEngine("translation", reason),
        )


def default_locations() -> Locations:
    """``$FOLIO_HOME`` when set, else ``<config>/Folio`` and ``<data>/Folio`` in the platform's folders."""
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Locations.from_environment(Path(config or Path.home()) / APP_NAME, Path(data or Path.home()) / APP_NAME)


def icons_dir() -> Path:
    """The shipped icons (``resources/icons``)."""
    from desktop.runtime.paths import resources_dir

    return resources_dir() / "icons"


def app_icon() -> QIcon:
    """Folio's icon (every PNG size, and the SVG where Qt can draw it); an empty icon when none is shipped."""
    icon = QIcon()
    folder = icons_dir()
    for png in sorted(folder.glob("folio-*.png")):
        icon.addFile(str(png))
    svg = folder / "folio.svg"
    if svg.is_file() and icon.isNull():
        icon.addFile(str(svg))
    return icon


def run_app(files: list[str], provider: str = "auto", models: str | None = None) -> int:
    """Runs Folio: one window with a tab per file in ``files`` (or the last session); returns the exit code."""
    from desktop.ui import main_window  # here, not at the top: the window imports this module

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("io.github.folio.Folio")
    app.setWindowIcon(app_icon())
    locations = default_locations()
    loaded = load_preferences(locations.preferences_file)
    chosen = provider if provider != "auto" else loaded.preferences.provider
    engines = make_engines(chosen, models, loaded.preferences.threads)
    window = main_window.MainWindow(engines, locations=locations, preferences=loaded)
    window.show()
    window.session.start(files)
    return exit_code_after_abandoning(app.exec())
