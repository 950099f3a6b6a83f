"""The trained project model understands residents (uses the session's `trained_model`).

A handful of canonical messages per intent, entities through Rasa, and one floor on the held-out
macro-F1 so that a regression fails CI. The real figures come from `make bench-nlu`.
"""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.nlp import FEEDBACK_KINDS
from bot.nlp import evaluation as ev
from tests.nlu.nludata import HELDOUT_FILE, heldout_examples

HELDOUT_MACRO_F1_FLOOR = 0.90

CANONICAL = {
    "complaint": [
        "I want to make a formal complaint",
        "I reported the leak three times and nobody came",
        "you've done nothing about next door even though I keep reporting them",
        "the engineer was really rude to me and left a mess",
    ],
    "service_request": [
        "my boiler has stopped working, can someone come and fix it",
        "I'd like to report a repair, the kitchen tap is dripping",
        "can I update my phone number on my account",
    ],
    "asb_report": [
        "my neighbour plays loud music every night",
        "I want to report drug dealing from the flat upstairs",
        "the people next door keep shouting abuse at me",
    ],
    "comment": [
        "I have a suggestion, it would be good to have evening appointments",
        "you should put more benches on the estate",
    ],
    "compliment": [
        "the plumber who came today was brilliant, please pass on my thanks",
        "I want to compliment my housing officer, she has been so helpful",
    ],
    "emergency": ["I can smell gas in my kitchen", "water is pouring through my ceiling light"],
    "safeguarding_concern": ["I think the children next door are being neglected",
                             "my partner hits me and I'm scared"],
    "affirm": ["yes", "yes that's right"],
    "deny": ["no", "no that's wrong"],
    "stop": ["stop", "I don't want to carry on"],
    "inform": ["by email please", "my daughter"],
    "greet": ["hello"],
    "thanks": ["thank you"],
}


@pytest.fixture(scope="module")
def parse(trained_model):
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(trained_model))
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


@pytest.mark.parametrize("intent, text", [(i, t) for i, texts in CANONICAL.items() for t in texts])
def test_canonical_message(parse, intent, text):
    result = parse(text)
    assert result["intent"]["name"] == intent, result["intent_ranking"][:3]


def test_entities_come_from_the_spacy_rules(parse):
    result = parse("I'm at M1 1AE, call 07700 900123 or jo@example.com, ref CMP-7KQ4M-X, since yesterday")
    found = {(e["entity"], e["value"]) for e in result["entities"]}
    assert found >= {("postcode", "M1 1AE"), ("phone", "07700 900123"), ("email", "jo@example.com"),
                     ("case_reference", "CMP-7KQ4M-X"), ("date", "since yesterday")}
    assert {e["extractor"] for e in result["entities"]} == {"SpacyEntityExtractor"}


def test_date_spellings_are_mapped_by_the_synonyms(parse):
    result = parse("it happened yday")
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("date", "yesterday")]
    assert "EntitySynonymMapper" in result["entities"][0].get("processors", [])


def test_heldout_macro_f1_floor(parse):
    """A floor, not the target (>= 0.95, measured by `make bench-nlu`)."""
    predictions = [ev.prediction_from_parse(e.text, e.intent, parse(e.text))
                   for e in heldout_examples((HELDOUT_FILE,)) if e.intent in FEEDBACK_KINDS]
    score = ev.macro_f1(predictions)
    assert score >= HELDOUT_MACRO_F1_FLOOR, f"held-out macro-F1 {score:.3f}"
