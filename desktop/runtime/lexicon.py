"""Words beyond the word model's vocabulary, for completing a word the model cannot name ("Kinsh" -> "Kinshasa").

The word model knows 40,000 words; everything else is its ``<unk>``. A writer typing a rarer word or a name
still wants it completed, so the completer shares the model's probability of ``<unk>`` among the words of
frequency lists that the vocabulary lacks, in proportion to their frequency: p(w) = p(<unk>) x f(w) / F, F the
total frequency of those words. The lists: the package's ``lexicon`` (the words of the model's own training
text beyond its vocabulary, names included, written by ``python -m export.lexicon``), and pyspellchecker's
English word-frequency list (MIT), which the speller already ships; each weighs the same. Without either the
completer simply does without.
"""

from __future__ import annotations

import bisect
import gzip
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

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


def english_frequencies() -> dict[str, int] | None:
    """pyspellchecker's English word -> frequency list; None when the library is not installed."""
    try:
        return spell_checker("en").word_frequency.dictionary
    except ImportError:
        return None


def read_counts(path: Path) -> dict[str, int]:
    """A ``word<TAB>count`` file (gzip when its name ends in .gz), as ``python -m export.lexicon`` writes it.
    Raises OSError or ValueError when it cannot be read."""
    opener = gzip.open if path.suffix == ".gz" else open
    counts: dict[str, int] = {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            word, _, count = line.rstrip("\n").partition("\t")
            counts[word] = counts.get(word, 0) + int(count)
    return counts


def fold_case(frequencies: Mapping[str, float], known: set[str]) -> dict[str, tuple[str, float]]:
    """Lower-cased word -> (its commonest spelling, the frequency of all its spellings), for the words of
    ``frequencies`` made of letters only that ``known`` (lower case) lacks: "McKinsey" and "mckinsey" are one
    word, written "McKinsey" if that is the commoner."""
    folded: dict[str, tuple[str, float]] = {}
    for word, count in frequencies.items():
        key = word.lower()
        if count <= 0 or not word.isalpha() or key in known:
            continue
        form, total = folded.get(key, (word, 0.0))
        folded[key] = (word if frequencies[form] < count else form, total + count)
    return folded


class OutOfVocabularyLexicon:
    """The words of a frequency list that ``known`` (lower-cased model vocabulary) lacks, for prefix lookups.
    Case variants count as one word, written as the list writes it most often ("McKinsey", "Baháʼí")."""

    def __init__(self, frequencies: Mapping[str, float], known: Iterable[str]):
        folded = fold_case(frequencies, set(known))
        self._keys = sorted(folded)  # lower case, for bisection
        self._words = [folded[key][0] for key in self._keys]
        self._freq = np.array([folded[key][1] for key in self._keys], dtype=np.float64)
        self.total = float(self._freq.sum()) or 1.0

    @classmethod
    def merged(cls, lists: Iterable[dict[str, float]], known: Iterable[str]) -> OutOfVocabularyLexicon:
        """One lexicon of several frequency lists, each scaled to the same total over the words ``known``
        lacks (so a list counted on more text does not drown the other)."""
        known = set(known)
        frequencies: dict[str, float] = {}
        for counts in lists:
            total = sum(c for w, c in counts.items() if c > 0 and w.lower() not in known) or 1.0
            for word, count in counts.items():
                if count > 0:
                    frequencies[word] = frequencies.get(word, 0.0) + count / total
        return cls(frequencies, known)

    def __len__(self) -> int:
        return len(self._words)

    def with_prefix(self, prefix: str, n: int = 5) -> list[tuple[str, float]]:
        """Up to ``n`` (word, share of the out-of-vocabulary mass) pairs longer than ``prefix`` that start with
        it (case-insensitive), most frequent first."""
        low = prefix.lower()
        if len(low) < MIN_PREFIX:
            return []
        start = bisect.bisect_left(self._keys, low)
        end = bisect.bisect_left(self._keys, low + "\uffff")
        if start >= end:
            return []
        freq = self._freq[start:end]
        top = np.argsort(-freq)[: n + 1]
        found = [(self._words[start + i], float(freq[i]) / self.total) for i in top]
        return [(w, share) for w, share in found if len(w) > len(low)][:n]
