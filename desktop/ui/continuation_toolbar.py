"""The continuation toolbar: Continue and Stop (actions of the window's table), then the temperature and the
length of a continuation, which are preferences the window keeps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

__all__ = ["ContinuationToolbar", "DEFAULT_TEMPERATURE", "DEFAULT_LENGTH"]

DEFAULT_TEMPERATURE = 0.8
TEMPERATURE_RANGE = (0.0, 2.0)
DEFAULT_LENGTH = 400
LENGTH_RANGE = (20, 5000)


class ContinuationToolbar(QToolBar):
    """``actions`` are ``(name, action, accessible name of its button)``; ``buttons[name]`` is the button."""

    temperatureChanged = Signal(float)  # the writer changed the temperature
    lengthChanged = Signal(int)  # the writer changed the length (characters)

    def __init__(self, actions: Sequence[tuple[str, QAction, str]], parent: QWidget | None = None) -> None:
        super().__init__("Continuation", parent)
        self.setObjectName("continuationToolbar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAccessibleName("Continuation tools")
        self.buttons: dict[str, QWidget] = {}
        self._actions: dict[str, QAction] = {}
        for name, action, accessible_name in actions:
            self.addAction(action)
            self.buttons[name] = self.widgetForAction(action)
            self.buttons[name].setAccessibleName(accessible_name)
            self._actions[name] = action
        self.addSeparator()
        self.temperature_spin = self._temperature_spin()
        self._add_labelled("&Temperature ", self.temperature_spin)
        self.addSeparator()
        self.length_spin = self._length_spin()
        self._add_labelled("&Length ", self.length_spin)
        self.temperature_spin.valueChanged.connect(self.temperatureChanged)
        self.length_spin.valueChanged.connect(self.lengthChanged)

    def _temperature_spin(self) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(*TEMPERATURE_RANGE)
        spin.setSingleStep(0.1)
        spin.setDecimals(2)
        spin.setValue(DEFAULT_TEMPERATURE)
        spin.setAccessibleName("Temperature")
        spin.setToolTip(
            "Temperature: 0 always picks the likeliest character; higher values are more surprising (and less coherent)"
        )
        return spin

    def _length_spin(self) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(*LENGTH_RANGE)
        spin.setSingleStep(50)
        spin.setValue(DEFAULT_LENGTH)
        spin.setSuffix(" chars")
        spin.setAccessibleName("Length in characters")
        spin.setToolTip("How many characters one continuation writes")
        return spin

    def _add_labelled(self, text: str, field: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(field)
        self.addWidget(label)
        self.addWidget(field)

    def show_settings(self, temperature: float, length: int, enabled: bool) -> None:
        """Shows the preferred temperature and length (without reporting them as changed); ``enabled`` when
        continuation is switched on."""
        for spin, value in ((self.temperature_spin, temperature), (self.length_spin, length)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
            spin.setEnabled(enabled)

    def set_tip(self, name: str, tip: str) -> None:
        """The tooltip and status tip of the action ``name`` and its button."""
        action = self._actions[name]
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self.buttons[name].setToolTip(tip)
