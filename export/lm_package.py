"""Checkpoint -> language-model package (char_lm or word_lm): ONNX fp32 and int8, parity with PyTorch,
quality and speed of both graphs, manifest and model card (export/package_writer.py). The kind-specific parts
(which model, how to score it) come in as arguments from export/char_lm.py and export/word_lm.py."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from torch import nn

from desktop.runtime import contract
from export.onnx_lm import export_lm, parity
from export.package_writer import (
    Measure,
    PackageWriter,
    graph_metadata,
    quantize_graphs,
    read_benchmark,
    training_record,
)


@dataclass
class LMExport:
    """What to export and how to describe it."""

    package_id: str
    kind: str  # contract.KIND_CHAR_LM or contract.KIND_WORD_LM
    model: nn.Module  # has .config (cell, n_layer, n_embd, n_hidden, vocab_size, dropout) and num_params()
    wrapper: nn.Module  # the contract graph: (input_ids, *state) -> (log_probs, *state)
    vocab: object  # CharVocab or WordVocab (has save())
    checkpoint: dict
    split: str
    default_command: str
    license: str
    attribution: str
    notes: str = ""  # how the figures are measured (Markdown for the model card; no figures of its own)
    extra_architecture: dict = field(default_factory=dict)


def build_lm_package(spec: LMExport, out: Path, work_dir: Path, quality: Measure | None, speed: Measure | None,
                     int8_holds: Callable[[dict, dict], bool], benchmarks: Sequence[dict] = ()) -> dict:
    """Writes the package folder ``out`` (int8 graph if ``int8_holds(fp32_quality, int8_quality)``, else
    fp32) and returns its manifest. The unshipped graph stays in ``work_dir``."""
    cfg = spec.model.config
    fp32 = work_dir / "model.onnx"
    export_lm(spec.wrapper, cfg.cell, cfg.n_layer, cfg.n_hidden, cfg.vocab_size, fp32)
    check = parity(spec.wrapper, fp32, cfg.cell, cfg.n_layer, cfg.n_hidden, cfg.vocab_size)
    if check["max_abs_diff"] > 1e-3:
        raise RuntimeError(f"ONNX Runtime disagrees with PyTorch: {check}")
    meta = graph_metadata(spec.package_id, spec.kind, cfg.cell, cfg.n_layer, cfg.n_hidden, cfg.vocab_size)
    variants = quantize_graphs({contract.ROLE_MODEL: fp32}, {contract.ROLE_MODEL: meta})

    writer = PackageWriter(out, spec.package_id, spec.kind, cfg.cell)
    spec.vocab.save(out / "vocab.json")
    writer.add_file(contract.ROLE_VOCAB, "vocab.json")
    writer.metrics.update(parameters=spec.model.num_params(), parity_fp32_max_abs_diff=check["max_abs_diff"],
                          parity_shapes=" ".join(check["per_shape"]))
    writer.describe(
        vocab="vocab.json",
        architecture={"n_layer": cfg.n_layer, "n_embd": cfg.n_embd, "n_hidden": cfg.n_hidden,
                      "vocab_size": cfg.vocab_size, "dropout": cfg.dropout, **spec.extra_architecture},
        training=training_record(spec.checkpoint, spec.split, spec.default_command),
        license=spec.license, attribution=spec.attribution,
    )
    writer.ship(variants, writer.measure(variants, quality, speed), int8_holds)
    return writer.finish([spec.notes] if spec.notes else [], benchmarks)


def export_main(argv: list[str] | None, prog: str, description: str, build_package: Callable[..., dict],
                default_out: str, data_help: str, int8_tolerance: float, tolerance_help: str) -> int:
    """The command line shared by ``python -m export.char_lm`` and ``python -m export.word_lm``:
    ``build_package(checkpoint, out, data, work_dir, package_id, int8_tolerance, measure_speed, benchmarks)``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, default=Path(default_out))
    parser.add_argument("--data", type=Path, default=None, help=data_help)
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the unshipped graphs go (default runs/export/<id>)")
    parser.add_argument("--id", default=None, help="package id (default: the output folder name)")
    parser.add_argument("--int8-tolerance", type=float, default=int8_tolerance, help=tolerance_help)
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    add_benchmark_option(parser)
    args = parser.parse_args(argv)
    package_id = args.id or args.out.name
    manifest = build_package(args.checkpoint, args.out, args.data, args.work_dir or Path("runs/export") / package_id,
                             package_id, args.int8_tolerance, not args.no_speed,
                             [read_benchmark(path) for path in args.benchmark])
    print(json.dumps(manifest["metrics"], indent=2))
    return 0


def add_benchmark_option(parser: argparse.ArgumentParser) -> None:
    """``--benchmark RESULTS.json`` (repeatable): a named benchmark's results for the manifest and model card."""
    parser.add_argument("--benchmark", type=Path, action="append", default=[],
                        help="results file a benchmark wrote (e.g. python -m benchmarks.continuation_speed --json "
                             "FILE), recorded in the manifest and the model card; repeatable")
