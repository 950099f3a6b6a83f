"""Issue 20 in the case store, on SQLite and PostgreSQL: correcting what a resident gave (old and
new value, who, when and why in the history; contact details that letters and forwarding use
afterwards), the same resident's other cases (e-mail, phone, or postcode and name), linking and
unlinking two cases (both histories), re-triaging an Awaab's Law hazard, and the deadline
filters in working days."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from bot.cases import lifecycle, privacy
from bot.cases.models import OutboxMessage
from bot.cases.store import CaseQuery, ConcurrentChange, InvalidTransition
from tests.cases.conftest import submission


def kinds(store, reference):
    return [e.kind for e in store.history(reference)]


# --- corrections ------------------------------------------------------------------------------

def test_a_correction_keeps_the_old_and_new_value_who_when_and_why(store, profile, clock):
    case, _ = store.file_case(submission(description="ive already told you this, the roof"),
                              profile, "c-1")
    updated = store.correct_field(case.reference, "staff:amy", "description",
                                  "The roof leaks into the back bedroom.",
                                  "The resident's answer was garbled; confirmed by phone.")
    assert updated.description == "The roof leaks into the back bedroom."
    entry = store.history(case.reference)[-1]
    assert entry.kind == "field_corrected" and entry.actor == "staff:amy"
    assert entry.at == clock()
    assert entry.details == {"field": "description", "old": "ive already told you this, the roof",
                             "new": "The roof leaks into the back bedroom.",
                             "reason": "The resident's answer was garbled; confirmed by phone."}
    assert updated.version == case.version + 1


def test_a_corrected_contact_detail_is_what_is_matched_and_forwarded(make_store, profile):
    store = make_store(forward=True)
    case, _ = store.file_case(submission(email="ada@exmaple.org", phone="07700 900123"),
                              profile, "c-2")
    store.correct_field(case.reference, "staff:amy", "email", "Ada@Example.org", "typo")
    store.correct_field(case.reference, "staff:amy", "postcode", "sw1a2aa", "moved")
    fresh = store.find_by_reference(case.reference)
    assert (fresh.email, fresh.email_key) == ("Ada@Example.org", "ada@example.org")
    assert (fresh.postcode, fresh.postcode_key) == ("SW1A2AA", "SW1A2AA")
    with store.read() as db:
        last = db.query(OutboxMessage).order_by(OutboxMessage.id.desc()).first()
        payload = json.loads(last.payload)
    assert payload["type"] == "case.field_corrected"
    assert payload["case"]["email"] == "Ada@Example.org"
    assert payload["case"]["postcode"] == "SW1A2AA"


@pytest.mark.parametrize("field_name, value, message", [
    ("email", "not an address", "is not an e-mail address"),
    ("phone", "12", "is not a phone number"),
    ("postcode", "NOWHERE 123", "is not a UK postcode"),
    ("preferred_contact", "pigeon", "preferred contact is one of"),
    ("description", "  ", "needs its description"),
    ("event_date", "yesterday", "is not a date"),
    ("reference", "CMP-22222-2", "not a field staff may correct"),
])
def test_a_correction_that_is_not_one_is_refused(store, profile, field_name, value, message):
    case, _ = store.file_case(submission(), profile, "c-3")
    with pytest.raises(InvalidTransition, match=message):
        store.correct_field(case.reference, "staff:amy", field_name, value, "because")
    assert kinds(store, case.reference) == ["filed"]


def test_a_correction_needs_a_reason_and_a_change(store, profile):
    case, _ = store.file_case(submission(), profile, "c-4")
    with pytest.raises(InvalidTransition, match="say why"):
        store.correct_field(case.reference, "staff:amy", "name", "Ada R", "  ")
    with pytest.raises(InvalidTransition, match="already says"):
        store.correct_field(case.reference, "staff:amy", "name", "Ada Resident", "same")
    with pytest.raises(ConcurrentChange):
        store.correct_field(case.reference, "staff:amy", "name", "Ada R", "typo",
                            expected_version=case.version + 5)
    # A field the resident did not give can be filled in; a date as a date.
    store.correct_field(case.reference, "staff:amy", "address", "1 High Street, Leeds", "by phone")
    store.correct_field(case.reference, "staff:amy", "event_date", date(2026, 2, 27), "by phone")
    entries = store.history(case.reference)[-2:]
    assert entries[0].details["old"] is None and entries[0].details["new"] == "1 High Street, Leeds"
    assert entries[1].details["new"] == "2026-02-27"


def test_an_anonymised_case_cannot_be_corrected_and_its_corrections_are_scrubbed(store, profile):
    case, _ = store.file_case(submission(), profile, "c-5")
    store.correct_field(case.reference, "staff:amy", "name", "Ada Q Resident", "full name")
    with store.write() as session:
        from bot.cases.models import Case

        row = session.query(Case).filter_by(reference=case.reference).one()
        privacy._anonymise(store, session, row, "anonymised", "staff:amy", {})
    entry = [e for e in store.history(case.reference) if e.kind == "field_corrected"][0]
    assert entry.details["field"] == "name"
    assert entry.details["old"] == entry.details["new"] == entry.details["reason"] == "[removed]"
    with pytest.raises(InvalidTransition, match="personal data was removed"):
        store.correct_field(case.reference, "staff:amy", "name", "Someone", "why")


# --- the same resident's cases, linked ------------------------------------------------------------

def test_the_same_residents_cases_by_email_phone_or_postcode_and_name(store, profile):
    mine, _ = store.file_case(submission(conversation_id="a", email="Ada@Example.org",
                                         phone="07700 900123", postcode="SW1A 1AA",
                                         name="Ada Resident"), profile, "r-1")
    by_email, _ = store.file_case(submission(conversation_id="b", email="ada@example.ORG",
                                             phone=None, postcode=None, name="A R"), profile, "r-2")
    by_phone, _ = store.file_case(submission(conversation_id="c", email=None,
                                             phone="+44 7700 900123", postcode=None), profile, "r-3")
    by_postcode, _ = store.file_case(submission(conversation_id="d", email=None, phone=None,
                                                postcode="sw1a1aa", name="ada  resident."),
                                     profile, "r-4")
    neighbour, _ = store.file_case(submission(conversation_id="e", email=None, phone=None,
                                              postcode="SW1A 1AA", name="Bob Neighbour"),
                                   profile, "r-5")
    found = {c.reference: why for c, why in store.same_resident(mine.reference)}
    assert found == {by_email.reference: ["email"], by_phone.reference: ["phone"],
                     by_postcode.reference: ["postcode and name"]}
    assert neighbour.reference not in found
    # And the other way round: the postcode-and-name case finds the first.
    assert mine.reference in {c.reference for c, _ in store.same_resident(by_postcode.reference)}


def test_linking_and_unlinking_are_in_both_histories(store, profile):
    complaint, _ = store.file_case(submission(conversation_id="a"), profile, "l-1")
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="b"), profile, "l-2")
    store.link_cases(complaint.reference, asb.reference, "staff:amy", reason="same flat")
    assert [c.reference for c in store.linked_cases(complaint.reference)] == [asb.reference]
    assert [c.reference for c in store.linked_cases(asb.reference)] == [complaint.reference]
    for ref, other in ((complaint.reference, asb.reference), (asb.reference, complaint.reference)):
        entry = store.history(ref)[-1]
        assert entry.kind == "cases_linked" and entry.actor == "staff:amy"
        assert entry.details == {"other_reference": other, "reason": "same flat"}
    with pytest.raises(InvalidTransition, match="already linked"):
        store.link_cases(asb.reference, complaint.reference, "staff:bob")
    with pytest.raises(InvalidTransition, match="linked to itself"):
        store.link_cases(asb.reference, asb.reference, "staff:bob")
    store.unlink_cases(asb.reference, complaint.reference, "staff:bob")
    assert store.linked_cases(complaint.reference) == []
    assert kinds(store, complaint.reference)[-1] == kinds(store, asb.reference)[-1] == "cases_unlinked"
    with pytest.raises(InvalidTransition, match="are not linked"):
        store.unlink_cases(asb.reference, complaint.reference, "staff:bob")


def test_the_new_actions_are_in_the_lifecycle_table():
    for name in ("correct_field", "link_cases", "unlink_cases", "retriage_hazard"):
        assert lifecycle.action(name).role == lifecycle.ADVOCATE
    assert lifecycle.FORMS["correct"] == "correct_field"
    assert lifecycle.FORMS["retriage"] == "retriage_hazard"


# --- re-triage ---------------------------------------------------------------------------------

def test_raising_a_hazard_starts_the_awaab_clocks_and_lowering_stops_them(store, clock):
    profile = store.profile("housing-plus-group")
    if not profile.awaabs_law_applies("housing"):
        pytest.skip("the profile has no Awaab's Law")
    case, _ = store.file_case(submission(description="Mould in the bedroom"), profile, "h-1")
    assert case.awaab_category is None
    clock.set(datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc))   # Tuesday 3 March, 3pm
    raised = store.retriage_hazard(case.reference, "staff:amy", "emergency",
                                   "A child is coughing in the mouldy room.")
    assert raised.awaab_category == "emergency"
    awaab = {k: v for k, v in raised.deadlines.items() if k.startswith("awaab_")}
    hours = profile.repairs.awaabs_law.emergency_hours
    due = datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc).timestamp() + hours * 3600
    assert datetime.fromisoformat(awaab["awaab_make_safe_by"]).timestamp() == due
    entry = store.history(case.reference)[-1]
    assert entry.kind == "hazard_retriaged"
    assert entry.details["from"] is None and entry.details["to"] == "emergency"
    assert entry.details["reason"] == "A child is coughing in the mouldy room."
    assert entry.details["deadlines"] == awaab
    # Overdue from its hour, like one filed as an emergency.
    clock.set(datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc).fromtimestamp(due + 60, timezone.utc))
    assert store.count(CaseQuery(overdue=True)) == 1
    # Lowered to significant: counted from when the hazard was first recognised.
    lowered = store.retriage_hazard(case.reference, "staff:amy", "significant", "Inspected: not an emergency")
    assert "awaab_make_safe_by" not in lowered.deadlines
    assert lowered.deadline("awaab_investigate_by") > date(2026, 3, 3)
    # None: the clocks stop, and the history keeps what they were.
    stopped = store.retriage_hazard(case.reference, "staff:amy", None, "Not a hazard after all")
    assert not [k for k in stopped.deadlines if k.startswith("awaab_")]
    assert store.history(case.reference)[-1].details["stopped"]
    with pytest.raises(InvalidTransition, match="already has no hazard category"):
        store.retriage_hazard(case.reference, "staff:amy", None, "again")
    with pytest.raises(InvalidTransition, match="say why"):
        store.retriage_hazard(case.reference, "staff:amy", "significant", " ")


def test_no_awaab_clocks_where_the_law_does_not_apply(store):
    profile = store.profile("housing-plus-group")   # its new-build sales: County Town Homes
    case, _ = store.file_case(submission(service="new-build", description="Mould"), profile, "h-2")
    with pytest.raises(InvalidTransition, match="Awaab's Law does not apply to its service"):
        store.retriage_hazard(case.reference, "staff:amy", "significant", "mould")


# --- deadline status filters ------------------------------------------------------------------------

def test_due_today_and_within_working_days_count_bank_holidays_out(store, profile, clock):
    def filed(day: str, key: str):
        clock.set(datetime.fromisoformat(day + "T10:00:00+00:00"))
        case, _ = store.file_case(submission(conversation_id=key), profile, key)
        return case.reference

    late = filed("2026-12-14", "late")        # acknowledge by Mon 21 December
    today = filed("2026-12-16", "today")      # acknowledge by Wed 23 December
    later = filed("2026-12-23", "later")      # acknowledge by Mon 4 January
    clock.set(datetime(2026, 12, 23, 11, 0, tzinfo=timezone.utc))

    def refs(**filters):
        return {c.reference for c in store.query(CaseQuery(**filters))}

    assert refs(overdue=True) == {late}
    assert refs(due_on=date(2026, 12, 23)) == {today}
    assert refs(due_within_working_days=5) == {today, later}   # 24, 29, 30, 31 Dec, 4 Jan
    assert refs(due_within_working_days=4) == {today}
