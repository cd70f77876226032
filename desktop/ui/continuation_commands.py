"""Continue and Stop: Shakespeare continuation of the current document, and what the status bar says of it.

:class:`ContinuationCommands` does this for a :class:`~desktop.ui.main_window.MainWindow`
(``window.continuation``); each document's :class:`~desktop.ui.continuation.ContinuationController` runs the
model, and the continuation toolbar holds the temperature and the length.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from desktop.ui.continuation import CANCELLED, COMPLETED
from desktop.ui.document import DocumentTab
from desktop.ui.engine_status import EngineInfo, describe_continuation
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.window_part import WindowPart

__all__ = ["ContinuationCommands"]


class ContinuationCommands(WindowPart):
    """Starts and stops continuations in ``window``'s current document and reports on them."""


    def attach(self, tab: DocumentTab) -> None:
        """Reports on ``tab``'s continuations (Stop enabled while one runs, done, stopped, failed)."""
        controller = tab.controller
        controller.runningChanged.connect(lambda running, t=tab: self._on_running_changed(t, running))
        controller.textInserted.connect(lambda rid, text, t=tab: self._on_text_inserted(t))
        controller.finished.connect(lambda rid, outcome, t=tab: self._on_finished(t, outcome))
        controller.failed.connect(lambda rid, message: self._on_failed(message))

    @Slot()
    def start(self) -> int | None:
        """Continues the text before the cursor at the cursor; returns the request id (None if unavailable)."""
        window = self.window
        if not window.preferences.continuation_enabled or not window.controller.available:
            return None
        editor = window.editor
        cursor = editor.textCursor()
        position = cursor.selectionEnd()
        if cursor.hasSelection():
            cursor.setPosition(position)
            editor.setTextCursor(cursor)
        editor.setFocus()
        toolbar = window.continuation_toolbar
        return window.controller.start(position, toolbar.length_spin.value(), toolbar.temperature_spin.value())

    @Slot()
    def stop(self) -> bool:
        """Stops the running continuation; returns whether one was running."""
        return self.window.controller.cancel()

    @Slot(bool)
    def set_enabled(self, on: bool) -> None:
        """Switches Shakespeare continuation on or off (a preference)."""
        if not on:
            self.stop()
        self.window.settings.apply(self.window.preferences.copy(continuation_enabled=bool(on)))

    def show_availability(self, info: EngineInfo | None) -> None:
        """Enables Continue when the model (``info``, None while loading) is there and continuation is switched
        on; its tooltip says why not."""
        available = info is not None and info.available
        enabled = self.window.preferences.continuation_enabled
        self.window.main_menu["continue"].setEnabled(available and enabled)
        if not enabled:
            tip = "Continuation is switched off (Assist ▸ Shakespeare Continuation)"
        elif available:
            tip = "Continue the text at the cursor in Shakespeare's style (Ctrl+Shift+Return)"
        else:
            tip = describe_continuation(info)
        self.window.continuation_toolbar.set_tip("continue", tip)


    def _on_running_changed(self, tab: DocumentTab, running: bool) -> None:
        if tab is self.window.current_tab():
            self.window.main_menu["stop"].setEnabled(running)
        if running:
            self.say("Continuing… (Esc stops)", 0)

    def _on_text_inserted(self, tab: DocumentTab) -> None:
        if tab.editor.textCursor().position() == tab.controller.inserter.position:
            tab.editor.ensureCursorVisible()

    def _on_finished(self, tab: DocumentTab, outcome: str) -> None:
        chars = tab.controller.inserter.inserted_chars
        if outcome == COMPLETED:
            self.say(f"Continuation done: {chars} characters")
        elif outcome == CANCELLED:
            self.say(f"Continuation stopped after {chars} characters")

    def _on_failed(self, message: str) -> None:
        self.say(f"Continuation failed: {message}", 2 * STATUS_TIMEOUT_MS)
