"""Character-level recurrent language model (char-rnn): embedding -> LSTM/GRU/RNN layers -> linear head.

Read like nanoGPT's model.py: one config dataclass, one module, shapes in comments. The embedding, the
recurrent stack and the zero state are model/rnn_lm.py's, shared with the word model.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from model.rnn_lm import RecurrentLMBase, State


@dataclass
class CharRNNConfig:
    vocab_size: int = 65
    cell: str = "lstm"  # "lstm" | "gru" | "rnn"
    n_layer: int = 2
    n_embd: int = 64
    n_hidden: int = 512
    dropout: float = 0.2


class CharRNN(RecurrentLMBase):
    """A stack of recurrent layers over character embeddings, predicting the next character."""

    def __init__(self, config: CharRNNConfig):
        super().__init__(config)
        self.head = nn.Linear(config.n_hidden, config.vocab_size)

    def forward(
        self, idx: torch.Tensor, state: State | None = None, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, State, torch.Tensor | None]:
        """idx [B, T] int64 -> logits [B, T, V], new state, mean cross-entropy if targets [B, T] given."""
        y, new_state = self.recur(idx, state)  # y [B, T, H]
        logits = self.head(self.drop(y))  # [B, T, V]
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return logits, new_state, loss

    def next_log_probs(self, idx: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """idx [B, T] -> log-softmax of the logits [B, T, V], new state."""
        logits, new_state, _ = self(idx, state)
        return F.log_softmax(logits, dim=-1), new_state
