"""The test suite's stand-ins for the runtime's engines: one place for every fake continuer, completer, translator
and ``Engines``. Each has the interface of the real one (``desktop.runtime``) that the code under test uses, answers
predictably and records how it was called. No Qt here: the UI tests' dialogs and window factory are in
tests/ui_support.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from benchmarks.ksr import words
from desktop.runtime.completer import Suggestion
from desktop.runtime.translator import Translation

STREAM = "Now is the winter of our discontent\nMade glorious summer by this sun of York;\n"


class FakeContinuer:
    """Same interface as ``desktop.runtime.continuer.Continuer``; yields ``STREAM`` slowly and records calls."""

    available = True
    error = ""
    name = "fake-char"
    provider = "CPUExecutionProvider"

    def __init__(self, delay: float = 0.01, text: str = STREAM):
        self.delay = delay
        self.text = text
        self.prompts: list[str] = []
        self.temperatures: list[float] = []
        self.pulled = 0
        self.closed = threading.Event()
        self.vocab = type("Vocab", (), {"tokens": ["e", "t", " ", "\n", "a"]})()
        self.view_prompts: list[str] = []

    def expected(self, n: int) -> str:
        """The first ``n`` characters this fake generates."""
        return "".join(self.text[i % len(self.text)] for i in range(n))

    def generate(self, prompt, max_chars, temperature=0.8, top_k=None, seed=None, top_p=None):
        self.prompts.append(prompt)
        self.temperatures.append(temperature)
        try:
            for i in range(max_chars):
                time.sleep(self.delay)
                self.pulled += 1
                yield self.text[i % len(self.text)]
        finally:
            self.closed.set()

    def next_char_log_probs(self, prompt: str) -> np.ndarray:
        self.view_prompts.append(prompt)
        return np.log(np.array([0.5, 0.2, 0.15, 0.1, 0.05]))


class FakeWordModel:
    """The word model as the model view reads it when it does not complete a word: ``next_word_distribution``
    gives ``distribution`` over ``vocab`` and records the contexts it was asked about. No ``suggest``."""

    available = True
    error = ""
    name = "fake-word"
    provider = "CPUExecutionProvider"

    def __init__(self, vocab: Sequence[str] = ("the", "<eos>", "king", "of", "<unk>"),
                 distribution: Sequence[float] = (0.4, 0.3, 0.2, 0.07, 0.03)):
        self.vocab = type("Vocab", (), {"tokens": list(vocab)})()
        self.distribution = np.array(distribution)
        self.contexts: list[str] = []

    def next_word_distribution(self, context: str) -> np.ndarray:
        self.contexts.append(context)
        return self.distribution.copy()


class FakeCompleter(FakeWordModel):
    """Same interface as ``Completer``: ``suggest`` answers from ``table`` (text before the cursor -> suggestions),
    or the ``default`` function (no suggestions when None), records every call and the thread it ran in, and takes
    ``delay`` seconds per call; ``vocab`` and ``distribution`` as in FakeWordModel."""

    def __init__(self, table: dict[str, list[Suggestion]] | None = None,
                 default: Callable[[str], list[Suggestion]] | None = None, delay: float = 0.0, **word_model):
        super().__init__(**word_model)
        self.table = table or {}
        self.default = default or (lambda text: [])
        self.delay = delay
        self.calls: list[tuple[str, int]] = []
        self.started = threading.Event()
        self.threads: set[threading.Thread] = set()
        self._phrase_threshold = -0.9
        self.threshold_set_in: threading.Thread | None = None
        self.max_phrase_words = 4

    @property
    def phrase_threshold(self) -> float:
        return self._phrase_threshold

    @phrase_threshold.setter
    def phrase_threshold(self, value: float) -> None:
        self._phrase_threshold = value
        self.threshold_set_in = threading.current_thread()

    def suggest(self, text_before_cursor: str, k: int = 3) -> list[Suggestion]:
        self.calls.append((text_before_cursor, k))
        self.threads.add(threading.current_thread())
        self.started.set()
        if self.delay:
            time.sleep(self.delay)
        found = self.table.get(text_before_cursor)
        return list(found if found is not None else self.default(text_before_cursor))[:k]


class ScriptedCompleter:
    """A completer for the keystroke harness that knows the text being typed: ``offer(word, typed)`` says what to
    suggest for the word under the cursor, as the texts to insert. Checks that the harness passes the real text
    before the cursor, and records (word, typed, k) for each call."""

    def __init__(self, text: str, offer):
        self.text, self.offer, self.calls = text, offer, []

    def suggest(self, text_before_cursor: str, k: int = 3) -> list[Suggestion]:
        assert self.text.startswith(text_before_cursor)
        found = [(start, word) for start, word in words(self.text) if start <= len(text_before_cursor)]
        start, word = found[-1]
        typed = text_before_cursor[start:]
        assert word.startswith(typed)
        self.calls.append((word, typed, k))
        return [Suggestion(text, typed + text.lstrip(), 0.5) for text in self.offer(word, typed)][:k]


class FakeTranslator:
    """Same interface as ``Translator``: every text translates to ``text`` with ``score``; records the texts."""

    available = True
    error = ""
    name = "fake-translator"
    provider = "CPUExecutionProvider"

    def __init__(self, text: str = "Bonjour.", score: float = -0.1):
        self.text, self.score, self.calls = text, score, []

    def translate(self, text, beam=4, n_best=1):
        self.calls.append(text)
        return [Translation(self.text, self.score)]


class SlowTranslator:
    """Wraps a real translator and blocks its first translation until ``gate`` is set, to show the editor is not
    blocked meanwhile; records the texts."""

    available = True

    def __init__(self, real):
        self.real, self.gate, self.calls = real, threading.Event(), []

    def translate(self, text, beam=4, n_best=1):
        self.calls.append(text)
        if len(self.calls) == 1:
            self.gate.wait(10)
        return self.real.translate(text, beam=beam, n_best=n_best)


class FakeEngines:
    """An ``Engines`` stand-in over the given engines that records which thread loaded the continuer (after
    ``load_delay`` seconds); ``completer`` and ``translator`` are plain attributes when given."""

    def __init__(self, continuer=None, load_delay: float = 0.0, completer=None, translator=None):
        self._continuer = continuer
        self.load_delay = load_delay
        self.loaded_in: threading.Thread | None = None
        if completer is not None:
            self.completer = completer
        if translator is not None:
            self.translator = translator

    @property
    def continuer(self):
        self.loaded_in = threading.current_thread()
        time.sleep(self.load_delay)
        return self._continuer


class CompleterEngines(FakeEngines):
    """``FakeEngines`` with a completer only (what the completion controller reads)."""

    def __init__(self, completer):
        super().__init__(completer=completer)


class StubEngine:
    """An engine for the self-test: a name and the methods given (``suggest=...``, ``translate=...``)."""

    available = True
    error = ""
    provider = "CPUExecutionProvider"

    def __init__(self, name: str, **methods):
        self.name = name
        self.__dict__.update(methods)


def self_test_engines(**engines: StubEngine) -> SimpleNamespace:
    """``Engines`` as the self-test reads it: the engines given (``completer=``, ``continuer=``, ``translator=``),
    each listed as a package of its kind under /models."""
    kinds = {"completer": "word_lm", "continuer": "char_lm", "translator": "translator"}
    packages = {kinds[attr]: [Path(f"/models/{engine.name}")] for attr, engine in engines.items()}
    return SimpleNamespace(models_path=Path("/models"), packages=packages, problems=[], **engines)
