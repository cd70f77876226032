"""Where text enters the runtime: one sanitiser every engine calls on its input (standard library only).

Text from an editor can hold lone UTF-16 surrogates (half of an emoji cut by a selection, or pasted from a
broken source); Python keeps them as code points that no encoder accepts, and the tokenizers library raises
``TypeError`` on them. :func:`clean_text` replaces each with U+FFFD (one code point for one, so offsets into the
text stay valid), and turns anything that is not a ``str`` (None, bytes) into text.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: object) -> str:
    """``text`` as a ``str`` any encoder accepts: lone surrogates become U+FFFD (the length is kept); bytes are
    decoded as UTF-8 (bad bytes replaced); None is ""; anything else is ``str(text)``."""
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    return _SURROGATE.sub(REPLACEMENT, text)
