"""Dissatisfaction anywhere in a service request, ASB report or comment offers a complaint, once;
a description given before the clarifying question is read again for the kind chosen; accepting
the offer works the service out again; hazards in complaints keep Awaab's Law."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake import answers, fields, filing, replies
from bot.policy import load_profile

NOW = datetime(2026, 12, 3, 10, 0)
HPG = load_profile("housing-plus-group")
CODE = load_profile("housing-ombudsman-code")
LEAK = "I reported the leak under my sink three times and nobody came"


def context(profile=CODE, **slots) -> answers.Context:
    return answers.Context(
        slots=slots, now=NOW, services=replies.service_keys(profile),
        time_limit_months=lambda service: replies.complaint_time_limit_months(profile, service),
        exclusion_message=lambda key, service: replies.exclusion_message(profile, key, service),
        danger_advice=lambda: replies.danger_advice(profile),
        kind_introduction=lambda kind: replies.kind_introduction(profile, kind))


def turn(slots, values, profile=CODE, ranking=None):
    ctx = context(profile, **slots)
    ctx.intent_ranking = ranking or []
    outcome = answers.check_all(values, ctx)
    slots.update(outcome.slots)
    return outcome


# --- 3: the clarified message --------------------------------------------------------------------

def test_choosing_request_a_repair_after_clarifying_still_offers_a_complaint():
    # The first message is kept as the description while the kind is unclear ...
    slots = {}
    turn(slots, {"submission_id": "s1", "description": LEAK},
         ranking=[{"name": "complaint", "confidence": 0.45}, {"name": "service_request", "confidence": 0.44}])
    assert "complaint_offered" not in slots
    # ... and read again when the resident presses "Request a repair".
    outcome = turn(slots, {"feedback_kind": "service_request"},
                   ranking=[{"name": "service_request", "confidence": 1.0}])
    assert slots["complaint_offered"] is True
    assert "not a complaint" in outcome.messages[0]["text"]        # the kind's introduction
    asked = fields.required_slots(slots)
    assert asked[asked.index("description") + 1] == "complaint_choice"


def test_the_kind_chosen_after_clarifying_reads_the_description_for_awaab_and_service():
    slots = {"description": "black mould all over the bedroom wall"}
    turn(slots, {"feedback_kind": "service_request"})
    assert slots["awaab_category"] == "significant"
    care = {"description": "my mum's carer keeps missing her visits"}
    turn(care, {"feedback_kind": "complaint"}, profile=HPG)
    assert care["service"] == "care"


def test_the_description_is_read_once_when_it_comes_with_the_kind():
    slots = {}
    outcome = turn(slots, {"feedback_kind": "service_request", "description": "x" * 6000})
    assert sum("long message" in m["text"] for m in outcome.messages) == 1


# --- 4: dissatisfaction anywhere -----------------------------------------------------------------

@pytest.mark.parametrize("kind, slot, text", [
    ("service_request", "location", "kitchen, 4 Elm Court - this is the second time I've asked"),
    ("service_request", "access_availability", "any morning, I've been waiting 6 weeks already"),
    ("service_request", "urgency", "urgent, the last repair was botched"),
    ("service_request", "reasonable_adjustments", "I am not happy with the repair so far"),
    ("asb_report", "frequency", "every night and I'm disappointed nobody has acted"),
    ("asb_report", "evidence", "videos; I'm dissatisfied with how you've handled it"),
    ("asb_report", "location", "the stairwell, still not fixed the door entry either"),
    ("asb_report", "event_date_text", "since March, and I'm unhappy it's still going on"),
    ("comment", "subject", "repairs, which didn't fix it properly last time"),
    ("comment", "description", "I'm disappointed with the grounds maintenance"),
])
def test_dissatisfaction_in_any_answer_offers_a_complaint(kind, slot, text):
    slots = {"feedback_kind": kind, "description": "the tap is dripping"}
    turn(slots, {slot: text})
    assert slots["complaint_offered"] is True
    asked = fields.required_slots(slots)
    assert "complaint_choice" in asked and slots.get("complaint_choice") is None


@pytest.mark.parametrize("slot, text", [
    ("description", "can you fix my tap please"), ("description", "the tap is dripping"),
    ("location", "kitchen, 4 Elm Court"), ("access_availability", "weekday mornings, there's a dog"),
    ("urgency", "urgent"), ("reasonable_adjustments", "no thanks"),
])
def test_plain_requests_are_not_offered_a_complaint(slot, text):
    slots = {"feedback_kind": "service_request"}
    turn(slots, {slot: text})
    assert "complaint_offered" not in slots


def test_the_offer_is_made_once_and_the_answer_recorded():
    slots = {"feedback_kind": "service_request", "description": "tap"}
    turn(slots, {"location": "still not fixed, kitchen"})
    assert slots["complaint_offered"] is True
    turn(slots, {"complaint_choice": False})
    turn(slots, {"access_availability": "I've been waiting 6 weeks"})
    assert slots["complaint_choice"] is False and slots["feedback_kind"] == "service_request"
    submitted = filing.submission_fields(slots, "rest", "c", profile=CODE)
    assert submitted["complaint_offered"] is True and submitted["complaint_choice"] is False


def test_no_offer_in_a_complaint_or_a_compliment():
    for kind in ("complaint", "compliment"):
        slots = {"feedback_kind": kind}
        turn(slots, {"description": "I am not happy with the repair"})
        assert "complaint_offered" not in slots


# --- 11: the service when a request becomes a complaint ------------------------------------------

def test_accepting_the_offer_works_the_service_out_again():
    care = {"feedback_kind": "service_request", "complaint_offered": True,
            "description": "my carer never turned up again and nobody called"}
    turn(care, {"complaint_choice": True}, profile=HPG)
    assert care["feedback_kind"] == "complaint" and care["service"] == "care"
    assert "service" not in [s for s in fields.required_slots(care, ("housing", "care", "new-build"))
                             if care.get(s) is None]

    asb = {"feedback_kind": "asb_report", "complaint_offered": True,
           "description": "I've reported the noise five times and nobody has done anything"}
    turn(asb, {"complaint_choice": True}, profile=HPG)
    assert asb["service"] == "housing"

    unclear = {"feedback_kind": "service_request", "complaint_offered": True,
               "description": "Nobody answers my emails"}
    turn(unclear, {"complaint_choice": True}, profile=HPG)
    assert unclear["service"] is None   # not obvious: asked


# --- 5: a hazard in a complaint keeps Awaab's Law ------------------------------------------------

def test_damp_and_mould_in_a_complaint_keeps_its_awaab_category():
    slots = {"feedback_kind": "complaint"}
    turn(slots, {"description": "You ignored the black mould in my son's bedroom for months"})
    assert slots["awaab_category"] == "significant"
    assert filing.submission_fields(slots, "rest", "c", profile=CODE)["awaab_category"] == "significant"


def test_a_repair_that_becomes_a_complaint_keeps_its_awaab_category():
    slots = {"feedback_kind": "service_request"}
    turn(slots, {"description": "water leaking through the ceiling, I reported it twice before"})
    assert slots["awaab_category"] == "emergency" and slots["complaint_offered"] is True
    turn(slots, {"complaint_choice": True})
    assert filing.submission_fields(slots, "rest", "c", profile=CODE)["awaab_category"] == "emergency"


# --- 7 and 9: what the resident is told -----------------------------------------------------------

def test_a_future_date_is_asked_again_plainly():
    slots = {"feedback_kind": "complaint"}
    outcome = turn(slots, {"event_date_text": "next Tuesday"})
    assert slots["event_date_text"] is None and "event_date" not in slots
    assert "still to come" in outcome.messages[0]["text"] and "when it happened" in outcome.messages[0]["text"]
    impossible = turn(slots, {"event_date_text": "31st of February"})
    assert slots["event_date_text"] is None and "doesn't exist" in impossible.messages[0]["text"]
    again = turn(slots, {"event_date_text": "purple"})
    assert slots["event_date_text"] is None and "couldn't work out a date" in again.messages[0]["text"]


def test_someone_in_danger_is_told_the_profiles_emergency_number():
    from bot.policy.schema import Profile

    data = CODE.dict()
    data["contact"]["emergency"]["services_phone"] = "112"
    profile = Profile(**data)
    slots = {"feedback_kind": "asb_report"}
    outcome = turn(slots, {"in_danger": True}, profile=profile)
    assert "call 112 now" in outcome.messages[0]["text"] and "999" not in outcome.messages[0]["text"]
    assert slots["urgent"] is True
