"""Pretrained vectors for the translator's embeddings, in GloVe/word2vec text format.

Reading (:func:`read_vectors`, :func:`init_embedding`) needs nothing but numpy and torch. The file has one
``token v1 v2 ... vD`` line per token; a word2vec header line ``count dim`` is skipped if present.

The model's units are BPE pieces, so word vectors (GloVe's "tom", "boston") do not fit them: the vectors
must be for the same pieces. Train them on the tokenized training split::

    python -m model.word_vectors model/configs/tatoeba_translate.toml --out_dir=runs/vectors \\
        --vectors_out=runs/vectors/pieces-256.txt
    python -m model.train_translate model/configs/tatoeba_translate.toml --tokenizer=runs/vectors/tokenizer.json \\
        --pretrained_src=runs/vectors/pieces-256.txt --out_dir=runs/translate-w2v

This uses gensim's word2vec (``pip install gensim``; only for this step, never at run time) on the pieces
of both sides (the vocabulary is joint) and writes the tokenizer it used to ``out_dir/tokenizer.json``; pass
that file as ``--tokenizer`` so the training run uses the very same pieces. The vector size is ``n_embd``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn


def read_vectors(path: str | Path, wanted: set[str] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Token -> float32 vector for the tokens of ``path`` (only those in ``wanted`` if given), and the
    dimension. Raises ValueError on ragged lines."""
    vectors: dict[str, np.ndarray] = {}
    dim = 0
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec header: "count dim"
            if len(parts) < 2:
                continue
            token, values = parts[0], parts[1:]
            if dim == 0:
                dim = len(values)
            elif len(values) != dim:
                raise ValueError(f"{path}:{number}: {len(values)} values, expected {dim}")
            if wanted is None or token in wanted:
                vectors[token] = np.asarray(values, dtype=np.float32)
    return vectors, dim


@torch.no_grad()
def init_embedding(embedding: nn.Embedding, tokens: list[str], path: str | Path) -> dict:
    """Copies the vectors of ``path`` into the rows of ``embedding`` whose token it has (rescaled to the
    embedding's initial standard deviation, so pretrained and random rows have one scale). Returns the
    coverage for the log and the model card."""
    vectors, dim = read_vectors(path, set(tokens))
    if vectors and dim != embedding.embedding_dim:
        raise ValueError(f"{path} has {dim}-dimensional vectors; the model's n_embd is {embedding.embedding_dim}")
    found = [i for i, t in enumerate(tokens) if t in vectors]
    if found:
        matrix = torch.from_numpy(np.stack([vectors[tokens[i]] for i in found]))
        scale = embedding.weight.std() / matrix.std().clamp(min=1e-8)
        embedding.weight[torch.tensor(found)] = matrix * scale
    return {"pretrained": str(path), "covered": len(found), "vocab": len(tokens),
            "coverage": round(len(found) / max(1, len(tokens)), 4)}


def train_piece_vectors(sentences: list[list[str]], dim: int, out: Path, epochs: int = 5, seed: int = 0,
                        workers: int = 1) -> int:
    """Trains skip-gram vectors over piece sequences with gensim and writes them in word2vec text format.
    Returns the number of vectors."""
    try:
        from gensim.models import Word2Vec
    except ImportError:
        raise SystemExit("this step needs gensim: pip install gensim") from None
    model = Word2Vec(sentences, vector_size=dim, window=5, min_count=1, sg=1, epochs=epochs, seed=seed,
                     workers=workers)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.wv.save_word2vec_format(str(out), binary=False)
    return len(model.wv)


def main(argv: list[str] | None = None) -> int:
    from model import config as configlib
    from model.train_translate import TranslateTrainConfig, load_or_train_tokenizer, load_splits

    argv = sys.argv[1:] if argv is None else argv
    out = next((a.split("=", 1)[1] for a in argv if a.startswith("--vectors_out=")), "runs/vectors/pieces.txt")
    epochs = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--vectors_epochs=")), "5"))
    rest = [a for a in argv if not a.startswith(("--vectors_out=", "--vectors_epochs="))]
    cfg = configlib.parse_args(TranslateTrainConfig(), rest)
    splits = load_splits(cfg)
    tokenizer = load_or_train_tokenizer(cfg, splits)
    sentences = [tokenizer.encode(text).tokens for pair in splits.train for text in pair]
    count = train_piece_vectors(sentences, cfg.n_embd, Path(out), epochs=epochs, seed=cfg.seed,
                                workers=max(1, cfg.threads))
    print(f"{count} piece vectors of size {cfg.n_embd} -> {out} (tokenizer: {Path(cfg.out_dir) / 'tokenizer.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
