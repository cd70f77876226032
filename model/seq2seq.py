"""Sequence-to-sequence translation with attention: bidirectional recurrent encoder, Luong attention decoder.

Read like nanoGPT's model.py: one config dataclass, the modules, shapes in comments.

- Encoder: embedding -> ``n_layer`` bidirectional layers (GRU or LSTM, ``n_hidden // 2`` units a direction;
  the directions' outputs are concatenated, so encoder outputs are ``n_hidden`` wide). Each direction is its
  own one-layer RNN and the backward one reads every sentence reversed *within its length* (a gather), so
  padding never leaks into a state and the graph exports to ONNX without packed sequences.
- Bridge: each decoder layer starts from tanh(W [forward final state; backward final state]) of the encoder
  layer of the same depth (LSTM cell states start at zero).
- Decoder (Luong et al. 2015, "general" score, no input feeding): h_t = RNN(embed(y_{t-1}), h_{t-1});
  a_t = softmax(h_t^T W_a enc) over real source tokens; c_t = a_t enc; o_t = tanh(W_c [h_t; c_t]);
  p(y_t) = softmax(W_o o_t). Without input feeding the whole target sequence runs through the RNN at once
  in training (teacher forcing), which is several times faster than a step loop.
- Embeddings: the source and target embeddings are one matrix when the vocabulary is joint
  (``share_embeddings``), and the output layer reuses the target embedding (``tie_output``: o_t is
  projected to ``n_embd`` first). Either can be initialized from piece vectors (model/pretrained.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

State = tuple[torch.Tensor, ...]  # (h,) for GRU, (h, c) for LSTM; each [n_layer, batch, n_hidden]
_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
NEG_INF = -1e9  # attention score at padding (finite: a fully masked row stays a number)


@dataclass
class Seq2SeqConfig:
    src_vocab_size: int = 8000
    tgt_vocab_size: int = 8000
    cell: str = "lstm"  # "lstm" | "gru"
    n_layer: int = 2
    n_embd: int = 256
    n_hidden: int = 512  # decoder width = encoder output width (n_hidden // 2 a direction)
    dropout: float = 0.3
    share_embeddings: bool = True  # one embedding matrix for source and target (needs a joint vocabulary)
    tie_output: bool = True  # output layer = target embedding (transposed)
    pad_id: int = 0


class BiEncoder(nn.Module):
    """Stacked bidirectional RNN over padded batches, reversal within each sentence's length."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.cell = config.cell
        rnn, half = _CELLS[config.cell], config.n_hidden // 2
        widths = [config.n_embd] + [config.n_hidden] * (config.n_layer - 1)
        self.forward_rnns = nn.ModuleList(rnn(w, half, batch_first=True) for w in widths)
        self.backward_rnns = nn.ModuleList(rnn(w, half, batch_first=True) for w in widths)
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """x [B, S, E], mask [B, S] bool -> outputs [B, S, H] (zero at padding), per-layer finals [B, H]."""
        B, S, _ = x.shape
        lengths = mask.long().sum(1, keepdim=True)  # [B, 1]
        positions = torch.arange(S, device=x.device).unsqueeze(0).expand(B, S)  # [B, S]
        reverse = torch.where(positions < lengths, lengths - 1 - positions, positions)  # [B, S], an involution
        last = (lengths - 1).clamp(min=0)  # [B, 1]
        keep = mask.unsqueeze(-1).to(x.dtype)  # [B, S, 1]
        finals = []
        for i, (fwd, bwd) in enumerate(zip(self.forward_rnns, self.backward_rnns)):
            if i > 0:
                x = self.drop(x)
            out_f, _ = fwd(x)  # [B, S, H/2]
            x_rev = x.gather(1, reverse.unsqueeze(-1).expand_as(x))
            out_b, _ = bwd(x_rev)
            out_b = out_b.gather(1, reverse.unsqueeze(-1).expand_as(out_b))  # back to source order
            final_f = out_f.gather(1, last.unsqueeze(-1).expand(B, 1, out_f.size(-1))).squeeze(1)  # [B, H/2]
            final_b = out_b[:, 0]  # the backward direction ends at the first token
            finals.append(torch.cat([final_f, final_b], dim=-1))  # [B, H]
            x = torch.cat([out_f, out_b], dim=-1) * keep  # [B, S, H]
        return x, finals


class Seq2Seq(nn.Module):
    """Encoder-decoder with attention; ``forward`` gives the teacher-forced loss."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        if config.cell not in _CELLS:
            raise ValueError(f"cell must be one of {sorted(_CELLS)}, not {config.cell!r}")
        if config.n_hidden % 2:
            raise ValueError(f"n_hidden must be even (two encoder directions), not {config.n_hidden}")
        if config.share_embeddings and config.src_vocab_size != config.tgt_vocab_size:
            raise ValueError("share_embeddings needs one joint vocabulary (equal source and target sizes)")
        self.config = config
        C = config
        self.tgt_embed = nn.Embedding(C.tgt_vocab_size, C.n_embd, padding_idx=C.pad_id)
        self.src_embed = self.tgt_embed if C.share_embeddings else nn.Embedding(C.src_vocab_size, C.n_embd,
                                                                                padding_idx=C.pad_id)
        self.encoder = BiEncoder(C)
        self.bridge = nn.Linear(C.n_hidden, C.n_hidden)
        self.decoder = _CELLS[C.cell](C.n_embd, C.n_hidden, num_layers=C.n_layer, batch_first=True,
                                      dropout=C.dropout if C.n_layer > 1 else 0.0)
        self.attn_query = nn.Linear(C.n_hidden, C.n_hidden, bias=False)  # W_a (applied to the query)
        self.combine = nn.Linear(2 * C.n_hidden, C.n_hidden, bias=False)  # W_c
        if C.tie_output:
            self.out_proj = nn.Linear(C.n_hidden, C.n_embd)
            self.out_bias = nn.Parameter(torch.zeros(C.tgt_vocab_size))
        else:
            self.out_proj = nn.Linear(C.n_hidden, C.tgt_vocab_size)
        self.drop = nn.Dropout(C.dropout)

    # -- encoder --------------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> tuple[torch.Tensor, State]:
        """src [B, S] int64, src_mask [B, S] bool -> encoder outputs [B, S, H], decoder initial state."""
        x = self.drop(self.src_embed(src))  # [B, S, E]
        enc, finals = self.encoder(x, src_mask)
        h0 = torch.tanh(self.bridge(torch.stack(finals)))  # [L, B, H]
        state = (h0, torch.zeros_like(h0)) if self.config.cell == "lstm" else (h0,)
        return enc, state

    # -- decoder --------------------------------------------------------------------------------------
    def decode(self, prev: torch.Tensor, state: State, enc: torch.Tensor, src_mask: torch.Tensor
               ) -> tuple[torch.Tensor, State, torch.Tensor]:
        """prev [B, T] (teacher-forced inputs or one step) -> logits [B, T, V], new state, attention [B, T, S]."""
        y = self.drop(self.tgt_embed(prev))  # [B, T, E]
        rnn_state = state if self.config.cell == "lstm" else state[0]
        h, new_state = self.decoder(y, rnn_state)  # h [B, T, H]
        new_state = tuple(new_state) if self.config.cell == "lstm" else (new_state,)
        scores = torch.bmm(self.attn_query(h), enc.transpose(1, 2))  # [B, T, S]
        scores = scores.masked_fill(~src_mask.unsqueeze(1), NEG_INF)
        attention = torch.softmax(scores, dim=-1)  # [B, T, S]
        context = torch.bmm(attention, enc)  # [B, T, H]
        o = self.drop(torch.tanh(self.combine(torch.cat([h, context], dim=-1))))  # [B, T, H]
        if self.config.tie_output:
            logits = F.linear(self.out_proj(o), self.tgt_embed.weight, self.out_bias)  # [B, T, V]
        else:
            logits = self.out_proj(o)
        return logits, new_state, attention

    def forward(self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor, tgt_out: torch.Tensor,
                label_smoothing: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: the decoder reads the reference shifted right (``tgt_in`` = <s> y...). Returns
        (mean loss over real target tokens with label smoothing, the same without smoothing: nats/token)."""
        enc, state = self.encode(src, src_mask)
        logits, _, _ = self.decode(tgt_in, state, enc, src_mask)
        flat_logits, flat_targets = logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1)
        nll = F.cross_entropy(flat_logits, flat_targets, ignore_index=self.config.pad_id)
        if label_smoothing <= 0:
            return nll, nll
        smoothed = F.cross_entropy(flat_logits, flat_targets, ignore_index=self.config.pad_id,
                                   label_smoothing=label_smoothing)
        return smoothed, nll

    @torch.no_grad()
    def greedy(self, src: torch.Tensor, src_mask: torch.Tensor, bos_id: int, eos_id: int, max_len: int
               ) -> list[list[int]]:
        """Greedy decoding of a batch (for validation and the export's parity check); ids without <s>/</s>."""
        enc, state = self.encode(src, src_mask)
        B = src.size(0)
        prev = torch.full((B, 1), bos_id, dtype=torch.long, device=src.device)
        out = [[] for _ in range(B)]
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            logits, state, _ = self.decode(prev, state, enc, src_mask)
            prev = logits[:, -1].argmax(-1, keepdim=True)  # [B, 1]
            for b in torch.nonzero(~done).flatten().tolist():
                token = int(prev[b, 0])
                if token == eos_id:
                    done[b] = True
                else:
                    out[b].append(token)
            if bool(done.all()):
                break
        return out

    def num_params(self) -> int:
        """Number of trainable parameters (a shared embedding counted once)."""
        return sum(p.numel() for p in self.parameters())


class EncoderForExport(nn.Module):
    """The contract's encoder graph: (src_ids, src_mask) -> (encoder_outputs, h0[, c0])."""

    def __init__(self, model: Seq2Seq):
        super().__init__()
        self.model = model

    def forward(self, src_ids: torch.Tensor, src_mask: torch.Tensor):
        enc, state = self.model.encode(src_ids, src_mask)
        return (enc, *state)


class DecoderStepForExport(nn.Module):
    """The contract's one-step decoder graph:
    (prev_ids [B, 1], h0[, c0], encoder_outputs, src_mask) -> (log_probs [B, V], hn[, cn], attention [B, S])."""

    def __init__(self, model: Seq2Seq):
        super().__init__()
        self.model = model
        self.lstm = model.config.cell == "lstm"

    def forward(self, prev_ids: torch.Tensor, *rest: torch.Tensor):
        n_state = 2 if self.lstm else 1
        state, (enc, src_mask) = tuple(rest[:n_state]), rest[n_state:]
        logits, new_state, attention = self.model.decode(prev_ids, state, enc, src_mask)
        return (F.log_softmax(logits[:, -1], dim=-1), *new_state, attention[:, -1])
