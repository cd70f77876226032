"""Moving checkpoints off a borrowed GPU machine, whose file transfer takes at most 16 MiB a file.

    python -m model.device_pack pack runs/word/best.pt OUT/word [--int8=embed.weight,...]
    python -m model.device_pack unpack OUT/word runs/word/best.pt
    python -m model.device_pack score-word runs/word/best.pt WIKITEXT_TOKENS   (dev loss on another corpus)

``pack`` keeps what export needs (weights, model arguments, vocabulary, config, progress; not the optimizer),
stores the weights as fp16 (the shipped packages are int8, so fp16 loses nothing that matters), optionally the
named matrices as int8 with one scale per row, and cuts the file into parts of ``PART_BYTES``. ``unpack``
joins the parts and restores fp32 weights, giving a checkpoint that ``load_checkpoint`` (model/checkpoint.py)
and the exporters read.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import torch

PART_BYTES = 15 * 2**20
DROPPED = ("optimizer", "averaged", "n_averaged")


def _quantize_rows(weight: torch.Tensor) -> dict:
    scale = weight.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127.0  # [rows, 1]
    return {"int8": torch.round(weight / scale).to(torch.int8), "scale": scale.to(torch.float32)}


def pack(ckpt_path: str, out_prefix: str, int8: tuple[str, ...] = ()) -> list[Path]:
    """Writes ``out_prefix.part0``, ``.part1``, ...; returns their paths."""
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    weights = {}
    for name, tensor in ckpt["model"].items():
        tensor = tensor.float()
        weights[name] = _quantize_rows(tensor) if name in int8 else tensor.half()
    compact = {k: v for k, v in ckpt.items() if k not in DROPPED}
    compact["model"] = weights
    buffer = io.BytesIO()
    torch.save(compact, buffer)
    data = buffer.getvalue()
    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, start in enumerate(range(0, len(data), PART_BYTES)):
        path = out_prefix.with_name(f"{out_prefix.name}.part{i}")
        path.write_bytes(data[start : start + PART_BYTES])
        paths.append(path)
    return paths


def unpack(in_prefix: str, ckpt_path: str) -> dict:
    """Joins the parts of ``in_prefix`` and writes an fp32 checkpoint to ``ckpt_path``."""
    in_prefix = Path(in_prefix)
    parts = sorted(in_prefix.parent.glob(f"{in_prefix.name}.part*"), key=lambda p: int(p.suffix[5:]))
    if not parts:
        raise FileNotFoundError(f"no parts {in_prefix}.part0 ...")
    ckpt = torch.load(io.BytesIO(b"".join(p.read_bytes() for p in parts)), map_location="cpu", weights_only=False)
    ckpt["model"] = {name: (v["int8"].float() * v["scale"]) if isinstance(v, dict) else v.float()
                     for name, v in ckpt["model"].items()}
    Path(ckpt_path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(ckpt, ckpt_path)
    return ckpt


def score_word(ckpt_path: str, tokens_path: str, device: str = "cpu") -> float:
    """Mean NLL (nats/token) of a word checkpoint on a tokenized corpus in its own vocabulary."""
    from model.checkpoint import load_checkpoint
    from model.english_mix import read_tokens
    from model.lm_task import evaluate

    model, vocab, _ = load_checkpoint(ckpt_path, device, kind="word")
    return evaluate(model, vocab.encode(read_tokens(tokens_path)), 16, 70, device)


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "pack":
        int8 = tuple(a.split("=", 1)[1].split(",") for a in args[2:] if a.startswith("--int8="))
        paths = pack(args[0], args[1], int8[0] if int8 else ())
        print(json.dumps({"parts": [str(p) for p in paths], "bytes": sum(p.stat().st_size for p in paths)}))
    elif command == "unpack":
        ckpt = unpack(args[0], args[1])
        print(json.dumps({"step": ckpt.get("step"), "best_val": ckpt.get("best_val")}))
    elif command == "score-word":
        device = "cuda" if torch.cuda.is_available() else "cpu"
        print(json.dumps({"checkpoint": args[0], "tokens": args[1], "loss": score_word(args[0], args[1], device)}))
    else:
        print(f"unknown command {command!r}: pack | unpack | score-word", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
