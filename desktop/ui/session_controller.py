"""The writer's session across starts: what a start opens, the offer to restore what a crashed Folio left, and
the state file (open documents, cursor positions, window layout).

:class:`SessionController` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.session``).
The state itself is :class:`~desktop.core.appstate.AppState` (``window.state``); recovery copies are
:mod:`desktop.core.recovery`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.appstate import AppState, OpenDocument, save_state
from desktop.core.files import FileError, clean_stale_temp_files, read_text_file
from desktop.core.recovery import OrphanedSession, RecoveryEntry, find_orphans
from desktop.core.textformat import FileFormat
from desktop.ui.document import DocumentTab
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["SessionController", "ask_recovery", "RESTORE", "DISCARD", "LATER"]

RESTORE, DISCARD, LATER = "restore", "discard", "later"
MAX_TITLES_SHOWN = 12  # the recovery question names at most this many documents


def ask_recovery(parent: QWidget, titles: Sequence[str]) -> str:
    """Asks what to do with documents a crashed Folio left: ``RESTORE``, ``DISCARD`` or ``LATER``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work")
    names = "\n".join(f"  • {t}" for t in titles[:MAX_TITLES_SHOWN])
    names += "\n  …" if len(titles) > MAX_TITLES_SHOWN else ""
    box.setText(f"Folio did not close properly last time. It kept copies of {len(titles)} document(s) with "
                f"unsaved changes:\n\n{names}\n\nRestore them now?")
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Delete the Copies", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Ask Me &Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return RESTORE if clicked is restore else DISCARD if clicked is discard else LATER


class SessionController(WindowPart):
    """Start, recovery and the state file of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._state_error_shown = False

    def start(self, files: Sequence[str | Path] = ()) -> None:
        """What a start does after ``show()``: opens ``files`` (or restores the last session's documents when
        the preferences say so), then offers to restore what a crashed Folio left, then shows any warning about
        the preferences file."""
        window = self.window
        orphans = find_orphans(window.locations.recovery_dir)
        for own_file in (window.locations.state_file, window.locations.preferences_file):
            clean_stale_temp_files(own_file)
        if files:
            for name in files:
                if Path(name).exists():
                    window.files.open_file(name)
                else:
                    window.files.start_new_file(name)
        elif window.preferences.restore_session:
            self.restore_documents()
        if orphans:
            self.offer_recovery(orphans)
        if window.settings.warnings:
            QMessageBox.warning(window, "Preferences", "\n\n".join(window.settings.warnings))

    def restore_documents(self) -> int:
        """Reopens the documents of the last session at their cursor positions; returns how many."""
        window = self.window
        saved = list(window.state.documents)
        active = window.state.active
        opened: list[DocumentTab] = []
        for doc in saved:
            if not window.files.open_file(doc.path, quiet=True):
                continue
            tab = window.current_tab()
            tab.set_cursor(doc.cursor)
            QTimer.singleShot(0, lambda t=tab, s=doc.scroll: t.editor.verticalScrollBar().setValue(s))
            opened.append(tab)
        if opened:
            window.tabs.setCurrentWidget(opened[min(max(active, 0), len(opened) - 1)])
        return len(opened)

    def offer_recovery(self, orphans: Sequence[OrphanedSession]) -> str:
        """Asks whether to restore the documents of crashed sessions, and does what the writer chose."""
        entries = [e for orphan in orphans for e in orphan.entries]
        choice = ask_recovery(self.window, [e.path or e.title for e in entries])
        if choice == RESTORE:
            self.restore_recovered(entries)
        if choice in (RESTORE, DISCARD):
            for orphan in orphans:
                orphan.discard()
        return choice

    def restore_recovered(self, entries: Iterable[RecoveryEntry]) -> list[DocumentTab]:
        """Opens recovered copies: over the open document of the same file, else in new tabs. They are marked
        modified and copied into this session's recovery folder at once."""
        window = self.window
        restored: list[DocumentTab] = []
        for entry in entries:
            tab = window.tab_for_path(entry.path) if entry.path else None
            if tab is None:
                tab = window.target_tab(entry.doc_id)
            tab.set_content(entry.text, Path(entry.path) if entry.path else None, entry.newline, modified=True,
                            file_format=_disk_format(entry.path))
            tab.set_cursor(entry.cursor)
            window.files.opened(tab)
            restored.append(tab)
        if restored:
            window.tabs.setCurrentWidget(restored[-1])
            window.autosaver.save_now()
            window.status_bar.showMessage(f"Restored {len(restored)} document(s) with unsaved changes",
                                          2 * STATUS_TIMEOUT_MS)
        return restored

    def state_to_save(self) -> AppState:
        """The state to save: open files with cursor positions, recent files, layout, today's tally."""
        window = self.window
        state = window.state
        with_files = [t for t in window.documents() if t.path is not None]
        state.documents = [
            OpenDocument(str(t.path), t.cursor_position(), t.editor.verticalScrollBar().value()) for t in with_files
        ]
        current = window.current_tab()
        state.active = with_files.index(current) if current in with_files else 0
        state.geometry = bytes(window.saveGeometry().toBase64()).decode("ascii")
        state.window_state = bytes(window.saveState().toBase64()).decode("ascii")
        state.model_view_visible = window.main_menu["model_view"].isChecked()
        state.focus_mode = window.main_menu["focus_mode"].isChecked()
        return state

    def write_state(self) -> bool:
        """Saves the session state file; a failure is reported once in the status bar."""
        try:
            save_state(self.window.locations.state_file, self.state_to_save())
        except FileError as exc:
            if not self._state_error_shown:
                self._state_error_shown = True
                self.say(f"Folio could not save its session: {exc}",
                                                   4 * STATUS_TIMEOUT_MS)
            return False
        return True

    def restore_window_state(self) -> None:
        """Puts the window, its docks, the model view and focus mode as the last session left them."""
        window, state = self.window, self.window.state
        if state.geometry:
            window.restoreGeometry(QByteArray.fromBase64(state.geometry.encode("ascii")))
        if state.window_state:
            window.restoreState(QByteArray.fromBase64(state.window_state.encode("ascii")))
        window.model_view.hide()
        if state.model_view_visible and window.preferences.model_view_enabled:
            window.main_menu["model_view"].setChecked(True)
        if state.focus_mode:
            window.main_menu["focus_mode"].setChecked(True)


def _disk_format(path: str | None) -> FileFormat | None:
    """The encoding and byte order mark of the file a recovered copy belongs to (None: UTF-8), so that
    saving it does not change them; its line endings as one kind (the copy's lines may differ)."""
    if not path:
        return None
    try:
        found = read_text_file(path).format
    except FileError:
        return None
    return found.with_newline(found.newline)
