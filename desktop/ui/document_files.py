"""The window's documents and their files: open, save, save as, reload, reopen with another encoding, the recent
files, files dropped on the window, and files that other programs change on disk.

:class:`DocumentFiles` does this for a :class:`~desktop.ui.main_window.MainWindow` (``window.files``): it asks
the writer (file dialogs, questions), reads and writes through the document tabs (:mod:`desktop.core.files`
underneath), and tells the window what changed. The window keeps the tabs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QFileSystemWatcher, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from desktop.core.appstate import add_recent
from desktop.core.files import FileError, UnencodableError, clean_stale_temp_files, read_text_file, with_default_suffix
from desktop.core.textformat import ENCODING_CHOICES, encoding_label
from desktop.ui.document import UNTITLED, DocumentTab, fingerprint
from desktop.ui.editor import local_files
from desktop.ui.startup import APP_NAME
from desktop.ui.statusbar import STATUS_TIMEOUT_MS
from desktop.ui.window_part import WindowPart

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

__all__ = ["DocumentFiles", "FILE_FILTER", "SAVE_FILTER", "LARGE_FILE_BYTES"]

FILE_FILTER = "Text and Markdown (*.txt *.md *.markdown);;Text (*.txt);;Markdown (*.md *.markdown);;All files (*)"
SAVE_FILTER = "Text (*.txt);;Markdown (*.md)"
WATCH_DELAY_MS = 200  # changes on disk are looked at this long after the last one (a save may touch a file twice)
LARGE_FILE_BYTES = 2_000_000  # a file this big opens in chunks behind a progress bar
READ_SHARE = 30  # percent of the progress bar for reading the file (the rest: putting it in the editor)


class DocumentFiles(WindowPart):
    """File operations of ``window``'s documents. ``loadProgress(name, percent)``: a large file is opening."""

    loadProgress = Signal(str, int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_file_changed)
        self._changed_paths: set[str] = set()
        self._watch_timer = QTimer(self)
        self._watch_timer.setSingleShot(True)
        self._watch_timer.setInterval(WATCH_DELAY_MS)
        self._watch_timer.timeout.connect(self._check_changed_files)
        self._closed = False
        window.installEventFilter(self)  # files dropped on the window (outside the editor) open


    # -- opening ----------------------------------------------------------------------------------------------

    @Slot()
    def open_dialog(self) -> bool:
        """Asks for files and opens each in its own tab."""
        path = self.window.current_tab().path
        start = str(path.parent) if path is not None else ""
        names, _ = QFileDialog.getOpenFileNames(self.window, "Open", start, FILE_FILTER)
        return bool(names) and all([self.open_file(name) for name in names])

    @Slot(list)
    def open_files(self, names: Iterable[str]) -> int:
        """Opens several files (a drop, the command line); returns how many opened."""
        return sum(1 for name in list(names) if self.open_file(name))

    def open_file(self, path: str | Path, quiet: bool = False) -> bool:
        """Opens ``path`` in a tab (the open tab when it is already open). A file Folio cannot read is refused
        with a message (in the status bar when ``quiet``) and nothing changes."""
        path = Path(path)
        existing = self.window.tab_for_path(path)
        if existing is not None:
            self.window.tabs.setCurrentWidget(existing)
            return True
        progress = self._load_progress(path) if _is_large(path) else None
        try:
            try:
                loaded = read_text_file(path, progress=progress and (lambda done, total: progress(
                    READ_SHARE * done // max(total, 1))))
            except FileError as exc:
                if quiet:
                    self.say(str(exc), 2 * STATUS_TIMEOUT_MS)
                else:
                    self.window.show_error("Cannot open file", str(exc))
                return False
            tab = self.window.target_tab()
            tab.set_content(loaded.text, path, file_format=loaded.format, progress=progress and (
                lambda done, total: progress(READ_SHARE + (100 - READ_SHARE) * done // max(total, 1))))
        finally:
            self.window.status_bar.hide_load_progress()
        self.opened(tab)
        note = " (mixed line endings, kept as found)" if loaded.format.mixed else ""
        self.say(f"Opened {path.name}{note}", 2 * STATUS_TIMEOUT_MS if note else STATUS_TIMEOUT_MS)
        return True

    def _load_progress(self, path: Path) -> Callable[[int], None]:
        """A callback that shows ``percent`` of ``path`` opened and lets the window paint (but takes no input)."""
        def report(percent: int) -> None:
            self.window.status_bar.show_load_progress(path.name, percent)
            self.loadProgress.emit(path.name, percent)
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

        return report

    def opened(self, tab: DocumentTab) -> None:
        """What follows putting a file into ``tab``: today's tally, the recent files, watching the file."""
        self.window.word_counts.tally(tab)
        if tab.path is not None:
            clean_stale_temp_files(tab.path)  # what a save interrupted by a kill left beside the file
            self._add_recent(tab.path)
            self.watch(tab.path)
        self.window.update_tab_title(tab)
        self.window.word_counts.update_soon()

    def start_new_file(self, path: str | Path) -> None:
        """Starts an empty document that Save writes to ``path`` (a name on the command line that does not exist
        yet)."""
        tab = self.window.target_tab()
        tab.set_content("", Path(path))
        self.window.update_tab_title(tab)
        self.say(f"{Path(path).name} is a new file")

    # -- reading again -------------------------------------------------------------------------------------------

    @Slot()
    def reopen_with_encoding_dialog(self) -> bool:
        """Asks which encoding to read the current document's file as, and reopens it so."""
        tab = self.window.current_tab()
        labels = [label for label, _ in ENCODING_CHOICES]
        current = encoding_label(tab.file_format.encoding)
        index = next((i for i, label in enumerate(labels) if label.split(" (")[0] == current), 0)
        label, ok = QInputDialog.getItem(self.window, "Reopen with Encoding", f"Read {tab.title} as:", labels,
                                         index, False)
        return bool(ok) and self.reopen_with_encoding(dict(ENCODING_CHOICES)[label])

    def reopen_with_encoding(self, encoding: str, tab: DocumentTab | None = None) -> bool:
        """Reads a document's file (the current one) again as ``encoding`` text (asking first when it has unsaved
        changes); saving then writes that encoding. Returns whether it was reopened."""
        tab = tab or self.window.current_tab()
        if tab.path is None:
            self.say("Save the document first: only a file can be reopened")
            return False
        question = f"Discard your changes to {tab.title} and reopen it as {encoding_label(encoding)}?"
        return self._may_discard_for(tab, question) and self._read_again(tab, encoding)

    @Slot()
    def reload_current(self) -> bool:
        """Reads the current document's file again (asking first when it has unsaved changes)."""
        tab = self.window.current_tab()
        if tab.path is None:
            return False
        return self._may_discard_for(tab, f"Discard your changes to {tab.title} and reload it?") and \
            self._read_again(tab)

    def _may_discard_for(self, tab: DocumentTab, question: str) -> bool:
        """True when ``tab`` has no unsaved changes, or the writer answers Yes to ``question``."""
        if not tab.modified:
            return True
        return QMessageBox.question(self.window, APP_NAME, question) == QMessageBox.StandardButton.Yes

    def _read_again(self, tab: DocumentTab, encoding: str | None = None) -> bool:
        """Reads ``tab``'s file again (as ``encoding``, else as it was read); says so, or why not."""
        try:
            tab.reload(encoding)
        except FileError as exc:
            self.window.show_error("Cannot reload file" if encoding is None else "Cannot reopen file", str(exc))
            return False
        self.window.autosaver.forget(tab.doc_id)
        self.watch(tab.path)
        self.say(f"Reloaded {tab.title}" if encoding is None else
                  f"Reopened {tab.title} as {encoding_label(encoding)}")
        return True

    # -- saving ----------------------------------------------------------------------------------------------------

    @Slot()
    def save(self, tab: DocumentTab | None = None) -> bool:
        """Saves a document (the current one) to its file, asking for a name when it has none."""
        tab = tab or self.window.current_tab()
        if tab.path is None:
            return self.save_as(tab)
        return self.save_to(tab.path, tab)

    @Slot()
    def save_as(self, tab: DocumentTab | None = None) -> bool:
        """Asks for a file name and saves there; returns whether it was saved."""
        tab = tab or self.window.current_tab()
        start = str(tab.path) if tab.path is not None else UNTITLED + ".txt"
        name, _ = QFileDialog.getSaveFileName(self.window, "Save As", start, SAVE_FILTER)
        if not name:
            self.say(f"{tab.title} was not saved: no file name was chosen")
            return False
        return self.save_to(with_default_suffix(name), tab)

    @Slot()
    def save_all(self) -> bool:
        """Saves every document with unsaved changes; returns whether all were saved."""
        modified = [tab for tab in self.window.documents() if tab.modified]
        if not modified:
            self.say("Nothing to save: every document is saved")
            return True
        return all([self.save(tab) for tab in modified])

    def save_to(self, path: str | Path, tab: DocumentTab | None = None) -> bool:
        """Saves a document (the current one) to ``path`` atomically. On failure it says why, and the old file
        and the document stay as they were."""
        tab = tab or self.window.current_tab()
        path = Path(path)
        old_path, old_key = tab.path, tab.tally_key
        try:
            tab.save_to(path)
        except UnencodableError as exc:
            answer = QMessageBox.question(self.window, "Cannot save file", f"{exc}\n\nSave it as UTF-8 instead?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            tab.set_file_format(tab.file_format.with_encoding("utf-8", b""))
            return self.save_to(path, tab)
        except FileError as exc:
            self.window.show_error("Cannot save file", str(exc))
            return False
        self._saved(tab, old_path, old_key)
        if tab.controller.running:  # it goes on writing into the document, which is then modified again
            self.say(f"Saved {path.name} as it was; the continuation is still writing, and what it adds is not "
                      "saved yet (the title shows * again)", 2 * STATUS_TIMEOUT_MS)
        else:
            self.say(f"Saved {path.name}")
        return True

    def _saved(self, tab: DocumentTab, old_path: Path | None, old_key: str) -> None:
        """After ``tab`` was saved (perhaps under a new name): tally, watcher, recent files, recovery copy."""
        self.window.state.tally.rename(old_key, tab.tally_key)  # the words written today move with the document
        if old_path != tab.path:
            self.unwatch(old_path, tab)
        self.watch(tab.path)
        self._add_recent(tab.path)
        self.window.autosaver.forget(tab.doc_id)
        self.window.learned.learn_from([tab])

    def maybe_discard(self, tab: DocumentTab | None = None) -> bool:
        """True when a document (the current one) may be closed: unmodified, saved now, or changes discarded."""
        tab = tab or self.window.current_tab()
        if not tab.modified:
            return True
        answer = QMessageBox.warning(
            self.window,
            APP_NAME,
            f"{tab.title} has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save(tab)
        return answer == QMessageBox.StandardButton.Discard

    # -- recent files -----------------------------------------------------------------------------------------------

    def _add_recent(self, path: Path | None) -> None:
        if path is not None:
            self.window.state.recent = add_recent(self.window.state.recent, path)
            self.window.main_menu.set_recent_files(self.window.state.recent)

    def open_recent(self, name: str) -> bool:
        """Opens a recent file; one that is gone is removed from the list."""
        if not Path(name).exists():
            self.window.state.recent = [p for p in self.window.state.recent if p != name]
            self.window.main_menu.set_recent_files(self.window.state.recent)
            self.window.show_error("Cannot open file", f"{Path(name).name} is no longer in {Path(name).parent}.")
            return False
        return self.open_file(name)

    @Slot()
    def clear_recent(self) -> None:
        self.window.state.recent = []
        self.window.main_menu.set_recent_files(self.window.state.recent)

    # -- drag and drop --------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Local files dragged over the window are accepted, and open when dropped."""
        if watched is self.window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            files = local_files(event.mimeData())
            if files:
                event.acceptProposedAction()
                if event.type() == QEvent.Type.Drop:
                    self.open_files(files)
                return True
        return super().eventFilter(watched, event)

    # -- files changed on disk ------------------------------------------------------------------------------------

    def watch(self, path: Path | None) -> None:
        """Watches ``path`` for changes by other programs."""
        if path is not None and path.exists() and str(path) not in self.watcher.files():
            self.watcher.addPath(str(path))

    def unwatch(self, path: Path | None, leaving: DocumentTab) -> None:
        """Stops watching ``path`` unless a document other than ``leaving`` holds it."""
        if path is None or any(t.path == path for t in self.window.documents() if t is not leaving):
            return
        if str(path) in self.watcher.files():
            self.watcher.removePath(str(path))

    @Slot(str)
    def _on_file_changed(self, path: str) -> None:
        self._changed_paths.add(path)
        self._watch_timer.start()

    def _check_changed_files(self) -> None:
        if self._closed:
            return
        paths, self._changed_paths = self._changed_paths, set()
        for name in sorted(paths):
            for tab in [t for t in self.window.documents() if t.path is not None and str(t.path) == name]:
                self.check_disk_changes(tab)

    def check_disk_changes(self, tab: DocumentTab) -> str:
        """Compares a document's file with what Folio last read or wrote and reacts; returns what happened:
        ``"same"``, ``"deleted"``, ``"reloaded"`` or ``"kept"`` (the writer kept Folio's text)."""
        current = fingerprint(tab.path)
        if current == tab.disk_fingerprint:
            self.watch(tab.path)  # an atomic save replaces the file: watch the new one
            return "same"
        if current is None:
            tab.disk_fingerprint = None
            tab.set_modified(True)
            self.say(f"{tab.title} was deleted or moved by another program. Save to write it again.",
                      4 * STATUS_TIMEOUT_MS)
            return "deleted"
        self.watch(tab.path)
        note = " Your unsaved changes in Folio would be lost." if tab.modified else ""
        answer = QMessageBox.question(
            self.window, "File changed on disk", f"{tab.title} was changed by another program. Reload it?{note}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes and self._read_again(tab):
            return "reloaded"
        tab.disk_fingerprint = current  # do not ask again about this version
        tab.set_modified(True)  # Folio's text differs from the file now
        return "kept"

    def shutdown(self) -> None:
        """Stops watching files (the window is closing)."""
        self._closed = True
        self._watch_timer.stop()
        self._changed_paths.clear()
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())


def _is_large(path: Path) -> bool:
    try:
        return path.stat().st_size >= LARGE_FILE_BYTES
    except OSError:
        return False
