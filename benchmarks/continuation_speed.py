"""Characters per second streamed by the continuation engine: ONNX Runtime int8 and fp32 (one thread)
against PyTorch eager on the same checkpoint. Prints a table; not a test.

    python -m benchmarks.continuation_speed --checkpoint runs/shakespeare-char/best.pt \\
        --package resources/models/shakespeare-char --fp32 runs/export/shakespeare-char/model.onnx \\
        [--json runs/continuation-speed.json]

``--json`` also writes the results for the exporter's ``--benchmark`` option (the model card's Benchmarks).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from desktop.runtime.continuer import Continuer
from desktop.runtime.package import ModelPackage
from desktop.runtime.sampling import sample_next
from export.speed import PROMPT, chars_per_second
from model.checkpoint import load_checkpoint


class EagerContinuer:
    """The same generation loop as the runtime's Continuer, run by PyTorch eager."""

    def __init__(self, checkpoint: Path):
        self.model, self.vocab, _ = load_checkpoint(checkpoint, kind="char")

    @torch.no_grad()
    def generate(self, prompt: str, max_chars: int, temperature: float = 0.8, seed: int | None = None):
        rng = np.random.default_rng(seed)
        ids = torch.from_numpy(self.vocab.encode(prompt))[None, :]
        logits, state, _ = self.model(ids)
        for _ in range(max_chars):
            log_probs = torch.log_softmax(logits[0, -1], -1).numpy()
            token = sample_next(log_probs, rng, temperature)
            yield self.vocab.tokens[token]
            logits, state, _ = self.model(torch.tensor([[token]]), state)


def prompt_latency_ms(continuer, repeats: int = 20) -> float:
    """Median milliseconds to read the benchmark prompt and produce the first character."""
    times = []
    for seed in range(repeats):
        started = time.perf_counter()
        next(iter(continuer.generate(PROMPT, 1, seed=seed)))
        times.append(time.perf_counter() - started)
    return 1000 * float(np.median(times))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.continuation_speed")
    parser.add_argument("--checkpoint", type=Path, default=Path("runs/shakespeare-char/best.pt"))
    parser.add_argument("--package", type=Path, default=Path("resources/models/shakespeare-char"))
    parser.add_argument("--fp32", type=Path, default=Path("runs/export/shakespeare-char/model.onnx"))
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here (export --benchmark)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    package = ModelPackage.load(args.package)
    engines = {
        "onnxruntime int8": Continuer(package, "cpu", 1),
        "onnxruntime fp32": Continuer(package, "cpu", 1, model_path=args.fp32),
        "pytorch eager fp32": EagerContinuer(args.checkpoint),
    }
    print(f"{args.chars} characters, temperature 0.8, best of 3, one thread\n")
    print("| engine | chars/s | first char after prompt (ms) |")
    print("|---|---:|---:|")
    rows = []
    for name, engine in engines.items():
        rows.append({"engine": name, "chars_per_second": round(chars_per_second(engine, args.chars)),
                     "first_char_ms": round(prompt_latency_ms(engine), 2)})
        print(f"| {name} | {rows[-1]['chars_per_second']:,} | {rows[-1]['first_char_ms']:.2f} |")
    if args.json:
        command = " ".join(["python -m benchmarks.continuation_speed", *(sys.argv[1:] if argv is None else argv)])
        args.json.write_text(json.dumps({"benchmark": command, "results": rows}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
