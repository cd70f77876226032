"""What the two recurrent language models (model/char_rnn.py, model/word_rnn.py) share: the cell table, the
embedding -> recurrent stack, the zero state, and the contract graph the exporter traces.

A subclass adds its head and says how its output becomes log-probabilities (:meth:`RecurrentLMBase.next_log_probs`).
"""

from __future__ import annotations

import torch
from torch import nn

State = tuple[torch.Tensor, ...]  # (h,) for GRU/RNN, (h, c) for LSTM; each [n_layer, batch, n_hidden]

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RecurrentLMBase(nn.Module):
    """Embedding -> dropout -> ``n_layer`` recurrent layers. ``config`` has vocab_size, cell, n_layer, n_embd,
    n_hidden and dropout."""

    def __init__(self, config):
        super().__init__()
        if config.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, not {config.cell!r}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.rnn = CELLS[config.cell](
            config.n_embd, config.n_hidden, num_layers=config.n_layer,
            dropout=config.dropout if config.n_layer > 1 else 0.0, batch_first=True,
        )

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        """Zero state: the start of a text."""
        c = self.config
        zeros = lambda: torch.zeros(c.n_layer, batch, c.n_hidden, device=device)  # noqa: E731
        return (zeros(), zeros()) if c.cell == "lstm" else (zeros(),)

    def recur(self, idx: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """idx [B, T] int64 -> top-layer outputs [B, T, H], new state."""
        if state is None:
            state = self.init_state(idx.size(0), idx.device)
        x = self.drop(self.embed(idx))  # [B, T, E]
        y, new_state = self.rnn(x, state if self.config.cell == "lstm" else state[0])  # y [B, T, H]
        return y, tuple(new_state) if self.config.cell == "lstm" else (new_state,)

    def next_log_probs(self, idx: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """idx [B, T] -> normalized log-probabilities [B, T, V] of the next token, new state."""
        raise NotImplementedError

    def num_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())


class LMForExport(nn.Module):
    """The graph the contract names: (input_ids, h0[, c0]) -> (log_probs [B, T, V], hn[, cn])."""

    def __init__(self, model: RecurrentLMBase):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, *state: torch.Tensor):
        log_probs, new_state = self.model.next_log_probs(input_ids, tuple(state))
        return (log_probs, *new_state)
