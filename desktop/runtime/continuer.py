"""Continue a text in the style of a character-level model (char-rnn), streaming characters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from desktop.runtime import contract
from desktop.runtime.guard import guarded
from desktop.runtime.package import ModelPackage
from desktop.runtime.recurrent_lm import LMEngine
from desktop.runtime.sampling import clamp_temperature, sample_next
from desktop.runtime.text_input import clean_text
from desktop.runtime.vocab import CharVocab

CONTEXT_CHARS = 2000  # the model reads at most this much of the text before the cursor
MAX_CHARS = 20_000  # one request generates at most this many characters
START_OF_TEXT = "\n"  # an empty prompt starts as if after a blank line


class Continuer(LMEngine):
    """Generates text after a prompt with a char_lm package."""

    def __init__(self, package: ModelPackage, provider: str = "auto", threads: int = 1, model_path: Path | None = None):
        super().__init__(package, provider, threads, model_path)
        self.vocab = package.load_vocab(contract.ROLE_VOCAB, CharVocab.from_json)
        self.lm.check_vocab(contract.ROLE_VOCAB, len(self.vocab))

    @guarded
    def next_char_log_probs(self, prompt: str) -> np.ndarray:
        """Log-probabilities [vocab] of the character after ``prompt`` (for the model view)."""
        log_probs, _ = self._read(prompt)
        return log_probs

    def _read(self, prompt: str):
        ids = self.vocab.encode(clean_text(prompt)[-CONTEXT_CHARS:] or START_OF_TEXT)
        if ids.size == 0:  # the prompt folded to nothing (only zero-width characters)
            ids = self.vocab.encode(START_OF_TEXT)
        log_probs, state = self.lm.run(ids[None, :], self.lm.zero_state())
        return log_probs[0, -1], state

    @guarded
    def generate(
        self,
        prompt: str,
        max_chars: int,
        temperature: float = 0.8,
        top_k: int | None = None,
        seed: int | None = None,
        top_p: float | None = None,
    ) -> Iterator[str]:
        """Yields up to ``max_chars`` characters continuing ``prompt``, one at a time.

        Temperature 0 is greedy; values are clamped to [0, 2]. Closing the iterator stops generation.
        """
        max_chars = max(0, min(int(max_chars), MAX_CHARS))
        if max_chars == 0:
            return
        temperature = clamp_temperature(temperature)
        rng = np.random.default_rng(seed)
        log_probs, state = self._read(prompt)
        step = np.zeros((1, 1), np.int64)
        for _ in range(max_chars):
            token = sample_next(log_probs, rng, temperature, top_k, top_p)
            yield self.vocab.tokens[token]
            step[0, 0] = token
            out, state = self.lm.run(step, state)
            log_probs = out[0, -1]
