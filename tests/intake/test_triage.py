import pytest

from bot.intake.triage import awaab_category, expresses_dissatisfaction


@pytest.mark.parametrize("text", [
    "I reported the leak three times and nobody came",
    "you've done nothing about next door",
    "still waiting for someone to fix it",
    "this is the third time I've asked",
    "absolutely disgusting service, fed up",
    "the contractor never turned up",
    "they missed the appointment again",
])
def test_dissatisfaction_is_noticed(text):
    assert expresses_dissatisfaction(text)


@pytest.mark.parametrize("text", [
    "my kitchen tap is dripping",
    "the light in the hallway needs a new bulb",
    "could you look at the fence please",
])
def test_a_first_request_is_not_dissatisfaction(text):
    assert not expresses_dissatisfaction(text)


def test_the_classifier_can_say_it_is_a_complaint():
    ranking = [{"name": "complaint", "confidence": 0.8}, {"name": "service_request", "confidence": 0.1}]
    assert expresses_dissatisfaction("the boiler", ranking)
    assert not expresses_dissatisfaction("the boiler", [{"name": "complaint", "confidence": 0.2}])


@pytest.mark.parametrize("text, urgency, expected", [
    ("black mould on the bedroom wall", None, "significant"),
    ("damp coming through the ceiling", "routine", "significant"),
    ("mould everywhere and my baby has asthma", "emergency", "emergency"),
    ("I can smell gas in the kitchen", None, "emergency"),
    ("exposed wires in the hallway", None, "emergency"),
    ("the kitchen door is hanging off", "routine", None),
    ("the fence panel blew down", "emergency", "emergency"),
])
def test_awaabs_law_triage(text, urgency, expected):
    assert awaab_category(text, urgency) == expected
