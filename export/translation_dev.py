"""A translator package on the held-out evaluation sets: quality, numbers, names, short outputs, confidence
and latency by sentence length, with ONNX Runtime only (through the app's own ``Translator.translate``).

    python -m export.translation_dev resources/models/tatoeba-en-fr \\
        --dev-dir ../shared/data/translation-dev --data ../shared/data/tatoeba-eng-fra/fra.txt \\
        --json runs/eval/tatoeba-en-fr.json --markdown runs/eval/tatoeba-en-fr.md [--limit N] [--beam 4]

Every ``*.tsv`` of ``--dev-dir`` (``English<TAB>French[<TAB>French...]``, see its SOURCES.md) is scored
against all references of each sentence, and so is the package's own test split of ``--data`` (the split
its manifest describes). Per set:

- ``bleu``, ``chrf``: sacreBLEU (13a) and chrF, multi-reference, after ``normalize_text``;
- ``numbers``: of the source's numbers (``placeholders`` rules: "7:45", "1,250", "3.5", "1987"), the share
  whose digits appear as one number in the output (``numbers_formatted``: the share written exactly as
  ``french_number`` formats it, "7 h 45", "1 250", "3,5");
- ``names``: of the source's capitalised words not at a sentence start (not "I") that some reference
  contains verbatim (so "Monday" -> "lundi" does not count), the share the output contains;
- ``short``: the share of outputs shorter than 0.6 x the mean reference length (characters);
- ``calibration``: BLEU by confidence band (``Translation.confidence``, when the runtime gives one), and
  BLEU of the sentences the runtime marks unsure against the others;
- ``latency``: p50/p95 milliseconds of one ``translate`` call (one ONNX Runtime thread) by source length:
  <= 15, 16-40, > 40 words.

A set with a known misaligned block (``MISALIGNED``: TICO-19's lines 425-698) is also scored without it, as
"<set> (aligned)". Prints a JSON object on its last line; ``--markdown`` writes the tables.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from desktop.runtime.french_forms import TIME, find_forms, french_form
from desktop.runtime.package import ModelPackage, ModelPackageError
from desktop.runtime.placeholders import NUMBER_RE, digits, french_number
from desktop.runtime.slots import OUTPUT_NUMBER
from desktop.runtime.translation_text import normalize_text, sentence_spans
from desktop.runtime.translator import UNSURE_BELOW, Translator
from export.evaluate_translation import package_bytes, test_references

SHORT_RATIO = 0.6
LENGTH_BANDS = ((0, 15, "<=15"), (16, 40, "16-40"), (41, 10**9, ">40"))
CONFIDENCE_BANDS = (0.0, 0.1, 0.25, 0.35, 0.5, 0.65, 1.01)
_WORD = re.compile(r"[\w'\u2019-]+")
_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z\u00c0-\u00de][\w\u2019-]*")
# Blocks of a dev set whose French belongs to other English lines (set -> first and last English line of the
# block, as they open). TICO-19 in shared/data: lines 425-698 (274 pairs) pair a text on virus origins with
# French from one on hand washing ("Zoonotic origins of human coronaviruses" -> "Généralement, la période
# d'incubation..."); before and after, the pairs match. Their scores measure nothing, so each such set is also
# scored without them, as "<set> (aligned)".
MISALIGNED = {
    "tico19-eng-fra": ("Zoonotic origins of human coronaviruses",
                       "Besides SARS-CoV and MERS-CoV, recombination events have also been observed"),
}


def read_dev_set(path: Path) -> dict[str, list[str]]:
    """``English<TAB>French[<TAB>French...]`` lines -> English -> its references (a repeated English line adds
    its references)."""
    references: dict[str, list[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip():
            continue
        refs = references.setdefault(fields[0], [])
        refs += [f for f in fields[1:] if f.strip() and f not in refs]
    return references


def misaligned_sources(path: Path) -> set[str]:
    """The English lines of ``path`` inside its MISALIGNED block (empty when it has none or the block's first
    and last lines are not both found, in that order)."""
    block = MISALIGNED.get(Path(path).stem)
    if block is None:
        return set()
    inside, found, ended = False, set(), False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        english = line.split("\t", 1)[0]
        inside = inside or english.startswith(block[0])
        if inside:
            found.add(english)
            if english.startswith(block[1]):
                ended = True
                break
    return found if ended else set()


def add_aligned_subsets(results: dict, records: list[dict], sets: dict[str, dict[str, list[str]]],
                        dev_dir: Path) -> None:
    """Adds "<set> (aligned)": a set with a MISALIGNED block scored without it, from the same outputs."""
    for name in list(sets):
        skip = misaligned_sources(dev_dir / f"{name}.tsv")
        chosen = [r for r in records if r.get("set") == name and r["source"] not in skip]
        if skip and chosen:
            results[f"{name} (aligned)"] = score_records(chosen, sets[name])


def number_counts(source: str, output: str) -> tuple[int, int, int]:
    """(source numbers, found in ``output`` by their digits, found written exactly as ``french_number``
    writes them)."""
    expected = expected_numbers(source)
    output = normalize_text(output)
    found = [m.group()[: m.start(1) - m.start()] for m in OUTPUT_NUMBER.finditer(output)]
    kept = formatted = 0
    for number in expected:
        same = [f for f in found if digits(f) == digits(number)]
        if not same:
            continue
        kept += 1
        want = normalize_text(number)
        # A whole hour ("15 h") is read as the number 15: it is French-formatted when the text holds "15 h".
        exact = [f for f in same if f == want or (want == f"{f} h" and re.search(rf"(?<!\d){f} h(?!\w)", output))]
        formatted += bool(exact)
        found.remove((exact or same)[0])
    return len(expected), kept, formatted


def expected_numbers(source: str) -> list[str]:
    """The French each number of ``source`` should become: inside a clock time the time's French ("6:30 p.m."
    -> "18 h 30", :mod:`desktop.runtime.french_forms`), inside a date without leading zeros, anything else as
    ``french_number`` writes it."""
    forms = find_forms(source, titles=False)
    expected = []
    for match in NUMBER_RE.finditer(source):
        inside = [(source[a:b], kind) for a, b, kind in forms if a <= match.start() < b]
        if inside and inside[0][1] == TIME:
            expected.append(french_form(inside[0][0]))
        elif inside and match.group().isdigit():  # a date's day: "06 February" is "6 février"
            expected.append(str(int(match.group())))
        else:
            expected.append(french_number(match.group()))
    return expected


def source_names(source: str, references: list[str]) -> list[str]:
    """Capitalised words of ``source`` not at a sentence start (and not "I") that a reference contains."""
    starts = {start for start, _ in sentence_spans(source)}
    in_refs = {w for r in references for w in _WORD.findall(r)}
    names = []
    for match in _CAPITALISED.finditer(source):
        word = match.group().rstrip("-")
        before = source[: match.start()].rstrip(" \"'([\u00ab")
        if match.start() in starts or not before or before[-1] in ".!?:" or word == "I":
            continue
        if word in in_refs:
            names.append(word)
    return names


def is_short(output: str, references: list[str]) -> bool:
    """Whether ``output`` is shorter than SHORT_RATIO x the mean reference length (characters)."""
    expected = float(np.mean([len(normalize_text(r)) for r in references]))
    return len(normalize_text(output)) < SHORT_RATIO * expected


def _bleu(hyps: list[str], refs: list[list[str]]) -> float | None:
    import sacrebleu

    if not hyps:
        return None
    n = max(len(r) for r in refs)
    streams = [[normalize_text(r[k]) if k < len(r) else None for r in refs] for k in range(n)]
    return round(sacrebleu.corpus_bleu([normalize_text(h) for h in hyps], streams).score, 2)


def _chrf(hyps: list[str], refs: list[list[str]]) -> float:
    import sacrebleu

    n = max(len(r) for r in refs)
    streams = [[normalize_text(r[k]) if k < len(r) else None for r in refs] for k in range(n)]
    return round(sacrebleu.corpus_chrf([normalize_text(h) for h in hyps], streams).score, 2)


def translate_all(translator: Translator, sources: list[str], beam: int) -> list[dict]:
    """One record per source: output, milliseconds, confidence and unsure flag (None without them)."""
    if sources:
        translator.translate(sources[0], beam=beam)  # warm-up
    records = []
    for source in sources:
        started = time.perf_counter()
        results = translator.translate(source, beam=beam)
        ms = 1000 * (time.perf_counter() - started)
        best = results[0] if results else None
        records.append({
            "source": source, "output": best.text if best else "", "ms": ms,
            "confidence": getattr(best, "confidence", None) if best else None,
            "unsure": getattr(best, "unsure", None) if best else None,
        })
    return records


def score_records(records: list[dict], references: dict[str, list[str]]) -> dict:
    """The metrics of the module docstring for translated ``records``."""
    sources = [r["source"] for r in records]
    hyps = [r["output"] for r in records]
    refs = [references[s] for s in sources]
    numbers = np.array([number_counts(s, h) for s, h in zip(sources, hyps)]).reshape(-1, 3).sum(0)
    wanted = [(source_names(s, rs), set(_WORD.findall(normalize_text(h)))) for s, h, rs in zip(sources, hyps, refs)]
    names_total = sum(len(w) for w, _ in wanted)
    names_kept = sum(word in found for w, found in wanted for word in w)
    result = {
        "sentences": len(records), "bleu": _bleu(hyps, refs), "chrf": _chrf(hyps, refs),
        "numbers": round(numbers[1] / numbers[0], 4) if numbers[0] else None,
        "numbers_formatted": round(numbers[2] / numbers[0], 4) if numbers[0] else None,
        "numbers_total": int(numbers[0]),
        "names": round(names_kept / names_total, 4) if names_total else None, "names_total": names_total,
        "short": round(float(np.mean([is_short(h, r) for h, r in zip(hyps, refs)])), 4),
        "latency": latency_by_length(records),
    }
    result["calibration"] = calibration(records, refs)
    return result


def latency_by_length(records: list[dict]) -> dict:
    """p50/p95 ms per source-length band (words)."""
    out = {}
    for low, high, name in LENGTH_BANDS:
        times = [r["ms"] for r in records if low <= len(r["source"].split()) <= high]
        if times:
            out[name] = {"n": len(times), "p50_ms": round(float(np.percentile(times, 50)), 1),
                         "p95_ms": round(float(np.percentile(times, 95)), 1)}
    return out


def calibration(records: list[dict], refs: list[list[str]]) -> dict | None:
    """BLEU per confidence band and for unsure (marked) against sure sentences; None without confidences."""
    if not records or records[0]["confidence"] is None:
        return None
    bands = []
    for low, high in zip(CONFIDENCE_BANDS, CONFIDENCE_BANDS[1:]):
        chosen = [i for i, r in enumerate(records) if low <= r["confidence"] < high]
        bands.append({"band": f"{low:.2f}-{min(high, 1.0):.2f}", "n": len(chosen),
                      "bleu": _bleu([records[i]["output"] for i in chosen], [refs[i] for i in chosen])})
    marked = [i for i, r in enumerate(records) if r["unsure"]]
    sure = [i for i, r in enumerate(records) if not r["unsure"]]
    return {
        "bands": bands,
        "marked": {"n": len(marked), "bleu": _bleu([records[i]["output"] for i in marked], [refs[i] for i in marked])},
        "unmarked": {"n": len(sure), "bleu": _bleu([records[i]["output"] for i in sure], [refs[i] for i in sure])},
    }


def evaluate_sets(translator: Translator, sets: dict[str, dict[str, list[str]]], beam: int = 4,
                  limit: int = 0) -> dict:
    """Set name -> metrics, plus ``all`` pooling the latencies and calibration of every set."""
    results, pooled, pooled_refs = {}, [], []
    for name, references in sets.items():
        sources = list(references)[:limit] if limit else list(references)
        records = translate_all(translator, sources, beam)
        for record in records:
            record["set"] = name
        results[name] = score_records(records, references)
        pooled += records
        pooled_refs += [references[s] for s in sources]
    results["all"] = {"latency": latency_by_length(pooled), "calibration": calibration(pooled, pooled_refs)}
    results["all"]["records"] = pooled
    return results


def rescore(records: list[dict], sets: dict[str, dict[str, list[str]]], unsure_below: float) -> dict:
    """The results of :func:`evaluate_sets` from saved records (``--json``'s ``.outputs.jsonl``), with the
    unsure flag recomputed for a confidence threshold ``unsure_below`` (to calibrate without translating)."""
    for record in records:
        if record["confidence"] is not None:
            record["unsure"] = record["confidence"] < unsure_below
    results = {}
    for name, references in sets.items():
        chosen = [r for r in records if r.get("set") == name]
        if chosen:
            results[name] = score_records(chosen, references)
    pooled = [r for r in records if r.get("set") in results]
    results["all"] = {"latency": latency_by_length(pooled),
                      "calibration": calibration(pooled, [sets[r["set"]][r["source"]] for r in pooled])}
    return results


def markdown(results: dict, package: str, beam: int) -> str:
    """The before/after tables of the issue."""
    def cell(value, pct=False):
        if value is None:
            return "–"
        return f"{100 * value:.1f}%" if pct else f"{value}"

    lines = [f"Package `{package}`, beam {beam}, all references.", "",
             "| set | sentences | BLEU | chrF | numbers kept | numbers French-formatted | names kept | "
             "short outputs (<0.6x) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        if name == "all":
            continue
        lines.append(f"| {name} | {r['sentences']} | {cell(r['bleu'])} | {cell(r['chrf'])} | "
                     f"{cell(r['numbers'], True)} (of {r['numbers_total']}) | {cell(r['numbers_formatted'], True)} | "
                     f"{cell(r['names'], True)} (of {r['names_total']}) | {cell(r['short'], True)} |")
    lines += ["", "Latency of one translate call (ms, one thread), all sets pooled:", "",
              "| words | sentences | p50 | p95 |", "|---|---:|---:|---:|"]
    for band, t in results["all"]["latency"].items():
        lines.append(f"| {band} | {t['n']} | {t['p50_ms']} | {t['p95_ms']} |")
    cal = results["all"]["calibration"]
    if cal:
        lines += ["", "Confidence calibration, all sets pooled:", "", "| confidence | sentences | BLEU |",
                  "|---|---:|---:|"]
        lines += [f"| {b['band']} | {b['n']} | {cell(b['bleu'])} |" for b in cal["bands"]]
        lines += [f"| marked unsure | {cal['marked']['n']} | {cell(cal['marked']['bleu'])} |",
                  f"| not marked | {cal['unmarked']['n']} | {cell(cal['unmarked']['bleu'])} |"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.translation_dev", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--dev-dir", type=Path, default=Path("../shared/data/translation-dev"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data/tatoeba-eng-fra/fra.txt"),
                        help="fra.txt, for the package's own test split ('' to skip it)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N sentences of each set")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--markdown", type=Path, default=None, help="write the tables here")
    parser.add_argument("--rescore", type=Path, default=None,
                        help="score saved outputs (a --json run's .outputs.jsonl) instead of translating")
    parser.add_argument("--unsure-below", type=float, default=UNSURE_BELOW,
                        help="with --rescore: the confidence threshold to mark sentences unsure")
    args = parser.parse_args(argv)
    try:
        package = ModelPackage.load(args.package)
        translator = Translator(package, provider="cpu", threads=1)
    except ModelPackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sets = {path.stem: read_dev_set(path) for path in sorted(args.dev_dir.glob("*.tsv"))}
    if str(args.data) and args.data.is_file():
        sets["tatoeba-test-split"] = test_references(args.data, package.manifest.get("training", {}).get("config", {}))
    if args.rescore:
        records = [json.loads(line) for line in args.rescore.read_text(encoding="utf-8").splitlines() if line]
        results = rescore(records, sets, args.unsure_below)
    else:
        results = evaluate_sets(translator, sets, args.beam, args.limit)
        records = results["all"].pop("records")
    add_aligned_subsets(results, records, sets, args.dev_dir)
    summary = {"package": package.id, "beam": args.beam, "package_bytes": package_bytes(package), "sets": results}
    if args.json and not args.rescore:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.with_suffix(".outputs.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    for path, text in ((args.json, json.dumps(summary, indent=1)), (args.markdown, markdown(results, package.id,
                                                                                             args.beam))):
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(markdown(results, package.id, args.beam))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
