"""The action table builds actions and menus: separators between sections, submenus by path, hooks, groups."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.ui.actions import ActionSpec, MainMenu, MenuHook, keys_for, resolve


class Target(QMainWindow):
    """A window with the slots a small table names."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple] = []
        self.tools = type("Tools", (), {"run": lambda _self, *args: self.calls.append(("tools.run", *args))})()

    def hello(self, *args):
        self.calls.append(("hello", *args))

    def toggle(self, on):
        self.calls.append(("toggle", on))

    def extend(self, menu: QMenu):
        menu.addAction("From the hook")


TABLE = (
    ActionSpec("one", "&One", "hello", "file", 0, keys=("Ctrl+1",), tip="the first"),
    ActionSpec("two", "&Two", "tools.run", "file", 1, keys=("Ctrl+2",), args=(7,)),
    MenuHook("extend", "file", 1),
    ActionSpec("flip", "&Flip", "toggle", "view", 0, keys=("Ctrl+3",), checkable=True),
    ActionSpec("red", "&Red", "hello", "view/theme", 1, keys=("Ctrl+4",), args=("red",), group="colour"),
    ActionSpec("blue", "&Blue", "hello", "view/theme", 1, keys=("Ctrl+5",), args=("blue",), group="colour"),
    ActionSpec("undo", "&Undo", "hello", "view", 1, "Undo", ("Ctrl+Z",), editor_only=True, enabled=False),
)


def _texts(menu: QMenu) -> list:
    return ["-" if a.isSeparator() else (a.text(), _texts(a.menu())) if a.menu() else a.text() for a in menu.actions()]


def test_the_table_builds_menus_in_order_with_sections_submenus_and_hooks(qtbot):
    window = Target()
    qtbot.addWidget(window)
    menu = MainMenu(window, TABLE)
    bars = {a.text(): _texts(a.menu()) for a in window.menuBar().actions()}
    assert bars == {"&File": ["&One", "-", "&Two", "From the hook"],
                    "&View": ["&Flip", "-", ("&Theme", ["&Red", "&Blue"]), "&Undo"]}
    assert menu["one"].objectName() == "oneAction" and menu["one"].toolTip() == "the first"
    assert set(window.actions()) == set(menu.actions())  # keys work with the menus closed
    assert menu["undo"].shortcuts() == keys_for(TABLE[-1]) and not menu["undo"].isEnabled()
    assert menu["undo"].shortcutContext() == Qt.ShortcutContext.WidgetShortcut
    assert menu["one"].shortcut() == QKeySequence("Ctrl+1")


def test_actions_run_their_slots_looked_up_when_they_fire(qtbot):
    window = Target()
    qtbot.addWidget(window)
    menu = MainMenu(window, TABLE)
    menu["one"].trigger()
    menu["two"].trigger()
    menu["flip"].trigger()
    menu["flip"].trigger()
    menu["blue"].trigger()
    assert window.calls == [("hello",), ("tools.run", 7), ("toggle", True), ("toggle", False), ("hello", "blue")]
    assert menu["blue"].isChecked() and not menu["red"].isChecked()  # one of the group at a time
    window.hello = lambda *args: window.calls.append(("replaced", *args))
    menu["red"].trigger()
    assert window.calls[-1] == ("replaced", "red")
    assert resolve(window, "tools.run") is not None


def test_recent_files_fill_their_submenu(qtbot, tmp_path):
    window = Target()
    qtbot.addWidget(window)
    table = (ActionSpec("clear_recent", "&Clear", "hello", "file/recent", 0, keys=("Ctrl+0",)),)
    menu = MainMenu(window, table)
    names = [str(tmp_path / f"{i}.txt") for i in range(11)]
    menu.set_recent_files(names)
    assert [a.text() for a in menu.recent_actions[:2]] == ["&1 0.txt", "&2 1.txt"]
    assert menu.recent_actions[8].shortcut() == QKeySequence("Ctrl+Alt+9")
    assert menu.recent_actions[9].shortcut().isEmpty()  # the tenth has no key
    assert menu["clear_recent"].isEnabled()
    menu.set_recent_files([])
    assert menu.recent_actions == [] and not menu["clear_recent"].isEnabled()
    assert _texts(menu.recent_menu) == ["-", "&Clear"]
