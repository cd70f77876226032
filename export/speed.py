"""Generation speed of a continuation engine (characters streamed per second)."""

from __future__ import annotations

import time

PROMPT = "ROMEO:\nBut soft, what light through yonder window breaks?\n"


def chars_per_second(continuer, n_chars: int = 2000, repeats: int = 3) -> float:
    """Best of ``repeats`` runs of streaming ``n_chars`` characters through ``continuer.generate``."""
    best = float("inf")
    for seed in range(repeats):
        started = time.perf_counter()
        count = sum(1 for _ in continuer.generate(PROMPT, n_chars, temperature=0.8, seed=seed))
        best = min(best, time.perf_counter() - started)
    return count / best
