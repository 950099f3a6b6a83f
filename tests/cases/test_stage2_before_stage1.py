"""A stage 2 request before the stage 1 response is not a way round stage 1: it waits for a person
to decide, as a late one does, and the resident is told plainly."""
from __future__ import annotations

from bot.cases.models import RESPONDED, STAGE2_PENDING
from tests.cases.conftest import submission


def test_stage2_before_the_stage1_response_waits_for_a_person(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    store.acknowledge(case.reference, "staff:a")
    early = store.request_stage2(case.reference, "nobody has answered me")
    assert (early.stage, early.status) == (1, STAGE2_PENDING)
    assert store.history(case.reference)[-1].details == {
        "reasons": "nobody has answered me", "within_window": False, "before_stage1_response": True}

    # After the stage 1 response, inside the window, it goes to stage 2 as before.
    other, _ = store.file_case(submission(), profile, "g")
    responded = store.record_response(other.reference, "staff:a", "answer")
    assert responded.status == RESPONDED
    assert store.request_stage2(other.reference, None).stage == 2


def test_the_resident_is_told_plainly_when_stage_1_is_not_answered_yet(store, profile, clock):
    from bot.intake.replies import stage2_request_reply

    case, _ = store.file_case(submission(), profile, "f")
    early = store.request_stage2(case.reference, None)
    text = " ".join(m["text"] for m in stage2_request_reply(profile, early, clock()))
    assert "haven't sent our stage 1 response" in text and "member of staff will decide" in text
    assert case.reference in text

    other, _ = store.file_case(submission(), profile, "g")
    store.record_response(other.reference, "staff:a", "answer")
    clock.advance(days=90)
    late = store.request_stage2(other.reference, None)
    text = " ".join(m["text"] for m in stage2_request_reply(profile, late, clock()))
    assert "outside the time our policy gives" in text

    third, _ = store.file_case(submission(), profile, "h")
    store.record_response(third.reference, "staff:a", "answer")
    moved = store.request_stage2(third.reference, None)
    text = " ".join(m["text"] for m in stage2_request_reply(profile, moved, clock()))
    assert "go to stage 2" in text


def test_that_it_was_asked_early_outlives_anonymisation(store, profile):
    """The fact (a yes/no, nothing about the resident) stays in the history when the case is
    anonymised; the resident's reasons do not."""
    from bot.cases.privacy import _scrub_details

    case, _ = store.file_case(submission(), profile, "f")
    store.request_stage2(case.reference, "nobody has answered me")
    scrubbed = _scrub_details(store.history(case.reference)[-1].details)
    assert scrubbed["before_stage1_response"] is True and scrubbed["within_window"] is False
    assert "nobody has answered me" not in str(scrubbed)
