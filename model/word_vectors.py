"""Trains piece vectors for the translator's embeddings (read by model/pretrained.py).

GloVe's word vectors ("tom", "boston") do not fit the model's BPE pieces: the vectors must be for the same
pieces. Train them on the tokenized training split::

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

from model import config as configlib
from model.train_translate import TranslateTrainConfig


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
    argv = sys.argv[1:] if argv is None else argv
    out = next((a.split("=", 1)[1] for a in argv if a.startswith("--vectors_out=")), "runs/vectors/pieces.txt")
    epochs = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--vectors_epochs=")), "5"))
    rest = [a for a in argv if not a.startswith(("--vectors_out=", "--vectors_epochs="))]
    cfg = configlib.parse_args(TranslateTrainConfig(), rest)
    splits = cfg.splits()
    tokenizer = cfg.make_tokenizer(splits)
    sentences = [tokenizer.encode(text).tokens for pair in splits.train for text in pair]
    count = train_piece_vectors(sentences, cfg.n_embd, Path(out), epochs=epochs, seed=cfg.seed,
                                workers=max(1, cfg.threads))
    print(f"{count} piece vectors of size {cfg.n_embd} -> {out} (tokenizer: {Path(cfg.out_dir) / 'tokenizer.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
