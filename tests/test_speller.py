"""The runtime speller: what is flagged and what is not, the error model, ranking in context, word lists."""

from __future__ import annotations

import pytest

from desktop.runtime import Engines
from desktop.runtime.speller import (
    Misspelling,
    Speller,
    add_personal_word,
    american_forms,
    count_words,
    edit_cost,
    load_personal_words,
)


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(None)


@pytest.fixture(scope="module")
def shipped() -> Speller:
    """The speller with the shipped word model (resources/models/)."""
    engines = Engines.from_dir()
    assert engines.completer.available, engines.completer.error
    return engines.speller


def words(found) -> list[str]:
    return [f[2] if isinstance(f, tuple) else f.word for f in found]


def test_check_returns_misspellings_with_offsets_and_corrections(speller):
    text = "I recieved your leter."
    found = speller.check(text)
    assert [m.word for m in found] == ["recieved", "leter"]
    first = found[0]
    assert isinstance(first, Misspelling)
    assert text[first.start : first.end] == "recieved"
    assert first.suggestions[0] == "received"


def test_never_inside_urls_addresses_numbers_code_or_link_targets(speller):
    text = ("See https://exmaple.com/pgae, www.wrnog.org/abut, jon.smiht@exmaple.org, `pirnt(x)`, "
            "[the page](http://exmaple.com/pgae \"Tilte\"), <https://exmaple.net>, 3rdd, 12kgg and 1990s.")
    assert speller.find(text) == []


def test_words_the_document_uses_three_times_are_not_flagged(speller):
    assert words(speller.find("a flurb, a flurb")) == ["flurb", "flurb"]
    assert words(speller.find("a flurb, a flurb, a flurb")) == []


def test_names_acronyms_mixed_case_and_british_forms_are_not_flagged(speller):
    text = "We met Zorblax at NASA with an iPhone. The colour of the centre was organised. Honour it."
    assert speller.find(text) == []
    assert american_forms("colour") == {"color"}
    assert "organized" in american_forms("organised")


def test_a_capitalised_typo_at_a_sentence_start_is_flagged_and_keeps_its_case(speller):
    found = speller.check("It rained. Teh end.")
    assert [m.word for m in found] == ["Teh"]
    assert found[0].suggestions[0] == "The"


def test_possessives_contractions_and_hyphen_prefixes(speller):
    assert speller.find("The dog's bone isn\u2019t pre-war or multi-party.") == []


def test_error_model_prefers_slips_of_the_finger():
    assert edit_cost("recieve", "receive") < edit_cost("recieve", "relieve")  # swapped letters < substitution
    assert edit_cost("occured", "occurred") < 1  # one of a double left out
    assert edit_cost("thw", "the") < edit_cost("thw", "thy")  # w is next to e on the keyboard
    assert edit_cost("tres", "très") < 1  # an accent left out


def test_french_text_is_checked_with_the_french_list(speller):
    text = "Il fait très beau et la maisson est grande."
    found = speller.check(text, language="fr")
    assert [m.word for m in found] == ["maisson"]
    assert found[0].suggestions[0] == "maison"
    assert "maisson" in words(speller.find("The weather is nice. " + text, language="auto"))
    assert "fait" not in words(speller.find("The weather is nice. " + text, language="auto"))
    assert "fait" in words(speller.find(text, language="en"))


def test_personal_words_and_ignored_words(tmp_path):
    speller = Speller(None)
    path = tmp_path / "data" / "words.txt"
    assert words(speller.find("It is blorfy, not flurb.")) == ["blorfy", "flurb"]
    add_personal_word(path, "blorfy")
    add_personal_word(path, "blorfy")
    assert path.read_text(encoding="utf-8") == "blorfy\n"
    speller.add_words(load_personal_words(path))
    speller.ignore("flurb")
    assert speller.find("It is blorfy, not flurb.") == []
    assert words(speller.find("a flurb and a snorb")) == ["snorb"]


def test_count_words_matches_a_plain_count():
    text = "one two two three three three " * 5000
    counts = count_words(text, chunk=100)
    assert counts["three"] == 15000 and counts["one"] == 5000


def test_the_word_model_ranks_corrections_in_context(shipped):
    library = Speller(None)
    # The library alone picks the most frequent candidate; the sentence says otherwise.
    text = "She wrote a long leter to her mother."
    start = text.index("leter")
    assert library.library_suggestions("leter")[0] == "later"
    assert shipped.suggest(text, start, start + 5)[0] == "letter"
    text = "The army began its advance on the nothern front."
    start = text.index("nothern")
    assert shipped.suggest(text, start, start + 7)[0] == "northern"


def test_engines_speller_is_unavailable_without_the_library(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_spellchecker(name, *args, **kwargs):
        if name == "spellchecker":
            raise ImportError("No module named 'spellchecker'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spellchecker)
    speller = Engines.from_dir(tmp_path).speller
    assert not speller.available
    assert "spellchecker" in speller.error


def test_the_word_model_lets_rare_words_be_but_keeps_typos_underlined(shipped):
    text = "He played the gusli at night. We went to teh shop and bougth some bread."
    assert words(shipped.find(text, judge=False)) == ["gusli", "teh", "bougth"]
    assert words(shipped.find(text)) == ["teh", "bougth"]
    assert shipped.typo_margin(text, 14, 19) < shipped.typo_margin(text, text.index("teh"), text.index("teh") + 3)
