"""The keystroke-savings harness, a library: the benchmark text (``benchmark_text``, which every benchmark that types
text reads), presage_simulator's rules, Folio as a system, the simulation and the report. Its command line is
benchmarks/keystrokes.py; presage's n-gram baseline (benchmarks/presage/baseline.py) is one more system. Both import
this module and neither imports the other's command line.

The text
    WikiText-2 test (``wiki.test.tokens``), one paragraph per line, each line detokenized with
    ``desktop.runtime.wikitext.detokenize`` into normal text ("guest-starring", "1,500", "Teddy's"). Heading lines
    (`` = ... = ``) and empty lines are skipped. ``<unk>`` tokens are deleted and the words around them kept: 6.3%
    of the test tokens are ``<unk>`` and 92% of the lines hold one, so dropping lines would drop nearly all the
    text, and spelling them out as some placeholder word would let the n-gram tables and the document cache learn
    the placeholder. The paragraphs are joined by line breaks. presage's n-gram database is built from the training
    text prepared exactly the same way (see benchmarks/presage). ``--limit-words N`` keeps the first N words (the
    text is cut right after the Nth word); every system types that same prefix.

    Any other text (``--text FILE``, read by benchmarks/texts.py): a plain text file, ``.xz`` read through lzma, a
    ``.tsv`` file's column (``--column``, the English side by default). Title lines ``= Title =`` (english-mix) are
    dropped; the documents are joined by line breaks, as the WikiText-2 paragraphs are, and typed as one text.
    ``--sample-words N`` types a seeded sample of whole documents (long ones cut into pieces of 2,000 words first)
    instead of all of it; ``--limit-words`` then cuts that.

The rules (presage 0.9.1's presage_simulator: ``presageSimulator.cpp``, ``simulator.cpp``, and ``selector.cpp``)
    1. Words are what presage_simulator's ForwardTokenizer reads: runs of characters between blanks (space, \\f,
       \\n, \\r, \\t, \\v) and presage's 32 ASCII separators ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~``. So "don't" is
       "don" + "t", "1,500" is "1" + "500", "guest-starring" is "guest" + "starring". Letters, digits and any
       non-ASCII character are word characters.
    2. Each word costs ``len(word) + 1`` keystrokes without prediction (kn: the word and one space). Punctuation
       and other separators are neither typed nor counted: presage_simulator never types them.
    3. Before each character of a word (the first time before any), the system offers its suggestions for the
       text before the cursor. If the word is among the first k, one keystroke selects it and the space after it
       is free (presage_simulator's autoSpace). Otherwise the next character is typed (one keystroke). A word
       never offered costs all its characters plus the space. So a word first offered after j typed characters
       costs j + 1 keystrokes, and one never offered (or offered only once complete) costs len + 1. (presage also
       asks after the last character; taking the word then costs what the space costs, so this harness does not ask.)
    4. The match is exact and case-sensitive (presage_simulator without ``-i``): "the" does not complete "The".
       For Folio, ``Suggestion.text`` (what it would insert) must equal the rest of the word; at a word start a
       leading space in it is dropped (that space is the separator, which is free). Phrase suggestions are off
       (``max_phrase_words=1``): a selection takes one word, like presage and like Ctrl+Right in the editor.
    5. No repeats within a word (presage's Selector with ``REPEAT_SUGGESTIONS`` = no, its default): a word
       already offered for the current word and not taken is not offered again; the list is filled with the next
       candidates. ``--repeat`` offers the plain top k each time, for every system. (presage takes the very first
       keystroke of a text for a new context and may repeat there; at most one keystroke per text, not copied.)
    6. KSR = (1 - (typed + selections) / kn) x 100, typed counting characters and spaces. presage_simulator starts
       its selection count at 1 (one phantom keystroke); its KSR is shown recomputed without it (100/kn higher).
       presage_simulator counts UTF-8 bytes, this harness characters: kn differs by the few non-ASCII letters
       (14 in the first 2,000 words, which are then typed in full by both: the keystroke counts agree exactly).

What each system reads
    Folio and presage (through its C library, ``--presage``) both get the real text before the cursor, with
    punctuation and line breaks, at most the last 50,000 characters (what the editor passes); presage's context
    tracker drops punctuation itself. presage_simulator feeds presage the words joined by single spaces;
    ``--context words`` gives every system that stream instead. Either way the library run reproduces
    presage_simulator's keystroke counts exactly (checked on the first 2,000 words at k = 1, 3, 6, and by
    tests/test_keystrokes.py), which checks these rules.

Top-1 / top-3 next-word accuracy: how often the word is the first / among the first three suggestions offered at
its start, before any character is typed, over all words.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from benchmarks.texts import documents, sample_documents
from desktop.runtime.completer import (
    CONTINUOUS_EVIDENCE_PAIRS,
    CONTINUOUS_SKIP_RECENT,
    CONTINUOUS_THETA,
    CONTINUOUS_WEIGHT,
    REPEAT_DISCOUNT,
    UNIGRAM_WEIGHT,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikitext-2"
MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"


def shipped_word_package(models: Path = MODELS) -> Path:
    """The shipped word_lm package (the first folder under resources/models whose manifest says ``word_lm``), so
    the benchmarks follow whichever word model is shipped; resources/models/wikitext2-word when there is none."""
    for manifest in sorted(models.glob("*/manifest.json")):
        try:
            if json.loads(manifest.read_text(encoding="utf-8")).get("kind") == "word_lm":
                return manifest.parent
        except (OSError, ValueError):
            continue
    return models / "wikitext2-word"


DEFAULT_PACKAGE = shipped_word_package()
RUNS = Path("runs/presage")
WINDOW_CHARS = 50_000  # the editor passes at most this much text before the cursor
KS = (1, 3, 6)
SAMPLE_DOC_WORDS = 2000  # with ``sample_words``, longer documents are cut into pieces of this many words first

# presage's ForwardTokenizer: DEFAULT_BLANKSPACE_CHARS and DEFAULT_SEPARATOR_CHARS (core/charsets.h).
BLANKS = " \f\n\r\t\v"
SEPARATORS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_WORD = re.compile("[^" + re.escape(BLANKS + SEPARATORS) + "]+")
_HEADING = re.compile(r"^ *=( =)* .* =( =)* *$")


# -- the text ---------------------------------------------------------------------------------------------------


def detokenized_lines(tokens_file: Path) -> Iterator[str]:
    """The paragraphs of a ``wiki.*.tokens`` file as normal text: headings and empty lines skipped, <unk> deleted."""
    from desktop.runtime.wikitext import detokenize

    with open(tokens_file, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or _HEADING.match(line.rstrip("\n")):
                continue
            tokens = [t for t in line.split() if t != "<unk>"]
            if tokens:
                yield detokenize(tokens)


def words(text: str) -> list[tuple[int, str]]:
    """(offset, word) for each word of ``text`` as presage_simulator splits it (rule 1)."""
    return [(m.start(), m.group()) for m in _WORD.finditer(text)]


def benchmark_text(source: Path = DATA / "wiki.test.tokens", limit_words: int | None = None,
                   limit_chars: int | None = None, column: int = 0, sample_words: int | None = None,
                   seed: int = 0) -> str:
    """The text a benchmark types, prepared one way for every benchmark (see "The text" above).

    ``source``: a WikiText ``*.tokens`` file (its paragraphs detokenized), or any other text file read by
    benchmarks/texts.py (``.xz``, a ``.tsv`` file's ``column``), whose documents, or with ``sample_words`` a seeded
    (``seed``) sample of them of about that many words, are the paragraphs. The paragraphs are joined by line breaks;
    the text is cut right after its ``limit_words``-th word and at ``limit_chars`` characters when given (only as
    many paragraphs as that needs are read)."""
    source = Path(source)
    if source.suffix == ".tokens":
        paragraphs: Iterable[str] = detokenized_lines(source)
    else:
        paragraphs = sample_documents(documents(source, column), sample_words, seed,
                                      SAMPLE_DOC_WORDS if sample_words else None)
    kept: list[str] = []
    size = 0
    for paragraph in paragraphs:
        kept.append(paragraph)
        size += len(paragraph) + 1
        if limit_chars is not None and size >= limit_chars:
            break
    text = "\n".join(kept)[:limit_chars]
    if limit_words is not None:
        found = words(text)
        if limit_words < len(found):
            start, word = found[limit_words - 1]
            text = text[: start + len(word)]
    return text


def word_stream(text: str) -> str:
    """What presage_simulator feeds presage: the words joined by single spaces (no punctuation, no line breaks)."""
    return " ".join(word for _, word in words(text))


# -- the systems ----------------------------------------------------------------------------------------------


class Backend(Protocol):
    """A predictive system as the simulator sees it."""

    name: str

    def candidates(self, context: str, typed: str, n: int) -> list[str]:
        """Up to ``n`` words, best first, offered for the word at the end of ``context``, of which ``typed`` (maybe
        empty) has been typed; each is the whole word as it would read once the suggestion is taken."""
        ...


class FolioBackend:
    """``Completer.suggest`` as a backend: a suggestion's word is the typed part plus the text it would insert."""

    def __init__(self, completer, name: str = "Folio"):
        self.completer = completer
        self.name = name

    def candidates(self, context: str, typed: str, n: int) -> list[str]:
        out = []
        for suggestion in self.completer.suggest(context, n):
            insert = suggestion.text
            if not typed and insert.startswith(" "):
                insert = insert[1:]  # at a word start the separator before the word is free (rule 4)
            out.append(typed + insert)
        return out


# Completer keyword arguments a run may set (the document memories), the editor's values as defaults:
# name -> (type, default, help). benchmarks/keystrokes.py offers each as --name-with-dashes.
FOLIO_SETTINGS: dict[str, tuple[type, float, str]] = {
    "cache_weight": (float, UNIGRAM_WEIGHT, "Folio's unigram-cache weight (0: off)"),
    "continuous_weight": (float, CONTINUOUS_WEIGHT, "Folio's continuous-cache weight (0: off)"),
    "continuous_theta": (float, CONTINUOUS_THETA, "Folio's continuous-cache flatness (theta)"),
    "continuous_skip": (int, CONTINUOUS_SKIP_RECENT,
                        "newest pairs the continuous cache leaves out (0: none, as before issue 12)"),
    "continuous_evidence": (float, CONTINUOUS_EVIDENCE_PAIRS,
                            "the continuous weight is scaled by n / (n + this) for n pairs (0: no scaling)"),
    "repeat_discount": (float, REPEAT_DISCOUNT, "factor for next words that repeat one of the last three (1: none)"),
}


def folio_settings(**overrides: float) -> dict[str, float]:
    """Every FOLIO_SETTINGS value: its default unless ``overrides`` names it."""
    unknown = overrides.keys() - FOLIO_SETTINGS.keys()
    if unknown:
        raise ValueError(f"unknown Folio settings: {', '.join(sorted(unknown))}")
    return {name: overrides.get(name, default) for name, (_, default, _) in FOLIO_SETTINGS.items()}


def describe_settings(settings: Mapping[str, float]) -> str:
    """The document memories a run uses, in a few words (part of its name in the table)."""
    parts = [f"unigram {settings['cache_weight']}"] if settings["cache_weight"] else []
    if settings["continuous_weight"]:
        parts.append(f"continuous {settings['continuous_weight']}, theta {settings['continuous_theta']}, "
                     f"skip {settings['continuous_skip']}, n/(n+{settings['continuous_evidence']:g})")
    if settings["repeat_discount"] != 1:
        parts.append(f"repeats x{settings['repeat_discount']:g}")
    return ", ".join(parts) or "no cache"


def run_folio(package: Path, text: str, settings: Mapping[str, float] | None = None, ks: Sequence[int] = KS,
              repeat: bool = False, context: str = "text", progress: Callable[[Result], None] | None = None
              ) -> Result:
    """Folio's completer over ``package`` typing ``text`` (one thread, one word a selection: rule 4), with
    ``settings`` (see FOLIO_SETTINGS; the editor's values when None)."""
    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage

    settings = folio_settings(**(settings or {}))
    completer = Completer(ModelPackage.load(package), threads=1, max_phrase_words=1, **settings)
    name = f"Folio {completer.name} ({describe_settings(settings)})"
    result = simulate(FolioBackend(completer, name), text, ks, repeat, context, progress)
    if progress is not None:
        print(file=sys.stderr)
    result.notes.append(f"{result.name}: {completer.model_steps:,} model steps, {result.queries:,} suggest calls, "
                        f"{1000 * result.seconds / max(result.queries, 1):.2f} ms per call")
    return result


# -- the simulation ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Keystrokes at one number of suggestions."""

    chars: int = 0  # kn: keystrokes without prediction (each word and its space)
    typed: int = 0  # characters and spaces typed
    selections: int = 0  # suggestions taken

    @property
    def ksr(self) -> float:
        return 100.0 * (1 - (self.typed + self.selections) / self.chars) if self.chars else 0.0


@dataclass
class Result:
    """One system typing one text."""

    name: str
    tallies: dict[int, Tally]
    words: int = 0
    top1: int = 0
    top3: int = 0
    queries: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def chars_per_second(self) -> float:
        return self.tallies[min(self.tallies)].chars / self.seconds if self.seconds else 0.0


def simulate(backend: Backend, text: str, ks: Sequence[int] = KS, repeat: bool = False, context: str = "text",
             progress: Callable[[Result], None] | None = None) -> Result:
    """Types ``text`` word by word under the rules above, for every k in ``ks`` in one pass (the text before the
    cursor does not depend on k, so each query serves all k that have not yet taken the word)."""
    stream = context == "words"
    if stream:
        text = word_stream(text)
    result = Result(backend.name, {k: Tally() for k in ks})
    started = time.perf_counter()
    for start, word in words(text):
        pending = set(ks)
        shown: dict[int, set[str]] = {k: set() for k in ks}
        taken_at: dict[int, int] = {}
        for j in range(len(word)):  # a word offered only once complete saves nothing: no need to ask then
            need = max(k if repeat else k + len(shown[k]) for k in pending)
            if j == 0:
                need = max(need, 3)
            cursor = start + j
            offered = list(dict.fromkeys(backend.candidates(text[max(0, cursor - WINDOW_CHARS) : cursor],
                                                            word[:j], need)))
            result.queries += 1
            if j == 0:
                result.top1 += offered[:1] == [word]
                result.top3 += word in offered[:3]
            for k in sorted(pending):
                visible = offered[:k] if repeat else [w for w in offered if w not in shown[k]][:k]
                if word in visible:
                    taken_at[k] = j
                    pending.discard(k)
                else:
                    shown[k].update(visible)
            if not pending:
                break
        for k, tally in result.tallies.items():
            tally.chars += len(word) + 1
            if k in taken_at:
                tally.typed += taken_at[k]
                tally.selections += 1
            else:
                tally.typed += len(word) + 1
        result.words += 1
        if progress is not None and result.words % 1000 == 0:
            result.seconds = time.perf_counter() - started
            progress(result)
    result.seconds = time.perf_counter() - started
    return result


# -- the report -------------------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}" if whole else "    -"


def table(results: Sequence[Result], ks: Sequence[int] = KS) -> str:
    """The side-by-side table."""
    head = f"{'system':<54}" + "".join(f"{'KSR@' + str(k):>8}" for k in ks) + f"{'top-1':>8}{'top-3':>8}{'chars/s':>10}"
    rows = [head, "-" * len(head)]
    for r in results:
        ksr = "".join(f"{r.tallies[k].ksr:8.2f}" if k in r.tallies else f"{'-':>8}" for k in ks)
        acc = f"{_pct(r.top1, r.words):>8}{_pct(r.top3, r.words):>8}" if r.queries else f"{'-':>8}{'-':>8}"
        speed = f"{r.chars_per_second:10,.0f}" if r.seconds else f"{'-':>10}"
        rows.append(f"{r.name:<54}{ksr}{acc}{speed}")
    return "\n".join(rows)


def markdown_rows(results: Sequence[Result], label: str, n_words: int, ks: Sequence[int] = KS) -> str:
    """One markdown table row per system: text, words, system, KSR@k..., top-1, top-3 (benchmarks/everyday_ksr.sh
    collects these rows from several runs)."""
    rows = []
    for r in results:
        ksr = " | ".join(f"{r.tallies[k].ksr:.2f}" if k in r.tallies else "-" for k in ks)
        acc = (f"{100 * r.top1 / r.words:.1f} | {100 * r.top3 / r.words:.1f}" if r.queries and r.words else "- | -")
        rows.append(f"| {label} | {n_words:,} | {r.name} | {ksr} | {acc} |")
    return "\n".join(rows)


def show_progress(result: Result) -> None:
    """One line on stderr, rewritten every thousand words (a ``progress`` for ``simulate``)."""
    t = result.tallies
    k = 3 if 3 in t else min(t)
    print(f"\r  {result.name}: {result.words:,} words, KSR@{k} {t[k].ksr:.2f}, {result.chars_per_second:,.0f} chars/s",
          end="", file=sys.stderr, flush=True)
