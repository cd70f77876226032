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

State = tuple[torch.Tensor, ...]  # (h,) or (h, c), each [n_layer, batch, n_hidden]

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


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


class WordRNN(nn.Module):
    """Embedding -> recurrent layers -> projection to n_embd -> adaptive softmax."""

    def __init__(self, config: WordRNNConfig):
        super().__init__()
        if config.cell not in _CELLS:
            raise ValueError(f"cell must be one of {sorted(_CELLS)}, not {config.cell!r}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.rnn = _CELLS[config.cell](
            config.n_embd, config.n_hidden, num_layers=config.n_layer,
            dropout=config.dropout if config.n_layer > 1 else 0.0, batch_first=True,
        )
        self.proj = nn.Linear(config.n_hidden, config.n_embd)
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(
            config.n_embd, config.vocab_size, list(config.cutoffs), div_value=config.div_value
        )

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        """Zero state: the start of a text."""
        c = self.config
        zeros = lambda: torch.zeros(c.n_layer, batch, c.n_hidden, device=device)  # noqa: E731
        return (zeros(), zeros()) if c.cell == "lstm" else (zeros(),)

    def features(self, idx: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """idx [B, T] -> features [B, T, n_embd] for the softmax, and the new state."""
        if state is None:
            state = self.init_state(idx.size(0), idx.device)
        x = self.drop(self.embed(idx))  # [B, T, E]
        y, new_state = self.rnn(x, state if self.config.cell == "lstm" else state[0])  # [B, T, H]
        new_state = tuple(new_state) if self.config.cell == "lstm" else (new_state,)
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

    def num_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())


class WordRNNForExport(nn.Module):
    """The contract graph: (input_ids, h0[, c0]) -> (log_probs [B, T, V], hn[, cn])."""

    def __init__(self, model: WordRNN):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, *state: torch.Tensor):
        feats, new_state = self.model.features(input_ids, tuple(state))
        return (self.model.log_probs(feats), *new_state)
