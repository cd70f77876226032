"""Trains piece vectors for the translator's embeddings (read by model/pretrained.py).

GloVe's word vectors ("tom", "boston") do not fit the model's BPE pieces: the vectors must be for the same
pieces. Train them on the tokenized training split, and on monolingual English and French text::

    python -m model.word_vectors model/configs/tatoeba_translate_placeholders.toml --bt_tag=true \\
        --out_dir=runs/vectors --vectors_out=runs/vectors/pieces-256.npz \\
        --mono_en=../shared/data/english-mix/wiki.train.txt.xz,../shared/data/english-mix/books.train.txt.xz \\
        --mono_fr=../shared/data/french-mix/sentences.txt.xz,../shared/data/french-mix/novels.txt.xz
    python -m model.train_translate model/configs/tatoeba_translate_placeholders.toml --bt_tag=true \\
        --tokenizer=runs/vectors/tokenizer.json --pretrained_src=runs/vectors/pieces-256.npz --out_dir=...

This uses gensim's word2vec (``pip install gensim``, the training extra; never at run time), skip-gram over the
pieces of both sides of the training split (the vocabulary is joint) plus, with ``--mono_en``/``--mono_fr``, a
sample of the lines of those files (xz streamed): every ``--mono_every``-th line, up to ``--mono_words`` words a
language, split evenly between the language's files (document titles ``= ... =`` skipped). The monolingual text
goes through the same tokenizer, so its pieces are the model's pieces; it is not masked with placeholders (the
placeholder pieces get their vectors from the masked Tatoeba text). The tokenizer is written to
``out_dir/tokenizer.json`` (learnt on the training split as train_translate would learn it, or ``--tokenizer``);
pass that file as ``--tokenizer`` so the training run uses the very same pieces. The vector size is ``n_embd``.

``--vectors_out`` ending in ``.npz`` writes a compact file (the tokens and a float16 matrix, about 5 MB for 10,000
pieces of 256: small enough to carry to a borrowed GPU machine); any other name writes word2vec text.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from desktop.runtime.subword import SubwordTokenizer
from model import config as configlib
from model.english_mix import iter_lines
from model.train_translate import TranslateTrainConfig

ENCODE_BATCH = 10_000  # lines tokenized per call (tokenizers encodes a batch in parallel Rust)


def train_piece_vectors(sentences: list[list[str]], dim: int, out: Path, epochs: int = 5, seed: int = 0,
                        workers: int = 1, info: dict | None = None) -> int:
    """Trains skip-gram vectors over piece sequences with gensim and writes them (:func:`write_vectors`).
    Returns the number of vectors."""
    try:
        from gensim.models import Word2Vec
    except ImportError:
        raise SystemExit("this step needs gensim: pip install gensim (the training extra)") from None
    model = Word2Vec(sentences, vector_size=dim, window=5, min_count=1, sg=1, epochs=epochs, seed=seed,
                     workers=workers)
    write_vectors(out, list(model.wv.index_to_key), model.wv.vectors, info)
    return len(model.wv)


def write_vectors(out: Path, tokens: list[str], matrix: np.ndarray, info: dict | None = None) -> None:
    """``.npz``: ``tokens`` (unicode array), ``vectors`` (float16 [n, dim]) and ``info`` (JSON text), compressed;
    otherwise word2vec text (``count dim`` header, one ``token v1 ... vD`` line per token)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".npz":
        np.savez_compressed(out, tokens=np.asarray(tokens), vectors=np.asarray(matrix, dtype=np.float16),
                            info=np.asarray(json.dumps(info or {})))
        return
    with out.open("w", encoding="utf-8") as f:
        f.write(f"{len(tokens)} {matrix.shape[1]}\n")
        for token, row in zip(tokens, matrix):
            f.write(token + " " + " ".join(f"{v:.5f}" for v in row) + "\n")


def sample_lines(paths: Iterable[str | Path], max_words: int, every: int = 1) -> Iterator[str]:
    """Every ``every``-th non-empty line of each file (document titles ``= ... =`` skipped), up to about
    ``max_words`` words in all, split evenly between the files."""
    paths = [Path(p) for p in paths]
    share = max(1, max_words // max(1, len(paths)))
    for path in paths:
        words = 0
        for i, line in enumerate(iter_lines(path)):
            if i % every or (line.startswith("= ") and line.endswith(" =")):
                continue
            yield line
            words += line.count(" ") + 1
            if words >= share:
                break


def piece_sentences(tokenizer: SubwordTokenizer, lines: Iterable[str]) -> Iterator[list[str]]:
    """The pieces of each line (as the model sees them), tokenized in batches."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= ENCODE_BATCH:
            yield from _pieces(tokenizer, batch)
            batch = []
    yield from _pieces(tokenizer, batch)


def _pieces(tokenizer: SubwordTokenizer, batch: list[str]) -> list[list[str]]:
    if not batch:
        return []
    tokens = tokenizer.tokens
    return [[tokens[i] for i in ids] for ids in tokenizer.encode_ids(batch) if ids]


def _paths(value: str) -> list[str]:
    return [p for p in value.split(",") if p]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.word_vectors", description=__doc__.split("\n")[0])
    parser.add_argument("--vectors_out", default="runs/vectors/pieces.txt")
    parser.add_argument("--vectors_epochs", type=int, default=5)
    parser.add_argument("--mono_en", default="", help="English text files (comma-separated; .xz streamed)")
    parser.add_argument("--mono_fr", default="", help="French text files (comma-separated; .xz streamed)")
    parser.add_argument("--mono_words", type=int, default=3_000_000, help="words of monolingual text a language")
    parser.add_argument("--mono_every", type=int, default=4, help="take every N-th line of the monolingual files")
    args, rest = parser.parse_known_args(argv)
    cfg = configlib.parse_args(TranslateTrainConfig(), rest)
    started = time.time()
    splits = cfg.splits()
    tokenizer = cfg.make_tokenizer(splits)
    sentences = list(piece_sentences(tokenizer, (text for pair in splits.train for text in pair)))
    counts = {"tatoeba_pieces": sum(map(len, sentences))}
    for language, paths in (("en", _paths(args.mono_en)), ("fr", _paths(args.mono_fr))):
        if paths:
            before = len(sentences)
            sentences += piece_sentences(tokenizer, sample_lines(paths, args.mono_words, args.mono_every))
            counts[f"mono_{language}_pieces"] = sum(map(len, sentences[before:]))
    print(f"{len(sentences):,} sentences, pieces: {counts} (read in {time.time() - started:.0f}s)", flush=True)
    info = {"tokenizer_pieces": len(tokenizer), "epochs": args.vectors_epochs, "mono_en": args.mono_en,
            "mono_fr": args.mono_fr, "mono_words": args.mono_words, "mono_every": args.mono_every, **counts}
    out = Path(args.vectors_out)
    count = train_piece_vectors(sentences, cfg.n_embd, out, epochs=args.vectors_epochs, seed=cfg.seed,
                                workers=max(1, cfg.threads), info=info)
    covered = count / len(tokenizer)
    print(json.dumps({"vectors": count, "coverage": round(covered, 4), "dim": cfg.n_embd, "out": str(out),
                      "bytes": out.stat().st_size, "seconds": round(time.time() - started, 1),
                      "tokenizer": str(Path(cfg.out_dir) / "tokenizer.json"), **counts}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
