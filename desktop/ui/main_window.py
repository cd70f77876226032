"""Folio's main window: documents in tabs, the docks, and the wiring between the window's parts.

The window lays out the tabs, the find bar, the docks (model view, translation), the menus, the toolbar and the
status bar, draws the theme, and closes; each job lives in its own module:

- :mod:`~desktop.ui.actions`: the table of actions, from which the menus and the toolbar are built
  (``window.main_menu["save"]``);
- :mod:`~desktop.ui.continuation_toolbar` and :mod:`~desktop.ui.statusbar`: the toolbar and the status bar;
- :mod:`~desktop.ui.document_files` (``window.files``): open, save, reload, recent files, drops, the disk watcher;
- :mod:`~desktop.ui.session_controller` (``window.session``): start, crash recovery, the state file;
- :mod:`~desktop.ui.editor_view` (``window.view``): font, zoom, focus mode, full screen, Go to Line;
- :mod:`~desktop.ui.preferences_controller` (``window.settings``): applies, saves and edits ``window.preferences``;
- :mod:`~desktop.ui.continuation_commands` (``window.continuation``) and :mod:`~desktop.ui.translation_commands`
  (``window.translation``): the Assist menu's commands;
- :mod:`~desktop.ui.word_counts` (``window.word_counts``) and :mod:`~desktop.ui.learned_words`
  (``window.learned``): the counts and daily goal, and the words Folio learns;
- :mod:`~desktop.ui.model_status` (``window.model_status``): the models in the status bar, ``modelsReady``;
- :mod:`~desktop.ui.startup`: the application, the engines and the window at start.

The logic without widgets is in :mod:`desktop.core`. Each document is a :class:`~desktop.ui.document.DocumentTab`;
models run in worker threads (continuation, the model view, completion) and report by signal.

Hooks for other features:

- ``add_side_panel(widget, title)``: a dock in the right-hand area (the translation panel, Ctrl+Shift+T, uses it).
- ``show_attention(src_tokens, tgt_tokens, matrix)``: the model view's heat map after a translation.
- ``insert_generated(text)``: inserts model text at the cursor, marked as generated.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.appstate import AppState, load_state
from desktop.core.locations import Locations
from desktop.core.preferences import LoadedPreferences, Preferences
from desktop.core.recovery import RecoverySession
from desktop.runtime.contract import KIND_TRANSLATOR
from desktop.ui import theme
from desktop.ui.about_dialog import AboutDialog
from desktop.ui.actions import MainMenu
from desktop.ui.autosave import Autosaver
from desktop.ui.continuation_commands import ContinuationCommands
from desktop.ui.continuation_toolbar import ContinuationToolbar
from desktop.ui.document import DocumentTab
from desktop.ui.document_files import DocumentFiles
from desktop.ui.document_translation import DocumentTranslation
from desktop.ui.editor import Editor
from desktop.ui.editor_view import EditorView
from desktop.ui.engine_status import EngineInfo, EnginesLike, text_before
from desktop.ui.findbar import FindBar
from desktop.ui.learned_words import LearnedWords
from desktop.ui.model_status import ModelStatus
from desktop.ui.model_view import ModelViewDock
from desktop.ui.preferences_controller import PreferencesController
from desktop.ui.session_controller import SessionController
from desktop.ui.spelling import Spelling
from desktop.ui.startup import app_icon, default_locations, make_engines
from desktop.ui.statusbar import STATUS_TIMEOUT_MS, StatusBar
from desktop.ui.translation import TranslationPanel
from desktop.ui.translation_commands import TranslationCommands
from desktop.ui.word_counts import WordCounts

__all__ = ["MainWindow"]

MODIFIED_MARK = " •"  # after the title of a tab with unsaved changes


class MainWindow(QMainWindow):
    """Folio's window. ``MainWindow(engines)`` is enough: preferences and state come from
    ``locations`` (default: :func:`default_locations`, which honours ``$FOLIO_HOME``).

    ``engines`` is anything with a ``continuer`` attribute (and optionally ``completer``); when None,
    ``make_engines(provider, models)`` is used. Models load in worker threads, so the window shows at once.
    Call ``window.session.start(files)`` after ``show()`` to open files, restore the last session and offer recovery.
    """

    autosaved = Signal(str)  # document id whose recovery copy is now on disk
    documentOpened = Signal(object)  # DocumentTab
    modelsReady = Signal()  # every model the window uses has loaded (or failed with a reason)

    def __init__(
        self,
        engines: EnginesLike | None = None,
        *,
        provider: str = "auto",
        models: str | Path | None = None,
        locations: Locations | None = None,
        preferences: Preferences | LoadedPreferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._load_settings(locations, preferences)
        self.engines = engines if engines is not None else make_engines(provider, models, self.preferences.threads)
        self._closed = False
        self._scheme = theme.LIGHT

        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self._build_document_area()
        self._build_side_panels()
        self._build_controllers()
        self.main_menu = MainMenu(self)
        self.main_menu.set_recent_files(self.state.recent)
        self._build_toolbar()
        self._build_status_bar()
        self.model_view.visibilityChanged.connect(self._on_model_view_visibility)
        self._show_first_document()

    # -- building ---------------------------------------------------------------------------------------------

    def _load_settings(self, locations: Locations | None, preferences: Preferences | LoadedPreferences | None) -> None:
        """Preferences, session state, recovery copies and learned words from ``locations`` (the default ones)."""
        self.locations = locations or default_locations()
        self.preferences: Preferences  # the current ones, set by self.settings
        self.settings = PreferencesController(self, preferences)
        self.state: AppState = load_state(self.locations.state_file)
        self.recovery = RecoverySession(self.locations.recovery_dir)
        self.learned = LearnedWords(self)  # what Folio learned
        self.writer_memory = self.learned.memory  # what completion draws on
        if self.writer_memory.warning:
            self.settings.warnings.append(self.writer_memory.warning)

    def _build_document_area(self) -> None:
        """The documents' tabs above the find bar."""
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("documentTabs")
        self.tabs.setAccessibleName("Open documents")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._on_current_changed)
        self.find_bar = FindBar(lambda: self.current_editor(), self)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.find_bar)
        self.setCentralWidget(central)

    def _build_side_panels(self) -> None:
        """The model view and translation docks, and the document translation worker."""
        self.model_view = ModelViewDock(self.engines, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.model_view)
        self.model_view.hide()
        self.side_panels: list[QDockWidget] = []
        self.translation_panel = TranslationPanel(self.engines, self)
        self.translation_panel.attentionShown.connect(
            lambda heat: self.show_attention(heat.source, heat.target, heat.matrix))
        self.translation_panel.statusMessage.connect(
            lambda message: self.statusBar().showMessage(message, STATUS_TIMEOUT_MS))
        self.translation_panel.unavailable.connect(
            lambda reason: self.status_bar.feature_status.set_reason("Translation", reason))
        self.translation_dock = self.add_side_panel(self.translation_panel, "Translation", "translationDock")
        self.translation_dock.hide()
        self.document_translation = DocumentTranslation(self.engines, self)
        self.translation = TranslationCommands(self)

    def _build_controllers(self) -> None:
        """Autosave, files, session, view, counting and spelling."""
        self.autosaver = Autosaver(self.recovery, self.documents, int(self.preferences.autosave_idle_seconds * 1000),
                                   self)
        self.autosaver.autosaved.connect(self.autosaved)
        self.autosaver.failed.connect(self._on_autosave_failed)
        self.autosaver.passDone.connect(self._after_autosave)
        self.files = DocumentFiles(self)
        self.session = SessionController(self)
        self.view = EditorView(self)
        self.continuation = ContinuationCommands(self)
        self.word_counts = WordCounts(self)
        self.spelling = Spelling(self.engines, self.locations.personal_words_file, self)
        self.spelling.statusMessage.connect(lambda message: self.statusBar().showMessage(message, STATUS_TIMEOUT_MS))

    def _show_first_document(self) -> None:
        """An empty document, the preferences and the last layout applied, the models loading."""
        self.resize(1100, 720)
        self.new_tab()
        self.settings.apply(self.preferences, save=False)
        self.session.restore_window_state()
        self.show_continuation_model(None)
        self.translation_panel.load_engine()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme_changed)
        self.settings.report_warnings()

    def _build_toolbar(self) -> None:
        self.continuation_toolbar = ContinuationToolbar(self.main_menu.toolbar_actions(), self)
        self.addToolBar(self.continuation_toolbar)
        self.continuation_toolbar.temperatureChanged.connect(self.settings.set_temperature)
        self.continuation_toolbar.lengthChanged.connect(self.settings.set_length)

    def _build_status_bar(self) -> None:
        self.status_bar = StatusBar(self)
        self.setStatusBar(self.status_bar)
        self.status_bar.acceptGenerated.connect(self.accept_generated)
        self.status_bar.cancelTranslation.connect(self.translation.cancel_document)
        self.status_bar.feature_status.clicked.connect(lambda _feature: self.about_dialog())
        self.model_status = ModelStatus(self.status_bar, self)
        self.model_status.ready.connect(self.modelsReady)
        self.translation_panel.engineLoaded.connect(self.model_status.translation_loaded)
        problem = getattr(self.engines, "package_problem", None)
        if callable(problem):  # a missing translator is known before its first use
            self.status_bar.feature_status.set_reason("Translation", problem(KIND_TRANSLATOR) or None)

    # -- documents: access ----------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentTab]:
        """The open documents, in tab order."""
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def current_tab(self) -> DocumentTab:
        """The document in the current tab."""
        return self.tabs.currentWidget()

    def current_editor(self) -> Editor | None:
        tab = self.tabs.currentWidget()
        return tab.editor if tab is not None else None

    @property
    def editor(self) -> Editor:
        """The current document's editor."""
        return self.current_tab().editor

    @property
    def controller(self):
        """The current document's continuation controller."""
        return self.current_tab().controller

    @property
    def path(self) -> Path | None:
        """The current document's file (None when untitled)."""
        return self.current_tab().path

    @property
    def modified(self) -> bool:
        """Whether the current document has unsaved changes."""
        return self.current_tab().modified

    def text(self) -> str:
        """The current document's text, as it would be saved."""
        return self.current_tab().text()

    def tab_for_path(self, path: str | Path) -> DocumentTab | None:
        """The open document of ``path``, if any."""
        target = Path(path).resolve()
        return next((t for t in self.documents() if t.path == target), None)

    # -- documents: tabs --------------------------------------------------------------------------------------------

    def new_tab(self, doc_id: str | None = None) -> DocumentTab:
        """Adds an empty, untitled document and makes it current."""
        tab = DocumentTab(self.engines, self.tabs, doc_id)
        colors = theme.editor_colors(self._scheme)
        tab.set_colors(colors)
        tab.set_editor_font(self.view.editor_font())
        tab.editor.set_focus_mode(self.main_menu["focus_mode"].isChecked(), colors.dimmed_text)
        tab.editor.setPlaceholderText("Write here. Ctrl+Shift+Return continues the text in Shakespeare's style.")
        tab.titleChanged.connect(lambda t=tab: self.update_tab_title(t))
        tab.formatChanged.connect(lambda t=tab: self._update_format(t))
        tab.editor.filesDropped.connect(self.files.open_files)
        document = tab.editor.document()
        document.contentsChanged.connect(self.autosaver.document_changed)
        document.contentsChanged.connect(lambda t=tab: self._on_contents_changed(t))
        tab.counts.completed.connect(lambda t=tab: self.word_counts.update_soon() if t is self.current_tab() else None)
        tab.editor.cursorPositionChanged.connect(lambda t=tab: self._on_cursor_moved(t))
        for signal in (tab.editor.undoAvailable, tab.editor.redoAvailable, tab.editor.copyAvailable):
            signal.connect(lambda _v, t=tab: self._sync_edit_actions(t))
        tab.marks.changed.connect(lambda t=tab: self._on_marks_changed(t))
        controller = tab.controller
        controller.engineLoaded.connect(self.show_continuation_model)
        self.continuation.attach(tab)
        index = self.tabs.addTab(tab, tab.title)
        self.tabs.setCurrentIndex(index)
        self.update_tab_title(tab)
        self.spelling.attach(tab)
        controller.load_engine()
        self._attach_completion(tab)
        self.state.tally.update(tab.tally_key, 0)
        self.documentOpened.emit(tab)
        return tab

    def target_tab(self, doc_id: str | None = None) -> DocumentTab:
        """The current tab when it is pristine (an empty untitled document), else a new one."""
        tab = self.current_tab()
        if tab is not None and tab.is_pristine and doc_id is None:
            return tab
        return self.new_tab(doc_id)

    @Slot()
    def new_document(self) -> bool:
        """Opens a new, empty document in a new tab."""
        self.new_tab()
        self.editor.setFocus()
        return True

    def close_tab(self, index: int) -> bool:
        """Closes the document at ``index`` after asking about unsaved changes; returns whether it closed."""
        tab = self.tabs.widget(index)
        if tab is None:
            return False
        if tab.modified:
            self.tabs.setCurrentWidget(tab)
            if not self.files.maybe_discard(tab):
                return False
        self.learned.learn_from([tab])
        tab.shutdown()
        self.translation_panel.forget(tab)
        self.autosaver.forget(tab.doc_id)
        self.files.unwatch(tab.path, tab)
        self.tabs.removeTab(self.tabs.indexOf(tab))
        tab.deleteLater()
        if self.tabs.count() == 0:
            self.new_tab()
        return True

    @Slot()
    def close_current_tab(self) -> bool:
        return self.close_tab(self.tabs.currentIndex())

    def cycle_tab(self, step: int) -> None:
        """Makes the next (``step`` 1) or previous (-1) tab current, round the end."""
        if self.tabs.count() > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def show_error(self, title: str, message: str) -> None:
        """Shows an error in a message box (and the status bar)."""
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
        QMessageBox.critical(self, title, message)

    # -- autosave -------------------------------------------------------------------------------------------------

    @Slot()
    def _after_autosave(self) -> None:
        for tab in self.documents():
            self.word_counts.tally(tab)
        self.learned.learn_from(self.documents())
        self.session.write_state()
        self.settings.save_if_changed()

    @Slot(str)
    def _on_autosave_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 4 * STATUS_TIMEOUT_MS)

    # -- closing ------------------------------------------------------------------------------------------------------

    @Slot()
    def quit_app(self) -> None:
        """Closes every Folio window (each asks about its unsaved changes); the app ends with the last one."""
        QApplication.closeAllWindows()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Asks about each document's unsaved changes, saves the session, stops the workers, and removes the
        recovery copies (everything was saved or deliberately discarded)."""
        if self._closed:
            event.accept()
            return
        for tab in self.documents():
            if tab.modified:
                self.tabs.setCurrentWidget(tab)
                if not self.files.maybe_discard(tab):
                    event.ignore()
                    return
        if self.isFullScreen():
            self.view.set_full_screen(False)
        self.learned.learn_from(self.documents())
        self.session.write_state()
        self.settings.save_if_changed()
        self.shutdown(clean=True)
        event.accept()

    def shutdown(self, clean: bool = True) -> None:
        """Stops every worker thread; ``clean`` also removes this session's recovery copies."""
        self._closed = True
        self.word_counts.shutdown()
        self.files.shutdown()
        for tab in self.documents():
            tab.shutdown()
        self.model_view.shutdown()
        self.translation_panel.shutdown()
        self.document_translation.shutdown()
        self.spelling.shutdown()
        self.autosaver.shutdown(clean)

    # -- status bar ----------------------------------------------------------------------------------------------------

    def _update_format(self, tab: DocumentTab) -> None:
        if tab is not self.current_tab():
            return
        self.status_bar.show_format(tab.file_format)
        self.main_menu["reopen_encoding"].setEnabled(tab.path is not None)

    def _update_position(self, tab: DocumentTab) -> None:
        self.status_bar.show_position(tab.editor.textCursor())

    # -- events from documents -----------------------------------------------------------------------------------------

    def _on_current_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab is None:
            return
        self._update_title()
        self._update_format(tab)
        self._update_position(tab)
        self._sync_edit_actions(tab)
        self.main_menu["stop"].setEnabled(tab.controller.running)
        self._on_marks_changed(tab)
        self.word_counts.update()
        self._request_model_view(tab)
        self.spelling.set_current(tab)

    def update_tab_title(self, tab: DocumentTab) -> None:
        """Shows ``tab``'s title, modified mark and file in its tab (and the window title when it is current)."""
        index = self.tabs.indexOf(tab)
        if index < 0:
            return
        self.tabs.setTabText(index, tab.title + (MODIFIED_MARK if tab.modified else ""))
        self.tabs.setTabToolTip(index, str(tab.path) if tab.path is not None else "Not saved yet")
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            button = self.tabs.tabBar().tabButton(index, side)
            if button is not None:
                button.setAccessibleName(f"Close {tab.title}")
                button.setToolTip(f"Close {tab.title}")
        if tab is self.current_tab():
            self._update_title()
            self._update_format(tab)

    def _update_title(self) -> None:
        """The document's name; the platform adds the application's display name ("notes.txt — Folio")."""
        tab = self.current_tab()
        self.setWindowTitle(f"{tab.title}[*]")
        self.setWindowFilePath(str(tab.path) if tab.path is not None else "")
        self.setWindowModified(tab.modified)

    def _on_contents_changed(self, tab: DocumentTab) -> None:
        if tab is self.current_tab() and not tab.loading:
            self.word_counts.update_soon()
            self._request_model_view(tab)

    def _on_cursor_moved(self, tab: DocumentTab) -> None:
        if tab is self.current_tab():
            self._update_position(tab)
            self._request_model_view(tab)

    def _sync_edit_actions(self, tab: DocumentTab) -> None:
        if tab is not self.current_tab():
            return
        document = tab.editor.document()
        selection = tab.editor.textCursor().hasSelection()
        self.main_menu["undo"].setEnabled(document.isUndoAvailable())
        self.main_menu["redo"].setEnabled(document.isRedoAvailable())
        self.main_menu["cut"].setEnabled(selection)
        self.main_menu["copy"].setEnabled(selection)

    def _on_marks_changed(self, tab: DocumentTab) -> None:
        if tab is not self.current_tab():
            return
        count = len(tab.marks.ranges())
        self.main_menu["accept_generated"].setEnabled(count > 0)
        self.status_bar.show_generated(count)

    # -- honest AI -----------------------------------------------------------------------------------------------------

    @Slot()
    def accept_generated(self) -> int:
        """Accepts the current document's generated passages: the marks go, the text stays."""
        count = self.current_tab().accept_generated()
        if count:
            self.statusBar().showMessage(f"Accepted {count} generated passage(s)", STATUS_TIMEOUT_MS)
        return count

    def insert_generated(self, text: str) -> tuple[int, int]:
        """Hook for features that insert model text (translation): inserts ``text`` at the cursor, marked."""
        return self.current_tab().insert_generated(text)

    # -- completion --------------------------------------------------------------------------------------------------

    def _attach_completion(self, tab: DocumentTab) -> None:
        """Wires ``tab``'s word completion to the window, passes the preferences on and loads its model."""
        completion = tab.completion
        completion.engineLoaded.connect(self.model_status.completion_loaded)
        self.settings.apply_to_completion(tab)
        completion.load_engine()

    # -- translation hooks ---------------------------------------------------------------------------------------------

    def add_side_panel(self, widget: QWidget, title: str, object_name: str = "") -> QDockWidget:
        """Adds ``widget`` as a dock in the right-hand dock area (beside the model view); returns the dock."""
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name or f"sidePanel{len(self.side_panels)}")
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.side_panels.append(dock)
        return dock

    def show_attention(self, src_tokens: Sequence[str], tgt_tokens: Sequence[str], matrix: Any) -> None:
        """Draws a translation's attention in the model view (rows: target tokens, columns: source tokens)."""
        self.model_view.show_attention(src_tokens, tgt_tokens, matrix)

    # -- model view ----------------------------------------------------------------------------------------------------

    @Slot(bool)
    def set_model_view_visible(self, visible: bool) -> None:
        """Shows or hides the model view dock."""
        if visible and not self.preferences.model_view_enabled:
            visible = False
            self.statusBar().showMessage("The model view is switched off in Preferences", STATUS_TIMEOUT_MS)
        if self.main_menu["model_view"].isChecked() != visible:
            self.main_menu["model_view"].setChecked(visible)
            return
        self.model_view.setVisible(visible)
        if visible:
            self._request_model_view(self.current_tab(), immediately=True)

    def _on_model_view_visibility(self, visible: bool) -> None:
        if not visible and self.main_menu["model_view"].isChecked() and not self.model_view.isVisible():
            if not self.isMinimized() and self.isVisible():
                self.main_menu["model_view"].setChecked(False)

    def _request_model_view(self, tab: DocumentTab, immediately: bool = False) -> None:
        if self.model_view.isVisible() and tab is self.current_tab():
            position = tab.editor.textCursor().position()
            self.model_view.request(text_before(tab.editor.document(), position), immediately)

    # -- continuation --------------------------------------------------------------------------------------------------

    @Slot(object)
    def show_continuation_model(self, info: EngineInfo | None = None) -> None:
        """A document's continuation model loaded (``info``; None: the preferences changed): what the status bar
        says of it, and whether Continue is enabled."""
        self.model_status.continuation_loaded(info)
        self.continuation.show_availability(self.model_status.continuation)

    # -- theme ---------------------------------------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        """``"system"``, ``"light"`` or ``"dark"``."""
        if name != self.preferences.theme:
            self.settings.apply(self.preferences.copy(theme=name))

    @property
    def scheme(self) -> str:
        """The scheme drawn now: ``"light"`` or ``"dark"``."""
        return self._scheme

    def apply_theme(self) -> None:
        """Draws the preferred theme ("system" follows the desktop's scheme) in the window and its documents."""
        self._scheme = theme.apply(self.preferences.theme)
        colors = theme.editor_colors(self._scheme)
        for tab in self.documents():
            tab.set_colors(colors)
        self.model_view.set_colors(colors)
        self.translation_panel.set_colors(colors)
        self.spelling.set_color(colors.spelling)
        action = self.main_menu.get(f"theme_{self.preferences.theme}")
        if action is not None:
            action.setChecked(True)

    def _on_system_scheme_changed(self, *_args) -> None:
        if self.preferences.theme == "system" and not self._closed:
            self.apply_theme()

    @Slot()
    def about_dialog(self) -> AboutDialog:
        """Shows the About dialog (models, model cards, data licences)."""
        models = getattr(self.engines, "models_path", None)
        if models is None:
            from desktop.runtime.paths import models_dir

            models = models_dir()
        dialog = AboutDialog(models, self.windowIcon(), self, unavailable=self.status_bar.feature_status.reasons())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
