"""A first message about a case the resident already has (bot.nlp.case_tasks): read as the task it
asks for, and never taken from a new case that only mentions earlier reports."""
from __future__ import annotations

import pytest

from bot.intake import existing
from bot.nlp.case_tasks import ADD, REVIEW, STATUS, case_task, looks_like_reference


@pytest.mark.parametrize("text", [
    "had ur answer to my complaint, it ignores the mould completely, i want it looked at again",
    "stage two pls",
    "my mums complaint came back not upheld and we dont accept that, can a manager review it",
    "I'm writing to appeal the decision on my complaint about the lift",
    "the complaint letter doesnt address the leak at all. take it further please",
    "cmp 7kq4m x not happy with the outcome",
    "i'd like my complaint reopened, the fix you promised never happened",
])
def test_a_stage_2_request_in_residents_words(text):
    assert case_task(text) == REVIEW


@pytest.mark.parametrize("text", [
    "the reply to my complaint is a joke, I'll be going to the ombudsman",
    "read your final decision, you ignored what I told you, I'm referring it to the housing ombudsman",
])
def test_an_answer_rejected_on_the_way_to_the_ombudsman_is_a_review(text):
    assert case_task(text) == REVIEW


def test_the_next_step_after_a_complaint_answer_is_stage_2():
    assert case_task("got a reply to my complaint but it's not sorted, what's the next stage") == REVIEW
    assert case_task("I want a new kitchen, what's the next step") is None


@pytest.mark.parametrize("text", [
    # Asked whether someone is coming, or whether a message arrived (session 31, in my own words).
    "is someone coming round about the damp I reported on Friday?",
    "did you get my email about the broken gate?",
    "still no appointment for my boiler? reported it last week",
    "reported my toilet leaking last week, not heard a thing, what's going on",
    "any news about the complaint i put in for my dad",
    "has my noise report been picked up by anyone",
    "chasing SRQ 4PT9K H",
    "i logged a repair on the 2nd, when will someone come",
    "update on my case please",
    "any update?",
    # Asked after something sent or booked, with no "I reported" (session 32, in my own words).
    "did you lot receive the letter I posted about my son's bedroom?",
    "has our transfer form come through to you yet",
    "could you confirm you've received the photos I emailed",
    "are your roofers still coming tomorrow? nobody has rung",
    "is there an appointment yet for our bathroom refit",
    "hiya where are we up to with the gate",
    "is anybody even coming about the blocked drain I reported?",
    "any news on the lift? the engineer said parts were ordered",
    "has my succession application been looked at yet",
    "just checking in on my downsizing request",
    "was the graffiti on the garages ever removed? i reported it",
    "when's the glazier coming? reported the crack on monday",
    # Applications waited on and promises asked after (session 33, in my own words).
    "has my house swap been agreed yet?",
    "could you let me know whether my transfer application has been approved",
    "what's happening with my adaptations referral? sent it weeks ago",
    "just checking if the electrician is still booked for Thursday",
    "your colleague said she'd email the forms over on Monday, has that gone out?",
    "the officer said someone would phone me about the bid, nobody has yet",
    "reported the broken fence last week, could you let me know where things are at",
])
def test_a_chase_in_residents_words(text):
    assert case_task(text) == STATUS


@pytest.mark.parametrize("text", [
    "the damp i reported last month has spread into the lounge",
    "forgot to mention the window in the back bedroom is cracked too",
    "they were at it again last night, please put it with my asb report",
    "i gave you the wrong email on my complaint, it should be jo@example.org",
    "got more photos of the leak for my repair request",
])
def test_news_for_a_case_in_residents_words(text):
    assert case_task(text) == ADD


@pytest.mark.parametrize("text", [
    # New complaints that mention earlier reports: the classifier reads them.
    "I've reported this leak four times since March and nobody has fixed it, I want to complain",
    "still waiting for my repair after 4 months, absolute disgrace",
    "your call centre lady was rude when i rang about my report",
    "the repair you did last month has failed again",
    "I reported it to the police and they said to tell you, the man next door threatened me",
    # Said to be a complaint now, after a chase that went unanswered: a new complaint.
    "rang the office twice about the broken gate and heard nothing, so I'm now raising this as a complaint, "
    "being ignored is not acceptable",
    "I'm treating this as a formal complaint as nobody has replied to my emails about the lift",
    # First requests and questions.
    "my kitchen tap is dripping",
    "how long does stage 2 take",
    "can i send photos of the damp in my bathroom",
    # Praise for a stage 2 review is a compliment.
    "the stage 2 review was thorough and the manager who rang me was lovely",
    "",
])
def test_not_a_task_on_an_existing_case(text):
    assert case_task(text) is None


def test_a_reference_as_residents_type_it_is_seen_whatever_its_check_character():
    assert looks_like_reference("whats happening with asb 5pl8y j")
    assert looks_like_reference("SRQ4PT9KH")
    assert not looks_like_reference("my asb report about flat 12")
    assert case_task("srq9hk2pb") == STATUS


@pytest.mark.parametrize("classified", ["complaint", "service_request", "greet", "nlu_fallback"])
def test_the_opening_reading_sends_the_message_to_the_task(classified):
    from bot.rasa.reading import read_first_message

    rows = [{"name": classified, "confidence": 0.8}, {"name": "request_review", "confidence": 0.1}]
    parse = {"text": "got the stage 1 letter and its rubbish, i want a review",
             "intent": dict(rows[0]), "intent_ranking": rows}
    read = read_first_message(parse)
    assert read["intent"]["name"] == REVIEW and read["intake"]["task"] == REVIEW
    assert read["intake"]["classifier"]["name"] == classified


def test_the_safety_advice_comes_before_any_task():
    from bot.rasa.reading import read_in_context

    rows = [{"name": "emergency", "confidence": 0.9}]
    parse = {"text": "i reported a gas smell yesterday and its worse now", "intent": dict(rows[0]),
             "intent_ranking": rows}
    assert read_in_context(parse, None)["intent"]["name"] == "emergency"


def test_the_classifiers_own_task_stands_when_only_a_reference_is_seen():
    from bot.rasa.reading import read_first_message

    rows = [{"name": "request_review", "confidence": 0.9}]
    parse = {"text": "please have CMP-7KQ4M-X seen by someone new", "intent": dict(rows[0]),
             "intent_ranking": rows}
    assert read_first_message(parse)["intent"]["name"] == REVIEW


# --- what a second task in the same conversation starts with -----------------------------------

def test_a_case_checked_earlier_is_not_asked_for_again():
    slots = {"verified_reference": "CMP-7KQ4M-X", "verified_check": "M2 3AB"}
    assert existing.known_answers(None, slots) == {"case_reference": "CMP-7KQ4M-X", "verification": "M2 3AB"}
    # The same case named again: still known. Another case: only its reference.
    assert existing.known_answers("CMP-7KQ4M-X", slots)["verification"] == "M2 3AB"
    assert existing.known_answers("SRQ-4PT9K-H", slots) == {"case_reference": "SRQ-4PT9K-H"}


def test_a_case_filed_in_this_conversation_is_offered_but_still_checked():
    assert existing.known_answers(None, {"last_reference": "ASB-9RT2C-H"}) == {"case_reference": "ASB-9RT2C-H"}
    assert existing.known_answers(None, {}) == {}


# --- praise and accounts that only mention an earlier report -------------------------------------

@pytest.mark.parametrize("text", [
    "Shout out to the repairs line, answered in a minute and booked my job there and then. Progress!",
    "fair play to the team, my repair was booked in a day",
])
def test_praise_is_not_a_task_on_a_case(text):
    assert case_task(text) is None


def test_an_account_that_ends_with_no_reply_is_left_to_the_classifier():
    text = ("Your gardeners mowed the green, sprayed grass all over my car and cracked the wing mirror with a "
            "stone. I emailed about it a fortnight ago and nobody has replied.")
    assert case_task(text) is None
    # Asked, or short, the same words still chase the case.
    assert case_task("I emailed about it a fortnight ago and nobody has replied") == STATUS
    assert case_task("I emailed about the damage to my car two weeks ago and nobody has replied, "
                     "can you tell me what is happening with it?") == STATUS


# --- news asked for an application, not a case filed here ---------------------------------------

@pytest.mark.parametrize("text, application", [
    ("has our house swap gone through yet?", True),
    ("any news on my transfer, put the forms in back in May", True),
    ("could you check where I am on the waiting list", True),
    ("any update on my complaint about the transfer decision?", False),  # one of ours
    ("has my repair been booked", False),
    ("what's happening with SRQ-4PT9K-H, it's the swap one", False),   # a reference given
])
def test_news_of_an_application_is_not_a_case_to_look_up(text, application):
    assert existing.about_an_application(text) is application


# --- what heldout_real9 taught, in other words ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "my radiator valve you replaced last month has never worked properly, please send someone back",
    "got a message saying the job was done. it wasn't. no one even turned up",
    "they keep closing my repair as completed but nothing has been done, the gutter is still leaking",
])
def test_a_failure_told_is_left_to_the_classifier_as_a_complaint(text):
    assert case_task(text) is None


@pytest.mark.parametrize("text", [
    "I logged a broken fence panel last week, just wondering when somebody's coming to look",
    "Work order no. 5520193 - has the new door arrived yet?",
    "the survey man said he'd order new windows. has that gone through?",
    "did my report get logged? I filled the form in on friday",
    "following up on my call yesterday about the mould - has a visit been booked?",
    "is the roof work still going ahead next week? we had a letter in october",
    "the joiner came and said the plasterer would be next, any idea when?",
    "can you check whether my refund for the overpaid rent has been processed",
    "just checking the electrician is still coming tomorrow morning",
    "I emailed asking about adding my son to the tenancy, can you check it was received?",
])
def test_neutral_chases_from_the_ninth_real_set(text):
    assert case_task(text) == STATUS


@pytest.mark.parametrize("text", [
    "complaint closed and nobody rang me. it isn't sorted. please escalate",
    "I got a letter from the complaints team last week and I don't accept it, please look at it again",
])
def test_an_answer_rejected_in_few_words_is_a_review(text):
    assert case_task(text) == REVIEW


def test_waiting_on_the_complaints_team_is_not_a_review():
    assert case_task("been waiting weeks for a call back from the complaints team about my damp") != REVIEW


@pytest.mark.parametrize("text", [
    "I told you about the dog mess on the stairs a fortnight ago, has the caretaker managed to clear it yet?",
    "did the housing officer get round to visiting them yet?",
    "wondering if my doctor's support letter has reached you, it was posted on the 3rd",
    "I ring last Tuesday for the toilet not flushing. When the plumber come?",
    "I asked for stage 2 on the 10th of November, can you confirm it's been received please?",
    "reported the leak online Monday and the app still says pending, is someone coming?",
    "the fitter said they had to order a new part for the shower, any idea when it will be in?",
])
def test_chases_from_the_tenth_real_set(text):
    """Asked after a report under way, in a second language's past, after an ordered part, of a
    portal's "pending", of a stage 2 already asked for (a status check, not a review)."""
    assert case_task(text) == STATUS


def test_asking_for_stage_2_is_still_a_review():
    assert case_task("I want my complaint to go to stage 2, I'm not happy with the answer") == REVIEW
    assert case_task("can you put this through to stage two please") == REVIEW


# --- what heldout_real11 taught, in other words ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "the damp man came round a fortnight ago and said it would be treated before christmas, any news?",
    "We handed in the succession paperwork in October - could you check the progress of it?",
    "my support worker sent a letter to you about a move, can you tell me where it is in the list",
    "has the new pump for the shower come in? the plumber said he'd order it on monday",
    "my dad phoned about his front door lock on Friday but he doesn't know if it was logged, can you check?",
    "I asked for a new rent card a while back, could you let me know how that's going",
    "I escalated my complaint to stage two three weeks ago, when should I expect to hear back?",
    "can you confirm my inspection date? we were told at the tenants meeting it would be sorted by friday",
])
def test_chases_from_the_eleventh_real_set(text):
    """Asked after something sent, promised or asked for before: a status check (a stage 2
    already asked for too)."""
    assert case_task(text) == STATUS


def test_a_visit_promised_and_never_kept_is_left_to_the_classifier():
    assert case_task("They keep texting me that I missed appointments. They said they'd come Tuesday. "
                     "They didn't even turn up and now they say it's my fault.") is None


# --- what heldout_real12 taught, in other words ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "just checking where we are with the mutual exchange, all the forms went in last month",
    "rang you lot about the broken gate a fortnight back, has anything been done?",
    "The GP put in a referral for a stairlift in the summer - can you tell me where it's at please",
    "chasing up the replacement letterbox, has it arrived yet?",
    "the surveyor said he'd be back with a damp meter. any idea when that might be?",
    "Was told someone from the tenancy team would ring me Monday. Are they still planning to call?",
    "we've got a transfer application in, could you check if it's been processed yet",
    "job update pls",
])
def test_chases_from_the_twelfth_real_set(text):
    """Asked after something put in, promised or ordered, however briefly: a status check."""
    assert case_task(text) == STATUS


@pytest.mark.parametrize("text", [
    "Whilst I appreciate your apology, the letter gives no date for the repair. Please take my complaint to stage 2.",
    "Re: my complaint about the lift. I have read the reply and I do not agree with it, please escalate it.",
    "Had my stage one response and it's a cut and paste of the job notes, nothing about the missed visits. "
    "Asking for the next stage.",
])
def test_reviews_from_the_twelfth_real_set(text):
    """An answer to a complaint disagreed with, conceded or called a copy: a review."""
    assert case_task(text) == REVIEW


def test_thanks_that_is_only_thanks_stays_praise():
    assert case_task("I really appreciate how quickly the stage 2 review was done, thank you") is None
