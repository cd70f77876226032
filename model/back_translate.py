"""Back-translation: French monolingual sentences into English with a French -> English checkpoint, written as
synthetic English-French training pairs for the English -> French translator (Sennrich et al. 2016).

    python -m model.back_translate runs/translate-fr-en/best.pt ../shared/data/french-mix/sentences.txt.xz \\
        --out runs/bt/pairs.tsv [--max-sentences 200000] [--batch 512] [--device auto] [--exclude DEV.tsv ...]

The checkpoint is one trained with ``python -m model.train_translate ... --direction=fr-en``. Lines of the
French file (plain or ``.xz``, streamed; document titles ``= ... =`` skipped) are kept if they have
``--min-words`` to ``--max-words`` words and at most the checkpoint's ``max_tokens`` pieces (the lengths the
model learnt), and their loose key (``english_key``) is in none of the ``--exclude`` files (held-out sets: every
field of their lines). A model trained with placeholders gets each sentence masked as the app masks its input
(numbers, and names told apart with the checkpoint's French name lists), and its English output is filled back
from the slots; an output that lost or invented a placeholder is dropped, and so are empty outputs, copies of
the source, loops and outputs whose word count is off by more than ``--max-ratio``.

Decoding is greedy, batched (sentences sorted by length, ``--batch`` at once, bf16 on a GPU), the whole batch's
argmax kept on the device until it is done: thousands of sentences a second on one GPU. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
import time
from pathlib import Path

import torch

from desktop.runtime.placeholders import PLACEHOLDER_RE, NameLists, protect
from desktop.runtime.translation_text import normalize_text
from desktop.runtime.translator import max_output_len
from export.evaluate_translation import has_loop
from model.checkpoint import load_checkpoint
from model.english_mix import iter_lines
from model.seq2seq import Seq2Seq
from model.trainer import resolve_device
from model.translation_data import english_key, pad_batch


@torch.no_grad()
def greedy_ids(model: Seq2Seq, src: torch.Tensor, src_mask: torch.Tensor, bos_id: int, eos_id: int, max_len: int,
               check_every: int = 8) -> list[list[int]]:
    """Greedy decoding of a batch kept on the device (one host sync every ``check_every`` steps); ids without
    <s>/</s>, cut at the first </s>."""
    enc, state = model.encode(src, src_mask)
    B = src.size(0)
    prev = torch.full((B, 1), bos_id, dtype=torch.long, device=src.device)
    done = torch.zeros(B, dtype=torch.bool, device=src.device)
    steps = []
    for t in range(max_len):
        logits, state, _ = model.decode(prev, state, enc, src_mask)
        prev = logits[:, -1].argmax(-1, keepdim=True)  # [B, 1]
        steps.append(prev)
        done |= prev.squeeze(1) == eos_id
        if (t + 1) % check_every == 0 and bool(done.all()):
            break
    out = []
    for row in torch.cat(steps, dim=1).tolist():
        out.append(row[: row.index(eos_id)] if eos_id in row else row)
    return out


def read_french(path: str | Path, max_sentences: int, min_words: int, max_words: int,
                exclude: set[str], every: int = 1) -> list[str]:
    """Up to ``max_sentences`` normalized French lines of ``path`` (every ``every``-th line) of ``min_words`` to
    ``max_words`` words whose loose key is not in ``exclude`` (titles ``= ... =`` and repeats skipped)."""
    seen: set[str] = set()
    kept: list[str] = []
    for number, line in enumerate(iter_lines(path)):
        if number % every or (line.startswith("= ") and line.endswith(" =")):
            continue
        if not min_words <= line.count(" ") + 1 <= max_words:
            continue
        key = english_key(line)
        if key in exclude or key in seen:
            continue
        seen.add(key)
        kept.append(normalize_text(line))
        if max_sentences and len(kept) >= max_sentences:
            break
    return kept


def write_cut(french: str | Path, out: str | Path, max_sentences: int, every: int, exclude: list[Path],
              min_words: int = 3, max_words: int = 30) -> dict:
    """Writes the French lines :func:`read_french` chooses to ``out`` (xz-compressed if it ends in ``.xz``): the
    part of a large corpus a GPU machine gets (model/device_data.sh). Returns counts."""
    sentences = read_french(french, max_sentences, min_words, max_words, held_out_keys(exclude), every)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with (lzma.open if out.suffix == ".xz" else open)(out, "wt", encoding="utf-8") as f:
        f.write("".join(s + "\n" for s in sentences))
    return {"sentences": len(sentences), "out": str(out), "bytes": out.stat().st_size}


def held_out_keys(paths: list[Path]) -> set[str]:
    """The loose keys of every field of every line of the ``paths`` (tab-separated held-out sets)."""
    return {english_key(field) for path in paths for line in Path(path).read_text(encoding="utf-8").splitlines()
            for field in line.split("\t") if field.strip()}


def fill(text: str, slots: dict[str, str]) -> str | None:
    """``text`` with its placeholders replaced by their slots; None if it lost or invented a placeholder."""
    found = PLACEHOLDER_RE.findall(text)
    if sorted(f"\u27e6{kind}{n}\u27e7" for kind, n in found) != sorted(slots):
        return None
    return PLACEHOLDER_RE.sub(lambda m: slots[m.group(0)], text)


def keep(english: str, french: str, max_ratio: float) -> bool:
    """Whether a synthetic pair is worth training on: not empty, not a copy, no loop, word counts alike."""
    words_en, words_fr = len(english.split()), len(french.split())
    if not words_en or not any(ch.isalpha() for ch in english) or english.casefold() == french.casefold():
        return False
    if has_loop(english):
        return False
    return 1 / max_ratio <= words_en / words_fr <= max_ratio


def back_translate(checkpoint: str | Path, sentences: list[str], device: str = "auto", batch: int = 512,
                   max_ratio: float = 2.0, max_seconds: float = 0.0) -> tuple[list[tuple[str, str]], dict]:
    """(English, French) synthetic pairs of the French ``sentences`` in their order, and counts. Batches of
    sentences of one length go in a seeded random order, so ``max_seconds`` > 0 (stop then) keeps a fair sample."""
    device = resolve_device(device)
    model, tokenizer, ckpt = load_checkpoint(checkpoint, device, kind="subword")
    config = ckpt.get("config", {})
    if config.get("direction", "en-fr") != "fr-en":
        raise ValueError(f"{checkpoint} translates {config.get('direction', 'en-fr')}; back-translation needs a "
                         "French -> English model (train_translate --direction=fr-en)")
    names = NameLists.from_json(ckpt["names"]) if config.get("placeholders") and ckpt.get("names") else None
    masked = [protect(s, names) if names is not None else None for s in sentences]
    sources = [m.text if m is not None else s for m, s in zip(masked, sentences)]
    ids = tokenizer.encode_ids(sources)
    max_tokens = int(config.get("max_tokens", 64))
    order = sorted((i for i in range(len(ids)) if 0 < len(ids[i]) <= max_tokens), key=lambda i: len(ids[i]))
    outputs: dict[int, str] = {}
    bf16 = device.startswith("cuda") and torch.cuda.is_bf16_supported()
    chunks = [order[start : start + batch] for start in range(0, len(order), batch)]
    random.Random(0).shuffle(chunks)
    started = time.time()
    for chunk in chunks:
        if max_seconds and time.time() - started > max_seconds:
            break
        src = pad_batch([ids[i] for i in chunk], tokenizer.pad_id).to(device)
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
            out = greedy_ids(model, src, src != tokenizer.pad_id, tokenizer.bos_id, tokenizer.eos_id,
                             max_output_len(src.size(1)))
        outputs.update((i, tokenizer.decode(o)) for i, o in zip(chunk, out))
    pairs, lost = [], 0
    for i in sorted(outputs):
        english = outputs[i]
        if masked[i] is not None:
            english = fill(english, masked[i].slots)
            if english is None:
                lost += 1
                continue
        if keep(english, sentences[i], max_ratio):
            pairs.append((english, sentences[i]))
    counts = {"sentences": len(sentences), "too_long": len(ids) - len(order), "translated": len(outputs),
              "placeholder_lost": lost, "kept": len(pairs)}
    return pairs, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.back_translate", description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint", type=Path, help="a French -> English checkpoint (--direction=fr-en)")
    parser.add_argument("french", type=Path, help="French text, one sentence a line (plain or .xz)")
    parser.add_argument("--out", type=Path, required=True, help="English<TAB>French pairs are written here")
    parser.add_argument("--max-sentences", type=int, default=200_000, help="French lines read (0 = all)")
    parser.add_argument("--every", type=int, default=1, help="read every N-th line of the French file")
    parser.add_argument("--max-seconds", type=float, default=0, help="stop translating after this long (0 = never)")
    parser.add_argument("--min-words", type=int, default=3)
    parser.add_argument("--max-words", type=int, default=30)
    parser.add_argument("--max-ratio", type=float, default=2.0, help="English/French word count ratio allowed")
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="held-out sets whose sentences are never used (tab-separated files)")
    args = parser.parse_args(argv)
    started = time.time()
    sentences = read_french(args.french, args.max_sentences, args.min_words, args.max_words,
                            held_out_keys(args.exclude), args.every)
    read_seconds = time.time() - started
    try:
        pairs, counts = back_translate(args.checkpoint, sentences, args.device, args.batch, args.max_ratio,
                                       args.max_seconds)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(f"{en}\t{fr}\n" for en, fr in pairs), encoding="utf-8")
    seconds = time.time() - started - read_seconds
    print(json.dumps({**counts, "out": str(args.out), "read_seconds": round(read_seconds, 1),
                      "translate_seconds": round(seconds, 1),
                      "sentences_per_second": round(counts["translated"] / max(seconds, 1e-9), 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
