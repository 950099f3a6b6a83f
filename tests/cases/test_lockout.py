"""Failed case look-ups are counted in the case store, per conversation and per reference, so
that restarting a conversation (which empties its slots) does not reset them."""
from __future__ import annotations

import uuid

from bot.intake import existing
from tests.cases.conftest import submission


def _filed(store, profile):
    case, _ = store.file_case(submission(conversation_id=f"filer-{uuid.uuid4().hex}"), profile)
    return case


def _ids():
    return f"conv-{uuid.uuid4().hex}", f"conv-{uuid.uuid4().hex}"


def test_three_failures_lock_the_conversation_until_the_period_is_over(store, profile, clock):
    case = _filed(store, profile)
    conversation, _ = _ids()
    lockout = existing.Lockout(store)
    slots = {"case_reference": case.reference}

    for attempt in range(existing.MAX_FAILURES - 1):
        check = existing.check_verification(store, slots, "ZZ1 1ZZ", conversation)
        assert check.messages == [existing.NOT_FOUND]            # a wrong pair: as unknown
        assert check.slots == {"verification": None, "case_reference": None}
        clock.advance(seconds=30)
    locked = existing.check_verification(store, slots, "ZZ1 1ZZ", conversation)
    assert locked.slots == {"verification": None} and locked.messages == []
    assert lockout.is_locked(conversation)
    assert existing.required_slots({"case_task": "status"}, locked=True) == []

    # Locked: even the right postcode is not looked up; nothing is kept in the conversation.
    assert existing.check_verification(store, slots, "SW1A 1AA", conversation).slots == {"verification": None}
    # A restarted conversation has the same id and no slots: still locked.
    assert lockout.is_locked(conversation, None)

    # Locked for the period after the failure that locked it.
    clock.advance(seconds=existing.LOCK_SECONDS - 1)
    assert lockout.is_locked(conversation)
    clock.advance(seconds=1)
    assert not lockout.is_locked(conversation, case.reference)
    assert existing.check_verification(store, slots, "sw1a1aa", conversation).slots == {"verification": "sw1a1aa"}


def test_an_unknown_reference_counts_and_is_answered_like_a_wrong_pair(store, profile):
    from bot.cases import references

    conversation, _ = _ids()
    unknown = references.new_reference("complaint")
    check = existing.check_verification(store, {"case_reference": unknown}, "SW1A 1AA", conversation)
    assert check.messages == [existing.NOT_FOUND]
    assert check.slots == {"verification": None, "case_reference": None}


def test_other_conversations_cannot_work_through_one_reference(store, profile, clock):
    case = _filed(store, profile)
    lockout = existing.Lockout(store)
    slots = {"case_reference": case.reference}
    for attempt in range(existing.MAX_REFERENCE_FAILURES):
        conversation, _ = _ids()  # a new conversation for every guess
        check = existing.check_verification(store, slots, f"ZZ{attempt} 1ZZ", conversation)
        clock.advance(minutes=1)
    assert check.messages == []  # the last guess locked the reference
    newcomer, _ = _ids()
    assert not lockout.is_locked(newcomer)
    assert lockout.is_locked(newcomer, case.reference)
    assert existing.check_verification(store, slots, "SW1A 1AA", newcomer).slots == {"verification": None}
    clock.advance(seconds=existing.REFERENCE_WINDOW_SECONDS)
    assert not lockout.is_locked(newcomer, case.reference)
    assert existing.check_verification(store, slots, "SW1A 1AA", newcomer).slots == {"verification": "SW1A 1AA"}


def test_old_failures_are_forgotten(store, profile, clock):
    from sqlalchemy import select

    from bot.cases.models import VerificationFailure

    case = _filed(store, profile)
    lockout = existing.Lockout(store)
    first, second = _ids()
    lockout.record_failure(first, case.reference)
    clock.advance(seconds=2 * existing.REFERENCE_WINDOW_SECONDS + 1)
    lockout.record_failure(second, case.reference)
    with store.read() as session:
        conversations = session.execute(select(VerificationFailure.conversation_id)).scalars().all()
    assert first not in conversations and second in conversations
