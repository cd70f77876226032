"""Trains the word-level language model (next-word completion) on WikiText-2, or on the general-English
mixture of model/english_mix.py (``--mix_sources``).

    python -m model.train_word model/configs/wikitext2_word.toml [--key=value ...]
    python -m model.train_word --dry_run=true

Standard protocol: WikiText-2's own splits and full 33,278-word vocabulary, <eos> at every line end,
so validation perplexity compares with published numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from model import config as configlib
from model.data import load_wikitext_corpus
from model.english_mix import load_mix_corpus
from model.lm_task import LMTrainConfig, lm_task
from model.trainer import train
from model.word_rnn import WordRNN, WordRNNConfig


@dataclass
class WordTrainConfig(LMTrainConfig):
    data: str = "../shared/data/wikitext-2"
    out_dir: str = "runs/wikitext2-word"
    # the architecture's defaults are the model's own
    n_layer: int = WordRNNConfig.n_layer
    n_embd: int = WordRNNConfig.n_embd
    n_hidden: int = WordRNNConfig.n_hidden
    dropout: float = WordRNNConfig.dropout
    cutoffs: str = ",".join(map(str, WordRNNConfig.cutoffs))  # adaptive-softmax cluster boundaries
    div_value: float = WordRNNConfig.div_value
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
        """The model's configuration for a vocabulary of ``vocab_size`` words."""
        return WordRNNConfig(vocab_size=vocab_size, cutoffs=tuple(int(c) for c in self.cutoffs.split(",")),
                             div_value=self.div_value, **self.rnn_args())

    def corpus(self):
        """(vocabulary, train ids, validation ids): the mixture if ``mix_sources`` names one, else WikiText-2."""
        if not self.mix_sources:
            return load_wikitext_corpus(self.data)
        return load_mix_corpus(self.mix_sources, self.mix_weights, self.mix_dev, self.vocab_size, self.seed,
                               self.max_source_words, self.workers)


def train_word(cfg: WordTrainConfig) -> dict:
    """Trains a WordRNN as ``cfg`` says; returns the final progress record."""
    return train(cfg, lm_task(WordTrainConfig.corpus, lambda n: WordRNN(cfg.model_config(n))))


def main(argv: list[str] | None = None) -> int:
    return configlib.run(WordTrainConfig(), train_word, argv)


if __name__ == "__main__":
    raise SystemExit(main())
