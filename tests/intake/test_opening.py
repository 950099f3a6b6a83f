"""An opening that only names the kind of feedback is not taken as its description."""
from __future__ import annotations

import pytest

from bot.intake.opening import describes_the_matter


@pytest.mark.parametrize("text", [
    "I want to make a complaint", "I have a suggestion", "I need a repair",
    "I'd like to pass on a compliment", "i want to report my neighbour", "Can I make a complaint please?",
    "hello, I want to complain", "/complaint", "",
])
def test_an_opening_that_only_names_the_kind_is_not_a_description(text):
    assert not describes_the_matter(text)


@pytest.mark.parametrize("text", [
    "There is black mould all over my bedroom wall and ceiling",
    "My neighbour plays loud music every night until 3am and shouts abuse",
    "I reported the leak three times and nobody came",
    "I want to complain because the caretaker swore at my daughter",
])
def test_an_opening_that_says_what_happened_is_the_description(text):
    assert describes_the_matter(text)
