"""One writer for every model package (char_lm, word_lm, translator): the graphs' metadata and int8 twins, the
package folder without what an earlier export left, the manifest, the measurements of both precisions, the
int8-or-fp32 choice, the model card and the runtime's own check of the result.

    variants = quantize_graphs({ROLE_MODEL: work / "model.onnx"}, {ROLE_MODEL: graph_metadata(...)})
    writer = PackageWriter(out, package_id, kind, cell)
    writer.add_file(ROLE_VOCAB, "vocab.json")                     # files the exporter wrote into ``out``
    writer.describe(training=training_record(ckpt, split, command), license=..., attribution=..., vocab=...)
    writer.ship(variants, writer.measure(variants, quality, speed), int8_holds)
    manifest = writer.finish(notes, benchmarks)

Every figure in the manifest and the card is measured: by the exporter (parity, sizes, quality, speed), read
from the checkpoint (the training record), or taken from a named benchmark's results file (:func:`read_benchmark`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.runtime import contract
from desktop.runtime.package import ModelPackage, sha256_file
from export.evaluate_translation import package_bytes
from export.model_card import write_model_card
from export.onnx_lm import quantize_int8, set_metadata

Graphs = dict[str, Path]  # role -> graph file, e.g. {"encoder": ..., "decoder": ...}
# (staged package, one precision's graphs) -> measurements of them, e.g. {"val_loss": 1.45}
Measure = Callable[[ModelPackage, Graphs], dict]
# A benchmark results file's command must name the module that wrote it.
BENCHMARK_MODULES = ("python -m benchmarks.", "python -m export.")


def graph_metadata(package_id: str, kind: str, cell: str, n_layer: int, n_hidden: int, vocab_size: int,
                   **extra: object) -> dict:
    """The contract's key facts for a graph's ``metadata_props`` (the precision is added per file)."""
    return {contract.META_CONTRACT: contract.CONTRACT_VERSION, contract.META_ID: package_id,
            contract.META_KIND: kind, contract.META_CELL: cell, contract.META_LAYERS: n_layer,
            contract.META_HIDDEN: n_hidden, contract.META_VOCAB_SIZE: vocab_size, **extra}


def quantize_graphs(fp32: Graphs, metadata: dict[str, dict]) -> dict[str, Graphs]:
    """Tags each fp32 graph with its role's ``metadata`` and writes its int8 twin beside it (``x.onnx`` ->
    ``x.int8.onnx``, ONNX Runtime dynamic quantization); returns {"fp32": graphs, "int8": graphs}."""
    int8 = {role: path.with_suffix(".int8.onnx") for role, path in fp32.items()}
    for role, path in fp32.items():
        set_metadata(path, {**metadata[role], contract.META_PRECISION: "fp32"})
        quantize_int8(path, int8[role])
        set_metadata(int8[role], {**metadata[role], contract.META_PRECISION: "int8"})
    return {"fp32": fp32, "int8": int8}


def training_record(ckpt: dict, split: str, default_command: str, **extra: object) -> dict:
    """The manifest's ``training`` entry: what the checkpoint recorded of the run that made it."""
    return {"data": ckpt["config"].get("data", ""), "split": split, "command": ckpt.get("command", default_command),
            "hardware": ckpt.get("hardware", ""), "wall_time_seconds": round(ckpt.get("train_seconds", 0.0), 1),
            "steps": ckpt.get("step", 0), "best_val_loss_pytorch": round(ckpt.get("best_val", 0.0), 4), **extra,
            "config": ckpt["config"]}


def write_manifest(folder: Path, manifest: dict) -> None:
    """Writes ``folder/manifest.json``."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / contract.MANIFEST_NAME).write_text(text, encoding="utf-8")


def read_benchmark(path: Path) -> dict:
    """A named benchmark's results file: ``{"benchmark": "python -m benchmarks.NAME ...", "results": [rows] or
    {measure: value}}`` as the benchmark wrote it (e.g. ``python -m benchmarks.continuation_speed --json``)."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    command, results = record.get("benchmark"), record.get("results")
    if not isinstance(command, str) or not command.startswith(BENCHMARK_MODULES):
        raise ValueError(f"{path}: 'benchmark' must be the command that wrote it ({' | '.join(BENCHMARK_MODULES)}...)")
    if not results or not isinstance(results, (list, dict)):
        raise ValueError(f"{path}: 'results' must be a list of rows or a measure -> value mapping")
    return {"benchmark": command, "results": results}


class PackageWriter:
    """Writes one package folder. Creating it removes every graph and each of ``extras`` (optional files) that
    an earlier export left there, so the folder holds only what this export names."""

    def __init__(self, out: Path, package_id: str, kind: str, cell: str, extras: tuple[str, ...] = ()):
        out.mkdir(parents=True, exist_ok=True)
        for stale in [*out.glob("*.onnx"), *(out / name for name in extras)]:
            stale.unlink(missing_ok=True)
        self.out = out
        self.metrics: dict = {}
        self.manifest: dict = {"contract": contract.CONTRACT_VERSION, "id": package_id, "kind": kind, "cell": cell,
                               "files": {}}

    def add_file(self, role: str, name: str, **extra: object) -> None:
        """Names ``out/name`` in the manifest under ``role``, with its sha256."""
        self.manifest["files"][role] = {"path": name, "sha256": sha256_file(self.out / name), **extra}

    def describe(self, *, training: dict, license: str, attribution: str, **entries: object) -> None:
        """The manifest's other entries (vocab, architecture, ...), in the contract's order around the metrics."""
        self.manifest.update(entries)
        self.manifest.update(metrics=self.metrics, training=training, license=license, attribution=attribution)

    def measure(self, variants: dict[str, Graphs], quality: Measure | None, speed: Measure | None
                ) -> dict[str, dict]:
        """Records each precision's graph sizes, quality and speed in the metrics (``name_precision``); returns
        the quality by precision ({} without ``quality``). Call :meth:`describe` first: the staged package
        reads its vocabulary from the manifest."""
        for precision, graphs in variants.items():
            for role, path in graphs.items():
                self.metrics[f"size_bytes_{role}_{precision}" if len(graphs) > 1 else f"size_bytes_{precision}"] = \
                    path.stat().st_size
        staged = ModelPackage(self.out, self.manifest)  # unverified: each variant's graphs are passed by path
        scores = {}
        for precision, graphs in variants.items():
            for measure in (quality, speed):
                if measure is not None:
                    measured = measure(staged, graphs)
                    self.metrics.update({f"{key}_{precision}": value for key, value in measured.items()})
                    if measure is quality:
                        scores[precision] = measured
        return scores

    def ship(self, variants: dict[str, Graphs], scores: dict[str, dict],
             int8_holds: Callable[[dict, dict], bool]) -> str:
        """Copies int8 graphs into the package when ``int8_holds(fp32 scores, int8 scores)`` (or nothing was
        scored), else fp32 ones; names them in the manifest; returns the precision shipped."""
        shipped = "int8" if not scores or int8_holds(scores["fp32"], scores["int8"]) else "fp32"
        self.metrics["shipped_precision"] = shipped
        for role, path in variants[shipped].items():
            shutil.copyfile(path, self.out / path.name)
            self.add_file(role, path.name, precision=shipped)
        self.metrics["package_bytes"] = package_bytes(ModelPackage(self.out, self.manifest))
        return shipped

    def finish(self, notes: list[str], benchmarks: Sequence[dict] = ()) -> dict:
        """Adds the benchmarks' results, writes the manifest and the model card (``notes``: Markdown sections on
        how the figures were measured), checks the package as the runtime will; returns the manifest."""
        if benchmarks:
            self.manifest["benchmarks"] = list(benchmarks)
        write_manifest(self.out, self.manifest)
        write_model_card(self.out, self.manifest, "\n\n".join(notes))
        ModelPackage.load(self.out)  # the package we wrote must pass the runtime's own checks
        return self.manifest
