"""New homes sold under the New Homes Quality Code: no landlord stage 2, no Awaab's Law."""
from __future__ import annotations

import pytest

from bot.cases.store import NoStage2
from bot.intake import existing, replies
from bot.policy import load_profile
from tests.cases.conftest import submission


@pytest.fixture(scope="module")
def group():
    return load_profile("housing-plus-group")


def test_a_new_build_complaint_cannot_go_to_stage2(store, group, clock):
    case, _ = store.file_case(submission(service="new-build"), group, "nb-1")
    store.acknowledge(case.reference, "staff:amy")
    store.record_response(case.reference, "staff:amy", "we will fix the snagging")
    for act in (lambda: store.request_stage2(case.reference, "not good enough"),
                lambda: store.escalate(case.reference, "staff:lead")):
        with pytest.raises(NoStage2, match="New Homes Quality Code"):
            act()
    kept = store.find_by_reference(case.reference)
    assert (kept.stage, kept.status) == (1, "responded")  # nothing half-done
    # What the resident asking for a review in the chat is told: the code's ombudsman, plainly.
    text = existing.cannot_do_text("review", kept, group)
    assert "no second stage" in text and "New Homes Ombudsman Service" in text
    assert "couldn't save" not in text


def test_a_housing_complaint_of_the_same_landlord_still_can(store, group):
    case, _ = store.file_case(submission(service="housing"), group, "nb-2")
    store.record_response(case.reference, "staff:amy", "answer")
    assert store.request_stage2(case.reference, None).stage == 2


def test_awaabs_law_is_for_social_rented_homes_only(store, group, clock):
    sold, _ = store.file_case(submission(case_type="service_request", service="new-build",
                                         description="black mould in the bedroom",
                                         awaab_category="significant"), group, "nb-3")
    assert not any(key.startswith("awaab_") for key in sold.deadlines)
    rented, _ = store.file_case(submission(case_type="service_request", service="housing",
                                           description="black mould in the bedroom",
                                           awaab_category="significant"), group, "nb-4")
    assert any(key.startswith("awaab_") for key in rented.deadlines)
    said = " ".join(m["text"] for m in replies.after_filing(group, sold, {}))
    assert "Awaab" not in said
    said = " ".join(m["text"] for m in replies.after_filing(group, rented, {}))
    assert "Awaab" in said
