"""Read "when did it happen" answers: the resident's words are kept, and a date parsed from them.

dateparser does the parsing; this module only tidies the phrasing residents use that dateparser
does not take as it is ("last Tuesday", "since March", "a fortnight ago", "about 3 weeks ago").
"""
from __future__ import annotations

import re
from datetime import date, datetime

import dateparser
from dateparser.search import search_dates

_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "DATE_ORDER": "DMY",          # British order: 02/05 is the 2nd of May
    "PREFER_DAY_OF_MONTH": "first",  # "since March" means from the start of March
    "RETURN_AS_TIMEZONE_AWARE": False,
}

_UNSURE = re.compile(
    r"^\s*(i\s*)?(don'?t|do not|dont|can'?t|cannot)\s+(know|remember|recall)|^\s*(not sure|unsure|no idea|dunno|idk)\b",
    re.I)
_FILLER = re.compile(r"\b(about|around|roughly|approximately|approx|maybe|probably|since|from|on|at|in|"
                     r"it was|it started|started|began|back|ish|or so|the)\b", re.I)
_LAST_WEEKDAY = re.compile(r"\blast\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_WORD_NUMBERS = {"a couple of": "2", "a few": "3", "couple of": "2", "fortnight": "2 weeks",
                 "a 2 weeks": "2 weeks"}


def is_unsure(text: str) -> bool:
    return bool(_UNSURE.search(text or ""))


def _tidy(text: str) -> str:
    text = text.strip().lower()
    text = _LAST_WEEKDAY.sub(r"\1", text)  # PREFER_DATES_FROM=past already means the last one
    for words, number in _WORD_NUMBERS.items():
        text = text.replace(words, number)
    text = re.sub(r"\ba (day|week|month|year)s? ago\b", r"1 \1 ago", text)
    text = _FILLER.sub(" ", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\bof\b", " ", text)
    return re.sub(r"[^\w/.\- ]", " ", text).strip()


def parse_event_date(text: str, now: datetime) -> date | None:
    """The date a resident's words point to, or None when there is none (or it is in the future)."""
    if not text or not text.strip() or is_unsure(text):
        return None
    settings = dict(_SETTINGS, RELATIVE_BASE=now)
    for candidate in (_tidy(text), text):
        if not candidate:
            continue
        parsed = dateparser.parse(candidate, languages=["en"], settings=settings)
        if parsed is None:
            found = search_dates(candidate, languages=["en"], settings=settings)
            parsed = found[0][1] if found else None
        if parsed is not None and parsed.date() <= now.date():
            return parsed.date()
    return None
