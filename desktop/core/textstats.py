"""Word and character counts, reading time, and the daily word goal's tally. No Qt."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

WORDS_PER_MINUTE = 238  # average silent reading speed of adults reading English non-fiction (Brysbaert 2019)
_WORD = re.compile(r"\w+(?:['\u2019\-]\w+)*")


def count_words(text: str) -> int:
    """Words in ``text``: runs of letters and digits, with inner apostrophes and hyphens ("don't", "well-read")."""
    return len(_WORD.findall(text))


def count_characters(text: str, spaces: bool = True) -> int:
    """Characters in ``text`` (code points, line breaks excluded); without whitespace when ``spaces`` is False."""
    if spaces:
        return len(text) - text.count("\n")
    return sum(1 for c in text if not c.isspace())


def reading_minutes(words: int, wpm: int = WORDS_PER_MINUTE) -> float:
    """Minutes an average reader needs for ``words`` words."""
    return max(0, words) / wpm


def format_reading_time(words: int, wpm: int = WORDS_PER_MINUTE) -> str:
    """``"< 1 min read"``, ``"4 min read"``, ``"1 h 5 min read"``."""
    minutes = reading_minutes(words, wpm)
    if minutes < 1:
        return "< 1 min read"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min read"
    return f"{whole // 60} h {whole % 60} min read"


@dataclass(frozen=True)
class TextStats:
    """What the status bar shows about a document."""

    words: int
    characters: int

    @classmethod
    def of(cls, text: str) -> TextStats:
        return cls(count_words(text), count_characters(text))

    def summary(self) -> str:
        """``"1,234 words · 6,789 characters · 5 min read"``."""
        noun = "word" if self.words == 1 else "words"
        chars = "character" if self.characters == 1 else "characters"
        return f"{self.words:,} {noun} · {self.characters:,} {chars} · {format_reading_time(self.words)}"


@dataclass
class DailyTally:
    """Words written today, across documents, for the daily goal.

    Each document (keyed by its path or its recovery id) has a baseline: its word count when Folio first saw it
    today. It contributes its net growth past that baseline (never below zero), so deleting words takes back
    progress but rewriting an old passage does not count as writing. A new day resets every baseline.
    """

    day: str = ""
    baselines: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    def update(self, key: str, words: int, today: dt.date | None = None) -> None:
        """Records that document ``key`` now has ``words`` words."""
        self._roll(today)
        baseline = self.baselines.setdefault(key, words)
        self.written[key] = max(0, words - baseline)

    def rename(self, old: str, new: str) -> None:
        """A document's key changed (an untitled document was saved): its tally moves with it."""
        if old == new:
            return
        for table in (self.baselines, self.written):
            if old in table:
                table[new] = table.pop(old)

    def words_today(self, today: dt.date | None = None) -> int:
        """Words written today."""
        self._roll(today)
        return sum(self.written.values())

    def _roll(self, today: dt.date | None) -> None:
        day = (today or dt.date.today()).isoformat()
        if day != self.day:
            self.day = day
            self.baselines = {}
            self.written = {}

    def to_dict(self) -> dict:
        return {"day": self.day, "baselines": dict(self.baselines), "written": dict(self.written)}

    @classmethod
    def from_dict(cls, data: object) -> DailyTally:
        """The tally saved by :meth:`to_dict`; anything malformed gives an empty tally."""
        if not isinstance(data, dict):
            return cls()

        def table(value: object) -> dict[str, int]:
            if not isinstance(value, dict):
                return {}
            return {str(k): int(v) for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}

        return cls(str(data.get("day", "")), table(data.get("baselines")), table(data.get("written")))


def goal_progress(words_today: int, goal: int) -> float:
    """Fraction of the daily goal reached, 0..1 (0 when there is no goal)."""
    if goal <= 0:
        return 0.0
    return min(1.0, max(0, words_today) / goal)
