"""Markdown syntax highlighting for ``.md`` documents, from :mod:`desktop.core.markdown`'s tokenizer."""

from __future__ import annotations

from PySide6.QtGui import QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from desktop.core.markdown import NORMAL, Kind, tokenize_line
from desktop.core.utf16 import Utf16Map
from desktop.ui.theme import EditorColors, editor_colors

MONOSPACE = ["DejaVu Sans Mono", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def markdown_formats(colors: EditorColors) -> dict[Kind, QTextCharFormat]:
    """The character format of each kind of span."""

    def fmt(**kwargs) -> QTextCharFormat:
        f = QTextCharFormat()
        if "color" in kwargs:
            f.setForeground(kwargs["color"])
        if kwargs.get("bold"):
            f.setFontWeight(QFont.Weight.Bold)
        if kwargs.get("italic"):
            f.setFontItalic(True)
        if kwargs.get("mono"):
            f.setFontFamilies(MONOSPACE)
            f.setBackground(colors.code_background)
        if kwargs.get("underline"):
            f.setFontUnderline(True)
        return f

    return {
        Kind.HEADING: fmt(color=colors.heading, bold=True),
        Kind.HEADING_MARKER: fmt(color=colors.muted, bold=True),
        Kind.EMPHASIS: fmt(italic=True),
        Kind.STRONG: fmt(bold=True),
        Kind.CODE: fmt(mono=True),
        Kind.CODE_BLOCK: fmt(mono=True),
        Kind.LIST_MARKER: fmt(color=colors.accent, bold=True),
        Kind.QUOTE: fmt(color=colors.muted, italic=True),
        Kind.LINK: fmt(color=colors.accent, underline=True),
        Kind.URL: fmt(color=colors.muted),
        Kind.RULE: fmt(color=colors.muted),
    }


class MarkdownHighlighter(QSyntaxHighlighter):
    """Highlights headings, emphasis, code, lists, quotes and links; the block state tracks fenced code."""

    def __init__(self, document: QTextDocument, colors: EditorColors | None = None) -> None:
        super().__init__(document)
        self.formats = markdown_formats(colors or editor_colors("light"))

    def set_colors(self, colors: EditorColors) -> None:
        """Switches colours (a theme change) and highlights again."""
        self.formats = markdown_formats(colors)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        previous = self.previousBlockState()
        spans, state = tokenize_line(text, previous if previous >= 0 else NORMAL)
        positions = Utf16Map(text)
        for span in spans:
            start = positions.to_utf16(span.start)
            end = positions.to_utf16(span.start + span.length)
            fmt = self.formats.get(span.kind)
            if fmt is not None and end > start:
                if span.kind in (Kind.EMPHASIS, Kind.STRONG, Kind.HEADING_MARKER):
                    self._merge(start, end - start, fmt)
                else:
                    self.setFormat(start, end - start, fmt)
        self.setCurrentBlockState(state)

    def _merge(self, start: int, length: int, fmt: QTextCharFormat) -> None:
        """Applies ``fmt`` over what is already set (emphasis inside a list item keeps the item's colour)."""
        for i in range(start, start + length):
            merged = QTextCharFormat(self.format(i))
            merged.merge(fmt)
            self.setFormat(i, 1, merged)
