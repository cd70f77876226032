"""Checkpoint -> word_lm model package (next-word completion): fp32 and int8 ONNX with full-vocabulary
log-probabilities, vocab, manifest, model card.

    python -m export.word_lm runs/english-mix-word/best.pt --data ../shared/data/wikitext-2 \\
        --out resources/models/english-word

Ships int8 when its test perplexity is within ``--int8-tolerance`` (relative, default 2%) of fp32.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from desktop.runtime import contract
from desktop.runtime.package import ModelPackage
from desktop.runtime.recurrent_lm import RecurrentLM
from export.evaluate import evaluate_word_lm
from export.lm_package import LMExport, build_lm_package, export_main
from export.package_writer import Graphs
from model.checkpoint import load_checkpoint
from model.rnn_lm import LMForExport

WIKITEXT_ATTRIBUTION = (
    "Trained on WikiText-2 (Merity, Xiong, Bradbury and Socher 2016, 'Pointer Sentinel Mixture Models'), "
    "text from Wikipedia's Good and Featured articles, CC BY-SA."
)
ENGLISH_MIX_ATTRIBUTION = (
    "Trained on english-mix: English Wikipedia articles (Wikipedia contributors, CC BY-SA 3.0) and public-domain "
    "books from Project Gutenberg (Lahiri 2014, 'Gutenberg Dataset'), mixed with WikiText-2 train (Merity et al. "
    "2016, CC BY-SA)."
)


def describe_training(config: dict) -> tuple[str, str, str]:
    """(split, default command, attribution) of a checkpoint's training data: WikiText-2 alone, or the
    general-English mixture of model/english_mix.py."""
    if not config.get("mix_sources"):
        return ("WikiText-2 train / valid / test as published",
                "python -m model.train_word model/configs/wikitext2_word.toml", WIKITEXT_ATTRIBUTION)
    split = (f"english-mix train (Wikipedia articles and Gutenberg books) + WikiText-2 train, mixture weights "
             f"{config['mix_weights']}; vocabulary of {config['vocab_size']:,} from that mixture; validation on "
             f"english-mix dev (held-out articles and whole books); WikiText-2 valid/test below use this vocabulary")
    return split, "bash model/device_train.sh", ENGLISH_MIX_ATTRIBUTION


def step_latency_ms(package: ModelPackage, path: Path, steps: int = 300) -> dict:
    """Median and p95 milliseconds of one single-word model step on one thread."""
    lm = RecurrentLM(package, provider="cpu", threads=1, model_path=path)
    state = lm.zero_state()
    ids = np.zeros((1, 1), np.int64)
    times = []
    for i in range(steps):
        ids[0, 0] = i % 1000
        started = time.perf_counter()
        _, state = lm.run(ids, state)
        times.append(time.perf_counter() - started)
    return {"step_ms_p50": round(1000 * float(np.percentile(times, 50)), 3),
            "step_ms_p95": round(1000 * float(np.percentile(times, 95)), 3)}


def build_package(checkpoint: Path, out: Path, data: Path | None, work_dir: Path, package_id: str,
                  int8_tolerance: float = 0.02, measure_speed: bool = True, benchmarks: Sequence[dict] = ()) -> dict:
    """Writes the package folder ``out`` and returns its manifest."""
    model, vocab, ckpt = load_checkpoint(checkpoint, kind="word")
    split, command, attribution = describe_training(ckpt.get("config", {}))
    spec = LMExport(
        package_id=package_id, kind=contract.KIND_WORD_LM, model=model, wrapper=LMForExport(model),
        vocab=vocab, checkpoint=ckpt, split=split, default_command=command,
        license="CC BY-SA 4.0 (trained on CC BY-SA text)", attribution=attribution,
        extra_architecture={"cutoffs": list(model.config.cutoffs), "div_value": model.config.div_value,
                            "softmax": "adaptive (exported as full-vocabulary log-probabilities)"},
    )

    def quality(package: ModelPackage, graphs: Graphs) -> dict:
        result = evaluate_word_lm(package, data, graphs[contract.ROLE_MODEL])
        return {"valid_ppl": result["valid_ppl"], "test_ppl": result["test_ppl"]}

    def speed(package: ModelPackage, graphs: Graphs) -> dict:
        return step_latency_ms(package, graphs[contract.ROLE_MODEL])

    return build_lm_package(
        spec, out, work_dir, quality if data is not None else None, speed if measure_speed else None,
        int8_holds=lambda fp32, int8: int8["test_ppl"] <= fp32["test_ppl"] * (1 + int8_tolerance),
        benchmarks=benchmarks,
    )


def main(argv: list[str] | None = None) -> int:
    return export_main(argv, "python -m export.word_lm", __doc__.split("\n")[0], build_package,
                       "resources/models/english-word", "WikiText-2 folder, for the perplexities", 0.02,
                       "relative perplexity tolerance for shipping int8")


if __name__ == "__main__":
    sys.exit(main())
