"""The salutation and closing of a letter or e-mail, which French writes by convention, not word for word
(standard library only).

A small model trained on Tatoeba's sentences has hardly seen "Dear Mr. Johnson," or "Best regards," on a line
of their own, and renders them badly ("Détendez-vous M. Johnson,"). When a whole line is one of these
formulae, :func:`letter_formula` gives its French; the translator uses it for that line and the model for the
rest. Only whole lines match, so "Dear" or "regards" inside a sentence are the model's.

- Salutations: "Dear Mr. Johnson," -> "Cher Monsieur Johnson,", "Dear Mrs. Smith," -> "Chère Madame Smith,",
  "Dear Dr. Brown," -> "Cher Docteur Brown,", "Dear Sir or Madam," -> "Madame, Monsieur,", "Dear all," ->
  "Bonjour à tous,", "Dear Anna," / "Hi Anna," / "Hello Anna," -> "Bonjour Anna," (French "Cher"/"Chère"
  needs the person's gender, which a first name does not tell).
- Closings: "Best regards," / "Kind regards," / "Regards," -> "Cordialement,"; "Yours sincerely," ->
  "Bien à vous,"; "Many thanks," -> "Merci beaucoup,"; and a few more (``CLOSINGS``).
"""

from __future__ import annotations

import re

from desktop.runtime.french_forms import NAME_WORD, TITLE_PATTERN

SALUTATION_TITLES = {"mr": "Cher Monsieur", "mrs": "Chère Madame", "ms": "Chère Madame", "miss": "Chère Mademoiselle",
                     "dr": "Cher Docteur", "prof": "Cher Professeur"}
FIXED_SALUTATIONS = {
    "dear sir or madam": "Madame, Monsieur", "dear sir/madam": "Madame, Monsieur", "dear sir": "Monsieur",
    "dear madam": "Madame", "dear all": "Bonjour à tous", "dear everyone": "Bonjour à tous",
    "hi all": "Bonjour à tous", "hello all": "Bonjour à tous", "hi everyone": "Bonjour à tous",
    "hello everyone": "Bonjour à tous", "hi": "Bonjour", "hello": "Bonjour", "dear friends": "Chers amis",
    "to whom it may concern": "Madame, Monsieur",
}
CLOSINGS = {
    "best regards": "Cordialement", "kind regards": "Cordialement", "regards": "Cordialement",
    "warm regards": "Bien cordialement", "warmest regards": "Bien cordialement", "with best regards": "Cordialement",
    "best wishes": "Bien à vous", "all the best": "Bien à vous", "best": "Bien à vous",
    "yours sincerely": "Bien à vous", "sincerely": "Bien à vous", "sincerely yours": "Bien à vous",
    "yours faithfully": "Bien à vous", "yours truly": "Bien à vous", "many thanks": "Merci beaucoup",
    "thanks": "Merci", "thank you": "Merci", "thanks again": "Encore merci", "thanks in advance": "Merci d'avance",
    "cheers": "À bientôt", "see you soon": "À bientôt", "love": "Je t'embrasse", "with love": "Je t'embrasse",
}
_PUNCTUATION = re.compile(r"^(?P<body>.*?)(?P<end>\s*[,.!:]?)$")
_NAME = NAME_WORD + r"(?:\s" + NAME_WORD + r"){0,2}"
_TITLED = re.compile(r"dear\s" + TITLE_PATTERN + r"\s(?P<name>" + _NAME + ")", re.IGNORECASE)
_NAMED = re.compile(r"(?:dear|hi|hello)\s(?P<name>" + _NAME + ")", re.IGNORECASE)


def letter_formula(line: str) -> str | None:
    """The French of ``line`` when the whole line is a salutation or a closing, its punctuation kept
    ("Best regards," -> "Cordialement,"); None otherwise."""
    match = _PUNCTUATION.match(line.strip())
    body, end = " ".join(match.group("body").split()), match.group("end").strip()
    key = body.lower()
    if key in FIXED_SALUTATIONS:
        return FIXED_SALUTATIONS[key] + end
    if key in CLOSINGS:
        return CLOSINGS[key] + end
    if end not in {",", "!", ":"}:
        return None  # "Dear Anna." or "Hi Tom" without the comma is more likely a sentence
    if (m := _TITLED.fullmatch(body)) and _capitalised(m.group("name")):
        return f"{SALUTATION_TITLES[m.group('title').lower()]} {m.group('name')}{end}"
    if (m := _NAMED.fullmatch(body)) and _capitalised(m.group("name")):
        return f"Bonjour {m.group('name')}{end}"
    return None


def _capitalised(name: str) -> bool:
    return all(word[0].isupper() for word in name.split())
