"""Word-level recurrent language model with an adaptive softmax (Grave et al. 2017).

A full softmax over WikiText-2's 33,278 words dominates the cost of a small LSTM on a CPU; the adaptive
softmax gives the frequent words a full-width head and the rare ones narrower tail clusters, so training
is several times cheaper while the model still defines a normalized distribution over every word. The
export wrapper spells that distribution out as full-vocabulary log-probabilities, as the contract asks.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from model.rnn_lm import RecurrentLMBase, State


@dataclass
class WordRNNConfig:
    vocab_size: int = 33278
    cell: str = "lstm"
    n_layer: int = 1
    n_embd: int = 256
    n_hidden: int = 512
    dropout: float = 0.4
    cutoffs: tuple[int, ...] = (2000, 10000)  # adaptive-softmax cluster boundaries (ids sorted by frequency)
    div_value: float = 4.0  # each tail cluster is this many times narrower than the previous one

    def __post_init__(self):
        self.cutoffs = tuple(self.cutoffs)  # a checkpoint's JSON-like model_args hold a list


class WordRNN(RecurrentLMBase):
    """Embedding -> recurrent layers -> projection to n_embd -> adaptive softmax."""

    def __init__(self, config: WordRNNConfig):
        super().__init__(config)
        self.proj = nn.Linear(config.n_hidden, config.n_embd)
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(
            config.n_embd, config.vocab_size, list(config.cutoffs), div_value=config.div_value
        )

    def features(self, idx: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """idx [B, T] -> features [B, T, n_embd] for the softmax, and the new state."""
        y, new_state = self.recur(idx, state)  # y [B, T, H]
        return self.drop(self.proj(y)), new_state

    def forward(
        self, idx: torch.Tensor, state: State | None = None, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, State, torch.Tensor | None]:
        """idx [B, T] -> features [B, T, E], new state, mean NLL (nats/word) if targets [B, T] given."""
        feats, new_state = self.features(idx, state)
        loss = None
        if targets is not None:
            loss = self.softmax(feats.reshape(-1, feats.size(-1)), targets.reshape(-1)).loss
        return feats, new_state, loss

    def log_probs(self, feats: torch.Tensor) -> torch.Tensor:
        """features [..., E] -> normalized log-probabilities [..., V] over the whole vocabulary.

        Written with torch.cat (not AdaptiveLogSoftmaxWithLoss.log_prob's in-place slice writes) so it
        exports cleanly to ONNX: log p(w) = log p(cluster of w) + log p(w | cluster)."""
        asm = self.softmax
        head = F.log_softmax(asm.head(feats), dim=-1)  # [..., shortlist + n_clusters]
        parts = [head[..., : asm.shortlist_size]]
        for i, tail in enumerate(asm.tail):
            cluster = head[..., asm.shortlist_size + i : asm.shortlist_size + i + 1]
            parts.append(F.log_softmax(tail(feats), dim=-1) + cluster)
        return torch.cat(parts, dim=-1)

    def next_log_probs(self, idx: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """idx [B, T] -> full-vocabulary log-probabilities [B, T, V], new state."""
        feats, new_state = self.features(idx, state)
        return self.log_probs(feats), new_state
