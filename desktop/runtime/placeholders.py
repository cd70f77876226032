"""Numbers and names the translator must carry through unchanged: placeholder tokens, shared by training
and the app (standard library only).

A translation model that spells "1987" digit by digit can change it ("1977"), and one that has never seen
"Sarah" invents a word for her. So numbers and names are taken out of the sentence before translation and
put back after: the source "Sarah paid 250 dollars in 1987." becomes ``⟦P1⟧ paid ⟦N1⟧ dollars in ⟦N2⟧.``
with the slots ``{"⟦P1⟧": "Sarah", "⟦N1⟧": "250", "⟦N2⟧": "1987"}``; the model was trained on pairs masked
the same way (so it learnt to copy placeholders to the right place) and the runtime fills each placeholder
in the output from its slot.

- A **number** is a run of digits with inner separators (``1,250``, ``3.5``, ``7:45``); currency signs and
  ordinal suffixes stay outside the placeholder, so the model still translates "$" and "3rd".
- A **name** is a capitalised word (``Sarah``, ``NASA``, ``O'Brien``) that the training pairs copy
  verbatim. In training a pair's capitalised English word is a name when the French side holds the very same
  word; in the app, where there is no French yet, it is a name unless the model translates it (the
  ``translated`` list: "French", "Monday", "London", "Mr", learnt from the training pairs) or it opens the
  sentence and is an ordinary word written with a capital ("Please", in the ``lowercase`` list).

Placeholders are numbered by kind in order of first appearance (a repeated name reuses its placeholder); at
most ``MAX_SLOTS`` of each kind, the rest stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.runtime.french_forms import DATE, MONTHS, POSSESSIVE, TITLE, WEEKDAYS, find_forms

MAX_SLOTS = 9
NUMBER, NAME = "N", "P"
PLACEHOLDERS = tuple(f"\u27e6{kind}{i}\u27e7" for kind in (NUMBER, NAME) for i in range(1, MAX_SLOTS + 1))
PLACEHOLDER_RE = re.compile(r"\u27e6([NP])([1-9])\u27e7")

# A number: digits with inner separators, not glued to letters ("B52" or "mp3" are not numbers) except an
# ordinal suffix, which stays outside the placeholder ("3rd" -> "⟦N1⟧rd").
_NUMBER = re.compile(r"(?<![\w.,:])\d+(?:[.,:]\d+)*(?=(?:st|nd|rd|th)\b|\W|$)")
NUMBER_RE = _NUMBER
# The same number as French writes it: thousands with a (narrow no-break) space, decimals with a comma,
# times as "7 h 45".
_FRENCH_NUMBER = re.compile(r"(?<![\w.,:])\d+(?:(?:[.,:]|\s?h\s?|[ \u00a0\u202f](?=\d{3}(?!\d)))\d+)*(?![\w])")
_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z\u00c0-\u00de][\w'\u2019-]*(?<!['\u2019-])")
_WORD = re.compile(r"[\w'\u2019-]+")


def digits(text: str) -> str:
    """The digits of ``text`` in order ("7 h 45" -> "745")."""
    return "".join(ch for ch in text if ch.isdigit())


_TIME = re.compile(r"([01]?\d|2[0-4]):([0-5]\d)")
_THOUSANDS = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?")
_DECIMAL = re.compile(r"(\d+)\.(\d+)")
NNBSP = "\u202f"


def french_number(number: str) -> str:
    """An English-written number as French writes it: "7:45" -> "7 h 45", "1,250" -> "1 250" (thousands
    with a narrow no-break space), "1,250.5" -> "1 250,5", "3.5" -> "3,5". Anything else ("1987", "12345",
    "1.2.3") is returned unchanged."""
    if m := _TIME.fullmatch(number):
        return f"{int(m.group(1))}{NNBSP}h{NNBSP}{m.group(2)}"
    if m := _THOUSANDS.fullmatch(number):
        whole = m.group(1).replace(",", NNBSP)
        return whole + ("," + m.group(2) if m.group(2) else "")
    if m := _DECIMAL.fullmatch(number):
        return f"{m.group(1)},{m.group(2)}"
    return number


def placeholder(kind: str, number: int) -> str:
    """The placeholder token of slot ``number`` (1-based) of ``kind`` (NUMBER or NAME)."""
    return f"\u27e6{kind}{number}\u27e7"


@dataclass
class NameLists:
    """What the app needs to tell names from words: capitalised words the model translates, and the words
    the training text writes in lower case (a sentence's first word is a name only if it is not one)."""

    translated: set[str] = field(default_factory=set)
    lowercase: set[str] = field(default_factory=set)

    def to_json(self) -> dict:
        return {"translated": sorted(self.translated), "lowercase": sorted(self.lowercase)}

    @classmethod
    def from_json(cls, data: dict) -> NameLists:
        return cls(set(data.get("translated", ())), set(data.get("lowercase", ())))


def _is_name_candidate(word: str) -> bool:
    return len(word) >= 2 or word.isdigit()


def learn_name_lists(pairs: Iterable[tuple[str, str]], min_count: int = 2) -> NameLists:
    """From (English, French) training pairs: the capitalised English words that the French side usually
    does not copy (seen ``min_count`` times or more), and every lower-case English word."""
    seen, copied = Counter(), Counter()
    lowercase: set[str] = set()
    for en, fr in pairs:
        french_words = set(_WORD.findall(fr))
        for word in _WORD.findall(en):
            if word.islower():
                lowercase.add(word)
        for match in _CAPITALISED.finditer(en):
            word = match.group()
            if word == "I":
                continue
            seen[word] += 1
            copied[word] += word in french_words
    translated = {w for w, n in seen.items() if n >= min_count and copied[w] * 2 < n}
    return NameLists(translated, lowercase)


@dataclass
class Masked:
    """A sentence with placeholders, and what each placeholder stands for."""

    text: str
    slots: dict[str, str]  # placeholder -> the source text it replaced


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for match in re.finditer(r"[.!?:;\"\u00ab(]\s*", text):
        starts.add(match.end())
    return starts


_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'\u00bb]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def protect(text: str, names: NameLists | None, surnames: frozenset[str] = frozenset()) -> Masked:
    """The app's side: numbers, and names as ``names`` tells them, replaced by placeholders. URLs and e-mail
    addresses are names too (a URL's digits are not numbers of their own); a date or clock time is one number
    ("on March 3rd", "6:30 p.m.") and a titled name one name ("Mr. Johnson"), see :mod:`french_forms`.
    ``surnames``: words the rest of the document uses as names (see :func:`document_surnames`).

    ``names`` None protects numbers only (a model trained without name placeholders)."""
    spans: list[tuple[int, int, str]] = [(m.start(), m.end(), NUMBER) for m in _NUMBER.finditer(text)]
    # Dates and clock times are numbers, titled names names: French writes them by rule (french_forms.py).
    forms = find_forms(text, titles=names is not None)
    spans += [(start, end, NAME if kind == TITLE else NUMBER) for start, end, kind in forms]
    if names is not None:
        spans += [(m.start(), m.end(), NAME) for pattern in (_URL, _EMAIL) for m in pattern.finditer(text)]
        spans += [(start, end, NAME) for start, end in name_spans(text, names, surnames)]
    masked = _replace(text, spans)
    opening_on = forms and forms[0][0] == 0 and forms[0][2] == DATE and text[:3].lower() == "on "
    if opening_on and re.match(r"\u27e6N1\u27e7 [^\W\d]", masked.text):
        # "On May 5 we met." -> "⟦N1⟧, we met.": the model, which hardly saw a sentence open on a placeholder,
        # drops the rest without the comma English often writes there.
        masked.text = masked.text.replace(" ", ", ", 1)
    return masked


def _ordinary_opening(word: str, at_start: bool, names: NameLists) -> bool:
    """Whether ``word`` is an ordinary word that opens the sentence, capitalised only for that ("Please", "The")."""
    return at_start and word.lower() in names.lowercase and not word.isupper()


def _is_name(word: str, at_start: bool, names: NameLists) -> bool:
    """Whether a capitalised word is a name: not one the model translates, and not an ordinary word that opens
    the sentence."""
    if word == "I" or not _is_name_candidate(word) or word in names.translated:
        return False
    return not _ordinary_opening(word, at_start, names)


def _is_letter_label(text: str, match: re.Match, at_start: bool, headline: bool) -> bool:
    """Whether a capital letter standing alone inside a sentence is a label French keeps as it is ("T cells" ->
    "lymphocytes T", "Serie A", "vitamin C", "(S)"): not "I", not a letter of an abbreviation ("U.S.",
    "M&S"), and not "A" opening a sentence or in a title-case headline, where it is the article."""
    word = match.group()
    if len(word) != 1 or word == "I" or (word == "A" and (at_start or headline)):
        return False
    return not {text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]} & {".", "&"}


def _joins_a_name(word: str, at_start: bool, names: NameLists, after: str | None) -> bool:
    """Whether a capitalised word can be part of a name of several words (``after``: the capitalised word right
    before it, if any): any but "I", "A" (unless it follows one: "Serie A"), an ordinary word opening the sentence,
    and a month or weekday, which are dates ("on Sunday"), except right after a capitalised "The" ("The Sunday
    Telegraph")."""
    if word == "I" or (word == "A" and after is None) or _ordinary_opening(word, at_start, names):
        return False
    return after == "The" or POSSESSIVE.sub("", word).lower() not in MONTHS.keys() | WEEKDAYS.keys()


def _title_case(text: str) -> bool:
    """Whether ``text`` is written in title case, as headlines are ("Rapper Changes His Name Again"): no word
    of four letters or more is in lower case, and at least three after the first are capitalised. There
    capitalised neighbours say nothing about names. (Names that are also words, "Brown", "Smith", do not make
    a sentence look like one: it still has its lower-case words.)"""
    long_words = list(re.finditer(r"[^\W\d_]{4,}", text))
    if any(m.group()[0].islower() for m in long_words):
        return False
    return sum(m.group()[0].isupper() for m in long_words if m.start() > 0) >= 3


def name_spans(text: str, names: NameLists, surnames: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each name in ``text``. A name is a capitalised word the model does not translate or a
    capital letter used as a label ("T cells"), together with the capitalised words right next to it ("Kanye
    West", "Harvard Medical School", "Ryder Cup": the model translates "West", "School" and "Cup", but there
    they are part of a name), unless the text is a title-case headline. A possessive "'s" stays outside, for
    the model to translate ("Kavanaugh's appointment" -> "la nomination de Kavanaugh"). A word of ``surnames``
    is a name wherever it stands ("Brown says…" after "Peter Brown")."""
    starts = _sentence_starts(text)
    headline = _title_case(text)
    runs: list[list[tuple[re.Match, bool]]] = []  # neighbouring capitalised words, each with whether it is a name
    previous: re.Match | None = None
    for match in _CAPITALISED.finditer(text):
        word, at_start = match.group(), match.start() in starts
        continues = previous is not None and text[previous.end() : match.start()] == " " \
            and not POSSESSIVE.search(previous.group())
        joins = not headline and _joins_a_name(word, at_start, names, previous.group() if continues else None)
        is_name = _is_name(word, at_start, names) or _is_letter_label(text, match, at_start, headline) \
            or POSSESSIVE.sub("", word) in surnames
        if joins and continues:
            runs[-1].append((match, is_name))
        else:
            runs.append([(match, is_name)])
        previous = match if joins else None
    spans = []
    for run in runs:
        if len(run) > 1 and any(is_name for _, is_name in run):
            spans.append((run[0][0].start(), run[-1][0].end()))
        else:
            spans += [(m.start(), m.end()) for m, is_name in run if is_name]
    return [(start, end - len(possessive.group()) if (possessive := POSSESSIVE.search(text[start:end])) else end)
            for start, end in spans]


# The second word of "Kansas City", "Boston University": alone it is the common noun again ("the City").
_GENERIC_HEADS = frozenset("City County State Street Road Avenue River Lake Island Islands Mountain Mountains Bay "
                           "Beach Valley Park University College School Hospital Airport Station Square Bridge "
                           "Party Council Court House Church Cup Club Company Group Bank Times Post News".split())


def document_surnames(text: str, names: NameLists) -> frozenset[str]:
    """The second words of two-word names in ``text`` whose first word is a name ("Peter Brown", "Kanye West"),
    but for the heads of place and institution names ("Kansas City"): a document that names someone in full goes
    on with the surname alone ("Brown says…", "West said…"), which on its own reads as a word ("brown")."""
    found = set()
    for start, end in name_spans(text, names):
        first, *rest = text[start:end].split(" ")
        if len(rest) == 1 and rest[0] not in _GENERIC_HEADS and _is_name(first, False, names):
            found.add(rest[0])
    return frozenset(found)


def _replace(text: str, spans: list[tuple[int, int, str]]) -> Masked:
    spans.sort(key=lambda span: (span[0], -span[1]))  # at one start, the longest span (a URL) wins
    out, slots, by_value, pos = [], {}, {}, 0
    counts = {NUMBER: 0, NAME: 0}
    for start, end, kind in spans:
        if start < pos:
            continue  # overlapping spans: the first wins
        value = text[start:end]
        token = by_value.get((kind, value))
        if token is None:
            if counts[kind] >= MAX_SLOTS:
                continue
            counts[kind] += 1
            token = placeholder(kind, counts[kind])
            by_value[(kind, value)] = token
            slots[token] = value
        out.append(text[pos:start])
        out.append(token)
        pos = end
    out.append(text[pos:])
    return Masked("".join(out), slots)


def mask_pair(en: str, fr: str) -> tuple[str, str]:
    """The training side: numbers found on both sides (the same digits) and capitalised English words that
    the French copies verbatim become the same placeholders on both sides. Anything unmatched stays."""
    french_numbers: dict[str, list[tuple[int, int]]] = {}
    for m in _FRENCH_NUMBER.finditer(fr):
        french_numbers.setdefault(digits(m.group()), []).append((m.start(), m.end()))
    french_words: dict[str, list[tuple[int, int]]] = {}
    for m in _WORD.finditer(fr):
        french_words.setdefault(m.group(), []).append((m.start(), m.end()))

    en_spans: list[tuple[int, int, str]] = []
    for m in _NUMBER.finditer(en):
        if digits(m.group()) in french_numbers:
            en_spans.append((m.start(), m.end(), NUMBER))
    for m in _CAPITALISED.finditer(en):
        word = m.group()
        if word != "I" and _is_name_candidate(word) and word in french_words:
            en_spans.append((m.start(), m.end(), NAME))
    masked_en = _replace(en, en_spans)
    if not masked_en.slots:
        return en, fr
    fr_spans: list[tuple[int, int, str]] = []
    for token, value in masked_en.slots.items():
        kind = PLACEHOLDER_RE.fullmatch(token).group(1)
        found = french_numbers.get(digits(value), []) if kind == NUMBER else french_words.get(value, [])
        fr_spans.extend((start, end, token) for start, end in found)
    fr_spans.sort()
    out, pos = [], 0
    for start, end, token in fr_spans:
        if start < pos:
            continue
        out += [fr[pos:start], token]
        pos = end
    out.append(fr[pos:])
    return masked_en.text, "".join(out)
