"""Quality of a model package, with ONNX Runtime only.

    python -m export.evaluate resources/models/shakespeare-char --data ../shared/data/tinyshakespeare/input.txt
    python -m export.evaluate resources/models/english-word --data ../shared/data/wikitext-2

Prints a JSON object on its last line. For a char_lm the score is the mean cross-entropy in nats per
character over the validation split (the last 10% of the file, nanoGPT's split), read as 16 parallel
streams with the recurrent state carried from one 256-character chunk to the next — the same protocol as
validation during training. For a word_lm it is the perplexity on WikiText-2's valid and test splits
(10 streams, state carried across 70-word chunks, <eos> at line ends: the standard protocol).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from desktop.runtime import contract
from desktop.runtime.package import ModelPackage, ModelPackageError
from desktop.runtime.recurrent_lm import RecurrentLM
from desktop.runtime.vocab import CharVocab, WordVocab
from model.data import read_text, read_wikitext_tokens, split_text, stream_chunks, to_streams

EVAL_STREAMS = 16
EVAL_SEQ_LEN = 256
WORD_EVAL_STREAMS = 10
WORD_EVAL_SEQ_LEN = 70


def lm_cross_entropy(lm: RecurrentLM, ids: np.ndarray, n_streams: int = EVAL_STREAMS,
                     seq_len: int = EVAL_SEQ_LEN) -> float:
    """Mean negative log-likelihood (nats/token) of ``ids`` under ``lm``, state carried across chunks."""
    streams = to_streams(ids, n_streams)
    state = lm.zero_state(n_streams)
    total, count = 0.0, 0
    for x, y in stream_chunks(streams, seq_len):
        log_probs, state = lm.run(x, state)  # [B, T, V]
        picked = np.take_along_axis(log_probs, y[..., None], axis=-1)
        total -= float(picked.sum(dtype=np.float64))
        count += y.size
    return total / count


def evaluate_char_lm(package: ModelPackage, text: str, model_file: Path | None = None) -> dict:
    """Validation loss of a char_lm package (or another graph file of it) on ``text``'s 10% split."""
    lm = RecurrentLM(package, provider="cpu", model_path=model_file)
    vocab = CharVocab.load(package.file(contract.ROLE_VOCAB))
    _, val = split_text(text)
    started = time.perf_counter()
    loss = lm_cross_entropy(lm, vocab.encode(val))
    return {
        "package": package.id,
        "model_file": str(lm.graph.path),
        "split": "last 10% of characters",
        "chars": len(val),
        "val_loss": round(loss, 4),
        "val_bpc": round(loss / math.log(2), 4),
        "seconds": round(time.perf_counter() - started, 2),
    }


def evaluate_word_lm(package: ModelPackage, data_dir: Path, model_file: Path | None = None,
                     splits: tuple[str, ...] = ("valid", "test")) -> dict:
    """Perplexity of a word_lm package on WikiText-2 splits read from ``data_dir``."""
    lm = RecurrentLM(package, provider="cpu", model_path=model_file)
    vocab = WordVocab.load(package.file(contract.ROLE_VOCAB))
    result: dict = {"package": package.id, "model_file": str(lm.graph.path)}
    started = time.perf_counter()
    for split in splits:
        ids = vocab.encode(read_wikitext_tokens(Path(data_dir) / f"wiki.{split}.tokens"))
        loss = lm_cross_entropy(lm, ids, WORD_EVAL_STREAMS, WORD_EVAL_SEQ_LEN)
        result[f"{split}_ppl"] = round(math.exp(loss), 2)
        result[f"{split}_tokens"] = len(ids)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path, help="model package folder")
    parser.add_argument("--data", required=True, type=Path,
                        help="char_lm: the corpus file (its last 10%% is scored); word_lm: the WikiText-2 folder")
    parser.add_argument("--model", type=Path, default=None, help="evaluate this ONNX file instead of the package's")
    args = parser.parse_args(argv)
    try:
        package = ModelPackage.load(args.package)
        if package.kind == contract.KIND_CHAR_LM:
            result = evaluate_char_lm(package, read_text(args.data), args.model)
        elif package.kind == contract.KIND_WORD_LM:
            result = evaluate_word_lm(package, args.data, args.model)
        else:
            raise ModelPackageError(f"evaluation of {package.kind} packages is not supported yet")
    except (ModelPackageError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
