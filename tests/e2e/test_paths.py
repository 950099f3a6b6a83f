"""More paths a resident takes, over the REST channel against the real Rasa server and action
server, each checked in the case store: the clarifying question when the classifier cannot place
a message, correcting the summary in words, "stop" while choosing what to change, a safeguarding
concern or emergency recorded for staff at once, the exclusions, a representative, stage 2, more
information, the lockout of failed case look-ups, and an over-long message."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from bot.cases.lookups import LOCK_SECONDS, MAX_FAILURES
from bot.intake.existing import NOT_FOUND
from tests.e2e.conftest import cases_of
from tests.e2e.resident import Resident
from tests.e2e.test_conversations import LONDON, confirm_and_file, reference_in

pytestmark = pytest.mark.e2e


def parse(stack, text: str) -> dict:
    """What the model makes of a message (Rasa's HTTP API), without saying it to anyone."""
    response = requests.post(f"{stack.url}/model/parse", params={"token": stack.token},
                             json={"text": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def filed_on(case) -> date:
    return case.created_at.astimezone(LONDON).date()


def complaint_to_summary(resident: Resident, description: str, *, when: str = "last Tuesday",
                         contact: bool = False, postcode: str = "M1 1AE") -> None:
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer(description, "when did this happen")
    resident.answer(when, "who has been affected")
    resident.answer("just me", "put things right")
    resident.answer("an apology", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    if not contact:
        resident.answer("/deny", "is that right")
        return
    resident.answer("/affirm", "your name")
    resident.answer("Pat Lee", "postcode")
    resident.answer(f"3 Mill Lane, {postcode}", "e-mail address or phone")
    resident.answer("pat.lee@example.org", "how would you like us to contact you")
    resident.choose("email", "format")
    resident.choose("standard", "easier for you")
    resident.answer("no", "is that right")


# --- 1. the clarifying question, also when the classifier could not place the message ----------
# The classifier is rarely unsure about a whole message, so the first tests give the server the
# classifier's verdict (a user event with its parse, as the NLU pipeline would have made it) and
# let the real policies and actions take it from there (Rasa's HTTP API: predict, execute; no
# slot is filled from such a message, so only outside a form); the others say real messages.

def say_parsed(stack, sender: str, text: str, intent: str, ranking: dict[str, float]) -> list[dict]:
    """The resident says `text`, read by the classifier as `ranking`; the assistant's replies."""
    base, params = f"{stack.url}/conversations/{sender}", {"token": stack.token}
    events = requests.get(f"{base}/tracker", params=params, timeout=30).json().get("events") or []
    if not any(event["event"] == "user" for event in events):
        stack.say(sender, "hello")  # the conversation starts over REST, as it always does
    rows = [{"name": name, "confidence": value} for name, value in ranking.items()]
    top = {"name": intent, "confidence": ranking.get(intent, 0.3)}
    if intent == "nlu_fallback":  # FallbackClassifier puts its row first and keeps the rest
        rows.insert(0, top)
    event = {"event": "user", "text": text, "input_channel": "rest",
             "parse_data": {"text": text, "intent": top, "intent_ranking": rows, "entities": []}}
    requests.post(f"{base}/tracker/events", params=params, json=event, timeout=30).raise_for_status()
    messages = []
    for _ in range(10):
        prediction = requests.post(f"{base}/predict", params=params, timeout=60).json()
        best = prediction["scores"][0]
        executed = requests.post(f"{base}/execute", params=params, timeout=60, json={
            "name": best["action"], "policy": prediction.get("policy"),
            "confidence": best["score"]})
        executed.raise_for_status()
        messages += executed.json().get("messages") or []
        if best["action"] == "action_listen":
            return messages
    raise AssertionError(f"the assistant did not wait for the resident: {messages}")


def tracker_of(stack, sender: str) -> dict:
    return requests.get(f"{stack.url}/conversations/{sender}/tracker", params={"token": stack.token},
                        timeout=30).json()


CLOSE = {"complaint": 0.34, "service_request": 0.31, "inform": 0.2, "affirm": 0.1, "greet": 0.05}


def test_a_near_tie_of_two_kinds_gets_the_clarifying_question_and_starts_the_form(rasa_stack, case_store):
    """FallbackClassifier turns a near tie of two kinds into nlu_fallback: the resident still gets
    the clarifying question with buttons, the form starts, and the message is the description."""
    resident = Resident(rasa_stack)
    text = "I reported the leak under the sink three times and still nobody has been to fix it"
    replies = say_parsed(rasa_stack, resident.sender, text, "nlu_fallback", CLOSE)
    said = "\n".join(r.get("text", "") for r in replies)
    assert "Sorry, I didn't understand" not in said
    assert "complaint" in said and "repair" in said, said  # the complaint / service request question
    payloads = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert payloads == ["/complaint", "/service_request"]
    state = tracker_of(rasa_stack, resident.sender)
    assert state["active_loop"].get("name") == "intake_form"
    assert state["slots"]["description"] == text
    # Pressing a button carries on with the form (what went wrong is already known).
    resident.answer("/complaint", "when did this happen")
    resident.answer("about three weeks ago", "who has been affected")
    resident.answer("just me", "put things right")
    resident.answer("fix it", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    case = case_store.find_by_reference(reference_in(confirm_and_file(resident, ["under the sink"])))
    assert case.case_type == "complaint" and case.description == text


def test_an_answer_like_message_mostly_about_the_kinds_gets_the_clarifying_question(rasa_stack):
    """inform on top, but most of the weight on the kinds: no rule used to reach the question."""
    resident = Resident(rasa_stack)
    ranking = {"inform": 0.4, "complaint": 0.3, "asb_report": 0.25, "greet": 0.05}
    replies = say_parsed(rasa_stack, resident.sender, "the people next door and your staff",
                         "inform", ranking)
    assert [b["payload"] for r in replies for b in r.get("buttons") or []] == ["/complaint", "/asb_report"]
    assert tracker_of(rasa_stack, resident.sender)["active_loop"].get("name") == "intake_form"
    said = resident.text("/asb_report")
    assert "neighbourhood team" in said and "?" in said


def test_an_unplaceable_message_that_is_not_about_feedback_is_asked_again(rasa_stack):
    resident = Resident(rasa_stack)
    replies = say_parsed(rasa_stack, resident.sender, "asdf qwerty", "nlu_fallback",
                         {"greet": 0.2, "affirm": 0.18, "thanks": 0.15, "complaint": 0.1})
    assert [r.get("text") for r in replies] == [
        "Sorry, I didn't understand that. Could you put it another way? You can tell me what has "
        "happened, or say \"speak to a person\"."]
    assert not tracker_of(rasa_stack, resident.sender)["active_loop"]


def test_in_a_form_an_unplaceable_message_is_still_the_answer(rasa_stack):
    """As before: in a form, what the classifier could not place is the answer to the question."""
    text = "my flat"
    if parse(rasa_stack, text)["intent"]["name"] != "nlu_fallback":
        pytest.skip(f"the model now places {text!r}: {parse(rasa_stack, text)['intent']}")
    resident = Resident(rasa_stack)
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    said = resident.answer(text, "when did this happen")
    assert "Sorry, I didn't understand" not in said
    assert tracker_of(rasa_stack, resident.sender)["slots"]["description"] == text


def test_real_messages_the_classifier_could_not_place_get_the_clarifying_question(rasa_stack):
    """The first held-out message (never trained on) that the model reads as nlu_fallback with the
    kinds close, said over REST, gets the question, not "Sorry, I didn't understand"."""
    from bot.nlp.clarify import needs_clarification
    from tests.nlu.nludata import HELDOUT_FILES, read_examples

    examples = (example.text for path in HELDOUT_FILES for example in read_examples(path))
    for text in examples:
        parsed = parse(rasa_stack, text)
        if parsed["intent"]["name"] == "nlu_fallback" \
                and needs_clarification(parsed["intent_ranking"]) is not None:
            break
    else:
        pytest.skip("this model reads no held-out message as nlu_fallback with the kinds close")
    resident = Resident(rasa_stack)
    said = resident.text(text)
    assert "Sorry, I didn't understand" not in said and resident.last_buttons(), \
        resident.dump("no clarifying question")


# --- 4, 5. correcting the summary in words, and "stop" while choosing --------------------------

def test_a_correction_in_words_asks_the_question_it_names_again(resident, case_store):
    complaint_to_summary(resident, "The gas engineer left the cooker disconnected", when="last Tuesday")
    said = resident.answer("the date was last Monday not Tuesday", "when did this happen")
    assert '"When"' in said
    said = resident.answer("last Monday", "is that right")
    assert "last Monday" in said
    done = confirm_and_file(resident, ["last Monday", "gas engineer"])
    case = case_store.find_by_reference(reference_in(done))
    day = filed_on(case)
    assert case.event_date_text == "last Monday"
    assert case.event_date == day - timedelta(days=(day.weekday() - 0) % 7 or 7)


def test_a_correction_in_words_that_names_no_answer_asks_the_resident_to_choose(resident, case_store):
    complaint_to_summary(resident, "Nobody fixed the broken fence")
    said = resident.answer("that's not quite how it went")
    buttons = [b["payload"] for b in resident.last_buttons()]
    assert '/inform{"choice": "affected"}' in buttons, resident.dump("no answers to choose")
    assert "choose" in said.lower() or "which answer" in said.lower()
    resident.choose("affected", "who has been affected")
    resident.answer("me and my partner", "is that right")
    case = case_store.find_by_reference(reference_in(confirm_and_file(resident, ["me and my partner"])))
    assert case.affected == "me and my partner"


def test_stop_while_choosing_what_to_change_files_nothing(resident, case_store):
    complaint_to_summary(resident, "The lift has been broken for a month")
    resident.answer("/deny", "which answer would you like to change")
    said = resident.answer("stop")
    assert "Nothing has been sent" in said and "Sorry, I didn't understand" not in said
    resident.text("/affirm")  # a late "yes, send it" sends nothing
    assert cases_of(case_store, resident.sender) == []
    # Nothing is waiting: a new message starts afresh.
    assert "what went wrong" in resident.text("I want to make a complaint").lower()

    # "stop" at the summary itself, likewise.
    other = Resident(resident.stack)
    complaint_to_summary(other, "The lift has been broken for two months")
    said = other.answer("stop")
    assert "Nothing has been sent" in said and "Sorry, I didn't understand" not in said
    assert cases_of(case_store, other.sender) == []


# --- 3. safety concerns reach staff at once ------------------------------------------------------

def test_a_safeguarding_concern_mid_form_is_recorded_for_staff_at_once_even_after_stop(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    concern = "I think my neighbour is abusing her children, I can hear them screaming every night"
    said = resident.answer(concern, "what went wrong")
    assert "flagged this conversation as a safeguarding concern" in said
    # Recorded now, before the form is finished...
    recorded = cases_of(case_store, resident.sender)
    assert len(recorded) == 1
    # ... and still there after "stop", which files nothing else.
    assert "Nothing has been sent" in resident.answer("stop")
    cases = cases_of(case_store, resident.sender)
    assert [c.reference for c in cases] == [recorded[0].reference]
    case = cases[0]
    assert case.safeguarding is True and case.urgent is True
    assert case.description == concern and case.status == "new"
    assert case.extra["safety_concern"] == "safeguarding_concern"
    # At the top of the staff queue: nothing that is not flagged safeguarding comes before it.
    queue = case_store.query(open_only=True)
    position = [c.reference for c in queue].index(case.reference)
    assert all(c.safeguarding for c in queue[:position])
    # Saying it again in the same conversation does not record it twice.
    resident.text(concern)
    assert len(cases_of(case_store, resident.sender)) == 1


def test_an_emergency_mid_form_is_recorded_and_the_case_filed_later_is_linked_to_it(resident, case_store):
    resident.start("I need a repair", "service_request", "what needs doing")
    # The answer to "what needs doing?" is the gas leak: the advice, the record, and the answer kept.
    said = resident.answer("I can smell gas in the hallway right now", "where is it")
    assert "0800 111 999" in said and "passed this to a member of staff as urgent" in said
    assert "kept your answer" in said
    resident.answer("Hallway by the meter, 9 Low Road, Leeds LS2 7HY", "how urgent")
    resident.choose("emergency", "when could we get in")
    resident.answer("any afternoon", "your name")
    resident.answer("Robin Hart", "e-mail address or phone")
    resident.answer("07700 900456", "how would you like us to contact you")
    resident.choose("phone", "easier for you")
    resident.answer("no", "is that right")
    done = confirm_and_file(resident, ["smell gas"])
    cases = {c.reference: c for c in cases_of(case_store, resident.sender)}
    assert len(cases) == 2
    filed = cases.pop(reference_in(done))
    (concern,) = cases.values()
    assert concern.description == "I can smell gas in the hallway right now"
    assert filed.description == "I can smell gas in the hallway right now"
    assert concern.urgent is True and concern.safeguarding is False
    assert filed.related_case_id == concern.id and filed.urgent is True
    notes = [e.details for e in case_store.history(concern.reference) if e.kind == "note_added"]
    assert notes and notes[0]["linked_reference"] == filed.reference


# --- 7. exclusions, a representative, stage 2, more information ---------------------------------

def test_legal_proceedings_are_explained_and_the_complaint_kept_for_a_person(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer("You never fixed the damp and it ruined my furniture", "when did this happen")
    resident.answer("about two months ago", "who has been affected")
    resident.answer("my whole family", "put things right")
    resident.answer("pay for the furniture", "already investigated")
    resident.answer("/deny", "legal action")
    said = resident.answer("/affirm", "for someone else")
    assert "court" in said and "member of staff will decide" in said
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    done = confirm_and_file(resident, ["ruined my furniture"])
    assert "first decide whether we can take this as a complaint" in done
    case = case_store.find_by_reference(reference_in(done))
    assert case.exclusion == "legal_proceedings" and case.status == "not accepted - pending review"
    assert case.exclusion_explanation and "court" in case.exclusion_explanation
    assert "not_accepted_reply_by" in case.deadlines


def test_an_already_investigated_complaint_is_explained_and_kept_for_a_person(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer("You still haven't repaired my roof", "when did this happen")
    resident.answer("last month", "who has been affected")
    resident.answer("me", "put things right")
    resident.answer("repair the roof", "already investigated")
    said = resident.answer("/affirm", "legal action")
    assert "already been considered under our complaints process" in said
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    case = case_store.find_by_reference(reference_in(confirm_and_file(resident, ["roof"])))
    assert case.exclusion == "already_investigated"
    assert case.status == "not accepted - pending review"


def test_a_representative_with_consent(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer("Her heating has been off for two weeks and nobody has come", "when did this happen")
    resident.answer("two weeks ago", "who has been affected")
    resident.answer("my mum", "put things right")
    resident.answer("fix the heating today", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/affirm", "name of the person")
    resident.answer("Mary Smith", "relationship")
    resident.answer("I'm her son", "permission")
    resident.answer("/affirm", "contact details")
    resident.answer("/affirm", "your name")
    resident.answer("Tom Smith", "postcode")
    resident.answer("14 Park Road, Leeds LS6 2AB", "e-mail address or phone")
    resident.answer("tom.smith@example.org", "how would you like us to contact you")
    resident.choose("email", "format")
    resident.choose("standard", "easier for you")
    resident.answer("no", "is that right")
    done = confirm_and_file(resident, ["Mary Smith", "I'm her son"])
    assert "written agreement" not in done  # they have it
    case = case_store.find_by_reference(reference_in(done))
    assert case.name == "Mary Smith"
    assert case.representative == {"name": "Tom Smith", "relationship": "I'm her son", "consent": True}
    assert case.email == "tom.smith@example.org" and case.postcode == "LS6 2AB"


def _filed_complaint_with_postcode(rasa_stack, case_store, postcode: str) -> str:
    resident = Resident(rasa_stack)
    complaint_to_summary(resident, "The communal door lock has been broken for weeks",
                         contact=True, postcode=postcode)
    return reference_in(confirm_and_file(resident, [postcode]))


def test_a_stage_2_request_after_a_status_check(rasa_stack, case_store):
    reference = _filed_complaint_with_postcode(rasa_stack, case_store, "M2 3AB")
    # Staff acknowledge it and send the stage 1 response.
    case_store.acknowledge(reference, actor="staff:e2e")
    case_store.record_response(reference, actor="staff:e2e", summary="Lock replaced", decision="upheld")

    resident = Resident(rasa_stack)
    resident.start(f"what's the status of my complaint {reference}", "complaint", "postcode or the e-mail")
    status = resident.answer("M2 3AB")
    assert reference in status and "we have sent our response" in status
    # The case this conversation has just found: neither its reference nor its postcode again.
    said = resident.answer("I'm not happy with your response and I want it to go to stage 2",
                           "why you are unhappy")
    assert reference in said and "postcode" not in said
    said = resident.answer("The lock is broken again already")
    assert f"I've asked for your complaint {reference} to go to stage 2" in said
    case = case_store.find_by_reference(reference)
    assert case.stage == 2 and case.status == "new"
    assert case.deadlines.get("stage2_acknowledge_by") and case.deadlines.get("stage2_response_by")
    (request,) = [e for e in case_store.history(reference) if e.kind == "stage2_requested"]
    assert request.details["reasons"] == "The lock is broken again already"
    assert request.details["within_window"] is True


def test_information_added_to_an_open_complaint_is_merged(rasa_stack, case_store):
    reference = _filed_complaint_with_postcode(rasa_stack, case_store, "M3 4HJ")
    resident = Resident(rasa_stack)
    resident.start(f"I want to add some information to my complaint {reference}", "complaint",
                   "postcode or the e-mail")
    resident.answer("M3 4HJ", "what would you like to add")
    said = resident.answer("Someone got in through the broken door last night")
    assert f"I've added that to your case {reference}" in said
    assert [c.reference for c in cases_of(case_store, resident.sender)] == []  # no new case
    (added,) = [e for e in case_store.history(reference) if e.kind == "information_added"]
    assert added.details["text"] == "Someone got in through the broken door last night"
    assert added.details["merged"] is True


def test_a_case_filed_in_this_conversation_is_not_asked_for_by_reference(rasa_stack, case_store):
    resident = Resident(rasa_stack)
    complaint_to_summary(resident, "The bin store door has been broken for a month",
                         contact=True, postcode="M5 6AB")
    reference = reference_in(confirm_and_file(resident, ["M5 6AB"]))
    # Said as residents say it, after the reference: the case just filed, checked by its postcode.
    said = resident.answer("oh i forgot to say, the door closer is missing as well",
                           "postcode or the e-mail")
    assert reference in said and "What is your case reference" not in said
    resident.answer("m5 6ab", "what would you like to add")
    said = resident.answer("the door closer is missing as well")
    assert f"I've added that to your case {reference}" in said
    (added,) = [e for e in case_store.history(reference) if e.kind == "information_added"]
    assert added.details["text"] == "the door closer is missing as well"


# --- 2. failed look-ups: locked, still after /restart, allowed after the lock period -------------

def _rewind_failures(case_store, conversation_id: str, seconds: float) -> None:
    """Move this conversation's failed look-ups back in time (as if the period had passed)."""
    from sqlalchemy import select

    from bot.cases.models import VerificationFailure

    with case_store.write() as session:
        for failure in session.execute(select(VerificationFailure).where(
                VerificationFailure.conversation_id == conversation_id)).scalars():
            failure.at = failure.at - timedelta(seconds=seconds)


def test_failed_look_ups_lock_the_conversation_even_after_a_restart(rasa_stack, case_store):
    reference = _filed_complaint_with_postcode(rasa_stack, case_store, "M4 5EF")
    resident = Resident(rasa_stack)
    resident.start(f"what's the status of my complaint {reference}", "complaint", "postcode or the e-mail")
    for _ in range(MAX_FAILURES - 1):
        assert NOT_FOUND in resident.answer("SW1A 2AA", "case reference")
        resident.answer(reference, "postcode or the e-mail")
    wrong_pair = resident.transcript[-2][1][0]["text"]
    # A wrong pair gets the same reply as an unknown reference.
    from bot.cases import references

    stranger = Resident(rasa_stack)
    stranger.start(f"what's the status of my complaint {references.new_reference('complaint')}",
                   "complaint", "postcode or the e-mail")
    stranger.answer("M4 5EF", "case reference")
    assert stranger.transcript[-1][1][0]["text"] == wrong_pair == NOT_FOUND

    locked = resident.answer("SW1A 2AA")
    assert "For your security" in locked and "case reference" not in locked
    # Now even the right pair is refused, in this conversation ...
    resident.start(f"what's the status of my complaint {reference}", "complaint", "for your security")
    # ... and after a restart, which empties the conversation's slots.
    resident.text("/restart")
    said = resident.text(f"what's the status of my complaint {reference}")
    assert "For your security" in said and "postcode or the e-mail" not in said
    # When the lock period has passed, the right pair is allowed.
    _rewind_failures(case_store, resident.sender, LOCK_SECONDS)
    resident.start(f"what's the status of my complaint {reference}", "complaint", "postcode or the e-mail")
    status = resident.answer("M4 5EF")
    assert reference in status and "waiting to be acknowledged" in status


# --- 8. an over-long message --------------------------------------------------------------------

def test_an_over_long_message_mid_form_is_refused_saying_so_and_what_to_do(resident, case_store):
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    limit = int(resident.stack.env["INTAKE_MAX_MESSAGE_CHARS"])
    letter = "The damp in my flat has ruined everything. " * (limit // 40 + 10)
    assert len(letter) > limit
    answer = requests.post(f"{resident.stack.url}/webhooks/rest/webhook",
                           json={"sender": resident.sender, "message": letter}, timeout=60)
    assert answer.status_code == 413
    reply = answer.json()[0]["text"]
    # Honest about what happened, and what to do: shorter parts, or another way to reach us.
    assert "haven't kept it" in reply and "shorter parts" in reply and "You can contact" in reply
    # The form is where it was: the same question is answered by the shorter message.
    part = letter[:limit]
    resident.answer(part, "when did this happen")
    resident.answer("last week", "who has been affected")
    resident.answer("me", "put things right")
    resident.answer("fix it", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    case = case_store.find_by_reference(reference_in(resident.answer("/affirm", "reference")))
    assert case.description == part.strip()


def test_news_asked_for_an_application_says_where_to_ask_and_lets_the_resident_go_on(rasa_stack, case_store):
    """A transfer or a mutual exchange is not a case filed here: no reference is asked for (the
    resident has none); where to ask instead, and the next message starts afresh."""
    resident = Resident(rasa_stack)
    said = resident.answer("has my mutual exchange gone through yet? we sent the forms in july")
    assert "not applications such as a transfer, a mutual exchange" in said, resident.dump("no answer")
    assert "case reference" not in said.lower()
    resident.start("the bathroom extractor fan has stopped working", "service_request", "where")
