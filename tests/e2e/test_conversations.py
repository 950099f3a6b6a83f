"""Residents complete each kind of feedback over the REST channel against the real Rasa server and
action server; then the stored case is checked field by field, with its deadlines compared to
`python -m bot deadlines` for the filing date."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import cases_of

pytestmark = pytest.mark.e2e
REFERENCE = re.compile(r"\b(?:CMP|SRQ|ASB|CMT|CPL)-[A-Z0-9]{5}-[A-Z0-9]\b")
LONDON = ZoneInfo("Europe/London")


def reference_in(text: str) -> str:
    found = REFERENCE.search(text)
    assert found, f"no case reference in: {text}"
    return found.group(0)


def cli_deadlines(received: date) -> dict:
    result = subprocess.run([sys.executable, "-m", "bot", "deadlines", "--policy", "housing-ombudsman-code",
                             "--received", received.isoformat()], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def confirm_and_file(resident, summary_must_show: list[str]) -> str:
    summary = resident.transcript[-1][1]
    summary_text = "\n".join(r.get("text", "") for r in summary)
    for item in summary_must_show:
        assert item in summary_text, resident.dump(f"summary lacks {item!r}")
    return resident.answer("/affirm", "reference")


def test_complaint_with_an_interruption_is_filed_with_its_deadlines(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer("The repairs team didn't turn up to fix my leaking roof and nobody called me",
                    "when did this happen")
    said = resident.answer("how long does it take to deal with a complaint?", "when did this happen")
    assert "acknowledge" in said.lower()  # the timescale, with dates, before the question again
    resident.answer("last Tuesday", "who has been affected")
    resident.answer("me and my two children", "put things right")
    resident.answer("I want the roof fixed and an apology", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/affirm", "your name")
    resident.answer("Jo Bloggs", "postcode")
    resident.answer("12 Acacia Avenue, Manchester M1 1AE", "e-mail address or phone")
    resident.answer("jo.bloggs@example.com", "how would you like us to contact you")
    resident.choose("email", "format")
    resident.choose("large print", "easier for you")
    resident.answer("no thanks", "is that right")
    done = confirm_and_file(resident, ["leaking roof", "last Tuesday", "Jo Bloggs", "M1 1AE",
                                       "large print"])
    reference = reference_in(done)
    assert reference.startswith("CMP-")
    assert "Housing Ombudsman" in done and "0300 111 3000" in done

    case = case_store.find_by_reference(reference)
    filed_on = case.created_at.astimezone(LONDON).date()
    assert case.case_type == "complaint" and case.service == "housing" and case.stage == 1
    assert case.status == "new" and case.channel == "rest"
    assert case.conversation_id == resident.sender
    assert case.description.startswith("The repairs team didn't turn up")
    assert case.event_date_text == "last Tuesday"
    last_tuesday = filed_on - timedelta(days=(filed_on.weekday() - 1) % 7 or 7)
    assert case.event_date == last_tuesday
    assert case.affected == "me and my two children"
    assert case.desired_outcome == "I want the roof fixed and an apology"
    assert (case.name, case.postcode, case.email) == ("Jo Bloggs", "M1 1AE", "jo.bloggs@example.com")
    assert case.preferred_contact == "email" and case.preferred_format == "large print"
    assert case.anonymous is False and case.urgent is False and case.safeguarding is False
    expected = cli_deadlines(filed_on)
    for key in ("acknowledge_by", "stage1_response_by", "stage1_extended_response_by"):
        assert case.deadlines[key] == expected[key], key
    # The resident was told the same dates.
    from bot.policy.wording import format_date

    assert format_date(date.fromisoformat(expected["acknowledge_by"])) in done

    # Asking again with the same reference and postcode finds it; a wrong postcode does not.
    other = type(resident)(resident.stack)
    other.start(f"what's the status of my complaint {reference}", "complaint", "postcode or the e-mail")
    assert "I couldn't find a case" in other.answer("SW1A 2AA", "case reference")
    other.answer(reference, "postcode or the e-mail")
    status = other.answer("m1 1ae")
    assert reference in status and "waiting to be acknowledged" in status


def test_service_request_is_told_it_is_not_a_complaint_and_damp_is_triaged(resident, case_store):
    opening = resident.start("There is black mould all over my bedroom wall and ceiling",
                             "service_request", "where is it")
    assert "not a complaint" in opening
    resident.answer("Bedroom, 4 Elm Court, Leeds LS1 4AP", "how urgent")
    resident.choose("urgent", "when could we get in")
    resident.answer("weekday mornings, there's a dog", "your name")
    resident.answer("Sam Patel", "e-mail address or phone")
    resident.answer("07700 900123", "how would you like us to contact you")
    resident.choose("phone", "easier for you")
    resident.answer("I'm hard of hearing so please text first", "is that right")
    done = confirm_and_file(resident, ["black mould", "LS1 4AP", "Sam Patel"])
    reference = reference_in(done)
    assert reference.startswith("SRQ-")
    assert "Awaab" in done
    case = case_store.find_by_reference(reference)
    assert case.case_type == "service_request" and case.stage is None
    assert case.description == "There is black mould all over my bedroom wall and ceiling"
    assert case.location == "Bedroom, 4 Elm Court, Leeds LS1 4AP"
    assert case.extra.get("urgency") == "urgent"
    assert case.awaab_category == "significant"
    # Awaab's Law: significant damp and mould investigated within the profile's working days,
    # counted as the policy module counts them from the moment it was filed.
    from bot.policy import load_profile
    from bot.policy.deadlines import awaab_deadlines, uk_date

    expected = awaab_deadlines(load_profile("housing-ombudsman-code"),
                               case.created_at.astimezone(LONDON), "significant")
    assert case.deadlines["awaab_investigate_by"] == uk_date(expected["investigate_by"]).isoformat()
    assert case.phone == "+447700900123" and case.postcode == "LS1 4AP"
    assert case.reasonable_adjustments == "I'm hard of hearing so please text first"
    assert case.access_availability == "weekday mornings, there's a dog"


def test_dissatisfaction_in_a_service_request_is_offered_as_a_complaint(resident, case_store):
    resident.start("I need a repair", "service_request", "what needs doing")
    resident.answer("I reported the leak under my sink three times and nobody came",
                    "would you like to make a complaint")
    assert "/affirm" in [b["payload"] for b in resident.last_buttons()]
    resident.answer("/affirm", "when did this happen")
    resident.answer("about three weeks ago", "who has been affected")
    resident.answer("just me", "put things right")
    resident.answer("fix the leak", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")  # anonymous: the summary comes next
    done = confirm_and_file(resident, ["three times"])
    case = case_store.find_by_reference(reference_in(done))
    assert case.case_type == "complaint" and case.anonymous is True and case.name is None
    assert case.complaint_offered is True
    assert case.event_date_text == "about three weeks ago"
    assert case.event_date == case.created_at.astimezone(LONDON).date() - timedelta(weeks=3)
    assert "can't contact you about it" in done and "won't be able to check on it" in done


def test_asb_report_goes_to_the_neighbourhood_team_and_danger_means_999(resident, case_store):
    opening = resident.start("My neighbour plays loud music every night until 3am and shouts abuse",
                             "asb_report", "since when")
    assert "neighbourhood team" in opening
    resident.answer("since March", "how often")
    resident.answer("every night, worse at weekends", "where is this happening")
    resident.answer("the flat above mine, 7 Oak House", "in danger")
    said = resident.answer("/affirm", "evidence")
    assert "999" in said
    resident.answer("I've got videos and a diary", "contact details")
    resident.answer("/affirm", "your name")
    resident.answer("Alex Jones", "postcode")
    resident.answer("8 Oak House, B33 8TH", "e-mail address or phone")
    resident.answer("alex@example.org", "how would you like us to contact you")
    resident.choose("email", "is that right")
    done = confirm_and_file(resident, ["loud music", "since March", "every night"])
    case = case_store.find_by_reference(reference_in(done))
    assert case.case_type == "asb_report" and case.urgent is True
    assert case.event_date == date(date.today().year if date.today().month >= 3 else date.today().year - 1, 3, 1)
    assert case.frequency == "every night, worse at weekends" and case.evidence == "I've got videos and a diary"
    assert case.location == "the flat above mine, 7 Oak House"
    assert (case.name, case.address, case.postcode) == ("Alex Jones", "8 Oak House, B33 8TH", "B33 8TH")
    assert case.email == "alex@example.org" and case.preferred_contact == "email"


def test_comment_and_compliment(resident, case_store):
    resident.start("I have a suggestion", "comment", "which of our services or policies")
    resident.answer("the grounds maintenance", "your suggestion or comment")
    resident.answer("Please put more bins near the play area on the estate", "contact details")
    resident.answer("/deny", "is that right")
    done = confirm_and_file(resident, ["grounds maintenance", "more bins"])
    comment = case_store.find_by_reference(reference_in(done))
    assert comment.case_type == "comment" and comment.anonymous is True
    assert comment.extra.get("subject") == "the grounds maintenance"
    assert comment.description == "Please put more bins near the play area on the estate"
    assert "We will consider your comment when we next review that service or policy." in done

    other = type(resident)(resident.stack)
    other.start("I'd like to pass on a compliment", "compliment", "who would you like to thank")
    other.answer("Dave the plumber", "what did they do")
    other.answer("He fixed our boiler on Christmas Eve and was so kind to my mum", "contact details")
    other.answer("/deny", "is that right")
    done = confirm_and_file(other, ["Dave the plumber"])
    compliment = case_store.find_by_reference(reference_in(done))
    assert compliment.case_type == "compliment"
    assert compliment.extra.get("person_praised") == "Dave the plumber"
    assert compliment.description == "He fixed our boiler on Christmas Eve and was so kind to my mum"
    assert "We will pass your compliment on to the person or team and their manager." in done


def test_an_old_complaint_is_explained_and_kept_for_a_person_to_decide(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer("Your contractor damaged my kitchen floor and never paid for it", "when did this happen")
    # An old date: whether it is still happening, and when they became aware, decide (only clear
    # answers bring the exclusion).
    resident.answer("2nd of May 2023", "still happening")
    resident.answer("no it stopped when they left", "become aware")
    said = resident.answer("straight away", "who has been affected")
    assert "12 months" in said and "member of staff will decide" in said
    resident.answer("me", "put things right")
    resident.answer("compensation", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    done = confirm_and_file(resident, ["2nd of May 2023"])
    case = case_store.find_by_reference(reference_in(done))
    assert case.exclusion == "too_old"
    assert case.status == "not accepted - pending review"
    assert case.event_date == date(2023, 5, 2)


def test_emergency_mid_form_correction_and_stop(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    said = resident.answer("I can smell gas in my kitchen right now", "what went wrong")
    assert "0800 111 999" in said and "999" in said
    resident.answer("The gas engineer left without checking the cooker", "when did this happen")
    resident.answer("yesterday", "who has been affected")
    resident.answer("my family", "put things right")
    resident.answer("send someone back", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    resident.answer("/deny", "which answer would you like to change")
    assert '/inform{"choice": "affected"}' in [b["payload"] for b in resident.last_buttons()]
    resident.choose("affected", "who has been affected")
    resident.answer("my family and my elderly neighbour", "is that right")
    done = confirm_and_file(resident, ["my family and my elderly neighbour"])
    case = case_store.find_by_reference(reference_in(done))
    assert case.urgent is True and case.affected == "my family and my elderly neighbour"
    # The gas smell was recorded for staff when it was said, and the complaint is linked to it.
    concern = next(c for c in cases_of(case_store, resident.sender) if c.reference != case.reference)
    assert concern.description == "I can smell gas in my kitchen right now" and concern.urgent is True
    assert case.related_case_id == concern.id

    # "stop" ends a form without filing anything.
    other = type(resident)(resident.stack)
    other.start("I want to make a complaint", "complaint", "what went wrong")
    said = other.answer("stop")
    assert "Nothing has been sent" in said
    assert cases_of(case_store, other.sender) == []


def test_filing_twice_gives_the_same_reference(resident, case_store):
    resident.start("I have a suggestion", "comment", "which of our services or policies")
    resident.answer("repairs", "your suggestion or comment")
    resident.answer("Text me the day before an appointment", "contact details")
    resident.answer("/deny", "is that right")
    first = reference_in(confirm_and_file(resident, ["Text me"]))
    # The same confirmation delivered again (a retry, a double click) files nothing new.
    again = resident.text("/affirm")
    assert len(cases_of(case_store, resident.sender)) == 1, again
    assert first.startswith("CMT-")


def test_bad_input_gets_a_kind_reply_and_nothing_the_resident_said_is_lost(resident, case_store):
    import requests

    assert "didn't get any words" in resident.text("   ")
    assert "computer code" in resident.text("<script>alert(1)</script>")
    said = resident.text("Bonjour, je voudrais faire une réclamation au sujet de mon logement")
    assert "only understand English" in said and "French" in said

    resident.start("I want to make a complaint", "complaint", "what went wrong")
    letter = ("Dear Sir or Madam, the repairs team have not fixed the damp in my flat. " * 1400)[:100_000]
    said = resident.answer(letter, "when did this happen")
    assert "long message" in said and "kept all of it" in said
    resident.answer("about three weeks ago", "who has been affected")
    resident.answer("just me", "put things right")
    # Read by the classifier as asking for a person, but it answers the question: kept as the answer.
    resident.answer("send someone back", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    case = case_store.find_by_reference(reference_in(resident.answer("/affirm", "reference")))
    assert case.description == letter.strip()
    assert case.desired_outcome == "send someone back"

    # Every message is in the conversation, word for word, for staff to read.
    events = requests.get(f"{resident.stack.url}/conversations/{resident.sender}/tracker",
                          params={"token": resident.stack.token}, timeout=30).json()["events"]
    texts = [e.get("text") for e in events if e["event"] == "user"]
    assert "<script>alert(1)</script>" in texts and letter in texts
    assert "Bonjour, je voudrais faire une réclamation au sujet de mon logement" in texts


def test_the_conversation_is_written_to_the_sql_tracker_store(resident):
    """Rasa falls back to an in-memory store, silently, if the configured one cannot be loaded."""
    import sqlalchemy as sa

    resident.text("hello")
    engine = sa.create_engine(resident.stack.env["INTAKE_TRACKER_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT type_name FROM events WHERE sender_id = :s "
                                              "ORDER BY id"), {"s": resident.sender}).scalars().all()
    finally:
        engine.dispose()
    assert "user" in rows and "bot" in rows
