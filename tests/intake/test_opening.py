"""Mid-form interruptions are taken only when the classifier is sure; an opening that only names
the kind of feedback is not taken as its description."""
from __future__ import annotations

import pytest
import yaml

from bot.intake import interruptions as I
from bot.intake.opening import describes_the_matter
from bot.settings import PROJECT_ROOT

FREE_TEXT = ("description", "desired_outcome", "affected")


def test_the_interruptions_are_the_domains():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(domain["x-interruptions"]) == I.INTERRUPTIONS


@pytest.mark.parametrize("intent, confidence, expected", [
    ("request_human", 0.84, False),     # "send someone back", as what would put things right
    ("request_human", 0.93, True),      # "call me back": a confident request for a person
    ("stop", 0.99, True),
    ("inform", 0.99, False),            # not an interruption at all
    ("empty_message", 1.0, True),
])
def test_an_interruption_needs_confidence(intent, confidence, expected):
    assert I.is_interruption(intent, confidence, "some words") is expected


@pytest.mark.parametrize("intent, confidence, text, expected", [
    # Who was affected: no words of harm, so even 0.92 is not enough to take it as a concern.
    ("safeguarding_concern", 0.92, "me and my two children", False),
    ("safeguarding_concern", 0.98, "me and my two children", True),
    # Words of harm or a hazard: taken at a lower confidence.
    ("safeguarding_concern", 0.65, "my neighbour is hitting his kids", True),
    ("emergency", 0.62, "I can smell gas in my kitchen right now", True),
    ("emergency", 0.55, "I can smell gas in my kitchen right now", False),
])
def test_safety_is_taken_at_a_lower_confidence_when_it_speaks_of_harm(intent, confidence, text, expected):
    assert I.is_interruption(intent, confidence, text) is expected


def test_a_button_press_is_always_taken_as_chosen():
    assert I.is_interruption("stop", 0.2, "/stop") is True


def test_a_doubtful_interruption_is_kept_as_the_answer_to_a_free_text_question():
    assert I.answer_to_keep("desired_outcome", FREE_TEXT, " send someone back ", "request_human", 0.84) \
        == "send someone back"
    # Confident: the interruption rules handle it, nothing is kept.
    assert I.answer_to_keep("desired_outcome", FREE_TEXT, "call me back", "request_human", 0.95) is None
    # Not an interruption: Rasa's own from_text mapping already took it.
    assert I.answer_to_keep("desired_outcome", FREE_TEXT, "an apology", "inform", 0.99) is None
    # A yes/no question is not free text; nothing asked; nothing said.
    assert I.answer_to_keep("legal_proceedings", FREE_TEXT, "maybe", "request_human", 0.5) is None
    assert I.answer_to_keep(None, FREE_TEXT, "hello", "request_human", 0.5) is None
    assert I.answer_to_keep("description", FREE_TEXT, "   ", "request_human", 0.5) is None


def test_the_top_intent_skips_the_fallback_row():
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "inform", "confidence": 0.28}]
    assert I.top_intent(ranking) == ("inform", 0.28)
    assert I.top_intent(ranking, {"name": "nlu_fallback", "confidence": 0.3}) == ("inform", 0.28)
    assert I.top_intent([], {"name": "stop", "confidence": 0.97}) == ("stop", 0.97)
    assert I.top_intent(None) == (None, 0.0)


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
