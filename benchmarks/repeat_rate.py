"""Does completion echo the words just typed? On dev text of every length, how often the top next-word suggestion
is one of the previous three words, against how often the text itself repeats one of its previous three words;
with next-word top-1 / top-3 accuracy. Prints a table; not a test.

    python -m benchmarks.repeat_rate [--package resources/models/english-word] [--words 4000]

Each document is typed in a new document (the completer's memories start empty); at the start of every word that
follows a space or line break (words as benchmarks/ksr.py splits them), ``suggest`` is asked for the next word.
Words compare case-insensitively. The texts (``--data`` = ../shared/data), each a seeded sample of about
``--words`` words (the sentence set a quarter of that):
- sentences: tatoeba-v2021-unseen English sides, each sentence its own document (~8 words);
- tico19 / ntrex128 (translation-dev English sides): 5 / 10 consecutive rows per document;
- wiki dev 100: the first 100 words of english-mix wiki.dev documents (short texts);
- wiki dev, books dev: whole english-mix dev documents (books cut into 2,000-word pieces).
The completer's settings were chosen on these texts (they are dev text).

Rows: the model alone (no memories), the memories as they were before issue 12 (the continuous cache over all its
pairs at full weight, no repeat discount), and the current settings.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ksr import DEFAULT_PACKAGE, words
from benchmarks.texts import documents, sample_documents, split_document

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PREVIOUS = 3  # words


@dataclass
class Count:
    """Next-word outcomes on one text set."""

    words: int = 0
    top1: int = 0
    top3: int = 0
    echoed: int = 0  # the top suggestion is one of the previous three words
    repeated: int = 0  # the text's word is one of its previous three words

    def pct(self, n: int) -> str:
        return f"{100 * n / self.words:.1f}" if self.words else "-"


def text_sets(data: Path, size: int) -> dict[str, list[str]]:
    """The dev texts (see the module docstring), each a list of documents."""
    dev, mix = data / "translation-dev", data / "english-mix"
    wiki = documents(mix / "wiki.dev.txt.xz")
    return {
        "sentences (tatoeba-unseen)": sample_documents(documents(dev / "tatoeba-v2021-unseen.tsv",
                                                                rows_per_document=1), size // 4, 1),
        "tico19, 5 rows a document": sample_documents(documents(dev / "tico19-eng-fra.tsv", rows_per_document=5),
                                                      size, 1),
        "ntrex128, 10 rows a document": sample_documents(documents(dev / "ntrex128-eng-fra.tsv",
                                                                   rows_per_document=10), size, 1),
        "wiki dev, first 100 words": [split_document(doc, 100)[0] for doc in wiki[: max(1, size // 65)]],
        "wiki dev, whole documents": sample_documents(wiki, 2 * size, 1),
        "books dev, 2000-word pieces": sample_documents(documents(mix / "books.dev.txt.xz"), 2 * size, 1,
                                                        max_doc_words=2000),
    }


def measure(completer, docs: list[str]) -> Count:
    """Types each document of ``docs`` in a new document, asking for the next word at each word start."""
    count = Count()
    for doc in docs:
        completer.memory.clear()
        found = words(doc)
        for i, (start, word) in enumerate(found):
            if start == 0 or doc[start - 1] not in " \n":
                continue
            offered = [s.word.lower() for s in completer.suggest(doc[:start], 3)]
            previous = {w.lower() for _, w in found[max(0, i - PREVIOUS) : i]}
            count.words += 1
            count.top1 += offered[:1] == [word.lower()]
            count.top3 += word.lower() in offered
            count.echoed += bool(offered) and offered[0] in previous
            count.repeated += word.lower() in previous
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.repeat_rate", description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--words", type=int, default=4000, help="words per text set (about)")
    args = parser.parse_args(argv)

    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage

    package = ModelPackage.load(args.package)
    settings = {
        "model alone": dict(cache_weight=0.0, continuous_weight=0.0, repeat_discount=1.0),
        "memories before issue 12": dict(continuous_skip=0, continuous_evidence=0.0, repeat_discount=1.0),
        "memories now": {},
    }
    sets = text_sets(args.data, args.words)
    print(f"{package.id}: next word at each word start; echo = top suggestion is one of the previous {PREVIOUS} "
          f"words; text = the word itself is one of them (%)\n")
    print("| text | words | text repeats | settings | echo | top-1 | top-3 |")
    print("|---|---:|---:|---|---:|---:|---:|")
    totals = {name: Count() for name in settings}
    started = time.perf_counter()
    for text_name, docs in sets.items():
        for name, kwargs in settings.items():
            completer = Completer(package, provider="cpu", threads=1, max_phrase_words=1, **kwargs)
            c = measure(completer, docs)
            t = totals[name]
            for field in ("words", "top1", "top3", "echoed", "repeated"):
                setattr(t, field, getattr(t, field) + getattr(c, field))
            print(f"| {text_name} ({len(docs)} docs) | {c.words:,} | {c.pct(c.repeated)} | {name} | "
                  f"{c.pct(c.echoed)} | {c.pct(c.top1)} | {c.pct(c.top3)} |", flush=True)
    for name, t in totals.items():
        print(f"| all | {t.words:,} | {t.pct(t.repeated)} | {name} | {t.pct(t.echoed)} | {t.pct(t.top1)} | "
              f"{t.pct(t.top3)} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
