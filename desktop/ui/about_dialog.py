"""The About dialog: Folio's version, the installed models with their model cards, and the data licences."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.runtime.about import DATA_SOURCES, ModelCard, model_cards


def data_sources_markdown() -> str:
    """The data attributions and licences as Markdown."""
    lines = [
        "# Data and licences",
        "",
        "Folio's models learned from these texts; its spelling uses these word lists. Generated text can echo them.",
        "",
    ]
    for source in DATA_SOURCES:
        lines += [
            f"## {source.name}",
            "",
            f"- Used for: {source.used_for}",
            f"- Licence: **{source.licence}**",
            f"- Attribution: {source.attribution}",
            f"- Source: <{source.url}>",
            "",
        ]
    lines += ["Folio itself is MIT licensed. It runs its models with ONNX Runtime (MIT) and draws with Qt (LGPLv3)."]
    return "\n".join(lines)


def card_markdown(card: ModelCard) -> str:
    """A model's card with its licence and attribution on top."""
    head = [
        f"**Feature:** {card.feature}  ",
        f"**Licence:** {card.licence}  ",
        f"**Attribution:** {card.attribution}",
        "",
        "---",
        "",
    ]
    body = card.card_markdown or f"# {card.id}\n\nThis package has no model card (README.md)."
    return "\n".join(head) + body


def unavailable_html(reasons: dict[str, str]) -> str:
    """The unavailable features and why, as a short HTML list (empty when every feature works)."""
    if not reasons:
        return ""
    items = "".join(f"<li><b>{html.escape(feature)}</b>: {html.escape(reason)}</li>"
                    for feature, reason in reasons.items())
    return f"<b>Unavailable features</b><ul>{items}</ul>"


class AboutDialog(QDialog):
    """Lists the models (with their cards) and the data sources."""

    def __init__(self, models_dir: str | Path | None, icon: QIcon | None = None, parent: QWidget | None = None,
                 unavailable: dict[str, str] | None = None):
        """``unavailable`` maps each feature that is off to the reason, listed above the models."""
        super().__init__(parent)
        self.setWindowTitle("About Folio")
        self.setObjectName("aboutDialog")
        self.resize(760, 560)
        self.cards, self.problems = model_cards(models_dir)
        layout = QVBoxLayout(self)

        layout.addLayout(self._header(icon))
        self.unavailable_label = QLabel(unavailable_html(unavailable or {}), self)
        self.unavailable_label.setObjectName("unavailableFeatures")
        self.unavailable_label.setAccessibleName("Unavailable features")
        self.unavailable_label.setWordWrap(True)
        self.unavailable_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unavailable_label.setVisible(bool(unavailable))
        layout.addWidget(self.unavailable_label)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("About sections")
        self.tabs.addTab(self._models_page(), "&Models")
        self.data_view = QTextBrowser(self)
        self.data_view.setAccessibleName("Data attributions and licences")
        self.data_view.setMarkdown(data_sources_markdown())
        self.tabs.addTab(self.data_view, "&Data and Licences")
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _header(self, icon: QIcon | None) -> QHBoxLayout:
        """The icon, the name and version, and what Folio is."""
        header = QHBoxLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel(self)
            picture.setPixmap(icon.pixmap(56, 56))
            picture.setAccessibleName("Folio icon")
            header.addWidget(picture)
        title = QLabel(
            f"<h2>Folio {html.escape(__version__)}</h2>"
            "An offline writing assistant. Its small recurrent models run on this computer; "
            "nothing you write leaves it.",
            self,
        )
        title.setWordWrap(True)
        title.setAccessibleName("About Folio")
        header.addWidget(title, 1)
        return header

    def _models_page(self) -> QWidget:
        """The installed models on the left, the chosen one's card on the right."""
        models_page = QWidget(self)
        row = QHBoxLayout(models_page)
        self.model_list = QListWidget(models_page)
        self.model_list.setAccessibleName("Installed models")
        self.model_list.setMaximumWidth(230)
        self.card_view = QTextBrowser(models_page)
        self.card_view.setAccessibleName("Model card")
        self.card_view.setOpenExternalLinks(False)
        row.addWidget(self.model_list)
        row.addWidget(self.card_view, 1)
        for card in self.cards:
            item = QListWidgetItem(f"{card.feature}\n{card.id}")
            item.setData(Qt.ItemDataRole.UserRole, card.id)
            self.model_list.addItem(item)
        self.model_list.currentRowChanged.connect(self._show_card)
        if self.cards:
            self.model_list.setCurrentRow(0)
        else:
            problems = "\n".join(f"- {p}" for p in self.problems)
            self.card_view.setMarkdown(f"# No models installed\n\n{problems}")
        return models_page

    def _show_card(self, row: int) -> None:
        if 0 <= row < len(self.cards):
            self.card_view.setMarkdown(card_markdown(self.cards[row]))
