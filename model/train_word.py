"""Trains the word-level language model (next-word completion) on WikiText-2.

    python -m model.train_word model/configs/wikitext2_word.toml [--key=value ...]
    python -m model.train_word --dry_run=true

Standard protocol: WikiText-2's own splits and full 33,278-word vocabulary, <eos> at every line end,
so validation perplexity compares with published numbers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from desktop.runtime.vocab import WordVocab
from model import config as configlib
from model import english_mix
from model.data import load_wikitext
from model.trainer import TrainConfig, train
from model.word_rnn import WordRNN, WordRNNConfig


@dataclass
class WordTrainConfig(TrainConfig):
    data: str = "../shared/data/wikitext-2"
    out_dir: str = "runs/wikitext2-word"
    n_layer: int = 1
    n_embd: int = 256
    n_hidden: int = 512
    dropout: float = 0.4
    cutoffs: str = "2000,10000"
    div_value: float = 4.0
    batch_size: int = 32
    seq_len: int = 70
    eval_streams: int = 10
    eval_seq_len: int = 70
    # General English (model/english_mix.py): "name=path,..." training sources (empty = WikiText-2 alone),
    # their mixture weights "name=w,...", the dev files (comma-separated) that validation reads, the size
    # of the vocabulary chosen from the weighted mixture, a cap on each source's words, tokenizer processes.
    mix_sources: str = ""
    mix_weights: str = ""
    mix_dev: str = ""
    vocab_size: int = 40000
    max_source_words: int = 0
    workers: int = 1

    def model_config(self, vocab_size: int) -> WordRNNConfig:
        cutoffs = tuple(int(c) for c in self.cutoffs.split(","))
        return WordRNNConfig(vocab_size, self.cell, self.n_layer, self.n_embd, self.n_hidden, self.dropout,
                             cutoffs, self.div_value)


def wikitext_corpus(cfg: WordTrainConfig):
    """(vocab, train ids, valid ids) of WikiText-2."""
    vocab, ids = load_wikitext(cfg.data)
    return vocab, ids["train"], ids["valid"]


def mix_corpus(cfg: WordTrainConfig):
    """(vocab, mixed train ids, dev ids) of the general-English mixture (model/english_mix.py)."""
    sources = {name: english_mix.read_tokens(path, cfg.max_source_words, cfg.workers)
               for name, path in english_mix.parse_weights_paths(cfg.mix_sources).items()}
    weights = english_mix.parse_weights(cfg.mix_weights)
    unknown = set(weights) - set(sources)
    if unknown:
        raise ValueError(f"mix_weights names sources that mix_sources lacks: {sorted(unknown)}")
    vocab = english_mix.build_vocab(sources, weights, cfg.vocab_size)
    train_ids = english_mix.mix({name: vocab.encode(tokens) for name, tokens in sources.items()}, weights,
                                cfg.seed)
    dev_tokens = [t for path in filter(None, cfg.mix_dev.split(",")) for t in english_mix.read_tokens(path)]
    if not dev_tokens:
        raise ValueError("mix_dev names no dev file")
    return vocab, train_ids, vocab.encode(dev_tokens)


def load_model(path: str | Path, device: str = "cpu") -> tuple[WordRNN, WordVocab, dict]:
    """Loads a trained WordRNN, its vocabulary and the whole checkpoint dict."""
    ckpt = torch.load(path, map_location=device, weights_only=False)
    args = dict(ckpt["model_args"], cutoffs=tuple(ckpt["model_args"]["cutoffs"]))
    model = WordRNN(WordRNNConfig(**args))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, WordVocab.from_json(ckpt["vocab"]), ckpt


def train_word(cfg: WordTrainConfig) -> dict:
    """Trains a WordRNN as ``cfg`` says; returns the final progress record."""
    corpus = mix_corpus if cfg.mix_sources else wikitext_corpus
    return train(cfg, corpus, lambda vocab_size: WordRNN(cfg.model_config(vocab_size)))


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = configlib.parse_args(WordTrainConfig(), sys.argv[1:] if argv is None else argv)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train_word(cfg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
