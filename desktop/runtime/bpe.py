"""Encoding with a trained BPE tokenizer in pure Python, for the app: the same ids, pieces and offsets as Hugging
Face ``tokenizers`` gives for the one pipeline the translator uses (tests compare the two on many texts), without
its 10.8 MiB native library in the executable. Training and anything else still use ``tokenizers``.

The pipeline (``desktop/runtime/subword.py``): NFC; Metaspace (spaces become ``▁``, one ``▁`` put before the
text, a split before each ``▁``); every numeric character a piece of its own; every punctuation character a piece
of its own; then BPE merges by rank within each piece, a character missing from the vocabulary becoming one
``<unk>``. :meth:`BpeEncoder.from_json` refuses any other configuration (``ValueError``), and the caller falls
back to ``tokenizers``.
"""

from __future__ import annotations

import string
import unicodedata
from functools import lru_cache

SPACE_MARK = "\u2581"
_ASCII_PUNCTUATION = frozenset(string.punctuation)
Span = tuple[int, int]


def is_punctuation(ch: str) -> bool:
    """Rust's ``is_ascii_punctuation() || is_punctuation()`` (Unicode categories P*), as ``tokenizers`` splits."""
    return ch in _ASCII_PUNCTUATION or unicodedata.category(ch).startswith("P")


def is_numeric(ch: str) -> bool:
    """Rust's ``char::is_numeric`` (Unicode categories Nd, Nl, No)."""
    return unicodedata.category(ch) in ("Nd", "Nl", "No")


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"this tokenizer has {what}, which the pure-Python encoder does not implement")


class BpeEncoder:
    """Encodes normalized text into (ids, pieces, offsets) like ``tokenizers`` does for this pipeline."""

    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]], unk_id: int,
                 added: dict[str, int] | None = None, prepend: str = "always"):
        self.vocab = vocab
        # longest first, so a match at a position is the longest one there
        self.added = dict(sorted((added or {}).items(), key=lambda item: -len(item[0])))
        self.prepend = prepend
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.unk_id = unk_id
        self.tokens = {i: t for t, i in vocab.items()}
        self._word = lru_cache(maxsize=65536)(self._merge_word)

    @classmethod
    def from_json(cls, tokenizer: dict) -> BpeEncoder:
        """From the ``tokenizers`` JSON of a translator tokenizer; ValueError for any other pipeline."""
        normalizer = tokenizer.get("normalizer")
        _check(normalizer is None or normalizer.get("type") == "NFC", f"the normalizer {normalizer}")
        pre = tokenizer.get("pre_tokenizer") or {}
        steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
        kinds = [s.get("type") for s in steps]
        _check(kinds == ["Metaspace", "Digits", "Punctuation"], f"the pre-tokenizers {kinds}")
        meta, digits, punct = steps
        _check(meta.get("replacement") == SPACE_MARK and meta.get("split", True)
               and meta.get("prepend_scheme", "always") in ("always", "first"), f"Metaspace {meta}")
        _check(digits.get("individual_digits") is True, f"Digits {digits}")
        _check(punct.get("behavior", "Isolated").lower() == "isolated", f"Punctuation {punct}")
        model = tokenizer.get("model") or {}
        _check(model.get("type") == "BPE" and not model.get("dropout") and not model.get("byte_fallback")
               and not model.get("fuse_unk") and not model.get("continuing_subword_prefix")
               and not model.get("end_of_word_suffix") and not model.get("ignore_merges"), "this BPE model")
        vocab = dict(model["vocab"])
        merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        unk = model.get("unk_token")
        _check(unk in vocab, "no unknown-piece token")
        added = {}
        for token in tokenizer.get("added_tokens") or []:
            _check(not (token.get("lstrip") or token.get("rstrip") or token.get("single_word")
                        or token.get("normalized")), f"the added token {token}")
            added[token["content"]] = token["id"]
        return cls(vocab, merges, vocab[unk], added, meta.get("prepend_scheme", "always"))

    # -- pre-tokenization ---------------------------------------------------------------------------------

    def pre_tokenize(self, text: str, start: int = 0) -> list[list[tuple[str, Span]]]:
        """Pieces of ``text`` (a part of the input beginning at ``start``) as lists of (character, span in the
        input): a space's ``▁`` spans the space; the ``▁`` put before the part (unless it starts with one) spans
        its first character, as ``tokenizers`` aligns it."""
        chars = [(SPACE_MARK if ch == " " else ch, (start + i, start + i + 1)) for i, ch in enumerate(text)]
        prepend = self.prepend == "always" or start == 0
        if chars and prepend and chars[0][0] != SPACE_MARK:
            chars.insert(0, (SPACE_MARK, chars[0][1]))
        words: list[list[tuple[str, Span]]] = []
        for item in chars:  # Metaspace: split before each ▁ (merged with what follows)
            if item[0] == SPACE_MARK or not words:
                words.append([item])
            else:
                words[-1].append(item)
        for isolate in (is_numeric, is_punctuation):
            split: list[list[tuple[str, Span]]] = []
            for word in words:
                current: list[tuple[str, Span]] = []
                for item in word:
                    if isolate(item[0]):
                        if current:
                            split.append(current)
                        split.append([item])
                        current = []
                    else:
                        current.append(item)
                if current:
                    split.append(current)
            words = split
        return words

    def split_added(self, text: str) -> list[tuple[str, int, int | None]]:
        """``text`` cut around the added tokens it spells (``<unk>``, placeholders; leftmost, longest first), as
        ``tokenizers`` does before pre-tokenizing: (part, start, the added token's id or None)."""
        parts: list[tuple[str, int, int | None]] = []
        i = last = 0
        while i < len(text):
            match = next((t for t in self.added if text.startswith(t, i)), None)
            if match is None:
                i += 1
                continue
            if i > last:
                parts.append((text[last:i], last, None))
            parts.append((match, i, self.added[match]))
            i = last = i + len(match)
        if last < len(text):
            parts.append((text[last:], last, None))
        return parts

    # -- BPE ----------------------------------------------------------------------------------------------

    def _merge_word(self, word: str) -> tuple[tuple[int, int, int], ...]:
        """BPE on one piece: ``(id, start, end)`` per output piece, start/end counted in characters of ``word``."""
        symbols = [(ch, i, i + 1) for i, ch in enumerate(word)]
        known = [s[0] in self.vocab for s in symbols]
        while len(symbols) > 1:
            best, at = None, -1
            for i in range(len(symbols) - 1):
                if not (known[i] and known[i + 1]):
                    continue
                rank = self.ranks.get((symbols[i][0], symbols[i + 1][0]))
                if rank is not None and (best is None or rank < best):
                    best, at = rank, i
            if best is None:
                break
            a, b = symbols[at], symbols[at + 1]
            symbols[at : at + 2] = [(a[0] + b[0], a[1], b[2])]
            known[at : at + 2] = [True]
        return tuple((self.vocab[s] if k else self.unk_id, start, end) for (s, start, end), k in zip(symbols, known))

    def encode(self, text: str) -> tuple[list[int], list[str], list[Span]]:
        """Ids, pieces and each piece's character span in ``text`` (already normalized: NFC, single spaces)."""
        ids: list[int] = []
        pieces: list[str] = []
        offsets: list[Span] = []
        for part, begin, added_id in self.split_added(unicodedata.normalize("NFC", text)):
            if added_id is not None:
                ids.append(added_id)
                pieces.append(part)
                offsets.append((begin, begin + len(part)))
                continue
            for word in self.pre_tokenize(part, begin):
                spans = [span for _, span in word]
                for token_id, start, end in self._word("".join(ch for ch, _ in word)):
                    covered = spans[start:end]
                    ids.append(token_id)
                    pieces.append(self.tokens[token_id])
                    offsets.append((min(s for s, _ in covered), max(e for _, e in covered)))
        return ids, pieces, offsets
