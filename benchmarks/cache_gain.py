"""What the document memory adds: WikiText-2 perplexity of the word model alone, mixed with a unigram cache of
the words already seen in the same article (the completer's simple cache), with the continuous cache of Grave
et al. 2016 (the model's hidden states as keys), and with both. Prints tables; not a test.

    python -m benchmarks.cache_gain --package resources/models/english-word --data ../shared/data/wikitext-2

The text is read one token at a time (state carried, reset at each article title line ` = Title = `; each cache
emptied there too), so every word is predicted from its own article's history, as a writer's document would be.
The continuous cache's theta and weight are chosen on the validation split and then scored on the test split.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.ksr import shipped_word_package
from desktop.runtime import contract
from desktop.runtime.completer import CACHE_PRIOR_WORDS, CONTINUOUS_THETA, CONTINUOUS_WEIGHT, UNIGRAM_WEIGHT
from desktop.runtime.continuous_cache import ContinuousCache
from desktop.runtime.package import ModelPackage
from desktop.runtime.recurrent_lm import RecurrentLM
from desktop.runtime.vocab import WordVocab
from model.data import read_text

ARTICLE_TITLE = re.compile(r"^ = [^=].* = $")


def articles(path: Path) -> list[list[str]]:
    """The text as articles, each a token list with <eos> at line ends."""
    out: list[list[str]] = []
    for line in read_text(path).splitlines():
        if ARTICLE_TITLE.match(line) or not out:
            out.append([])
        out[-1].extend([*line.split(), "<eos>"])
    return out


@dataclass
class TokenProbabilities:
    """Each predicted token's probability under the model and under each cache alone."""

    model: np.ndarray  # [tokens]
    unigram: np.ndarray  # [tokens]
    continuous: dict[float, np.ndarray]  # theta -> [tokens]; 0 where the cache is still empty

    def perplexity(self, unigram_weight: float = 0.0, continuous_weight: float = 0.0, theta: float = 0.0) -> float:
        """Perplexity of the mixture the completer uses: the model and the continuous cache first, then the
        unigram cache (a cache with nothing stored gives its weight back to the model)."""
        p = self.model
        if continuous_weight:
            cont = self.continuous[theta]
            p = np.where(cont > 0, (1 - continuous_weight) * p + continuous_weight * cont, p)
        if unigram_weight:
            p = (1 - unigram_weight) * p + unigram_weight * self.unigram
        return math.exp(-np.log(np.maximum(p, 1e-30)).mean())


def token_probabilities(lm: RecurrentLM, vocab: WordVocab, path: Path, thetas: list[float], window: int
                        ) -> TokenProbabilities:
    """Reads every article of ``path`` one token at a time, recording each next token's probabilities."""
    model, unigram = [], []
    continuous: dict[float, list[float]] = {theta: [] for theta in thetas}
    for tokens in articles(path):
        if len(tokens) < 2:
            continue
        ids = vocab.encode(tokens)
        state = lm.zero_state(1)
        cache = ContinuousCache(lm.hidden, window)
        seen: Counter = Counter()
        history: deque[int] = deque()
        for t in range(len(ids) - 1):
            log_probs, state = lm.run(ids[None, t : t + 1], state)
            hidden = state[0][-1, 0]  # [hidden] the last layer's output, which predicts token t + 1
            target = int(ids[t + 1])
            model.append(math.exp(float(log_probs[0, 0, target])))
            history.append(int(ids[t]))
            seen[int(ids[t])] += 1
            if len(history) > window:
                seen[history.popleft()] -= 1
            unigram.append(seen[target] / (len(history) + CACHE_PRIOR_WORDS))  # as the completer mixes it
            for theta in thetas:
                stored, weights = cache.attention(hidden, theta)
                continuous[theta].append(float(weights[stored == target].sum()))
            cache.add(hidden, target)
    return TokenProbabilities(np.array(model), np.array(unigram),
                              {theta: np.array(p) for theta, p in continuous.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cache_gain")
    parser.add_argument("--package", type=Path, default=shipped_word_package())
    parser.add_argument("--data", type=Path, default=Path("../shared/data/wikitext-2"))
    parser.add_argument("--unigram-weights", default="0.05,0.1,0.2", help="unigram cache weights to compare")
    parser.add_argument("--thetas", default="0.3,1.0,2.0", help="continuous cache flatness values to try")
    parser.add_argument("--continuous-weights", default="0.1,0.2,0.3,0.4,0.5",
                        help="continuous cache weights to try")
    parser.add_argument("--window", type=int, default=2000, help="each cache holds this many previous words")
    args = parser.parse_args(argv)
    package = ModelPackage.load(args.package)
    lm = RecurrentLM(package, provider="cpu", threads=1)
    vocab = WordVocab.load(package.file(contract.ROLE_VOCAB))
    thetas = [float(x) for x in args.thetas.split(",")]
    cont_weights = [float(x) for x in args.continuous_weights.split(",")]
    uni_weights = [float(x) for x in args.unigram_weights.split(",")]

    started = time.perf_counter()
    valid = token_probabilities(lm, vocab, args.data / "wiki.valid.tokens", thetas, args.window)
    test = token_probabilities(lm, vocab, args.data / "wiki.test.tokens", thetas, args.window)
    seconds = time.perf_counter() - started
    print(f"{package.id}: WikiText-2 valid {len(valid.model):,} / test {len(test.model):,} tokens, read one at a "
          f"time ({seconds:.0f} s), caches of {args.window} words, emptied at each article\n")

    grid = list(itertools.product(thetas, cont_weights))
    theta, weight = min(grid, key=lambda tw: valid.perplexity(0.0, tw[1], tw[0]))
    both_uni = min(uni_weights, key=lambda u: valid.perplexity(u, weight, theta))
    print(f"continuous cache chosen on valid: theta {theta}, weight {weight}; with it, unigram weight {both_uni}\n")
    rows = [("model alone", 0.0, 0.0)]
    rows += [(f"+ unigram cache {u}", u, 0.0) for u in uni_weights]
    rows += [(f"+ continuous cache {weight} (theta {theta})", 0.0, weight)]
    rows += [(f"+ continuous {weight} + unigram {both_uni}", both_uni, weight)]
    rows = [(name, uni, cont, theta) for name, uni, cont in rows]
    # The completer's own settings (its weight chosen for keystroke savings), when theta was among those tried.
    if CONTINUOUS_THETA in thetas:
        rows.append((f"the completer: continuous {CONTINUOUS_WEIGHT} (theta {CONTINUOUS_THETA}) + unigram "
                     f"{UNIGRAM_WEIGHT}", UNIGRAM_WEIGHT, CONTINUOUS_WEIGHT, CONTINUOUS_THETA))
    base_valid, base_test = valid.perplexity(), test.perplexity()
    print("| mixture | valid ppl | test ppl | test change |")
    print("|---|---:|---:|---:|")
    for name, uni, cont, th in rows:
        v, t = valid.perplexity(uni, cont, th), test.perplexity(uni, cont, th)
        print(f"| {name} | {v:.2f} | {t:.2f} | {100 * (t / base_test - 1):+.1f}% |")
    print(f"\n(model alone, read in one stream per article: valid {base_valid:.2f}, test {base_test:.2f})")
    print("\nvalid perplexity, continuous cache alone, theta x weight:")
    print("| theta | " + " | ".join(str(w) for w in cont_weights) + " |")
    print("|---:|" + "---:|" * len(cont_weights))
    for th in thetas:
        print(f"| {th} | " + " | ".join(f"{valid.perplexity(0.0, w, th):.2f}" for w in cont_weights) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
