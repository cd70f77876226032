"""Translation latency per sentence (up to 15 words, beam 4, one ONNX Runtime thread) and package size.
Prints a table and, on its last line, a JSON object; not a test.

    python -m benchmarks.translation_latency --package resources/models/tatoeba-en-fr \\
        --data ../shared/data/tatoeba-eng-fra/fra.txt [--fp32 runs/export/tatoeba-en-fr]

The sentences are the package's test split (its seed and sizes read from the manifest), or a built-in list
when ``--data`` is missing. ``--fp32`` names the export work folder holding ``encoder.onnx``/``decoder.onnx``
to time the unshipped precision too. The issue's target: p95 <= 50 ms, package <= 25 MB.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.runtime.package import ModelPackage
from desktop.runtime.translator import Translator
from export.evaluate_translation import LATENCY_MAX_WORDS, latency, package_bytes, test_references

SAMPLE = [
    "Tom lives in Boston.", "I was born in 1914.", "Where is the station?", "Do you speak French?",
    "We should leave before it starts to rain.", "My brother bought a new car last week.",
    "Can you tell me how to get to the museum?", "She has been working here for three years.",
    "I don't think Tom knows what Mary wants.", "The children are playing in the garden.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.translation_latency")
    parser.add_argument("--package", type=Path, default=Path("resources/models/tatoeba-en-fr"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data/tatoeba-eng-fra/fra.txt"))
    parser.add_argument("--fp32", type=Path, default=None, help="export work folder with the fp32 graphs")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=300, help="sentences timed")
    args = parser.parse_args(argv)
    package = ModelPackage.load(args.package)
    if args.data.is_file():
        sentences = list(test_references(args.data, package.manifest.get("training", {}).get("config", {})))
    else:
        sentences = SAMPLE
    engines = {f"shipped ({package.manifest['files']['encoder'].get('precision', '?')})":
               Translator(package, "cpu", args.threads)}
    if args.fp32 is not None:
        engines["fp32"] = Translator(package, "cpu", args.threads, encoder_path=args.fp32 / "encoder.onnx",
                                     decoder_path=args.fp32 / "decoder.onnx")
    results = {name: latency(t, sentences, args.beam, LATENCY_MAX_WORDS, args.limit) for name, t in engines.items()}
    folder_bytes = sum(p.stat().st_size for p in args.package.iterdir() if p.is_file())
    print(f"{package.id}: beam {args.beam}, {args.threads} thread(s), sentences of <= {LATENCY_MAX_WORDS} words\n")
    print("| graphs | sentences | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['latency_sentences']} | {r['latency_p50_ms']} | {r['latency_p95_ms']} | "
              f"{r['latency_max_ms']} |")
    print(f"\npackage files: {package_bytes(package):,} bytes; whole folder: {folder_bytes:,} bytes\n")
    print(json.dumps({"package": package.id, "package_bytes": package_bytes(package), "folder_bytes": folder_bytes,
                      **{name: r for name, r in results.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
