"""The writer's preferences in the window: loading them, passing them on, saving them, and the Preferences dialog.

:class:`PreferencesController` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.settings``).
The preferences themselves are :class:`~desktop.core.preferences.Preferences` (``window.preferences``, which the
window's parts read); the file is :mod:`desktop.core.preferences`'s. The theme they name is drawn by the window
(``window.apply_theme``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot

from desktop.core.files import FileError
from desktop.core.preferences import LoadedPreferences, Preferences, load_preferences, save_preferences
from desktop.ui.document import DocumentTab
from desktop.ui.preferences_dialog import PreferencesDialog
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["PreferencesController"]

logger = logging.getLogger(__name__)


class PreferencesController(WindowPart):
    """``window``'s preferences: ``preferences`` as given, else read from ``window.locations.preferences_file``
    (what was wrong with that file is in ``warnings``). Sets ``window.preferences``."""

    def __init__(self, window: MainWindow, preferences: Preferences | LoadedPreferences | None = None) -> None:
        super().__init__(window)
        if preferences is None:
            preferences = load_preferences(window.locations.preferences_file)
        if isinstance(preferences, LoadedPreferences):
            window.preferences = preferences.preferences
            self.warnings = list(preferences.warnings)
            self._corrupt = preferences.corrupt  # the file on disk is kept as .bak when first saved over
        else:
            window.preferences, self.warnings, self._corrupt = preferences, [], False
        self._dirty = False  # changed without saving (the toolbar's temperature and length)

    # -- applying ---------------------------------------------------------------------------------------------------

    def apply(self, preferences: Preferences, save: bool = True) -> None:
        """Makes ``preferences`` current: theme, font, assistants, toggles, goal; saves them when ``save``."""
        window, menu = self.window, self.window.main_menu
        window.preferences = preferences
        window.apply_theme()
        window.view.apply_font()
        window.autosaver.set_idle_ms(int(preferences.autosave_idle_seconds * 1000))
        for action, on in ((menu["completion_toggle"], preferences.completion_enabled),
                           (menu["continuation_toggle"], preferences.continuation_enabled)):
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        window.continuation_toolbar.show_settings(preferences.temperature, preferences.length,
                                                  preferences.continuation_enabled)
        menu["model_view"].setEnabled(preferences.model_view_enabled)
        if not preferences.model_view_enabled and menu["model_view"].isChecked():
            menu["model_view"].setChecked(False)
        for tab in window.documents():
            self.apply_to_completion(tab)
        window.show_continuation_model(None)
        window.word_counts.show_goal()
        window.spelling.set_enabled(preferences.spelling_enabled)
        if save:
            self.save()

    def apply_to_completion(self, tab: DocumentTab) -> None:
        """Passes the preferences on to ``tab``'s word completion (and the learned words, if it may use them)."""
        preferences = self.window.preferences
        tab.completion.apply_preferences(preferences)
        tab.completion.set_learned_memory(self.window.writer_memory if preferences.learn_words else None)

    def report_warnings(self) -> None:
        """Logs what was wrong with the preferences file and shows the first problem in the status bar."""
        for warning in self.warnings:
            logger.warning("%s", warning)
        if self.warnings:
            self.say(self.warnings[0], 4 * STATUS_TIMEOUT_MS)

    # -- saving ------------------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Writes the preferences file; a failure is shown in the status bar."""
        try:
            save_preferences(self.window.locations.preferences_file, self.window.preferences,
                             keep_corrupt=self._corrupt)
        except FileError as exc:
            self.say(f"Preferences could not be saved: {exc}", 4 * STATUS_TIMEOUT_MS)
            return False
        self._corrupt = False
        self._dirty = False
        return True

    def save_if_changed(self) -> None:
        """Saves the preferences if the toolbar changed them since they were last saved."""
        if self._dirty:
            self.save()

    # -- what the writer changes ---------------------------------------------------------------------------------

    @Slot()
    def dialog(self) -> bool:
        """Shows the Preferences dialog; applies and saves what the writer chose."""
        from desktop.runtime.session import available_providers

        window = self.window
        dialog = PreferencesDialog(window.preferences, available_providers(), window, forget=window.learned.forget)
        if dialog.exec() != PreferencesDialog.DialogCode.Accepted:
            return False
        old = window.preferences
        new = dialog.values()
        self.apply(new)
        if (old.provider, old.threads) != (new.provider, new.threads):
            self.say("The execution provider and threads apply the next time Folio starts", 3 * STATUS_TIMEOUT_MS)
        return True

    @Slot(bool)
    def set_completion_enabled(self, on: bool) -> None:
        """Switches word completion on or off (a preference)."""
        self.apply(self.window.preferences.copy(completion_enabled=bool(on)))
        self.say("Word completion on" if on else "Word completion off")

    @Slot(float)
    def set_temperature(self, value: float) -> None:
        """The toolbar's temperature, saved with the preferences at the next autosave or on closing."""
        self.window.preferences.temperature = float(value)
        self._dirty = True

    @Slot(int)
    def set_length(self, value: int) -> None:
        """The toolbar's length, saved with the preferences at the next autosave or on closing."""
        self.window.preferences.length = int(value)
        self._dirty = True
