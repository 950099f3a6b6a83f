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
    # The "emergency" button alone is an urgent repair, not a hazard under Awaab's Law.
    ("the fence panel blew down", "emergency", None),
    ("front door lock broken cant get in", "emergency", None),
])
def test_awaabs_law_triage(text, urgency, expected):
    assert awaab_category(text, urgency) == expected


@pytest.mark.parametrize("text", [
    "I am not happy with the repair", "unhappy", "dissatisfied", "disappointed",
    "I've been waiting 6 weeks", "this is the second time I've asked", "botched",
    "didn't fix it properly", "still not fixed", "we've been waiting over a month",
])
def test_more_ways_of_saying_it_are_dissatisfaction(text):
    assert expresses_dissatisfaction(text)


@pytest.mark.parametrize("text", [
    "can you fix my tap please", "the tap is dripping", "any time after 3pm",
    "weekday mornings, there's a dog", "my neighbour gets angry and shouts",
])
def test_plain_requests_and_answers_are_not(text):
    assert not expresses_dissatisfaction(text)


@pytest.mark.parametrize("text", [
    "fire alarm needs a new battery", "flood light outside is broken", "the floodlight by the bins",
    "fire door closer is broken", "the kitchen fire door won't shut", "can you service my gas fire",
    "carbon monoxide alarm needs a new battery", "the fire exit sign is missing",
])
def test_fittings_named_after_a_hazard_are_not_an_emergency(text):
    assert awaab_category(text) is None


@pytest.mark.parametrize("text, expected", [
    ("water leaking through the ceiling", "emergency"),
    ("ceiling bulging with water", "emergency"),
    ("it's dripping through the ceiling onto the light", "emergency"),
    ("water coming out of the light fitting", "emergency"),
    ("walls getting wet", "significant"),
    ("rain is coming in round the window and the wall is soaked", "significant"),
    ("there's a fire in the kitchen", "emergency"),
    ("the flat is flooded", "emergency"),
    ("my carbon monoxide alarm is going off", "emergency"),
    ("I can smell gas", "emergency"),
])
def test_water_getting_in_and_real_hazards_are_triaged(text, expected):
    assert awaab_category(text) == expected
