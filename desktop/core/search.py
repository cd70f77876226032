"""Find and replace over a document's text, with plain text or regular expressions. No Qt.

Offsets are Python string indices; the editor converts them with :class:`desktop.core.utf16.Utf16Map`. Patterns
are Python regular expressions with ``^`` and ``$`` matching at line ends; replacements may use ``\\1`` and
``\\g<name>``. A pattern that does not compile raises :class:`SearchError` with a readable message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class SearchError(ValueError):
    """The search pattern or replacement is invalid; the message is meant for the writer."""


@dataclass(frozen=True)
class Match:
    """A match from ``start`` to ``end``, and what Replace puts there."""

    start: int
    end: int
    replacement: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for."""

    pattern: str
    regex: bool = False
    case_sensitive: bool = False
    whole_words: bool = False

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern; raises :class:`SearchError`."""
        if not self.pattern:
            raise SearchError("Type something to find.")
        source = self.pattern if self.regex else re.escape(self.pattern)
        if self.whole_words:
            source = rf"\b(?:{source})\b"
        flags = re.MULTILINE | (0 if self.case_sensitive else re.IGNORECASE)
        try:
            return re.compile(source, flags)
        except re.error as exc:
            raise SearchError(f"Invalid regular expression: {exc}") from None

    def _expand(self, m: re.Match[str], template: str) -> str:
        if not self.regex:
            return template
        try:
            return m.expand(template)
        except (re.error, IndexError) as exc:
            raise SearchError(f"Invalid replacement: {exc}") from None

    def find(self, text: str, start: int, backward: bool = False, wrap: bool = True) -> Match | None:
        """The first non-empty match at or after ``start`` (before ``start`` when ``backward``), wrapping
        around the end of the text when ``wrap``."""
        pattern = self.compile()
        matches = [m for m in pattern.finditer(text) if m.end() > m.start()]
        if not matches:
            return None
        if backward:
            before = [m for m in matches if m.end() <= start]
            chosen = before[-1] if before else (matches[-1] if wrap else None)
        else:
            after = [m for m in matches if m.start() >= start]
            chosen = after[0] if after else (matches[0] if wrap else None)
        return Match(chosen.start(), chosen.end()) if chosen is not None else None

    def match_at(self, text: str, start: int, end: int, template: str = "") -> Match | None:
        """The match spanning exactly ``start..end`` (the current selection), with its replacement."""
        pattern = self.compile()
        for m in pattern.finditer(text, start):
            if m.start() > start:
                break
            if m.start() == start and m.end() == end:
                return Match(start, end, self._expand(m, template))
        return None

    def find_all(self, text: str, template: str = "") -> list[Match]:
        """Every match (empty ones too, as :func:`re.sub` would replace them), with replacements."""
        pattern = self.compile()
        return [Match(m.start(), m.end(), self._expand(m, template)) for m in pattern.finditer(text)]

    def replace_all(self, text: str, template: str) -> tuple[str, int]:
        """``text`` with every match replaced, and how many there were."""
        matches = self.find_all(text, template)
        out: list[str] = []
        last = 0
        for m in matches:
            out.append(text[last : m.start])
            out.append(m.replacement)
            last = m.end
        out.append(text[last:])
        return "".join(out), len(matches)
