"""desktop.core.textformat and desktop.core.files (no Qt): encodings, byte order marks and line endings survive a save.

Issue 14 item 10 (Latin-1, Windows-1252 and UTF-16 files open and save back as they were) and issue 11 item 6
(an unedited file saves byte for byte the same: CR, mixed CRLF/LF, the UTF-8 BOM, U+2028/U+2029, BOM-less
UTF-16).
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.files import UnencodableError, UnknownEncodingError, read_text_file, write_text_atomic
from desktop.core.textformat import FileFormat, decode_text, describe_format, encode_text

FRENCH = "Café crème à l'été — « déjà vu » pour la façade naïve. Ça coûte 5 €, garçon !"
LATIN1 = "Où est le garçon ? À la plage, l'élève brûle au soleil d'été ; la forêt est très belle."

# Pieces that files are made of: words in several scripts, every kind of line ending, odd characters.
PIECES = ["the", " ", "word", "Café", "naïve", "€", "日本語", "𝄞", "\t", "\u00a0", "\ufeff", "\x0c", "\x1a",
          "\r\n", "\n", "\r", "\u2028", "\u2029", "\ufdd0", "\r\r\n", "\n\r", "", "Ω", "ß"]
ENCODINGS = ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "cp1252", "iso8859-1", "cp1251", "gb18030"]
BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE}

texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@st.composite
def text_files(draw) -> bytes:
    """A text in some encoding, with or without its byte order mark."""
    text = draw(texts)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="ignore")
    if encoding in BOMS and draw(st.booleans()):
        data = BOMS[encoding] + data
    return data


any_bytes = st.one_of(text_files(), st.binary(max_size=64),
                      st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\x00", b"\xff", b"\xfe", b"\xef\xbb\xbf",
                                                b"\xe2\x80\xa8", b"\x80", b"\xc3\xa9", b"\xe9"]), max_size=30)
                      .map(b"".join))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_bytes)
def test_any_bytes_that_open_save_back_byte_identical(data):
    try:
        decoded = decode_text(data)
    except ValueError:
        return  # refused as not text: nothing is opened, so nothing can be damaged
    assert "\r" not in decoded.text and "\u2028" not in decoded.text and "\u2029" not in decoded.text
    assert encode_text(decoded.text, decoded.format) == data


@settings(max_examples=500, deadline=None)
@given(texts, st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le"]), st.booleans())
def test_unicode_files_always_open_and_save_back(text, encoding, bom):
    latin = sum(c < "\u0100" for c in text)
    if not bom and encoding.startswith("utf-16") and latin < 0.6 * len(text):
        return  # UTF-16 without a mark is recognised by the zero bytes of mostly-Latin text only
    data = (BOMS[encoding] if bom or encoding == "utf-32-le" else b"") + text.encode(encoding)
    decoded = decode_text(data)
    assert encode_text(decoded.text, decoded.format) == data


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 40), st.sampled_from(["", "new line\n", "\n", "x"]))
def test_edits_keep_the_endings_of_the_lines_not_edited(text, where, insert):
    decoded = decode_text(text.encode("utf-8"))
    where = min(where, len(decoded.text))
    edited = decoded.text[:where] + insert + decoded.text[where:]
    saved = encode_text(edited, decoded.format).decode("utf-8")
    again = decode_text(saved.encode("utf-8"))
    assert again.text == edited  # the text is what the writer sees, whatever the endings
    before, after = decoded.text[:where], decoded.text[where:]
    if "\n" in before:  # the lines wholly before the edit end as they did in the file
        head = before[: before.rindex("\n") + 1]
        raw = text[: len(_raw_prefix(text, head))]
        assert saved.startswith(raw)
    del after


def _raw_prefix(raw: str, head: str) -> str:
    """The part of ``raw`` (file text) that ``head`` (editor text ending with a line break) came from."""
    lines = head.count("\n")
    from desktop.core.textformat import split_keeping_endings

    file_lines, endings = split_keeping_endings(raw)
    return "".join(line + ending for line, ending in zip(file_lines[:lines], endings[:lines]))


@pytest.mark.parametrize(
    ("data", "text", "described"),
    [
        (b"one\rtwo\r", "one\ntwo\n", "UTF-8 · CR"),
        (b"a\r\nb\nc\r\n", "a\nb\nc\n", "UTF-8 · mixed line endings (CRLF, LF)"),
        (codecs.BOM_UTF8 + b"bom\n", "bom\n", "UTF-8 with BOM · LF"),
        ("para\u2029line\u2028end".encode(), "para\nline\nend", "UTF-8 · mixed line endings (PS, LS)"),
        ("Hello, UTF-16 without a mark.\r\n".encode("utf-16-le"), "Hello, UTF-16 without a mark.\n",
         "UTF-16 LE · CRLF"),
        ("Big endian too.\n".encode("utf-16-be"), "Big endian too.\n", "UTF-16 BE · LF"),
        (codecs.BOM_UTF16_LE + "Marked.\n".encode("utf-16-le"), "Marked.\n", "UTF-16 LE with BOM · LF"),
        ((FRENCH + "\r\n").encode("cp1252"), FRENCH + "\n", "Windows-1252 · CRLF"),
        ((LATIN1 + "\n").encode("latin-1"), LATIN1 + "\n", "Windows-1252 · LF"),
        ("Привет, как дела? Это тестовый текст на русском языке.".encode("cp1251"),
         "Привет, как дела? Это тестовый текст на русском языке.", "Windows-1251 · LF"),
    ],
)
def test_encodings_and_line_endings_are_found_and_kept(tmp_path, data, text, described):
    path = tmp_path / "file.txt"
    path.write_bytes(data)
    loaded = read_text_file(path)
    assert loaded.text == text
    assert describe_format(loaded.format) == described
    path.write_bytes(b"")
    write_text_atomic(path, loaded.text, fmt=loaded.format)
    assert path.read_bytes() == data


def test_reopen_with_another_encoding_and_save_in_it(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Ça coûte 5 €".encode("cp1252"))
    assert read_text_file(path).text == "Ça coûte 5 €"
    as_latin9 = read_text_file(path, encoding="iso8859-15")
    assert as_latin9.text == "Ça coûte 5 \x80"  # 0x80 is a control character there, not the euro sign
    with pytest.raises(UnknownEncodingError, match="not valid UTF-8"):
        read_text_file(path, encoding="utf-8")
    write_text_atomic(path, as_latin9.text + "!", fmt=as_latin9.format)
    assert path.read_bytes() == "Ça coûte 5 \x80!".encode("iso8859-15")


def test_text_the_encoding_cannot_store_is_not_saved(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Café\r\n".encode("cp1252"))
    loaded = read_text_file(path)
    with pytest.raises(UnencodableError, match="cannot store “日”.*line 2"):
        write_text_atomic(path, loaded.text + "日本", fmt=loaded.format)
    assert path.read_bytes() == "Café\r\n".encode("cp1252")


def test_new_lines_in_a_mixed_file_get_its_most_common_ending():
    decoded = decode_text(b"a\r\nb\r\nc\nd")
    assert decoded.format.newline == "\r\n" and decoded.format.mixed
    assert encode_text("a\nNEW\nb\nc\nd", decoded.format) == b"a\r\nNEW\r\nb\r\nc\nd"
    assert encode_text("a\nb\nc\nd\ne", decoded.format) == b"a\r\nb\r\nc\nd\r\ne"
    plain = FileFormat(encoding="utf-8", newline="\r")
    assert encode_text("x\ny", plain) == b"x\ry"
