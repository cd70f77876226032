"""Converting between Python string indices (code points) and Qt text positions (UTF-16 code units). No Qt.

Qt counts a character outside the Basic Multilingual Plane (an emoji, 𝄞) as two positions; Python as one.
"""

from __future__ import annotations

from bisect import bisect_right


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Utf16Map:
    """Maps indices of one string both ways; cheap when the string has no astral characters."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]  # code-point indices of wide chars
        self._length = len(text)

    def to_utf16(self, index: int) -> int:
        """The Qt position of code-point ``index``."""
        return index + bisect_right(self._astral, index - 1) if self._astral else index

    def from_utf16(self, position: int) -> int:
        """The code-point index at Qt ``position`` (a position inside a surrogate pair rounds down)."""
        if not self._astral:
            return position
        lo, hi = 0, self._length
        while lo < hi:  # the largest index whose UTF-16 position is <= position
            mid = (lo + hi + 1) // 2
            if self.to_utf16(mid) <= position:
                lo = mid
            else:
                hi = mid - 1
        return lo
