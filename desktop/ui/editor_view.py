"""How the window shows its documents: the editor font and zoom, focus mode, full screen, and Go to Line.

:class:`EditorView` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.view``); the font is a
preference, the zoom steps are session state (``window.state.zoom``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QFontDialog, QInputDialog

from desktop.ui import theme
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["EditorView", "MIN_FONT_SIZE"]

MIN_FONT_SIZE = 6.0
MAX_ZOOM_STEPS = 60


class EditorView(WindowPart):
    """Font, zoom, focus mode, full screen and Go to Line for ``window``'s documents."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._was_maximized = False


    # -- font and zoom ----------------------------------------------------------------------------------------------

    def editor_font(self) -> QFont:
        """The editor font: the preferred family and size, plus the zoom steps."""
        preferences = self.window.preferences
        font = QFont(preferences.font_family) if preferences.font_family else QFont(QApplication.font())
        font.setPointSizeF(max(MIN_FONT_SIZE, preferences.font_size + self.window.state.zoom))
        return font

    def apply_font(self, announce: bool = False) -> None:
        """Gives every document the editor font (and says which when ``announce``)."""
        font = self.editor_font()
        for tab in self.window.documents():
            tab.set_editor_font(font)
        if announce:
            self.say(f"Font: {font.family()} {font.pointSizeF():g} pt")

    @Slot()
    def zoom_in(self) -> None:
        self.window.state.zoom = min(self.window.state.zoom + 1, MAX_ZOOM_STEPS)
        self.apply_font(announce=True)

    @Slot()
    def zoom_out(self) -> None:
        if self.window.preferences.font_size + self.window.state.zoom - 1 >= MIN_FONT_SIZE:
            self.window.state.zoom -= 1
        self.apply_font(announce=True)

    @Slot()
    def zoom_reset(self) -> None:
        self.window.state.zoom = 0
        self.apply_font(announce=True)

    @Slot()
    def font_dialog(self) -> bool:
        """Lets the writer choose the editor font (saved in the preferences)."""
        window = self.window
        ok, font = QFontDialog.getFont(self.editor_font(), window, "Editor Font")
        if not ok:
            return False
        window.settings.apply(window.preferences.copy(font_family=font.family(),
                                                         font_size=float(font.pointSizeF())))
        window.state.zoom = 0
        self.apply_font()
        return True

    # -- focus mode and full screen --------------------------------------------------------------------------------

    @Slot(bool)
    def set_focus_mode(self, on: bool) -> None:
        """Dims every paragraph but the current one in every document."""
        action = self.window.main_menu["focus_mode"]
        if action.isChecked() != on:
            action.setChecked(on)
            return
        colors = theme.editor_colors(self.window.scheme)
        for tab in self.window.documents():
            tab.editor.set_focus_mode(on, colors.dimmed_text)
        self.say("Focus mode on (F8 turns it off)" if on else "Focus mode off")

    @Slot(bool)
    def set_full_screen(self, on: bool) -> None:
        """Full screen, or back to the window as it was."""
        window, action = self.window, self.window.main_menu["full_screen"]
        if action.isChecked() != on:
            action.setChecked(on)
            return
        if on and not window.isFullScreen():
            self._was_maximized = window.isMaximized()
            window.showFullScreen()
        elif not on and window.isFullScreen():
            window.showMaximized() if self._was_maximized else window.showNormal()

    # -- going to a line ----------------------------------------------------------------------------------------------

    @Slot()
    def go_to_line_dialog(self) -> bool:
        """Asks for a line number and moves the cursor there."""
        editor = self.window.editor
        count = editor.document().blockCount()
        current = editor.textCursor().blockNumber() + 1
        line, ok = QInputDialog.getInt(self.window, "Go to Line", f"Line (1–{count}):", current, 1, count)
        if ok:
            self.go_to_line(line)
        return bool(ok)

    def go_to_line(self, line: int) -> int:
        """Moves the cursor to the start of ``line`` (1-based); returns the line it went to."""
        reached = self.window.current_tab().go_to_line(line)
        self.window.editor.setFocus()
        return reached
