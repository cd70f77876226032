"""Continue a text in the style of a character-level model (char-rnn), streaming characters.

A continuation ends at a word or line boundary: it finishes the word it is in when it reaches the length asked for
(at most :data:`MAX_WORD_CHARS` more characters) and leaves out the space or line break after it. At a low
temperature the likeliest characters tend to loop ("the sea of the sea of the sea"); a repetition guard then
refuses a word that would repeat a word :data:`NGRAM`-gram already written, and picks the model's next choice
for its first letter instead (n-gram blocking, as in beam-search decoders, applied a word at a time). Words in
capitals (a speaker's name in a play) may repeat.
"""

from __future__ import annotations

import re
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
MAX_WORD_CHARS = 40  # a "word" ends after this many characters even without a space
NGRAM = 3  # the repetition guard refuses to write the same 3 words twice
REPEAT_GUARD_TEMPERATURE = 0.5  # ... at temperatures below this one (sampling above it does not loop)
MAX_RETRIES = 5  # first letters tried for a word before a repeat is let through
_PUNCTUATION = re.compile(r"^\W+|\W+$")


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
        """Yields about ``max_chars`` characters continuing ``prompt``, one at a time, a word at a time: it stops
        at the first word or line boundary at or after ``max_chars`` (see the module docstring).

        Temperature 0 is greedy; values are clamped to [0, 2]; below ``REPEAT_GUARD_TEMPERATURE`` the repetition
        guard is on. Closing the iterator stops generation.
        """
        max_chars = max(0, min(int(max_chars), MAX_CHARS))
        if max_chars == 0:
            return
        temperature = clamp_temperature(temperature)
        guard = temperature < REPEAT_GUARD_TEMPERATURE
        rng = np.random.default_rng(seed)
        log_probs, state = self._read(prompt)
        words: list[str] = []  # the words written so far (normalised), for the guard
        seen: set[tuple[str, ...]] = set()
        sent = 0
        while sent < max_chars:
            banned: list[int] = []
            for attempt in range(MAX_RETRIES + 1):
                word, ending, after = self._next_word(log_probs, state, rng, temperature, top_k, top_p, banned)
                key = (*words[-(NGRAM - 1) :], normalized(word))
                if not guard or not key[-1] or word.isupper() or len(key) < NGRAM or key not in seen or \
                        attempt == MAX_RETRIES:  # (capitals: a speaker's name comes back in a play)
                    break
                banned.append(self.vocab.index[word[0]])  # that word repeats: try the next likeliest first letter
            log_probs, state = after
            yield from word
            sent += len(word)
            if key[-1]:
                words.append(key[-1])
                if len(key) == NGRAM:
                    seen.add(key)
            if sent >= max_chars or not (word or ending):
                return
            if ending:
                yield ending
                sent += 1

    def _next_word(self, log_probs, state, rng, temperature, top_k, top_p, banned):
        """Samples one word (characters up to a whitespace character, at most MAX_WORD_CHARS) from ``log_probs``
        and ``state``; the first character is none of ``banned``. Returns ``(word, the whitespace after it or "",
        (log_probs, state) after both)``."""
        tokens = self.vocab.tokens
        step = np.zeros((1, 1), np.int64)
        word: list[str] = []
        while len(word) < MAX_WORD_CHARS:
            if banned and not word:
                log_probs = log_probs.copy()
                log_probs[banned] = -np.inf
                if not np.isfinite(log_probs).any():
                    break
            token = sample_next(log_probs, rng, temperature, top_k, top_p)
            step[0, 0] = token
            out, state = self.lm.step(step, state)  # the state stays on the GPU between steps there
            log_probs = out[0, -1]
            char = tokens[token]
            if char.isspace():
                return "".join(word), char, (log_probs, state)
            word.append(char)
        return "".join(word), "", (log_probs, state)


def normalized(word: str) -> str:
    """A word as the repetition guard compares it: lower case, without the punctuation around it."""
    return _PUNCTUATION.sub("", word.lower())
