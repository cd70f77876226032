"""The window's actions in one table, and the menu bar built from it.

Each row of :data:`ACTIONS` is one action: its name, text, keys, the window's method it runs (a dotted path from
the window, looked up when the action fires), its menu and section, and how it behaves (checkable, editor-only,
on the continuation toolbar). :class:`MainMenu` makes the ``QAction`` of each row, adds it to the window (so its
keys work while the menu is closed), and lays out the menus in table order, a separator between sections.
``window.main_menu["save"]`` is the Save action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

__all__ = ["ActionSpec", "MenuHook", "ACTIONS", "MENU_TITLES", "MainMenu", "keys_for", "resolve"]

# Menus by path ("view/theme" is the Theme submenu of View), in the order the menu bar shows them.
MENU_TITLES = {
    "file": "&File",
    "file/recent": "Open &Recent",
    "edit": "&Edit",
    "view": "&View",
    "view/theme": "&Theme",
    "assist": "&Assist",
    "help": "&Help",
}
RECENT_MENU = "file/recent"
RECENT_SLOT = "files.open_recent"  # what a recent file's action runs, with the file's name
RECENT_WITH_KEYS = 9  # the first nine recent files have Ctrl+Alt+1..9


@dataclass(frozen=True)
class ActionSpec:
    """One action of the window (a row of :data:`ACTIONS`)."""

    name: str  # the key in MainMenu; the action's object name is name + "Action"
    text: str
    slot: str  # dotted path from the window to what the action runs: "save", "files.save", "editor.undo"
    menu: str  # a MENU_TITLES path
    section: int = 0  # a separator stands between sections of a menu
    standard: str = ""  # a QKeySequence.StandardKey name: the platform's keys for it ...
    keys: tuple[str, ...] = ()  # ... else these keys
    extra_keys: tuple[str, ...] = ()  # more keys beside the standard ones
    tip: str = ""  # tooltip and status tip
    checkable: bool = False  # a toggle: the slot gets the new state
    args: tuple = ()  # passed to the slot (for actions that are not toggles)
    group: str = ""  # an exclusive group of checkable actions, each run with its args when chosen
    editor_only: bool = False  # the keys work only while the action's widget (the editor handles them) has focus
    role: str = ""  # a QAction.MenuRole name, for the macOS application menu
    enabled: bool = True
    icon_text: str = ""  # a shorter text for the toolbar
    button: str = ""  # on the continuation toolbar, with this accessible name for its button


@dataclass(frozen=True)
class MenuHook:
    """A place in a menu that another part fills: ``slot(menu)`` adds its entries there."""

    slot: str
    menu: str
    section: int = 0


A, H = ActionSpec, MenuHook
ACTIONS: tuple[ActionSpec | MenuHook, ...] = (
    # File
    A("new", "&New", "new_document", "file", 0, "New", ("Ctrl+N",), tip="Start a new document in a new tab"),
    A("open", "&Open…", "files.open_dialog", "file", 0, "Open", ("Ctrl+O",),
      tip="Open UTF-8 text or Markdown files"),
    A("clear_recent", "&Clear Recent Files", "files.clear_recent", RECENT_MENU, 0, keys=("Ctrl+Alt+0",)),
    A("save", "&Save", "files.save", "file", 1, "Save", ("Ctrl+S",), tip="Save the document"),
    A("save_as", "Save &As…", "files.save_as", "file", 1, "SaveAs", ("Ctrl+Shift+S",),
      tip="Save the document under a new name"),
    A("save_all", "Sa&ve All", "files.save_all", "file", 1, keys=("Ctrl+Alt+S",), tip="Save every document"),
    A("reload", "&Reload from Disk", "files.reload_current", "file", 1, "Refresh", ("F5",),
      tip="Read the file again, discarding unsaved changes"),
    A("reopen_encoding", "Reopen with &Encoding…", "files.reopen_with_encoding_dialog", "file", 1,
      keys=("Ctrl+Alt+E",), tip="Read the file again as another encoding"),
    A("close_tab", "&Close Tab", "close_current_tab", "file", 2, "Close", ("Ctrl+W",), tip="Close the document"),
    A("quit", "&Quit", "quit_app", "file", 2, "Quit", ("Ctrl+Q",), tip="Quit Folio", role="QuitRole"),
    # Edit: the editor handles these keys itself while it has focus; the menu entries are for the mouse.
    A("undo", "&Undo", "editor.undo", "edit", 0, "Undo", ("Ctrl+Z",), editor_only=True),
    A("redo", "&Redo", "editor.redo", "edit", 0, "Redo", ("Ctrl+Shift+Z",), editor_only=True),
    A("cut", "Cu&t", "editor.cut", "edit", 1, "Cut", ("Ctrl+X",), editor_only=True),
    A("copy", "&Copy", "editor.copy", "edit", 1, "Copy", ("Ctrl+C",), editor_only=True),
    A("paste", "&Paste", "editor.paste", "edit", 1, "Paste", ("Ctrl+V",), editor_only=True),
    A("select_all", "Select &All", "editor.selectAll", "edit", 1, "SelectAll", ("Ctrl+A",), editor_only=True),
    A("find", "&Find…", "find_bar.show_find", "edit", 2, "Find", ("Ctrl+F",), args=(False,)),
    A("replace", "R&eplace…", "find_bar.show_find", "edit", 2, "Replace", ("Ctrl+H",), args=(True,)),
    A("find_next", "Find &Next", "find_bar.find_again", "edit", 2, "FindNext", ("F3",), args=(False,)),
    A("find_previous", "Find Pre&vious", "find_bar.find_again", "edit", 2, "FindPrevious", ("Shift+F3",),
      args=(True,)),
    A("goto_line", "&Go to Line…", "view.go_to_line_dialog", "edit", 2, keys=("Ctrl+L",)),
    H("spelling.add_to_menu", "edit", 3),
    A("preferences", "Pr&eferences…", "settings.dialog", "edit", 4, "Preferences", ("Ctrl+,",),
      role="PreferencesRole"),
    # View
    A("zoom_in", "Zoom &In", "view.zoom_in", "view", 0, "ZoomIn", ("Ctrl++",), extra_keys=("Ctrl+=",)),
    A("zoom_out", "Zoom &Out", "view.zoom_out", "view", 0, "ZoomOut", ("Ctrl+-",)),
    A("zoom_reset", "&Reset Zoom", "view.zoom_reset", "view", 0, keys=("Ctrl+0",)),
    A("focus_mode", "&Focus Mode", "view.set_focus_mode", "view", 1, keys=("F8",),
      tip="Dim everything but the paragraph you are writing", checkable=True),
    A("full_screen", "F&ull Screen", "view.set_full_screen", "view", 1, "FullScreen", ("F11",), checkable=True),
    A("model_view", "&Model View", "set_model_view_visible", "view", 1, keys=("Ctrl+Shift+M",),
      tip="Show what the models expect next as you type", checkable=True),
    A("next_tab", "Ne&xt Tab", "cycle_tab", "view", 2, "NextChild", ("Ctrl+Tab",), args=(1,)),
    A("previous_tab", "Pre&vious Tab", "cycle_tab", "view", 2, "PreviousChild", ("Ctrl+Shift+Tab",), args=(-1,)),
    A("theme_system", "Follow &System", "set_theme", "view/theme", 3, keys=("Ctrl+F9",), args=("system",),
      group="theme"),
    A("theme_light", "&Light", "set_theme", "view/theme", 3, keys=("Ctrl+F10",), args=("light",), group="theme"),
    A("theme_dark", "&Dark", "set_theme", "view/theme", 3, keys=("Ctrl+F11",), args=("dark",), group="theme"),
    A("font", "&Font…", "view.font_dialog", "view", 3, keys=("Ctrl+Alt+F",), tip="Choose the editor's font"),
    # Assist
    A("continue", "&Continue in Shakespeare's Style", "continuation.start", "assist", 0,
      keys=("Ctrl+Shift+Return", "Ctrl+Shift+Enter"), icon_text="Continue",
      button="Continue in Shakespeare's style"),
    A("stop", "&Stop", "continuation.stop", "assist", 0, keys=("Esc",), tip="Stop the running continuation (Esc)",
      enabled=False, icon_text="Stop", button="Stop continuation"),
    A("accept_generated", "&Accept Generated Text", "accept_generated", "assist", 0, keys=("Ctrl+Shift+A",),
      tip="Make the marked, model-written text your own (removes the marks)"),
    A("translate", "&Translate to French", "translation.translate_selection", "assist", 1, keys=("Ctrl+Shift+T",),
      tip="Translate the selection, or the sentence at the cursor, into French"),
    A("translate_document", "Translate &Document to French", "translation.translate_document", "assist", 1,
      keys=("Ctrl+Alt+T",),
      tip="Translate the selection, or the whole document, into French in a new tab (keeps paragraphs and Markdown)"),
    A("completion_toggle", "Word &Completion", "settings.set_completion_enabled", "assist", 2, keys=("Ctrl+Alt+C",),
      tip="Suggest the next word while typing", checkable=True),
    A("continuation_toggle", "Shakespeare Co&ntinuation", "continuation.set_enabled", "assist", 2,
      keys=("Ctrl+Alt+K",), tip="Offer to continue the text", checkable=True),
    A("forget_learned", "&Forget What Folio Has Learned…", "learned.forget", "assist", 2, keys=("Ctrl+Alt+Shift+L",),
      tip="Forget the words, names and numbers Folio learned from your documents"),
    # Help
    A("about", "&About Folio and Its Models", "about_dialog", "help", 0, "HelpContents", ("F1",), role="AboutRole"),
)
del A, H


def resolve(root: object, path: str) -> Callable:
    """The attribute at the dotted ``path`` from ``root`` (``resolve(window, "files.save")``)."""
    target = root
    for part in path.split("."):
        target = getattr(target, part)
    return target


def keys_for(spec: ActionSpec) -> list[QKeySequence]:
    """The platform's keys for the row's standard key (else its own keys), then its extra keys."""
    standard = getattr(QKeySequence.StandardKey, spec.standard) if spec.standard else None
    keys = QKeySequence.keyBindings(standard) if standard is not None else []
    keys = keys if keys else [QKeySequence(k) for k in spec.keys]
    return [*keys, *(QKeySequence(k) for k in spec.extra_keys)]


class MainMenu(QObject):
    """The actions of :data:`ACTIONS` on ``window`` and the menu bar that shows them; ``menu["save"]`` is an
    action, :meth:`submenu` a menu by path, :meth:`set_recent_files` fills Open Recent."""

    def __init__(self, window: QMainWindow, table: Sequence[ActionSpec | MenuHook] = ACTIONS) -> None:
        super().__init__(window)
        self.window = window
        self.specs = [row for row in table if isinstance(row, ActionSpec)]
        self._actions: dict[str, QAction] = {}
        self._groups: dict[str, QActionGroup] = {}
        self._menus: dict[str, QMenu] = {}
        self._sections: dict[str, int] = {}
        self.recent_actions: list[QAction] = []
        for spec in self.specs:
            self._actions[spec.name] = self._make(spec)
        self._lay_out(table)

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def __contains__(self, name: str) -> bool:
        return name in self._actions

    def get(self, name: str) -> QAction | None:
        """The action called ``name``, or None."""
        return self._actions.get(name)

    def actions(self) -> list[QAction]:
        """Every action of the table, in table order."""
        return list(self._actions.values())

    def toolbar_actions(self) -> list[tuple[str, QAction, str]]:
        """The actions of the continuation toolbar: ``(name, action, accessible name of its button)``."""
        return [(s.name, self._actions[s.name], s.button) for s in self.specs if s.button]

    def submenu(self, path: str) -> QMenu:
        """The menu at ``path`` (a :data:`MENU_TITLES` key)."""
        return self._menus[path]

    @property
    def recent_menu(self) -> QMenu:
        return self._menus[RECENT_MENU]

    def _make(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self.window)
        action.setObjectName(f"{spec.name}Action")
        keys = keys_for(spec)
        if keys:
            action.setShortcuts(keys)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable or bool(spec.group))
        if spec.checkable and not spec.group:
            action.toggled.connect(lambda on, s=spec.slot: resolve(self.window, s)(on))
        else:
            action.triggered.connect(lambda _checked=False, s=spec: resolve(self.window, s.slot)(*s.args))
        if spec.group:
            self._groups.setdefault(spec.group, QActionGroup(self.window)).addAction(action)
        if spec.editor_only:
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        if spec.role:
            action.setMenuRole(getattr(QAction.MenuRole, spec.role))
        if spec.icon_text:
            action.setIconText(spec.icon_text)
        action.setEnabled(spec.enabled)
        self.window.addAction(action)
        return action

    def _lay_out(self, table: Iterable[ActionSpec | MenuHook]) -> None:
        """Adds each row to its menu in table order, with a separator where the section changes."""
        for row in table:
            menu = self._menu(row.menu, row.section)
            self._separate(row.menu, menu, row.section)
            if isinstance(row, MenuHook):
                resolve(self.window, row.slot)(menu)
            else:
                menu.addAction(self._actions[row.name])

    def _menu(self, path: str, section: int) -> QMenu:
        """The menu at ``path``, made on first use (a submenu where its first entry is, in that section)."""
        if path not in self._menus:
            parent, _, _ = path.rpartition("/")
            if parent:
                holder = self._menu(parent, section)
                self._separate(parent, holder, section)
                self._menus[path] = holder.addMenu(MENU_TITLES[path])
            else:
                self._menus[path] = self.window.menuBar().addMenu(MENU_TITLES[path])
        return self._menus[path]

    def _separate(self, path: str, menu: QMenu, section: int) -> None:
        if path in self._sections and self._sections[path] != section:
            menu.addSeparator()
        self._sections[path] = section

    def set_recent_files(self, names: Sequence[str]) -> None:
        """Fills Open Recent with ``names`` (the first nine with Ctrl+Alt+1..9), then Clear Recent Files."""
        for action in self.recent_actions:
            self.window.removeAction(action)
            action.deleteLater()
        menu = self.recent_menu
        menu.clear()
        self.recent_actions = []
        for i, name in enumerate(names):
            label = f"&{i + 1} {Path(name).name}" if i < RECENT_WITH_KEYS else Path(name).name
            action = QAction(label, self.window)
            action.setToolTip(name)
            action.setStatusTip(name)
            if i < RECENT_WITH_KEYS:
                action.setShortcut(QKeySequence(f"Ctrl+Alt+{i + 1}"))
            action.triggered.connect(lambda _c=False, n=name: resolve(self.window, RECENT_SLOT)(n))
            self.window.addAction(action)
            menu.addAction(action)
            self.recent_actions.append(action)
        menu.addSeparator()
        clear = self._actions["clear_recent"]
        menu.addAction(clear)
        clear.setEnabled(bool(names))
        menu.setEnabled(True)
