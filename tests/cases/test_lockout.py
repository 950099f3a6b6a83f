"""Failed case look-ups are counted in the case store, per conversation and per reference, in the
same transaction as the look-up, so that restarting a conversation (which empties its slots) does
not reset them and no path (the form, the task, a caller of the action server) goes around them."""
from __future__ import annotations

import threading
import uuid

import pytest

from bot.cases import lookups
from bot.cases.lookups import ResidentLookup
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
    lockout = ResidentLookup(store)
    slots = {"case_reference": case.reference}

    for _ in range(lookups.MAX_FAILURES - 1):
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
    assert store.look_up(conversation, case.reference, "SW1A 1AA").case is None
    # A restarted conversation has the same id and no slots: still locked.
    assert lockout.is_locked(conversation, None)

    # Locked for the period after the failure that locked it.
    clock.advance(seconds=lookups.LOCK_SECONDS - 1)
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
    assert ResidentLookup(store).is_locked(conversation) is False
    for _ in range(lookups.MAX_FAILURES - 1):
        store.look_up(conversation, unknown, "SW1A 1AA")
    assert ResidentLookup(store).is_locked(conversation)


def test_other_conversations_cannot_work_through_one_reference(store, profile, clock):
    case = _filed(store, profile)
    lockout = ResidentLookup(store)
    slots = {"case_reference": case.reference}
    for attempt in range(lookups.MAX_REFERENCE_FAILURES):
        conversation, _ = _ids()  # a new conversation for every guess
        check = existing.check_verification(store, slots, f"ZZ{attempt} 1ZZ", conversation)
        clock.advance(minutes=1)
    assert check.messages == []  # the last guess locked the reference
    newcomer, _ = _ids()
    assert not lockout.is_locked(newcomer)
    assert lockout.is_locked(newcomer, case.reference)
    assert existing.check_verification(store, slots, "SW1A 1AA", newcomer).slots == {"verification": None}
    clock.advance(seconds=lookups.REFERENCE_WINDOW_SECONDS)
    assert not lockout.is_locked(newcomer, case.reference)
    assert existing.check_verification(store, slots, "SW1A 1AA", newcomer).slots == {"verification": "SW1A 1AA"}


def test_old_failures_are_forgotten(store, profile, clock):
    from sqlalchemy import select

    from bot.cases.models import VerificationFailure

    case = _filed(store, profile)
    first, second = _ids()
    store.look_up(first, case.reference, "ZZ1 1ZZ")
    clock.advance(seconds=2 * lookups.REFERENCE_WINDOW_SECONDS + 1)
    store.look_up(second, case.reference, "ZZ1 1ZZ")
    with store.read() as session:
        conversations = session.execute(select(VerificationFailure.conversation_id)).scalars().all()
    assert first not in conversations and second in conversations


def test_look_ups_at_the_same_moment_are_counted_one_after_another(store, profile):
    """Twenty wrong guesses from one conversation at once (threads, each its own transaction):
    exactly MAX_FAILURES are looked up and counted, then the rest are refused unlooked. With a
    check in one transaction and the count in another, every one of them would pass the check.
    Runs on SQLite and on PostgreSQL (the `store` fixture's parameters)."""
    from sqlalchemy import func, select

    from bot.cases.models import VerificationFailure

    case = _filed(store, profile)
    conversation, _ = _ids()
    start = threading.Barrier(20)
    outcomes = []

    def guess(n: int) -> None:
        start.wait()
        outcomes.append(store.look_up(conversation, case.reference, f"ZZ{n} 1ZZ"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.read() as session:
        counted = session.execute(select(func.count()).select_from(VerificationFailure).where(
            VerificationFailure.conversation_id == conversation)).scalar_one()
    assert counted == lookups.MAX_FAILURES
    assert sum(1 for o in outcomes if o.locked) == 20 - lookups.MAX_FAILURES + 1
    assert all(o.case is None for o in outcomes)


@pytest.mark.parametrize("reference", ["CMP-00000-0", "not a reference"])
def test_a_malformed_reference_is_refused_without_counting(store, reference):
    conversation, _ = _ids()
    check = existing.check_verification(store, {"case_reference": reference}, "SW1A 1AA", conversation)
    assert check.slots == {"verification": None, "case_reference": None}
    assert not ResidentLookup(store).is_locked(conversation)


def test_a_review_of_a_case_with_no_stage_2_is_not_asked_for_reasons(store, profile):
    """Found by the blind seed test: a new-home buyer was asked why she was unhappy with "our
    stage 1 response", then told there is no second stage and her reasons were dropped."""
    from bot.policy import load_profile

    group = load_profile("housing-plus-group")
    new_home, _ = store.file_case(submission(conversation_id="nb", service="new-build"), group)
    housing, _ = store.file_case(submission(conversation_id="hs"), group)
    report, _ = store.file_case(submission(conversation_id="asb", case_type="asb_report"), profile)
    conversation, _ = _ids()
    for case, asked in ((new_home, False), (report, False), (housing, True)):
        slots = {"case_task": "review", "case_reference": case.reference}
        check = existing.check_verification(store, slots, "SW1A 1AA", conversation)
        assert check.slots["verification"] == "SW1A 1AA"
        filled = {**slots, **check.slots}
        assert ("review_reasons" in existing.required_slots(filled) and
                filled.get("review_reasons") is None) is asked, case.case_type
    # A status check is not affected.
    status = existing.check_verification(
        store, {"case_task": "status", "case_reference": new_home.reference}, "SW1A 1AA", conversation)
    assert status.slots == {"verification": "SW1A 1AA"}
