"""The words of a word model's training text beyond its vocabulary, added to its package as ``lexicon.tsv.gz``:
the completer offers them with the model's ``<unk>`` probability (desktop/runtime/lexicon.py), so names and rare
words the model read but has no row for ("Stratemeyer", "Sambre") still complete.

    python -m export.lexicon resources/models/english-word --text runs/english-mix-word/train-text.txt

The text is read as the training read it (title lines "= ... =" skipped; ``.xz`` through lzma). A word is a run
of letters; case variants count together and keep their commonest spelling; words of fewer than three letters
and words seen fewer than ``--min-count`` times are left out (98k words, 0.5 MB at 2 for the english-word
model's 18.8M-word text: the package stays under 25 MB). The manifest gets the file, its sha256, the word count
and this command; the model card's file list a line.
"""

from __future__ import annotations

import argparse
import gzip
import lzma
import re
import sys
from collections import Counter
from pathlib import Path

from desktop.runtime import contract
from desktop.runtime.lexicon import fold_case
from desktop.runtime.package import ModelPackage, ModelPackageError, sha256_file
from desktop.runtime.vocab import WordVocab
from export.package_writer import write_manifest

LEXICON_FILE = "lexicon.tsv.gz"
MIN_LETTERS = 3  # the completer asks from two typed letters: shorter words complete nothing worth a keystroke
_LETTERS = re.compile(r"[^\W\d_]+")
_TITLE = re.compile(r"^ ?= .* = ?$")


def count_words(text: Path) -> Counter:
    """Word -> count over ``text`` (plain or ``.xz``), title lines skipped."""
    counts: Counter = Counter()
    opener = lzma.open if text.suffix == ".xz" else open
    with opener(text, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not _TITLE.match(line.rstrip("\n")):
                counts.update(_LETTERS.findall(line))
    return counts


def beyond_vocabulary(counts: Counter, known: set[str], min_count: int) -> list[tuple[str, int]]:
    """(commonest spelling, count) of each word ``known`` (lower-cased vocabulary) lacks, case variants summed
    (as the completer reads them: ``lexicon.fold_case``), of at least MIN_LETTERS letters and seen at least
    ``min_count`` times, most frequent first."""
    folded = fold_case(counts, known)
    kept = [(form, int(n)) for key, (form, n) in folded.items() if len(key) >= MIN_LETTERS and n >= min_count]
    return sorted(kept, key=lambda item: (-item[1], item[0].lower()))


def add_lexicon(folder: Path, text: Path, min_count: int = 2) -> dict:
    """Writes ``folder/lexicon.tsv.gz`` from ``text`` and names it in the package's manifest; returns the
    manifest's entry for it."""
    package = ModelPackage.load(folder)
    if package.kind != contract.KIND_WORD_LM:
        raise ModelPackageError(f"{folder}: a lexicon belongs to a word_lm package, not {package.kind}")
    vocab = package.load_vocab(contract.ROLE_VOCAB, WordVocab.from_json)
    words = beyond_vocabulary(count_words(text), {t.lower() for t in vocab.tokens}, min_count)
    body = "".join(f"{word}\t{count}\n" for word, count in words).encode("utf-8")
    (folder / LEXICON_FILE).write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    entry = {"path": LEXICON_FILE, "sha256": sha256_file(folder / LEXICON_FILE), "words": len(words),
             "min_count": min_count, "command": f"python -m export.lexicon {folder} --text {text} "
                                               f"--min-count {min_count}"}
    manifest = dict(package.manifest)
    manifest["files"] = {**manifest["files"], contract.ROLE_LEXICON: entry}
    write_manifest(folder, manifest)
    ModelPackage.load(folder)  # the runtime's own check: every checksum, the new file's included
    _list_in_card(folder / "README.md", entry)
    return entry


def _list_in_card(card: Path, entry: dict) -> None:
    """Names the lexicon in the model card's "## Files" list (replacing an earlier line for it)."""
    if not card.is_file():
        return
    line = (f"- `{LEXICON_FILE}` ({contract.ROLE_LEXICON}), sha256 `{entry['sha256']}`: {entry['words']:,} words of "
            f"the training text beyond the vocabulary (`{entry['command']}`)")
    lines = [old for old in card.read_text(encoding="utf-8").splitlines() if not old.startswith(f"- `{LEXICON_FILE}`")]
    if "## Files" not in lines:
        return
    at = lines.index("## Files") + 1
    while at < len(lines) and (not lines[at] or lines[at].startswith("- ")):
        at += 1
    while not lines[at - 1]:  # after the last file, before the blank line that ends the list
        at -= 1
    lines.insert(at, line)
    card.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.lexicon", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path, help="a word_lm package folder")
    parser.add_argument("--text", type=Path, required=True, help="the model's training text (plain or .xz)")
    parser.add_argument("--min-count", type=int, default=2, help="leave out words seen fewer times")
    args = parser.parse_args(argv)
    try:
        entry = add_lexicon(args.package, args.text, args.min_count)
    except (ModelPackageError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = (args.package / LEXICON_FILE).stat().st_size
    print(f"{args.package / LEXICON_FILE}: {entry['words']:,} words, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
