"""Status-bar indicators of unavailable features: the reason stays visible, not in a 5-second message.

:class:`FeatureStatus` shows one small warning button per feature that is off because its model is missing,
damaged or failed while running ("⚠ Completion off"); its tooltip and accessible description give the reason,
and clicking it asks for the About dialog, which lists the same reasons (:meth:`FeatureStatus.reasons`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QStyle, QToolButton, QWidget


def unavailable_text(feature: str, reason: str) -> str:
    """The tooltip of a feature's indicator: ``"Completion is unavailable: <reason>"``."""
    return f"{feature} is unavailable: {reason}"


class FeatureStatus(QWidget):
    """One indicator per unavailable feature, in the order they were first reported."""

    changed = Signal()  # a feature became unavailable or available again
    clicked = Signal(str)  # the feature whose indicator was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureStatus")
        self.setAccessibleName("Unavailable features")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._reasons: dict[str, str] = {}
        self._buttons: dict[str, QToolButton] = {}
        self.setVisible(False)

    def reasons(self) -> dict[str, str]:
        """Unavailable features and why, in the order they were reported."""
        return dict(self._reasons)

    def button(self, feature: str) -> QToolButton | None:
        """The indicator of ``feature`` (None while it is available)."""
        return self._buttons.get(feature)

    def set_reason(self, feature: str, reason: str | None) -> None:
        """Marks ``feature`` unavailable for ``reason``, or available again when ``reason`` is None or empty."""
        reason = (reason or "").strip()
        if self._reasons.get(feature, "") == reason:
            return
        if not reason:
            self._reasons.pop(feature, None)
            button = self._buttons.pop(feature, None)
            if button is not None:
                self._layout.removeWidget(button)
                button.deleteLater()
        else:
            self._reasons[feature] = reason
            button = self._buttons.get(feature)
            if button is None:
                button = QToolButton(self)
                button.setAutoRaise(True)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
                button.setText(f"{feature} off")
                button.setAccessibleName(f"{feature} unavailable")
                button.clicked.connect(lambda _checked=False, f=feature: self.clicked.emit(f))
                self._layout.addWidget(button)
                button.show()  # a child added to a shown widget stays hidden unless told
                self._buttons[feature] = button
            text = unavailable_text(feature, reason)
            button.setToolTip(text + "\n(click for details)")
            button.setStatusTip(text)
            button.setAccessibleDescription(text)
        self.setVisible(bool(self._reasons))
        self.changed.emit()
