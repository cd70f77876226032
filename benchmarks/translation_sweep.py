"""Decoding settings of the translator on the held-out dev sets (choosing settings on them is allowed by their
SOURCES.md; weights are never tuned on them): BLEU, chrF and short-output rate per (length alpha, coverage beta,
max pieces per segment).

    python -m benchmarks.translation_sweep resources/models/tatoeba-en-fr --limit 300
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from desktop.runtime import translator as translator_module
from desktop.runtime.package import ModelPackage
from export.translation_dev import read_dev_set, score_records, translate_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.translation_sweep", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--dev-dir", type=Path, default=Path("../shared/data/translation-dev"))
    parser.add_argument("--sets", default="tatoeba-v2021-unseen,ntrex128-eng-fra")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--alpha", default="0.6,1.0")
    parser.add_argument("--beta", default="0.0,0.2,0.4")
    parser.add_argument("--max-pieces", default="40")
    args = parser.parse_args(argv)
    translator = translator_module.Translator(ModelPackage.load(args.package), provider="cpu", threads=1)
    sets = {name: read_dev_set(args.dev_dir / f"{name}.tsv") for name in args.sets.split(",")}
    grid = itertools.product(*(map(float, v.split(",")) for v in (args.alpha, args.beta, args.max_pieces)))
    for alpha, beta, pieces in grid:
        translator_module.LENGTH_ALPHA, translator_module.COVERAGE_BETA = alpha, beta
        translator_module.MAX_PIECES = int(pieces)
        row = {"alpha": alpha, "beta": beta, "max_pieces": int(pieces)}
        for name, refs in sets.items():
            scored = score_records(translate_all(translator, list(refs)[: args.limit], 4), refs)
            row[name] = {k: scored[k] for k in ("bleu", "chrf", "short", "numbers")}
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
