"""Spelling: misspelt words found in a text, with corrections ranked in the context of the sentence. No Qt.

Words and candidates come from pyspellchecker's word lists (English and French, bundled with the library,
MIT licence), with British forms derived by rule, the word model's vocabulary and Folio's extra English words
(resources/spelling/, built by ``python -m export.spelling_words``). Corrections are ranked with a noisy
channel (weights in :func:`combine`):

    score(candidate) = -w_edit * cost(typed | candidate) + w_lm * log P(candidate | words before)
                       + w_next * log P(next word | words before, candidate)

``cost`` is a weighted edit distance: slips of the finger (a neighbouring key, two letters swapped, a doubled or
undoubled letter, one vowel for another, an accent) cost less than arbitrary edits, and the first letter is
rarely wrong. The context terms come from Folio's word model (the completer's graph, read from the zero state
over the words before and one batched step for the candidates); for French text, or without the word model,
the library's word frequencies stand in.

The same model decides whether an English word the lists lack is underlined at all: only when a slip from a
known word explains it better, by DETECTION_MARGIN, than an unknown word (a name, a foreign or rare word) does
at that place in the sentence (:meth:`Speller.typo_margin`).

A word is never flagged inside URLs, e-mail addresses, numbers, inline code or Markdown link targets, in
capitals (acronyms) or mixed case ("iPhone"), capitalised inside a sentence (a name), when the document uses it
three times or more, in a sentence mostly of unknown words (a quotation in another language), or when it is a
personal or ignored word.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from desktop.runtime.lexicon import spell_checker
from desktop.runtime.paths import resources_dir

LANGUAGES = ("en", "fr")
AUTO = "auto"  # each sentence in the language most of its words belong to
DICTIONARY_LICENCE = (
    "pyspellchecker (MIT licence, Tyler Barrus): English and French word-frequency lists built from "
    "OpenSubtitles 2018 (P. Lison and J. Tiedemann, LREC 2016)"
)
DICTIONARY_URL = "https://github.com/barrust/pyspellchecker"
MIN_DOCUMENT_USES = 3  # a word the document uses this often is a name or a term, not a slip
MAX_WORD_CHARS = 40
MAX_SUGGESTIONS = 5
CONTEXT_TOKENS = 40  # the word model reads at most this many tokens before the word
# A word this long with no known word one edit away is a rare term, a name or a foreign word: a slip of the
# finger in a long word is nearly always one edit from the word meant.
LONG_UNSURE = 7
# A sentence in which at least FOREIGN_MIN_WORDS words, and FOREIGN_SHARE of its words, are unknown is taken to
# be in another language, and not underlined.
FOREIGN_MIN_WORDS = 3
FOREIGN_SHARE = 0.4
LONG_WORD = 12  # candidates at edit distance 2 are not searched for longer words (the library is slow there)
MODEL_WORD_RATIO = 50  # see Speller._trusted_model_words

# Ranking weights (chosen on English-mix *train* text with benchmarks/spelling.py --tune; reported on dev).
EDIT_WEIGHT = 2.5  # log P(typed | word) = -EDIT_WEIGHT * weighted edit cost
LM_WEIGHT = 0.5  # weight of log P(word | words before)
NEXT_WEIGHT = 0.5  # weight of log P(next word | words before, word)
# An unknown English word is underlined when a slip from a known word explains it this much better (in log
# probability) than an unknown word of the word model does: names, foreign and rare words go unmarked.
DETECTION_MARGIN = -6.5
UNIGRAM_SHARE = 0.05  # P(word | before) = (1 - share) * word model + share * the library's frequency

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Spans never checked: URLs, e-mail addresses, inline code, Markdown link targets, anything touching a digit.
_SKIP = re.compile(
    r"`[^`\n]*`"  # inline code
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # ](link target "title")
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>"  # <https://...>
    r"|\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\"']*[^\s<>()\"'.,;:!?]"  # bare URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\w*\d\w*",  # numbers and words with digits ("3rd", "1990s", "mp3")
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*\s*|\n")
_ALPHABETS = {"en": re.compile(r"[a-zA-Z]+"), "fr": re.compile(r"[a-zA-Z\u00c0-\u00ff\u0152\u0153]+")}
_ROMAN = re.compile(r"(?=[mdclxvi]{2,}$)m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})", re.IGNORECASE)
_OPENING = set(" \t\"'([{*_#>-\u201c\u2018\u00ab\u00a0")
_FRENCH_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['\u2019]", re.IGNORECASE)
_ENGLISH_SUFFIX = re.compile(r"['\u2019](?:s|d|ll|re|ve|m|t)?$", re.IGNORECASE)

# British spellings the (American) English list lacks, as rules from the British to the American form; a word is
# known when one of its American forms is ("colour", "centre", "organised", "defence", "programme", "analyse").
_BRITISH = (
    (re.compile(r"our(?=[a-z]|$)"), "or"),
    (re.compile(r"([^aeiou])re(s|d)?$"), r"\1er\2"),
    (re.compile(r"is(e|ed|es|ing|er|ers|ation|ations|ational|able)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"ence(s)?$"), r"ense\1"),
    (re.compile(r"mme(s)?$"), r"m\1"),
    (re.compile(r"ll(ed|ing|er|ers|or|ors)$"), r"l\1"),
    (re.compile(r"(?<=[a-z])(ae|oe)(?=[a-z])"), "e"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"^(s?m)oul(?=[dt])"), r"\1ol"),  # mould, smoulder, moult
)
# Word beginnings written before a hyphen ("pre-war", "multi-party") and short forms the list lacks.
PREFIXES = frozenset(
    "pre post multi non anti co semi sub inter intra mid self ex neo pro re un bi tri quasi pseudo counter ultra "
    "mega micro macro proto trans extra over under infra hyper mis".split())
EXTRA_WORDS = frozenset("etc ok okay email emails online website websites".split())

# QWERTY (and AZERTY's differences) neighbours: a finger slip to one of them is a cheap substitution.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = set("aeiouy")


def _neighbours() -> dict[str, set[str]]:
    """Keys that touch each key on a staggered QWERTY keyboard (rows offset by a quarter and half a key)."""
    where = {ch: (c + offset, r) for r, (row, offset) in enumerate(zip(_ROWS, (0.0, 0.25, 0.75)))
             for c, ch in enumerate(row)}
    return {a: {b for b, (x2, y2) in where.items() if b != a and abs(y2 - y1) <= 1 and abs(x2 - x1) <= 1.0}
            for a, (x1, y1) in where.items()}


KEY_NEIGHBOURS = _neighbours()


@dataclass(frozen=True)
class Misspelling:
    """A word not in the word list: ``text[start:end] == word``; ``suggestions`` best first."""

    start: int
    end: int
    word: str
    suggestions: tuple[str, ...] = field(default_factory=tuple)


# -- the error model ------------------------------------------------------------------------------------------


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def _substitution_cost(typed: str, meant: str) -> float:
    if typed == meant:
        return 0.0
    if typed.lower() == meant.lower():
        return 0.2
    if _base(typed) == _base(meant):  # an accent left out or wrong ("tres", "trés" for "très")
        return 0.4
    if meant in KEY_NEIGHBOURS.get(typed, ()):
        return 1.0
    if typed in VOWELS and meant in VOWELS:
        return 1.0
    return 1.8


def edit_cost(typed: str, meant: str) -> float:
    """A weighted optimal-string-alignment distance from ``meant`` (the word) to ``typed`` (the typo):
    neighbouring keys, swapped letters, doubled or undoubled letters and vowel swaps are cheap slips; an edit
    in the first letter costs more. Lower case in, lower case compared."""
    a, b = meant.lower(), typed.lower()
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + 1.5
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + 1.5
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            first = 1.0 if i == 1 or j == 1 else 0.0
            # a letter of the word left out: cheap when it was one of a double ("occured")
            delete = 0.7 if i > 1 and a[i - 1] == a[i - 2] else 1.5
            # a letter typed that is not in the word: cheap when it doubles its neighbour ("untill") or is
            # next to it on the keyboard
            typed_ch = b[j - 1]
            if j > 1 and typed_ch == b[j - 2]:
                insert = 0.7
            elif (j > 1 and typed_ch in KEY_NEIGHBOURS.get(b[j - 2], ())) or (
                    i <= n and typed_ch in KEY_NEIGHBOURS.get(a[i - 1], ())):
                insert = 1.1
            else:
                insert = 1.5
            best = min(
                d[i - 1][j] + delete + (first if i == 1 else 0.0),
                d[i][j - 1] + insert + (first if j == 1 else 0.0),
                d[i - 1][j - 1] + _substitution_cost(b[j - 1], a[i - 1]) + (first if a[i - 1] != b[j - 1] else 0),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                best = min(best, d[i - 2][j - 2] + 0.9)
            d[i][j] = best
    return d[n][m]


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``text[start]`` begins a sentence: after . ! ? or : (and spaces, quotes, brackets, markers), or at the
    start of a line."""
    i = start - 1
    while i >= 0 and text[i] in _OPENING:
        i -= 1
    return i < 0 or text[i] in ".!?:\n\u2026"


def american_forms(word: str) -> set[str]:
    """The American spellings ``word`` may be the British form of (each rule alone and all that apply)."""
    forms, combined = set(), word
    for pattern, american in _BRITISH:
        changed = pattern.sub(american, word)
        if changed != word:
            forms.add(changed)
            combined = pattern.sub(american, combined)
    forms.add(combined)
    forms.discard(word)
    return forms


def match_case(word: str, like: str) -> str:
    """``word`` with the capitalisation of ``like`` ("Recieve" -> "Receive", "RECIEVE" -> "RECEIVE")."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# -- the checker ----------------------------------------------------------------------------------------------


class WordList:
    """One language's word list (from pyspellchecker) with the personal words added."""

    def __init__(self, language: str):
        self.language = language
        self.library = spell_checker(language)
        self.frequency = self.library.word_frequency
        self._total = float(self.frequency.total_words) or 1.0
        self.extra: set[str] = set()  # the personal words (the speller's set, shared by its lists)
        self.added = load_extra_words(language)  # Folio's own additions (export/spelling_words.py)

    def knows(self, word: str) -> bool:
        """Whether ``word`` (any case) is a word of the list or a personal word."""
        low = word.lower()
        return low in self.frequency or low in self.added or word in self.added or low in self.extra \
            or word in self.extra

    def unigram(self, word: str) -> float:
        """The library's relative frequency of ``word`` (a small floor for words it lacks)."""
        return max(self.frequency[word.lower()], 1) / self._total

    def candidates(self, word: str) -> list[str]:
        """The library's candidates for ``word`` (lower case): the known words at edit distance 1, or at
        distance 2 when there are none (up to LONG_WORD letters)."""
        low = word.lower()
        library = self.library
        ones = library.known(library.edit_distance_1(low))
        if ones or len(low) > LONG_WORD:
            return sorted(ones)
        return sorted(library.known(library.edit_distance_2(low)))

    def by_frequency(self, words: Iterable[str]) -> list[str]:
        """``words`` most frequent first (the library's own ranking)."""
        return sorted(words, key=lambda w: (-self.frequency[w], w))


class Speller:
    """Finds misspellings and ranks corrections in context (see the module docstring)."""

    available = True
    error = ""
    name = "spelling"
    provider = "cpu"

    def __init__(self, completer=None, language: str = "en"):
        """``completer``: Folio's word-model engine (or None / an unavailable one: frequency ranking)."""
        self.completer = completer if completer is not None and getattr(completer, "available", False) else None
        self.language = language
        self._lists: dict[str, WordList] = {}
        self._lock = threading.Lock()
        self.personal: set[str] = set()
        self.ignored: set[str] = set()
        self._oov: float | None = None
        self.word_list(language)  # load the default list now: a missing library fails here, not later
        # The word model's words: English words the list lacks ("gameplay", "taxa") and names ("Angeles").
        self._model_words = self._trusted_model_words() if self.completer is not None else frozenset()

    def _trusted_model_words(self) -> frozenset[str]:
        """The word model's vocabulary, less the lower-case words the English list lacks that look like a slip:
        a word one edit away is at least MODEL_WORD_RATIO times more frequent in the model's vocabulary (its
        tokens are sorted most frequent first; frequency falls with rank, Zipf's law) ("plac", "fo")."""
        tokens = self.completer.vocab.tokens
        rank = {t: i + 1 for i, t in enumerate(tokens)}
        english = self.word_list("en")
        library = english.library
        trusted = []
        for token in tokens:
            if not token.isalpha():
                continue
            if token.islower() and not english.knows(token):
                near = [rank[w] for w in library.edit_distance_1(token) if w in rank and w != token]
                if near and min(near) * MODEL_WORD_RATIO < rank[token]:
                    continue
            trusted.append(token)
        return frozenset(trusted)

    # -- word lists ----------------------------------------------------------------------------------------

    def word_list(self, language: str | None = None) -> WordList:
        """The word list of ``language`` ("en" or "fr"), loaded on first use."""
        language = language or self.language
        if language not in LANGUAGES:
            raise ValueError(f"no word list for language {language!r} (have {', '.join(LANGUAGES)})")
        with self._lock:
            if language not in self._lists:
                words = WordList(language)
                words.extra = self.personal
                self._lists[language] = words
            return self._lists[language]

    def add_words(self, words: Iterable[str]) -> None:
        """Adds personal words (any language): never flagged again."""
        self.personal.update(w for w in words if w)

    def ignore(self, word: str) -> None:
        """Ignores ``word`` for this session."""
        self.ignored.add(word)

    # -- finding misspellings ---------------------------------------------------------------------------------

    def is_known(self, word: str, language: str | None = None) -> bool:
        """Whether ``word`` is spelt right for the list of ``language`` (possessives and elisions allowed)."""
        words = self.word_list(language)
        if words.knows(word) or word in self.ignored:
            return True
        if "\u2019" in word:
            return self.is_known(word.replace("\u2019", "'"), language)
        lang = words.language
        if lang == "fr":
            stem = _FRENCH_ELISION.sub("", word)
            return stem != word and (not stem or self.is_known(stem, lang))
        stem = _ENGLISH_SUFFIX.sub("", word)
        if stem != word and stem and words.knows(stem):
            return True
        low = stem.lower()
        if low in EXTRA_WORDS or stem in self._model_words or low in self._model_words:
            return True
        return any(words.knows(v) for v in american_forms(low))

    def find(self, text: str, language: str | None = None, counts: Counter | None = None,
             offset: int = 0, judge: bool = True) -> list[tuple[int, int, str]]:
        """``(start, end, word)`` of the words of ``text`` to underline (no suggestions: fast).

        ``language``: "en", "fr", or "auto" (each sentence in the language most of its words belong to: French
        translations inserted into English text are checked as French). ``counts`` are the document's word
        counts (see :func:`count_words`; default: those of ``text``); ``offset`` is added to the positions
        (``text`` is a part of a document starting there); ``judge``: see :meth:`find_with_language`."""
        return [(start, end, word)
                for start, end, word, _ in self.find_with_language(text, language, counts, offset, judge)]

    def find_with_language(self, text: str, language: str | None = None, counts: Counter | None = None,
                           offset: int = 0, judge: bool = True) -> list[tuple[int, int, str, str]]:
        """Like :meth:`find`, with the language each word was checked in. With ``judge`` (and the word model),
        an English word the lists lack is underlined only when it looks like a slip (:meth:`likely_typo`)."""
        if counts is None:
            counts = count_words(text)
        original = text
        text = _SKIP.sub(lambda m: "_" * len(m.group()), text)  # URLs, addresses, code, numbers: never words
        if language != AUTO:
            lang = self.word_list(language).language
            found = [(*f, lang) for f in self._find(text, lang, counts, offset)]
        else:
            found = []
            for sentence in _SENTENCE.finditer(text):
                lang = self.detect_language(sentence.group())
                found.extend((*f, lang) for f in self._find(sentence.group(), lang, counts, offset + sentence.start()))
        if judge and self.completer is not None:
            found = [f for f in found if f[3] != "en" or self.likely_typo(original, f[0] - offset, f[1] - offset)]
        return found

    def typo_margin(self, text: str, start: int, end: int) -> float:
        """How much better a slip from a known word explains ``text[start:end]`` than a word the word model does
        not know (a name, a foreign or rare word): the best candidate's noisy-channel score (before the word)
        minus log P(<unk> | words before). -inf without candidates; needs the word model."""
        return margin(self.margin_features(text, start, end))

    def margin_features(self, text: str, start: int, end: int) -> dict | None:
        """The :meth:`features` of the English candidates for ``text[start:end]`` (None without candidates)."""
        word = text[start:end]
        words = self.word_list("en")
        candidates = words.candidates(word)
        if not candidates:
            return None
        return self.features(text[:start], word, candidates, text[end:], words)

    def likely_typo(self, text: str, start: int, end: int) -> bool:
        """Whether the unknown English word ``text[start:end]`` should be underlined (margin over
        DETECTION_MARGIN)."""
        return self.typo_margin(text, start, end) > DETECTION_MARGIN

    def detect_language(self, text: str) -> str:
        """"fr" when more of the words of ``text`` are French-only than English-only, else "en"."""
        english, french = self.word_list("en"), self.word_list("fr")
        score = 0
        for word in _WORD.findall(text):
            score += french.knows(word) - english.knows(word)
        return "fr" if score > 0 else "en"

    def _find(self, text: str, language: str, counts: Counter, offset: int) -> list[tuple[int, int, str]]:
        alphabet = _ALPHABETS[language]
        found = []
        for sentence in _SENTENCE.finditer(text):
            checked, unknown = 0, []
            for m in _WORD.finditer(text, sentence.start(), sentence.end()):
                start, end = m.span()
                word = m.group()
                if len(word) < 2 or len(word) > MAX_WORD_CHARS:
                    continue
                if not self._checkable(word, text, start, end, alphabet):
                    continue
                checked += 1
                if self._uses(counts, word) >= MIN_DOCUMENT_USES or self.is_known(word, language):
                    continue
                if text[end : end + 1] == "-" and word.lower() in PREFIXES:
                    continue
                if len(word) >= LONG_UNSURE and not self._near_word(word, language):
                    continue
                unknown.append((start + offset, end + offset, word))
            # A sentence with this many unknown words is in another language (a Latin or German quotation).
            if len(unknown) < FOREIGN_MIN_WORDS or len(unknown) < FOREIGN_SHARE * checked:
                found.extend(unknown)
        return found

    @staticmethod
    def _uses(counts: Counter, word: str) -> int:
        """How often the document uses ``word``, capitalised or not ("Elatum" and "elatum" are one name)."""
        low = word.lower()
        cap = low.capitalize()
        if word not in (low, cap):
            return counts.get(word, 0)
        return counts.get(low, 0) + counts.get(cap, 0)

    def _near_word(self, word: str, language: str | None) -> bool:
        """Whether a known word is one edit from ``word``."""
        library = self.word_list(language).library
        return bool(library.known(library.edit_distance_1(word.lower())))

    @staticmethod
    def _checkable(word: str, text: str, start: int, end: int, alphabet: re.Pattern) -> bool:
        """Whether ``word`` at ``text[start:end]`` is checked at all. Not checked: capitals (acronyms), mixed case
        ("iPhone"), a capitalised word inside a sentence (a name: the word lists hold few), letters foreign to
        the language ("Zoltán" in English), Roman numerals, and a word glued to a dot-word ("example.com")."""
        letters = word.replace("'", "").replace("\u2019", "")
        if len(letters) > 1 and (letters.isupper() or not letters[1:].islower()):
            return False
        if not alphabet.fullmatch(letters) or _ROMAN.fullmatch(letters):
            return False
        if letters[0].isupper() and not _sentence_start(text, start):
            return False
        return not (end + 1 < len(text) and text[end] in "._" and text[end + 1].isalpha())

    def check(self, text: str, language: str | None = None, counts: Counter | None = None,
              k: int = MAX_SUGGESTIONS) -> list[Misspelling]:
        """The misspellings of ``text``, each with up to ``k`` corrections ranked in the context of ``text``."""
        return [Misspelling(start, end, word, tuple(self.suggest(text, start, end, lang, k)))
                for start, end, word, lang in self.find_with_language(text, language, counts)]

    # -- ranking corrections -------------------------------------------------------------------------------

    def library_suggestions(self, word: str, language: str | None = None, k: int = MAX_SUGGESTIONS) -> list[str]:
        """The library alone: its candidates, most frequent first (its ``correction()`` is the first)."""
        words = self.word_list(language)
        return [match_case(w, word) for w in words.by_frequency(words.candidates(word))[:k]]

    def suggest(self, text: str, start: int, end: int, language: str | None = None,
                k: int = MAX_SUGGESTIONS) -> list[str]:
        """Corrections for ``text[start:end]``, best first, ranked in the context of ``text``."""
        word = text[start:end]
        words = self.word_list(language)
        candidates = words.candidates(word)
        if not candidates:
            return []
        scores = self.scores(text[:start], word, candidates, text[end:], words)
        ranked = sorted(zip(candidates, scores), key=lambda item: -item[1])
        return [match_case(w, word) for w, _ in ranked[:k]]

    def scores(self, before: str, typed: str, candidates: list[str], after: str,
               words: WordList | None = None) -> list[float]:
        """The noisy-channel score of each candidate for ``typed`` between ``before`` and ``after``."""
        return combine(self.features(before, typed, candidates, after, words)).tolist()

    def features(self, before: str, typed: str, candidates: list[str], after: str,
                 words: WordList | None = None) -> dict[str, np.ndarray]:
        """What the score is made of, per candidate: ``cost`` (weighted edits), ``unigram`` (the library's
        frequency), ``lm`` (P(candidate | words before), or None) and ``next`` (P(next word | ...), or None);
        with the word model also ``unk`` (P(an unknown word | words before)) and ``oov_mass``."""
        words = words or self.word_list()
        found = {"cost": np.array([edit_cost(typed, c) for c in candidates]),
                 "unigram": np.array([words.unigram(c) for c in candidates]), "lm": None, "next": None}
        if self.completer is not None and words.language == "en":
            found["lm"], found["next"], found["unk"] = self._context_probabilities(before, typed, candidates, after)
            found["oov_mass"] = self._oov_mass(words)
        return found

    def _context_probabilities(self, before: str, typed: str, candidates: list[str],
                               after: str) -> tuple[np.ndarray, np.ndarray | None, float]:
        """P(candidate | words before) and P(next word | before, candidate) from the word model: one read of
        the words before (from the zero state, so the completer's own reading is left alone) and one batched
        step for all candidates. An out-of-vocabulary candidate gets <unk>'s probability (``combine`` shares
        it out by frequency). Also returns P(<unk> | words before): how likely an unknown word is here."""
        completer = self.completer
        vocab, lm = completer.vocab, completer.lm
        tokens = completer.context_tokens(before)[-CONTEXT_TOKENS:]
        log_probs, state = lm.run(vocab.encode(tokens)[None, :], lm.zero_state())
        here = np.exp(log_probs[0, -1].astype(np.float64))
        cased = [self._token(match_case(c, typed), c, vocab) for c in candidates]
        cand_ids = np.array([vocab.index.get(t, vocab.unk_id) for t in cased], np.int64)
        p_lm = np.where(cand_ids == vocab.unk_id, -here[vocab.unk_id], here[cand_ids])  # negative: <unk>'s
        following = completer.context_tokens(after.split("\n", 1)[0])[1:2]
        if not following:
            return p_lm, None, float(here[vocab.unk_id])
        next_id = vocab.index.get(following[0], vocab.index.get(following[0].lower(), vocab.unk_id))
        states = tuple(np.repeat(s, len(candidates), axis=1) for s in state)
        out, _ = lm.run(cand_ids[:, None], states)
        return p_lm, np.exp(out[:, -1, next_id].astype(np.float64)), float(here[vocab.unk_id])

    def _oov_mass(self, words: WordList) -> float:
        """The share of the library's word frequencies that falls on words the word model lacks."""
        if self._oov is None:
            index = self.completer.vocab.index
            counts = words.frequency.dictionary
            missing = sum(n for w, n in counts.items() if w not in index and w.capitalize() not in index)
            self._oov = max(missing / max(sum(counts.values()), 1), 1e-6)
        return self._oov

    @staticmethod
    def _token(cased: str, lower: str, vocab) -> str:
        if cased in vocab.index:
            return cased
        return lower


def combine(features: dict[str, np.ndarray | None], edit_weight: float = EDIT_WEIGHT, lm_weight: float = LM_WEIGHT,
            next_weight: float = NEXT_WEIGHT, unigram_share: float = UNIGRAM_SHARE) -> np.ndarray:
    """Noisy-channel scores from :meth:`Speller.features`: -edit_weight * cost + lm_weight * log P(word here)
    + next_weight * log P(next word | word). Without the word model P(word here) is the unigram."""
    unigram = features["unigram"]
    score = -edit_weight * features["cost"]
    lm = features.get("lm")
    if lm is None:
        return score + lm_weight * np.log(unigram)
    # An out-of-vocabulary candidate (a negative entry: minus <unk>'s probability) gets a share of <unk>'s
    # probability: its frequency among the library's words that the word model lacks.
    p_lm = np.where(lm < 0, -lm * unigram / features["oov_mass"], lm)
    p_here = (1 - unigram_share) * p_lm + unigram_share * unigram
    score = score + lm_weight * np.log(np.maximum(p_here, 1e-30))
    following = features.get("next")
    if following is not None:
        score = score + next_weight * np.log(np.maximum(following, 1e-12))
    return score


def margin(features: dict | None, **weights: float) -> float:
    """The typo margin (see :meth:`Speller.typo_margin`) from a word's candidate features."""
    if features is None:
        return -math.inf
    best = combine({**features, "next": None}, **weights).max()
    return float(best - math.log(max(features["unk"], 1e-30)))


def count_words(text: str, chunk: int = 65536) -> Counter:
    """How often each word occurs in ``text`` (case-sensitive), counted in chunks so another thread is not
    held up for long on a large document."""
    counts: Counter = Counter()
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + chunk)
        while end < len(text) and not text[end].isspace():
            end += 1
        counts.update(_WORD.findall(text, pos, end))
        pos = end
    return counts


def extra_words_file(language: str) -> Path:
    """Folio's extra word list for ``language`` (shipped in resources/spelling/)."""
    return resources_dir() / "spelling" / f"{language}-extra.txt.gz"


def load_extra_words(language: str) -> frozenset[str]:
    """Folio's extra words for ``language`` (empty when it has none)."""
    path = extra_words_file(language)
    if not path.is_file():
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def load_personal_words(path: str | Path) -> set[str]:
    """The personal word list (one word a line; missing or unreadable = empty)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def add_personal_word(path: str | Path, word: str) -> None:
    """Appends ``word`` to the personal word list at ``path`` (created with its folder when missing)."""
    path = Path(path)
    words = load_personal_words(path)
    if word in words:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(word + "\n")
