"""Stage 2 is considered by someone who did not handle stage 1 (Code 6.13; seeds 003 and 004)."""
from __future__ import annotations

import pytest

from bot.cases.store import InvalidTransition
from tests.cases.conftest import submission


def at_stage2(store, profile, key, responder="staff:amy", assignee=None):
    case, _ = store.file_case(submission(), profile, key)
    if assignee:
        store.reassign(case.reference, "staff:lead", assignee)
    store.acknowledge(case.reference, responder)
    store.record_response(case.reference, responder, "not upheld")
    moved = store.request_stage2(case.reference, "I disagree with the answer")
    assert moved.stage == 2
    return moved


def test_the_stage1_responder_cannot_act_at_stage2(store, profile):
    case = at_stage2(store, profile, "s2-a")
    for act in (lambda: store.acknowledge(case.reference, "staff:amy"),
                lambda: store.record_response(case.reference, "staff:amy", "upheld"),
                lambda: store.close(case.reference, "staff:amy", outcome="done")):
        with pytest.raises(InvalidTransition, match="6.13"):
            act()
    with pytest.raises(InvalidTransition, match="assigned to someone else"):
        store.reassign(case.reference, "staff:lead", "amy")
    # Someone new can, and the refusals left no trace in the history.
    store.reassign(case.reference, "staff:lead", "bob")
    store.acknowledge(case.reference, "staff:bob")
    done = store.record_response(case.reference, "staff:bob", "partly upheld")
    assert done.stage2_responded_at is not None
    kinds = [e.kind for e in store.history(case.reference)]
    assert kinds.count("acknowledged") == 2 and kinds.count("responded") == 2


def test_the_stage1_assignee_is_unassigned_and_kept_out(store, profile):
    case = at_stage2(store, profile, "s2-b", responder="staff:amy", assignee="carl")
    assert case.assigned_to is None  # moving to stage 2 unassigned the stage 1 handler
    moved = [e for e in store.history(case.reference) if e.kind == "stage2_requested"][0]
    assert moved.details["stage1_assignee"] == "carl"
    with pytest.raises(InvalidTransition, match="6.13"):
        store.acknowledge(case.reference, "staff:carl")
    with pytest.raises(InvalidTransition):
        store.reassign(case.reference, "staff:lead", "carl")
    assert store.acknowledge(case.reference, "staff:dee").status == "acknowledged"
