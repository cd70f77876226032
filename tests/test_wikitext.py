"""The writer's text <-> WikiText-2 tokens, both ways."""

from __future__ import annotations

import pytest

from desktop.runtime.wikitext import detokenize, tokenize

ROUND_TRIPS = [
    ("It wasn't until 1,500 soldiers arrived.", "It wasn 't until 1 @,@ 500 soldiers arrived ."),
    ("A well-known role-playing game (3.5 kg) costs $30.",
     "A well @-@ known role @-@ playing game ( 3 @.@ 5 kg ) costs $ 30 ."),
    ('He called it "Nameless", and I\'m sure.', 'He called it " Nameless " , and I \'m sure .'),
    ("John's players' coach won 20% of the 1960s games!", "John 's players ' coach won 20 % of the 1960s games !"),
    ("They're here; we'll see: you've won, he'd say?", "They 're here ; we 'll see : you 've won , he 'd say ?"),
]


@pytest.mark.parametrize(("text", "tokens"), ROUND_TRIPS)
def test_text_tokenizes_like_wikitext_and_back(text: str, tokens: str):
    assert " ".join(tokenize(text)) == tokens
    assert detokenize(tokens.split()) == text


def test_unicode_quotes_and_spaces_are_normalized():
    assert tokenize("He said \u201cdon\u2019t\u201d\u00a0now") == ["He", "said", '"', "don", "'t", '"', "now"]
    assert detokenize(tokenize("caf\u0065\u0301 na\u00efve")) == "caf\u00e9 na\u00efve"


def test_odd_input_never_fails():
    assert tokenize("") == []
    assert tokenize("!!! ... ???") == ["!", "!", "!", ".", ".", ".", "?", "?", "?"]
    assert tokenize("\u65e5\u672c\u8a9e\u306e\u6587") == ["\u65e5\u672c\u8a9e\u306e\u6587"]
    assert tokenize("12345") == ["12345"]
    assert detokenize([]) == ""
