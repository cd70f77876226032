"""The continuous cache of Grave, Joulin and Usunier (2016), "Improving Neural Language Models with a
Continuous Cache": the document as memory, keyed by the model's own hidden states.

Every word the model has read is stored with the hidden state that predicted it. At the next position the
cache puts probability on the stored words whose hidden states look like the current one:

    p_cache(w) = sum over stored i with word_i = w of softmax_i(theta * <h, h_i>)

and the completer mixes it with the model: (1 - weight) * p_model + weight * p_cache. Unlike a unigram
cache it is contextual: a name comes back where the model expects a name, not everywhere.

The softmax sums to 1 however few pairs are stored, so in a short text it would put all its weight on the
handful of words just typed. ``distribution(hidden, skip_recent)`` can leave out the newest pairs (the words just
typed, whose states are always the most alike the current one), and the completer scales the weight by how many
pairs the cache holds (see ``desktop.runtime.completer.continuous_weight_for``).

A word the model's vocabulary lacks is stored under the model's ``<unk>`` id, which no one can be offered; the
cache also keeps its spelling (``add(..., word=...)``), so ``distribution`` can say how much of the cache's
probability belongs to each such word ("Aguero" comes back where the model expects a name, as "Guardiola" would).
"""

from __future__ import annotations

import numpy as np

DEFAULT_WINDOW = 2000  # the last this many words are remembered (Grave et al.'s WikiText-2 setting)


class ContinuousCache:
    """A ring buffer of (hidden state, word id) pairs and the cache distribution they define."""

    def __init__(self, hidden_size: int, window: int = DEFAULT_WINDOW, theta: float = 0.3):
        if window <= 0:
            raise ValueError(f"window must be positive, not {window}")
        self.theta = theta
        self.window = window
        self._keys = np.zeros((window, hidden_size), np.float32)  # [window, hidden]
        self._ids = np.zeros(window, np.int64)  # [window] the word each key predicted
        self._words: list[str | None] = [None] * window  # the spelling of an out-of-vocabulary word, else None
        self._spelled = np.zeros(window, bool)  # [window] whether the pair has a spelling
        self._next = 0  # slot for the next pair
        self.size = 0  # pairs stored (at most window)

    def add(self, hidden: np.ndarray, word_id: int, word: str | None = None) -> None:
        """Remembers that ``hidden`` [hidden] was followed by ``word_id``; ``word`` spells it when the id stands
        for many words (the model's ``<unk>``)."""
        self._keys[self._next] = hidden
        self._ids[self._next] = word_id
        self._words[self._next] = word
        self._spelled[self._next] = word is not None
        self._next = (self._next + 1) % self.window
        self.size = min(self.size + 1, self.window)

    def attention(self, hidden: np.ndarray, theta: float | None = None, skip_recent: int = 0
                  ) -> tuple[np.ndarray, np.ndarray]:
        """(word id, weight) of every stored pair at the state ``hidden`` [hidden] but the ``skip_recent`` newest:
        the softmax of ``theta`` times the dot products, summing to 1 (``theta`` defaults to the cache's own)."""
        slots, weights = self._attention(hidden, theta, skip_recent)
        return self._ids[slots], weights

    def _attention(self, hidden: np.ndarray, theta: float | None, skip_recent: int) -> tuple[np.ndarray, np.ndarray]:
        """(slot, weight) of every stored pair but the ``skip_recent`` newest (see ``attention``)."""
        if self.size <= skip_recent:
            return np.zeros(0, np.int64), np.zeros(0)
        slots = np.arange(self.size)
        if skip_recent > 0:
            newest = (self._next - 1 - np.arange(skip_recent)) % self.window  # the slots written last
            keep = np.ones(self.size, bool)
            keep[newest[newest < self.size]] = False
            slots = slots[keep]
        keys = self._keys[: self.size] if slots.size == self.size else self._keys[slots]
        scores = (self.theta if theta is None else theta) * (keys @ hidden.astype(np.float32)).astype(np.float64)
        weights = np.exp(scores - scores.max())  # [size]
        return slots, weights / weights.sum()

    def distribution(self, hidden: np.ndarray, skip_recent: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(word ids, probabilities) of the cache distribution at the state ``hidden`` [hidden], leaving out the
        ``skip_recent`` newest pairs: each id once, probabilities summing to 1; both empty when nothing is left."""
        return self.distribution_with_words(hidden, skip_recent)[:2]

    def distribution_with_words(self, hidden: np.ndarray, skip_recent: int = 0
                                ) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
        """``distribution``, and the share of it each spelled word holds (``add(..., word=...)``): those shares are
        part of their id's probability (the ``<unk>`` id's), not added to it."""
        slots, weights = self._attention(hidden, None, skip_recent)
        unique, slot = np.unique(self._ids[slots], return_inverse=True)
        spelled: dict[str, float] = {}
        has = self._spelled[slots]
        for i, weight in zip(slots[has].tolist(), weights[has].tolist()):
            word = self._words[i]
            spelled[word] = spelled.get(word, 0.0) + weight
        return unique, np.bincount(slot, weights=weights, minlength=len(unique)), spelled

    def clear(self) -> None:
        """Forgets everything (the text was edited elsewhere, or another document)."""
        self._next = 0
        self.size = 0
        self._words = [None] * self.window
        self._spelled[:] = False
