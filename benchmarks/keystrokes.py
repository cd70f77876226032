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
from pathlib import Path

from benchmarks.ksr import (
    DATA,
    DEFAULT_PACKAGE,
    FOLIO_SETTINGS,
    KS,
    RUNS,
    SAMPLE_DOC_WORDS,
    Result,
    benchmark_text,
    markdown_rows,
    run_folio,
    show_progress,
    table,
    words,
)
from benchmarks.presage.baseline import run_presage


def describe_text(args: argparse.Namespace) -> str:
    """A line saying what text ``args`` chose."""
    if args.text is None:
        return f"WikiText-2 {args.split}, <unk> deleted, headings and blank lines skipped"
    what = f"{args.text}" + (f" column {args.column}" if args.text.name.removesuffix(".xz").endswith(".tsv") else "")
    if args.sample_words:
        what += (f", seeded sample (seed {args.seed}) of whole documents (pieces of at most {SAMPLE_DOC_WORDS} words),"
                 f" about {args.sample_words:,} words")
    return what


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
    for name, (kind, default, help_text) in FOLIO_SETTINGS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=default, help=help_text)
    parser.add_argument("--label", default=None, help="the text's name in the markdown rows printed at the end")
    parser.add_argument("--presage", action="store_true",
                        help="also presage through its library (same harness) and presage_simulator")
    parser.add_argument("--presage-train", type=Path, default=None,
                        help="build presage's n-grams from this plain text file (default: WikiText-2 train)")
    parser.add_argument("--no-library", action="store_true", help="with --presage: presage_simulator only")
    parser.add_argument("--no-simulator", action="store_true", help="with --presage: the library only")
    parser.add_argument("--runs", type=Path, default=RUNS, help="where presage's texts, database and configs go")
    args = parser.parse_args(argv)

    source = args.text if args.text is not None else args.data / f"wiki.{args.split}.tokens"
    text = benchmark_text(source, args.limit_words, column=args.column, sample_words=args.sample_words,
                          seed=args.seed)
    what = describe_text(args)
    found = words(text)
    kn = sum(len(w) + 1 for _, w in found)
    print(f"text: {what}; {len(found):,} words, {kn:,} keystrokes without prediction (kn), "
          f"{text.count(chr(10)) + 1:,} paragraphs")
    print(f"rules: presage_simulator's (auto space, exact case, {'repeats allowed' if args.repeat else 'no repeats'}"
          f" within a word); context: {'the real text' if args.context == 'text' else 'word stream'}")
    results: list[Result] = []
    if not args.no_folio:
        settings = {name: getattr(args, name) for name in FOLIO_SETTINGS}
        results.append(run_folio(args.package, text, settings, args.ks, args.repeat, args.context, show_progress))
    if args.presage:
        results.extend(run_presage(text, args.ks, args.repeat, args.context, data=args.data, runs=args.runs,
                                   train=args.presage_train, library=not args.no_library,
                                   simulator=not args.no_simulator, progress=show_progress))
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
