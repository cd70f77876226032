"""The Tatoeba English-French pairs (manythings.org ``fra.txt``): reading, the seeded split by English
sentence, training batches.

**Reading.** Each line is ``English<TAB>French``. Both sides go through
:func:`desktop.runtime.translation_text.normalize_text` (NFC; NO-BREAK, NARROW NO-BREAK and THIN SPACE to
a plain space; zero-width spaces and soft hyphens dropped; curly apostrophes straightened), the same
function the app applies to what the user selects.

**Split.** Pairs are grouped by a loose key of the English sentence (case-folded, letters and digits only),
so "Go." and "Go!" and every French translation of either fall into one split: no English sentence, nor a
punctuation variant of it, is in two splits. Keys are ordered by sha256(seed, key) — stable across Python
versions and machines — and the first ``test_sentences`` keys are the test split, the next
``valid_sentences`` the validation split, the rest training. The test split is scored against all the
references of each English sentence.

**Length filter (training only).** Pairs with more than ``max_tokens`` subword pieces on either side are
dropped from the training batches (and from the validation loss). With the default of 64 and the 8,000-piece
vocabulary that drops 5 of the 159,968 training pairs (multi-sentence paragraphs at the end of the file);
it bounds the memory of a batch. The test split is never filtered.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from desktop.runtime.placeholders import PLACEHOLDERS, learn_name_lists, mask_pair
from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.translation_text import normalize_text
from model.data import open_text

Pair = tuple[str, str]  # (English, French), normalized
DIRECTIONS = ("en-fr", "fr-en")
# The tag piece that opens the source of a synthetic (back-translated) pair, as in Caswell et al. 2019, "Tagged
# Back-Translation": the model learns to tell synthetic sources from real ones and is never shown the tag at run
# time. A tokenizer learnt with ``tag=True`` keeps it whole (an atomic piece, like the placeholders).
BT_TAG = "\u27e6BT\u27e7"


def read_pairs(path: str | Path, limit: int = 0) -> list[Pair]:
    """Normalized (English, French) pairs of a manythings/Tatoeba file; ``limit`` > 0 keeps the first ones.
    Lines that are not two non-empty tab-separated fields raise ValueError with the line number."""
    pairs: list[Pair] = []
    with open_text(path) as f:
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
                raise ValueError(f"{path}:{number}: expected English<TAB>French, got {line[:80]!r}")
            pairs.append((normalize_text(fields[0]), normalize_text(fields[1])))
            if limit and len(pairs) >= limit:
                break
    return pairs


_NOT_ALNUM = re.compile(r"[\W_]+")


def english_key(sentence: str) -> str:
    """The grouping key of an English sentence: case-folded letters and digits only."""
    return _NOT_ALNUM.sub(" ", sentence.casefold()).strip()


@dataclass
class Splits:
    """Pairs of each split, and the test split grouped as English sentence -> all its references."""

    train: list[Pair]
    valid: list[Pair]
    test: list[Pair]
    seed: int
    test_references: dict[str, list[str]] = field(default_factory=dict)
    names: dict | None = None  # placeholders.NameLists JSON when the pairs are masked
    direction: str = "en-fr"  # "fr-en": every pair is (French, English)
    synthetic: list[Pair] = field(default_factory=list)  # back-translated training pairs, mixed with ``train``
    synthetic_note: str = ""
    held_out: set[str] = field(default_factory=set)  # the loose keys of every validation and test sentence

    def describe(self) -> str:
        """One line for the model card."""
        side = 0 if self.direction == "en-fr" else 1
        text = (
            f"Tatoeba split by English sentence (case/punctuation-insensitive key), sha256-seeded with seed "
            f"{self.seed}: {_sentences(self.train, side):,} English sentences / {len(self.train):,} pairs train, "
            f"{_sentences(self.valid, side):,} / {len(self.valid):,} validation, {_sentences(self.test, side):,} / "
            f"{len(self.test):,} test (all references of a test sentence kept)"
        )
        if self.direction != "en-fr":
            text += f"; trained {self.direction} (the pairs turned round)"
        return text + (f"; {self.synthetic_note}" if self.synthetic_note else "")


def _sentences(pairs: list[Pair], side: int = 0) -> int:
    return len({pair[side] for pair in pairs})


def _rank(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"{seed}\t{key}".encode()).digest()


def split_pairs(pairs: list[Pair], test_sentences: int = 3000, valid_sentences: int = 2000, seed: int = 1234) -> Splits:
    """The seeded split by English sentence (see the module docstring)."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[english_key(pair[0])].append(pair)
    keys = sorted(groups, key=lambda k: _rank(seed, k))
    if len(keys) <= test_sentences + valid_sentences:
        raise ValueError(f"{len(keys)} English sentences are too few for {test_sentences} test and "
                         f"{valid_sentences} validation sentences")
    test_keys = keys[:test_sentences]
    valid_keys = keys[test_sentences : test_sentences + valid_sentences]
    train_keys = keys[test_sentences + valid_sentences :]
    pick = lambda chosen: [p for k in chosen for p in groups[k]]  # noqa: E731
    test = pick(test_keys)
    return Splits(pick(train_keys), pick(valid_keys), test, seed, references_of(test))


def references_of(pairs: list[Pair]) -> dict[str, list[str]]:
    """English sentence -> every French reference of it, in file order."""
    references: dict[str, list[str]] = defaultdict(list)
    for en, fr in pairs:
        references[en].append(fr)
    return dict(references)


def load_splits(data: str | Path, test_sentences: int, valid_sentences: int, seed: int, max_train_pairs: int = 0,
                placeholders: bool = False, direction: str = "en-fr") -> Splits:
    """Reads the pairs of ``data`` and makes the seeded split; ``max_train_pairs`` > 0 trims the training split.
    With ``placeholders`` the training and validation pairs are masked (desktop/runtime/placeholders.py) and
    the name lists the app tells names from capitalised words with are learnt from the unmasked train split.

    ``direction`` "fr-en" gives the same split with every pair turned round (French source, English target):
    the masking is the same (it pairs numbers and copied names across both sides), and the name lists are
    learnt from the French side, so ``protect(french, names)`` masks a French sentence as the app masks an
    English one (model/back_translate.py does)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    splits = split_pairs(read_pairs(data), test_sentences, valid_sentences, seed)
    splits.held_out = {english_key(text) for pairs in (splits.valid, splits.test) for pair in pairs for text in pair}
    if max_train_pairs:
        splits.train = splits.train[:max_train_pairs]
    reverse = direction == "fr-en"
    if placeholders:
        splits.names = learn_name_lists([(fr, en) for en, fr in splits.train] if reverse else splits.train).to_json()
        splits.train = [mask_pair(en, fr) for en, fr in splits.train]
        splits.valid = [mask_pair(en, fr) for en, fr in splits.valid]
    if reverse:
        splits.train, splits.valid, splits.test = ([(fr, en) for en, fr in pairs]
                                                   for pairs in (splits.train, splits.valid, splits.test))
        splits.test_references = references_of(splits.test)
        splits.direction = direction
    return splits


def read_synthetic(path: str | Path, splits: Splits, limit: int = 0, seed: int = 0) -> list[Pair]:
    """The synthetic (English, French) pairs of ``path`` (``English<TAB>French`` lines, model/back_translate.py
    writes them), without any whose English or French sentence is in the validation or test split (by the
    split's loose key), so the held-out sentences stay unseen; ``limit`` > 0 keeps a seeded sample of that many
    (in file order: a corpus file is grouped by source, so its first lines would all be of one kind)."""
    kept = [(en, fr) for en, fr in read_pairs(path)
            if english_key(en) not in splits.held_out and english_key(fr) not in splits.held_out]
    if limit and len(kept) > limit:
        chosen = sorted(random.Random(seed).sample(range(len(kept)), limit))
        kept = [kept[i] for i in chosen]
    return kept


def load_or_train_tokenizer(splits: Splits, out_dir: str | Path, path: str = "", vocab_size: int = 8000,
                            placeholders: bool = False, tag: bool = False) -> SubwordTokenizer:
    """The tokenizer at ``path`` if given, else a joint BPE of ``vocab_size`` pieces learnt on both sides of
    the training split (the placeholders, and with ``tag`` the back-translation tag ``BT_TAG``, kept whole);
    saved to ``out_dir/tokenizer.json`` either way."""
    if path:
        tokenizer = SubwordTokenizer.load(Path(path))
    else:
        atomic = (PLACEHOLDERS if placeholders else ()) + ((BT_TAG,) if tag else ())
        tokenizer = SubwordTokenizer.train((text for pair in splits.train for text in pair), vocab_size,
                                           atomic=atomic)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save(out / "tokenizer.json")
    return tokenizer


# --- tensors and batches -----------------------------------------------------------------------------


@dataclass
class EncodedPairs:
    """Token ids of each pair: source without specials, target as <s> ... </s>."""

    src: list[list[int]]
    tgt: list[list[int]]

    def __len__(self) -> int:
        return len(self.src)


def encode_pairs(pairs: list[Pair], src_tok: SubwordTokenizer, tgt_tok: SubwordTokenizer,
                 max_tokens: int = 0) -> EncodedPairs:
    """Tokenizes pairs; ``max_tokens`` > 0 drops pairs with more pieces than that on either side."""
    src = src_tok.encode_ids([en for en, _ in pairs])
    tgt = tgt_tok.encode_ids([fr for _, fr in pairs])
    kept_src, kept_tgt = [], []
    for s, t in zip(src, tgt):
        if not s or not t or (max_tokens and (len(s) > max_tokens or len(t) > max_tokens)):
            continue
        kept_src.append(s)
        kept_tgt.append([tgt_tok.bos_id, *t, tgt_tok.eos_id])
    return EncodedPairs(kept_src, kept_tgt)


def pad_batch(seqs: list[list[int]], pad_id: int = 0) -> torch.Tensor:
    """Right-padded int64 tensor [B, max_len]."""
    out = np.full((len(seqs), max(map(len, seqs))), pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = s
    return torch.from_numpy(out)


@dataclass
class Batch:
    """One training batch: source ids and mask, decoder input (<s> y...) and output (y... </s>)."""

    src: torch.Tensor  # [B, S] int64
    src_mask: torch.Tensor  # [B, S] bool, True at real tokens
    tgt_in: torch.Tensor  # [B, T] int64
    tgt_out: torch.Tensor  # [B, T] int64, pad where tgt_in is pad
    n_tokens: int  # real target tokens

    def to(self, device: str) -> Batch:
        return Batch(self.src.to(device), self.src_mask.to(device), self.tgt_in.to(device), self.tgt_out.to(device),
                     self.n_tokens)


def make_batch(data: EncodedPairs, indices: list[int], pad_id: int = 0) -> Batch:
    """Pads the pairs at ``indices`` into a Batch."""
    src = pad_batch([data.src[i] for i in indices], pad_id)
    tgt = pad_batch([data.tgt[i] for i in indices], pad_id)
    return Batch(src, src != pad_id, tgt[:, :-1], tgt[:, 1:], int((tgt[:, 1:] != pad_id).sum()))


def batch_order(data: EncodedPairs, batch_size: int, epoch: int, seed: int) -> list[list[int]]:
    """The batches of one epoch: pairs shuffled, sorted by length within pools of 50 batches (little
    padding), cut into batches of ``batch_size``, batches shuffled. Deterministic in (seed, epoch), so a
    resumed run sees the same order."""
    rng = random.Random(seed * 100_003 + epoch)
    order = list(range(len(data)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: (len(data.src[i]), len(data.tgt[i])))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def iterate_batches(data: EncodedPairs, batch_size: int, pad_id: int = 0) -> Iterator[Batch]:
    """Evaluation batches in length order (no shuffling)."""
    order = sorted(range(len(data)), key=lambda i: (len(data.src[i]), len(data.tgt[i])))
    for start in range(0, len(order), batch_size):
        yield make_batch(data, order[start : start + batch_size], pad_id)
