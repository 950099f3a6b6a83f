"""A safety concern is recorded for staff at once, once per conversation, and a case the same
conversation files later is linked to it."""
from __future__ import annotations

import uuid

from bot.cases import safety
from tests.cases.conftest import submission


def _conversation() -> str:
    return f"conv-{uuid.uuid4().hex}"


def test_a_safeguarding_concern_is_a_flagged_case_at_the_top_of_the_queue(store, profile):
    store.file_case(submission(conversation_id=_conversation()), profile)
    conversation = _conversation()
    case = safety.record_concern(store, safety.SAFEGUARDING, "my neighbour is hitting her kids",
                                 {"feedback_kind": "complaint", "name": "Ada"}, profile=profile,
                                 channel="rest", conversation_id=conversation)
    assert case.case_type == "service_request"
    assert case.safeguarding is True and case.urgent is True
    assert case.description == "my neighbour is hitting her kids"
    assert case.name == "Ada"
    assert case.extra == {"safety_concern": "safeguarding_concern", "raised_during": "complaint"}
    assert store.query(open_only=True)[0].reference == case.reference


def test_once_per_conversation_more_words_added_and_flags_raised(store, profile):
    conversation = _conversation()
    first = safety.record_concern(store, safety.EMERGENCY, "I can smell gas", {}, profile=profile,
                                  channel="rest", conversation_id=conversation)
    assert first.urgent is True and first.safeguarding is False
    again = safety.record_concern(store, safety.EMERGENCY, "I can smell gas", {}, profile=profile,
                                  channel="rest", conversation_id=conversation)
    assert again.reference == first.reference
    later = safety.record_concern(store, safety.SAFEGUARDING, "and my mum has collapsed", {},
                                  profile=profile, channel="rest", conversation_id=conversation)
    assert later.reference == first.reference and later.safeguarding is True
    history = store.history(first.reference)
    added = [e for e in history if e.kind == "information_added"]
    assert [e.details["text"] for e in added] == ["and my mum has collapsed"]
    assert added[0].details["flags_raised"] == ["safeguarding"]


def test_a_case_filed_later_in_the_conversation_is_linked_not_duplicated(store, profile):
    conversation = _conversation()
    concern = safety.record_concern(store, safety.SAFEGUARDING, "he is being neglected", {},
                                    profile=profile, channel="rest", conversation_id=conversation)
    filed, _ = store.file_case(submission(conversation_id=conversation, safeguarding=True), profile,
                               submission_key="form-1")
    assert safety.link_to_concern(store, filed).reference == concern.reference
    assert safety.link_to_concern(store, filed).reference == concern.reference  # again: no change
    linked = store.find_by_reference(filed.reference)
    assert linked.related_case_id == concern.id
    assert [e.kind for e in store.history(filed.reference)] == ["filed", "note_added"]
    assert [e.details.get("linked_reference") for e in store.history(concern.reference)
            if e.kind == "note_added"] == [filed.reference]

    # Another conversation's case is not linked.
    other, _ = store.file_case(submission(conversation_id=_conversation()), profile)
    assert safety.link_to_concern(store, other) is None


def test_a_closed_record_gets_a_new_one(store, profile):
    conversation = _conversation()
    first = safety.record_concern(store, safety.EMERGENCY, "water on the electrics", {},
                                  profile=profile, channel="rest", conversation_id=conversation)
    store.close(first.reference, actor="staff:amy", outcome="made safe")
    second = safety.record_concern(store, safety.EMERGENCY, "it's happening again", {},
                                   profile=profile, channel="rest", conversation_id=conversation)
    assert second.reference != first.reference and second.status == "new"
