"""Keystroke savings rate (KSR) of next-word completion, typed the way ``presage_simulator`` types, side by side
with presage on the same text under the same rules. Prints a table; not a test. The text, the rules and what
each system reads are described in benchmarks/ksr.py (the harness, a library).

    python -m benchmarks.keystrokes --limit-words 20000                  # Folio only, WikiText-2 test
    python -m benchmarks.keystrokes --limit-words 20000 --presage        # Folio, presage (library), presage_simulator
    benchmarks/run_ksr.sh --limit-words 20000                            # the same, one command
    python -m benchmarks.keystrokes --text ../shared/data/translation-dev/tico19-eng-fra.tsv --presage \\
        --presage-train runs/english-mix.train.txt --no-simulator       # any text; presage from any training text
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.ksr import DATA, DEFAULT_PACKAGE, KS, RUNS, FolioBackend, Result, benchmark_text, simulate, table, words
from benchmarks.texts import documents, sample_documents
from desktop.runtime.completer import (
    CONTINUOUS_EVIDENCE_PAIRS,
    CONTINUOUS_SKIP_RECENT,
    CONTINUOUS_THETA,
    CONTINUOUS_WEIGHT,
    REPEAT_DISCOUNT,
    UNIGRAM_WEIGHT,
)

SAMPLE_DOC_WORDS = 2000  # with --sample-words, longer documents are cut into pieces of this many words first


def show_progress(result: Result) -> None:
    """One line on stderr, rewritten every thousand words."""
    t = result.tallies
    k = 3 if 3 in t else min(t)
    print(f"\r  {result.name}: {result.words:,} words, KSR@{k} {t[k].ksr:.2f}, {result.chars_per_second:,.0f} chars/s",
          end="", file=sys.stderr, flush=True)


def run_folio(package: Path, text: str, args: argparse.Namespace) -> Result:
    """Folio's completer typing ``text``."""
    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage

    completer = Completer(ModelPackage.load(package), threads=1, cache_weight=args.cache_weight, max_phrase_words=1,
                          continuous_weight=args.continuous_weight, continuous_theta=args.continuous_theta,
                          continuous_skip=args.continuous_skip, continuous_evidence=args.continuous_evidence,
                          repeat_discount=args.repeat_discount)
    caches = [f"unigram {args.cache_weight}"] if args.cache_weight else []
    caches += [f"continuous {args.continuous_weight}, theta {args.continuous_theta}, skip {args.continuous_skip}, "
               f"n/(n+{args.continuous_evidence:g})"] if args.continuous_weight else []
    caches += [f"repeats x{args.repeat_discount:g}"] if args.repeat_discount != 1 else []
    name = f"Folio {completer.name} ({', '.join(caches) or 'no cache'})"
    result = simulate(FolioBackend(completer, name), text, args.ks, args.repeat, args.context, show_progress)
    print(file=sys.stderr)
    result.notes.append(f"{result.name}: {completer.model_steps:,} model steps, {result.queries:,} suggest calls, "
                        f"{1000 * result.seconds / max(result.queries, 1):.2f} ms per call")
    return result


def load_text(args: argparse.Namespace) -> tuple[str, str]:
    """(the text to type, a line saying what it is)."""
    if args.text is None:
        text = benchmark_text(args.data / f"wiki.{args.split}.tokens", args.limit_words)
        return text, f"WikiText-2 {args.split}, <unk> deleted, headings and blank lines skipped"
    docs = documents(args.text, args.column)
    sample = sample_documents(docs, args.sample_words, args.seed, SAMPLE_DOC_WORDS if args.sample_words else None)
    text = "\n".join(sample)
    if args.limit_words is not None:
        found = words(text)
        if args.limit_words < len(found):
            start, word = found[args.limit_words - 1]
            text = text[: start + len(word)]
    what = f"{args.text}" + (f" column {args.column}" if args.text.name.removesuffix(".xz").endswith(".tsv") else "")
    if args.sample_words:
        what += (f", seeded sample (seed {args.seed}) of {len(sample)} of {len(docs)} documents (pieces of at most "
                 f"{SAMPLE_DOC_WORDS} words), about {args.sample_words:,} words")
    return text, what


def markdown_rows(results: list[Result], label: str, n_words: int, ks: tuple[int, ...] = KS) -> str:
    """One markdown table row per system: text, words, system, KSR@k..., top-1, top-3 (benchmarks/everyday_ksr.sh
    collects these rows from several runs)."""
    rows = []
    for r in results:
        ksr = " | ".join(f"{r.tallies[k].ksr:.2f}" if k in r.tallies else "-" for k in ks)
        acc = (f"{100 * r.top1 / r.words:.1f} | {100 * r.top3 / r.words:.1f}" if r.queries and r.words else "- | -")
        rows.append(f"| {label} | {n_words:,} | {r.name} | {ksr} | {acc} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.keystrokes", description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="Folio word_lm package")
    parser.add_argument("--no-folio", action="store_true", help="skip Folio (presage only)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding wiki.{train,test}.tokens")
    parser.add_argument("--split", choices=("test", "valid"), default="test",
                        help="the WikiText-2 text to type (valid: for choosing settings without looking at test)")
    parser.add_argument("--text", type=Path, default=None,
                        help="type this file instead of WikiText-2 (plain text; .xz read through lzma; .tsv: --column)")
    parser.add_argument("--column", type=int, default=0, help="with a .tsv --text: the column to type (0-based)")
    parser.add_argument("--sample-words", type=int, default=None,
                        help="with --text: type a seeded sample of whole documents of about this many words")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample-words")
    parser.add_argument("--limit-words", type=int, default=None, help="type only the first N words of the text")
    parser.add_argument("--ks", type=lambda s: tuple(int(k) for k in s.split(",")), default=KS,
                        help="numbers of suggestions, comma-separated (default 1,3,6)")
    parser.add_argument("--repeat", action="store_true", help="offer the plain top k at every keystroke (rule 5)")
    parser.add_argument("--context", choices=("text", "words"), default="text",
                        help="what the systems read: the real text, or presage_simulator's word stream")
    parser.add_argument("--cache-weight", type=float, default=UNIGRAM_WEIGHT,
                        help="Folio's unigram-cache weight (0: off)")
    parser.add_argument("--continuous-weight", type=float, default=CONTINUOUS_WEIGHT,
                        help="Folio's continuous-cache weight (0: off)")
    parser.add_argument("--continuous-theta", type=float, default=CONTINUOUS_THETA,
                        help="Folio's continuous-cache flatness (theta)")
    parser.add_argument("--continuous-skip", type=int, default=CONTINUOUS_SKIP_RECENT,
                        help="newest pairs the continuous cache leaves out (0: none, as before issue 12)")
    parser.add_argument("--continuous-evidence", type=float, default=CONTINUOUS_EVIDENCE_PAIRS,
                        help="the continuous weight is scaled by n / (n + this) for n pairs (0: no scaling)")
    parser.add_argument("--repeat-discount", type=float, default=REPEAT_DISCOUNT,
                        help="factor for next words that repeat one of the last three (1: none)")
    parser.add_argument("--label", default=None, help="the text's name in the markdown rows printed at the end")
    parser.add_argument("--presage", action="store_true",
                        help="also presage through its library (same harness) and presage_simulator")
    parser.add_argument("--presage-train", type=Path, default=None,
                        help="build presage's n-grams from this plain text file (default: WikiText-2 train)")
    parser.add_argument("--no-library", action="store_true", help="with --presage: presage_simulator only")
    parser.add_argument("--no-simulator", action="store_true", help="with --presage: the library only")
    parser.add_argument("--runs", type=Path, default=RUNS, help="where presage's texts, database and configs go")
    args = parser.parse_args(argv)

    text, what = load_text(args)
    found = words(text)
    kn = sum(len(w) + 1 for _, w in found)
    print(f"text: {what}; {len(found):,} words, {kn:,} keystrokes without prediction (kn), "
          f"{text.count(chr(10)) + 1:,} paragraphs")
    print(f"rules: presage_simulator's (auto space, exact case, {'repeats allowed' if args.repeat else 'no repeats'}"
          f" within a word); context: {'the real text' if args.context == 'text' else 'word stream'}")
    results: list[Result] = []
    if not args.no_folio:
        results.append(run_folio(args.package, text, args))
    if args.presage:
        from benchmarks.presage import baseline

        results.extend(baseline.run_all(args, text, show_progress))
    print()
    print(table(results, args.ks))
    for r in results:
        for note in r.notes:
            print("  " + note)
    print()
    print(markdown_rows(results, args.label or what.split(",")[0], len(found), args.ks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
