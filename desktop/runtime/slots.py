"""Putting numbers and names back into the translator's output (numpy and stdlib only).

- :func:`fill_pieces`: for a model trained with placeholders (``placeholders.py``). The output pieces hold
  placeholder tokens; each is replaced by the source text of its slot (a number as French writes it, see
  ``french_number``; a name, URL or e-mail address as it is). A placeholder the model dropped is put back
  before the output word that attended most to it; one the model wrote twice is kept where it attends most
  to its source position; one with no slot (the model invented it) is removed.
- :func:`repair_numbers`: for any model, on the output text: each number in the output is paired with the
  most similar source number (by digits); a pair whose digits differ ("1977" for "1987", "150" for "1,250")
  or whose form is not French ("1,250") is rewritten from the source. An output number like no source number
  is left alone. This is the repair old packages without placeholders get, after :func:`reinsert_numbers`
  put back the source numbers the model dropped (before the output word that attended most to them).
- :func:`rewrite_currency`: "$250" -> "250 dollars" in the English before translation (by rule: the model
  then only has to translate "dollars"; French writes the amount before the currency).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np

from desktop.runtime.french_forms import find_forms, french_form
from desktop.runtime.placeholders import NAME, NUMBER_RE, PLACEHOLDER_RE, digits, french_number
from desktop.runtime.subword import SPACE_MARK

NNBSP_OR_SPACE = re.compile(r"[ \u00a0\u202f]")
MIN_SIMILARITY = 0.5  # digits of an output number and a source number this alike are the same number
# A number in French output: "7 h 45", "1 250", "3,5", "1987"; letters glued to it ("1450di") belong to it.
OUTPUT_NUMBER = re.compile(r"(?<![\w.,])\d+(?:(?:[.,:]|[ \u00a0\u202f]?h[ \u00a0\u202f]?(?=\d)|"
                            r"[ \u00a0\u202f](?=\d{3}(?!\d)))\d+)*([^\W\d_]*)")
_CURRENCY = {"$": "dollars", "US$": "dollars", "\u20ac": "euros", "\u00a3": "pounds", "\u00a5": "yen"}
_CURRENCY_AMOUNT = re.compile(r"(US\$|[$\u20ac\u00a3\u00a5])\s?(\d+(?:[.,:]\d+)*)"
                              r"(\s(?:million|billion|thousand))?(?!\w)")


def rewrite_currency(text: str) -> str:
    """"$250" -> "250 dollars", "$3.5 million" -> "3.5 million dollars", "€20" -> "20 euros"."""
    return _CURRENCY_AMOUNT.sub(lambda m: f"{m.group(2)}{m.group(3) or ''} {_CURRENCY[m.group(1)]}", text)


def slot_value(token: str, value: str) -> str:
    """What a placeholder becomes in French: dates, clock times and titled names as French writes them
    ("le 3 mars", "18 h 30", "M. Johnson"), other numbers formatted, other names as they are."""
    by_rule = french_form(value)
    if by_rule is not None:
        return by_rule
    return value if PLACEHOLDER_RE.fullmatch(token).group(1) == NAME else french_number(value)


def _insertion_point(pieces: list[str], index: int) -> int:
    """Where to insert a word aligned with output piece ``index``: before that piece if it is punctuation
    ("." at the end), else before the word it belongs to."""
    if not any(ch.isalnum() for ch in pieces[index]):
        return index
    while index > 0 and not pieces[index].startswith(SPACE_MARK):
        index -= 1
    return index


def fill_pieces(pieces: list[str], attention: np.ndarray, slots: dict[str, str],
                src_positions: dict[str, int], src_counts: dict[str, int] | None = None
                ) -> tuple[list[str], np.ndarray]:
    """Output ``pieces`` with every placeholder filled from ``slots`` (see the module docstring).

    ``attention`` is [len(pieces), source pieces]; ``src_positions`` maps each placeholder to its source piece
    index, ``src_counts`` says how often the source uses it ("0 to 10, where 10 is the worst": twice), so a
    placeholder is kept as many times as that, the occurrences the model attended most from it. Returns the
    new pieces and their attention rows (an inserted placeholder gets a one-hot row)."""
    pieces, rows = list(pieces), [row for row in np.asarray(attention, np.float32)]
    width = attention.shape[1] if attention.ndim == 2 else 0

    def remove(index: int) -> None:
        del pieces[index], rows[index]
        if index > 0 and pieces[index - 1] == SPACE_MARK:  # the lone space mark in front of it
            del pieces[index - 1], rows[index - 1]

    for token in {p for p in pieces if PLACEHOLDER_RE.fullmatch(p)}:
        where = [i for i, p in enumerate(pieces) if p == token]
        if token not in slots:
            keep: set[int] = set()
        else:
            column = src_positions.get(token)
            wanted = max(1, (src_counts or {}).get(token, 1))
            ranked = sorted(where, key=lambda i: -rows[i][column]) if column is not None and width else where
            keep = set(ranked[:wanted])
        for index in sorted((i for i in where if i not in keep), reverse=True):
            remove(index)
    for token, column in sorted(src_positions.items(), key=lambda item: item[1]):
        if token in pieces or token not in slots:
            continue
        one_hot = np.zeros(width, np.float32)
        if width:
            one_hot[column] = 1.0
        if rows and width:
            at = _insertion_point(pieces, int(np.argmax([row[column] for row in rows])))
        else:
            at = len(pieces)
        first = at == 0 and not (pieces and pieces[0].startswith(SPACE_MARK))
        new = [token] if first else [SPACE_MARK, token]
        if first and pieces:
            pieces[0] = SPACE_MARK + pieces[0]
        pieces[at:at] = new
        rows[at:at] = [one_hot] * len(new)
    filled = [slot_value(p, slots[p]) if p in slots else p for p in pieces]
    matrix = np.stack(rows) if rows else np.zeros((0, width), np.float32)
    return filled, matrix


def reinsert_numbers(source: str, offsets: list[tuple[int, int]], pieces: list[str],
                     attention: np.ndarray) -> tuple[list[str], np.ndarray]:
    """For a model without placeholders: every number of ``source`` (the model's input text; ``offsets`` are its
    pieces' character spans) that no output number resembles is put back, in French form, before the output
    word that attended most to its pieces. Returns the new pieces and attention rows."""
    output = "".join(pieces).replace(SPACE_MARK, " ")
    found = [digits(m.group()) for m in OUTPUT_NUMBER.finditer(output)]
    pieces, rows = list(pieces), [row for row in np.asarray(attention, np.float32)]
    for match in NUMBER_RE.finditer(source):
        wanted = digits(match.group())
        if any(SequenceMatcher(None, wanted, f).ratio() >= MIN_SIMILARITY for f in found):
            continue
        columns = [j for j, (start, end) in enumerate(offsets) if start < match.end() and end > match.start()]
        if rows and columns:
            at = _insertion_point(pieces, int(np.argmax([row[columns].sum() for row in rows])))
        else:
            at = len(pieces)
        one_hot = np.zeros(len(offsets), np.float32)
        one_hot[columns] = 1.0 / max(1, len(columns))
        if at == 0 and pieces and not pieces[0].startswith(SPACE_MARK):
            pieces[0] = SPACE_MARK + pieces[0]
        pieces.insert(at, SPACE_MARK + french_number(match.group()))
        rows.insert(at, one_hot)
        found.append(wanted)
    matrix = np.stack(rows) if rows else np.zeros((0, len(offsets)), np.float32)
    return pieces, matrix


def _spans_of(texts: list[str], output: str) -> list[tuple[int, int]]:
    """Where each of ``texts`` occurs in ``output`` (any kind of space matching any other)."""
    spans = []
    for text in filter(None, texts):
        pattern = r"[ \u00a0\u202f]".join(re.escape(part) for part in NNBSP_OR_SPACE.split(text))
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, output)]
    return spans


def repair_numbers(source: str, output: str) -> str:
    """``output`` with its numbers made the source's (see the module docstring). Dates and clock times are left
    out on both sides: they are written by rule ("6:30 p.m." is rightly "18 h 30"), and an output number that
    runs into one ("17 h 15 mai", a time before a date) is no number to repair."""
    forms = [(start, end) for start, end, _ in find_forms(source, titles=False)]
    written = _spans_of([french_form(source[start:end]) or "" for start, end in forms], output)
    wanted = [m.group() for m in NUMBER_RE.finditer(source) if not any(a <= m.start() < b for a, b in forms)]
    found = [m for m in OUTPUT_NUMBER.finditer(output)
             if not any(a < m.end() and m.start() < b for a, b in written)]
    if not wanted or not found:
        return output
    pairs = sorted(((SequenceMatcher(None, digits(m.group()), digits(w)).ratio(), i, j)
                    for i, m in enumerate(found) for j, w in enumerate(wanted)), reverse=True)
    chosen: dict[int, int] = {}
    for ratio, i, j in pairs:
        if ratio >= MIN_SIMILARITY and i not in chosen and j not in chosen.values():
            chosen[i] = j
    out, pos = [], 0
    for i, match in enumerate(found):
        if i not in chosen:
            continue
        number = french_number(wanted[chosen[i]])
        glued = match.group(1)
        same_digits = digits(match.group()) == digits(number)
        text = match.group()[: len(match.group()) - len(glued)] if same_digits and glued else match.group()
        if same_digits and text.replace("\u00a0", "\u202f") == number.replace("\u00a0", "\u202f"):
            continue
        replacement = number + (glued if same_digits else "")
        out += [output[pos : match.start()], replacement]
        pos = match.end()
    out.append(output[pos:])
    return "".join(out)
