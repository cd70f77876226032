"""Plain text for the benchmarks: any file (``.xz`` read through lzma, ``.tsv`` one column), split into documents,
and seeded samples of it. No model code.

Documents: in english-mix files (and WikiText tokens files) a line ``= Title =`` starts a document and is not
itself text; elsewhere a blank line ends one. A ``.tsv`` file's rows are sentences of one document each, unless
``--rows-per-document`` groups them.
"""

from __future__ import annotations

import lzma
import random
import re
from pathlib import Path

_TITLE = re.compile(r"^ *=( =)* .* =( =)* *$")


def read_lines(path: Path, column: int = 0) -> list[str]:
    """The lines of ``path`` (``.xz`` decompressed); for a ``.tsv`` file, field ``column`` of each row."""
    path = Path(path)
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    if path.name.removesuffix(".xz").endswith(".tsv"):
        lines = [row.split("\t")[column] if len(row.split("\t")) > column else "" for row in lines]
    return lines


def documents(path: Path, column: int = 0, rows_per_document: int = 0) -> list[str]:
    """The documents of ``path`` (see the module docstring), each its paragraphs joined by line breaks.

    ``rows_per_document`` > 0 groups that many consecutive non-empty lines into one document instead."""
    lines = read_lines(path, column)
    docs: list[list[str]] = [[]]
    titled = any(_TITLE.match(line) for line in lines[:1000])
    for line in lines:
        line = line.strip()
        if titled and _TITLE.match(line):
            docs.append([])
        elif not line:
            if not titled and not rows_per_document:
                docs.append([])
        else:
            docs[-1].append(line)
            if rows_per_document and len(docs[-1]) >= rows_per_document:
                docs.append([])
    return ["\n".join(doc) for doc in docs if doc]


def word_count(text: str) -> int:
    """Whitespace-separated words."""
    return len(text.split())


def sample_documents(docs: list[str], max_words: int | None, seed: int = 0, max_doc_words: int | None = None
                     ) -> list[str]:
    """Documents drawn in a seeded random order until ``max_words`` words (all of them, in order, when None).

    ``max_doc_words`` first cuts each document into pieces of at most that many words (at paragraph breaks where
    possible), so a long book does not fill the sample alone."""
    if max_doc_words:
        docs = [piece for doc in docs for piece in split_document(doc, max_doc_words)]
    if max_words is None:
        return docs
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    chosen, total = [], 0
    for i in order:
        if total >= max_words:
            break
        chosen.append(i)
        total += word_count(docs[i])
    return [docs[i] for i in sorted(chosen)]


def split_document(doc: str, max_words: int) -> list[str]:
    """``doc`` cut into consecutive pieces of at most ``max_words`` words, at paragraph breaks where possible."""
    pieces: list[list[str]] = [[]]
    size = 0
    for paragraph in doc.split("\n"):
        words = paragraph.split()
        while words:
            room = max_words - size
            if room <= 0 or (size and len(words) > room):
                pieces.append([])
                size, room = 0, max_words
            take = words[:room]
            pieces[-1].append(" ".join(take))
            size += len(take)
            words = words[room:]
    return ["\n".join(p) for p in pieces if p]
