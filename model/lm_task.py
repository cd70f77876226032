"""The two recurrent language models' part in the shared training loop (model/trainer.py): truncated BPTT.

The corpus is laid out as ``batch_size`` parallel streams and walked ``seq_len`` tokens at a time; the
recurrent state is carried (detached) from one chunk to the next, so the model learns from context longer
than one chunk. Under torchrun each rank walks its own block of streams. A model for this task is an
``nn.Module`` with ``config`` (a dataclass), ``init_state(batch, device)``, ``num_params()`` and
``forward(idx, state, targets) -> (output, state, mean loss)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from model.data import stream_chunks, to_streams
from model.trainer import MakeTask, Process, TrainConfig, TrainTask

State = tuple[torch.Tensor, ...]
# cfg -> (vocabulary, train ids, validation ids)
Corpus = Callable[["LMTrainConfig"], tuple[object, np.ndarray, np.ndarray]]


@dataclass
class LMTrainConfig(TrainConfig):
    """A language model's training settings: the shared ones and the streams' shape."""

    seq_len: int = 128  # tokens per chunk (the truncation of backpropagation through time)
    eval_streams: int = 16
    eval_seq_len: int = 256


def detach(state: State) -> State:
    """The state carried to the next chunk: cut from the graph, and fp32 even after a bf16 forward."""
    return tuple(s.detach().float() for s in state)


@torch.no_grad()
def evaluate(model: nn.Module, ids: np.ndarray, n_streams: int, seq_len: int, device: str) -> float:
    """Mean cross-entropy (nats/token) over ``ids`` with the state carried across chunks."""
    model.eval()
    streams = to_streams(ids, n_streams)
    state = model.init_state(n_streams, device)
    total, count = 0.0, 0
    for x, y in stream_chunks(streams, seq_len):
        x, y = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        _, state, loss = model(x, state, y)
        total += loss.item() * y.numel()
        count += y.numel()
    model.train()
    return total / count


class LMTask(TrainTask):
    """Truncated BPTT over this rank's block of ``batch_size`` streams; the state is reset at each epoch."""

    def __init__(self, cfg: LMTrainConfig, process: Process, corpus: Corpus,
                 make_model: Callable[[int], nn.Module]):
        self.cfg = cfg
        self.vocab, train_ids, self.val_ids = corpus(cfg)
        if cfg.dry_run:
            self.val_ids = self.val_ids[: cfg.eval_streams * cfg.eval_seq_len * 2]
        self.model = make_model(len(self.vocab)).to(cfg.device)
        all_streams = to_streams(train_ids, cfg.batch_size * process.world)
        self.streams = all_streams[process.rank * cfg.batch_size : (process.rank + 1) * cfg.batch_size]
        self.batches_per_epoch = math.ceil((self.streams.shape[1] - 1) / cfg.seq_len)
        self.train_tokens = len(train_ids)
        self.state: State = ()

    def batches(self, epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        # Shift chunk boundaries every epoch so the model does not always see the same cuts.
        offset = (epoch * 37) % self.cfg.seq_len
        self.state = self.model.init_state(self.cfg.batch_size, self.cfg.device)
        yield from stream_chunks(self.streams[:, offset:], self.cfg.seq_len)

    def loss(self, net: nn.Module, batch: tuple[np.ndarray, np.ndarray]) -> tuple[torch.Tensor, int, dict]:
        x, y = (torch.from_numpy(a).to(self.cfg.device) for a in batch)
        _, state, loss = net(x, self.state, y)
        self.state = detach(state)
        return loss, y.numel(), {}

    def evaluate(self, model: nn.Module) -> float:
        cfg = self.cfg
        return evaluate(model, self.val_ids, cfg.eval_streams, cfg.eval_seq_len, cfg.device)

    def describe(self) -> str:
        cfg = self.cfg
        return (f"{cfg.cell} {cfg.n_layer}x{cfg.n_hidden}: {self.model.num_params():,} parameters, "
                f"{self.train_tokens:,} train / {len(self.val_ids):,} val tokens")


def lm_task(corpus: Corpus, make_model: Callable[[int], nn.Module]) -> MakeTask:
    """The ``make_task`` of :func:`model.trainer.train` for a language model: ``corpus(cfg)`` gives (vocab, train
    ids, validation ids), ``make_model(vocab_size)`` builds the model."""
    return lambda cfg, process, resume: LMTask(cfg, process, corpus, make_model)
