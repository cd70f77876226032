"""Bad input never breaks an engine (issue 11 item 10): lone surrogates, control characters, combining marks and
text in other scripts, fuzzed over every runtime engine with the tiny fixture models; text that is not English is
passed through with a note instead of being "translated"."""

from __future__ import annotations

import random

import pytest

from desktop.runtime import Engines
from desktop.runtime.continuer import MAX_WORD_CHARS
from desktop.runtime.text_input import clean_text
from desktop.runtime.translator import FOREIGN_NOTE

ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ .,;:!?'\"-()",
    "".join(chr(c) for c in range(0, 32)) + "\x7f\x85\u2028\u2029\ufeff\u200b\u00ad",  # control and invisible
    "".join(chr(c) for c in range(0x300, 0x370)),  # combining marks
    "שלום Γειά Привет 你好世界 こんにちは 안녕 مرحبا",
    "éèàçœ«»…€ 0123456789 😀👍🏽",
]
SURROGATES = [chr(c) for c in (0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xD83D, 0xDE00)]


def fuzz_strings(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = ["", "\ud800", "a\udfffb", "\ud83d", "Tom lives in Boston.\udc00", "\u0301" * 50, "\x00" * 10]
    while len(out) < count:
        chars = []
        for _ in range(rng.randint(1, 60)):
            pick = rng.random()
            if pick < 0.1:
                chars.append(rng.choice(SURROGATES))
            elif pick < 0.15:
                chars.append(chr(rng.randint(0, 0x10FFFF)))
            else:
                chars.append(rng.choice(rng.choice(ALPHABETS)))
        out.append("".join(chars))
    return out


@pytest.fixture(scope="module")
def engines(models_dir):
    engines = Engines.from_dir(models_dir, provider="cpu")
    for name in ("completer", "continuer", "translator"):
        assert getattr(engines, name).available, getattr(engines, name).error
    return engines


def test_clean_text_replaces_lone_surrogates_and_keeps_the_length():
    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert clean_text("Hé 😀") == "Hé 😀"
    assert clean_text(None) == "" and clean_text(b"caf\xc3\xa9\xff") == "café\ufffd"


def test_fuzzed_input_never_raises_in_any_engine(engines):
    completer, continuer, translator = engines.completer, engines.continuer, engines.translator
    for i, text in enumerate(fuzz_strings(3000)):
        completer.suggest(text, k=3)
        if i % 3 == 0:
            completer.next_word_distribution(text)
            continuer.next_char_log_probs(text)
            generated = "".join(continuer.generate(text, 5, seed=i))
            # a continuation finishes the word it is in (issue 14 item 4), within MAX_WORD_CHARS more
            assert 5 <= len(generated) <= 5 + MAX_WORD_CHARS and set(generated) <= set(continuer.vocab.tokens)
        if i % 2 == 0:
            for result in translator.translate(text, beam=2, n_best=2):
                assert isinstance(result.text, str)
                result.text.encode("utf-8")  # nothing unencodable comes back


@pytest.mark.parametrize(("text", "script"), [
    ("שלום, מה שלומך?", "Hebrew"),
    ("Γειά σου κόσμε.", "Greek"),
    ("Привет, как дела?", "Cyrillic"),
    ("你好，世界。", "Chinese characters"),
    ("こんにちは、元気ですか。", "Japanese"),
])
def test_text_in_another_script_is_passed_through_with_a_note(translator, text, script):
    [result] = translator.translate(text)
    assert result.text == text
    assert result.note == FOREIGN_NOTE.format(script=script)


def test_french_is_still_passed_through_and_english_translated(translator):
    [french] = translator.translate("Je suis fatigué, merci.")
    assert french.text == "Je suis fatigué, merci." and "French" in french.note
    [english] = translator.translate("Tom lives in Boston.")
    assert english.text == "Tom vit à Boston." and not english.note
