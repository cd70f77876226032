"""Between a writer's text and WikiText-2's tokens, both ways.

WikiText-2 (v1, tokenised) splits punctuation off words, splits contractions before the apostrophe
("wasn 't", "John 's"), writes hyphens inside words as " @-@ " and separators inside numbers as
" @,@ " / " @.@ ". The word model was trained on those tokens, so the user's text is tokenised the same
way before it reaches the model, and suggestions are turned back into normal text after.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic forms a writer types, as WikiText writes them.
_NORMALIZE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "", "\u2011": "-", "\u2010": "-",
})
# One token per match, tried in order: a number with separators ("1,500", "3.5"), a word with inner
# hyphens ("well-known"), a contraction suffix right after a word ("'t" in "wasn't"), any other character.
_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)+"
    r"|\w+(?:-\w+)*"
    r"|(?<=\w)'(?:s|t|re|m|ve|ll|d)(?!\w)"
    r"|\S",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"([.,-])")
_MARKERS = {"@-@": "-", "@,@": ",", "@.@": "."}

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...",
                    "'", "'s", "'t", "'re", "'m", "'ve", "'ll", "'d"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}


def normalize(text: str) -> str:
    """NFC, curly quotes straightened, exotic spaces made plain (what WikiText's text looks like)."""
    return unicodedata.normalize("NFC", text).translate(_NORMALIZE)


def tokenize(text: str) -> list[str]:
    """A writer's text -> WikiText-2 tokens (without <eos>; line ends are the caller's business)."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalize(text)):
        token = match.group()
        if len(token) > 2 and _SEPARATOR.search(token) and token[0] != "'":
            # "1,500" -> 1 @,@ 500; "well-known" -> well @-@ known
            tokens.extend(f"@{part}@" if part in ".,-" else part for part in _SEPARATOR.split(token) if part)
        else:
            tokens.append(token)
    return tokens


def detokenize(tokens: list[str]) -> str:
    """WikiText-2 tokens -> normal text (markers joined, punctuation attached, quotes paired)."""
    out: list[str] = []
    glue_next = True  # no space before the first token
    open_quote = False
    for token in tokens:
        if token in _MARKERS:
            out.append(_MARKERS[token])
            glue_next = True
            continue
        glue = glue_next or token in _NO_SPACE_BEFORE
        glue_next = token in _NO_SPACE_AFTER
        if token == '"':
            open_quote = not open_quote
            glue = glue_next or (not open_quote)  # a closing quote hugs the word before it
            glue_next = open_quote  # an opening quote hugs the word after it
        out.append(token if glue else " " + token)
    return "".join(out)
