"""What the main window's controllers share: the window they work for, and its status bar to speak through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.ui.statusbar import STATUS_TIMEOUT_MS

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["WindowPart"]


class WindowPart(QObject):
    """One job of a :class:`~desktop.ui.main_window.MainWindow` kept apart from its layout (``window.files``,
    ``window.session``, ...): a child of the window that reaches the rest of it through ``self.window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def say(self, message: str, timeout_ms: int = STATUS_TIMEOUT_MS) -> None:
        """Shows ``message`` in the window's status bar for ``timeout_ms`` (0: until the next message)."""
        self.window.status_bar.showMessage(message, timeout_ms)
