"""What the document memory adds: WikiText-2 test perplexity of the word model alone and mixed with a
unigram cache of the words already seen in the same article (Grave et al. 2016's simple cache; the
completer mixes the same way). Prints a table; not a test.

    python -m benchmarks.cache_gain --package resources/models/wikitext2-word --data ../shared/data/wikitext-2

The text is read as one stream (state carried, reset at each article title line ` = Title = `), so every
word is predicted from its own article's history, as a writer's document would be.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import Counter, deque
from pathlib import Path

import numpy as np

from desktop.runtime import contract
from desktop.runtime.completer import CACHE_PRIOR_WORDS
from desktop.runtime.package import ModelPackage
from desktop.runtime.recurrent_lm import RecurrentLM
from desktop.runtime.vocab import WordVocab
from model.data import read_text

ARTICLE_TITLE = re.compile(r"^ = [^=].* = $")
CHUNK = 64


def articles(path: Path) -> list[list[str]]:
    """The test text as articles, each a token list with <eos> at line ends."""
    out: list[list[str]] = []
    for line in read_text(path).splitlines():
        if ARTICLE_TITLE.match(line) or not out:
            out.append([])
        out[-1].extend([*line.split(), "<eos>"])
    return out


def token_probabilities(lm: RecurrentLM, vocab: WordVocab, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The model's probability of each token after the first, given the tokens before it; and all ids."""
    ids = vocab.encode(tokens)
    state = lm.zero_state(1)
    probs = []
    for start in range(0, len(ids) - 1, CHUNK):
        x = ids[start : start + CHUNK][None, :]
        y = ids[start + 1 : start + CHUNK + 1]
        log_probs, state = lm.run(x[:, : len(y)], state)
        probs.append(np.exp(np.take_along_axis(log_probs[0], y[:, None], axis=1)[:, 0]))
    return np.concatenate(probs), ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cache_gain")
    parser.add_argument("--package", type=Path, default=Path("resources/models/wikitext2-word"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data/wikitext-2"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--weights", default="0,0.05,0.1,0.2", help="cache weights to compare")
    parser.add_argument("--window", type=int, default=2000, help="the cache counts this many previous words")
    args = parser.parse_args(argv)
    package = ModelPackage.load(args.package)
    lm = RecurrentLM(package, provider="cpu", threads=1)
    vocab = WordVocab.load(package.file(contract.ROLE_VOCAB))
    weights = [float(w) for w in args.weights.split(",")]
    nll = dict.fromkeys(weights, 0.0)
    count = 0
    for tokens in articles(args.data / f"wiki.{args.split}.tokens"):
        if len(tokens) < 2:
            continue
        p_model, ids = token_probabilities(lm, vocab, tokens)
        seen: Counter = Counter()
        history: deque[int] = deque([int(ids[0])])
        seen[int(ids[0])] += 1
        for t, p in enumerate(p_model, start=1):
            target = int(ids[t])
            p_cache = seen[target] / (len(history) + CACHE_PRIOR_WORDS)  # as the completer mixes it
            for w in weights:
                nll[w] -= math.log(max((1 - w) * p + w * p_cache, 1e-30))
            history.append(target)
            seen[target] += 1
            if len(history) > args.window:
                seen[history.popleft()] -= 1
        count += len(p_model)
    print(f"WikiText-2 {args.split}: {count:,} tokens, cache window {args.window} words, one stream per article\n")
    print("| cache weight | perplexity | change |")
    print("|---:|---:|---:|")
    base = math.exp(nll[weights[0]] / count)
    for w in weights:
        ppl = math.exp(nll[w] / count)
        print(f"| {w} | {ppl:.2f} | {100 * (ppl / base - 1):+.1f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
