"""Translating a whole Markdown document (or a long selection) line by line, keeping its structure
(standard library + the translator; no Qt).

- Line structure is kept: blank lines (paragraph breaks), fenced code blocks, tables, HTML lines and
  horizontal rules are copied; a heading's ``#``, a list item's marker (``-``, ``*``, ``1.``, ``- [ ]``), a
  block quote's ``>`` and the indentation stay in front of the translated text.
- Inline markup: emphasis (``*x*``, ``**x**``, ``_x_``, ``~~x~~``) and link text (``[x](url)``) are taken out
  for translation and put back around the French words that attended to the marked English words (the
  segment's word attention); inline code, images and autolinks are kept as they are, in place of the French
  words aligned with them. A segment whose words cannot be aligned gets the markup around all of it.
- :func:`translate_document` reports progress after each line and stops when ``cancelled()`` says so (then it
  returns None): between lines, and within a line between two model calls (the translator's ``should_stop``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.runtime.guard import Cancelled

_FENCE = re.compile(r"^\s*(```|~~~)")
_VERBATIM_LINE = re.compile(r"^\s*(\|.*|<[^>]+>.*|([-*_])(\s*\2){2,}\s*|\[[^\]]+\]:\s*\S+.*)$")
_PREFIX = re.compile(r"^(\s*(?:>\s?)*(?:#{1,6}\s+|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?)(.*?)(\s*)$")
# Inline markup, outermost first: (pattern, kind). "keep" spans are copied, "wrap" spans wrap French words.
_INLINE = re.compile(
    r"(?P<code>`[^`]+`)"
    r"|(?P<image>!\[[^\]]*\]\([^)]*\))"
    r"|(?P<autolink><(?:https?://|mailto:)[^>]+>)"
    r"|\[(?P<link>[^\]]+)\](?P<target>\([^)]*\))"
    r"|(?P<strong>\*\*|__)(?P<strong_text>\S(?:.*?\S)?)(?P=strong)"
    r"|(?P<strike>~~)(?P<strike_text>\S(?:.*?\S)?)~~"
    r"|(?<![\w*])(?P<em>[*_])(?P<em_text>[^\s*_](?:[^*_]*?[^\s*_])?)(?P=em)(?![\w*])"
)
_TRAILING_PUNCT = re.compile(r"[\s.,;:!?\u202f\u00a0\u2026\"'»)]+$")


@dataclass
class Mark:
    """Inline markup over the plain text ``[start, end)``: ``open`` + French + ``close``, or (``keep``) the
    original text in place of the aligned French words."""

    start: int
    end: int
    open: str = ""
    close: str = ""
    keep: str = ""


def strip_inline(body: str) -> tuple[str, list[Mark]]:
    """The text to translate (markup removed, kept spans as their visible text) and the marks over it."""
    plain, marks, pos = [], [], 0
    length = 0
    for m in _INLINE.finditer(body):
        plain.append(body[pos : m.start()])
        length += m.start() - pos
        if m.group("code") or m.group("image") or m.group("autolink"):
            inner = m.group().strip("`<>") if not m.group("image") else re.sub(r"^!\[|\]\(.*$", "", m.group())
            marks.append(Mark(length, length + len(inner), keep=m.group()))
        elif m.group("link"):
            inner = m.group("link")
            marks.append(Mark(length, length + len(inner), "[", "]" + m.group("target")))
        else:
            kind = next(k for k in ("strong", "strike", "em") if m.group(k))
            inner = m.group(f"{kind}_text")
            marker = m.group(kind)
            marks.append(Mark(length, length + len(inner), marker, marker))
        plain.append(inner)
        length += len(inner)
        pos = m.end()
    plain.append(body[pos:])
    return "".join(plain), marks


def _word_index(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _locate(text: str, words: list[str]) -> list[tuple[int, int] | None]:
    """Character spans of ``words`` found in order in ``text`` (case-insensitive); None where not found."""
    folded, cursor, spans = text.casefold(), 0, []
    for word in words:
        needle = word.strip().casefold()
        at = folded.find(needle, cursor) if needle else -1
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(needle)))
        cursor = at + len(needle)
    return spans


def _apply(segment: Any, local: list[tuple[Mark, int, int]]) -> str:
    """``segment.text`` with each (mark, first source word, end source word) applied to its aligned words."""
    text = segment.text
    n_src = len(segment.src_words)
    edits: list[tuple[int, int, Mark]] = []
    spans = _locate(text, list(segment.tgt_words))
    for mark, a, b in local:
        start = end = None
        if n_src and len(segment.tgt_words) and segment.word_attention.shape[1] == n_src:
            attention = segment.word_attention
            chosen = [t for t in range(len(attention)) if a <= int(attention[t].argmax()) < b]
            if not chosen:
                chosen = [int(attention[:, a:b].sum(1).argmax())]
            found = [spans[t] for t in range(min(chosen), max(chosen) + 1) if spans[t] is not None]
            if found:
                start, end = found[0][0], found[-1][1]
        if start is None:  # no alignment: the markup goes around the whole segment
            start, end = 0, len(text)
        tail = _TRAILING_PUNCT.search(text[start:end])
        if tail and tail.start() > 0:
            end = start + tail.start()
        edits.append((start, end, mark))
    out, last_start = text, len(text) + 1
    for start, end, mark in sorted(edits, key=lambda e: -e[0]):
        if end > last_start:
            continue  # overlaps an edit to its right: skipped
        inner = mark.keep if mark.keep else mark.open + out[start:end] + mark.close
        out = out[:start] + inner + out[end:]
        last_start = start
    return out


def _accepts(translator: Any, option: str) -> bool:
    try:
        return option in inspect.signature(translator.translate).parameters
    except (TypeError, ValueError):
        return False


def translate_body(translator: Any, body: str, beam: int = 4, should_stop: Callable[[], bool] | None = None,
                   surnames: frozenset[str] = frozenset()) -> tuple[str, list[Any]]:
    """One line's text (no block prefix) in French, with its inline markup; and its segments. ``should_stop``
    goes to the translator (which raises ``Cancelled`` when it says stop), and so do the document's
    ``surnames`` (names given in full in one paragraph stay names alone in the next)."""
    plain, marks = strip_inline(body)
    if not plain.strip():
        return body, []
    given = {"should_stop": should_stop, "surnames": surnames}
    options = {name: value for name, value in given.items() if value and _accepts(translator, name)}
    results = translator.translate(plain, beam=beam, **options)
    if not results:
        return body, []
    result = results[0]
    if not marks or not result.segments:
        return result.text, list(result.segments)
    words = _word_index(plain)
    mark_words = []
    for mark in marks:
        covered = [i for i, (s, e) in enumerate(words) if s < mark.end and e > mark.start]
        mark_words.append((mark, covered[0], covered[-1] + 1) if covered else None)
    out, first = [], 0
    for segment in result.segments:
        count = len(segment.source.split())
        local = [(m, a - first, b - first) for item in mark_words if item for m, a, b in [item]
                 if a < first + count and b > first]
        aligned = len(segment.src_words) == count
        out.append(_apply(segment, local if aligned else [(m, 0, 0) for m, _, _ in local]) if local
                   else segment.text)
        first += count
    return " ".join(out), list(result.segments)


@dataclass
class TranslatedDocument:
    """The French document, how many sentences it has and how many the translator is unsure of."""

    text: str
    sentences: int
    unsure: int


@dataclass
class Line:
    """One line of the document: ``prefix`` + ``body`` (translated) + ``suffix``; verbatim lines are copied."""

    prefix: str
    body: str
    suffix: str = ""
    verbatim: bool = False


def split_lines(text: str) -> list[Line]:
    """The document's lines, each with its Markdown prefix apart (see the module docstring)."""
    lines, in_fence = [], False
    for raw in text.split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            lines.append(Line(raw, "", verbatim=True))
        elif in_fence or not raw.strip() or _VERBATIM_LINE.match(raw) or not any(ch.isalpha() for ch in raw):
            lines.append(Line(raw, "", verbatim=True))
        else:
            prefix, body, suffix = _PREFIX.match(raw).groups()
            lines.append(Line(prefix, body, suffix))
    return lines


def translate_document(translator: Any, text: str, beam: int = 4,
                       progress: Callable[[int, int], None] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> TranslatedDocument | None:
    """``text`` (Markdown or plain) in French with its line structure and markup; None when cancelled.
    ``progress(done, total)`` is called after each translated line."""
    lines = split_lines(text)
    surnames = translator.document_surnames(text) if hasattr(translator, "document_surnames") else frozenset()
    total = sum(not line.verbatim for line in lines)
    done, out, sentences, unsure = 0, [], 0, 0
    if progress:
        progress(0, total)
    for line in lines:
        if line.verbatim:
            out.append(line.prefix)
            continue
        if cancelled and cancelled():
            return None
        try:
            french, segments = translate_body(translator, line.body, beam, cancelled, surnames)
        except Cancelled:
            return None
        out.append(line.prefix + french + line.suffix)
        sentences += len(segments)
        unsure += sum(bool(getattr(s, "unsure", False)) for s in segments)
        done += 1
        if progress:
            progress(done, total)
    return TranslatedDocument("\n".join(out), sentences, unsure)
