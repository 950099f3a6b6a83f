"""Seed 004: a further extension past the policy's limit needs the resident's agreement, which is
recorded; profiles without that rule allow none."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.cases.store import InvalidTransition
from bot.policy import load_profile
from tests.cases.conftest import submission


def extended_to_the_limit(store, profile, key):
    case, _ = store.file_case(submission(), profile, key)
    store.acknowledge(case.reference, "staff:amy")
    reason = profile.extension_reasons(1)[0].key
    case = store.extend(case.reference, "staff:amy", reason)
    assert case.deadlines["stage1_response_by"] == case.deadlines["stage1_extended_response_by"]
    return case


def test_seed_004_further_extension_with_the_residents_agreement(store):
    profile = load_profile("seed-004-landlord")
    case = extended_to_the_limit(store, profile, "fx-1")
    later = case.deadline("stage1_response_by") + timedelta(days=14)
    with pytest.raises(InvalidTransition, match="needs the resident's agreement"):
        store.extend(case.reference, "staff:amy", "contractor delayed", later)
    agreed = store.extend(case.reference, "staff:amy", "contractor delayed", later,
                          resident_agreement="Agreed by phone with Ms Resident on 20 March")
    assert agreed.deadline("stage1_response_by") == later
    entry = store.history(case.reference)[-1]
    assert entry.kind == "extended"
    assert entry.details["resident_agreement"] == "Agreed by phone with Ms Resident on 20 March"


def test_without_the_rule_no_further_extension_is_possible(store, profile):
    case = extended_to_the_limit(store, profile, "fx-2")
    later = case.deadline("stage1_response_by") + timedelta(days=14)
    with pytest.raises(InvalidTransition, match="later than policy profile"):
        store.extend(case.reference, "staff:amy", "more time", later,
                     resident_agreement="they said yes")
    assert store.find_by_reference(case.reference).deadline("stage1_response_by") < later


def test_the_reports_count_an_agreed_further_extension_as_in_time(store):
    """The store accepts the agreed date; CH02 and policy timeliness must not then count a
    response on it late against the usual limit."""
    from bot.staff.reports import CaseFacts, stage1_deadlines

    profile = load_profile("seed-004-landlord")
    case = extended_to_the_limit(store, profile, "fx-3")
    limit = case.deadline("stage1_response_by")
    facts = CaseFacts.from_case(case, store.history(case.reference))
    assert stage1_deadlines(facts, profile).response_by == limit
    later = limit + timedelta(days=14)
    store.extend(case.reference, "staff:amy", "contractor delayed", later,
                 resident_agreement="Agreed in writing on 20 March")
    case = store.find_by_reference(case.reference)
    facts = CaseFacts.from_case(case, store.history(case.reference))
    assert stage1_deadlines(facts, profile).response_by == later
