"""Checkpoints of the three models: one format, one writer, one reader.

A checkpoint is a ``torch.save`` dict: ``model`` (the state dict), ``model_args`` (the model config as a
dict), ``vocab`` (the vocabulary's contract JSON, whose ``type`` says which model it is: ``char`` ->
:class:`~model.char_rnn.CharRNN`, ``word`` -> :class:`~model.word_rnn.WordRNN`, ``subword`` ->
:class:`~model.seq2seq.Seq2Seq`), ``config`` (the training settings), ``optimizer``, the command and
hardware that trained it, and the progress (``step``, ``epoch``, ``best_val``, ``train_seconds``, ...).
"""

from __future__ import annotations

import dataclasses
import os
import platform
import sys
from pathlib import Path

import torch
from torch import nn

from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.vocab import CharVocab, WordVocab
from model.char_rnn import CharRNN, CharRNNConfig
from model.seq2seq import Seq2Seq, Seq2SeqConfig
from model.word_rnn import WordRNN, WordRNNConfig

# vocabulary type -> (model, its config, the vocabulary class)
ARCHITECTURES = {
    "char": (CharRNN, CharRNNConfig, CharVocab),
    "word": (WordRNN, WordRNNConfig, WordVocab),
    "subword": (Seq2Seq, Seq2SeqConfig, SubwordTokenizer),
}


def load_checkpoint(path: str | Path, device: str = "cpu", kind: str | None = None) -> tuple[nn.Module, object, dict]:
    """(model in eval mode on ``device``, its vocabulary, the whole checkpoint dict) of a checkpoint of any
    of the three models. ``kind`` ("char", "word" or "subword"), if given, is the one the caller expects:
    another is a clear ValueError."""
    ckpt = torch.load(path, map_location=device, weights_only=False)
    found = ckpt["vocab"].get("type")
    if found not in ARCHITECTURES:
        raise ValueError(f"{path}: vocabulary type {found!r} is none of {sorted(ARCHITECTURES)}")
    if kind is not None and found != kind:
        raise ValueError(f"{path} holds a {found} model, not a {kind} one")
    model_class, config_class, vocab_class = ARCHITECTURES[found]
    model = model_class(config_class(**ckpt["model_args"]))
    model.load_state_dict(ckpt["model"])
    model.to(device).eval()
    return model, vocab_class.from_json(ckpt["vocab"]), ckpt


def save_checkpoint(path: Path, model: nn.Module, optimizer, vocab, cfg, **progress) -> None:
    """Writes the checkpoint atomically (a kill mid-write leaves the previous one intact). ``cfg`` is the
    training config dataclass (with ``device``); ``progress`` goes in as top-level entries."""
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
