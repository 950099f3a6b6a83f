from datetime import date, datetime, timezone

import pytest

from bot.intake.dates import (DATE, FUTURE, IMPOSSIBLE, UNREADABLE, Reading, is_unsure,
                              parse_event_date, read_event_date)

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
    ("the other day", date(2026, 11, 20)),       # "a few days ago", as people mean it
    ("it was only the other day", date(2026, 11, 20)),
])
def test_residents_phrasings_are_parsed_to_a_past_date(words, expected):
    assert parse_event_date(words, NOW) == expected


@pytest.mark.parametrize("words", ["banana", "", "   ", "next week", "I don't know", "not sure"])
def test_no_date_for_nonsense_the_future_or_uncertainty(words):
    assert parse_event_date(words, NOW) is None


def test_uncertainty_is_recognised():
    assert is_unsure("I don't remember") and is_unsure("not sure tbh") and is_unsure("dunno")
    assert not is_unsure("last week")


# --- with today Thursday 3 December 2026 (UK) --------------------------------------------------

THURSDAY = datetime(2026, 12, 3, 10, 0)


@pytest.mark.parametrize("words, expected", [
    ("I may have reported it in June", date(2026, 6, 1)),   # "may" the verb, not the month
    ("a sunday morning", date(2026, 11, 29)),               # the last Sunday
    ("New Years Eve", date(2025, 12, 31)),
    ("New Year's Eve", date(2025, 12, 31)),
    ("christmas", date(2025, 12, 25)),
    ("since 2020", date(2020, 1, 1)),                       # from the start of the year
    ("summer 2025", date(2025, 6, 1)),                      # from the start of the season
    ("end of October", date(2026, 10, 31)),
    ("early this year", date(2026, 2, 1)),  # a third of the year, not its first day
    ("late last year", date(2025, 11, 1)),
    ("on the 4th", date(2026, 11, 4)),                      # the 4th of December is to come
    ("since the 10th", date(2026, 11, 10)),
    ("the 2nd", date(2026, 12, 2)),
    ("the 31st", date(2026, 10, 31)),                       # November has no 31st
    ("friday last week", date(2026, 11, 27)),
    ("last night", date(2026, 12, 2)),
    ("29th of February", date(2024, 2, 29)),
    # what already worked
    ("last Tuesday", date(2026, 12, 1)),
    ("about three weeks ago", date(2026, 11, 12)),
    ("since March", date(2026, 3, 1)),
    ("2nd of May", date(2026, 5, 2)),
    ("yesterday", date(2026, 12, 2)),
    ("I rang on the 2nd of November", date(2026, 11, 2)),
])
def test_phrasings_dateparser_got_wrong(words, expected):
    assert parse_event_date(words, THURSDAY) == expected
    assert read_event_date(words, THURSDAY) == Reading(DATE, expected)


@pytest.mark.parametrize("words", ["in two weeks", "next Tuesday", "in a fortnight", "a week today",
                                   "tomorrow", "December 2027", "2027", "end of this month"])
def test_the_future_is_not_stored_as_a_past_date(words):
    assert read_event_date(words, THURSDAY) == Reading(FUTURE)
    assert parse_event_date(words, THURSDAY) is None


@pytest.mark.parametrize("words", ["31st of February", "30 feb", "31 April 2026", "31/04/2026",
                                   "29 feb 2025"])
def test_a_day_that_does_not_exist_is_refused(words):
    assert read_event_date(words, THURSDAY) == Reading(IMPOSSIBLE)


@pytest.mark.parametrize("words", ["purple", "years", "4", "since I moved in"])
def test_no_date_in_it_is_unreadable(words):
    assert read_event_date(words, THURSDAY) == Reading(UNREADABLE)


def test_today_is_the_uk_date():
    # 00:30 on 1 July in London is still 30 June in UTC: "yesterday" is the 30th of June.
    just_after_midnight = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)
    assert parse_event_date("yesterday", just_after_midnight) == date(2026, 6, 30)
    assert parse_event_date("on the 1st", just_after_midnight) == date(2026, 7, 1)


@pytest.mark.parametrize("words, expected", [
    ("the 14th of march this year", date(2026, 3, 14)),
    ("14 march this year", date(2026, 3, 14)),
    ("the 2nd of june last year", date(2025, 6, 2)),
    ("in june last year", date(2025, 6, 1)),
    ("last year", date(2025, 11, 23)),      # alone: about a year ago
])
def test_a_month_with_this_or_last_year_keeps_its_month(words, expected):
    assert parse_event_date(words, NOW) == expected
