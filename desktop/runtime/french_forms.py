"""Dates, clock times and titles that French writes by rule, not by translation (standard library only).

A small translation model reads "on March 3rd" or "at 6 p.m." poorly ("sur le 3", "à 3 6 heures") and drops
"Mr." before a name it copies. These forms are regular, so the runtime finds them in the English, hands the
model one placeholder for each (a date or a time is a number placeholder, a titled name a name placeholder)
and fills the placeholder with the French form:

- **weekdays**: "on Tuesday" -> "mardi", "on Tuesdays" -> "le mardi" (a weekday the clause splitter leaves
  alone at the head of a long sentence was "Les maux ont dormi").
- **dates**: "March 3rd", "March 3, 2024", "the 3rd of March", "12 June 1990", "Monday, March 3" ->
  "3 mars", "3 mars 2024", "3 mars", "12 juin 1990", "lundi 3 mars"; a day 1 is "1er"; an "on" before a
  date with a day is part of it ("on March 3rd" -> "le 3 mars"), and so is an "of" ("your letter of March
  3rd" -> "du 3 mars"), and an "as of" ("as of March 2" -> "au 2 mars"); "March 2020" -> "mars 2020".
- **clock times** with a.m./p.m.: "6 a.m." -> "6 h", "6:30 p.m." -> "18 h 30", "12 a.m." -> "0 h".
- **titles** before a name: "Mr. Johnson" -> "M. Johnson", "Mrs./Ms." -> "Mme", "Miss" -> "Mlle",
  "Dr." -> "Dr", "Prof." -> "Pr".

:func:`find_forms` gives the spans and :func:`french_form` the French of one span's text.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"  # French puts a narrow no-break space inside "18 h 30"
DATE, TIME, TITLE = "date", "time", "title"

MONTHS = {
    "january": "janvier", "february": "février", "march": "mars", "april": "avril", "may": "mai",
    "june": "juin", "july": "juillet", "august": "août", "september": "septembre", "october": "octobre",
    "november": "novembre", "december": "décembre",
}
_MONTH_ABBREVIATIONS = {name[:3]: name for name in MONTHS if name != "may"} | {"sept": "september"}
WEEKDAYS = {
    "monday": "lundi", "tuesday": "mardi", "wednesday": "mercredi", "thursday": "jeudi", "friday": "vendredi",
    "saturday": "samedi", "sunday": "dimanche",
}
_PREPOSITIONS = {"on": "le", "of": "du", "as of": "au"}
TITLES = {"mr": "M.", "mrs": "Mme", "ms": "Mme", "miss": "Mlle", "dr": "Dr", "prof": "Pr"}

_MONTH = (r"(?P<month>(?:" + "|".join(n.capitalize() for n in MONTHS) + r")|(?:"
          + "|".join(a.capitalize() for a in _MONTH_ABBREVIATIONS) + r")\.?)")
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(d.capitalize() for d in WEEKDAYS) + r"),?\s)?"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[12]\d{3})"
_END = r"(?![\w:])"
_DAY_DATE = re.compile(
    r"(?<![\w'])(?P<on>(?:as\sof|on|of)\s)?" + _WEEKDAY + r"(?:"
    + _MONTH + r"\s" + _DAY + r"(?:,?\s" + _YEAR + r")?"  # March 3rd, 2024
    + r"|(?:the\s)?" + _DAY.replace("day>", "day2>") + r"(?:\sof)?\s" + _MONTH.replace("month>", "month2>")
    + r"(?:,?\s" + _YEAR.replace("year>", "year2>") + r")?"  # the 3rd of March 2024
    + r")" + _END, re.IGNORECASE)
_WEEKDAY_ALONE = re.compile(r"(?<![\w'])(?P<on>[Oo]n\s)?(?P<weekday>" + "|".join(d.capitalize() for d in WEEKDAYS)
                            + r")(?P<plural>s)?(?![\w'])")
_MONTH_YEAR = re.compile(r"(?<![\w'])" + _MONTH + r"\s" + _YEAR + _END)
_CLOCK = re.compile(r"(?<![\w.,:])(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))?\s?"
                    r"(?P<half>[ap])\.?m\b\.?", re.IGNORECASE)
POSSESSIVE = re.compile(r"['\u2019]s$")  # "Jackson's": the "'s" the model translates ("de Jackson")
NAME_WORD = r"[A-Z][\w'\u2019-]*"  # a capitalised word of a name ("O'Brien", "Smith-Jones")
TITLE_PATTERN = r"(?P<title>" + "|".join(t.capitalize() for t in TITLES) + r")\.?"  # "Mr." / "Mr" ... "Prof."
_TITLED = re.compile(r"(?<![\w'])" + TITLE_PATTERN + r"\s(?P<name>" + NAME_WORD + r"(?:\s" + NAME_WORD + r")?)")


def _month(name: str) -> str:
    key = name.rstrip(".").lower()
    return MONTHS[_MONTH_ABBREVIATIONS.get(key, key)]


def _case_ok(match: re.Match) -> bool:
    """A month, weekday or "on"/"the"/"of" matched case-insensitively: months and weekdays must be capitalised
    as English writes them ("may 3" is not a date)."""
    month = match.group("month") or match.group("month2")
    weekday = match.group("weekday")
    return month[0].isupper() and (weekday is None or weekday[0].isupper())


def find_forms(text: str, titles: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each date, clock time and (with ``titles``) titled name in ``text``, left to
    right, not overlapping. A clock time's closing "." at the end of the text is left out of its span (it is
    also the sentence's full stop)."""
    spans: list[tuple[int, int, str]] = []
    spans += [(m.start(), m.end(), DATE) for m in _DAY_DATE.finditer(text) if _case_ok(m)]
    spans += [(m.start(), m.end(), DATE) for m in _MONTH_YEAR.finditer(text)]
    spans += [(m.start(), m.end(), DATE) for m in _WEEKDAY_ALONE.finditer(text)]
    for m in _CLOCK.finditer(text):
        end = m.end()
        if text[end - 1] == "." and not text[end:].strip():
            end -= 1
        spans.append((m.start(), end, TIME))
    if titles:  # a possessive stays outside, for the model to translate ("Mr. Jackson's name")
        spans += [(m.start(), m.end() - 2 * bool(POSSESSIVE.search(m.group())), TITLE)
                  for m in _TITLED.finditer(text)]
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _french_date(match: re.Match) -> str:
    groups = match.groupdict()
    day = groups.get("day") or groups.get("day2")
    month = groups.get("month") or groups.get("month2")
    year = groups.get("year") or groups.get("year2")
    parts = []
    if day:
        parts.append("1er" if int(day) == 1 else str(int(day)))
    parts.append(_month(month))
    if year:
        parts.append(year)
    if groups.get("weekday"):
        parts.insert(0, WEEKDAYS[groups["weekday"].lower()])
    if groups.get("on"):  # "on March 3rd" -> "le 3 mars", "of ..." -> "du 3 mars", "as of ..." -> "au 3 mars"
        parts.insert(0, _PREPOSITIONS[" ".join(groups["on"].lower().split())])
    return " ".join(parts)


def _french_time(match: re.Match) -> str:
    hour = int(match.group("hour")) % 12 + (12 if match.group("half").lower() == "p" else 0)
    minute = match.group("minute")
    return f"{hour}{NNBSP}h" + (f"{NNBSP}{minute}" if minute else "")


def french_form(text: str) -> str | None:
    """The French of one date, clock time or titled name as :func:`find_forms` spans it; None when ``text`` is
    none of them."""
    if (m := _DAY_DATE.fullmatch(text)) and _case_ok(m):
        return _french_date(m)
    if m := _MONTH_YEAR.fullmatch(text):
        return _french_date(m)
    if m := _WEEKDAY_ALONE.fullmatch(text):  # "on Tuesday" -> "mardi", "on Tuesdays" -> "le mardi"
        return ("le " if m.group("plural") else "") + WEEKDAYS[m.group("weekday").lower()]
    if m := _CLOCK.fullmatch(text):
        return _french_time(m)
    if m := _TITLED.fullmatch(text):
        return f"{TITLES[m.group('title').lower()]} {m.group('name')}"
    return None
