"""One list of the words that put a slip right, read by every answer reader."""
from __future__ import annotations

import pytest

from bot.intake import slips


def test_what_follows_the_last_slip_is_what_was_meant():
    said = "the 3rd, no sorry the 4th, i mean the 5th"
    last = list(slips.marker().finditer(said))[-1]
    assert said[last.end():] == "the 5th"


def test_a_plain_sorry_counts_only_where_a_reader_takes_it():
    assert not slips.marker().search("sorry, the date is wrong")
    assert slips.marker("sorry").search("sorry, the date is wrong")


def test_only_known_weaker_words_can_be_asked_for():
    with pytest.raises(ValueError):
        slips.words("actually")


@pytest.mark.parametrize("question, text, meant", [
    ("event_date_text", "the 3rd, scratch that, the 4th", "2026-11-04"),
    ("contact_details", "07700 900111 oops 900112", "+447700900112"),
])
def test_every_reader_takes_the_same_words(question, text, meant):
    from datetime import datetime, timezone

    from bot.intake import reading as r

    got = r.read(question, text, now=datetime(2026, 12, 1, 12, tzinfo=timezone.utc))
    assert meant in (got.date, (got.details or {}).get("phone")), got
