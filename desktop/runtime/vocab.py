"""Character vocabulary shared by training and the app, stored as JSON (never pickle)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Typographic characters a writer's text often holds, spelled with the plain ASCII a corpus may use instead.
_ASCII_EQUIVALENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "\t": " ", "\r": "",
}


@dataclass
class CharVocab:
    """Maps characters to ids and back.

    ``fallback`` is the character used for anything that stays outside the vocabulary after
    Unicode folding (accents dropped, curly quotes straightened), so encoding never fails.
    """

    tokens: list[str]
    fallback: str = " "
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(set(self.tokens)) != len(self.tokens) or any(len(t) != 1 for t in self.tokens):
            raise ValueError("a character vocabulary needs distinct single characters")
        if self.fallback not in self.tokens:
            self.fallback = self.tokens[0]
        self.index = {ch: i for i, ch in enumerate(self.tokens)}

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """Builds the vocabulary of every character in ``text``, sorted (nanoGPT's convention)."""
        return cls(sorted(set(text)))

    @classmethod
    def from_json(cls, data: dict) -> CharVocab:
        """Reads the JSON form written by :meth:`to_json`."""
        if data.get("type") != "char" or not isinstance(data.get("tokens"), list):
            raise ValueError('not a character vocabulary (expected {"type": "char", "tokens": [...]})')
        return cls(list(data["tokens"]), data.get("specials", {}).get("fallback", " "))

    @classmethod
    def load(cls, path: Path) -> CharVocab:
        """Loads a vocabulary JSON file."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_json(self) -> dict:
        """The JSON form of the contract: ``{"type", "tokens", "specials"}``."""
        return {"type": "char", "tokens": self.tokens, "specials": {"fallback": self.fallback}}

    def save(self, path: Path) -> None:
        """Writes the vocabulary as JSON."""
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def fold(self, text: str) -> str:
        """Rewrites ``text`` into characters of this vocabulary (lossy only for unknown characters)."""
        out = []
        for ch in text:
            if ch in self.index:
                out.append(ch)
                continue
            ch = _ASCII_EQUIVALENTS.get(ch, ch)
            for part in unicodedata.normalize("NFKD", ch):
                if part in self.index:
                    out.append(part)
                elif not unicodedata.combining(part):
                    out.append(self.fallback)
        return "".join(out)

    def encode(self, text: str) -> np.ndarray:
        """Text -> int64 ids; characters outside the vocabulary are folded, never an error."""
        folded = self.fold(text)
        return np.fromiter((self.index[ch] for ch in folded), dtype=np.int64, count=len(folded))

    def decode(self, ids) -> str:
        """Ids -> text."""
        return "".join(self.tokens[int(i)] for i in ids)


@dataclass
class WordVocab:
    """Word types of a word-level model, most frequent first (so adaptive-softmax cutoffs mean
    something), with the specials ``unk`` and ``eos``."""

    tokens: list[str]
    unk: str = "<unk>"
    eos: str = "<eos>"
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {tok: i for i, tok in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise ValueError("a word vocabulary needs distinct tokens")
        for special in (self.unk, self.eos):
            if special not in self.index:
                raise ValueError(f"word vocabulary lacks the special token {special!r}")
        self.unk_id, self.eos_id = self.index[self.unk], self.index[self.eos]

    @classmethod
    def from_counts(cls, counts: dict[str, int], unk: str = "<unk>", eos: str = "<eos>") -> WordVocab:
        """Types sorted by descending count; ties keep the order of ``counts`` (first appearance)."""
        tokens = sorted(counts, key=counts.__getitem__, reverse=True)  # sorted() is stable: ties stay in order
        for special in (unk, eos):
            if special not in counts:
                tokens.append(special)
        return cls(tokens, unk, eos)

    @classmethod
    def from_json(cls, data: dict) -> WordVocab:
        """Reads the JSON form written by :meth:`to_json`."""
        if data.get("type") != "word" or not isinstance(data.get("tokens"), list):
            raise ValueError('not a word vocabulary (expected {"type": "word", "tokens": [...]})')
        specials = data.get("specials", {})
        return cls(list(data["tokens"]), specials.get("unk", "<unk>"), specials.get("eos", "<eos>"))

    @classmethod
    def load(cls, path: Path) -> WordVocab:
        """Loads a vocabulary JSON file."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_json(self) -> dict:
        """The JSON form of the contract."""
        return {"type": "word", "tokens": self.tokens, "specials": {"unk": self.unk, "eos": self.eos}}

    def save(self, path: Path) -> None:
        """Writes the vocabulary as JSON."""
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, tokens: list[str]) -> np.ndarray:
        """Tokens -> int64 ids; unknown words map to ``unk``."""
        get, unk = self.index.get, self.unk_id
        return np.fromiter((get(t, unk) for t in tokens), dtype=np.int64, count=len(tokens))
