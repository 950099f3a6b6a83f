"""Profile settings that change what happens to a case: each one tried both ways, so a setting
that stops doing what it says fails here."""
from __future__ import annotations

from datetime import date

from bot.intake.replies import what_counts
from bot.policy import load_profile
from bot.policy.deadlines import complaint_deadlines
from bot.policy.wording import complaint_next_steps
from tests.cases.conftest import submission


def _variant(name: str, **stage1):
    profile = load_profile(name)
    return profile.copy(update={"stage1": profile.stage1.copy(update=stage1)}, deep=True)


def test_more_information_joins_an_open_complaint_where_the_profile_merges(make_store):
    merging = _variant("housing-ombudsman-code", merge_additional_complaints=True)
    store = make_store(profile_loader=lambda name: merging)
    case, _ = store.file_case(submission(), merging, "m-1")
    same, merged = store.add_information(case.reference, "Also the boiler.", "resident",
                                         channel="webchat", conversation_id="conv-9")
    assert merged and same.reference == case.reference
    entry = store.history(case.reference)[-1]
    assert entry.details["merged"] is True and entry.details["conversation_id"] == "conv-9"


def test_a_profile_that_does_not_merge_logs_a_new_linked_complaint(make_store):
    separate = _variant("housing-ombudsman-code", merge_additional_complaints=False)
    store = make_store(profile_loader=lambda name: separate)
    case, _ = store.file_case(submission(), separate, "m-2")
    new_case, merged = store.add_information(case.reference, "And the roof leaks.", "resident",
                                             channel="webchat", conversation_id="conv-9")
    assert not merged and new_case.reference != case.reference
    assert new_case.case_type == "complaint" and new_case.conversation_id == "conv-9"
    assert store.history(case.reference)[-1].details["linked_reference"] == new_case.reference
    # Any other kind of case still takes more information, whatever the complaint rule.
    report, _ = store.file_case(submission(case_type="asb_report"), separate, "m-3")
    assert store.add_information(report.reference, "It happened again.", "resident")[1] is True


def test_a_contact_time_at_stage_1_is_a_deadline_and_is_told_to_the_resident():
    with_contact = _variant("housing-ombudsman-code", contact_working_days=3)
    without = _variant("housing-ombudsman-code", contact_working_days=None)
    monday = date(2026, 3, 2)
    assert complaint_deadlines(with_contact, monday)["stage1_contact_by"] == date(2026, 3, 5)
    assert "stage1_contact_by" not in complaint_deadlines(without, monday)
    told = complaint_next_steps(with_contact, monday)
    assert "contact you by Thursday 5 March 2026" in told, told
    assert "contact you by" not in complaint_next_steps(without, monday)


def test_a_stage_1_contact_date_is_kept_with_the_case_and_stops_counting_once_acknowledged(
        make_store):
    profile = load_profile("seed-003-landlord")
    store = make_store(profile_loader=lambda name: profile)
    case, _ = store.file_case(submission(), profile, "c-1")
    assert case.deadline("stage1_contact_by") is not None
    assert case.next_deadline == min(case.deadline("stage1_contact_by"),
                                     case.deadline("acknowledge_by"))
    acknowledged = store.acknowledge(case.reference, "staff:amy")
    assert acknowledged.next_deadline == acknowledged.deadline("stage1_response_by")


def test_there_and_then_resolution_is_told_only_where_the_profile_offers_it():
    offered = _variant("housing-ombudsman-code", there_and_then_resolution=True)
    not_offered = _variant("housing-ombudsman-code", there_and_then_resolution=False)
    monday = date(2026, 3, 2)
    told = complaint_next_steps(offered, monday)
    assert "there and then" in told and "in writing" in told, told
    assert "there and then" not in complaint_next_steps(not_offered, monday)


def test_who_can_complain_is_told_when_a_resident_asks_what_counts():
    text = what_counts(load_profile("seed-003-landlord"))[0]["text"]
    assert "residents' groups; former customers; and housing applicants" in text, text
    plain = load_profile("housing-ombudsman-code")
    assert not plain.who_can_complain
    assert "Under our policy" not in what_counts(plain)[0]["text"]
