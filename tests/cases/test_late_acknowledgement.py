"""One rule for a late acknowledgement, in the case record, the extension limit and the reports:
acknowledging late buys no time (the response counts from when the acknowledgement was due)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.cases.store import InvalidTransition
from bot.staff import reports
from bot.staff.reports import CaseFacts
from tests.cases.conftest import submission


def facts(store, reference):
    case = store.find_by_reference(reference, with_history=True)
    return CaseFacts.from_case(case, case.events)


def test_stage1_late_acknowledgement_case_and_reports_agree(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "late-1")  # Monday 2 March 2026
    assert case.deadlines["acknowledge_by"] == "2026-03-09"
    clock.set_uk("2026-03-13T15:00")  # four working days late
    acknowledged = store.acknowledge(case.reference, "staff:amy")
    # 10 working days from 9 March (when it was due), not from 13 March.
    assert acknowledged.deadlines["stage1_response_by"] == "2026-03-23"
    reported = reports.stage1_deadlines(facts(store, case.reference), profile)
    assert reported.response_by.isoformat() == acknowledged.deadlines["stage1_response_by"]

    # The outer limit of an extension counts from the same date, in the store as in CH02.
    limit = acknowledged.deadlines["stage1_extended_response_by"]
    with pytest.raises(InvalidTransition, match="later than policy profile"):
        store.extend(case.reference, "staff:amy", "explained",
                     date.fromisoformat(limit) + timedelta(days=1))
    extended = store.extend(case.reference, "staff:amy", "explained", date.fromisoformat(limit))
    reported = reports.stage1_deadlines(facts(store, case.reference), profile)
    assert reported.response_by.isoformat() == extended.deadlines["stage1_response_by"] == limit

    # Answered on the date the case shows: the report counts it as on time.
    clock.set_uk(limit + "T16:00")
    store.record_response(case.reference, "staff:amy", "upheld")
    outcomes = reports.stage_outcomes(facts(store, case.reference), profile, date(2026, 6, 1))
    assert outcomes == {"stage1_acknowledged": "late", "stage1_responded": "met"}


def test_stage2_late_acknowledgement_case_and_reports_agree(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "late-2")
    store.acknowledge(case.reference, "staff:amy")
    store.record_response(case.reference, "staff:amy", "not upheld")
    clock.advance(days=3)
    moved = store.request_stage2(case.reference, "I disagree")
    assert moved.stage == 2
    due = date.fromisoformat(moved.deadlines["stage2_acknowledge_by"])
    clock.advance(days=12)  # well past the 5 working days
    acknowledged = store.acknowledge(case.reference, "staff:bob")
    reported = reports.stage2_deadlines_of(facts(store, case.reference), profile)
    assert reported.acknowledge_by == due
    # Both count from when the acknowledgement was due.
    assert reported.response_by.isoformat() == acknowledged.deadlines["stage2_response_by"]
    from bot.policy.deadlines import stage2_deadlines

    on_time = stage2_deadlines(profile, moved.stage2_requested_at, acknowledged=due)
    assert acknowledged.deadlines["stage2_response_by"] == on_time["response_by"].isoformat()
