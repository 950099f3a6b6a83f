"""Each answer read in the light of the question asked (bot.intake.reading): the ways residents
really answer, from the issue that found them (issue 16) and the staff who read the transcripts.
The blind answer sets measure the reader as a whole (tests/conversations/test_answers.py)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from bot.intake import digressions, reading as r
from bot.intake.fields import FIELD_LABELS
from bot.settings import PROJECT_ROOT

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # a Tuesday
CHANGEABLE = tuple(FIELD_LABELS) + ("still_happening", "aware_date_text")


def read(question: str, text: str, **kwargs) -> r.Reading:
    return r.read(question, text, now=NOW, changeable=CHANGEABLE, **kwargs)


@pytest.mark.parametrize("text, kind", [
    ("no, it's for me", r.NO), ("just me", r.NO), ("myself", r.NO), ("for me", r.NO),
    ("Yes, it's for my mum", r.YES), ("Yes, she asked me to do it for her", r.YES),
    ("its for my nan, shes 89", r.YES), ("who else would it be for", r.NO),
    ("idk", r.UNSURE), ("kind of, its my dads tenancy but i live here too", r.UNSURE),
])
def test_who_the_complaint_is_for(text, kind):
    assert read("on_behalf", text).kind == kind


@pytest.mark.parametrize("question, text, kind", [
    ("already_investigated", "idk", r.UNSURE),
    ("already_investigated", "No, I have not complained about this before.", r.NO),
    ("already_investigated", "nobody has investigated anything", r.NO),
    ("already_investigated", "They sent a letter but I don't know if it was the final one", r.UNSURE),
    ("already_investigated", "i got a stage 1 letter but nothing final", r.NO),
    # A guess or a question back is not the yes that ends the complaint process.
    ("already_investigated", "I think so, someone wrote to me last year", r.UNSURE),
    ("already_investigated", "I think so? there was an email with a number in it", r.UNSURE),
    ("already_investigated", "what's a final response?? I don't understand", r.UNSURE),
    ("legal_proceedings", "wats a court claim??", r.UNSURE),
    ("already_investigated", "whats a final response? i had a letter saying sorry", r.UNSURE),
    ("legal_proceedings", "i reckon so, my brother sorted a solicitor", r.UNSURE),
    ("reuse_details", "i think so yeah", r.YES),
    ("share_details", "i think so? will they know it was me", r.UNSURE),
    ("in_danger", "i don't think so? he hasn't hit anyone yet", r.UNSURE),
    ("in_danger", "i don't think so, he just shouts", r.NO),
    ("legal_proceedings", "thinking about it", r.NO),
    ("legal_proceedings", "my solicitor has issued a claim", r.YES),
    ("complaint_choice", "No, I just want it sorted", r.NO),
    ("complaint_choice", "No I just want it to stop", r.NO),
    ("complaint_choice", "go on then", r.YES),
    ("share_details", "anon is fine", r.NO),
    ("share_details", "no i dont want them knowing it was me", r.NO),
    ("share_details", "no problem", r.YES),
    ("in_danger", "not at the moment", r.NO),
    ("in_danger", "no nobody's in danger, its just noise", r.NO),
    ("still_happening", "it hasnt stopped", r.YES),
    ("still_happening", "It has stopped now, thank you for asking.", r.NO),
    ("reuse_details", "yes but my email is different now", r.NO),
    ("reuse_details", "same", r.YES),
    ("representative_consent", "I'll have to ask her first", r.NO),
])
def test_yes_no_and_not_sure_by_question(question, text, kind):
    assert read(question, text).kind == kind


def test_not_sure_is_never_a_yes():
    for text in ("idk", "not sure", "dunno tbh", "can't remember", "maybe?", "no idea",
                 "yes I think so but I'm not sure"):
        assert read("already_investigated", text).kind != r.YES, text


@pytest.mark.parametrize("text, ongoing, day", [
    ("since 2024 and it's still there", True, "2024-01-01"),
    ("since they moved in, about 2 months", True, "2026-10-01"),
    ("beginning of march", False, "2026-03-01"),
    ("12/11", False, "2026-11-12"),
    ("still happening", True, None),
    ("2 yrs", True, "2024-12-01"),
    ("since 2023 and its still not fixed", True, "2023-01-01"),
])
def test_dates_as_residents_give_them(text, ongoing, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and bool(got.ongoing) == ongoing
    assert got.date == day or (day and got.date[:7] == day[:7])


def test_a_date_to_come_or_that_does_not_exist_is_unclear_and_says_why():
    assert read("event_date_text", "next tuesday").value == "future"
    assert read("event_date_text", "31st of February").value == "impossible"


@pytest.mark.parametrize("question, text, kind", [
    ("name", "i said anonymous", r.SKIP), ("name", "rather not say", r.SKIP),
    ("contact_details", "skip", r.SKIP), ("contact_details", "no i dont want to give them", r.SKIP),
    ("contact_details", "i want to stay anonymous", r.SKIP), ("address", "anon", r.SKIP),
    ("preferred_contact", "dont contact me", r.SKIP),
])
def test_skip_and_anonymous_at_every_personal_question(question, text, kind):
    assert read(question, text).kind == kind


def test_names_addresses_and_contact_details():
    assert read("name", "my names Gary but everyone calls me Gaz").value == "Gary"
    assert read("name", "what?? no im trying to send a compliment").kind == r.UNCLEAR
    assert read("represented_name", "my mum, Joan Fairclough").value == "Joan Fairclough"
    spaced = read("address", "Flat 91, Tamar Tower, Leeds LS9  7QT")
    assert spaced.kind == r.ANSWER and spaced.details == {"postcode": "LS9 7QT"}
    assert read("contact_details", "gary dot t at example dot com").details["email"] == "gary.t@example.com"
    assert read("contact_details", "same details as my complaint").details == {"reuse": True}


@pytest.mark.parametrize("text, level", [
    ("not urgent", "routine"), ("well its not an emergency but soon please", "urgent"),
    ("its urgent but nobody is in danger", "urgent"), ("danger to health id say", "emergency"),
    ("can wait", "routine"), ("medium?", "urgent"),
])
def test_urgency_with_its_negations(text, level):
    assert read("urgency", text).value == level


@pytest.mark.parametrize("question, text, topic", [
    ("desired_outcome", "how long will this take", digressions.TIMESCALES),
    ("location", "can i speak to a person", digressions.HUMAN),
    # Frustrated, mid-form: a person asked for however it is put.
    ("address", "cant i just phone somebody and tell them all this", digressions.HUMAN),
    ("case_reference", "what reference?? PUT ME THROUGH TO SOMEONE", digressions.HUMAN),
    ("postcode", "this is ridiculous. get me your supervisor", digressions.HUMAN),
    ("event_date_text", "stop", digressions.STOP),
    ("on_behalf", "are you a bot?", digressions.BOT),
    ("legal_proceedings", "what's the ombudsman", digressions.OMBUDSMAN),
    ("frequency", "stop, I'll do this later", digressions.STOP),
    ("reuse_details", "hang on theres water pouring out the ceiling onto my fusebox!!", digressions.EMERGENCY),
])
def test_only_a_clear_digression_leaves_the_question(question, text, topic):
    got = read(question, text)
    assert (got.kind, got.topic) == (r.DIGRESSION, topic)


def test_a_person_told_about_is_not_a_person_asked_for():
    got = read("description", "they put me through to the repairs team and nobody picked up for an hour")
    assert got.kind != r.DIGRESSION


@pytest.mark.parametrize("question, text", [
    ("desired_outcome", "I want it to stop"),                     # an answer, not "stop"
    ("desired_outcome", "someone to actually listen and call me back when they say they will"),
    ("description", "I reported it and asked to speak to a manager, nobody rang me"),
])
def test_words_of_a_digression_inside_an_answer_keep_the_answer(question, text):
    assert read(question, text).kind == r.ANSWER


def test_safety_words_inside_an_answer_are_reported_with_it():
    threat = read("frequency", "This is the first time he's threatened me")
    assert threat.kind == r.ANSWER and threat.safety == digressions.SAFEGUARDING
    boiler = read("description", "no heating and my 2 year old is freezing")
    assert boiler.kind == r.ANSWER and boiler.safety == digressions.EMERGENCY
    # "the smell is awful" in an answer about mould is not a gas leak.
    mould = read("additional_information", "its spreading and the smell is awful")
    assert mould.kind == r.ANSWER and mould.safety is None


def test_a_classifier_sure_of_a_digression_counts_but_not_against_a_yes_or_no():
    parse = {"intent": {"name": "request_human", "confidence": 0.97}}
    assert read("affected", "someone", parse=parse).kind == r.DIGRESSION
    assert read("on_behalf", "no", parse=parse).kind == r.NO


@pytest.mark.parametrize("text, kind, field", [
    ("yep send it", r.CONFIRM, None), ("all correct", r.CONFIRM, None), ("👍", r.CONFIRM, None),
    ("no the already investigated bit is wrong, nobody has investigated anything", r.CHANGE,
     "already_investigated"),
    ("change the contact details bit", r.CHANGE, "contact_details"),
    ("the date is wrong it was march", r.CHANGE, "event_date_text"),
    ("change my phone number to 07700 900123", r.CHANGE, "contact_details"),
    ("wrong times, I'm in Wednesday afternoons not mornings", r.CHANGE, "access_availability"),
])
def test_the_summary_never_starts_another_case(text, kind, field):
    got = read(r.SUMMARY, text)
    assert (got.kind, got.field) == (kind, field)


@pytest.mark.parametrize("text", ["what?? no im trying to send a compliment", "hmm",
                                  "I want to make a complaint about my neighbour"])
def test_at_the_summary_what_names_no_answer_sends_nothing_and_changes_nothing(text):
    got = read(r.SUMMARY, text)
    assert got.kind in (r.CHANGE, r.UNCLEAR) and got.field is None


def test_a_correction_carries_its_new_value():
    assert read(r.SUMMARY, "change my phone number to 07700 900123").new_value == "+447700900123"
    assert read(r.SUMMARY, "the postcode is LS9 7QT").new_value == "LS9 7QT"


@pytest.mark.parametrize("text, field", [
    ("the postcode", "address"), ("my email", "contact_details"), ("the date bit", "event_date_text"),
    ("name", "name"), ("the whole things wrong tbh", None),
])
def test_which_answer_to_change(text, field):
    got = read(r.WHICH_ANSWER, text)
    assert (got.kind, got.field) == (r.FIELD, field)


def test_a_button_press_is_left_to_rasa():
    assert read("on_behalf", "/affirm").kind == r.PAYLOAD


def test_the_digressions_are_the_domains_interruptions():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(domain["x-interruptions"]) == set(digressions.TOPICS) | set(digressions.SCREENED)


def test_a_reading_travels_as_plain_data():
    got = read("event_date_text", "since 2024 and it's still there")
    assert r.Reading.from_dict(got.as_dict()) == got


def test_a_story_told_in_answer_to_which_kind_is_read_by_the_classifier():
    story = ("Back in October your men came to sort out a leaking pipe under the hallway floor, "
             "which they did, but they pulled up my hall carpet and never put it back down")
    parse = {"intent_ranking": [{"name": "complaint", "confidence": 0.78},
                                {"name": "asb_report", "confidence": 0.07}]}
    assert r.read("feedback_kind", story, parse=parse).value == "complaint"
    assert r.read("feedback_kind", "get it sorted", parse=parse).value == "service_request"


@pytest.mark.parametrize("question, text, expected", [
    # Voice typing writes the punctuation out.
    ("name", "Maureen Clegg full stop", {"kind": r.ANSWER, "value": "Maureen Clegg"}),
    ("event_date_text", "the fifth of October comma I think", {"kind": r.DATE, "date": "2026-10-05"}),
    # Ordinals in words, weekdays cut short, a month closer than a season.
    ("event_date_text", "twenty second of November", {"kind": r.DATE, "date": "2026-11-22"}),
    ("event_date_text", "fri night", {"kind": r.DATE, "date": "2026-11-27"}),
    ("aware_date_text", "back in the summer, august i think", {"kind": r.DATE, "date": "2026-08-01"}),
    # A name followed by a sentence, by where the person lives, or after "my husband name is".
    ("name", "Gail Pryce. I'm partially sighted.", {"kind": r.ANSWER, "value": "Gail Pryce"}),
    ("represented_name", "Mr Leonard Hibbert of Oakfield Road", {"kind": r.ANSWER, "value": "Mr Leonard Hibbert"}),
    ("represented_name", "My wife name is Shazia Akhtar", {"kind": r.ANSWER, "value": "Shazia Akhtar"}),
    ("name", "Dr. Okafor", {"kind": r.ANSWER, "value": "Dr. Okafor"}),
    ("contact_details", "no ta", {"kind": r.SKIP}),
])
def test_answers_as_voice_typing_and_chat_give_them(question, text, expected):
    got = read(question, text).as_dict()
    assert {key: got.get(key) for key in expected} == expected, got


@pytest.mark.parametrize("text", ["champion, send it in", "looks spot on to me pet, off you go"])
def test_a_chatty_go_ahead_at_the_summary_sends_it(text):
    assert read(r.SUMMARY, text).kind == r.CONFIRM


@pytest.mark.parametrize("question, text, expected", [
    ("name", "skip", {"kind": r.SKIP}),  # what the question itself says to type
    ("represented_name", "Skip.", {"kind": r.SKIP}),
    ("name", "i'd rather speak to a person", {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("address", "hang on is this a bot or a real person", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("name", "am i talkin to a computer", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("name", "can i talk to a real person please", {"kind": r.DIGRESSION, "topic": "request_human"}),
    (r.SUMMARY, "That is all correct. Please proceed.", {"kind": r.CONFIRM}),
    (r.SUMMARY, "hang on, i dont want to send it now", {"kind": r.DIGRESSION, "topic": "stop"}),
    (r.SUMMARY, "wait, the address is wrong", {"kind": r.CHANGE, "field": "address"}),
])
def test_skips_bots_and_second_thoughts(question, text, expected):
    got = read(question, text).as_dict()
    assert {key: got.get(key) for key in expected} == expected, got


@pytest.mark.parametrize("question, text, concern", [
    ("affected", "Me and my daughter. Honestly I've had thoughts of ending my life over all this",
     digressions.SAFEGUARDING),
    ("reasonable_adjustments", "I'm deaf. And I've been that low I thought about ending it", digressions.SAFEGUARDING),
    ("location", "flat 9 opposite mine, the little girl is in there by herself again", digressions.SAFEGUARDING),
    ("evidence", "photos of the bruises on my neck", digressions.SAFEGUARDING),
    ("access_availability", "any time, but the power's off and my dad is on a dialysis machine",
     digressions.EMERGENCY),
    ("affected", "just me, I live on my own", None),
    ("desired_outcome", "end my tenancy early without paying the notice", None),
])
def test_safety_said_in_passing_inside_an_answer_is_heard(question, text, concern):
    got = read(question, text)
    assert got.kind == r.ANSWER and got.safety == concern, got


@pytest.mark.parametrize("question, text, expected", [
    ("represented_name", "me nan, margaret o'neill", "Margaret O'Neill"),
    ("represented_name", "Sorry, it's my sister I'm doing this for actually, Priya Shah", "Priya Shah"),
    ("name", "Do you really need it? You've got it already. Ellen Marsh.", "Ellen Marsh"),
    ("name", "Tom Brady - sorry, Tom Bradley, autocorrect", "Tom Bradley"),
])
def test_names_said_late_or_again(question, text, expected):
    got = read(question, text)
    assert (got.kind, got.value) == (r.ANSWER, expected), got


@pytest.mark.parametrize("text, kind", [
    ("The problem remains unresolved.", r.YES),
    ("nothing else has happened since thank god", r.NO),
    ("It's stopped now. Well the dripping has, the damp patch is still there", r.NO),
])
def test_still_happening_in_a_sentence(text, kind):
    assert read("still_happening", text).kind == kind


@pytest.mark.parametrize("text, day", [
    # Today is Tuesday 1 December 2026.
    ("since last december", "2025-12-01"),        # on 1 December, "last December" is a year ago
    ("last june", "2026-06-01"),
    ("the third week of october", "2026-10-18"),
    ("wednesday before last", "2026-11-18"),
    ("the week before last, on the friday", "2026-11-20"),
    ("ever since the august bank holiday", "2026-08-31"),
    ("easter bank holiday", "2026-04-06"),        # Easter Monday, England and Wales
    ("since sat nite", "2026-11-28"),
])
def test_days_residents_name_by_what_was_around_them(text, day):
    got = read("event_date_text", text)
    assert (got.kind, got.date) == (r.DATE, day), got


@pytest.mark.parametrize("text", ["nah dont send it", "naw dinnae send it", "do not send it yet",
                                  "no don't submit it"])
def test_a_summary_answer_that_says_not_to_send_never_sends(text):
    assert read(r.SUMMARY, text).kind != r.CONFIRM


def test_an_answer_offered_twice_is_still_one_answer():
    from bot.intake import corrections

    assert corrections.field_meant("still happening", ["still_happening", "name", "still_happening"]) \
        == "still_happening"


@pytest.mark.parametrize("text, field", [
    ("the bit about my eyesight", "reasonable_adjustments"),
    ("who im thanking", "person_praised"),
    ("how you get hold of me", "preferred_contact"),
])
def test_an_answer_named_by_what_it_is_about(text, field):
    got = read(r.WHICH_ANSWER, text)
    assert (got.kind, got.field) == (r.FIELD, field), got
