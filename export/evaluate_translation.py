"""Quality and speed of a translator package, with ONNX Runtime only (through the app's own Translator).

    python -m export.evaluate_translation resources/models/tatoeba-en-fr --data ../shared/data/tatoeba-eng-fra/fra.txt
        [--limit N] [--beam 4] [--encoder FILE --decoder FILE]

Translates the test split (the split the package was trained with: its seed and sizes are read from the
manifest) with ``Translator.translate`` — the exact path the editor uses — and scores it against **all**
references of each English sentence: sacreBLEU (13a tokenization) and chrF. Hypotheses and references are
compared after ``normalize_text`` (so Folio's narrow no-break spaces and the references' spaces of any kind
are the same). Also reported:

- ``copy_rate``: the output equals the input (case, spacing and punctuation ignored); ``copy_rate_unjustified``
  counts only inputs none of whose references equals them ("Tom." -> "Tom." is a correct copy);
- ``loop_rate``: the search hit its length limit, or the output repeats a word n-gram (n <= 4) three times
  in a row;
- ``names_numbers_kept``: of the source's numbers and capitalized words (names such as "Tom", "Boston",
  "1914") that some reference contains as they are, the share the output contains.

Prints a JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from desktop.runtime.package import ModelPackage, ModelPackageError
from desktop.runtime.translation_text import normalize_text
from desktop.runtime.translator import Translator
from model.translation_data import read_pairs, split_pairs

LATENCY_MAX_WORDS = 15
_WORDS = re.compile(r"\w+")


def bare(text: str) -> str:
    """Case-folded words only: what "the output equals the input" compares."""
    return " ".join(_WORDS.findall(text.casefold()))


def has_loop(text: str, times: int = 3, max_n: int = 4) -> bool:
    """Whether some word n-gram (n <= ``max_n``) occurs ``times`` times in a row."""
    words = bare(text).split()
    for n in range(1, max_n + 1):
        for start in range(len(words) - n * times + 1):
            gram = words[start : start + n]
            if all(words[start + r * n : start + (r + 1) * n] == gram for r in range(1, times)):
                return True
    return False


def copyable_words(source: str, references: list[str]) -> list[str]:
    """Numbers and capitalized words of ``source`` that a reference also contains verbatim (so names, not
    sentence-initial English words, which French references do not contain)."""
    words = _WORDS.findall(source)
    in_refs = {w for r in references for w in _WORDS.findall(r)}
    return [w for w in words if (any(c.isdigit() for c in w) or w[0].isupper()) and w != "I" and w in in_refs]


def test_references(data: str | Path, training_config: dict) -> dict[str, list[str]]:
    """English test sentence -> all its references, for the split ``training_config`` describes."""
    splits = split_pairs(read_pairs(data), training_config.get("test_sentences", 3000),
                         training_config.get("valid_sentences", 2000), training_config.get("split_seed", 1234))
    return splits.test_references


def score(sources: list[str], hypotheses: list[str], references: dict[str, list[str]],
          loops: list[bool] | None = None) -> dict:
    """BLEU, chrF, copy and loop rates of ``hypotheses`` for ``sources`` (multi-reference)."""
    import sacrebleu

    hyps = [normalize_text(h) for h in hypotheses]
    n_refs = max(len(references[s]) for s in sources)
    streams = [[normalize_text(references[s][k]) if k < len(references[s]) else None for s in sources]
               for k in range(n_refs)]
    copies = [bare(h) == bare(s) and bare(s) != "" for s, h in zip(sources, hyps)]
    justified = [any(bare(r) == bare(s) for r in references[s]) for s in sources]
    loops = loops if loops is not None else [False] * len(sources)
    looped = [flag or has_loop(h) for flag, h in zip(loops, hyps)]
    n = len(sources)
    wanted = [(copyable_words(s, references[s]), set(_WORDS.findall(h))) for s, h in zip(sources, hyps)]
    total = sum(len(words) for words, _ in wanted)
    kept = sum(w in found for words, found in wanted for w in words)
    return {
        "bleu": round(sacrebleu.corpus_bleu(hyps, streams).score, 2),
        "chrf": round(sacrebleu.corpus_chrf(hyps, streams).score, 2),
        "copy_rate": round(sum(copies) / n, 4),
        "copy_rate_unjustified": round(sum(c and not j for c, j in zip(copies, justified)) / n, 4),
        "loop_rate": round(sum(looped) / n, 4),
        "names_numbers_kept": round(kept / total, 4) if total else None,
        "names_numbers": total,
        "sentences": n,
        "references": sum(len(references[s]) for s in sources),
    }


def evaluate_translator(translator: Translator, references: dict[str, list[str]], beam: int = 4,
                        limit: int = 0) -> dict:
    """Translates the English sentences of ``references`` (the first ``limit`` if > 0) and scores them."""
    sources = list(references)[:limit] if limit else list(references)
    hypotheses, loops = [], []
    started = time.perf_counter()
    for source in sources:
        results = translator.translate(source, beam=beam)
        hypotheses.append(results[0].text if results else "")
        loops.append(bool(results) and results[0].truncated)
    seconds = time.perf_counter() - started
    metrics = score(sources, hypotheses, references, loops)
    metrics.update(beam=beam, seconds=round(seconds, 1), ms_per_sentence=round(1000 * seconds / len(sources), 1))
    return metrics


def latency(translator: Translator, sentences: list[str], beam: int = 4, max_words: int = LATENCY_MAX_WORDS,
            limit: int = 300) -> dict:
    """p50/p95 milliseconds per sentence of at most ``max_words`` words (after one warm-up call)."""
    chosen = [s for s in sentences if len(s.split()) <= max_words][:limit]
    if not chosen:
        return {}
    translator.translate(chosen[0], beam=beam)
    times = []
    for sentence in chosen:
        started = time.perf_counter()
        translator.translate(sentence, beam=beam)
        times.append(1000 * (time.perf_counter() - started))
    return {"latency_p50_ms": round(float(np.percentile(times, 50)), 2),
            "latency_p95_ms": round(float(np.percentile(times, 95)), 2),
            "latency_max_ms": round(max(times), 2), "latency_sentences": len(chosen),
            "latency_beam": beam, "latency_max_words": max_words}


def package_bytes(package: ModelPackage) -> int:
    """Bytes of the files the manifest lists (each file counted once)."""
    paths = {package.path / entry["path"] for entry in package.manifest["files"].values()}
    return sum(p.stat().st_size for p in paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.evaluate_translation", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/tatoeba-eng-fra/fra.txt"))
    parser.add_argument("--limit", type=int, default=0, help="score only the first N test sentences")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--encoder", type=Path, default=None, help="another encoder graph of the package")
    parser.add_argument("--decoder", type=Path, default=None, help="another decoder graph of the package")
    parser.add_argument("--latency", action="store_true", help="also measure p50/p95 latency (one thread)")
    args = parser.parse_args(argv)
    try:
        package = ModelPackage.load(args.package)
        translator = Translator(package, provider="cpu", threads=1, encoder_path=args.encoder,
                                decoder_path=args.decoder)
    except ModelPackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    references = test_references(args.data, package.manifest.get("training", {}).get("config", {}))
    result = {"package": package.id, "encoder": str(translator.encoder.path), "decoder": str(translator.decoder.path),
              **evaluate_translator(translator, references, args.beam, args.limit)}
    if args.latency:
        result.update(latency(translator, list(references), args.beam))
        result["package_bytes"] = package_bytes(package)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
