"""Exclusions are worked out from the answers as they stand, with the service's own time limit;
each is explained once, and a corrected answer removes or adds one, also at filing. "Too old"
needs clear answers: the problem has stopped, and the resident knew of it longer ago than the
limit (Code 2.2 / 2.3); "not sure" brings none."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.intake import answers, filing, replies, summary
from bot.policy import load_profile

NOW = datetime(2026, 12, 3, 10, 0)   # Thursday 3 December 2026
HPG = load_profile("housing-plus-group")          # housing 12 months, new-build 24
CODE = load_profile("housing-ombudsman-code")     # one service, 12 months


def context(profile, **slots) -> answers.Context:
    return answers.Context(
        slots=slots, now=NOW, services=replies.service_keys(profile),
        time_limit_months=lambda service: replies.complaint_time_limit_months(profile, service),
        exclusion_message=lambda key, service: replies.exclusion_message(profile, key, service))


class Conversation:
    """Answers given one by one, as the form's validation applies them."""

    def __init__(self, profile, **slots):
        self.profile = profile
        self.slots = dict(slots)
        self.said: list[str] = []

    def answer(self, slot, value):
        outcome = answers.check_all({slot: value}, context(self.profile, **self.slots))
        self.slots.update(outcome.slots)
        self.said += [m["text"] for m in outcome.messages]
        return outcome

    def stopped_long_ago(self):
        """It has stopped, and they knew of it when it happened."""
        self.answer("still_happening", False)
        self.answer("aware_date_text", "straight away")

    def change(self, field):
        """The resident picks an answer to change at the summary (action_reset_field)."""
        for name in summary.fields_to_clear(field):
            self.slots[name] = None

    def filed(self, today=date(2026, 12, 3)):
        return filing.submission_fields(self.slots, "rest", "conv", profile=self.profile, today=today)


def explanations(said, key, profile=CODE, service="housing"):
    text = replies.exclusion_message(profile, key, service)
    return sum(1 for line in said if line == text)


def test_correcting_the_date_removes_the_too_old_exclusion_also_at_filing():
    talk = Conversation(CODE, feedback_kind="complaint", description="the roof leaks")
    talk.answer("event_date_text", "2nd of May 2024")
    assert talk.slots.get("exclusion") is None and talk.slots["date_needs_check"]
    talk.stopped_long_ago()
    assert talk.slots["exclusion"] == "too_old" and explanations(talk.said, "too_old") == 1
    talk.change("event_date_text")
    talk.answer("event_date_text", "last Tuesday")
    assert talk.slots["exclusion"] is None
    fields = talk.filed()
    assert fields["exclusion"] is None and fields["event_date"] == date(2026, 12, 1)


def test_filing_works_the_exclusion_out_from_the_final_answers():
    # An exclusion left in the conversation from an earlier answer is not filed ...
    stale = {"feedback_kind": "complaint", "event_date": "2026-11-01", "exclusion": "too_old"}
    assert filing.submission_fields(stale, "rest", "c", profile=CODE, today=date(2026, 12, 3))["exclusion"] is None
    # ... and one the final answers show is, even if it was never recorded in the conversation.
    old = {"feedback_kind": "complaint", "event_date": "2024-05-02", "still_happening": False,
           "aware_date": "2024-05-02"}
    assert filing.submission_fields(old, "rest", "c", profile=CODE, today=date(2026, 12, 3))["exclusion"] == "too_old"
    # Not on a guess: still going on, not sure whether it is, or aware of it only lately.
    for unclear in ({"still_happening": True}, {"unsure_answers": ["still_happening"]},
                    {"aware_date": "2026-10-01"}, {"aware_date": None}):
        fields = filing.submission_fields({**old, **unclear}, "rest", "c", profile=CODE,
                                          today=date(2026, 12, 3))
        assert fields["exclusion"] is None, unclear
    unsure = {"feedback_kind": "complaint", "already_investigated": False,
              "unsure_answers": ["already_investigated"]}
    assert filing.submission_fields(unsure, "rest", "c", profile=CODE, today=date(2026, 12, 3))["exclusion"] is None


def test_legal_proceedings_is_explained_even_when_the_date_was_already_too_old():
    talk = Conversation(CODE, feedback_kind="complaint", description="the roof leaks")
    talk.answer("event_date_text", "2nd of May 2024")
    talk.stopped_long_ago()
    talk.answer("already_investigated", False)
    talk.answer("legal_proceedings", True)
    assert explanations(talk.said, "too_old") == 1
    assert explanations(talk.said, "legal_proceedings") == 1
    assert talk.slots["exclusion"].split() == ["legal_proceedings", "too_old"]
    fields = talk.filed()
    assert fields["exclusion"] == "legal_proceedings"
    assert fields["extra"]["exclusions"] == ["legal_proceedings", "too_old"]
    # Answering "no" instead, at the summary, takes it away again; the date's stays.
    talk.change("legal_proceedings")
    talk.answer("legal_proceedings", False)
    assert talk.slots["exclusion"] == "too_old" and talk.filed()["exclusion"] == "too_old"
    assert explanations(talk.said, "too_old") == 1   # said once, not again


def test_each_explanation_is_said_once_however_many_answers_follow():
    talk = Conversation(CODE, feedback_kind="complaint", description="d")
    talk.answer("already_investigated", True)
    for slot, value in (("legal_proceedings", False), ("on_behalf", False), ("affected", "me")):
        talk.answer(slot, value)
    assert explanations(talk.said, "already_investigated") == 1
    assert talk.filed()["exclusion"] == "already_investigated"


def test_no_exclusion_for_a_kind_that_is_not_a_complaint():
    talk = Conversation(CODE, feedback_kind="asb_report", description="loud music")
    talk.answer("event_date_text", "since 2020")
    assert not talk.said and talk.slots.get("exclusion") is None
    assert talk.filed()["exclusion"] is None


# --- the time limit is the service's ------------------------------------------------------------

def test_the_time_limit_waits_for_the_service_and_is_the_services_own():
    # Housing Plus Group: new-build sales allow 24 months, housing 12. The date comes first.
    talk = Conversation(HPG, feedback_kind="complaint", description="Nobody answers my emails")
    talk.answer("event_date_text", "about 18 months ago")
    talk.stopped_long_ago()
    assert talk.said == [] and talk.slots.get("exclusion") is None   # the service is not known yet
    talk.answer("service", "new-build")
    assert talk.said == [] and talk.slots.get("exclusion") is None   # within 24 months
    assert talk.filed()["exclusion"] is None
    # Housing's 12 months: too old, and told so with 12 months.
    talk.change("service")
    talk.answer("service", "housing")
    assert talk.slots["exclusion"] == "too_old"
    assert talk.said == [replies.exclusion_message(HPG, "too_old", "housing")]
    assert "12 months" in talk.said[0]
    assert talk.filed()["exclusion"] == "too_old"


def test_an_event_too_old_for_new_build_is_told_24_months():
    talk = Conversation(HPG, feedback_kind="complaint", description="snagging on my new build home")
    assert talk.slots.get("service") is None
    talk.answer("description", "snagging on my new build home")
    assert talk.slots["service"] == "new-build"   # obvious from the description: not asked
    talk.answer("event_date_text", "in 2020")
    talk.stopped_long_ago()
    assert talk.slots["exclusion"] == "too_old"
    assert "24 months" in talk.said[-1] and "12 months" not in talk.said[-1]


def test_the_filing_uses_the_service_limit_too():
    slots = {"feedback_kind": "complaint", "service": "new-build", "event_date": "2025-06-01",
             "still_happening": False, "aware_date": "2025-06-01"}
    fields = filing.submission_fields(slots, "rest", "c", profile=HPG, today=date(2026, 12, 3))
    assert fields["exclusion"] is None
    housing = {**slots, "service": "housing"}
    fields = filing.submission_fields(housing, "rest", "c", profile=HPG, today=date(2026, 12, 3))
    assert fields["exclusion"] == "too_old"


@pytest.mark.parametrize("service, months", [("housing", 12), ("care", 12), ("new-build", 24)])
def test_the_exclusion_message_has_the_services_months(service, months):
    assert f"{months} months" in replies.exclusion_message(HPG, "too_old", service)
