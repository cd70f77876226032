"""What learning the writer gains (issue 12, item 4): type the first half of a document, then the second half in a
new document, with and without what Folio learned from the first half. Prints a table; not a test.

    python -m benchmarks.learned_gain [--package resources/models/english-word] [--docs 12] [--max-words 800]

The documents: a seeded sample of english-mix ``wiki.dev`` and ``books.dev`` documents (books cut into pieces of
``--max-words`` words; documents of fewer than 200 words skipped), each cut at its middle word. The first half is
learned (``WriterMemory.learn``, as the editor learns a document it saved); the second half is typed in a new
document (the completer's document memories empty) under presage_simulator's rules (benchmarks/ksr.py), once with
the learned memory and once without. ``--pseudo-words`` compares the weights of the learned memory (the words of
text it may stand for; the completer's default is LEARNED_PSEUDO_WORDS).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.ksr import DEFAULT_PACKAGE, FolioBackend, Tally, simulate
from benchmarks.texts import documents, sample_documents, word_count

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "english-mix"
KS = (1, 3, 6)


def halves(doc: str) -> tuple[str, str]:
    """``doc`` cut before its middle word."""
    words = doc.split(" ")
    middle = len(words) // 2
    return " ".join(words[:middle]), " ".join(words[middle:])


def test_documents(data: Path, n: int, max_words: int, seed: int = 0) -> list[str]:
    """``n`` documents of 200 to ``max_words`` words, half from wiki.dev, half from books.dev."""
    docs: list[str] = []
    for name in ("wiki.dev.txt.xz", "books.dev.txt.xz"):
        pool = [d for d in sample_documents(documents(data / name), None, seed, max_doc_words=max_words)
                if word_count(d) >= 200]
        step = max(1, len(pool) // (n - n // 2 if name.startswith("wiki") else n // 2))
        docs += pool[::step][: n - n // 2 if name.startswith("wiki") else n // 2]
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.learned_gain", description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--data", type=Path, default=DATA, help="the english-mix folder")
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--max-words", type=int, default=800, help="longer documents are cut to this many words")
    parser.add_argument("--pseudo-words", default=None, help="comma-separated LEARNED_PSEUDO_WORDS values to compare")
    args = parser.parse_args(argv)

    from desktop.runtime.completer import LEARNED_PSEUDO_WORDS, Completer
    from desktop.runtime.package import ModelPackage
    from desktop.runtime.writer_memory import WriterMemory

    completer = Completer(ModelPackage.load(args.package), provider="cpu", threads=1, max_phrase_words=1)
    docs = test_documents(args.data, args.docs, args.max_words)
    weights = [float(x) for x in args.pseudo_words.split(",")] if args.pseudo_words else [LEARNED_PSEUDO_WORDS]
    settings = [("without the learned memory", None)] + [(f"with it (stands for <= {w:g} words)", w) for w in weights]
    print(f"{completer.name}: {len(docs)} documents (english-mix dev), first half learned, second half typed in a "
          f"new document; {sum(word_count(halves(d)[1]) for d in docs):,} words typed per row\n")
    print("| setting | " + " | ".join(f"KSR@{k}" for k in KS) + " | top-1 | top-3 |")
    print("|---|" + "---:|" * (len(KS) + 2))
    for name, pseudo in settings:
        tallies = {k: Tally() for k in KS}
        top1 = top3 = n = 0
        for doc in docs:
            first, second = halves(doc)
            memory = WriterMemory()
            memory.learn("first half", first)
            completer.learned = memory if pseudo is not None else None
            completer.learned_pseudo_words = pseudo if pseudo is not None else LEARNED_PSEUDO_WORDS
            completer.memory.clear()
            result = simulate(FolioBackend(completer), second, KS)
            for k in KS:
                t = result.tallies[k]
                tallies[k].chars += t.chars
                tallies[k].typed += t.typed
                tallies[k].selections += t.selections
            top1, top3, n = top1 + result.top1, top3 + result.top3, n + result.words
        print(f"| {name} | " + " | ".join(f"{tallies[k].ksr:.2f}" for k in KS) +
              f" | {100 * top1 / n:.1f} | {100 * top3 / n:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
