"""The training loop shared by Folio's three models: the two recurrent language models (model/lm_task.py,
truncated BPTT) and the translator (model/train_translate.py).

What differs between them comes in as a :class:`TrainTask`: its model and vocabulary, its batches, its loss,
its validation loss and any extra fields for the log and the checkpoint. The loop owns the rest: the
learning-rate schedule, bf16 autocast, gradient clipping, the optional running average of the weights,
evaluation every ``eval_interval`` steps, ``best.pt`` (the best validation loss) and ``ckpt.pt`` (the latest
state, for ``--init_from=resume``, which continues mid-epoch), the JSONL log, the progress bar and the stop
(``max_iters`` or ``max_minutes``). Runs under plain Python or ``torchrun`` (DDP: each rank trains on its
own batches, rank 0 evaluates, logs and saves).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.optim.swa_utils import AveragedModel
from tqdm import tqdm

from model.checkpoint import save_checkpoint

C = TypeVar("C")  # a training config dataclass


@dataclass
class TrainConfig:
    """Settings every training run has (TOML + ``--key=value``); each model's config extends it."""

    data: str = ""  # corpus path
    out_dir: str = "runs/lm"
    init_from: str = "scratch"  # "scratch" | "resume"
    # model (the defaults are the char model's; the word model and the translator override them)
    cell: str = "lstm"
    n_layer: int = 2
    n_embd: int = 64
    n_hidden: int = 512
    dropout: float = 0.2
    # optimisation
    batch_size: int = 64  # streams (language models) or sentence pairs (translator) per step and rank
    max_iters: int = 5000
    learning_rate: float = 2e-3
    min_lr: float = 1e-4
    warmup_iters: int = 100
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    # Polyak averaging of the weights (as in AWD-LSTM's averaged SGD) from this fraction of the schedule on;
    # each evaluation scores the average too, and best.pt keeps whichever weights did better. 0 = off.
    average_from: float = 0.0
    # evaluation, logging, budget
    eval_interval: int = 250
    max_minutes: float = 0.0  # stop (and checkpoint) after this wall time; 0 = no limit
    threads: int = 0  # torch intra-op threads; 0 = torch's default
    seed: int = 1337
    device: str = "auto"  # "auto" (CUDA when torch sees a GPU, else CPU) | "cpu" | "cuda" | "cuda:N"
    # "auto" (bf16 on CUDA, fp32 on CPU) | "fp32" | "bf16": bf16 autocast for the forward pass (weights stay fp32)
    precision: str = "auto"
    dry_run: bool = False

    def rnn_args(self) -> dict:
        """The recurrent-stack settings every model config takes, as keyword arguments."""
        return {"cell": self.cell, "n_layer": self.n_layer, "n_embd": self.n_embd, "n_hidden": self.n_hidden,
                "dropout": self.dropout}

    def shrunk(self):
        """The settings of a dry run (``--dry_run=true``): a few steps, evaluated twice."""
        return dataclasses.replace(self, max_iters=min(self.max_iters, 4), eval_interval=2, warmup_iters=1)


def schedule_progress(step: int, cfg: TrainConfig, seconds: float = 0.0) -> float:
    """How far the run is through its schedule after warmup, 0..1: by steps toward ``max_iters``, or by
    wall time toward ``max_minutes`` if that comes first."""
    progress = (step - cfg.warmup_iters) / max(1, cfg.max_iters - cfg.warmup_iters)
    if cfg.max_minutes:
        progress = max(progress, seconds / (cfg.max_minutes * 60))
    return min(1.0, max(0.0, progress))


def learning_rate(step: int, cfg: TrainConfig, seconds: float = 0.0) -> float:
    """Linear warmup, then cosine decay to ``min_lr`` at the end of the schedule (``schedule_progress``),
    so a time-budgeted run still ends on a fully decayed rate."""
    if step < cfg.warmup_iters:
        return cfg.learning_rate * (step + 1) / cfg.warmup_iters
    progress = schedule_progress(step, cfg, seconds)
    return cfg.min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.learning_rate - cfg.min_lr)


def resolve_device(device: str) -> str:
    """``"auto"`` -> ``"cuda"`` when torch sees a GPU, else ``"cpu"``; ``"cuda"`` / ``"cuda:N"`` without a GPU
    is an error (never a silent CPU run)."""
    key = device.strip().lower()
    if key == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if key == "cpu":
        return "cpu"
    if key == "cuda" or key.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise ValueError(f"--device={device}: torch {torch.__version__} sees no CUDA GPU here "
                             f"(torch.version.cuda={torch.version.cuda}); use --device=cpu or auto")
        return key
    raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', not {device!r}")


def resolve_precision(precision: str, device: str) -> str:
    """``"auto"`` -> ``"bf16"`` on a CUDA GPU that has bf16 (Ampere and newer), else ``"fp32"``."""
    if precision == "auto":
        on_gpu = device.startswith("cuda") and torch.cuda.is_bf16_supported()
        return "bf16" if on_gpu else "fp32"
    if precision not in ("fp32", "bf16"):
        raise ValueError(f"precision must be 'auto', 'fp32' or 'bf16', not {precision!r}")
    return precision


def autocast(cfg) -> torch.autocast:
    """The forward pass's precision: bf16 autocast runs the matrix products about 1.3x faster on a CPU
    with AVX512-BF16 (measured on a 2x650 LSTM step) and uses the tensor cores on a GPU, while the weights
    and optimizer stay fp32. ``cfg`` has ``device`` and ``precision`` (resolved by :func:`start_process`)."""
    precision = resolve_precision(cfg.precision, cfg.device)
    return torch.autocast(cfg.device.split(":")[0], dtype=torch.bfloat16, enabled=precision == "bf16")


@dataclass(frozen=True)
class Process:
    """This process's place in the run: one of ``world`` ranks under torchrun, or the only one."""

    ddp: bool = False
    rank: int = 0
    world: int = 1

    @property
    def master(self) -> bool:
        """Rank 0 evaluates, logs and saves."""
        return self.rank == 0


def start_process(cfg: C) -> tuple[C, Process]:
    """Resolves ``device`` and ``precision`` ("auto"), joins the torchrun process group when there is one
    (one GPU per rank), sets torch's threads; returns (cfg with this rank's device, this process).

    On CUDA the recurrent layers (``nn.LSTM``/``nn.GRU`` over whole sequences) run as cuDNN's fused kernels."""
    device = resolve_device(cfg.device)
    cfg = dataclasses.replace(cfg, device=device, precision=resolve_precision(getattr(cfg, "precision", "fp32"),
                                                                               device))
    if device.startswith("cuda"):
        torch.backends.cudnn.enabled = True
    ddp = "RANK" in os.environ
    rank, world = (int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])) if ddp else (0, 1)
    if ddp:
        dist.init_process_group(backend="nccl" if cfg.device.startswith("cuda") else "gloo")
        if cfg.device.startswith("cuda"):
            cfg = dataclasses.replace(cfg, device=f"cuda:{int(os.environ['LOCAL_RANK'])}")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    return cfg, Process(ddp, rank, world)


def keep_checkpoints(progress: dict, val: float, checkpoint: Callable[..., None], best_path: Path,
                     ckpt_path: Path, averaged_val: float | None = None) -> None:
    """After an evaluation: ``best_path`` when ``val`` (or ``averaged_val``, the averaged weights' score) is
    the best so far, holding the weights that scored it; ``ckpt_path`` (for resume) always."""
    if averaged_val is not None and averaged_val < min(val, progress["best_val"]):
        progress["best_val"] = averaged_val
        checkpoint(best_path, averaged_weights=True)
    elif val < progress["best_val"]:
        progress["best_val"] = val
        checkpoint(best_path)
    checkpoint(ckpt_path)


class TrainTask:
    """One model's part in the shared loop.

    A subclass sets ``cfg`` (the run's settings; it may refine them, as the translator turns ``epochs`` into
    ``max_iters``), ``model`` (on ``cfg.device``), ``vocab`` (saved in every checkpoint; has ``to_json``) and
    ``batches_per_epoch`` (this rank's), and implements :meth:`batches`, :meth:`loss` and :meth:`evaluate`."""

    cfg: Any
    model: nn.Module
    vocab: Any
    batches_per_epoch: int

    def batches(self, epoch: int) -> Iterable:
        """This rank's batches of one epoch, the same ones again for the same epoch (a resumed run skips those
        it has done, so they should be cheap to make: moving them to the device is :meth:`loss`'s job)."""
        raise NotImplementedError

    def loss(self, net: nn.Module, batch) -> tuple[torch.Tensor, int, dict]:
        """The training loss of ``batch`` through ``net`` (the model or its DDP wrapper), the number of target
        tokens it scored, and more fields for the step's log record."""
        raise NotImplementedError

    def evaluate(self, model: nn.Module) -> float:
        """Validation loss (nats per token) of ``model``: the trained weights or their running average."""
        raise NotImplementedError

    def eval_fields(self, model: nn.Module) -> dict:
        """More fields for an evaluation's log record (the translator's greedy BLEU)."""
        return {}

    def checkpoint_fields(self) -> dict:
        """More entries for every checkpoint (the translator's split and name lists)."""
        return {}

    def describe(self) -> str:
        """The line printed when training starts."""
        return f"{self.model.num_params():,} parameters"


# A checkpoint's progress entries (a resumed run continues from them).
PROGRESS = {"step": 0, "epoch": 0, "batch": 0, "best_val": float("inf"), "train_seconds": 0.0, "target_tokens": 0}
MakeTask = Callable[[Any, Process, "dict | None"], TrainTask]


def train(cfg: TrainConfig, make_task: MakeTask) -> dict:
    """Runs training as ``cfg`` says; returns the final progress record (``PROGRESS``'s keys).

    ``make_task(cfg, process, resume)`` builds the task once the device is known; ``resume`` is the checkpoint
    ``--init_from=resume`` continues (``out_dir/ckpt.pt``), None from scratch."""
    cfg, process = start_process(cfg)
    if cfg.dry_run:
        cfg = cfg.shrunk()
    if cfg.init_from not in ("scratch", "resume"):
        raise ValueError(f"init_from must be 'scratch' or 'resume', not {cfg.init_from!r}")
    torch.manual_seed(cfg.seed + process.rank)
    resume = None
    if cfg.init_from == "resume":
        resume = torch.load(Path(cfg.out_dir) / "ckpt.pt", map_location=cfg.device, weights_only=False)
    return _Run(make_task(cfg, process, resume), process, resume).run()


class _Run:
    """One training run: the task, the optimizer, the running average, the progress, the log and the bar."""

    def __init__(self, task: TrainTask, process: Process, resume: dict | None):
        self.task, self.cfg, self.process = task, task.cfg, process
        out_dir = Path(self.cfg.out_dir)
        self.ckpt_path, self.best_path = out_dir / "ckpt.pt", out_dir / "best.pt"
        self.optimizer = torch.optim.AdamW(task.model.parameters(), lr=self.cfg.learning_rate,
                                           weight_decay=self.cfg.weight_decay)
        self.progress = dict(PROGRESS)
        # The running average holds every step's weights from average_from on (equal weights, as in ASGD).
        self.averaged = AveragedModel(task.model) if self.cfg.average_from > 0 else None
        if resume is not None:
            self._restore(resume)
        self.net = DistributedDataParallel(task.model) if process.ddp else task.model
        self.started = time.time() - self.progress["train_seconds"]
        self.log = None
        if process.master:
            out_dir.mkdir(parents=True, exist_ok=True)
            self.log = (out_dir / "log.jsonl").open("a")
            print(task.describe())
        self.bar = tqdm(total=self.cfg.max_iters, initial=self.progress["step"], disable=not process.master,
                        dynamic_ncols=True)

    def _restore(self, ckpt: dict) -> None:
        self.task.model.load_state_dict(ckpt["model"])
        self.optimizer.load_state_dict(ckpt["optimizer"])
        self.progress = {key: ckpt.get(key, default) for key, default in PROGRESS.items()}
        if "chunk" in ckpt:  # a language model's checkpoint from before the shared loop
            self.progress["batch"] = ckpt["chunk"]
        if self.averaged is not None and "averaged" in ckpt:
            self.averaged.module.load_state_dict(ckpt["averaged"])
            self.averaged.n_averaged.fill_(ckpt["n_averaged"])
        if self.process.master:
            print(f"resumed from {self.ckpt_path} at step {self.progress['step']}")

    def run(self) -> dict:
        """Trains epoch after epoch until the step or time budget is spent; returns the progress."""
        progress = self.progress
        done = progress["step"] >= self.cfg.max_iters
        while not done:
            for i, batch in enumerate(self.task.batches(progress["epoch"])):
                if i < progress["batch"]:
                    continue  # resuming mid-epoch
                done = self.step(i, batch)
                if done:
                    break
            else:
                progress.update(epoch=progress["epoch"] + 1, batch=0)
        self.finish()
        return progress

    def step(self, i: int, batch) -> bool:
        """One optimizer step on the epoch's ``i``-th batch, and an evaluation when it is time; True when the
        run is done."""
        cfg, progress, task = self.cfg, self.progress, self.task
        step = progress["step"]
        lr = learning_rate(step, cfg, time.time() - self.started)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        with autocast(cfg):
            loss, tokens, fields = task.loss(self.net, batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(task.model.parameters(), cfg.grad_clip)
        self.optimizer.step()
        if self.averaged is not None and schedule_progress(step, cfg, time.time() - self.started) >= cfg.average_from:
            self.averaged.update_parameters(task.model)
        seconds = time.time() - self.started
        progress.update(step=step + 1, batch=i + 1, train_seconds=seconds,
                        target_tokens=progress["target_tokens"] + tokens * self.process.world)
        self.bar.update(1)
        record = {"step": step + 1, "epoch": round(progress["epoch"] + (i + 1) / task.batches_per_epoch, 3),
                  "train_loss": round(loss.item(), 4), **fields, "lr": lr, "seconds": round(seconds, 1)}
        done = progress["step"] >= cfg.max_iters or bool(cfg.max_minutes and seconds > cfg.max_minutes * 60)
        if self.process.master:
            if progress["step"] % cfg.eval_interval == 0 or done:
                self.evaluate(record)
            if progress["step"] % 10 == 0 or "val_loss" in record:
                self.log.write(json.dumps(record) + "\n")
                self.log.flush()
        return done

    def evaluate(self, record: dict) -> None:
        """Scores the trained weights (and their running average) into ``record`` and keeps the checkpoints."""
        task, progress = self.task, self.progress
        val = task.evaluate(task.model)
        record["val_loss"] = round(val, 4)
        record["seconds_per_epoch"] = self.seconds_per_epoch()
        averaged_val = None
        if self.averaged is not None and self.averaged.n_averaged.item() > 0:
            averaged_val = task.evaluate(self.averaged.module)
            record["averaged_val_loss"] = round(averaged_val, 4)
        record.update(task.eval_fields(task.model))
        keep_checkpoints(progress, val, self.checkpoint, self.best_path, self.ckpt_path, averaged_val)
        self.bar.set_postfix(train=record["train_loss"], val=record["val_loss"], best=round(progress["best_val"], 4))

    def checkpoint(self, path: Path, averaged_weights: bool = False) -> None:
        """Saves the trained weights, or the averaged ones; ``ckpt.pt`` also holds the average, to resume."""
        extra = {}
        if self.averaged is not None and self.averaged.n_averaged.item() > 0 and not averaged_weights:
            extra = {"averaged": self.averaged.module.state_dict(), "n_averaged": int(self.averaged.n_averaged.item())}
        model = self.averaged.module if averaged_weights else self.task.model
        save_checkpoint(path, model, self.optimizer, self.task.vocab, self.cfg, **self.task.checkpoint_fields(),
                        **self.progress, **extra, averaged_weights=averaged_weights)

    def seconds_per_epoch(self) -> float:
        """Training seconds one epoch takes at the pace so far."""
        return round(self.progress["train_seconds"] / max(1, self.progress["step"]) * self.task.batches_per_epoch, 1)

    def finish(self) -> None:
        """Closes the bar and the log, prints the summary, leaves the process group."""
        self.bar.close()
        if self.process.master:
            self.log.close()
            summary = {key: self.progress[key] for key in ("step", "epoch", "best_val", "train_seconds")}
            summary.update(target_tokens=self.progress["target_tokens"], seconds_per_epoch=self.seconds_per_epoch())
            print(json.dumps(summary))
        if self.process.ddp:
            dist.destroy_process_group()
