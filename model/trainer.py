"""The training loop shared by Folio's recurrent language models (truncated BPTT).

The corpus is laid out as ``batch_size`` parallel streams and walked ``seq_len`` tokens at a time; the
recurrent state is carried (detached) from one chunk to the next, so the model learns from context longer
than one chunk. Runs under plain Python or ``torchrun`` (DDP: each rank walks its own block of streams).
A model for this loop is an ``nn.Module`` with ``config`` (a dataclass), ``init_state(batch, device)``,
``num_params()`` and ``forward(idx, state, targets) -> (output, state, mean loss)``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.optim.swa_utils import AveragedModel
from tqdm import tqdm

from model.data import stream_chunks, to_streams

State = tuple[torch.Tensor, ...]
C = TypeVar("C")  # a training config dataclass


@dataclass
class TrainConfig:
    """Settings shared by the recurrent language models' training runs."""

    data: str = ""  # corpus path
    out_dir: str = "runs/lm"
    init_from: str = "scratch"  # "scratch" | "resume"
    # model
    cell: str = "lstm"
    n_layer: int = 2
    n_embd: int = 64
    n_hidden: int = 512
    dropout: float = 0.2
    # optimisation
    batch_size: int = 64
    seq_len: int = 128
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
    eval_streams: int = 16
    eval_seq_len: int = 256
    max_minutes: float = 0.0  # stop (and checkpoint) after this wall time; 0 = no limit
    threads: int = 0  # torch intra-op threads; 0 = torch's default
    seed: int = 1337
    device: str = "auto"  # "auto" (CUDA when torch sees a GPU, else CPU) | "cpu" | "cuda" | "cuda:N"
    # "auto" (bf16 on CUDA, fp32 on CPU) | "fp32" | "bf16": bf16 autocast for the forward pass (weights stay fp32)
    precision: str = "auto"
    dry_run: bool = False



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


def save_checkpoint(path: Path, model: nn.Module, optimizer, vocab, cfg: TrainConfig, **progress) -> None:
    """Writes the checkpoint atomically (a kill mid-write leaves the previous one intact)."""
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "model_args": dataclasses.asdict(model.config),
            "vocab": vocab.to_json(),
            "config": dataclasses.asdict(cfg),
            "optimizer": optimizer.state_dict(),
            "command": " ".join(["python -m", _entry_module(), *sys.argv[1:]]),
            "hardware": describe_hardware(cfg.device),
            **progress,
        },
        tmp,
    )
    os.replace(tmp, path)


def _entry_module() -> str:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return spec.name if spec else sys.argv[0]


def describe_hardware(device: str) -> str:
    """One line naming what trained the model, for the model card."""
    if device.startswith("cuda"):
        return (f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda}, "
                f"cuDNN {torch.backends.cudnn.version()})")
    return f"{os.cpu_count()}-core {platform.machine()} CPU, {torch.get_num_threads()} torch threads"


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


def detach(state: State) -> State:
    """The state carried to the next chunk: cut from the graph, and fp32 even after a bf16 forward."""
    return tuple(s.detach().float() for s in state)


def start_process(cfg: C) -> tuple[C, bool, int, int]:
    """Resolves ``device`` and ``precision`` ("auto"), joins the torchrun process group when there is one
    (one GPU per rank), sets torch's threads; returns (cfg with this rank's device, ddp, rank, world size).

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
    return cfg, ddp, rank, world


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


def train(cfg: TrainConfig, corpus: Callable[[TrainConfig], tuple], make_model: Callable[[int], nn.Module]) -> dict:
    """Runs training; returns the final progress record (step, best_val, ...).

    ``corpus(cfg)`` gives (vocab, train ids, val ids); ``make_model(vocab_size)`` builds the model."""
    cfg, ddp, rank, world = start_process(cfg)
    master = rank == 0
    if cfg.dry_run:
        cfg = dataclasses.replace(cfg, max_iters=min(cfg.max_iters, 4), eval_interval=2, warmup_iters=1)
    torch.manual_seed(cfg.seed + rank)

    vocab, train_ids, val_ids = corpus(cfg)
    if cfg.dry_run:
        val_ids = val_ids[: cfg.eval_streams * cfg.eval_seq_len * 2]
    out_dir = Path(cfg.out_dir)
    ckpt_path, best_path, log_path = out_dir / "ckpt.pt", out_dir / "best.pt", out_dir / "log.jsonl"
    if master:
        out_dir.mkdir(parents=True, exist_ok=True)

    model = make_model(len(vocab)).to(cfg.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    progress = {"step": 0, "epoch": 0, "chunk": 0, "best_val": float("inf"), "train_seconds": 0.0}
    if cfg.init_from == "resume":
        ckpt = torch.load(ckpt_path, map_location=cfg.device, weights_only=False)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        progress = {k: ckpt[k] for k in progress}
        if master:
            print(f"resumed from {ckpt_path} at step {progress['step']}")
    elif cfg.init_from != "scratch":
        raise ValueError(f"init_from must be 'scratch' or 'resume', not {cfg.init_from!r}")
    # The running average holds every step's weights from average_from on (equal weights, as in ASGD).
    averaged = AveragedModel(model) if cfg.average_from > 0 else None
    if averaged is not None and cfg.init_from == "resume" and "averaged" in ckpt:
        averaged.module.load_state_dict(ckpt["averaged"])
        averaged.n_averaged.fill_(ckpt["n_averaged"])
    net = DistributedDataParallel(model) if ddp else model
    if master:
        print(f"{cfg.cell} {cfg.n_layer}x{cfg.n_hidden}: {model.num_params():,} parameters, "
              f"{len(train_ids):,} train / {len(val_ids):,} val tokens")

    def checkpoint(path: Path, averaged_weights: bool = False) -> None:
        # best.pt may hold the averaged weights; ckpt.pt holds the trained ones plus the average, to resume.
        extra = {}
        if averaged is not None and averaged.n_averaged.item() > 0 and not averaged_weights:
            extra = {"averaged": averaged.module.state_dict(), "n_averaged": int(averaged.n_averaged.item())}
        save_checkpoint(path, averaged.module if averaged_weights else model, optimizer, vocab, cfg,
                        **progress, **extra, averaged_weights=averaged_weights)

    # Each rank walks its own block of streams.
    all_streams = to_streams(train_ids, cfg.batch_size * world)
    started = time.time() - progress["train_seconds"]
    bar = tqdm(total=cfg.max_iters, initial=progress["step"], disable=not master, dynamic_ncols=True)
    log = log_path.open("a") if master else None
    stop = False
    while not stop:
        # Shift chunk boundaries every epoch so the model does not always see the same cuts.
        offset = (progress["epoch"] * 37) % cfg.seq_len
        streams = all_streams[rank * cfg.batch_size : (rank + 1) * cfg.batch_size, offset:]
        state = model.init_state(cfg.batch_size, cfg.device)
        for i, (x, y) in enumerate(stream_chunks(streams, cfg.seq_len)):
            if i < progress["chunk"]:
                continue  # resuming mid-epoch
            step = progress["step"]
            lr = learning_rate(step, cfg, time.time() - started)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = torch.from_numpy(x).to(cfg.device), torch.from_numpy(y).to(cfg.device)
            with autocast(cfg):
                _, state, loss = net(x, state, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            state = detach(state)
            if averaged is not None and schedule_progress(step, cfg, time.time() - started) >= cfg.average_from:
                averaged.update_parameters(model)
            progress.update(step=step + 1, chunk=i + 1, train_seconds=time.time() - started)
            bar.update(1)
            record = {"step": step + 1, "train_loss": round(loss.item(), 4), "lr": lr,
                      "seconds": round(progress["train_seconds"], 1)}
            out_of_time = cfg.max_minutes and progress["train_seconds"] > cfg.max_minutes * 60
            done = progress["step"] >= cfg.max_iters or out_of_time
            if master and (progress["step"] % cfg.eval_interval == 0 or done):
                val = evaluate(model, val_ids, cfg.eval_streams, cfg.eval_seq_len, cfg.device)
                record["val_loss"] = round(val, 4)
                averaged_val = None
                if averaged is not None and averaged.n_averaged.item() > 0:
                    averaged_val = evaluate(averaged.module, val_ids, cfg.eval_streams, cfg.eval_seq_len,
                                            cfg.device)
                    record["averaged_val_loss"] = round(averaged_val, 4)
                keep_checkpoints(progress, val, checkpoint, best_path, ckpt_path, averaged_val)
                bar.set_postfix(train=f"{loss.item():.3f}", val=f"{val:.4f}", best=f"{progress['best_val']:.4f}")
            if master and (progress["step"] % 10 == 0 or "val_loss" in record):
                log.write(json.dumps(record) + "\n")
                log.flush()
            if done:
                stop = True
                break
        else:
            progress.update(epoch=progress["epoch"] + 1, chunk=0)
    bar.close()
    if master:
        log.close()
        print(json.dumps({k: progress[k] for k in ("step", "best_val", "train_seconds")}))
    if ddp:
        dist.destroy_process_group()
    return progress


