"""Trains the character-level language model on tinyshakespeare (nanoGPT's 90/10 split).

    python -m model.train_char model/configs/shakespeare_char.toml [--key=value ...]
    torchrun --standalone --nproc_per_node=2 -m model.train_char ... (DDP)
    python -m model.train_char --dry_run=true   (a seconds-long smoke run)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from desktop.runtime.vocab import CharVocab
from model import config as configlib
from model.char_rnn import CharRNN, CharRNNConfig
from model.data import load_char_corpus
from model.trainer import TrainConfig, train


@dataclass
class CharTrainConfig(TrainConfig):
    data: str = "../shared/data/tinyshakespeare/input.txt"
    out_dir: str = "runs/shakespeare-char"

    def model_config(self, vocab_size: int) -> CharRNNConfig:
        return CharRNNConfig(vocab_size, self.cell, self.n_layer, self.n_embd, self.n_hidden, self.dropout)


def load_model(path: str | Path, device: str = "cpu") -> tuple[CharRNN, CharVocab, dict]:
    """Loads a trained CharRNN, its vocabulary and the whole checkpoint dict."""
    ckpt = torch.load(path, map_location=device, weights_only=False)
    model = CharRNN(CharRNNConfig(**ckpt["model_args"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, CharVocab.from_json(ckpt["vocab"]), ckpt


def train_char(cfg: CharTrainConfig) -> dict:
    """Trains a CharRNN as ``cfg`` says; returns the final progress record."""
    return train(cfg, lambda c: load_char_corpus(c.data), lambda vocab_size: CharRNN(cfg.model_config(vocab_size)))


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = configlib.parse_args(CharTrainConfig(), sys.argv[1:] if argv is None else argv)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train_char(cfg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
