"""How a text file is written on disk: its encoding, byte order mark and line endings. No Qt.

:func:`decode_text` turns a file's bytes into the editor's text (``\\n`` line breaks) and a :class:`FileFormat`
that remembers everything needed to write the same bytes back; :func:`encode_text` does that. An unedited text
encodes to exactly the bytes it was decoded from, whatever the file held: a byte order mark, Windows (CRLF),
old Mac (CR) or Unix (LF) line endings, a mix of them, or Unicode line and paragraph separators
(U+2028/U+2029). Lines the writer adds get the file's most common line ending; lines that stay keep theirs.

The encoding is found in this order:

1. a byte order mark (UTF-8, UTF-16 and UTF-32, little and big endian);
2. UTF-16 without a byte order mark, told by the zero bytes of mostly-ASCII text in every other position;
3. strict UTF-8;
4. ``charset-normalizer``'s guess among ASCII-compatible encodings, Windows-1252 first among the single-byte
   Latin code pages that it cannot tell apart on short texts.

A decoding is only accepted when encoding the text again gives back the very same bytes, and a guessed one
(2 and 4) only when the text has no NUL and few control characters: binary files are refused.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field, replace

UTF8 = "utf-8"
LF, CRLF, CR = "\n", "\r\n", "\r"
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028", "\u2029"
# Qt's text document turns its frame markers, the noncharacters U+FDD0 and U+FDD1, into paragraph breaks: a file
# holding them keeps them the way it keeps its line endings.
FRAME_MARKS = ("\ufdd0", "\ufdd1")
_LINE_END = re.compile("\r\n|\r|\n|\u2028|\u2029|\ufdd0|\ufdd1")
_CONTROL = re.compile("[\x01-\x08\x0e-\x19\x1c-\x1f]")  # controls but tab, line ends, form feed, SUB, ESC
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
_ENDING_NAMES = {LF: "LF", CRLF: "CRLF", CR: "CR", LINE_SEPARATOR: "LS", PARAGRAPH_SEPARATOR: "PS",
                 FRAME_MARKS[0]: "U+FDD0", FRAME_MARKS[1]: "U+FDD1"}

# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, UTF8),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_OF = {encoding: bom for bom, encoding in BOMS}

# The encodings File > Reopen with Encoding offers: (label, Python codec); those this Python lacks are dropped.
ENCODING_CHOICES: tuple[tuple[str, str], ...] = (
    ("UTF-8", "utf-8"),
    ("UTF-16 LE", "utf-16-le"),
    ("UTF-16 BE", "utf-16-be"),
    ("Windows-1252 (Western)", "cp1252"),
    ("ISO-8859-1 (Latin-1)", "iso8859-1"),
    ("ISO-8859-15 (Latin-9)", "iso8859-15"),
    ("Mac Roman", "mac-roman"),
    ("Windows-1250 (Central European)", "cp1250"),
    ("Windows-1251 (Cyrillic)", "cp1251"),
    ("KOI8-R (Cyrillic)", "koi8-r"),
    ("Windows-1253 (Greek)", "cp1253"),
    ("Windows-1254 (Turkish)", "cp1254"),
    ("Shift_JIS (Japanese)", "cp932"),
    ("EUC-JP (Japanese)", "euc_jp"),
    ("GB18030 (Chinese)", "gb18030"),
    ("Big5 (Chinese)", "big5"),
    ("EUC-KR (Korean)", "euc_kr"),
)


def _available(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The choices whose codec this Python has (a frozen build may leave some out)."""
    found = []
    for label, codec in choices:
        try:
            codecs.lookup(codec)
        except LookupError:
            continue
        found.append((label, codec))
    return tuple(found)


ENCODING_CHOICES = _available(ENCODING_CHOICES)
_LABELS = {codecs.lookup(codec).name: label.split(" (")[0] for label, codec in ENCODING_CHOICES}
_LABELS.update({"utf-32-le": "UTF-32 LE", "utf-32-be": "UTF-32 BE", "shift_jis": "Shift_JIS"})

PREFERRED_LATIN = "cp1252"  # the detector's near-ties among Latin code pages go to Windows-1252
WESTERN_SHARE = 0.8  # this share of accented letters next to an ASCII letter reads as Western text
LATIN_TOLERANCE = 10.0  # percent of "chaos" (charset-normalizer's mess measure) counted as a near-tie
UTF16_ZERO_SHARE = 0.3  # at least this share of the code units must have a zero high byte ...
MAX_CONTROL_SHARE = 0.01  # a guessed decoding with more control characters than this is taken for binary data
UTF16_OTHER_ZERO_SHARE = 0.05  # ... and at most this share a zero low byte, to read BOM-less UTF-16


class EncodingError(ValueError):
    """Bytes that Folio cannot read as text, or text that the file's encoding cannot store."""


@dataclass(frozen=True)
class LineLayout:
    """The exact line endings of a file whose endings are not all the same: ``endings[i]`` ends ``lines[i]``."""

    lines: tuple[str, ...]
    endings: tuple[str, ...]


@dataclass(frozen=True)
class FileFormat:
    """What, besides the text, makes up a file's bytes: ``encoding`` (a Python codec name), the byte order mark
    ``bom`` (``b""`` when none), the line ending ``newline`` that lines without one of their own get, and the
    exact ``layout`` of mixed line endings (None when every line ends with ``newline``)."""

    encoding: str = UTF8
    bom: bytes = b""
    newline: str = LF
    layout: LineLayout | None = field(default=None, compare=False, repr=False)

    @property
    def mixed(self) -> bool:
        """Whether the file mixes several kinds of line ending."""
        return self.layout is not None

    def with_encoding(self, encoding: str, bom: bytes | None = None) -> FileFormat:
        """The same line endings in another encoding (``bom`` None: the encoding's own mark when it had one)."""
        encoding = canonical(encoding)
        if bom is None:
            bom = _BOM_OF.get(encoding, b"") if self.bom else b""
        return replace(self, encoding=encoding, bom=bom)

    def with_newline(self, newline: str) -> FileFormat:
        """Every line ending ``newline`` (the mixture, if any, is given up)."""
        return replace(self, newline=newline, layout=None)


@dataclass(frozen=True)
class DecodedText:
    """The editor's text (``\\n`` line breaks) and the format to write it back in."""

    text: str
    format: FileFormat


def canonical(encoding: str) -> str:
    """Python's own name of ``encoding`` (``"latin-1"`` -> ``"iso8859-1"``); raises :class:`LookupError`."""
    return codecs.lookup(encoding).name


def encoding_label(encoding: str) -> str:
    """A name for people: ``"cp1252"`` -> ``"Windows-1252"``."""
    try:
        name = canonical(encoding)
    except LookupError:
        return encoding
    return _LABELS.get(name, name.upper())


def describe_format(fmt: FileFormat) -> str:
    """The status bar's words: ``"UTF-8 · LF"``, ``"UTF-8 with BOM · CRLF"``, ``"Windows-1252 · mixed (CRLF, LF)"``."""
    name = encoding_label(fmt.encoding) + (" with BOM" if fmt.bom else "")
    if fmt.layout is not None:
        kinds = Counter(fmt.layout.endings)
        return f"{name} · mixed line endings ({', '.join(_ENDING_NAMES[k] for k, _ in kinds.most_common())})"
    return f"{name} · {_ENDING_NAMES.get(fmt.newline, repr(fmt.newline))}"


# -- reading -------------------------------------------------------------------------------------------------------


def decode_text(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decodes a file's bytes (in ``encoding`` when given, else detected); raises :class:`EncodingError`."""
    if encoding is not None:
        encoding = canonical(encoding)
        bom = _BOM_OF.get(encoding, b"")
        bom = bom if bom and data.startswith(bom) else b""
        raw = _decode_exactly(data[len(bom) :], encoding)
        if raw is None:
            raise EncodingError(f"it is not valid {encoding_label(encoding)} text")
        return _split_lines(raw, encoding, bom)
    for bom, name in BOMS:
        if data.startswith(bom):
            raw = _decode_exactly(data[len(bom) :], name)
            if raw is None:
                raise EncodingError(f"it starts with a {encoding_label(name)} byte order mark but is not valid "
                                    f"{encoding_label(name)}")
            return _split_lines(raw, name, bom)
    for name in _candidates(data):
        raw = _decode_exactly(data, name)
        if raw is not None and (name == UTF8 or looks_like_text(raw)):
            return _split_lines(raw, name, b"")
    raise EncodingError("its encoding could not be recognised (it may not be a text file)")


def looks_like_text(raw: str) -> bool:
    """False for what a guessed decoding makes of binary data: a NUL, or more than 1% control characters."""
    if "\x00" in raw:
        return False
    controls = sum(1 for _ in _CONTROL.finditer(raw))
    return controls <= MAX_CONTROL_SHARE * len(raw)


def _decode_exactly(body: bytes, encoding: str) -> str | None:
    """``body`` decoded, or None when it does not decode or would not encode back to the same bytes."""
    try:
        raw = body.decode(encoding)
        return raw if raw.encode(encoding) == body else None
    except (UnicodeError, LookupError):
        return None


def _candidates(data: bytes):
    """Encodings to try for ``data`` without a byte order mark, best first."""
    utf16 = utf16_without_bom(data)
    if utf16:
        yield utf16
    yield UTF8
    yield from detected_encodings(data)


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` looks like mostly-Latin UTF-16 (a zero byte in every other
    position), else None."""
    units = len(data) // 2
    if units == 0 or len(data) % 2:
        return None
    even_zeros, odd_zeros = data[0::2].count(0), data[1::2].count(0)
    if odd_zeros >= UTF16_ZERO_SHARE * units and even_zeros <= UTF16_OTHER_ZERO_SHARE * units:
        return "utf-16-le"
    if even_zeros >= UTF16_ZERO_SHARE * units and odd_zeros <= UTF16_OTHER_ZERO_SHARE * units:
        return "utf-16-be"
    return None


def detected_encodings(data: bytes) -> list[str]:
    """``charset-normalizer``'s guesses for ``data``, best first: ASCII-compatible encodings only (a BOM-less
    UTF-16 or EBCDIC guess for a few bytes of Latin text is wrong far more often than right), with Windows-1252
    first when it decodes the text about as cleanly as the best guess."""
    from charset_normalizer import from_bytes  # imported when needed: most files are UTF-8

    matches = [m for m in from_bytes(data) if _ascii_compatible(m.encoding)]
    names = [canonical(m.encoding) for m in matches]
    best = min((m.percent_chaos for m in matches), default=0.0)
    near = [m for m in matches if m.percent_chaos <= best + LATIN_TOLERANCE]
    if any(PREFERRED_LATIN in m.could_be_from_charset for m in near) or reads_as_western(data):
        names.insert(0, PREFERRED_LATIN)
    return list(dict.fromkeys(names))


def reads_as_western(data: bytes) -> bool:
    """Whether ``data`` read as Windows-1252 looks like English or Western European text: its accented letters
    sit inside words of ASCII letters ("crème", "garçon"), as they do not when Cyrillic, Greek or Japanese bytes
    are misread. (The detector often prefers Baltic or Central European code pages for French.)"""
    raw = _decode_exactly(data, PREFERRED_LATIN)
    if raw is None:
        return False
    accented = [m.start() for m in _NON_ASCII_LETTER.finditer(raw)]
    if not accented:
        return False
    inside = sum(1 for i in accented if _ascii_letter(raw, i - 1) or _ascii_letter(raw, i + 1))
    return inside >= WESTERN_SHARE * len(accented)


def _ascii_letter(raw: str, i: int) -> bool:
    return 0 <= i < len(raw) and raw[i].isascii() and raw[i].isalpha()


def _ascii_compatible(encoding: str) -> bool:
    """Whether ``encoding`` writes printable ASCII and line ends as ASCII does (not UTF-16/32, not EBCDIC)."""
    sample = bytes(range(0x20, 0x7F)) + b"\r\n\t"
    try:
        return sample.decode(encoding) == sample.decode("ascii")
    except (UnicodeError, LookupError):
        return False


def _split_lines(raw: str, encoding: str, bom: bytes) -> DecodedText:
    """The editor's text for the decoded file ``raw`` and the format that writes ``raw`` back."""
    while raw.startswith("\ufeff"):  # a second mark (Qt drops a leading U+FEFF): it stays with the first
        bom, raw = bom + "\ufeff".encode(encoding), raw[1:]
    counts = _ending_counts(raw)
    kinds = [k for k, n in counts.items() if n]
    if not kinds:
        return DecodedText(raw, FileFormat(encoding, bom, LF))
    usual = [k for k in kinds if k in (LF, CRLF, CR)] or kinds  # new lines get a usual ending if the file has one
    newline = max(usual, key=lambda k: counts[k])
    if len(kinds) == 1:
        return DecodedText(raw if newline == LF else raw.replace(newline, LF), FileFormat(encoding, bom, newline))
    lines, endings = split_keeping_endings(raw)
    layout = LineLayout(tuple(lines), tuple(endings))
    return DecodedText(LF.join(lines), FileFormat(encoding, bom, newline, layout))


def _ending_counts(raw: str) -> dict[str, int]:
    crlf = raw.count(CRLF)
    counts = {LF: raw.count(LF) - crlf, CRLF: crlf, CR: raw.count(CR) - crlf}
    counts.update((mark, raw.count(mark)) for mark in (LINE_SEPARATOR, PARAGRAPH_SEPARATOR, *FRAME_MARKS))
    return counts


def split_keeping_endings(raw: str) -> tuple[list[str], list[str]]:
    """``raw``'s lines (one more than there are endings) and the line ending after each but the last."""
    lines, endings, start = [], [], 0
    for match in _LINE_END.finditer(raw):
        lines.append(raw[start : match.start()])
        endings.append(match.group())
        start = match.end()
    lines.append(raw[start:])
    return lines, endings


# -- writing -------------------------------------------------------------------------------------------------------


def encode_text(text: str, fmt: FileFormat) -> bytes:
    """The bytes of a file holding ``text`` (``\\n`` line breaks) in format ``fmt``; raises :class:`EncodingError`
    naming the first character the encoding cannot store."""
    raw = _with_line_endings(text, fmt)
    try:
        return fmt.bom + raw.encode(fmt.encoding)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        line = len(_LINE_END.findall(exc.object, 0, exc.start)) + 1
        raise EncodingError(f"{encoding_label(fmt.encoding)} cannot store “{char}” (U+{ord(char):04X}, "
                            f"near line {line})") from None


def _with_line_endings(text: str, fmt: FileFormat) -> str:
    """``text`` with the file's line endings: each line the writer kept ends as it did in the file (lines are
    matched from the start and from the end); new lines end with ``fmt.newline``."""
    if fmt.layout is None:
        return text if fmt.newline == LF else text.replace(LF, fmt.newline)
    old_lines, old_endings = fmt.layout.lines, fmt.layout.endings
    lines = text.split(LF)
    shared = min(len(lines), len(old_lines))
    head = 0
    while head < shared and lines[head] == old_lines[head]:
        head += 1
    tail = 0
    while tail < shared - head and lines[-1 - tail] == old_lines[-1 - tail]:
        tail += 1
    # Line i ends with ending i. The first ``head`` lines are unchanged; so are the last ``tail`` lines, whose
    # endings (except the last line's, which has none) are the old ones counted from the end.
    endings = [fmt.newline] * (len(lines) - 1)
    for i in range(min(head, len(endings), len(old_endings))):
        endings[i] = old_endings[i]
    for k in range(1, tail):  # the k-th line before the last keeps the old k-th ending from the end
        endings[-k] = old_endings[-k]
    if tail and head + tail < len(lines) and len(old_lines) > tail:  # the ending before the unchanged tail
        endings[len(lines) - 1 - tail] = old_endings[len(old_lines) - 1 - tail]
    out: list[str] = []
    for line, ending in zip(lines, endings):
        if ending == LF and not line and out and out[-1].endswith(CR):
            ending = CRLF  # "\r" then "\n" would read back as one CRLF: one line fewer
        out.append(line)
        out.append(ending)
    out.append(lines[-1])
    return "".join(out)

