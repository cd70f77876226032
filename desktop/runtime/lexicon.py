"""Words beyond the word model's vocabulary, for completing a word the model cannot name ("Kinsh" -> "Kinshasa").

The word model knows 40,000 words; everything else is its ``<unk>``. A writer typing a rarer word or a name
still wants it completed, so the completer shares the model's probability of ``<unk>`` among the words of a
large frequency list that the vocabulary lacks, in proportion to their frequency: p(w) = p(<unk>) x f(w) / F,
F the total frequency of those words. The list is pyspellchecker's English word-frequency list (MIT), which the
speller already ships; without it the completer simply does without.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import cache

import numpy as np

MIN_PREFIX = 2  # shorter prefixes fit too many rare words to be worth a suggestion


def spell_checker(language: str):
    """pyspellchecker's checker for ``language`` ("en", "fr"), loaded once per process and only read: the
    speller and the completer share its word-frequency list. Raises ImportError without the library."""
    from spellchecker import SpellChecker  # imported here so a missing library is a clear engine error

    return _load_checker(SpellChecker, language)


@cache
def _load_checker(checker_class: type, language: str):
    return checker_class(language=language, distance=2)


class OutOfVocabularyLexicon:
    """The words of a frequency list that ``known`` (lower-cased model vocabulary) lacks, for prefix lookups."""

    def __init__(self, frequencies: dict[str, int], known: Iterable[str]):
        known = set(known)
        words = sorted(w for w, f in frequencies.items() if f > 0 and w.isalpha() and w not in known)
        self._words = words
        self._freq = np.array([frequencies[w] for w in words], dtype=np.float64)
        self.total = float(self._freq.sum()) or 1.0

    def __len__(self) -> int:
        return len(self._words)

    @classmethod
    def english(cls, known: Iterable[str]) -> OutOfVocabularyLexicon | None:
        """From pyspellchecker's English list; None when the library is not installed."""
        try:
            checker = spell_checker("en")
        except ImportError:
            return None
        return cls(checker.word_frequency.dictionary, known)

    def with_prefix(self, prefix: str, n: int = 5) -> list[tuple[str, float]]:
        """Up to ``n`` (word, share of the out-of-vocabulary mass) pairs longer than ``prefix`` that start with
        it (case-insensitive), most frequent first."""
        low = prefix.lower()
        if len(low) < MIN_PREFIX:
            return []
        start = bisect.bisect_left(self._words, low)
        end = bisect.bisect_left(self._words, low + "\uffff")
        if start >= end:
            return []
        freq = self._freq[start:end]
        top = np.argsort(-freq)[: n + 1]
        found = [(self._words[start + i], float(freq[i]) / self.total) for i in top]
        return [(w, share) for w, share in found if len(w) > len(low)][:n]
