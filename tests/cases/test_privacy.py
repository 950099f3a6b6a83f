"""Personal data: anonymised after the retention period, exported and erased on request, each
step in the history, with the statistics kept."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.cases import CaseNotFound, CaseQuery
from bot.cases.models import OutboxMessage, PERSONAL_FIELDS
from bot.cases.privacy import (
    REMOVED, Subject, apply_retention, erase_subject, retention_years, subject_access_export,
    years_before,
)
from tests.cases.conftest import submission

SECRET_TEXT = "Ada's flat 3, her diagnosis, her son Sam"


def _closed_case(store, profile, key, **fields):
    case, _ = store.file_case(submission(description=SECRET_TEXT, **fields), profile, key)
    store.add_note(case.reference, "Spoke to Ada about " + SECRET_TEXT, "staff:amy")
    store.add_information(case.reference, "More: " + SECRET_TEXT, "resident")
    store.acknowledge(case.reference, "staff:amy")
    store.extend(case.reference, "staff:amy", "Waiting for " + SECRET_TEXT,
                 store.today() + timedelta(days=20))  # within the policy's longest extension
    return store.close(case.reference, "staff:amy", outcome="fixed for " + SECRET_TEXT)


def _no_personal_text(store, reference):
    case = store.find_by_reference(reference, with_history=True)
    for name in PERSONAL_FIELDS:
        assert getattr(case, name) in (None, ""), name
    assert case.extra == {}
    dump = json.dumps([e.as_dict() for e in case.events])
    assert "Ada" not in dump and "diagnosis" not in dump
    return case


def test_the_retention_period_comes_from_the_policy_profile(profile):
    assert retention_years(profile) == profile.retention.case_records_years_after_closure == 6
    assert years_before(date(2032, 2, 29), 6) == date(2026, 2, 28)


def test_closed_cases_older_than_the_retention_period_are_anonymised(make_store, profile, clock,
                                                                     tracker):
    store = make_store(forward=True)
    old = _closed_case(store, profile, "old", extra={"said": SECRET_TEXT})
    still_open, _ = store.file_case(submission(description=SECRET_TEXT), profile, "open")
    clock.advance(days=365 * 3)
    recent = _closed_case(store, profile, "recent")
    clock.set(datetime(2032, 3, 10, 9, 0, tzinfo=timezone.utc))   # six years and a week later

    preview = apply_retention(store, dry_run=True, tracker=tracker)
    assert preview.references == [old.reference] and preview.years == 6
    assert store.find_by_reference(old.reference).name == "Ada Resident"

    result = apply_retention(store, tracker=tracker)
    assert result.references == [old.reference]
    assert result.closed_before == date(2026, 3, 10)
    case = _no_personal_text(store, old.reference)
    # The statistics stay.
    assert (case.case_type, case.service, case.channel, case.status, case.stage) == (
        "complaint", "housing", "rest", "closed", 1)
    assert case.created_at == old.created_at and case.closed_at == old.closed_at
    assert case.deadlines == old.deadlines and case.policy_profile == old.policy_profile
    assert case.anonymised_at is not None
    kinds = [e.kind for e in case.events]
    assert kinds[-1] == "anonymised" and kinds[:2] == ["filed", "note_added"]
    assert case.events[-1].details == {"retention_years": 6, "closed_before": "2026-03-10",
                                       "transcript_events": 0}
    extended = next(e for e in case.events if e.kind == "extended")
    assert extended.details["reason"] == REMOVED and extended.details["new_date"] == old.deadlines["stage1_response_by"]
    assert store.find_by_reference(recent.reference).description == SECRET_TEXT
    assert store.find_by_reference(still_open.reference).description == SECRET_TEXT
    assert apply_retention(store, tracker=tracker).references == []   # done once
    assert old.reference not in {c.reference for c in store.query(CaseQuery(search="diagnosis"))}

    # The outbox keeps no copy of the personal data either, and tells the landlord's system.
    with store.read() as session:
        messages = session.execute(select(OutboxMessage).where(
            OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)).scalars().all()
    assert "Ada" not in "".join(m.payload for m in messages)
    assert messages[-1].kind == "case.anonymised"


def test_subject_access_exports_everything_about_one_resident(store, profile, tracker):
    mine, _ = store.file_case(submission(), profile, "a")
    store.add_note(mine.reference, "note about Ada", "staff:amy")
    by_phone, _ = store.file_case(submission(email=None, phone="+44 7700 900123"), profile, "b")
    other, _ = store.file_case(submission(email="bob@example.org", phone=None, name="Bob"),
                               profile, "c")

    export = subject_access_export(store, Subject(email="ADA@example.org"), actor="staff:dpo",
                                   tracker=tracker)
    assert [c["reference"] for c in export["cases"]] == [mine.reference]
    assert export["cases"][0]["history"][1]["details"]["text"] == "note about Ada"
    assert export["requested_by"] == "staff:dpo"

    by_reference = subject_access_export(store, Subject(reference=mine.reference.lower()),
                                         actor="staff:dpo", tracker=tracker)
    assert {c["reference"] for c in by_reference["cases"]} == {mine.reference, by_phone.reference}
    assert other.reference not in json.dumps(by_reference)
    assert store.history(mine.reference)[-1].kind == "subject_access_export"
    assert store.history(mine.reference)[-1].actor == "staff:dpo"
    with pytest.raises(CaseNotFound):
        subject_access_export(store, Subject(reference=_unknown()), actor="staff:dpo",
                              tracker=tracker)
    with pytest.raises(ValueError):
        subject_access_export(store, Subject(), actor="staff:dpo", tracker=tracker)
    assert subject_access_export(store, Subject(email="nobody@example.org"),
                                 actor="staff:dpo", tracker=tracker)["cases"] == []


def test_erasure_removes_one_residents_data_and_keeps_the_statistics(store, profile, tracker):
    mine, _ = store.file_case(submission(), profile, "a")
    second = _closed_case(store, profile, "b")
    other, _ = store.file_case(submission(email="bob@example.org", phone="020 7946 0000",
                                          name="Bob"), profile, "c")
    erased = erase_subject(store, Subject(phone="07700900123"), actor="staff:dpo",
                           tracker=tracker).references
    assert sorted(erased) == sorted([mine.reference, second.reference])
    for reference in erased:
        case = _no_personal_text(store, reference)
        assert case.events[-1].kind == "erased" and case.events[-1].actor == "staff:dpo"
        assert case.case_type == "complaint"
    assert store.find_by_reference(other.reference).name == "Bob"
    assert erase_subject(store, Subject(phone="07700900123"), actor="staff:dpo",
                         tracker=tracker).references == []
    assert store.look_up("erased-resident", mine.reference, "SW1A 1AA").case is None


def _unknown():
    from bot.cases.references import new_reference

    return new_reference("complaint")


def test_a_service_with_a_longer_retention_keeps_its_cases_longer(make_store, clock, tracker,
                                                                   monkeypatch):
    """Housing Plus Group keeps Care Plus records 7 years, housing ones the profile's 6."""
    from bot.policy import active_profile, load_profile

    monkeypatch.setenv("INTAKE_POLICY", "housing-plus-group")
    active_profile.cache_clear()
    try:
        group = load_profile("housing-plus-group")
        assert group.service_retention_years() == {"housing": 6, "care": 7, "new-build": 6}
        store = make_store()
        housing = _closed_case(store, group, "h")
        care = _closed_case(store, group, "c", service="care")
        clock.set(datetime(2032, 3, 10, 9, 0, tzinfo=timezone.utc))   # six years and a week
        result = apply_retention(store, tracker=tracker)
        assert result.references == [housing.reference] and result.service_years == {"care": 7}
        assert store.find_by_reference(care.reference).description == SECRET_TEXT
        clock.set(datetime(2033, 3, 10, 9, 0, tzinfo=timezone.utc))   # seven years and a week
        assert apply_retention(store, tracker=tracker).references == [care.reference]
        case = _no_personal_text(store, care.reference)
        assert case.events[-1].details["retention_years"] == 7
        assert case.events[-1].details["closed_before"] == "2026-03-10"
        # Years given by hand apply to every service.
        assert apply_retention(store, tracker=tracker, years=1).service_years == {}
    finally:
        active_profile.cache_clear()


# --- values corrected since: subject access and erasure by what the case said before -------------

OLD_EMAIL, NEW_EMAIL = "ada.l@exmaple.org", "ada.l@example.org"


def _say_in_another_conversation(tracker_url, sender, text):
    """A resident's message in a conversation that filed no case (a status check)."""
    import sqlalchemy as sa

    from bot.cases.tracker import EVENTS

    engine = sa.create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(EVENTS.insert().values(
            sender_id=sender, type_name="user", timestamp=1_900_000_000.0, intent_name="inform",
            data=json.dumps({"event": "user", "text": text, "timestamp": 1_900_000_000.0})))
    engine.dispose()


def _corrected_case(store, profile):
    """Ada's case, filed with a mistyped e-mail address and an old phone number, both corrected
    since (the e-mail twice: the middle value lives on only in the history too)."""
    case, _ = store.file_case(submission(email=OLD_EMAIL, phone="07700 900111",
                                         conversation_id="conv-ada"), profile, "ada")
    store.correct_field(case.reference, "staff:amy", "email", "ada.l@example.com", OLD_EMAIL)
    store.correct_field(case.reference, "staff:amy", "email", NEW_EMAIL, "still mistyped")
    store.correct_field(case.reference, "staff:amy", "phone", "07700 900123", "she has a new phone")
    return store.find_by_reference(case.reference)


def test_subject_access_finds_a_case_by_an_e_mail_or_phone_it_had_before_a_correction(
        store, profile, tracker, tracker_url):
    case = _corrected_case(store, profile)
    assert (case.email, case.phone) == (NEW_EMAIL, "07700 900123")
    other, _ = store.file_case(submission(email="bob@example.org", phone="020 7946 0000",
                                          name="Bob", conversation_id="conv-bob"), profile, "bob")
    _say_in_another_conversation(tracker_url, "status-check", f"my email is {OLD_EMAIL.upper()}")

    export = subject_access_export(store, Subject(email=OLD_EMAIL.upper()), actor="staff:dpo",
                                   tracker=tracker)
    [found] = export["cases"]
    assert found["reference"] == case.reference and found["email"] == NEW_EMAIL
    # The correction that held the value asked about is in the export, and in the history.
    [matched] = found["corrections_matched"]
    assert matched["kind"] == "field_corrected"
    assert matched["details"]["field"] == "email" and matched["details"]["old"] == OLD_EMAIL
    assert matched in found["history"]
    assert other.reference not in json.dumps(export)
    # A conversation where she gave the old address is hers too.
    assert [c["conversation"] for c in export["other_conversations"]] == ["status-check"]

    # The middle value (corrected again since), the old phone number however typed, and the
    # current e-mail address (which also names the corrections it took part in) find it too.
    for subject in (Subject(email="ADA.L@example.com"), Subject(phone="+44 7700 900111"),
                    Subject(email=NEW_EMAIL)):
        again = subject_access_export(store, subject, actor="staff:dpo", tracker=tracker)
        assert [c["reference"] for c in again["cases"]] == [case.reference], subject
        assert again["cases"][0]["corrections_matched"], subject
    # Not by a value corrected in another field, nor one nobody had.
    assert subject_access_export(store, Subject(email="nobody@example.org"), actor="staff:dpo",
                                 tracker=tracker)["cases"] == []
    assert store.history(case.reference)[-1].kind == "subject_access_export"


def test_erasure_by_an_old_value_scrubs_it_from_the_correction_history(store, profile, tracker,
                                                                          tracker_url):
    case = _corrected_case(store, profile)
    other, _ = store.file_case(submission(email="bob@example.org", phone="020 7946 0000",
                                          name="Bob", conversation_id="conv-bob"), profile, "bob")
    _say_in_another_conversation(tracker_url, "status-check", f"my email is {OLD_EMAIL}")

    erased = erase_subject(store, Subject(email=OLD_EMAIL), actor="staff:dpo", tracker=tracker)
    assert erased.references == [case.reference]
    assert erased.conversations == 1    # the status check (the filing one was not stored here)
    after = _no_personal_text(store, case.reference)
    dump = json.dumps([e.as_dict() for e in after.events])
    for value in (OLD_EMAIL, "ada.l@example.com", NEW_EMAIL, "900111", "900123", "exmaple"):
        assert value not in dump, value
    corrections = [e.details for e in after.events if e.kind == "field_corrected"]
    # What was corrected and that it was stays; the values and the reasons in words go, and so
    # does a reason that was only the old address.
    assert corrections == [{"field": "email", "old": REMOVED, "new": REMOVED, "reason": REMOVED},
                           {"field": "email", "old": REMOVED, "new": REMOVED, "reason": REMOVED},
                           {"field": "phone", "old": REMOVED, "new": REMOVED, "reason": REMOVED}]
    assert store.find_by_reference(other.reference).email == "bob@example.org"
    # Nothing is left to find by any of the values.
    for subject in (Subject(email=OLD_EMAIL), Subject(email=NEW_EMAIL), Subject(phone="07700900111")):
        assert erase_subject(store, subject, actor="staff:dpo", tracker=tracker).references == []
