"""Staff and resident actions: each one validated against the case's status and stage, and each
one an entry in the append-only history with who and when; and the queue."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.cases import (
    ACKNOWLEDGED, CLOSED, NEW, NOT_ACCEPTED, NOT_ACCEPTED_PENDING, RESPONDED, STAGE2_PENDING,
    CaseQuery, ConcurrentChange, InvalidTransition,
)
from bot.cases.models import AppendOnlyError, CaseEvent
from bot.policy.deadlines import complaint_deadlines, extend, stage2_deadlines, stage2_request_by
from tests.cases.conftest import submission


def kinds(store, reference):
    return [event.kind for event in store.history(reference)]


def test_a_complaints_whole_journey_is_in_its_history(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "f")
    ref = case.reference
    clock.advance(days=1)
    acknowledged = store.acknowledge(ref, "staff:amy")
    assert acknowledged.status == ACKNOWLEDGED and acknowledged.version == 2
    # The response now counts from the acknowledgement (Tuesday 3 March), not from acknowledge_by.
    expected = complaint_deadlines(profile, date(2026, 3, 2), acknowledged=date(2026, 3, 3))
    assert acknowledged.deadline("stage1_response_by") == expected["stage1_response_by"]
    assert acknowledged.deadline("acknowledge_by") == complaint_deadlines(
        profile, date(2026, 3, 2))["acknowledge_by"]
    assert acknowledged.next_deadline == expected["stage1_response_by"]

    reason = profile.extension_reasons(1)[0]
    extended = store.extend(ref, "staff:amy", reason.key)   # the new date from the policy
    assert extended.deadline("stage1_response_by") == extend(
        profile, 1, expected["stage1_response_by"], reason.key)
    store.add_note(ref, "Called the resident.", "staff:amy")
    store.reassign(ref, "staff:amy", "staff:ben")
    clock.advance(days=10)
    responded = store.record_response(ref, "staff:ben", "We fixed it.", decision="upheld")
    assert responded.status == RESPONDED and responded.next_deadline is None
    assert responded.deadline("stage2_request_by") == stage2_request_by(profile, date(2026, 3, 13))
    store.record_lessons(ref, "staff:ben", "slow contractor", "new contract terms",
                         target_date=date(2026, 6, 1))
    clock.advance(days=2)
    stage2 = store.request_stage2(ref, reasons=None)
    assert (stage2.stage, stage2.status) == (2, NEW)
    s2 = stage2_deadlines(profile, date(2026, 3, 15))
    assert stage2.deadline("stage2_acknowledge_by") == s2["acknowledge_by"]
    assert stage2.next_deadline == min(s2.get("contact_by", s2["acknowledge_by"]),
                                       s2["acknowledge_by"])
    store.acknowledge(ref, "staff:cy")
    store.record_response(ref, "staff:cy", "Stage 2 answer", decision="partly_upheld")
    closed = store.close(ref, "staff:cy", outcome="resolved")
    assert closed.status == CLOSED and closed.closed_at == clock()

    history = store.history(ref)
    assert [e.kind for e in history] == [
        "filed", "acknowledged", "extended", "note_added", "reassigned", "responded",
        "lessons_learned", "stage2_requested", "acknowledged", "responded", "closed"]
    assert [e.actor for e in history][:3] == ["assistant", "staff:amy", "staff:amy"]
    assert history[2].details["reason"] == reason.key
    assert history[2].details["reason_text"] == reason.text
    assert history[4].details == {"from": None, "to": "staff:ben"}
    # Stage 2 is someone else's: the stage 1 assignee is unassigned, and kept in the history.
    assert history[7].details == {"reasons": None, "within_window": True,
                                  "stage1_assignee": "staff:ben"}
    assert [e.stage for e in history][-4:] == [2, 2, 2, 2]
    assert all(a.at <= b.at for a, b in zip(history, history[1:]))
    assert store.find_by_reference(ref).version == len(history)


def test_transitions_that_do_not_fit_are_refused(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    ref = case.reference
    with pytest.raises(InvalidTransition):
        store.extend(ref, "staff:a", "reason", date(2026, 5, 1))       # not acknowledged yet
    with pytest.raises(InvalidTransition):
        store.escalate(store.file_case(submission(case_type="compliment"), profile, "g")[0]
                       .reference, "staff:a")                             # not a complaint
    store.acknowledge(ref, "staff:a")
    with pytest.raises(InvalidTransition):
        store.acknowledge(ref, "staff:a")                                 # twice
    with pytest.raises(InvalidTransition):
        store.extend(ref, "staff:a", "  ", date(2026, 5, 1))              # no reason
    with pytest.raises(InvalidTransition):
        store.extend(ref, "staff:a", "why", date(2026, 3, 3))             # not later
    with pytest.raises(InvalidTransition):
        store.extend(ref, "staff:a", "not-a-reason-key")                  # policy: unknown key
    with pytest.raises(InvalidTransition):
        store.mark_not_accepted(ref, "staff:a", "too_old", "")            # no explanation
    store.close(ref, "staff:a")
    for action in (lambda: store.close(ref, "staff:a"),
                   lambda: store.record_response(ref, "staff:a", "x"),
                   lambda: store.reassign(ref, "staff:a", "staff:b")):
        with pytest.raises(InvalidTransition):
            action()
    with pytest.raises(ValueError):
        store.add_note(ref, "text", actor=" ")
    store.add_note(ref, "a note is fine on a closed case", "staff:a")
    assert kinds(store, ref) == ["filed", "acknowledged", "closed", "note_added"]


def test_no_extension_goes_past_the_policy_s_longest(store, profile, clock, make_store):
    case, _ = store.file_case(submission(), profile, "f")
    ref = case.reference
    store.acknowledge(ref, "staff:a")                    # Monday 2 March 2026
    limits = complaint_deadlines(profile, date(2026, 3, 2), acknowledged=date(2026, 3, 2))
    reason = profile.extension_reasons(1)[0].key
    first = store.extend(ref, "staff:a", reason, working_days=10)
    assert first.deadline("stage1_response_by") == limits["stage1_extended_response_by"]
    # A second extension, or a typed date, would take it past the policy's limit: refused.
    with pytest.raises(InvalidTransition, match="later than policy profile"):
        store.extend(ref, "staff:a", reason, working_days=10)
    with pytest.raises(InvalidTransition, match=str(limits["stage1_extended_response_by"])):
        store.extend(ref, "staff:a", "agreed", limits["stage1_extended_response_by"]
                     + timedelta(days=1))
    assert kinds(store, ref) == ["filed", "acknowledged", "extended"]

    # Stage 2 likewise, up to its own limit.
    store.escalate(ref, "staff:m")
    store.acknowledge(ref, "staff:m")
    two = stage2_deadlines(profile, date(2026, 3, 2), acknowledged=date(2026, 3, 2))
    store.extend(ref, "staff:m", "agreed", two["extended_response_by"])
    with pytest.raises(InvalidTransition, match="stage 2 response"):
        store.extend(ref, "staff:m", "agreed", two["extended_response_by"] + timedelta(days=1))

    # A profile that cannot be loaded any more: a given date is taken as before.
    def gone(name):
        raise FileNotFoundError(name)

    other, _ = store.file_case(submission(), profile, "g")
    store.acknowledge(other.reference, "staff:a")
    unchecked = make_store(profile_loader=gone)
    far = limits["stage1_extended_response_by"] + timedelta(days=30)
    assert unchecked.extend(other.reference, "staff:a", "agreed", far).deadline(
        "stage1_response_by") == far


def test_an_exclusion_is_decided_by_a_person(store, profile):
    refused, _ = store.file_case(submission(exclusion="too_old"), profile, "f")
    accepted, _ = store.file_case(submission(exclusion="too_old"), profile, "g")
    decided = store.mark_not_accepted(refused.reference, "staff:a", "too_old",
                                      "It happened in 2019.")
    assert decided.status == NOT_ACCEPTED and decided.closed_at is not None
    assert decided.exclusion_explanation == "It happened in 2019."
    taken = store.acknowledge(accepted.reference, "staff:a")
    assert taken.status == ACKNOWLEDGED
    [_, event] = store.history(accepted.reference)
    assert (event.status_before, event.details) == (NOT_ACCEPTED_PENDING,
                                                    {"accepted_despite_exclusion": "too_old"})


def test_stage2_asked_outside_the_window_waits_for_a_person(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "f")
    store.acknowledge(case.reference, "staff:a")
    store.record_response(case.reference, "staff:a", "answer")
    clock.advance(days=90)
    late = store.request_stage2(case.reference, "I was in hospital")       # judged by the date
    assert (late.status, late.stage) == (STAGE2_PENDING, 1)
    assert store.history(case.reference)[-1].details == {"reasons": "I was in hospital",
                                                         "within_window": False}
    with pytest.raises(InvalidTransition):
        store.request_stage2(case.reference, None)
    escalated = store.escalate(case.reference, "staff:manager", reason="good reason")
    assert (escalated.stage, escalated.status) == (2, NEW)
    assert "stage2_acknowledge_by" in escalated.deadlines

    other, _ = store.file_case(submission(), profile, "g")
    store.acknowledge(other.reference, "staff:a")
    store.record_response(other.reference, "staff:a", "answer")
    forced = store.request_stage2(other.reference, None, within_window=False)
    assert forced.status == STAGE2_PENDING
    declined = store.mark_not_accepted(other.reference, "staff:m", "too_late",
                                       "Asked after the window without a reason.")
    assert declined.status == NOT_ACCEPTED


def test_information_is_merged_before_the_stage1_response_and_a_new_case_after(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    same, merged = store.add_information(case.reference, "Also the boiler.", "resident")
    assert merged and same.reference == case.reference
    again, merged_again = store.add_information(case.reference, "Also the boiler.", "resident")
    assert merged_again and kinds(store, case.reference).count("information_added") == 1

    store.acknowledge(case.reference, "staff:a")
    store.record_response(case.reference, "staff:a", "answer")
    new_case, merged = store.add_information(case.reference, "And now the roof leaks.",
                                             "resident")
    assert not merged and new_case.reference != case.reference
    assert new_case.case_type == "complaint" and new_case.status == NEW
    assert (new_case.description, new_case.email, new_case.name) == (
        "And now the roof leaks.", "ada@example.org", "Ada Resident")
    shown = store.find_by_reference(new_case.reference)
    assert shown.related_case.reference == case.reference
    last = store.history(case.reference)[-1]
    assert last.kind == "information_added"
    assert last.details["linked_reference"] == new_case.reference
    assert store.history(new_case.reference)[0].details["related_reference"] == case.reference
    retry, _ = store.add_information(case.reference, "And now the roof leaks.", "resident")
    assert retry.reference == new_case.reference

    fresh, _ = store.file_case(submission(), profile, "g")
    split, merged = store.add_information(fresh.reference, "A separate matter", "staff:a",
                                          as_new_case=True)
    assert not merged and split.reference != fresh.reference


def test_a_stale_version_is_refused(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    store.add_note(case.reference, "first", "staff:a", expected_version=1)
    with pytest.raises(ConcurrentChange):
        store.add_note(case.reference, "second", "staff:b", expected_version=1)


def test_the_history_cannot_be_changed_or_deleted_through_the_orm(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    with pytest.raises(AppendOnlyError):
        with store.write() as session:
            event = session.query(CaseEvent).filter_by(case_id=case.id).one()
            event.actor = "someone else"
    with pytest.raises(AppendOnlyError):
        with store.write() as session:
            session.delete(session.query(CaseEvent).filter_by(case_id=case.id).one())
    assert [e.actor for e in store.history(case.reference)] == ["assistant"]


# --- the queue -------------------------------------------------------------------------------

def test_the_queue_filters_and_sorts_by_urgency(store, profile, clock):
    start = clock()
    plain, _ = store.file_case(submission(), profile, "a")
    clock.advance(days=1)
    urgent, _ = store.file_case(submission(urgent=True, case_type="service_request",
                                           channel="socketio"), profile, "b")
    safeguarding, _ = store.file_case(submission(safeguarding=True, case_type="asb_report",
                                                 name="Zed Neighbour"), profile, "c")
    clock.advance(days=1)
    newer, _ = store.file_case(submission(service="new-build", description="snagging list"),
                               "housing-plus-group", "d")
    done, _ = store.file_case(submission(case_type="compliment"), profile, "e")
    store.close(done.reference, "staff:a")

    order = [c.reference for c in store.query()]
    assert order[:2] == [safeguarding.reference, urgent.reference]
    assert order[-1] == done.reference
    assert order.index(plain.reference) < order.index(newer.reference)   # due sooner

    def refs(**filters):
        return {c.reference for c in store.query(CaseQuery(**filters))}

    assert refs(case_type="complaint") == {plain.reference, newer.reference}
    assert refs(case_type=["asb_report", "compliment"]) == {safeguarding.reference, done.reference}
    assert refs(status=CLOSED) == {done.reference}
    assert refs(stage=1) == {plain.reference, newer.reference}
    assert refs(service="new-build") == {newer.reference}
    assert refs(channel="socketio") == {urgent.reference}
    assert refs(search="zed neigh") == {safeguarding.reference}
    assert refs(search="SNAGGING") == {newer.reference}
    assert refs(search=plain.reference.lower()) == {plain.reference}
    assert refs(search=plain.reference[4:9]) == {plain.reference}
    day1 = start.date()
    assert refs(created_from=day1, created_to=day1) == {plain.reference}
    assert refs(created_from=day1 + timedelta(days=1)) == {urgent.reference,
                                                          safeguarding.reference,
                                                          newer.reference, done.reference}
    assert refs(open_only=True) == refs() - {done.reference}
    assert store.count(CaseQuery(case_type="complaint")) == 2
    assert [c.reference for c in store.query(sort="newest", limit=2)] == [
        done.reference, newer.reference]
    assert [c.reference for c in store.query(sort="oldest", limit=1, offset=1)] == [
        urgent.reference]


def test_overdue_means_open_and_past_its_next_deadline(store, profile, clock):
    late, _ = store.file_case(submission(), profile, "a")
    answered, _ = store.file_case(submission(), profile, "b")
    store.acknowledge(answered.reference, "staff:a")
    store.record_response(answered.reference, "staff:a", "answer")
    assert store.query(overdue=True) == []
    clock.advance(days=30)
    fresh, _ = store.file_case(submission(), profile, "c")
    assert [c.reference for c in store.query(overdue=True)] == [late.reference]
    assert store.find_by_reference(late.reference).is_overdue(store.today())
