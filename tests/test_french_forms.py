"""Dates, clock times and titled names reach the French by rule (desktop/runtime/french_forms.py): found in the
English, carried by one placeholder each, filled in French; the number repair and the survival measure know
that "6:30 p.m." is "18 h 30"."""

from __future__ import annotations

import pytest

from desktop.runtime.french_forms import find_forms, french_form
from desktop.runtime.placeholders import NNBSP, NameLists, protect
from desktop.runtime.slots import repair_numbers, slot_value
from desktop.runtime.translation_text import split_clauses
from desktop.runtime.translator import Translator
from export.translation_dev import number_counts

NAMES = NameLists(translated={"Mr", "Mrs", "Dr", "March", "May", "Monday"}, lowercase={"on", "we", "met", "may"})


@pytest.mark.parametrize(("english", "french"), [
    ("on March 3rd", "le 3 mars"),
    ("of March 3rd", "du 3 mars"),
    ("As of March 2, 2020", "au 2 mars 2020"),
    ("March 3, 2024", "3 mars 2024"),
    ("on May 21, 2024", "le 21 mai 2024"),
    ("the 1st of April", "1er avril"),
    ("12 June 1990", "12 juin 1990"),
    ("on Monday, March 3", "le lundi 3 mars"),
    ("Sept. 11, 2001", "11 septembre 2001"),
    ("March 2020", "mars 2020"),
    ("on Tuesday", "mardi"),
    ("on Sundays", "le dimanche"),
    ("6 a.m.", f"6{NNBSP}h"),
    ("6:30 pm", f"18{NNBSP}h{NNBSP}30"),
    ("12 a.m.", f"0{NNBSP}h"),
    ("12 PM", f"12{NNBSP}h"),
    ("Mr. Johnson", "M. Johnson"),
    ("Mrs. Smith", "Mme Smith"),
    ("Dr. Anna Brown", "Dr Anna Brown"),
    ("Miss Marple", "Mlle Marple"),
])
def test_dates_times_and_titles_in_french(english: str, french: str):
    assert french_form(english) == french


@pytest.mark.parametrize("english", ["You may 3 times.", "Sarah", "1987", "I am 6 feet tall.", "Mr", "March on!"])
def test_other_text_is_no_form(english: str):
    assert all(french_form(english[a:b]) is None for a, b, _ in find_forms(english)) or not find_forms(english)
    assert french_form(english) is None


def test_forms_are_found_whole_and_a_final_full_stop_stays_the_sentences():
    text = "We met Mr. Smith on Monday, March 3 at 6:30 p.m."
    assert [text[a:b] for a, b, _ in find_forms(text)] == ["Mr. Smith", "on Monday, March 3", "6:30 p.m"]
    assert find_forms("may 3 or May 3", titles=False) == [(9, 14, "date")]  # a month is capitalised
    assert find_forms("What's Mr. Jackson's name?") == [(7, 18, "title")]  # "'s" is left to the model


def test_each_form_is_one_placeholder_filled_in_french():
    masked = protect("Emma called Mr. Johnson at 5 p.m. on March 3rd.", NAMES)
    assert masked.text == "\u27e6P1\u27e7 called \u27e6P2\u27e7 at \u27e6N1\u27e7 \u27e6N2\u27e7."
    filled = {token: slot_value(token, value) for token, value in masked.slots.items()}
    assert filled == {"\u27e6P1\u27e7": "Emma", "\u27e6P2\u27e7": "M. Johnson", "\u27e6N1\u27e7": f"17{NNBSP}h",
                      "\u27e6N2\u27e7": "le 3 mars"}


def test_a_sentence_opening_on_a_date_gets_the_comma_the_model_knows():
    assert protect("On May 5 we met Tom.", NAMES).text == "\u27e6N1\u27e7, we met \u27e6P1\u27e7."
    assert protect("May 5 is my birthday.", NAMES).text.startswith("\u27e6N1\u27e7 is")


def test_a_clock_time_is_not_repaired_back_to_twelve_hours():
    assert repair_numbers("We met at 6:30 p.m.", f"Nous nous sommes vus à 18{NNBSP}h{NNBSP}30.") == \
        f"Nous nous sommes vus à 18{NNBSP}h{NNBSP}30."
    assert repair_numbers("We met at 6:30 p.m. in 1987.", "Nous nous sommes vus à 18 h 30 en 1977.").endswith("1987.")


def test_the_survival_measure_expects_the_24_hour_time():
    assert number_counts("We met at 6:30 p.m.", "Nous nous sommes vus à 18h30.") == (1, 1, 0)
    assert number_counts("We met at 6:30 p.m.", f"Nous nous sommes vus à 18{NNBSP}h{NNBSP}30.") == (1, 1, 1)
    assert number_counts("We met at 6:30 p.m.", "Nous nous sommes vus à 6 h 30.") == (1, 0, 0)
    assert number_counts("We met at 3 p.m.", f"Nous nous sommes vus à 15{NNBSP}h.") == (1, 1, 1)
    assert number_counts("We met at 3 p.m.", "Nous nous sommes vus à 15 heures.") == (1, 1, 0)
    assert number_counts("It was published on 06 February 2020.", "Publié le 6 février 2020.") == (2, 2, 2)


def test_a_long_sentence_is_not_cut_inside_a_date():
    assert split_clauses("See you on May 15, 2025, my friend.", 5) == ["See you", "on May 15, 2025,", "my friend."]
    assert split_clauses("Send the report to Mr. John Smith at 5 p.m. sharp.", 4) == [
        "Send the report to", "Mr. John Smith at", "5 p.m. sharp."]
    assert split_clauses("We met (on March 3) in the park.", 3) == ["We met", "(on March 3)", "in the park."]


def test_a_number_that_runs_into_a_date_is_not_repaired():
    source = "Send it before May 15, 2025 at 5 p.m."
    assert repair_numbers(source, f"Envoyez-le avant 17{NNBSP}h 15 mai 2025.") == \
        f"Envoyez-le avant 17{NNBSP}h 15 mai 2025."


def test_a_part_that_is_only_a_date_is_written_by_rule(placeholder_translator: Translator):
    [segment] = placeholder_translator.translate_segment("On Tuesday,")
    assert segment.text == "Mardi,"
    [segment] = placeholder_translator.translate_segment("on March 3rd")
    assert segment.text == "le 3 mars"
    [segment] = placeholder_translator.translate_segment("(https://example.org/a),")
    assert segment.text == "(https://example.org/a),"  # a name or address is never capitalised
