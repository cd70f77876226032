"""General-English corpus for the next-word model: english-mix (Wikipedia articles and public-domain books,
xz-compressed) mixed with WikiText-2 train, in WikiText-2's tokens.

Every source is tokenized by :func:`desktop.runtime.wikitext.tokenize`, the function the app runs on the
writer's text, so training and completion can never split words differently ("wasn't" -> ``wasn 't``,
"1,500" -> ``1 @,@ 500``); WikiText-2's own files are already in that form and are split on spaces. Each
non-empty line ends with ``<eos>``.

**Mixture.** Each source's token stream is cut into blocks of ``BLOCK`` tokens; a source of weight ``w`` adds
each of its blocks ``floor(w)`` times plus once more with probability ``w - floor(w)``; the blocks are shuffled
(seeded) and concatenated, so every training batch sees the mixture. The vocabulary is the ``vocab_size - 2``
most frequent tokens of that weighted mixture plus ``<unk>`` and ``<eos>``, most frequent first (the adaptive
softmax's cutoffs rely on that order).

Corpora are streamed with ``lzma.open`` and never copied; plain and ``.xz`` files are both read.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from desktop.runtime.vocab import WordVocab
from desktop.runtime.wikitext import tokenize
from model.data import open_text

BLOCK = 4096  # tokens per mixing block
EOS = "<eos>"


def iter_lines(path: str | Path, max_words: int = 0) -> Iterator[str]:
    """Non-empty lines of a corpus file; ``max_words`` > 0 stops after about that many words."""
    words = 0
    with open_text(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            yield line
            words += line.count(" ") + 1
            if max_words and words >= max_words:
                return


def _tokenize_line(line: str) -> list[str]:
    return [*tokenize(line), EOS]


def _split_line(line: str) -> list[str]:
    return [*line.split(), EOS]


def read_tokens(path: str | Path, max_words: int = 0, workers: int = 1) -> list[str]:
    """A corpus as WikiText-2 tokens with ``<eos>`` after each line. Files named ``*.tokens`` (WikiText-2's
    own) are already tokenized; anything else goes through the app's tokenizer, on ``workers`` processes."""
    pretokenized = Path(path).name.split(".xz")[0].endswith(".tokens")
    fn = _split_line if pretokenized else _tokenize_line
    lines = iter_lines(path, max_words)
    tokens: list[str] = []
    if workers > 1:
        with Pool(workers) as pool:
            for line_tokens in pool.imap(fn, lines, chunksize=512):
                tokens.extend(line_tokens)
    else:
        for line in lines:
            tokens.extend(fn(line))
    return tokens


def parse_weights(text: str) -> dict[str, float]:
    """``"wiki=1,books=1,wikitext=3"`` -> {name: weight}; each weight >= 0."""
    weights = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"mixture weight {item!r} is not name=weight")
        weights[name.strip()] = float(value)
        if weights[name.strip()] < 0:
            raise ValueError(f"mixture weight of {name!r} is negative")
    return weights


def weighted_counts(sources: dict[str, list[str]], weights: dict[str, float]) -> Counter:
    """Token counts of the mixture: each source's counts times its weight."""
    counts: Counter = Counter()
    for name, tokens in sources.items():
        for token, n in Counter(tokens).items():
            counts[token] += n * weights.get(name, 1.0)
    return counts


def build_vocab(sources: dict[str, list[str]], weights: dict[str, float], vocab_size: int) -> WordVocab:
    """The ``vocab_size - 2`` most frequent tokens of the weighted mixture, plus ``<unk>`` and ``<eos>``."""
    counts = weighted_counts(sources, weights)
    counts.pop("<unk>", None)
    counts.pop(EOS, None)
    kept = dict(counts.most_common(max(1, vocab_size - 2)))
    kept[EOS] = math.inf  # line ends are the most frequent token of all
    return WordVocab.from_counts(kept)


def mix(streams: dict[str, np.ndarray], weights: dict[str, float], seed: int = 1234) -> np.ndarray:
    """Shuffled blocks of each source, repeated by weight (see the module docstring): int64 ids [N]."""
    rng = random.Random(seed)
    blocks = []
    for name, ids in streams.items():
        weight = weights.get(name, 1.0)
        for start in range(0, len(ids), BLOCK):
            block = ids[start : start + BLOCK]
            copies = int(weight) + (rng.random() < weight - int(weight))
            blocks.extend([block] * copies)
    rng.shuffle(blocks)
    if not blocks:
        raise ValueError("the mixture is empty: every weight is 0")
    return np.concatenate(blocks)


def parse_weights_paths(text: str) -> dict[str, str]:
    """``"wiki=path,books=path"`` -> {name: path}."""
    sources = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, path = item.partition("=")
        if not sep or not path:
            raise ValueError(f"mix source {item!r} is not name=path")
        sources[name.strip()] = path.strip()
    return sources


def load_mix_corpus(sources: str, weights: str, dev: str, vocab_size: int, seed: int, max_source_words: int = 0,
                    workers: int = 1) -> tuple[WordVocab, np.ndarray, np.ndarray]:
    """(vocabulary, mixed training ids, dev ids) of the general-English mixture: ``sources`` "name=path,...",
    their mixture ``weights`` "name=w,...", the ``dev`` files (comma-separated) validation reads, the size of
    the vocabulary chosen from the weighted mixture, a cap on each source's words, tokenizer processes."""
    tokens = {name: read_tokens(path, max_source_words, workers) for name, path in parse_weights_paths(sources).items()}
    mixture = parse_weights(weights)
    unknown = set(mixture) - set(tokens)
    if unknown:
        raise ValueError(f"mix_weights names sources that mix_sources lacks: {sorted(unknown)}")
    vocab = build_vocab(tokens, mixture, vocab_size)
    train_ids = mix({name: vocab.encode(stream) for name, stream in tokens.items()}, mixture, seed)
    dev_tokens = [t for path in filter(None, dev.split(",")) for t in read_tokens(path)]
    if not dev_tokens:
        raise ValueError("mix_dev names no dev file")
    return vocab, train_ids, vocab.encode(dev_tokens)
