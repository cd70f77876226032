"""A letter's salutation and closing, on lines of their own, get the French convention (desktop/runtime/
letter_formulas.py); everything else is still the model's."""

from __future__ import annotations

import pytest

from desktop.runtime.letter_formulas import letter_formula
from desktop.runtime.translator import Translator


@pytest.mark.parametrize(("english", "french"), [
    ("Dear Mr. Johnson,", "Cher Monsieur Johnson,"),
    ("Dear Mrs Smith,", "Chère Madame Smith,"),
    ("Dear Dr. Anna Brown:", "Cher Docteur Anna Brown:"),
    ("Dear Sir or Madam,", "Madame, Monsieur,"),
    ("Dear all,", "Bonjour à tous,"),
    ("Hi Anna,", "Bonjour Anna,"),
    ("Hello Tom!", "Bonjour Tom!"),
    ("  Best regards,  ", "Cordialement,"),
    ("Kind  regards", "Cordialement"),
    ("Yours sincerely,", "Bien à vous,"),
    ("Many thanks!", "Merci beaucoup!"),
])
def test_salutations_and_closings_in_french(english: str, french: str):
    assert letter_formula(english) == french


@pytest.mark.parametrize("english", [
    "Dear me, what a day.", "Hi Tom how are you", "Hello Tom it's me!", "Dear Anna.", "Thanks for the book.",
    "Tom sends his best regards.", "Dear friend,", "",
])
def test_sentences_are_not_formulae(english: str):
    assert letter_formula(english) is None


def test_a_letter_gets_its_formulae_and_the_model_the_rest(translator: Translator):
    letter = "Dear Mr. Johnson,\n\nTom lives in Boston.\n\nBest regards,\nAnna"
    result = translator.translate(letter)[0]
    lines = result.text.split("\n")
    assert lines[0] == "Cher Monsieur Johnson," and lines[4] == "Cordialement,"
    assert lines[2] == translator.translate("Tom lives in Boston.")[0].text  # the model's line is unchanged
    assert lines[1] == lines[3] == ""
    formula_segments = [s for s in result.segments if s.text in {"Cher Monsieur Johnson,", "Cordialement,"}]
    assert len(formula_segments) == 2 and all(s.confidence == 1.0 for s in formula_segments)
