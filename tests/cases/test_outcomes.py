"""After the response: a decision per point, remedies with amounts, follow-up actions tracked to
done (and overdue when late), and Awaab's Law clocks that run on until the hazard work is done."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.cases import privacy
from bot.cases.store import InvalidTransition
from tests.cases.conftest import submission


def test_points_and_remedies_are_kept_with_the_response(store, profile):
    case, _ = store.file_case(submission(), profile, "o-1")
    store.record_response(
        case.reference, "staff:amy", "We were slow and the repair was poor.",
        decision="partly_upheld",
        points=[{"point": "The repair took 3 months", "decision": "upheld"},
                {"point": "The operative was rude", "decision": "not_upheld"},
                {"point": "", "decision": ""}],  # an empty row of the form is left out
        remedies=[{"kind": "apology", "description": "Apology for the delay"},
                  {"kind": "financial", "description": "Time and trouble", "amount": "£1,250.5"},
                  {"kind": "", "description": "", "amount": ""}])
    details = store.history(case.reference)[-1].details
    assert details["decision"] == "partly_upheld"
    assert details["points"] == [{"point": "The repair took 3 months", "decision": "upheld"},
                                 {"point": "The operative was rude", "decision": "not_upheld"}]
    assert details["remedies"][1] == {"kind": "financial", "description": "Time and trouble",
                                      "amount": "1250.50"}


@pytest.mark.parametrize("bad, message", [
    ({"remedies": [{"kind": "financial", "description": "goodwill"}]}, "needs its amount"),
    ({"remedies": [{"kind": "financial", "amount": "lots"}]}, "not a sum of money"),
    ({"remedies": [{"kind": "voucher"}]}, "a remedy is one of"),
    ({"points": [{"point": "slow", "decision": "maybe"}]}, "choose a decision"),
    ({"decision": "partly upheld"}, "the decision must be one of"),
])
def test_an_outcome_that_does_not_add_up_is_refused(store, profile, bad, message):
    case, _ = store.file_case(submission(), profile, "o-bad")
    with pytest.raises(InvalidTransition, match=message):
        store.record_response(case.reference, "staff:amy", "answer", **bad)
    assert store.find_by_reference(case.reference).status == "new"  # nothing recorded


def test_follow_up_actions_keep_a_deadline_until_done(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "o-2")
    store.acknowledge(case.reference, "staff:amy")
    responded = store.record_response(case.reference, "staff:amy", "upheld", decision="upheld")
    assert responded.next_deadline is None  # the response stops the stage's clocks
    due = clock().date() + timedelta(days=14)
    item = store.add_follow_up(case.reference, "staff:amy", "Replace the extractor fan",
                               owner="staff:bob", due_date=due)
    assert item.owner == "bob"
    case_now = store.find_by_reference(case.reference)
    assert case_now.next_deadline == due and not case_now.is_overdue(clock().date())
    clock.advance(days=15)
    assert store.find_by_reference(case.reference).is_overdue(clock().date())
    [listed] = store.follow_ups(case.reference)
    assert listed.is_overdue(clock().date())
    store.complete_follow_up(case.reference, item.id, "staff:bob", note="Fitted on the 16th")
    done = store.find_by_reference(case.reference)
    assert done.next_deadline is None and not done.is_overdue(clock().date())
    with pytest.raises(InvalidTransition, match="already done"):
        store.complete_follow_up(case.reference, item.id, "staff:bob")
    kinds = [e.kind for e in store.history(case.reference)]
    assert kinds[-2:] == ["follow_up_added", "follow_up_done"]


def test_awaabs_law_clocks_run_past_the_response_until_the_work_is_done(store, profile, clock):
    case, _ = store.file_case(submission(description="black mould in the bedroom",
                                         awaab_category="significant"), profile, "o-3")
    investigate = case.deadline("awaab_investigate_by")
    assert investigate is not None
    store.acknowledge(case.reference, "staff:amy")
    responded = store.record_response(case.reference, "staff:amy", "We will treat the mould",
                                      decision="upheld")
    assert responded.next_deadline == investigate  # the hazard clock did not stop
    clock.set_uk(f"{(investigate + timedelta(days=1)).isoformat()}T10:00")
    assert store.find_by_reference(case.reference).is_overdue(clock())
    done = store.record_hazard_work_done(case.reference, "staff:amy", "Mould treated, fan fitted")
    assert done.next_deadline is None and not done.is_overdue(clock())
    other, _ = store.file_case(submission(), profile, "o-4")
    with pytest.raises(InvalidTransition, match="no Awaab's Law"):
        store.record_hazard_work_done(other.reference, "staff:amy")


def test_erasure_empties_follow_up_text(store, profile, tracker):
    case, _ = store.file_case(submission(), profile, "o-5")
    store.record_response(case.reference, "staff:amy", "answer", decision="upheld")
    store.add_follow_up(case.reference, "staff:amy", "Call Ada at 4 Mill Lane",
                        due_date=date(2026, 4, 1))
    privacy.erase_subject(store, privacy.Subject(email="ada@example.org"), actor="staff:dpo",
                          tracker=tracker)
    [item] = store.follow_ups(case.reference)
    assert "Ada" not in item.description and "Mill Lane" not in item.description


def test_a_response_recorded_after_the_day_it_went_out_keeps_both_days(store, profile, clock):
    """The history entry is stamped when it was recorded (an audit trail never back-dates); the
    day the response went out is kept with it and is the day the reports count."""
    from datetime import datetime, timezone

    from bot.staff.reports import CaseFacts

    case, _ = store.file_case(submission(), profile, "o-late")
    clock.advance(days=7)
    sent = datetime(2026, 3, 4, 15, 0, tzinfo=timezone.utc)
    store.record_response(case.reference, "staff:amy", "Sent by post on Wednesday.",
                          decision="upheld", at=sent)
    entry = store.history(case.reference)[-1]
    assert entry.at.date() == date(2026, 3, 9)
    assert entry.details["issued_at"] == "2026-03-04T15:00:00+00:00"
    updated = store.find_by_reference(case.reference)
    facts = CaseFacts.from_case(updated, store.history(case.reference))
    assert [h.day for h in facts.history if h.kind == "responded"] == [date(2026, 3, 4)]
    # Recorded the same moment it went out: nothing extra.
    other, _ = store.file_case(submission(conversation_id="conv-2"), profile, "o-now")
    store.record_response(other.reference, "staff:amy", "Done.", decision="upheld")
    assert "issued_at" not in store.history(other.reference)[-1].details
