"""Character-level recurrent language model (char-rnn): embedding -> LSTM/GRU/RNN layers -> linear head.

Read like nanoGPT's model.py: one config dataclass, one module, shapes in comments.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

State = tuple[torch.Tensor, ...]  # (h,) for GRU/RNN, (h, c) for LSTM; each [n_layer, batch, n_hidden]


@dataclass
class CharRNNConfig:
    vocab_size: int = 65
    cell: str = "lstm"  # "lstm" | "gru" | "rnn"
    n_layer: int = 2
    n_embd: int = 64
    n_hidden: int = 512
    dropout: float = 0.2


_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class CharRNN(nn.Module):
    """A stack of recurrent layers over character embeddings, predicting the next character."""

    def __init__(self, config: CharRNNConfig):
        super().__init__()
        if config.cell not in _CELLS:
            raise ValueError(f"cell must be one of {sorted(_CELLS)}, not {config.cell!r}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.rnn = _CELLS[config.cell](
            config.n_embd,
            config.n_hidden,
            num_layers=config.n_layer,
            dropout=config.dropout if config.n_layer > 1 else 0.0,
            batch_first=True,
        )
        self.head = nn.Linear(config.n_hidden, config.vocab_size)

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        """Zero state: the start of a text."""
        c = self.config
        zeros = lambda: torch.zeros(c.n_layer, batch, c.n_hidden, device=device)  # noqa: E731
        return (zeros(), zeros()) if c.cell == "lstm" else (zeros(),)

    def forward(
        self, idx: torch.Tensor, state: State | None = None, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, State, torch.Tensor | None]:
        """idx [B, T] int64 -> logits [B, T, V], new state, mean cross-entropy if targets [B, T] given."""
        if state is None:
            state = self.init_state(idx.size(0), idx.device)
        x = self.drop(self.embed(idx))  # [B, T, E]
        rnn_state = state if self.config.cell == "lstm" else state[0]
        y, new_state = self.rnn(x, rnn_state)  # y [B, T, H]
        new_state = tuple(new_state) if self.config.cell == "lstm" else (new_state,)
        logits = self.head(self.drop(y))  # [B, T, V]
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return logits, new_state, loss

    def num_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())


class CharRNNForExport(nn.Module):
    """The graph the contract names: (input_ids, h0[, c0]) -> (log_probs, hn[, cn])."""

    def __init__(self, model: CharRNN):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, *state: torch.Tensor):
        logits, new_state, _ = self.model(input_ids, tuple(state))
        return (F.log_softmax(logits, dim=-1), *new_state)
