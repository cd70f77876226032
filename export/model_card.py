"""The model card: README.md in a package folder, written from the manifest so every number in it is
a measured one (by the exporter, from the checkpoint's training record, or by a named benchmark)."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.runtime import contract


def _table(rows: dict) -> list[str]:
    lines = ["| measure | value |", "|---|---|"]
    for key, value in rows.items():
        if isinstance(value, dict):
            value = json.dumps(value)
        lines.append(f"| {key} | {value} |")
    return lines


def _rows(rows: list[dict]) -> list[str]:
    keys = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    return lines + ["| " + " | ".join(str(row.get(key, "")) for key in keys) + " |" for row in rows]


def benchmark_lines(benchmarks: list[dict]) -> list[str]:
    """The "Benchmarks" section: each named benchmark's command and its results as it wrote them."""
    lines = ["## Benchmarks", ""]
    for record in benchmarks:
        results = record["results"]
        lines += [f"`{record['benchmark']}`", "", *(_rows(results) if isinstance(results, list) else _table(results)),
                  ""]
    return lines


def write_model_card(folder: Path, manifest: dict, notes: str = "") -> Path:
    """Writes ``folder/README.md`` describing the package in ``manifest``."""
    training = dict(manifest.get("training", {}))
    config = training.pop("config", None)
    lines = [
        f"# {manifest['id']}",
        "",
        f"Kind `{manifest['kind']}`, cell `{manifest.get('cell', '')}`, contract version {manifest['contract']}.",
        "",
        "## Architecture",
        "",
        *_table(manifest.get("architecture", {})),
        "",
        "## Measured",
        "",
        *_table(manifest.get("metrics", {})),
        "",
        "## Training",
        "",
        *_table(training),
        "",
    ]
    if config:
        lines += ["Full training configuration:", "", "```json", json.dumps(config, indent=1), "```", ""]
    if notes:
        lines += [notes, ""]
    if manifest.get("benchmarks"):
        lines += benchmark_lines(manifest["benchmarks"])
    lines += [
        "## Files",
        "",
        *[f"- `{e['path']}` ({role}), sha256 `{e['sha256']}`" for role, e in manifest["files"].items()],
        "",
        "## License and attribution",
        "",
        f"{manifest.get('license', '')}. {manifest.get('attribution', '')}",
        "",
    ]
    path = folder / contract.MODEL_CARD_NAME
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
