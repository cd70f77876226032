"""Issue 12, item 3: words the model's vocabulary lacks (names in the news: "Zaev", "Skopje") come back at a word
start once the document has used them: the continuous cache keeps their spelling instead of only the model's
``<unk>``. And a typed prefix whose case contradicts a word's does not offer it: a capital inside a sentence starts
a name, not "said" made "Said"."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.ksr import shipped_word_package
from desktop.runtime.completer import CASE_MISMATCH, Completer
from desktop.runtime.continuous_cache import ContinuousCache
from desktop.runtime.package import ModelPackage

SHIPPED = shipped_word_package()
STORY = ("The talks in Skopje went on all week. Prime Minister Zoran Zaev said the agreement was fair, and the "
         "opposition said it was not. On Friday, Zaev met the leaders of the opposition in Skopje. He said he would "
         "not resign. The next day Zaev spoke to the press in Skopje. Asked about the vote, Prime Minister Zoran ")


@pytest.fixture(scope="module")
def shipped() -> Completer:
    """The shipped word model, one word per suggestion (as benchmarks/keystrokes.py types)."""
    return Completer(ModelPackage.load(SHIPPED), provider="cpu", threads=1, max_phrase_words=1)


def test_continuous_cache_spells_out_the_words_behind_one_id():
    cache = ContinuousCache(hidden_size=2, window=3, theta=1.0)
    cache.add(np.array([3.0, 0.0]), 0, "Zaev")
    cache.add(np.array([0.0, 3.0]), 5)
    cache.add(np.array([3.0, 0.0]), 0, "Skopje")
    ids, probs, spelled = cache.distribution_with_words(np.array([1.0, 0.0]))
    unk = probs[list(ids).index(0)]
    assert set(spelled) == {"Zaev", "Skopje"} and sum(spelled.values()) == pytest.approx(unk)
    assert spelled["Zaev"] == pytest.approx(spelled["Skopje"])
    cache.add(np.array([0.0, 3.0]), 7)  # the ring wraps over "Zaev": its spelling goes with it
    assert set(cache.distribution_with_words(np.array([1.0, 0.0]))[2]) == {"Skopje"}
    cache.clear()
    cache.add(np.array([3.0, 0.0]), 0)
    assert cache.distribution_with_words(np.array([1.0, 0.0]))[2] == {}


def test_a_name_the_vocabulary_lacks_comes_back_at_a_word_start(shipped: Completer):
    assert "Zaev" not in shipped.vocab.index and "Skopje" not in shipped.vocab.index
    shipped.memory.clear()
    assert "Zaev" in [s.word for s in shipped.suggest(STORY, 3)]


@pytest.mark.parametrize(("text", "wrong"), [
    ("Later that night, police went to talk to S", "Some"),  # a capital inside a sentence: a name
    ("He said the people of M", "My"),
    ("Next week we fly to p", "portland"),  # a small letter: not a name
])
def test_a_prefix_whose_case_contradicts_a_word_does_not_offer_it(shipped: Completer, text: str, wrong: str):
    shipped.memory.clear()
    shipped.case_mismatch = 1.0  # as before: the prefix's case ignored
    assert wrong in [s.word for s in shipped.suggest(text, 3)]
    shipped.case_mismatch = CASE_MISMATCH
    assert wrong not in [s.word for s in shipped.suggest(text, 3)]


def test_a_capital_at_a_sentence_start_still_offers_common_words(shipped: Completer):
    shipped.memory.clear()
    assert "The" in [s.word for s in shipped.suggest("It rained all day. T", 3)]


def test_a_name_typed_whole_is_likelier_than_longer_words(shipped: Completer):
    """"Anna" at the end of a letter: the shipped model rates the name above "Annals" or "Annapurna", so the
    suggestions say the typed word is likelier (no ghost text); inside a word ("sto") they do not."""
    completer = shipped
    after_name = completer.suggest("Best regards,\nAnna", 3)
    assert after_name and all(s.typed_word_likelier for s in after_name)
    assert sum(s.probability for s in after_name) < 0.5  # the word as typed holds most of the probability
    inside = completer.suggest("He went to the sto", 3)
    assert inside[0].word == "store" and not inside[0].typed_word_likelier
