"""A question that is not feedback gets where to go, from the profile, and the offer of a request
(never a complaint form; a complaint offered beside it when the question is unhappy with us)."""
from __future__ import annotations

import pytest

from bot.intake import enquiries
from bot.policy import load_profile

DEMO = load_profile("demo-landlord")


@pytest.mark.parametrize("text, topic", [
    ("how do i pay my rent", "rent"), ("is my rent going up in april", "rent"),
    ("can i claim universal credit for my rent", "benefits"),
    ("what band am i on the waiting list", "housing_register"), ("can i get a dog", "tenancy"),
    ("my mum died, can i take over her tenancy", "tenancy"),
    ("i cant log in to the app", "portal"), ("who do i talk to about my hedge", "other"),
])
def test_the_topic_of_a_question(text, topic):
    assert enquiries.topic_of(text) == topic


def test_the_answer_says_who_and_how_from_the_profile_then_offers_a_request():
    first, offer = enquiries.answer(DEMO, "how do i pay my rent")
    assert first["text"] == ("Questions about rent and payments are best answered by our income "
                             "team: 0113 496 0001, or https://www.demo-homes.example/rent.")
    assert [b["payload"] for b in offer["buttons"]] == ["/service_request", "/thanks"]
    assert all("complaint" not in b["payload"] for b in offer["buttons"])


def test_without_an_entry_for_the_topic_the_contact_channels_are_given():
    first, _ = enquiries.answer(DEMO, "who do i talk to about my hedge")
    assert "0113 496 0000" in first["text"] and "Demo Homes" in first["text"]
    code = load_profile("housing-ombudsman-code")
    assert "You can contact the landlord" in enquiries.answer(code, "how do i pay my rent")[0]["text"]


@pytest.mark.parametrize("text, ranking, offered", [
    ("how do i pay my rent", [{"name": "enquiry", "confidence": 0.97}], False),
    ("can i keep a cat in my flat?", [{"name": "enquiry", "confidence": 0.9}], False),
    # Unhappy with us, said as a question: a complaint is offered beside the answer.
    ("I've rung five times about the mould and nobody came back. who do I even speak to?",
     [{"name": "enquiry", "confidence": 0.6}], True),
    ("why is the lift broken AGAIN, who is responsible for it?", [{"name": "enquiry", "confidence": 0.5}], True),
    ("who is going to pay for my ruined carpet?", [{"name": "enquiry", "confidence": 0.5},
                                                   {"name": "complaint", "confidence": 0.3}], True),
])
def test_a_question_unhappy_with_us_is_offered_a_complaint(text, ranking, offered):
    assert enquiries.offers_complaint(text, ranking) is offered
    _, offer = enquiries.answer(DEMO, text, ranking)
    payloads = [b["payload"] for b in offer["buttons"]]
    assert ("/complaint" in payloads) is offered
    assert payloads[-2:] == ["/service_request", "/thanks"]


def test_the_benchmark_counts_the_offer_as_asking():
    from bot.nlp import evaluation as ev

    parse = {"intent": {"name": "enquiry", "confidence": 0.6}, "intent_ranking": [],
             "intake": {"offered": ["complaint"]}}
    assert ev.outcome(ev.prediction_from_parse("x", "complaint", parse)) == ev.ASKED
    assert ev.outcome(ev.prediction_from_parse("x", "enquiry", parse)) == "enquiry"
    assert ev.outcome(ev.prediction_from_parse("x", "complaint", dict(parse, intake={}))) == "enquiry"
