"""Builds Folio's extra English word list for spelling from English-mix *train* text (never dev).

    python -m export.spelling_words [--data ../shared/data] [--out resources/spelling/en-extra.txt.gz]

pyspellchecker's English list (from OpenSubtitles) lacks many words of written prose: British spellings it
cannot derive, terms ("cryptocurrency", "smartphone"), older words of 19th-century books, and the names that
start sentences. A word joins the extra list when English-mix train text (Wikipedia and Project Gutenberg, 33M
words) uses it often (MIN_COUNT times, MIN_COUNT_NAME for capitalised forms), the library does not know it, and
it is not a likely misspelling: no word one edit away is MAX_RATIO times more frequent in the same text ("teh",
"recieve" never get in). Written one word a line, gzip-compressed, sorted (reproducible bytes).
"""

from __future__ import annotations

import argparse
import gzip
import lzma
from collections import Counter
from pathlib import Path

from desktop.runtime.speller import _WORD, Speller

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "resources" / "spelling" / "en-extra.txt.gz"
MIN_COUNT = 10
MIN_COUNT_NAME = 20
MAX_RATIO = 50


def count_corpus(paths: list[Path]) -> Counter:
    """Word counts (as written) of the lzma files ``paths``."""
    counts: Counter = Counter()
    for path in paths:
        with lzma.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                counts.update(_WORD.findall(line))
    return counts


def extra_words(counts: Counter, speller: Speller) -> list[str]:
    """The words to add (see the module docstring)."""
    library = speller.word_list("en").library
    lower = Counter()
    for word, n in counts.items():
        lower[word.lower()] += n
    chosen = []
    for word, n in counts.items():
        if not word.isascii() or not word.isalpha() or len(word) < 3:
            continue
        low = word.lower()
        if word == low:
            if n < MIN_COUNT:
                continue
        elif word == word.capitalize():
            if n < MIN_COUNT_NAME:
                continue
        else:
            continue
        if speller.is_known(word):
            continue
        near = max((lower[w] for w in library.edit_distance_1(low) if w != low), default=0)
        if near >= MAX_RATIO * lower[low]:
            continue  # most likely a misspelling of a far more frequent word
        chosen.append(word)
    return sorted(chosen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    speller = Speller(None)  # the library alone decides what is already known
    files = [args.data / "english-mix" / f"{name}.train.txt.xz" for name in ("wiki", "books")]
    words = extra_words(count_corpus(files), speller)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"{len(words)} words -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
