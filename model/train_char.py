"""Trains the character-level language model on tinyshakespeare (nanoGPT's 90/10 split).

    python -m model.train_char model/configs/shakespeare_char.toml [--key=value ...]
    torchrun --standalone --nproc_per_node=2 -m model.train_char ... (DDP)
    python -m model.train_char --dry_run=true   (a seconds-long smoke run)
"""

from __future__ import annotations

from dataclasses import dataclass

from model import config as configlib
from model.char_rnn import CharRNN, CharRNNConfig
from model.data import load_char_corpus
from model.lm_task import LMTrainConfig, lm_task
from model.trainer import train


@dataclass
class CharTrainConfig(LMTrainConfig):
    data: str = "../shared/data/tinyshakespeare/input.txt"
    out_dir: str = "runs/shakespeare-char"

    def model_config(self, vocab_size: int) -> CharRNNConfig:
        """The model's configuration for a vocabulary of ``vocab_size`` characters."""
        return CharRNNConfig(vocab_size=vocab_size, **self.rnn_args())


def train_char(cfg: CharTrainConfig) -> dict:
    """Trains a CharRNN as ``cfg`` says; returns the final progress record."""
    return train(cfg, lm_task(lambda c: load_char_corpus(c.data), lambda n: CharRNN(cfg.model_config(n))))


def main(argv: list[str] | None = None) -> int:
    return configlib.run(CharTrainConfig(), train_char, argv)


if __name__ == "__main__":
    raise SystemExit(main())
