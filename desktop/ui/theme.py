"""Light and dark looks: an application palette (Fusion style) and the editor's own colours.

``"system"`` follows the desktop's colour scheme (``QStyleHints.colorScheme()``), and falls back to light
where the platform does not say.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

LIGHT = "light"
DARK = "dark"


@dataclass(frozen=True)
class EditorColors:
    """Colours the editor paints beyond the palette."""

    generated_background: QColor  # text a model wrote and the writer has not accepted yet
    generated_border: QColor
    dimmed_text: QColor  # focus mode: paragraphs other than the current one
    accent: QColor  # links, list markers
    heading: QColor
    muted: QColor  # Markdown markers, quotes, URLs
    code_background: QColor
    bar: QColor  # the model view's probability bars
    bar_background: QColor
    heat_low: QColor  # attention heat map
    heat_high: QColor
    spelling: QColor  # the wavy underline under misspelt words


# Each colour of EditorColors in the light look and in the dark one, side by side.
_COLOR_PAIRS: dict[str, tuple[QColor, QColor]] = {
    "generated_background": (QColor("#e6efff"), QColor("#223553")),
    "generated_border": (QColor("#7aa2e3"), QColor("#5d86c9")),
    "dimmed_text": (QColor(40, 40, 40, 80), QColor(220, 220, 220, 70)),
    "accent": (QColor("#2f5fb3"), QColor("#8ab4f8")),
    "heading": (QColor("#7a2e0e"), QColor("#f2b880")),
    "muted": (QColor("#7b7b7b"), QColor("#9a9a9a")),
    "code_background": (QColor("#f0eee9"), QColor("#2f2f33")),
    "bar": (QColor("#4a7bd0"), QColor("#6f9cf0")),
    "bar_background": (QColor("#e8e8e8"), QColor("#3a3a3e")),
    "heat_low": (QColor("#fbfbfb"), QColor("#242428")),
    "heat_high": (QColor("#1f4e9c"), QColor("#9cc1ff")),
    "spelling": (QColor("#d0342c"), QColor("#ff7b72")),
}
_LIGHT_COLORS = EditorColors(**{name: light for name, (light, _dark) in _COLOR_PAIRS.items()})
_DARK_COLORS = EditorColors(**{name: dark for name, (_light, dark) in _COLOR_PAIRS.items()})


def system_scheme() -> str:
    """The desktop's scheme, ``"light"`` or ``"dark"`` (light where the platform does not say)."""
    app = QGuiApplication.instance()
    if app is None:
        return LIGHT
    scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def resolve(theme: str) -> str:
    """``"system"``, ``"light"`` or ``"dark"`` -> the scheme to draw, ``"light"`` or ``"dark"``."""
    if theme == DARK:
        return DARK
    if theme == LIGHT:
        return LIGHT
    return system_scheme()


def editor_colors(scheme: str) -> EditorColors:
    """The editor colours for ``scheme``."""
    return _DARK_COLORS if scheme == DARK else _LIGHT_COLORS


def palette(scheme: str) -> QPalette:
    """A calm palette for ``scheme``."""
    p = QPalette()
    if scheme == DARK:
        window, base, text, alt = QColor("#2b2b2e"), QColor("#1e1e20"), QColor("#e3e3e3"), QColor("#26262a")
        button, highlight, link = QColor("#36363a"), QColor("#3d6bb3"), QColor("#8ab4f8")
        disabled = QColor("#7a7a7a")
    else:
        window, base, text, alt = QColor("#f4f3f0"), QColor("#fdfdfb"), QColor("#1f1f1f"), QColor("#f0efeb")
        button, highlight, link = QColor("#ecebe7"), QColor("#3d6bb3"), QColor("#2f5fb3")
        disabled = QColor("#9a9a9a")
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, alt),
        (roles.Text, text),
        (roles.Button, button),
        (roles.ButtonText, text),
        (roles.BrightText, QColor("#ff5555")),
        (roles.Highlight, highlight),
        (roles.HighlightedText, QColor("#ffffff")),
        (roles.Link, link),
        (roles.ToolTipBase, base),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, disabled),
    ):
        p.setColor(role, color)
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply(theme: str, app: QApplication | None = None) -> str:
    """Gives the application the look of ``theme``; returns the scheme drawn (``"light"`` or ``"dark"``)."""
    app = app or QApplication.instance()
    scheme = resolve(theme)
    if app is None:
        return scheme
    if "Fusion" in QStyleFactory.keys() and app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette(scheme))
    return scheme


def is_dark(color: QColor) -> bool:
    """Whether a background colour is dark (for choosing contrasting text)."""
    return color.lightnessF() < 0.5
