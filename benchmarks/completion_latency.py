"""How long ``Completer.suggest`` takes per keystroke on one thread (issue goal: p95 <= 5 ms). Prints a table; not
a test.

    python -m benchmarks.completion_latency [--package resources/models/english-word] [--chars 3000]

Rows (the text is WikiText-2 test, read by benchmarks.ksr.benchmark_text):
- typing forward: after a document of ``--lead`` characters, each of the next ``--chars`` characters is typed and
  ``suggest`` is asked with the text before the cursor, every keystroke (letters, spaces, punctuation); also split
  into keystrokes that end a word (a space or punctuation: the model reads the finished word) and those inside one.
- jump: the cursor jumps to a random place far back in the document (an edit elsewhere) and ``suggest`` is asked
  there, first call after the jump; the model must start over from its bounded context window and the document
  memory recount the text before the cursor.
- 10 MB document: the same two on a document of ``--doc-mb`` MB (the test text repeated), passing ``suggest``
  only what the editor passes, the last 50,000 characters before the cursor.

The completer has the editor's settings (phrases on, both document memories on, one ONNX Runtime thread:
``intra_op_num_threads=1``, the calls made from one thread) and, as the app gives it, a memory of what it learned
about the writer: by default the words of WikiText-2 valid (``--learned-words 0`` for none). Slicing the document
is the editor's cost and is not timed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.ksr import DATA, DEFAULT_PACKAGE, WINDOW_CHARS, benchmark_text
from desktop.runtime.completer import Completer
from desktop.runtime.package import ModelPackage
from desktop.runtime.writer_memory import WriterMemory


@dataclass
class Row:
    """Latencies of one scenario, in milliseconds."""

    name: str
    ms: list[float]
    steps: int | None = None  # model steps counted by the completer in the scenario (phrase look-ahead not counted)

    def cells(self) -> str:
        a = np.array(self.ms)
        steps = f"{self.steps / len(a):>11.2f}" if self.steps is not None else f"{'':>11}"
        return (f"{self.name:<46}{len(a):>7}{np.percentile(a, 50):>8.2f}{np.percentile(a, 95):>8.2f}"
                f"{a.max():>8.2f}{steps}")


def timed(suggest: Callable[[str, int], list], before: str, k: int) -> float:
    """Milliseconds for one ``suggest(before, k)``."""
    started = time.perf_counter()
    suggest(before, k)
    return 1000 * (time.perf_counter() - started)


def window(document: str, cursor: int) -> str:
    """What the editor passes: at most the last WINDOW_CHARS characters before the cursor."""
    return document[max(0, cursor - WINDOW_CHARS) : cursor]


def typing_forward(completer, document: str, lead: int, chars: int, k: int, label: str) -> list[Row]:
    """Types ``document[lead : lead + chars]`` one character at a time after ``document[:lead]``."""
    completer.suggest(window(document, lead), k)  # the document is opened: the first reading is not a keystroke
    every, word_end, inside = [], [], []
    steps_before = completer.model_steps
    for cursor in range(lead + 1, lead + chars + 1):
        ms = timed(completer.suggest, window(document, cursor), k)
        every.append(ms)
        (inside if document[cursor - 1].isalnum() else word_end).append(ms)
    steps = completer.model_steps - steps_before
    return [Row(f"{label}: typing forward, every keystroke", every, steps),
            Row(f"{label}:   ... after a space or punctuation", word_end),
            Row(f"{label}:   ... inside a word", inside)]


def jumps(completer, document: str, n: int, k: int, label: str, seed: int = 0) -> Row:
    """The first ``suggest`` after the cursor jumps to ``n`` random places in the first 90% of the document,
    each time after typing at its end."""
    rng = random.Random(seed)
    end = len(document)
    times, steps = [], 0
    for _ in range(n):
        completer.suggest(window(document, end), k)  # typing at the end ...
        cursor = rng.randrange(WINDOW_CHARS // 10, int(0.9 * end))  # ... then an edit far back
        steps_before = completer.model_steps
        times.append(timed(completer.suggest, window(document, cursor), k))
        steps += completer.model_steps - steps_before
    return Row(f"{label}: first suggest after a jump far back", times, steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.completion_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--chars", type=int, default=3000, help="characters typed forward")
    parser.add_argument("--lead", type=int, default=20_000, help="characters of document before the typing")
    parser.add_argument("--jumps", type=int, default=200)
    parser.add_argument("--doc-mb", type=float, default=10.0, help="size of the large document (0: skip)")
    parser.add_argument("--k", type=int, default=3, help="suggestions asked for")
    parser.add_argument("--provider", default="cpu")
    parser.add_argument("--learned-words", type=int, default=250_000,
                        help="the learned memory holds the first N words of WikiText-2 valid (0: no learned memory)")
    args = parser.parse_args(argv)

    completer = Completer(ModelPackage.load(args.package), provider=args.provider, threads=1)
    if args.learned_words:
        completer.learned = WriterMemory()
        completer.learned.learn("valid", benchmark_text(args.data / "wiki.valid.tokens", args.learned_words))
    text = benchmark_text(args.data / "wiki.test.tokens")
    for cursor in range(1000, 1200):  # warm up ONNX Runtime and numpy
        completer.suggest(text[:cursor], args.k)

    rows = typing_forward(completer, text, args.lead, args.chars, args.k, f"{len(text) / 1e6:.1f} MB")
    rows.append(jumps(completer, text, args.jumps, args.k, f"{len(text) / 1e6:.1f} MB"))
    if args.doc_mb > 0:
        big = "\n".join([text] * int(np.ceil(args.doc_mb * 1e6 / (len(text) + 1))))[: int(args.doc_mb * 1e6)]
        label = f"{len(big) / 1e6:.0f} MB"
        rows += typing_forward(completer, big, len(big) - args.chars, args.chars, args.k, label)
        rows.append(jumps(completer, big, args.jumps, args.k, label, seed=1))

    learned = (f"learned memory of {len(completer.learned):,} words ({completer.learned.total:,} uses)"
               if completer.learned is not None else "no learned memory")
    print(f"suggest latency, {completer.name} ({completer.provider}), one thread (ONNX Runtime intra-op threads 1, "
          f"calls from one thread), k={args.k}, phrases up to {completer.max_phrase_words} words, unigram cache "
          f"{completer.cache_weight}, continuous cache {completer.continuous_weight}, {learned}")
    head = f"{'scenario':<46}{'calls':>7}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'steps/call':>11}"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(row.cells())
    p95 = float(np.percentile(rows[0].ms, 95))
    print(f"\ngoal: suggest() p95 <= 5 ms per keystroke typing forward: {p95:.2f} ms, "
          f"{'met' if p95 <= 5.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
