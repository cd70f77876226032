"""A line-by-line Markdown tokenizer for syntax highlighting. No Qt.

:func:`tokenize_line` returns the styled spans of one line, given the state the previous line ended in (inside
a fenced code block or not), the way ``QSyntaxHighlighter`` works block by block. It covers what a writer
uses: ATX headings, emphasis and strong emphasis, inline code and fenced code blocks, list markers, block
quotes, links and thematic breaks. Offsets are Python string indices (code points).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

NORMAL = 0  # the state between blocks
IN_FENCE = 1  # inside a ``` or ~~~ fenced code block


class Kind(str, Enum):
    """What a span is."""

    HEADING = "heading"
    HEADING_MARKER = "heading_marker"
    EMPHASIS = "emphasis"
    STRONG = "strong"
    CODE = "code"
    CODE_BLOCK = "code_block"
    LIST_MARKER = "list_marker"
    QUOTE = "quote"
    LINK = "link"
    URL = "url"
    RULE = "rule"


@dataclass(frozen=True)
class Span:
    """``length`` characters from ``start`` are of ``kind``."""

    start: int
    length: int
    kind: Kind


_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^( {0,3}#{1,6})(?:[ \t]+|$)")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_CODE = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"  # *emphasis*
    r"|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"  # _emphasis_ (not inside snake_case words)
)
_LINK = re.compile(r"!?\[([^\]\n]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<(https?://[^>\s]+)>")


def tokenize_line(line: str, state: int = NORMAL) -> tuple[list[Span], int]:
    """The spans of ``line`` and the state the next line starts in."""
    if state == IN_FENCE:
        span = [Span(0, len(line), Kind.CODE_BLOCK)] if line else []
        return span, NORMAL if _FENCE.match(line) else IN_FENCE
    if _FENCE.match(line):
        return [Span(0, len(line), Kind.CODE_BLOCK)], IN_FENCE
    heading = _HEADING.match(line)
    if heading:
        marker = len(heading.group(1))
        return [Span(0, len(line), Kind.HEADING), Span(0, marker, Kind.HEADING_MARKER)], NORMAL
    if _RULE.match(line):
        return [Span(0, len(line), Kind.RULE)], NORMAL
    spans: list[Span] = []
    quote = _QUOTE.match(line)
    if quote:
        spans.append(Span(0, len(line), Kind.QUOTE))
    rest_from = quote.end() if quote else 0
    listing = _LIST.match(line[rest_from:])
    if listing:
        spans.append(Span(rest_from, listing.end(), Kind.LIST_MARKER))
    spans.extend(_inline(line))
    return spans, NORMAL


def _inline(line: str) -> list[Span]:
    """Code spans first (nothing is styled inside them), then links, strong and plain emphasis."""
    spans: list[Span] = []
    taken = [False] * len(line)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(start: int, end: int, kind: Kind) -> None:
        spans.append(Span(start, end - start, kind))
        if kind in (Kind.CODE, Kind.URL):
            for i in range(start, end):
                taken[i] = True

    for m in _CODE.finditer(line):
        take(m.start(), m.end(), Kind.CODE)
    for m in _LINK.finditer(line):
        if not free(m.start(), m.end()):
            continue
        if m.group(3):
            take(m.start(), m.end(), Kind.URL)
            continue
        text_start, text_end = m.start(1), m.end(1)
        take(text_start - 1, text_end + 1, Kind.LINK)
        take(m.start(2) - 1, m.end(), Kind.URL)
    for m in _STRONG.finditer(line):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), Kind.STRONG)
    for m in _EMPHASIS.finditer(line):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), Kind.EMPHASIS)
    return spans


def is_markdown_path(path: object) -> bool:
    """Whether a file name says Markdown (``.md``, ``.markdown``)."""
    name = str(path or "").lower()
    return name.endswith((".md", ".markdown"))
