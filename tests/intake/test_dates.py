from datetime import date, datetime

import pytest

from bot.intake.dates import is_unsure, parse_event_date

NOW = datetime(2026, 11, 23, 10, 30)  # a Monday


@pytest.mark.parametrize("words, expected", [
    ("last Tuesday", date(2026, 11, 17)),
    ("Last tuesday morning", date(2026, 11, 17)),
    ("about three weeks ago", date(2026, 11, 2)),
    ("3 weeks ago roughly", date(2026, 11, 2)),
    ("a fortnight ago", date(2026, 11, 9)),
    ("since March", date(2026, 3, 1)),
    ("2nd of May", date(2026, 5, 2)),
    ("on the 2nd of May", date(2026, 5, 2)),
    ("12/03/2026", date(2026, 3, 12)),  # British day-first order
    ("yesterday", date(2026, 11, 22)),
    ("it started about 2 months ago", date(2026, 9, 23)),
    ("back in september", date(2026, 9, 1)),
    ("around the 5th of october", date(2026, 10, 5)),
])
def test_residents_phrasings_are_parsed_to_a_past_date(words, expected):
    assert parse_event_date(words, NOW) == expected


@pytest.mark.parametrize("words", ["banana", "", "   ", "next week", "I don't know", "not sure"])
def test_no_date_for_nonsense_the_future_or_uncertainty(words):
    assert parse_event_date(words, NOW) is None


def test_uncertainty_is_recognised():
    assert is_unsure("I don't remember") and is_unsure("not sure tbh") and is_unsure("dunno")
    assert not is_unsure("last week")
