"""Plain-text helpers of the translator, shared by training and the app (standard library only).

- :func:`normalize_text`: the one normalization both the training data and the app's input go through
  (NFC, every Unicode space to one ASCII space, zero-width and soft-hyphen characters dropped, curly
  apostrophes straightened).
- :func:`split_sentences` and :func:`split_clauses`: multi-sentence input is translated sentence by
  sentence; an over-long sentence is cut at clause boundaries (then, if need be, every ``max_words`` words).
  :func:`sentence_at` finds the sentence at the cursor (the editor translates it when nothing is selected).
- :func:`french_typography`: French punctuation spacing for the model's output. Folio writes a NARROW
  NO-BREAK SPACE (U+202F) before ``; : ! ?``, after ``«`` and before ``»`` — never a line break there — and
  no space before ``, .`` (nor ``)`` or ``…``). This is the modern typographic convention (and what most of
  Tatoeba's French already uses); scores compare text after :func:`normalize_text`, where it is a space.
- :func:`looks_french`: a small stop-word test so French input is passed through with a note instead of
  being "translated" into garbage; :func:`foreign_script` names the script of text mostly not written in Latin
  letters (Hebrew, Greek, Cyrillic, CJK...), which is passed through too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from desktop.runtime.french_forms import find_forms

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: Folio's space before ; : ! ? and inside « »

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'})


def normalize_text(text: str) -> str:
    """NFC; Unicode spaces (NBSP, narrow NBSP, thin space, tabs, newlines...) -> one ASCII space;
    zero-width characters and soft hyphens removed; curly apostrophes and English curly quotes straightened;
    stripped. French guillemets are kept."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


def has_letters(text: str) -> bool:
    """Whether ``text`` holds anything to translate (a letter of any script)."""
    return any(ch.isalpha() for ch in text)


# --- sentence and clause splitting -------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k",
    "no", "vol", "fig", "mt", "ft", "approx", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec",
}
# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by space and a plausible sentence start.
_SENTENCE_END = re.compile(r"([.!?\u2026]+[\"')\]\u00bb]*)\s+(?=[\"'(\[\u00ab]?[A-Z0-9\u00c0-\u00de])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` index ranges of the sentences of one line of text, in order, each without the
    whitespace around it and with its final punctuation. Abbreviations such as "Mr." or "e.g." and single
    initials ("J. Smith") do not end a sentence."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start(1)].split()
        last_word = before[-1].lower().strip("\"'([") if before else ""
        if match.group(1) == "." and (last_word in _ABBREVIATIONS or _is_initial(last_word)):
            continue
        spans.append((start, match.end(1)))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        piece = text[begin:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trimmed.append((begin + lead, begin + len(piece.rstrip())))
    return trimmed


def split_sentences(text: str) -> list[str]:
    """Splits one line of text into sentences (keeps their final punctuation); see :func:`sentence_spans`."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_at(text: str, index: int) -> tuple[int, int]:
    """The ``(start, end)`` range of the sentence of ``text`` (one line) at ``index``: the sentence the index
    falls in, or the one just before it when it is in the space between two; ``(index, index)`` when the
    line has no sentence there."""
    spans = sentence_spans(text)
    for start, end in reversed(spans):
        if start <= index:
            return (start, end)
    return spans[0] if spans else (index, index)


def _is_initial(word: str) -> bool:
    """A single capital's worth of letters ("J" of "J. Smith"); not the pronoun "I"."""
    return len(word) == 1 and word.isalpha() and word != "i"


_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:and|but|or|because|so|which|while|when|although|whereas)\s)"
                           r"|\s+[\u2013\u2014-]\s+")


def _clauses(sentence: str) -> list[str]:
    """``sentence`` cut at every clause break except inside a date, clock time or titled name ("May 15, 2025"
    stays whole)."""
    forms = find_forms(sentence)
    clauses, start = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        if not any(a < match.start() < b for a, b, _ in forms):
            clauses.append(sentence[start : match.start()])
            start = match.end()
    clauses.append(sentence[start:])
    return [c.strip() for c in clauses if c.strip()]


def _words(clause: str) -> list[str]:
    """The words of ``clause``, a date, clock time or titled name counting as one ("May 15, 2025")."""
    words, start = [], 0
    for a, b, _ in find_forms(clause):
        if a < start:
            continue
        b += len(clause[b:]) - len(clause[b:].lstrip(",;:.!?)\"'"))  # its punctuation goes with it
        before = clause[start:a].split()
        glued = before.pop() if before and not clause[a - 1].isspace() else ""  # "(" in "(March 3)"
        words += before + [glued + clause[a:b]]
        start = b
    return words + clause[start:].split()


def split_clauses(sentence: str, max_len: int, measure: Callable[[str], int] | None = None) -> list[str]:
    """Cuts a sentence longer than ``max_len`` into pieces of at most ``max_len``, at clause boundaries
    (after , ; : and before conjunctions or dashes) where it can, else between words. Length is ``measure``
    (the translator counts subword pieces), by default the number of words."""
    measure = measure or (lambda text: len(text.split()))
    if measure(sentence) <= max_len:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for clause in _clauses(sentence):
        joined = f"{current} {clause}".strip()
        if measure(joined) <= max_len:
            current = joined
            continue
        if current:
            pieces.append(current)
            current = ""
        for word in _words(clause):  # what is left of a clause longer than the limit is cut between words
            joined = f"{current} {word}".strip()
            if current and measure(joined) > max_len:
                pieces.append(current)
                joined = word
            current = joined
    if current:
        pieces.append(current)
    return pieces


# --- French output typography ------------------------------------------------------------------------

_SPACE_BEFORE_TIGHT = re.compile(r"[ \u00a0\u202f\u2009]+([,.)\u2026])")
_SPACE_BEFORE_HIGH = re.compile(r"(?<=[^\s\u00a0\u202f\u2009(\[«])[ \u00a0\u202f\u2009]*([;:!?]+)(?=\s|$|[\"»)])")
_AFTER_OPEN_GUILLEMET = re.compile(r"\u00ab[ \u00a0\u202f\u2009]*")
_BEFORE_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f\u2009]*\u00bb")


def french_typography(text: str, space: str = NNBSP) -> str:
    """French punctuation spacing: ``space`` before ; : ! ? (a cluster such as ?! gets one) and inside « »;
    no space before , . ) …. A colon inside a token (10:30, http://) is left alone."""
    text = _SPACE_BEFORE_TIGHT.sub(r"\1", text)
    text = _SPACE_BEFORE_HIGH.sub(lambda m: space + m.group(1), text)
    text = _AFTER_OPEN_GUILLEMET.sub("\u00ab" + space, text)
    text = _BEFORE_CLOSE_GUILLEMET.sub(space + "\u00bb", text)
    return text.strip()


def capitalize_first(text: str) -> str:
    """Upper-cases the first letter (after any opening quotes or brackets)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            break
    return text


def starts_lowercase(text: str) -> bool:
    """Whether the first letter of ``text`` is lower case."""
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.islower()


# --- language guess ----------------------------------------------------------------------------------

_FRENCH_WORDS = {
    "le", "la", "les", "des", "est", "une", "je", "tu", "il", "elle", "nous", "vous", "ils", "elles", "pas",
    "ne", "que", "qui", "et", "du", "au", "aux", "avec", "pour", "dans", "sur", "suis", "sont", "très", "mais",
    "ce", "cette", "mon", "ma", "mes", "ton", "ta", "ses", "leur", "être", "avoir", "fait", "à", "où", "ça",
    "c'est", "j'ai", "bonjour", "merci", "oui", "non", "été", "avez", "êtes", "sommes", "ai", "étais",
}
_ENGLISH_WORDS = {
    "the", "a", "an", "is", "are", "was", "were", "i", "you", "he", "she", "it", "we", "they", "not", "to", "of",
    "and", "in", "on", "with", "for", "this", "that", "my", "your", "do", "does", "have", "has", "be", "what",
    "how", "why", "can", "will", "there", "at", "me", "his", "her", "our", "hello", "yes", "thanks", "please",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def looks_french(text: str) -> bool:
    """A cheap guess that ``text`` is French rather than English: French stop words clearly outnumber
    English ones (ambiguous words such as "on", "a" count for English, "as" for neither; English contractions
    count by their first part)."""
    words = [w.lower() for w in _WORD.findall(normalize_text(text))]
    french = sum(w in _FRENCH_WORDS or w.split("'")[-1] in _FRENCH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS or w.split("'")[0] in _ENGLISH_WORDS for w in words)  # "you're", "can't"
    if english == 0:
        return french >= 1 and (french >= 2 or any(ch in "éèêàçùûôîœ" for ch in text.lower()))
    return french >= 3 and french >= 3 * english


# Letters outside the Latin script, by the first word of their Unicode name, as the note names them.
_SCRIPT_NAMES = {
    "HEBREW": "Hebrew", "GREEK": "Greek", "CYRILLIC": "Cyrillic", "CJK": "Chinese characters", "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese", "HANGUL": "Korean", "ARABIC": "Arabic", "DEVANAGARI": "Devanagari", "THAI": "Thai",
    "ARMENIAN": "Armenian", "GEORGIAN": "Georgian", "BENGALI": "Bengali", "TAMIL": "Tamil", "ETHIOPIC": "Ethiopic",
}
FOREIGN_SHARE = 0.3  # text whose letters are at least this share non-Latin is not English


def letter_script(ch: str) -> str:
    """"Latin" for a Latin letter, else a readable name of its script ("Greek", "Hebrew"...; "another script")."""
    name = unicodedata.name(ch, "")
    word = name.split(" ", 1)[0]
    if word == "LATIN" or ("A" <= ch <= "z") or name.startswith(("FULLWIDTH LATIN", "MODIFIER LETTER")):
        return "Latin"
    return _SCRIPT_NAMES.get(word, "another script")


def foreign_script(text: str) -> str:
    """The main non-Latin script of ``text`` when at least ``FOREIGN_SHARE`` of its letters are not Latin (such text
    is not English), else ""."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            script = letter_script(ch)
            if script != "Latin":
                counts[script] = counts.get(script, 0) + 1
    foreign = sum(counts.values())
    if not letters or foreign < FOREIGN_SHARE * letters:
        return ""
    return max(counts, key=counts.__getitem__)
