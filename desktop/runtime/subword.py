"""Subword tokenizer of the translator, shared by training and the app: byte-pair encoding from Hugging
Face ``tokenizers`` (a Rust library; no torch), stored as JSON.

Text is first passed through :func:`~desktop.runtime.translation_text.normalize_text`. Then spaces become a
``▁`` prefix on the next piece (SentencePiece's "metaspace", so decoding restores spacing exactly), every digit
is a piece of its own (any number, "1914" or "223-1374", is spelled digit by digit and can be copied), and
punctuation is split off words. The BPE merges are learnt on the training split only. Every letter,
digit and punctuation mark the corpus uses is in the vocabulary, so names never seen in training ("Zyxtar")
come through as smaller pieces; only characters absent from the corpus (emoji, other scripts) become
``<unk>``, which the translator replaces by the source text it attended to.

The file format follows the contract's vocabulary JSON: ``{"type": "subword", "tokens", "specials",
"tokenizer": <the tokenizers library's own JSON>}``.

The app encodes and decodes with :class:`~desktop.runtime.bpe.BpeEncoder`, a pure-Python copy of this pipeline
that gives the same ids, pieces and offsets (tested against ``tokenizers``), so the executable does not carry the
library (10.8 MiB); training, and a tokenizer of another shape, use ``tokenizers`` itself (imported when needed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.runtime.bpe import BpeEncoder
from desktop.runtime.translation_text import normalize_text

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
SPECIALS = (PAD, UNK, BOS, EOS)  # ids 0, 1, 2, 3 in this order
SPACE_MARK = "\u2581"  # "▁": the piece starts a new word
# Always in the vocabulary, whatever the training text holds.
BASE_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
    ".,;:!?'\"-()[]«»%€$£&/+*=#@…"
)


@dataclass(frozen=True)
class Encoded:
    """A tokenized text: ids, their pieces, and each piece's character span in ``text``."""

    text: str  # the normalized text the offsets refer to
    ids: np.ndarray  # int64 [n]
    tokens: list[str]
    offsets: list[tuple[int, int]]


def _empty_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    tokenizer = Tokenizer(models.BPE(unk_token=UNK))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=SPACE_MARK, prepend_scheme="first"),
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Punctuation(behavior="isolated"),
    ])
    tokenizer.decoder = decoders.Metaspace(replacement=SPACE_MARK, prepend_scheme="first")
    return tokenizer


class SubwordTokenizer:
    """Normalizes, encodes and decodes text with a trained BPE model."""

    def __init__(self, data: dict, tokenizer: Any = None):
        """``data``: the ``tokenizers`` JSON of the tokenizer; ``tokenizer``: the library's object when there is
        one already (training), else it is made from ``data`` only if needed."""
        self._data = data
        self._tokenizer = tokenizer
        try:
            self.encoder: BpeEncoder | None = BpeEncoder.from_json(data)
        except (ValueError, KeyError, TypeError):
            self.encoder = None  # another pipeline: the library encodes
        if self.encoder is not None:
            by_id = {i: t for t, i in self.encoder.vocab.items()} | {i: t for t, i in self.encoder.added.items()}
        else:
            by_id = {i: self.tokenizer.id_to_token(i) for i in range(self.tokenizer.get_vocab_size())}
        ids = [next((i for i, t in by_id.items() if t == special), None) for special in SPECIALS]
        if ids != list(range(len(SPECIALS))):
            raise ValueError(f"a translator tokenizer needs {', '.join(SPECIALS)} as ids 0-3, found ids {ids}")
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = ids
        self.tokens = [by_id[i] for i in range(max(by_id) + 1)]

    @property
    def tokenizer(self) -> Any:
        """The ``tokenizers`` object (imported and built on first use: training, batch encoding)."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_str(json.dumps(self._data))
        return self._tokenizer

    @classmethod
    def train(cls, texts: Iterable[str], vocab_size: int, min_frequency: int = 2,
              atomic: tuple[str, ...] = ()) -> SubwordTokenizer:
        """Learns BPE merges from ``texts`` (normalized here) up to ``vocab_size`` pieces. ``atomic`` pieces
        (the translator's placeholders) are never split and come right after the four specials."""
        from tokenizers import trainers

        tokenizer = _empty_tokenizer()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=[*SPECIALS, *atomic],
            initial_alphabet=sorted(set(BASE_ALPHABET)), show_progress=False,
        )
        tokenizer.train_from_iterator((normalize_text(t) for t in texts), trainer)
        return cls(json.loads(tokenizer.to_str()), tokenizer)

    @classmethod
    def from_json(cls, data: dict) -> SubwordTokenizer:
        """Reads the JSON form written by :meth:`to_json`."""
        if data.get("type") != "subword" or not isinstance(data.get("tokenizer"), dict):
            raise ValueError('not a subword vocabulary (expected {"type": "subword", "tokenizer": {...}})')
        return cls(data["tokenizer"])

    @classmethod
    def load(cls, path: Path) -> SubwordTokenizer:
        """Loads a tokenizer JSON file."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_json(self) -> dict:
        """The contract's vocabulary JSON, with the library's own JSON under ``tokenizer``."""
        return {
            "type": "subword",
            "library": "tokenizers (BPE)",
            "tokens": self.tokens,
            "specials": {"pad": PAD, "unk": UNK, "bos": BOS, "eos": EOS},
            "tokenizer": self._data,
        }

    def save(self, path: Path) -> None:
        """Writes the tokenizer as JSON."""
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> Encoded:
        """Normalized text -> pieces (no BOS/EOS)."""
        text = normalize_text(text)
        if self.encoder is not None:
            ids, tokens, offsets = self.encoder.encode(text)
            return Encoded(text, np.asarray(ids, dtype=np.int64), tokens, offsets)
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        return Encoded(text, np.asarray(enc.ids, dtype=np.int64), list(enc.tokens), [tuple(o) for o in enc.offsets])

    def encode_ids(self, texts: list[str]) -> list[list[int]]:
        """Many texts at once -> id lists (for training; normalized here)."""
        encodings = self.tokenizer.encode_batch([normalize_text(t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]

    def decode(self, ids: Iterable[int]) -> str:
        """Ids -> text with spacing restored; the four specials are dropped, atomic pieces (placeholders) kept."""
        specials = (self.pad_id, self.unk_id, self.bos_id, self.eos_id)
        kept = [int(i) for i in ids if int(i) not in specials]
        if self.encoder is None:
            return self.tokenizer.decode(kept, skip_special_tokens=False)
        text = "".join(self.tokens[i] for i in kept).replace(SPACE_MARK, " ")
        return text[1:] if text.startswith(" ") else text  # Metaspace: the space put before the text goes

    def decode_pieces(self, pieces: list[str]) -> str:
        """Pieces -> text (spacing restored), keeping any piece as written (used after <unk> replacement)."""
        return "".join(pieces).replace(SPACE_MARK, " ").strip()


def display_piece(piece: str) -> str:
    """A piece as a heat-map label: the word-start mark shown as nothing, a bare mark as a space sign."""
    return piece.replace(SPACE_MARK, "") or "\u2423"


def word_spans(pieces: list[str]) -> list[tuple[int, int]]:
    """Groups pieces into words: a piece starting with ``▁`` starts a word; the others (continuations,
    apostrophes, attached punctuation, following digits) join the current word. Returns [start, end) piece
    index ranges."""
    spans: list[tuple[int, int]] = []
    for i, piece in enumerate(pieces):
        if piece.startswith(SPACE_MARK) or not spans:
            spans.append((i, i + 1))
        else:
            spans[-1] = (spans[-1][0], i + 1)
    return spans
