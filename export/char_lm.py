"""Checkpoint -> char_lm model package (fp32 and int8 ONNX, vocab, manifest, model card).

    python -m export.char_lm runs/shakespeare-char/best.pt --data ../shared/data/tinyshakespeare/input.txt \\
        --out resources/models/shakespeare-char

Checks ONNX Runtime against PyTorch at shapes other than the tracing input, quantizes to int8, measures
both graphs' validation loss and speed, and ships int8 when its loss is within ``--int8-tolerance`` of
fp32. The fp32 graph stays in ``--work-dir`` (not shipped) unless int8 fails the check.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.runtime import contract
from desktop.runtime.continuer import Continuer
from desktop.runtime.package import ModelPackage
from export.evaluate import evaluate_char_lm
from export.lm_package import LMExport, build_lm_package, export_main
from export.package_writer import Graphs
from export.speed import chars_per_second
from model.checkpoint import load_checkpoint
from model.data import read_text
from model.rnn_lm import LMForExport

SHAKESPEARE_ATTRIBUTION = (
    "Trained on tinyshakespeare (karpathy/char-rnn, data/tinyshakespeare/input.txt): passages from "
    "Shakespeare's plays, public domain."
)
NOTES = (
    "Validation loss is the mean cross-entropy in nats per character over the last 10% of tinyshakespeare, "
    "read as 16 parallel streams with the LSTM state carried across 256-character chunks "
    "(`python -m export.evaluate`). nanoGPT's validation loss averages over random 256-character windows "
    "instead, so its predictions see on average half a window of context."
)


def build_package(checkpoint: Path, out: Path, data: Path | None, work_dir: Path, package_id: str,
                  int8_tolerance: float = 0.01, measure_speed: bool = True, benchmarks: Sequence[dict] = ()) -> dict:
    """Writes the package folder ``out`` and returns its manifest."""
    model, vocab, ckpt = load_checkpoint(checkpoint, kind="char")
    spec = LMExport(
        package_id=package_id, kind=contract.KIND_CHAR_LM, model=model, wrapper=LMForExport(model),
        vocab=vocab, checkpoint=ckpt, split="tinyshakespeare first 90% of characters train, last 10% validation",
        default_command="python -m model.train_char model/configs/shakespeare_char.toml --threads=2",
        license="MIT (model weights); training text public domain", attribution=SHAKESPEARE_ATTRIBUTION,
        notes=NOTES,
    )
    text = read_text(data) if data is not None else None

    def quality(package: ModelPackage, graphs: Graphs) -> dict:
        return {"val_loss": evaluate_char_lm(package, text, graphs[contract.ROLE_MODEL])["val_loss"]}

    def speed(package: ModelPackage, graphs: Graphs) -> dict:
        continuer = Continuer(package, provider="cpu", threads=1, model_path=graphs[contract.ROLE_MODEL])
        return {"chars_per_second": round(chars_per_second(continuer))}

    return build_lm_package(
        spec, out, work_dir, quality if text is not None else None, speed if measure_speed else None,
        int8_holds=lambda fp32, int8: int8["val_loss"] - fp32["val_loss"] <= int8_tolerance, benchmarks=benchmarks,
    )


def main(argv: list[str] | None = None) -> int:
    return export_main(argv, "python -m export.char_lm", __doc__.split("\n")[0], build_package,
                       "resources/models/shakespeare-char", "corpus for the fp32/int8 validation loss", 0.01,
                       "largest int8 - fp32 validation loss that still ships int8")


if __name__ == "__main__":
    sys.exit(main())
