"""Spelling benchmark: detection and correction of injected typos in dev prose, and false underlines on clean text.

    python -m benchmarks.spelling [--data ../shared/data] [--paragraphs 600] [--seed 0] [--tune]

Text: English-mix dev (Wikipedia and Project Gutenberg, read with lzma) and the English sides of translation-dev.
Typos (seeded): a neighbouring key for a letter, two letters swapped, a letter left out, a letter doubled, and
common real misspellings ("recieve", "definately", "seperate", ...). Every typo is a non-word (an injected typo
that happens to spell another word is drawn again), as in the usual non-word benchmarks.

Reported: detection precision and recall on the corrupted paragraphs (a flag that is not an injected typo is a
false positive), top-1 and top-3 correction accuracy over the detected typos for the library alone (its
candidates by frequency, what ``SpellChecker.correction`` returns) and for Folio's in-context ranking, and false
underlines per 1,000 words when checking the clean dev documents (each whole document is the context for the
"used three times" rule). ``--tune`` picks the ranking weights on English-mix *train* text instead (a grid over
the weights of :func:`desktop.runtime.speller.combine`), so the dev numbers stay honest.
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import math
import random
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np

from desktop.runtime import Engines
from desktop.runtime.speller import _WORD, DETECTION_MARGIN, KEY_NEIGHBOURS, Speller, combine, count_words, margin

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MAX_TYPOS_PER_PARAGRAPH = 3
TYPO_RATE = 0.04  # of the eligible words of a paragraph
COMMON_SHARE = 0.25  # the share of typos taken from COMMON_MISSPELLINGS when a paragraph has such a word
TUNE_CHARS = 3_000_000  # --tune reads this much of each English-mix train file
TUNE_FALSE_BUDGET = 0.8  # --tune: the margin threshold keeps false underlines on train text under this

# Real misspellings people make (the Oxford and Wikipedia lists of common misspellings).
COMMON_MISSPELLINGS = {
    "receive": "recieve", "definitely": "definately", "separate": "seperate", "occurred": "occured",
    "until": "untill", "which": "wich", "accommodate": "accomodate", "government": "goverment",
    "believe": "beleive", "tomorrow": "tommorow", "their": "thier", "achieve": "acheive",
    "beginning": "begining", "committee": "commitee", "embarrass": "embarass", "environment": "enviroment",
    "existence": "existance", "foreign": "foriegn", "friend": "freind", "grammar": "grammer",
    "independent": "independant", "knowledge": "knowlege", "library": "libary", "necessary": "neccessary",
    "noticeable": "noticable", "occasion": "occassion", "occurrence": "occurence", "possession": "posession",
    "publicly": "publically", "really": "realy", "recommend": "reccomend", "referred": "refered",
    "relevant": "relevent", "religious": "religous", "restaurant": "restaraunt", "successful": "succesful",
    "surprise": "suprise", "tendency": "tendancy", "truly": "truely", "weird": "wierd", "across": "accross",
    "address": "adress", "apparently": "apparantly", "argument": "arguement", "basically": "basicly",
    "calendar": "calender", "cemetery": "cemetary", "conscious": "concious", "different": "diffrent",
    "disappear": "dissapear", "finally": "finaly", "forty": "fourty", "immediately": "immediatly",
    "interrupt": "interupt", "millennium": "millenium", "occasionally": "occasionaly",
    "persistent": "persistant", "piece": "peice", "probably": "probaly", "receipt": "reciept",
    "similar": "similiar", "strength": "strenght", "tongue": "tounge", "written": "writen",
    "because": "becuase", "beautiful": "beatiful", "business": "buisness", "completely": "completly",
    "familiar": "familar", "people": "poeple", "would": "woudl", "through": "throught", "believed": "beleived",
    "received": "recieved", "writing": "writting",
    "especially": "especialy", "successfully": "succesfully", "eventually": "eventualy", "actually": "actualy",
    "usually": "usualy", "whether": "wheather",
}
TYPO_KINDS = ("neighbour key", "swapped letters", "letter left out", "doubled letter")


# -- data -----------------------------------------------------------------------------------------------------


def english_mix(path: Path) -> list[list[str]]:
    """Documents (lists of paragraphs) of an English-mix file; the ``= Title =`` lines are left out."""
    documents: list[list[str]] = []
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("= ") and line.endswith(" ="):
                documents.append([])
            elif line and documents:
                documents[-1].append(line)
    return [d for d in documents if d]


def translation_english(path: Path) -> list[list[str]]:
    """One document: the English side of a translation-dev TSV file."""
    lines = [row.split("\t", 1)[0].strip() for row in path.read_text(encoding="utf-8").splitlines()]
    return [[line for line in lines if line]]


def dev_documents(data: Path, split: str = "dev", limit_chars: int | None = None) -> dict[str, list[list[str]]]:
    """Documents by source: english-mix wiki and books, and (dev only) translation-dev's English sides."""
    sources = {}
    for name in ("wiki", "books"):
        docs = english_mix(data / "english-mix" / f"{name}.{split}.txt.xz") if limit_chars is None else \
            _english_mix_head(data / "english-mix" / f"{name}.{split}.txt.xz", limit_chars)
        sources[f"english-mix {name}"] = docs
    if split == "dev":
        docs = []
        for path in sorted((data / "translation-dev").glob("*.tsv")):
            docs.extend(translation_english(path))
        sources["translation-dev (en)"] = docs
    return sources


def _english_mix_head(path: Path, limit_chars: int) -> list[list[str]]:
    """The first documents of a (large) English-mix file, about ``limit_chars`` of them."""
    documents: list[list[str]] = []
    read = 0
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            read += len(line)
            if line.startswith("= ") and line.endswith(" ="):
                if read > limit_chars:
                    break
                documents.append([])
            elif line and documents:
                documents[-1].append(line)
    return [d for d in documents if d]


# -- typos ----------------------------------------------------------------------------------------------------


def make_typo(word: str, kind: str, rng: random.Random) -> str:
    """One typo of ``kind`` in ``word`` (lower case letters)."""
    n = len(word)
    # The first letter is rarely the one mistyped: draw positions from the second letter on (mostly).
    i = rng.randrange(1, n) if n > 1 and rng.random() < 0.9 else 0
    if kind == "neighbour key":
        options = sorted(KEY_NEIGHBOURS.get(word[i], ()))
        return word[:i] + rng.choice(options) + word[i + 1 :] if options else word
    if kind == "swapped letters":
        i = min(i, n - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "letter left out":
        return word[:i] + word[i + 1 :]
    if kind == "doubled letter":
        return word[: i + 1] + word[i] + word[i + 1 :]
    raise ValueError(kind)


def corrupt(paragraph: str, speller: Speller, rng: random.Random) -> tuple[str, list[tuple[int, int, str, str]]]:
    """The paragraph with a few non-word typos, and (start, end, typo, meant) for each in the new text."""
    words = [m for m in _WORD.finditer(paragraph)
             if len(m.group()) >= 3 and m.group().isalpha() and m.group().islower() and speller.is_known(m.group())]
    if not words:
        return paragraph, []
    count = min(MAX_TYPOS_PER_PARAGRAPH, max(1, round(TYPO_RATE * len(words))))
    common = [m for m in words if m.group() in COMMON_MISSPELLINGS]
    chosen: list[re.Match] = []
    for _ in range(count):
        pool = common if common and rng.random() < COMMON_SHARE else words
        pick = rng.choice(pool)
        if all(abs(pick.start() - c.start()) > 20 for c in chosen):  # not next to another typo
            chosen.append(pick)
    edits = []
    for m in sorted(chosen, key=lambda m: m.start()):
        meant = m.group()
        typo, kind = meant, ""
        if meant in COMMON_MISSPELLINGS and (m in common and rng.random() < 0.8):
            typo, kind = COMMON_MISSPELLINGS[meant], "common misspelling"
        for _ in range(20):
            if typo != meant and not speller.is_known(typo):
                break
            kind = rng.choice(TYPO_KINDS)
            typo = make_typo(meant, kind, rng)
        else:
            continue
        edits.append((m.start(), m.end(), typo, meant, kind))
    out, shift, spans = [], 0, []
    last = 0
    for start, end, typo, meant, kind in edits:
        out.append(paragraph[last:start])
        spans.append((start + shift, start + shift + len(typo), typo, meant, kind))
        out.append(typo)
        shift += len(typo) - (end - start)
        last = end
    out.append(paragraph[last:])
    return "".join(out), spans


# -- measuring ------------------------------------------------------------------------------------------------


def sample_paragraphs(sources: dict[str, list[list[str]]], n: int, rng: random.Random
                      ) -> list[tuple[str, str, Counter]]:
    """(source, paragraph, the counts of its document) for ``n`` prose paragraphs, spread over the sources."""
    picked = []
    per_source = max(1, n // len(sources))
    for source, documents in sources.items():
        pool = [(d, p) for d, doc in enumerate(documents) for p in doc if 8 <= len(p.split()) <= 250]
        counts_by_doc: dict[int, Counter] = {}
        for d, paragraph in rng.sample(pool, min(per_source, len(pool))):
            if d not in counts_by_doc:
                counts_by_doc[d] = count_words("\n".join(documents[d]))
            picked.append((source, paragraph, counts_by_doc[d]))
    return picked


def margins(speller: Speller, text: str, flags: list[tuple[int, int, str]], keep: list | None = None) -> list[float]:
    """The word model's typo margin of each flag (+inf without the word model: everything stays flagged);
    the candidates' features are appended to ``keep`` when given (to recompute margins with other weights)."""
    if speller.completer is None:
        return [math.inf] * len(flags)
    features = [speller.margin_features(text, start, end) for start, end, _ in flags]
    if keep is not None:
        keep.extend(features)
    return [margin(f) for f in features]


def false_underlines(speller: Speller, sources: dict[str, list[list[str]]], threshold: float,
                     keep: list | None = None) -> tuple[dict, list[float]]:
    """Words flagged in the clean documents, per 1,000 words, by source: by the word lists alone and after the
    word model's judgement (margin over ``threshold``); with the most frequent flags and all margins."""
    result, flagged_words, all_margins = {}, Counter(), []
    for source, documents in sources.items():
        words = flags = judged = 0
        for doc in documents:
            text = "\n".join(doc)
            found = speller.find(text, language="en", counts=count_words(text), judge=False)
            found_margins = margins(speller, text, found, keep)
            all_margins += found_margins
            flags += len(found)
            judged += sum(m > threshold for m in found_margins)
            words += len(text.split())
            flagged_words.update(w for (_, _, w), m in zip(found, found_margins) if m > threshold)
        result[source] = {"words": words, "flags": flags, "per_1000": round(1000 * flags / max(words, 1), 3),
                          "judged": judged, "judged_per_1000": round(1000 * judged / max(words, 1), 3)}
    totals = {key: sum(r[key] for r in result.values()) for key in ("words", "flags", "judged")}
    result["all"] = {**totals, "per_1000": round(1000 * totals["flags"] / max(totals["words"], 1), 3),
                     "judged_per_1000": round(1000 * totals["judged"] / max(totals["words"], 1), 3)}
    result["most_flagged"] = flagged_words.most_common(25)
    return result, all_margins


def collect(speller: Speller, paragraphs, rng: random.Random) -> tuple[list[dict], list[tuple[bool, float]], int]:
    """Corrupts each paragraph and checks it with the word lists alone. Returns a record (candidates, features,
    typo margin) for each detected typo, (is a typo, margin) for every flag, and the number of typos."""
    records, flags, typos_total = [], [], 0
    for source, paragraph, counts in paragraphs:
        text, typos = corrupt(paragraph, speller, rng)
        if not typos:
            continue
        found = speller.find(text, language="en", counts=counts, judge=False)
        found_margins = margins(speller, text, found)
        by_start = {(s, e): (typo, meant, kind) for s, e, typo, meant, kind in typos}
        typos_total += len(typos)
        for (start, end, word), typo_margin in zip(found, found_margins):
            hit = (start, end) in by_start
            flags.append((hit, typo_margin))
            if not hit:
                continue
            typo, meant, kind = by_start[(start, end)]
            words = speller.word_list("en")
            candidates = words.candidates(word)
            record = {"source": source, "typo": typo, "meant": meant, "kind": kind, "margin": typo_margin,
                      "library": [w.lower() for w in speller.library_suggestions(word, "en", k=3)],
                      "candidates": candidates}
            if candidates:
                record["features"] = speller.features(text[:start], word, candidates, text[end:], words)
            records.append(record)
    return records, flags, typos_total


def detection(flags: list[tuple[bool, float]], typos: int, threshold: float = -math.inf) -> dict:
    """Precision and recall (per cent) of the flags whose margin is over ``threshold``."""
    kept = [hit for hit, typo_margin in flags if typo_margin > threshold]
    hits = sum(kept)
    return {"precision": round(100 * hits / max(len(kept), 1), 2), "recall": round(100 * hits / max(typos, 1), 2)}


def accuracy(records: list[dict], rank) -> tuple[float, float]:
    """Top-1 and top-3 accuracy (per cent) of ``rank(record) -> list of words``."""
    top1 = top3 = 0
    for r in records:
        ranked = rank(r)
        top1 += bool(ranked) and ranked[0] == r["meant"]
        top3 += r["meant"] in ranked[:3]
    n = max(len(records), 1)
    return 100 * top1 / n, 100 * top3 / n


def in_context(weights: dict | None = None):
    """The in-context ranking of a record (with ``weights`` for :func:`combine`, or its defaults)."""

    def rank(r: dict) -> list[str]:
        if not r["candidates"]:
            return []
        scores = combine(r["features"], **(weights or {}))
        return [r["candidates"][i] for i in np.argsort(-scores, kind="stable")]

    return rank


def library(r: dict) -> list[str]:
    return r["library"]


def tune(records: list[dict]) -> dict:
    """The grid point of ranking weights with the best top-1 accuracy on ``records``."""
    grid = {"edit_weight": [1.0, 1.25, 1.5, 2.0, 2.5, 3.0], "lm_weight": [0.5, 0.75, 1.0],
            "next_weight": [0.0, 0.25, 0.5, 0.75], "unigram_share": [0.05, 0.1, 0.3]}
    best = None
    for values in itertools.product(*grid.values()):
        weights = dict(zip(grid, values))
        top1, top3 = accuracy(records, in_context(weights))
        if best is None or (top1, top3) > best[0]:
            best = ((top1, top3), weights)
    return {"top1": best[0][0], "top3": best[0][1], "weights": best[1]}


def choose_margin(typo_margins: list[float], clean_margins: list[float], clean_words: int,
                  budget_per_1000: float = TUNE_FALSE_BUDGET) -> dict:
    """The lowest margin threshold (the most typos kept) whose false underlines on clean text stay within
    ``budget_per_1000`` per 1,000 words."""
    for threshold in np.arange(-30.0, 0.01, 0.5):
        false = sum(m > threshold for m in clean_margins)
        if 1000 * false / clean_words <= budget_per_1000:
            kept = sum(m > threshold for m in typo_margins)
            return {"threshold": float(threshold), "false_per_1000": round(1000 * false / clean_words, 3),
                    "typos_kept": round(100 * kept / max(len(typo_margins), 1), 2)}
    return {"threshold": 0.0}


def tune_on_train(speller: Speller, data: Path, paragraphs: int, rng: random.Random) -> dict:
    """``--tune``: the ranking weights with the best top-1 accuracy on English-mix train text, and the margin
    threshold that keeps false underlines there within :data:`TUNE_FALSE_BUDGET`."""
    sources = dev_documents(data, "train", limit_chars=TUNE_CHARS)
    records, _, _ = collect(speller, sample_paragraphs(sources, paragraphs, rng), rng)
    result = tune(records)
    clean_features: list = []
    clean, _ = false_underlines(speller, sources, DETECTION_MARGIN, clean_features)
    weights = result["weights"]  # the margins under the chosen weights
    typo_margins = [margin(r.get("features"), **weights) for r in records]
    clean_margins = [margin(f, **weights) for f in clean_features]
    result["margin"] = choose_margin(typo_margins, clean_margins, clean["all"]["words"])
    result["typos"] = len(records)
    result["clean_words"] = clean["all"]["words"]
    return result


def rounded_accuracy(records: list[dict], rank) -> dict:
    """``{"top1": ..., "top3": ...}`` of ``rank`` on ``records``, per cent to two decimals."""
    return dict(zip(("top1", "top3"), (round(a, 2) for a in accuracy(records, rank))))


def evaluate_on_dev(speller: Speller, data: Path, paragraphs: int, rng: random.Random) -> dict:
    """Detection and correction of typos injected into ``paragraphs`` dev paragraphs, overall and by kind of typo,
    and false underlines on the clean dev documents."""
    sources = dev_documents(data)
    picked = sample_paragraphs(sources, paragraphs, rng)
    records, flags, typos = collect(speller, picked, rng)
    clean, _ = false_underlines(speller, sources, DETECTION_MARGIN)
    judged = [r for r in records if r["margin"] > DETECTION_MARGIN]
    result = {
        "paragraphs": len(picked),
        "typos": typos,
        "detection_lists": detection(flags, typos),
        "detection": detection(flags, typos, DETECTION_MARGIN),
        "margin": DETECTION_MARGIN,
        "library": rounded_accuracy(records, library),
        "in_context": rounded_accuracy(records, in_context()),
        "corrected": len(records),
        "judged": {"n": len(judged), "library": rounded_accuracy(judged, library),
                   "in_context": rounded_accuracy(judged, in_context())},
        "by_kind": {},
        "clean": clean,
    }
    for kind in sorted({r["kind"] for r in records}):
        subset = [r for r in records if r["kind"] == kind]
        result["by_kind"][kind] = {
            "n": len(subset),
            "library_top1": round(accuracy(subset, library)[0], 2),
            "in_context_top1": round(accuracy(subset, in_context())[0], 2),
        }
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--paragraphs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tune", action="store_true", help="choose the weights on English-mix train text")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)

    engines = Engines.from_dir()
    speller = engines.speller
    if not speller.available:
        raise SystemExit(speller.error)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    if args.tune:
        result = tune_on_train(speller, args.data, args.paragraphs, rng)
        print(json.dumps(result, indent=1))
        return result
    result = evaluate_on_dev(speller, args.data, args.paragraphs, rng)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def print_table(result: dict) -> None:
    """The Markdown tables for the README and the issue."""
    lists, det = result["detection_lists"], result["detection"]
    print(f"{result['typos']} injected typos in {result['paragraphs']} dev paragraphs")
    print("\n| detection | precision | recall |\n|---|---:|---:|")
    print(f"| word lists alone | {lists['precision']}% | {lists['recall']}% |")
    print(f"| with the word model's judgement (margin > {result['margin']}) | {det['precision']}% | "
          f"{det['recall']}% |")
    print(f"\n| ranking ({result['corrected']} detected typos) | top-1 | top-3 |\n|---|---:|---:|")
    print(f"| library alone (pyspellchecker, by frequency) | {result['library']['top1']}% | "
          f"{result['library']['top3']}% |")
    print(f"| Folio in context (noisy channel + word model) | {result['in_context']['top1']}% | "
          f"{result['in_context']['top3']}% |")
    judged = result["judged"]
    print(f"| library alone, the {judged['n']} typos still underlined | {judged['library']['top1']}% | "
          f"{judged['library']['top3']}% |")
    print(f"| Folio in context, the {judged['n']} typos still underlined | {judged['in_context']['top1']}% | "
          f"{judged['in_context']['top3']}% |")
    print("\n| typo kind | n | library top-1 | in context top-1 |\n|---|---:|---:|---:|")
    for kind, row in result["by_kind"].items():
        print(f"| {kind} | {row['n']} | {row['library_top1']}% | {row['in_context_top1']}% |")
    clean = result["clean"]
    print("\n| clean text | words | flagged by the lists | per 1,000 | underlined | per 1,000 |")
    print("|---|---:|---:|---:|---:|---:|")
    for source, row in clean.items():
        if source != "most_flagged":
            print(f"| {source} | {row['words']} | {row['flags']} | {row['per_1000']} | {row['judged']} | "
                  f"{row['judged_per_1000']} |")
    print("most underlined:", ", ".join(f"{w} ({n})" for w, n in clean["most_flagged"][:15]))


if __name__ == "__main__":
    main()
