"""Which questions the intake form asks, in what order, for each kind of feedback.

`required_slots` is called on every turn with the answers so far, so later questions can depend on
earlier answers (a representative's details only when complaining for someone else; contact
details only when the resident wants to give them).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence
from bot import vocabulary

KINDS = vocabulary.CASE_TYPES

KIND_LABELS = {
    "complaint": "complaint",
    "service_request": "service request",
    "asb_report": "report about anti-social behaviour",
    "comment": "comment",
    "compliment": "compliment",
}

# How each answer is named in the summary the resident confirms (and the buttons to change it).
FIELD_LABELS = {
    "description": "What happened",
    "event_date_text": "When",
    "still_happening": "Still happening",
    "aware_date_text": "When you became aware of it",
    "home_date_text": "When you completed on (or reserved) the home",
    "affected": "Who was affected",
    "service": "Service",
    "desired_outcome": "What you would like us to do",
    "already_investigated": "Already investigated as a complaint",
    "legal_proceedings": "Legal action started",
    "on_behalf": "Complaining for someone else",
    "represented_name": "Their name",
    "representative_relationship": "Your relationship to them",
    "representative_consent": "You have their permission",
    "subject": "Service or policy",
    "person_praised": "Who you are thanking",
    "location": "Where",
    "urgency": "How urgent",
    "access_availability": "Access and availability",
    "frequency": "How often",
    "in_danger": "Anyone in danger now",
    "evidence": "Evidence",
    "share_details": "Giving your contact details",
    "reuse_details": "Using the details you gave earlier",
    "name": "Your name",
    "address": "Address",
    "contact_details": "E-mail / phone",
    "preferred_contact": "Contact by",
    "preferred_format": "Format",
    "reasonable_adjustments": "Support you need from us",
    "complaint_choice": "Make a complaint",
}

_CONTACT = ("name", "address", "contact_details", "preferred_contact", "preferred_format",
            "reasonable_adjustments")
# What a skipped personal question holds ("rather not", "skip"): answered, nothing given.
NOT_GIVEN = "not given"


def _details(slots: Mapping[str, Any], fields: Sequence[str]) -> list[str]:
    """The details to ask for: the same as before offered first when the conversation has them;
    no preferred way of contact when no way of contact was given."""
    asked = ["reuse_details"] if slots.get("known_contact") else []
    no_way = all(slots.get(name) == NOT_GIVEN for name in ("address", "contact_details")
                 if name in fields)
    return asked + [name for name in fields if not (name == "preferred_contact" and no_way)]


def _contact_questions(slots: Mapping[str, Any], fields: Sequence[str] = _CONTACT) -> list[str]:
    """Ask whether they want to give contact details (anonymity is allowed), then the details."""
    if slots.get("share_details") is False:
        return ["share_details"]
    return ["share_details", *_details(slots, fields)]


def _when(slots: Mapping[str, Any]) -> list[str]:
    """When it happened; and, for a date older than the time limit, whether it is still going
    on and (if not) when the resident became aware of it: only clear answers exclude it."""
    asked = ["event_date_text"]
    if slots.get("date_needs_check") and not slots.get("home_date_needed"):
        asked.append("still_happening")
        if slots.get("still_happening") is False:
            asked.append("aware_date_text")
    return asked


def _offer(slots: Mapping[str, Any]) -> list[str]:
    """The complaint offer, asked straight after the answer that showed dissatisfaction."""
    return ["complaint_choice"] if slots.get("complaint_offered") else []


def required_slots(slots: Mapping[str, Any], services: Sequence[str] = ("housing",)) -> list[str]:
    kind = slots.get("feedback_kind")
    if kind not in KINDS:
        return ["feedback_kind"]
    head = ["feedback_kind"]
    if kind == "complaint":
        questions = ["description", *_when(slots), "affected"]
        if len(services) > 1:
            questions.append("service")  # filled without asking when the description makes it obvious
        if slots.get("home_date_needed"):
            questions.append("home_date_text")  # a new home's time limit counts from it
        questions += ["desired_outcome", "already_investigated", "legal_proceedings", "on_behalf"]
        if slots.get("on_behalf"):
            questions += ["represented_name", "representative_relationship", "representative_consent"]
        return head + questions + _contact_questions(slots)
    if kind == "service_request":
        # A repair needs a way to arrange access, so the details are asked without the
        # anonymity question; skipping the name leaves it anonymous all the same.
        details = [] if slots.get("share_details") is False else \
            _details(slots, ("name", "contact_details", "preferred_contact"))
        return head + ["description", *_offer(slots), "location", "urgency", "access_availability",
                       *details, "reasonable_adjustments"]
    if kind == "asb_report":
        return head + ["description", *_offer(slots), "event_date_text", "frequency", "location",
                       "in_danger", "evidence",
                       *_contact_questions(slots, ("name", "address", "contact_details", "preferred_contact"))]
    if kind == "comment":
        return head + ["subject", "description", *_offer(slots),
                       *_contact_questions(slots, ("name", "contact_details"))]
    return head + ["person_praised", "description",
                   *_contact_questions(slots, ("name", "contact_details"))]


def answered_fields(slots: Mapping[str, Any], services: Sequence[str] = ("housing",)) -> list[str]:
    """The questions of this kind that have an answer, in the order they were asked."""
    return [name for name in required_slots(slots, services)
            if name != "feedback_kind" and slots.get(name) is not None]
