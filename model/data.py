"""Corpus pipelines, laid out as parallel streams for truncated backpropagation through time:
tinyshakespeare with nanoGPT's 90/10 character split, and WikiText-2 with its own train/valid/test."""

from __future__ import annotations

import lzma
from collections import Counter
from pathlib import Path

import numpy as np

from desktop.runtime.vocab import CharVocab, WordVocab

TRAIN_FRACTION = 0.9  # nanoGPT's shakespeare_char split: first 90% of characters train, last 10% validate


def open_text(path: str | Path):
    """A text handle on a UTF-8 corpus file, decompressing ``.xz`` on the fly (large corpora are streamed)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus not found: {path}")
    if path.suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_text(path: str | Path) -> str:
    """Reads a UTF-8 corpus file, with a clear error if it is missing."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus not found: {path}")
    return path.read_text(encoding="utf-8")


def split_text(text: str, train_fraction: float = TRAIN_FRACTION) -> tuple[str, str]:
    """(train, val) by characters, in order."""
    n = int(len(text) * train_fraction)
    return text[:n], text[n:]


def load_char_corpus(path: str | Path) -> tuple[CharVocab, np.ndarray, np.ndarray]:
    """Vocabulary of the whole file (as nanoGPT builds it) and the encoded train and val ids."""
    text = read_text(path)
    vocab = CharVocab.from_text(text)
    train, val = split_text(text)
    return vocab, vocab.encode(train), vocab.encode(val)


def to_streams(ids: np.ndarray, n_streams: int) -> np.ndarray:
    """Cuts ids into ``n_streams`` contiguous rows [n_streams, L]; the tail that does not fit is dropped.

    Row b continues where the previous chunk of row b ended, so a recurrent state can be carried
    from one chunk to the next (as in PyTorch's word_language_model ``batchify``).
    """
    length = len(ids) // n_streams
    if length < 2:
        raise ValueError(f"{len(ids)} tokens are too few for {n_streams} streams")
    return ids[: n_streams * length].reshape(n_streams, length)


def stream_chunks(streams: np.ndarray, seq_len: int):
    """Yields (x, y) int64 arrays [B, <=seq_len] walking the streams left to right; y is x shifted by one."""
    total = streams.shape[1] - 1
    for start in range(0, total, seq_len):
        end = min(start + seq_len, total)
        yield streams[:, start:end], streams[:, start + 1 : end + 1]


def read_wikitext_tokens(path: str | Path) -> list[str]:
    """Whitespace tokens of a ``wiki.*.tokens`` file with ``<eos>`` at every line end (the standard
    protocol of the PyTorch word_language_model example and the published perplexities)."""
    tokens: list[str] = []
    for line in read_text(path).splitlines():
        tokens.extend(line.split())
        tokens.append("<eos>")
    return tokens


def load_wikitext(data_dir: str | Path, splits: tuple[str, ...] = ("train", "valid")):
    """WikiText-2's vocabulary (from train, most frequent first) and the ids of the requested splits."""
    data_dir = Path(data_dir)
    train_tokens = read_wikitext_tokens(data_dir / "wiki.train.tokens")
    vocab = WordVocab.from_counts(Counter(train_tokens))
    ids = {"train": vocab.encode(train_tokens)}
    for split in splits:
        if split != "train":
            ids[split] = vocab.encode(read_wikitext_tokens(data_dir / f"wiki.{split}.tokens"))
    return vocab, ids


def load_wikitext_corpus(data_dir: str | Path) -> tuple[WordVocab, np.ndarray, np.ndarray]:
    """(vocabulary, train ids, valid ids) of WikiText-2, for training."""
    vocab, ids = load_wikitext(data_dir)
    return vocab, ids["train"], ids["valid"]
