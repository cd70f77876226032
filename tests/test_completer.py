"""Next-word completion: prefixes and case, specials never suggested, spacing, state cache, document
memory, phrases, odd input."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from desktop.runtime import Engines
from desktop.runtime.completer import CONTEXT_TOKENS
from desktop.runtime.continuous_cache import ContinuousCache


def test_partial_word_is_completed_with_words_of_that_prefix(completer):
    suggestions = completer.suggest("The qu", 3)
    assert suggestions and suggestions[0].word.lower() == "quick"
    assert suggestions[0].text.startswith("ick")
    for s in completer.suggest("In the morning th", 5):
        assert s.word.lower().startswith("th") and len(s.word) > 2


def test_case_of_the_typed_prefix_is_kept(completer):
    upper = completer.suggest("the Qu", 3)
    assert upper[0].word.startswith("Qu") and upper[0].text.startswith("ick")
    lower = completer.suggest("In the morning th", 1)
    assert lower[0].word.startswith("th")


def test_next_word_after_space_and_after_punctuation(completer):
    after_space = completer.suggest("The quick brown ", 3)
    assert after_space[0].word == "fox" and after_space[0].text.startswith("fox")
    after_comma = completer.suggest("the weather was fine,", 3)
    assert all(s.text.startswith(" ") for s in after_comma)
    after_paren = completer.suggest("the (", 3)
    assert all(not s.text.startswith(" ") for s in after_paren)


def test_sentence_start_is_capitalized(completer):
    for text in ["", "The dog slept. ", "A line.\n"]:
        for s in completer.suggest(text, 3):
            assert s.word[0].isupper(), (text, s)


def test_specials_punctuation_and_markers_are_never_suggested(completer):
    seen = set()
    for text in ["", "The quick brown fox jumps over the lazy dog", "The quick brown fox jumps over the lazy dog ",
                 "is a country ", "fine , ", "she said that the weather was fine and the children played outside "]:
        seen.update(s.word for s in completer.suggest(text, 10))
    assert seen
    for word in seen:
        assert word not in {"<unk>", "<eos>", "@-@", "@,@", "@.@"}
        assert word[0].isalnum()


def test_numbers_complete_from_the_document_and_finished_contractions_get_nothing(completer):
    # The tiny model knows no numbers; the document memory does.
    assert completer.suggest("It cost 12", 3) == []
    years = completer.suggest("The school opened in 1942 and closed in 19", 3)
    assert [s.word for s in years] == ["1942"] and years[0].text == "42"
    assert completer.suggest("She don't", 3) == []


def test_typing_forward_costs_at_most_one_model_step_per_word(completer):
    completer.max_phrase_words = 1
    text = "She said that the weather was fine , and the children played outside . "
    completer.suggest("", 3)
    before = completer.model_steps
    words = 0
    typed = ""
    for ch in text:
        typed += ch
        completer.suggest(typed, 3)
        words += ch == " "
    assert completer.model_steps - before <= words


def test_an_edit_elsewhere_recomputes_from_a_bounded_window(completer):
    long_text = "The quick brown fox jumps over the lazy dog . " * 2000
    completer.suggest(long_text, 3)
    steps = completer.model_steps
    cut = long_text.rindex("lazy", 0, len(long_text) - 200)  # a word a few sentences back
    edited = long_text[:cut] + "sleepy" + long_text[cut + 4 :]
    started = time.perf_counter()
    assert completer.suggest(edited, 3)
    assert time.perf_counter() - started < 1.0
    # Only a bounded window is read again, not the whole document.
    assert 0 < completer.model_steps - steps <= 200


def test_document_memory_brings_back_unseen_names(completer):
    text = "Zorblax went to the old school. Then Zor"
    remembered = completer.suggest(text, 3)
    assert remembered and remembered[0].word == "Zorblax" and remembered[0].text == "blax"
    completer.cache_weight = completer.continuous_weight = 0.0  # without either memory of the document
    completer.memory.clear()
    assert all(s.word != "Zorblax" for s in completer.suggest("Zorblax went to the old school. Then Zor", 3))


def test_confident_top_suggestion_extends_to_a_phrase(completer):
    completer.phrase_threshold = -math.inf
    top = completer.suggest("The United ", 3)[0]
    assert top.phrase and len(top.text.split()) == completer.max_phrase_words
    completer.phrase_threshold = 0.0  # nothing is that certain
    assert not completer.suggest("The United ", 3)[0].phrase


def test_odd_input_never_crashes(completer):
    for text in ["!!!???", "12345 ", "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0 ", "caf\u00e9 ", "\U0001f600 ", "\u200b",
                 "x" * 10_000, "word\n\n\n", "\t"]:
        suggestions = completer.suggest(text, 3)
        assert all(isinstance(s.text, str) and 0.0 <= s.probability <= 1.0 for s in suggestions)
    assert completer.suggest("The ", 0) == []


def test_engines_give_a_completer(models_dir):
    completer = Engines.from_dir(models_dir).completer
    assert completer.available
    assert completer.suggest("The quick brown ", 1)[0].word == "fox"


def test_contractions_hyphens_and_capitals(completer):
    for s in completer.suggest("I don'", 3):
        assert s.text in {"t", "s", "re", "m", "ve", "ll", "d"}, s
    assert all(s.text == "" or s.text.isalpha() for s in completer.suggest("I don't", 3))
    assert completer.context_tokens("a well-")[-1] == "@-@"
    for s in completer.suggest("THE QU", 3):
        assert s.word.isupper(), s


def test_document_memory_follows_the_text_not_the_cursor_path(completer):
    text = "Zanzibar is far. " + "The quick brown fox jumps over the lazy dog. " * 40
    typed = ""
    for word in text.split(" "):
        typed += word + " "
        completer.suggest(typed, 1)
    forward = dict(completer.memory.counts)
    completer.memory.clear()
    completer.suggest(typed, 1)
    assert forward == dict(completer.memory.counts)
    assert "x" * 100 not in completer.memory.update("the " + "x" * 100 + " ")


def test_document_memory_counts_repeated_text_typed_forward(completer):
    first = "The history of the "
    completer.suggest(first, 1)
    grown = first + "Roman Empire began. The history of the "
    completer.suggest(grown, 1)
    assert completer.memory.counts["Roman"] == 1 and completer.memory.counts["history"] == 2


def test_continuous_cache_weights_words_by_how_alike_their_states_are():
    cache = ContinuousCache(hidden_size=2, window=3, theta=1.0)
    assert cache.distribution(np.ones(2))[0].size == 0
    cache.add(np.array([4.0, 0.0]), 7)
    cache.add(np.array([0.0, 4.0]), 9)
    cache.add(np.array([4.0, 0.1]), 7)
    ids, probs = cache.distribution(np.array([1.0, 0.0]))
    assert list(ids) == [7, 9] and probs.sum() == pytest.approx(1.0) and probs[0] > 0.95
    cache.add(np.array([0.0, 4.0]), 5)  # the window holds three pairs: the oldest goes
    ids, probs = cache.distribution(np.array([0.0, 1.0]))
    assert list(ids) == [5, 7, 9] and probs[0] == pytest.approx(probs[2]) and probs[1] < 0.05


def test_continuous_cache_brings_back_the_word_that_followed_the_same_context(completer):
    text = "In the morning the children walked to the old country . In the morning the children walked to the old "

    def p_country(continuous_weight: float) -> float:
        completer.cache_weight, completer.continuous_weight = 0.0, continuous_weight  # the unigram cache off
        completer.continuous_evidence = 0.0  # full weight however few pairs it holds (the mechanism alone)
        found = [s.probability for s in completer.suggest(text, 40) if s.word == "country"]
        return found[0] if found else 0.0

    without, with_cache = p_country(0.0), p_country(0.3)
    assert without < 0.05 and with_cache > without + 0.2


def test_continuous_cache_holds_what_was_read_since_the_last_start_over(completer):
    text = "The quick brown fox jumps over the lazy dog . " * 30
    completer.suggest(text, 3)
    assert completer.continuous.size == completer.model_steps - 1  # every token but the first, read from zero
    size = completer.continuous.size
    completer.suggest(text + "The quick ", 3)
    assert completer.continuous.size == size + 2  # typing forward adds the new tokens
    completer.suggest("She said that " + text, 3)  # an edit at the start: read again from a bounded window
    assert 0 < completer.continuous.size < CONTEXT_TOKENS
