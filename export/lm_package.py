"""Checkpoint -> language-model package (char_lm or word_lm): ONNX fp32 and int8, parity with PyTorch,
quality and speed of both graphs, manifest and model card. The kind-specific parts (which model, how to
score it) come in as arguments from export/char_lm.py and export/word_lm.py."""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from torch import nn

from desktop.runtime import contract
from desktop.runtime.package import ModelPackage, sha256_file
from export.model_card import write_model_card
from export.onnx_lm import export_lm, parity, quantize_int8, set_metadata

# (staged package, graph file) -> measurements of that graph, e.g. {"val_loss": 1.45}
Measure = Callable[[ModelPackage, Path], dict]


@dataclass
class LMExport:
    """What to export and how to describe it."""

    package_id: str
    kind: str  # contract.KIND_CHAR_LM or contract.KIND_WORD_LM
    model: nn.Module  # has .config (cell, n_layer, n_hidden, vocab_size) and num_params()
    wrapper: nn.Module  # the contract graph: (input_ids, *state) -> (log_probs, *state)
    vocab: object  # CharVocab or WordVocab (has save())
    checkpoint: dict
    split: str
    default_command: str
    license: str
    attribution: str
    notes: str = ""
    extra_architecture: dict = field(default_factory=dict)


def build_lm_package(spec: LMExport, out: Path, work_dir: Path, quality: Measure | None, speed: Measure | None,
                     int8_holds: Callable[[dict, dict], bool]) -> dict:
    """Writes the package folder ``out`` (int8 graph if ``int8_holds(fp32_quality, int8_quality)``, else
    fp32) and returns its manifest. The unshipped graph stays in ``work_dir``."""
    cfg = spec.model.config
    work_dir.mkdir(parents=True, exist_ok=True)
    variants = {"fp32": work_dir / "model.onnx", "int8": work_dir / "model.int8.onnx"}

    export_lm(spec.wrapper, cfg.cell, cfg.n_layer, cfg.n_hidden, cfg.vocab_size, variants["fp32"])
    check = parity(spec.wrapper, variants["fp32"], cfg.cell, cfg.n_layer, cfg.n_hidden, cfg.vocab_size)
    if check["max_abs_diff"] > 1e-3:
        raise RuntimeError(f"ONNX Runtime disagrees with PyTorch: {check}")
    meta = {
        contract.META_CONTRACT: contract.CONTRACT_VERSION, contract.META_ID: spec.package_id,
        contract.META_KIND: spec.kind, contract.META_CELL: cfg.cell, contract.META_LAYERS: cfg.n_layer,
        contract.META_HIDDEN: cfg.n_hidden, contract.META_VOCAB_SIZE: cfg.vocab_size,
    }
    set_metadata(variants["fp32"], {**meta, contract.META_PRECISION: "fp32"})
    quantize_int8(variants["fp32"], variants["int8"])
    set_metadata(variants["int8"], {**meta, contract.META_PRECISION: "int8"})

    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.onnx"):
        stale.unlink()
    spec.vocab.save(out / "vocab.json")
    ckpt = spec.checkpoint
    metrics: dict = {"parameters": spec.model.num_params(), "parity_fp32_max_abs_diff": check["max_abs_diff"],
                     "parity_shapes": " ".join(check["per_shape"])}
    for name, path in variants.items():
        metrics[f"size_bytes_{name}"] = path.stat().st_size
    manifest = {
        "contract": contract.CONTRACT_VERSION, "id": spec.package_id, "kind": spec.kind, "cell": cfg.cell,
        "files": {contract.ROLE_VOCAB: {"path": "vocab.json", "sha256": sha256_file(out / "vocab.json")}},
        "vocab": "vocab.json",
        "architecture": {"n_layer": cfg.n_layer, "n_embd": cfg.n_embd, "n_hidden": cfg.n_hidden,
                         "vocab_size": cfg.vocab_size, "dropout": cfg.dropout, **spec.extra_architecture},
        "metrics": metrics,
        "training": {
            "data": ckpt["config"]["data"], "split": spec.split,
            "command": ckpt.get("command", spec.default_command),
            "hardware": ckpt.get("hardware", "2-core x86_64 CPU, 2 torch threads"),
            "wall_time_seconds": round(ckpt["train_seconds"], 1), "steps": ckpt["step"],
            "best_val_loss_pytorch": round(ckpt["best_val"], 4), "config": ckpt["config"],
        },
        "license": spec.license,
        "attribution": spec.attribution,
    }
    staged = ModelPackage(out, manifest)  # unverified: each graph below is passed by path
    scores = {}
    for name, path in variants.items():
        if quality is not None:
            scores[name] = quality(staged, path)
            metrics.update({f"{key}_{name}": value for key, value in scores[name].items()})
        if speed is not None:
            metrics.update({f"{key}_{name}": value for key, value in speed(staged, path).items()})

    shipped = "int8" if quality is None or int8_holds(scores["fp32"], scores["int8"]) else "fp32"
    metrics["shipped_precision"] = shipped
    shipped_path = out / variants[shipped].name
    shutil.copyfile(variants[shipped], shipped_path)
    manifest["files"][contract.ROLE_MODEL] = {"path": shipped_path.name, "sha256": sha256_file(shipped_path),
                                              "precision": shipped}
    (out / contract.MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    write_model_card(out, manifest, spec.notes)
    ModelPackage.load(out)  # the package we wrote must pass the runtime's own checks
    return manifest


def export_main(argv: list[str] | None, prog: str, description: str, build_package: Callable[..., dict],
                default_out: str, data_help: str, int8_tolerance: float, tolerance_help: str) -> int:
    """The command line shared by ``python -m export.char_lm`` and ``python -m export.word_lm``:
    ``build_package(checkpoint, out, data, work_dir, package_id, int8_tolerance, measure_speed, note)``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, default=Path(default_out))
    parser.add_argument("--data", type=Path, default=None, help=data_help)
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the unshipped graphs go (default runs/export/<id>)")
    parser.add_argument("--id", default=None, help="package id (default: the output folder name)")
    parser.add_argument("--int8-tolerance", type=float, default=int8_tolerance, help=tolerance_help)
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument("--note", default="", help="Markdown for the model card (e.g. how training went)")
    args = parser.parse_args(argv)
    package_id = args.id or args.out.name
    manifest = build_package(args.checkpoint, args.out, args.data, args.work_dir or Path("runs/export") / package_id,
                             package_id, args.int8_tolerance, not args.no_speed, args.note)
    print(json.dumps(manifest["metrics"], indent=2))
    return 0
