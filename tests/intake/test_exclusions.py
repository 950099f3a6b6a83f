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
        limit_from_sale=profile.limit_from_sale,
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
    assert not talk.slots["date_needs_check"]  # the problem's date does not decide it here
    assert talk.slots.get("exclusion") is None
    talk.answer("home_date_text", "we completed in 2019")
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


def test_a_new_home_is_too_old_from_its_completion_not_from_the_problem():
    """The New Homes Quality Code's two years count from reservation or completion: a defect
    found last month in a home completed three years ago is outside it; an old problem in a home
    completed last year is not."""
    from bot.intake import fields

    talk = Conversation(HPG, feedback_kind="complaint", description="cracks in the new walls")
    talk.answer("event_date_text", "last month")
    talk.answer("service", "new-build")
    assert talk.slots["home_date_needed"] is True
    asked = fields.required_slots(talk.slots, replies.service_keys(HPG))
    assert "home_date_text" in asked and "still_happening" not in asked
    talk.answer("home_date_text", "I got the keys in March 2023")
    assert talk.slots["home_date"] == "2023-03-01"
    assert talk.slots["exclusion"] == "too_old"
    assert explanations(talk.said, "too_old", HPG, "new-build") == 1
    assert talk.filed()["exclusion"] == "too_old"
    assert "When you completed on (or reserved) the home: I got the keys in March 2023 (" in \
        summary.summary_text(talk.slots, replies.service_keys(HPG))

    recent = Conversation(HPG, feedback_kind="complaint", description="the sale was mis-sold")
    recent.answer("event_date_text", "January 2024")   # more than 24 months ago
    recent.answer("service", "new-build")
    recent.answer("home_date_text", "we completed in august 2025")
    assert recent.slots.get("exclusion") is None and recent.filed()["exclusion"] is None


def test_not_sure_of_the_completion_date_brings_no_exclusion_and_housing_never_asks_it():
    from bot.intake import fields

    talk = Conversation(HPG, feedback_kind="complaint", description="snagging never done")
    talk.answer("service", "new-build")
    talk.answer("home_date_text", "not sure, a while ago")
    assert talk.slots["home_date"] is None and "home_date_text" in talk.slots["unsure_answers"]
    assert talk.slots.get("exclusion") is None and talk.filed()["exclusion"] is None
    # Changing the service to housing drops the question and its answer.
    talk.change("service")
    talk.answer("service", "housing")
    assert not talk.slots.get("home_date_needed")
    assert "home_date_text" not in fields.required_slots(talk.slots, replies.service_keys(HPG))
    assert "home_date_text" not in fields.required_slots(
        {"feedback_kind": "complaint", "service": "housing"}, replies.service_keys(HPG))
