"""Messages the assistant answers without guessing: empty, code or markup, another language."""
from __future__ import annotations

import pytest

from bot.nlp import screen
from tests.nlu.nludata import heldout_examples, training_examples


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "?!...", "👍👍"])
def test_a_message_without_words_is_empty(text):
    assert screen.screen(text) == screen.EMPTY


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<div><span></span></div>",
    "click <a href=\"javascript:evil()\">here</a> for the form",
])
def test_code_and_markup_are_not_classified(text):
    assert screen.screen(text) == screen.MARKUP


def test_a_pasted_email_with_a_little_markup_is_read_as_words():
    text = "<p>My kitchen tap has been leaking for a week and the cupboard is soaked</p>"
    assert screen.screen(text) is None


@pytest.mark.parametrize("text, language", [
    ("Bonjour, je voudrais faire une réclamation au sujet de mon logement", "French"),
    ("Dzień dobry, chcę złożyć skargę na mojego sąsiada", "Polish"),
    ("Mae gen i gŵyn am fy nghartref a'r landlord", "Welsh"),
    ("الجيران مزعجون جدا في الليل", "Arabic"),
])
def test_another_language_is_recognised_and_named(text, language):
    assert screen.screen(text) == screen.OTHER_LANGUAGE
    assert screen.language_name(screen.language_of(text)[0]) == language


@pytest.mark.parametrize("text", [
    "ta", "cheers mate", "no", "lol", "my boiler is broke innit", "mold in da bathroom",
    "hiya m8 ma boiler aint workin", "07700 900123", "M1 1AE", "CMP-7KQ4M-X",
])
def test_short_slangy_english_and_bare_details_are_not_screened(text):
    assert screen.screen(text) is None


def test_no_training_or_held_out_message_is_screened():
    """Residents' real English (typos, slang, anger) must never be mistaken for another language."""
    screened = [(e.intent, e.text) for e in training_examples() + heldout_examples()
                if screen.screen(e.text) is not None]
    assert screened == []


@pytest.mark.parametrize("text, language", [
    ("hola necesito ayuda", "Spanish"), ("bonjour", "French"), ("Bonjour!", "French"),
    ("merci beaucoup", "French"), ("gracias", "Spanish"), ("dzień dobry", "Polish"),
    ("guten Morgen, ich brauche Hilfe", "German"), ("merhaba", "Turkish"),
])
def test_a_short_message_in_another_language_is_recognised(text, language):
    assert screen.screen(text) == screen.OTHER_LANGUAGE
    assert screen.language_name(screen.language_of(text)[0]) == language


@pytest.mark.parametrize("text", [
    "ok", "no", "yes", "hi there", "yes please", "hello", "hallo", "thanks", "Karen Whitfield",
    "SW1A 1AA", "sw1a 1aa", "Jo Bloggs, M1 1AE", "hola, my boiler has broken again",
    "can you do me a favour", "ciao",
])
def test_short_english_names_and_postcodes_are_not_screened(text):
    assert screen.screen(text) is None
