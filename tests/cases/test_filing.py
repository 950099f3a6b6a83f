"""Filing: every field kept, once per submitted form (even when submitted concurrently), with
the policy profile and its deadlines; finding and verifying by reference."""
from __future__ import annotations

import multiprocessing
import queue
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, func, select

from bot.cases import (
    CaseNotFound, InvalidReference, NOT_ACCEPTED_PENDING, file_case, references,
)
from bot.cases.models import Case, CaseEvent, OutboxMessage
from bot.cases.store import content_key
from bot.policy.deadlines import case_deadlines, complaint_deadlines
from tests.cases.conftest import PROFILE, submission


def _count(store, model) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_filed_case_keeps_every_field(store, profile):
    sub = submission(
        case_type="complaint", service="housing", channel="facebook", conversation_id="fb-123",
        description="Carer did not come", event_date_text="last Tuesday",
        event_date=date(2026, 2, 24), affected="my mother", desired_outcome="an apology",
        address="1 High Street, Town", preferred_contact="email", preferred_format="large print",
        reasonable_adjustments="hearing loss: please write", representative_name="Sam Son",
        representative_relationship="son", representative_consent=True, anonymous=False,
        urgent=True, safeguarding=True, location="bedroom", access_availability="mornings",
        evidence="photos", frequency="weekly", complaint_offered=True, complaint_choice="yes",
        extra={"flow": "complaint", "turns": [1, 2, 3], "nested": {"a": None}})
    case, created = store.file_case(sub, profile, "form-1")
    assert created
    found = store.find_by_reference(case.reference)
    for name, value in sub.dict().items():
        assert getattr(found, name) == value, name
    assert found.stage == 1 and found.status == "new"
    assert found.policy_profile == PROFILE
    assert found.representative == {"name": "Sam Son", "relationship": "son", "consent": True}
    assert found.created_at == datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    assert found.version == 1
    [filed] = store.history(case.reference)
    assert (filed.kind, filed.actor, filed.status_after) == ("filed", "assistant", "new")


def test_deadlines_are_the_policy_modules_for_the_filing_moment(store, profile, clock):
    # Filed on Saturday 4 April 2026 (Easter weekend): counted from that day, per the policy.
    clock.set(datetime(2026, 4, 4, 15, 30, tzinfo=timezone.utc))
    case, _ = store.file_case(submission(), profile, "form-1")
    expected = complaint_deadlines(profile, date(2026, 4, 4))
    assert case.deadlines == {k: v.isoformat() for k, v in expected.items()}
    assert store.find_by_reference(case.reference).deadline("acknowledge_by") == \
        expected["acknowledge_by"]
    assert case.next_deadline == expected["acknowledge_by"]

    request, _ = store.file_case(submission(case_type="service_request"), profile, "form-2")
    assert request.deadlines == {k: v.isoformat() for k, v in case_deadlines(
        profile, "service_request", datetime(2026, 4, 4, 15, 30, tzinfo=timezone.utc)).items()}
    assert request.stage is None


def test_a_late_evening_filing_in_summer_counts_from_the_uk_date(store, profile, clock):
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))  # 00:30 on 1 July in the UK
    case, _ = store.file_case(submission(), profile, "form-1")
    assert case.deadlines["acknowledge_by"] == \
        complaint_deadlines(profile, date(2026, 7, 1))["acknowledge_by"].isoformat()


def test_the_deadline_function_is_injectable(make_store, profile):
    calls = []

    def fake(profile, case_type, filed_at, service="housing"):
        calls.append((profile.name, case_type, filed_at, service))
        return {"acknowledge_by": date(2030, 1, 2)}

    store = make_store(deadline_fn=fake)
    case, _ = store.file_case(submission(service="new-build"), "housing-plus-group", "f")
    assert case.deadlines == {"acknowledge_by": "2030-01-02"}
    assert calls[0][0] == "housing-plus-group" and calls[0][1:2] == ("complaint",)
    assert calls[0][3] == "new-build"
    assert calls[0][2].utcoffset() is not None


def test_a_case_is_filed_even_when_its_deadlines_cannot_be_computed(make_store, profile):
    def broken(*args, **kwargs):
        raise RuntimeError("calendar unavailable")

    store = make_store(deadline_fn=broken)
    case, created = store.file_case(submission(), profile, "f")
    assert created and case.deadlines == {}
    [filed] = store.history(case.reference)
    assert "calendar unavailable" in filed.details["deadline_error"]


def test_the_same_form_submitted_again_returns_the_same_case(store, profile):
    first, created = store.file_case(submission(), profile, "form-7")
    again, created_again = store.file_case(submission(description="edited retry"), profile,
                                           "form-7")
    assert created and not created_again
    assert again.reference == first.reference
    assert store.find_by_reference(first.reference).description == "The repair was not done."
    assert _count(store, Case) == 1 and _count(store, CaseEvent) == 1


def test_another_form_or_conversation_makes_another_case(store, profile):
    a, _ = store.file_case(submission(), profile, "form-1")
    b, _ = store.file_case(submission(), profile, "form-2")
    c, _ = store.file_case(submission(conversation_id="conv-2"), profile, "form-1")
    assert len({a.reference, b.reference, c.reference}) == 3


def test_without_a_submission_key_an_identical_form_is_filed_once(store, profile):
    a, created_a = store.file_case(submission(), profile, None)
    b, created_b = store.file_case(submission(), profile, None)
    c, created_c = store.file_case(submission(description="something else"), profile, None)
    assert created_a and not created_b and created_c
    assert a.reference == b.reference != c.reference
    assert a.submission_key == content_key(submission())


def test_concurrent_submissions_of_the_same_form_from_threads_make_one_case(make_store, profile):
    store = make_store(forward=True)
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    results: queue.Queue = queue.Queue()

    def submit():
        barrier.wait(timeout=30)
        try:
            results.put(store.file_case(submission(), profile, "double-click"))
        except Exception as error:  # noqa: BLE001
            results.put(error)

    threads = [threading.Thread(target=submit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = [results.get_nowait() for _ in range(threads_count)]
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({case.reference for case, _ in outcomes}) == 1
    assert sum(created for _, created in outcomes) == 1
    assert _count(store, Case) == 1
    assert _count(store, CaseEvent) == 1
    assert _count(store, OutboxMessage) == 1


def test_concurrent_submissions_from_separate_processes_make_one_case(store, database_url):
    context = multiprocessing.get_context("spawn")
    processes_count = 4
    barrier = context.Barrier(processes_count)
    results = context.Queue()
    fields = submission(conversation_id="webhook-redelivered").dict()
    processes = [context.Process(target=_worker, args=(database_url, barrier, results, fields,
                                                       "form-1"))
                 for _ in range(processes_count)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(processes_count)]
    for process in processes:
        process.join(timeout=60)
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    assert len({reference for reference, _ in outcomes}) == 1
    assert sum(created for _, created in outcomes) == 1
    assert _count(store, Case) == 1 and _count(store, OutboxMessage) == 1


def _worker(*args):
    from tests.cases.workers import file_same_form

    file_same_form(*args)


def test_an_exclusion_is_recorded_for_review_never_dropped(store, profile):
    case, _ = store.file_case(submission(exclusion="too_old", event_date=date(2024, 1, 5)),
                              profile, "f")
    assert case.status == NOT_ACCEPTED_PENDING
    assert case.exclusion == "too_old"
    assert case.exclusion_explanation == profile.fill(profile.exclusion("too_old").explanation)
    assert "not_accepted_reply_by" in case.deadlines
    assert case.next_deadline == min(case.deadline("acknowledge_by"),
                                     case.deadline("not_accepted_reply_by"))
    explained, _ = store.file_case(submission(exclusion="legal_proceedings",
                                              exclusion_explanation="In court since May."),
                                   profile, "g")
    assert explained.exclusion_explanation == "In court since May."


def test_awaabs_law_deadlines_are_recorded_for_a_flagged_hazard(store, profile):
    case, _ = store.file_case(submission(case_type="service_request",
                                         awaab_category="significant"), profile, "f")
    assert {"awaab_investigate_by", "awaab_summary_by", "awaab_safety_work_by"} <= set(case.deadlines)
    emergency, _ = store.file_case(submission(case_type="service_request", urgent=True,
                                              awaab_category="emergency"), profile, "g")
    # Counted in hours: the time itself, in UTC (filed Monday 2 March 2026, 10:00).
    assert emergency.deadlines["awaab_make_safe_by"] == "2026-03-03T10:00:00+00:00"
    assert emergency.next_deadline == date(2026, 3, 3)


def test_the_module_level_file_case_takes_a_store_or_a_session(store, profile):
    case, created = file_case(store, submission(), profile, "form-1")
    assert created
    with store.write() as session:
        again, created_again = file_case(session, submission(), profile, "form-1")
        other, created_other = file_case(session, submission(), profile, "form-2")
    assert (again.reference, created_again) == (case.reference, False)
    assert created_other


def test_bad_submissions_are_refused_with_the_field_named():
    from pydantic import ValidationError

    for bad in (dict(case_type="rant"), dict(service="garden"), dict(channel=""),
                dict(preferred_contact="pigeon"), dict(awaab_category="mild"),
                dict(conversation_id=""), dict(extra=[1, 2]), dict(unknown_field=1)):
        with pytest.raises(ValidationError):
            submission(**bad)
    assert submission(service=None).service == "housing"


# --- finding by reference --------------------------------------------------------------------

def test_a_mistyped_reference_is_rejected_as_invalid_without_a_query(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    compact = case.reference.replace("-", "")
    position = 5
    replacement = next(c for c in references.ALPHABET if c != compact[position])
    typo = compact[:position] + replacement + compact[position + 1:]

    statements = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    with pytest.raises(InvalidReference):
        store.find_by_reference(typo)
    with pytest.raises(InvalidReference):
        store.look_up("conversation-typo", typo, "SW1A 1AA")
    assert statements == []
    assert store.find_by_reference(compact.lower()).reference == case.reference
    assert statements  # the valid one was looked up


def test_a_well_formed_unknown_reference_is_not_found(store):
    with pytest.raises(CaseNotFound):
        store.find_by_reference(references.new_reference("complaint"))


def test_a_look_up_gives_the_same_answer_for_a_wrong_pair_and_an_unknown_reference(
        store, profile):
    case, _ = store.file_case(submission(), profile, "f")

    def found(reference, value, conversation="conversation-lookup"):
        return store.look_up(conversation, reference, value).case

    assert found(case.reference, "sw1a1aa").reference == case.reference
    assert found(case.reference.lower(), " ADA@example.ORG ").reference == case.reference
    wrong_pair = found(case.reference, "SW1A 2AA", "conversation-2")
    unknown = found(references.new_reference("complaint"), "SW1A 1AA", "conversation-3")
    assert wrong_pair is None and unknown is None
    assert found(case.reference, "", "conversation-4") is None
    anonymous, _ = store.file_case(submission(anonymous=True, email=None, postcode=None), profile,
                                   "g")
    assert found(anonymous.reference, "", "conversation-5") is None


def test_losing_the_race_to_another_filing_of_the_same_form_returns_its_case(
        store, profile, monkeypatch):
    """The unique constraint is the last word: a filing that saw no case, then found one inserted
    meanwhile, answers with that case (this is the path concurrent PostgreSQL filings take)."""
    import bot.cases.store as store_module

    first, _ = store.file_case(submission(), profile, "form-1")
    real = store_module._by_idempotency_key
    calls = []

    def blind_first_time(session, key):
        calls.append(key)
        return None if len(calls) == 1 else real(session, key)

    monkeypatch.setattr(store_module, "_by_idempotency_key", blind_first_time)
    again, created = store.file_case(submission(), profile, "form-1")
    assert (again.reference, created) == (first.reference, False)
    assert len(calls) == 2
    assert _count(store, Case) == 1


def test_a_reference_already_taken_is_drawn_again(store, profile, monkeypatch):
    first, _ = store.file_case(submission(), profile, "form-1")
    drawn = iter([first.reference, first.reference])
    real = references.new_reference
    monkeypatch.setattr(references, "new_reference",
                        lambda case_type: next(drawn, None) or real(case_type))
    second, created = store.file_case(submission(), profile, "form-2")
    assert created and second.reference != first.reference


def test_the_module_level_helpers_use_the_store_of_the_settings(database_url, profile,
                                                                monkeypatch):
    import bot.cases as cases

    monkeypatch.setenv("INTAKE_DATABASE_URL", database_url)
    monkeypatch.setenv("INTAKE_FORWARD_URL", "")
    monkeypatch.setattr(cases, "_default", None)
    try:
        case, created = cases.file_case(None, submission(), profile, "form-1")
        assert created
        assert cases.find_by_reference(case.reference.lower()).reference == case.reference
        assert cases.default_store().look_up("c", case.reference, "ada@example.org").case.reference \
            == case.reference
        merged_into, merged = cases.add_information(case.reference, "and the window")
        assert merged and merged_into.reference == case.reference
        store = cases.default_store()
        store.acknowledge(case.reference, "staff:a")
        store.record_response(case.reference, "staff:a", "answer")
        assert cases.request_stage2(case.reference, "not happy", True).stage == 2
        with pytest.raises(InvalidReference):
            cases.find_by_reference("CMP-22222-2")
    finally:
        if cases._default is not None:
            cases._default.dispose()


def test_a_service_the_profile_does_not_have_is_refused_not_filed(store, profile):
    from bot.policy import PolicyError

    with pytest.raises(PolicyError, match="has no service 'care'"):
        store.file_case(submission(service="care"), profile, "care-1")
    assert store.count() == 0
