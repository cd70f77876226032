"""Look, preferences, switches, keyboard and accessibility."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QDialog, QLineEdit, QMenu, QWidget

from desktop.core.locations import Locations
from desktop.core.preferences import Preferences, load_preferences
from desktop.ui import theme
from desktop.ui.actions import ACTIONS, ActionSpec, keys_for
from desktop.ui.main_window import MainWindow
from desktop.ui.preferences_dialog import PreferencesDialog, provider_choices
from tests.fakes import FakeContinuer, FakeEngines, FakeWordModel
from tests.ui_support import window_with_file


def window_color(window) -> QPalette:
    return QApplication.palette().color(QPalette.ColorRole.Window)


def test_light_and_dark_themes_and_following_the_system(make_window):
    window = make_window(preferences=Preferences(theme="dark"))
    assert window.scheme == "dark" and theme.is_dark(window_color(window))
    assert window.main_menu["theme_dark"].isChecked()
    window.main_menu["theme_light"].trigger()
    assert window.scheme == "light" and not theme.is_dark(window_color(window))
    assert window.preferences.theme == "light"
    assert load_preferences(window.locations.preferences_file).preferences.theme == "light"  # saved
    window.main_menu["theme_system"].trigger()
    assert window.preferences.theme == "system" and window.scheme == theme.system_scheme()
    colors = theme.editor_colors("dark")
    assert colors.generated_background != theme.editor_colors("light").generated_background


def test_default_theme_follows_the_system():
    assert Preferences().theme == "system"
    assert theme.resolve("system") in ("light", "dark")
    assert theme.resolve("dark") == "dark" and theme.resolve("light") == "light"


def test_font_choice_is_applied_and_saved(make_window, dialogs):
    window = make_window()
    chosen = QFont("DejaVu Serif")
    chosen.setPointSizeF(15.0)
    dialogs.font = (True, chosen)
    window.main_menu["font"].trigger()
    assert window.editor.font().family() == chosen.family()
    assert window.editor.font().pointSizeF() == 15.0
    saved = load_preferences(window.locations.preferences_file).preferences
    assert (saved.font_family, saved.font_size) == (chosen.family(), 15.0)


def test_window_has_the_app_icon(make_window):
    window = make_window()
    assert not window.windowIcon().isNull()
    assert window.windowIcon().availableSizes()


def test_preferences_dialog_shows_and_returns_every_setting(qtbot):
    prefs = Preferences(theme="dark", daily_goal=750, completion_enabled=False, suggestion_count=4,
                        phrase_threshold=0.3, temperature=0.6, length=800, provider="cpu", threads=1,
                        continuation_enabled=False)
    dialog = PreferencesDialog(prefs, ["CUDAExecutionProvider", "CPUExecutionProvider"])
    qtbot.addWidget(dialog)
    assert dialog.values() == prefs
    labels = [dialog.provider_box.itemText(i) for i in range(dialog.provider_box.count())]
    assert labels[:3] == ["Automatic (the fastest available)", "CPU", "GPU — NVIDIA CUDA"]
    dialog.completion_enabled.setChecked(True)
    dialog.suggestions.setValue(2)
    dialog.phrase_threshold.setValue(0.5)
    dialog.temperature.setValue(1.2)
    dialog.length.setValue(300)
    dialog.provider_box.setCurrentIndex(2)
    dialog.theme_box.setCurrentIndex(0)
    values = dialog.values()
    assert (values.completion_enabled, values.suggestion_count, values.phrase_threshold) == (True, 2, 0.5)
    assert (values.temperature, values.length, values.provider, values.theme) == (1.2, 300, "cuda", "system")
    fields = [dialog.theme_box, dialog.font_box, dialog.font_size, dialog.goal, dialog.restore_session,
              dialog.autosave_idle, dialog.completion_enabled, dialog.suggestions, dialog.phrase_threshold,
              dialog.continuation_enabled, dialog.temperature, dialog.length, dialog.model_view_enabled,
              dialog.provider_box, dialog.threads]
    assert all(f.accessibleName() for f in fields)


def test_default_locations_are_the_platform_folders_unless_folio_home_is_set(monkeypatch, tmp_path):
    from desktop.ui.startup import default_locations

    monkeypatch.setenv("FOLIO_HOME", str(tmp_path))
    assert default_locations() == Locations.under(tmp_path)
    monkeypatch.delenv("FOLIO_HOME")
    locations = default_locations()
    assert locations.config_dir.name == "Folio" and locations.data_dir.name == "Folio"


def test_provider_choices_list_what_this_machine_has():
    assert provider_choices(["CPUExecutionProvider"]) == [("Automatic (the fastest available)", "auto"),
                                                          ("CPU", "cpu")]
    choices = provider_choices(["CPUExecutionProvider"], current="cuda")
    assert choices[-1] == ("cuda (not available on this machine)", "cuda")


def test_preferences_dialog_applies_and_saves(make_window, monkeypatch):
    window = make_window()

    def accept(dialog):
        dialog.suggestions.setValue(5)
        dialog.temperature.setValue(1.4)
        dialog.length.setValue(250)
        dialog.goal.setValue(321)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", accept)
    window.main_menu["preferences"].trigger()
    toolbar = window.continuation_toolbar
    assert toolbar.temperature_spin.value() == 1.4 and toolbar.length_spin.value() == 250
    assert window.status_bar.goal_label.text().endswith("/ 321")
    saved = load_preferences(window.locations.preferences_file).preferences
    assert (saved.suggestion_count, saved.temperature, saved.length, saved.daily_goal) == (5, 1.4, 250, 321)


def test_corrupt_preferences_file_falls_back_to_defaults_with_a_warning(qtbot, tmp_path, dialogs):
    locations = Locations.under(tmp_path)
    locations.config_dir.mkdir(parents=True)
    locations.preferences_file.write_text("theme = [unclosed", encoding="utf-8")
    window = MainWindow(FakeEngines(FakeContinuer()), locations=locations)
    qtbot.addWidget(window)
    window.show()
    assert window.preferences == Preferences()
    assert "not valid TOML" in window.statusBar().currentMessage()
    window.session.start([])
    assert any("not valid TOML" in q for q in dialogs.questions)
    window.settings.apply(window.preferences.copy(daily_goal=100))  # saving keeps the broken file as .bak
    assert (locations.config_dir / "preferences.toml.bak").read_text(encoding="utf-8") == "theme = [unclosed"
    window.close()


def test_toolbar_values_are_remembered(make_window, qtbot):
    window = make_window()
    window.continuation_toolbar.temperature_spin.setValue(0.3)
    window.continuation_toolbar.length_spin.setValue(1000)
    assert window.close()
    saved = load_preferences(window.locations.preferences_file).preferences
    assert (saved.temperature, saved.length) == (0.3, 1000)


class BrokenCompleterEngines(FakeEngines):
    """Fake engines whose word model fails to load."""

    @property
    def completer(self):
        raise RuntimeError("no word model here")


def test_every_document_has_completion_with_the_preferences(make_window, qtbot):
    completer = FakeWordModel()
    window = make_window(FakeEngines(FakeContinuer(), completer=completer),
                         preferences=Preferences(suggestion_count=4, phrase_threshold=0.5))
    window.new_document()
    completions = [tab.completion for tab in window.documents()]
    assert len(completions) == 2 and completions[0] is not completions[1]
    qtbot.waitUntil(lambda: all(c.available for c in completions), timeout=5000)  # each loaded its engine
    assert all(c.enabled and c.suggestion_count == 4 for c in completions)
    # the completer takes a log-probability, set in its worker thread
    qtbot.waitUntil(lambda: getattr(completer, "phrase_threshold", None) == math.log(0.5), timeout=5000)
    window.main_menu["completion_toggle"].trigger()  # switched off, for every document
    assert not any(c.enabled for c in completions)
    assert not window.preferences.completion_enabled
    window.close_tab(1)
    assert not completions[1]._thread.isRunning()


def test_a_completion_model_that_fails_to_load_leaves_the_editor_working(make_window, qtbot):
    window = make_window(BrokenCompleterEngines(FakeContinuer()))
    bar = window.status_bar
    qtbot.waitUntil(lambda: bar.feature_status.button("Completion") is not None, timeout=5000)
    assert "no word model here" in bar.feature_status.button("Completion").toolTip()
    assert "Completion unavailable: the model failed to load: no word model here" in bar.model_label.text()
    qtbot.keyClicks(window.editor, "still fine")
    assert window.text() == "still fine"


def test_continuation_can_be_switched_off(make_window):
    window = make_window()
    assert window.main_menu["continue"].isEnabled()
    window.main_menu["continuation_toggle"].trigger()
    assert not window.main_menu["continue"].isEnabled() and not window.continuation_toolbar.temperature_spin.isEnabled()
    assert window.continuation.start() is None
    assert "switched off" in window.main_menu["continue"].toolTip()
    window.main_menu["continuation_toggle"].trigger()
    assert window.main_menu["continue"].isEnabled()


def _menu_actions(menu: QMenu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def test_every_action_has_a_menu_entry_and_a_shortcut(make_window, tmp_path):
    window, path = window_with_file(make_window, tmp_path / "recent.txt", "x")
    in_menus = [a for menu in window.menuBar().actions() for a in _menu_actions(menu.menu())]
    assert len(in_menus) >= 40
    for action in window.actions():
        assert action in in_menus, f"{action.text()} is in no menu"
    for action in in_menus:
        assert not action.shortcut().isEmpty(), f"{action.text()} has no shortcut"
    shortcuts = [a.shortcut().toString() for a in in_menus]
    duplicates = {s for s in shortcuts if shortcuts.count(s) > 1}
    assert not duplicates
    std = QKeySequence.StandardKey
    for name, key in (("open", std.Open), ("save", std.Save), ("find", std.Find), ("zoom_in", std.ZoomIn),
                      ("close_tab", std.Close)):
        assert window.main_menu[name].shortcut() in QKeySequence.keyBindings(key)


def _layout(menu) -> list:
    return [("-" if a.isSeparator() else (a.text(), _layout(a.menu())) if a.menu() else a.text())
            for a in menu.actions()]


def test_menus_are_laid_out_from_the_action_table(make_window):
    window = make_window()
    menus = {a.text(): _layout(a.menu()) for a in window.menuBar().actions()}
    assert list(menus) == ["&File", "&Edit", "&View", "&Assist", "&Help"]
    assert menus["&File"] == ["&New", "&Open…", ("Open &Recent", ["-", "&Clear Recent Files"]), "-", "&Save",
                              "Save &As…", "Sa&ve All", "&Reload from Disk", "Reopen with &Encoding…", "-",
                              "&Close Tab", "&Quit"]
    assert menus["&View"] == ["Zoom &In", "Zoom &Out", "&Reset Zoom", "-", "&Focus Mode", "F&ull Screen",
                              "&Model View", "-", "Ne&xt Tab", "Pre&vious Tab", "-",
                              ("&Theme", ["Follow &System", "&Light", "&Dark"]), "&Font…"]
    edit = menus["&Edit"]
    assert edit[:3] == ["&Undo", "&Redo", "-"] and edit[-2:] == ["-", "Pr&eferences…"]
    assert window.spelling.next_action.text() in edit  # the spelling hook's place, between Go to Line and Preferences
    assert edit.index("&Go to Line…") < edit.index(window.spelling.next_action.text()) < edit.index("Pr&eferences…")
    assert menus["&Assist"][:4] == ["&Continue in Shakespeare's Style", "&Stop", "&Accept Generated Text", "-"]
    for spec in ACTIONS:  # every row of the table is an action with its keys (the platform's standard ones first)
        if isinstance(spec, ActionSpec):
            assert window.main_menu[spec.name].shortcuts() == keys_for(spec), spec.name
    assert window.main_menu["stop"].shortcut() == QKeySequence(Qt.Key.Key_Escape)
    assert window.main_menu["undo"].shortcutContext() == Qt.ShortcutContext.WidgetShortcut


def test_model_view_is_one_shortcut_away(make_window, qtbot):
    window = make_window()
    assert not window.model_view.isVisible()
    qtbot.keyClick(window.editor, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.model_view.isVisible()


def test_widgets_have_accessible_names(make_window):
    window = make_window()
    window.find_bar.show_find(True)
    window.main_menu["model_view"].trigger()
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.objectName().startswith("qt_"):
            continue
        interactive = isinstance(widget, (QComboBox, QLineEdit)) or (
            isinstance(widget, QAbstractButton) and not widget.text())
        if interactive and not widget.accessibleName():
            unnamed.append(type(widget).__name__)
    assert unnamed == []
    bar = window.status_bar
    for widget in (window.editor, window.tabs, bar.stats_label, bar.goal_bar, bar.position_label,
                   window.model_view, window.model_view.char_bars, window.model_view.word_bars,
                   window.model_view.heat_map, window.find_bar.find_edit, window.find_bar.replace_edit):
        assert widget.accessibleName(), widget
    assert window.editor.accessibleName() == "Document text: Untitled"
