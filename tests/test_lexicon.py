"""Completing words the word model's vocabulary lacks (desktop/runtime/lexicon.py)."""

from __future__ import annotations

from desktop.runtime.lexicon import OutOfVocabularyLexicon


def test_only_words_outside_the_vocabulary_are_offered_most_frequent_first():
    lexicon = OutOfVocabularyLexicon({"kinshasa": 50, "kinship": 10, "kind": 900, "ki": 5}, known=["kind", "the"])
    assert [w for w, _ in lexicon.with_prefix("Kin")] == ["kinshasa", "kinship"]
    shares = dict(lexicon.with_prefix("kin"))
    assert abs(sum(shares.values()) - 60 / 65) < 1e-9  # shares of the whole out-of-vocabulary mass
    assert lexicon.with_prefix("k") == []  # one letter fits too many rare words
    assert lexicon.with_prefix("kinshasa") == []  # nothing left to complete


def test_the_completer_completes_a_rare_name_with_the_models_unk_probability(completer):
    vocab = {t.lower() for t in completer.vocab.tokens}
    completer._lexicon = OutOfVocabularyLexicon({"zyxtarville": 40, "zyxtarian": 10}, vocab)
    words = [s.word for s in completer.suggest("They drove to Zyxt", 3)]
    assert words[:2] == ["Zyxtarville", "Zyxtarian"]
    completer.rare_words = False
    assert completer.suggest("They drove to Zyxt", 3) == []
