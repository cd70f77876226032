"""Issue 12, item 1: the document memories help only as far as they have evidence. In a new document the top
suggestion must not echo a word just typed (the shipped model), the continuous cache leaves out its newest pairs
and weighs itself by how much it holds, and a long document still brings back what it said before."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.ksr import shipped_word_package
from desktop.runtime.completer import Completer, continuous_weight_for
from desktop.runtime.continuous_cache import ContinuousCache
from desktop.runtime.package import ModelPackage

SHIPPED = shipped_word_package()  # the shipped word model, whichever it is
EVERYDAY_PROMPTS = ["Thank you for your ", "Have a great ", "How are ", "Sorry for the late ",
                    "Let me know if you have any "]


@pytest.fixture(scope="module")
def shipped() -> Completer:
    """The shipped word model with the editor's settings (one thread, phrases on)."""
    return Completer(ModelPackage.load(SHIPPED), provider="cpu", threads=1)


@pytest.mark.parametrize("prompt", EVERYDAY_PROMPTS)
def test_top_suggestion_in_a_new_document_is_not_a_word_just_typed(shipped: Completer, prompt: str):
    shipped.memory.clear()
    suggestions = shipped.suggest(prompt, 3)
    assert suggestions
    typed = {w.lower().strip(",.") for w in prompt.split()}
    assert suggestions[0].word.lower() not in typed, (prompt, [s.word for s in suggestions])


def test_a_long_document_still_brings_back_its_own_words(shipped: Completer):
    """The cache gain stays where the document supports it: a place said in the same context before comes back."""
    story = ("Every spring the old captain sailed from the harbour of Antwerp. The crew was glad to see the harbour "
             "of Antwerp again. ") * 5 + "Years later, the people of the town still spoke of the harbour of "
    shipped.memory.clear()
    assert "Antwerp" in [s.word for s in shipped.suggest(story, 2)]
    alone = Completer(ModelPackage.load(SHIPPED), provider="cpu", cache_weight=0.0, continuous_weight=0.0)
    assert "Antwerp" not in [s.word for s in alone.suggest(story, 3)]


def test_continuous_cache_can_leave_out_its_newest_pairs():
    cache = ContinuousCache(hidden_size=2, window=3, theta=1.0)
    cache.add(np.array([4.0, 0.0]), 7)
    cache.add(np.array([0.0, 4.0]), 9)
    assert cache.distribution(np.ones(2), skip_recent=2)[0].size == 0
    ids, probs = cache.distribution(np.array([0.0, 1.0]), skip_recent=1)  # 9, the newest, left out
    assert list(ids) == [7] and probs[0] == pytest.approx(1.0)
    cache.add(np.array([4.0, 0.1]), 5)
    cache.add(np.array([0.0, 4.0]), 8)  # the ring wraps: slot 0 now holds the newest pair
    ids, _ = cache.distribution(np.array([0.0, 1.0]), skip_recent=2)
    assert list(ids) == [9]


def test_continuous_weight_grows_with_the_pairs_the_cache_holds():
    assert continuous_weight_for(0.2, 0) == 0.0
    weights = [continuous_weight_for(0.2, n, 100.0) for n in (3, 30, 300, 3000)]
    assert weights == sorted(weights) and weights[0] < 0.01 and weights[-1] > 0.19
    assert continuous_weight_for(0.2, 5, 0.0) == 0.2  # no evidence scaling: the weight as given


def test_next_word_that_repeats_the_last_words_is_discounted(completer: Completer):
    text = "The quick brown fox jumps over the lazy dog . The dog "
    completer.cache_weight = completer.continuous_weight = 0.0
    completer.repeat_discount = 1.0
    plain = {s.word: s.probability for s in completer.suggest(text, 40)}
    completer.repeat_discount = 0.3
    discounted = {s.word: s.probability for s in completer.suggest(text, 40)}
    recent = [w for w in ("The", "dog") if w in plain]
    assert recent and all(discounted[w] < plain[w] for w in recent)
