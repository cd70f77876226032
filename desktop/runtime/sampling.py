"""Choosing the next token from log-probabilities: greedy, temperature, top-k and top-p (numpy only)."""

from __future__ import annotations

import numpy as np

MAX_TEMPERATURE = 2.0


def clamp_temperature(temperature: float) -> float:
    """Clamps to [0, MAX_TEMPERATURE]; 0 means greedy. NaN counts as 0."""
    if not temperature or temperature != temperature or temperature < 0:
        return 0.0
    return min(float(temperature), MAX_TEMPERATURE)


def sample_next(
    log_probs: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """Index drawn from ``log_probs`` [vocab]; temperature 0 returns the argmax."""
    temperature = clamp_temperature(temperature)
    if temperature == 0.0:
        return int(np.argmax(log_probs))
    logits = log_probs.astype(np.float64) / temperature
    if top_k is not None and 0 < top_k < logits.size:
        kth = np.partition(logits, -top_k)[-top_k]
        logits = np.where(logits < kth, -np.inf, logits)
    probs = np.exp(logits - logits.max())
    if top_p is not None and 0.0 < top_p < 1.0:
        order = np.argsort(-probs)
        cumulative = np.cumsum(probs[order]) / probs.sum()
        keep = order[: int(np.searchsorted(cumulative, top_p)) + 1]
        mask = np.zeros_like(probs)
        mask[keep] = 1.0
        probs *= mask
    cdf = np.cumsum(probs)
    return int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"), probs.size - 1))
