"""Answers as residents typed them in the fifth and sixth blind answer sets (misspelt, dialect,
voice typing, two dates in one answer), each read as it means. Rewritten here in other words:
the sets themselves stay where they are, and these check the classes of reading, not the items."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.intake import reading as r
from bot.intake.digressions import safety_in

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # a Tuesday
CHANGEABLE = ("description", "event_date_text", "still_happening", "aware_date_text", "affected", "location",
              "frequency", "evidence", "already_investigated", "on_behalf", "represented_name", "name", "address",
              "contact_details", "preferred_contact", "preferred_format", "reasonable_adjustments",
              "access_availability")


def read(question: str, text: str) -> r.Reading:
    return r.read(question, text, now=NOW, changeable=CHANGEABLE)


@pytest.mark.parametrize("text, day", [
    ("since the clocks went back, aye", date(2026, 10, 25)),
    ("ever since the clocks went forwards in march", date(2026, 3, 29)),
    ("since bonfire neet", date(2026, 11, 5)),
    ("sinse the begining of ocotber", date(2026, 10, 1)),
    ("been going on since the summer, worse since halloween", date(2026, 7, 15)),
    ("since march, every single weekend", date(2026, 3, 1)),
    ("the weekend before last", date(2026, 11, 21)),
    ("from the 3rd to about the 18th of nov", date(2026, 11, 3)),
    ("the 4th or 5th of November I think", date(2026, 11, 4)),
    ("THE NIGHT IT STARTED, 29TH AUGUST", date(2026, 8, 29)),
    ("0630hrs Fri 27 Nov", date(2026, 11, 27)),
    ("a cupple of weeks back", date(2026, 11, 17)),
    ("since last year October", date(2025, 10, 1)),
    ("the week before crismas last yeer", date(2025, 12, 18)),
    ("last spring", date(2026, 4, 15)),
    ("since the summer hols", date(2026, 7, 22)),
    ("thursday gone", date(2026, 11, 26)),
])
def test_dates_as_residents_give_them(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


def test_a_date_that_says_nothing_of_now_is_neither_going_on_nor_over():
    # An old date with nothing said either way brings "is it still happening?", not the time limit.
    assert read("event_date_text", "2024").ongoing is None
    assert read("event_date_text", "since 2024").ongoing is True
    assert read("event_date_text", "june 2024, it stopped in the autumn").ongoing is False


@pytest.mark.parametrize("question, text, kind", [
    ("still_happening", "not shure", r.UNSURE),
    ("still_happening", "it stop", r.NO),
    ("still_happening", "i think it's gone quiet? not heard him since sunday", r.UNSURE),
    ("on_behalf", "for masel", r.NO),
    ("on_behalf", "im doin it for my self", r.NO),
    ("on_behalf", "For the old man upstairs, he's got no one", r.YES),
    ("representative_consent", "i havnt asked her", r.NO),
    ("representative_consent", "ain't asked him yet", r.NO),
    ("share_details", "stay and on a miss", r.NO),
    ("share_details", "only if my neighbour won't find out", r.UNSURE),
    ("already_investigated", "happen it has, there was a letter", r.UNSURE),
    ("legal_proceedings", "solicitor's writing letters but nothing's been filed", r.NO),
    ("complaint_choice", "she'd rather not make a fuss", r.NO),
    ("reuse_details", "difrent", r.NO),
    ("in_danger", "he threatened me again last night and he's still next door", r.YES),
])
def test_yes_no_in_residents_words(question, text, kind):
    assert read(question, text).kind == kind


@pytest.mark.parametrize("question, text, kind", [
    ("aware_date_text", "nae idea pal, cannae mind", r.UNSURE),
    ("aware_date_text", "Mum can't remember and I'm honestly not sure either", r.UNSURE),
])
def test_not_knowing_a_date_is_unsure(question, text, kind):
    assert read(question, text).kind == kind

# What the twenty-first set taught (each class in other words than the set's).
TWENTYFIRST_CLASSES = [
    ("legal_proceedings", "my solicitor's on it and wrote to you, idk if anything's been filed at court",
     {"kind": r.UNSURE}),
    ("description", "no heating since Sunday and my son is 3 years, the flat is freezing at night",
     {"kind": r.ANSWER, "safety": "emergency"}),
    ("urgency", "not so bad, it can wait a bit", {"kind": r.ANSWER, "value": "routine"}),
    ("representative_consent", "does this still count as a complaint if it's for my nan?",
     {"kind": r.DIGRESSION, "topic": "ask_what_counts_as_complaint"}),
    ("in_danger", "is a real person reading this?", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("in_danger", "the wiring yes, it's hanging out the wall", {"kind": r.YES}),
    ("representative_consent", "she couldn't say yes, she's too poorly", {"kind": r.UNSURE}),
    ("access_availability", "depends, how long are we talking, days or weeks?",
     {"kind": r.DIGRESSION, "topic": "ask_timescales"}),
    ("share_details", "have them", {"kind": r.YES}),
    ("share_details", "what mean stay anonymous?", {"kind": r.UNSURE}),
    ("address", "CF10 1AA - sorry no, CF10 1AB", {"kind": r.ANSWER, "details": {"postcode": "CF10 1AB"}}),
    ("address", "ls9 7 qt", {"kind": r.ANSWER, "details": {"postcode": "LS9 7QT"}}),
    ("preferred_format", "Can I get it in Polish please? Po polsku proszę", {"kind": r.ANSWER,
                                                                            "value": "another language"}),
    ("event_date_text", "every night from the 3rd to the 5th of October, then it stopped",
     {"kind": r.DATE, "date": "2026-10-03", "ongoing": False}),
    ("event_date_text", "two weeks this Thursday", {"kind": r.DATE, "date": "2026-11-19"}),
    ("aware_date_text", "the second weekend in October", {"kind": r.DATE, "date": "2026-10-10"}),
]

# What the twenty-second set taught (2026-12-07), in other words than its answers.
TWENTYSECOND_CLASSES = [
    ("event_date_text", "since 2 October and no one's sorted it", {"kind": r.DATE, "date": "2026-10-02",
                                                                    "ongoing": True}),
    ("event_date_text", "my son's birthday, 4 of September. From that day it is dripping",
     {"kind": r.DATE, "date": "2026-09-04", "ongoing": True}),
    ("event_date_text", "since the 9th of October no wait the 9th of November, sorry",
     {"kind": r.DATE, "date": "2026-11-09"}),
    ("event_date_text", "sinse agust", {"kind": r.DATE, "date": "2026-08-01", "ongoing": True}),
    ("event_date_text", "since the clocks went forard", {"kind": r.DATE, "date": "2026-03-29"}),
    ("aware_date_text", "the clocks changed, that weekend", {"kind": r.DATE, "date": "2026-10-25"}),
    ("aware_date_text", "the tuesday after the clocks went back", {"kind": r.DATE, "date": "2026-10-27"}),
    ("aware_date_text", "saturday, 3 weeks past", {"kind": r.DATE, "date": "2026-11-07"}),
    ("aware_date_text", "three weeks ago on the Wednesday", {"kind": r.DATE, "date": "2026-11-11"}),
    ("aware_date_text", "the Friday after my op on 2 October", {"kind": r.DATE, "date": "2026-10-09"}),
    ("still_happening", "they mended it Monday but it went again last night", {"kind": r.YES}),
    ("still_happening", "no more now, is finish", {"kind": r.NO}),
    ("already_investigated", "yes stage one and stage two, I have both replies", {"kind": r.YES}),
    ("already_investigated", "I don't think so, I'd need to check with my son", {"kind": r.UNSURE}),
    ("legal_proceedings", "Mum isn't suing anyone, she just wants a dry flat", {"kind": r.NO}),
    ("legal_proceedings", "had some advice off a solicitor but nothing at court", {"kind": r.NO}),
    ("representative_consent", "he signed the authority form last week", {"kind": r.YES}),
    ("representative_consent", "I need to check with him first", {"kind": r.NO}),
    ("reuse_details", "same name but the phone's different now", {"kind": r.NO}),
    ("reuse_details", "whatever I gave you last time", {"kind": r.YES}),
    ("name", "Bryony Lowe L O W E", {"kind": r.ANSWER, "value": "Bryony Lowe"}),
    ("name", "jon, no, jonathan price", {"kind": r.ANSWER, "value": "Jonathan Price"}),
    ("name", "Aisha, just Aisha, he hurt my daughter last year and I'm frightened",
     {"kind": r.ANSWER, "safety": "safeguarding_concern"}),
    ("location", "the light switch in the hall, it's hot to the touch", {"kind": r.ANSWER, "safety": "emergency"}),
    ("aware_date_text", "yesterday, a chunk of ceiling came down onto my son's bed",
     {"kind": r.DATE, "safety": "emergency"}),
    ("event_date_text", "he's outside now yelling at my kids and they're terrified",
     {"kind": r.DIGRESSION, "topic": "safeguarding_concern"}),
    ("description", "The toilet. Oh no forget it, I'm not doing this over the phone",
     {"kind": r.DIGRESSION, "topic": "stop"}),
    ("desired_outcome", "could someone ring me instead. my hands are bad today",
     {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("complaint_choice", "would complaining make it take longer?", {"kind": r.DIGRESSION, "topic": "ask_timescales"}),
    ("confirm", "That all looks right, thanks for your time", {"kind": r.CONFIRM}),
    ("confirm", "that'll do, it will do", {"kind": r.CONFIRM}),
    ("confirm", "please change the support bit to say I need large print letters",
     {"kind": r.CHANGE, "field": "reasonable_adjustments"}),
    ("confirm", "wrong flat, it's flat 3/2 not 2/3", {"kind": r.CHANGE, "field": "address"}),
    ("field_to_change", "my adress", {"kind": r.FIELD, "field": "address"}),
    ("field_to_change", "neither, just get a person to call me", {"kind": r.DIGRESSION, "topic": "request_human"}),
]

# What the twenty-third set taught (2026-12-07), in other words than its answers.
TWENTYTHIRD_CLASSES = [
    ("already_investigated", "Please stop now, I don't want to go on with this",
     {"kind": r.DIGRESSION, "topic": "stop"}),
    ("legal_proceedings", "please stop, this is too much for me today", {"kind": r.DIGRESSION, "topic": "stop"}),
    ("event_date_text", "since Monday no hot water, and now a bit of a gas smell by the cooker",
     {"safety": "emergency"}),
    ("affected", "all of us, my son is frightened to go to school past their house",
     {"safety": "safeguarding_concern"}),
    ("frequency", "most nights, last week he came to the door with a bat", {"safety": "safeguarding_concern"}),
    ("in_danger", "no, but my nan's carer has been taking cash out of her purse", {"safety": "safeguarding_concern"}),
    ("aware_date_text", "the 3rd of November, and a man followed my daughter home on Friday",
     {"kind": r.DATE, "safety": "safeguarding_concern"}),
    ("legal_proceedings", "no, though you've threatened me with eviction over the rent",
     {"kind": r.NO, "safety": None}),
    ("desired_outcome", "sort him out and stop the noise", {"kind": r.ANSWER, "safety": None}),
    ("still_happening", "the electrician came and it's working fine now", {"kind": r.NO}),
    ("already_investigated", "neva", {"kind": r.NO}),
    ("already_investigated", "what means final response? I only ring, I never complain properly", {"kind": r.NO}),
    ("already_investigated", "not as far as I know, I'll double-check with my mum", {"kind": r.UNSURE}),
    ("name", "Okonkwo, Grace", {"kind": r.ANSWER, "value": "Grace Okonkwo"}),
    ("preferred_format", "english is fine", {"kind": r.ANSWER, "value": "standard"}),
    ("preferred_contact", "I do not want any contact thanks", {"kind": r.SKIP}),
    ("event_date_text", "since the weekend after bonfire night", {"kind": r.DATE, "date": "2026-11-07"}),
    ("event_date_text", "since the end of the summer", {"kind": r.DATE, "date": "2026-08-01", "ongoing": True}),
    ("event_date_text", "tbh I can't remember when it started, it's been going on forever", {"kind": r.UNSURE}),
    ("confirm", "all fine except the time, but that doesn't matter, send it", {"kind": r.CONFIRM}),
    ("confirm", "it doesn't say the landlord's name but send it anyway", {"kind": r.CONFIRM}),
]

# Found while the twenty-fourth set was being written (in other words than its items).
TWENTYFOURTH_CLASSES = [
    ("still_happening", "can't say for sure, I've been stopping at my daughter's", {"kind": r.UNSURE}),
    ("already_investigated", "I cannot be certain", {"kind": r.UNSURE}),
    # Found by the twenty-fourth set's first reading; each in other words.
    ("reasonable_adjustments", "some days i feel like my family would be better off if i wasn't around",
     {"safety": "safeguarding_concern"}),
    ("reasonable_adjustments", "please don't ring the landline, my ex partner has been violent to me before",
     {"safety": "safeguarding_concern"}),
    ("evidence", "texts, and a photo of the bruise where she punched me", {"safety": "safeguarding_concern"}),
    ("still_happening", "yeah the fumes are still there and my son says he feels dizzy", {"safety": "emergency"}),
    ("affected", "me and my 3 month old, we're wearing our coats in bed", {"safety": "emergency"}),
    ("legal_proceedings", "the solicitors are handling it for us", {"kind": r.UNSURE}),
    ("legal_proceedings", "talked to a claims company but I haven't signed anything", {"kind": r.NO}),
    ("event_date_text", "since the start of the month", {"kind": r.DATE, "date": "2026-11-01"}),
    ("event_date_text", "gutter was cleared in may and it overflowed again soon after, so about june",
     {"kind": r.DATE, "date": "2026-06-01"}),
    ("event_date_text", "ages ago, years, dunno", {"kind": r.UNSURE}),
    ("event_date_text", "from 2 to 9 october, then it stopped, but now it's back again most nights",
     {"kind": r.DATE, "ongoing": True}),
    ("aware_date_text", "the second Monday in October", {"kind": r.DATE, "date": "2026-10-12"}),
    ("event_date_text", "about 6 weeks now. the worst night was friday", {"kind": r.DATE, "date": "2026-10-20"}),
    ("aware_date_text", "I spotted it in August but didn't report it until October",
     {"kind": r.DATE, "date": "2026-08-01"}),
    ("event_date_text", "it began in June soon after the new people came, though it's been worse since Halloween",
     {"kind": r.DATE, "date": "2026-06-01"}),
    ("event_date_text", "it started in May not long after they moved in, but it's worse since the summer",
     {"kind": r.DATE, "date": "2026-05-01"}),
    ("in_danger", "the gas is off now so i think no", {"kind": r.NO}),
    ("already_investigated", "whats actually the difference between a complaint and reporting a repair",
     {"kind": r.DIGRESSION, "topic": "ask_what_counts_as_complaint"}),
    ("on_behalf", "for mr okafor downstairs", {"kind": r.YES}),
    ("reuse_details", "just use mine", {"kind": r.YES}),
    ("share_details", "if I don't give my name can you still send someone?", {"kind": r.UNSURE}),
    ("name", "Okafor. Grace Okafor", {"kind": r.ANSWER, "value": "Grace Okafor"}),
    ("contact_details", "grace.okafor@example.con sorry .com", {"details": {"email": "grace.okafor@example.com"}}),
    ("preferred_format", "dad only reads urdu but my sister reads him everything so standard is fine",
     {"kind": r.ANSWER, "value": "standard"}),
    ("confirm", "the time's a bit wrong but it doesn't really matter, send it", {"kind": r.CONFIRM}),
    ("confirm", "can you remove the bit about my neighbour's son, i don't want trouble",
     {"kind": r.CHANGE, "field": "description"}),
    ("confirm", "the print needs to be bigger please", {"kind": r.CHANGE, "field": "preferred_format"}),
]

# Found by the twenty-fifth set's first reading; each in other words.
TWENTYFIFTH_CLASSES = [
    ("description", "bloke upstairs said he'll put me through the wall if I complain again",
     {"safety": "safeguarding_concern"}),
    ("affected", "the family below, he yells at his wife every night and I heard glass smash and her screaming",
     {"safety": "safeguarding_concern"}),
    ("reasonable_adjustments", "hang on a bit of the ceiling has just come down in the bathroom, getting everyone out",
     {"kind": r.DIGRESSION, "topic": "emergency"}),
    ("location", "the kitchen, under the sink, the mice have chewed the cables and there's bare wire",
     {"safety": "emergency"}),
    ("desired_outcome", "a smoke alarm fitted, there's no smoke alarm at all since the old one was taken down",
     {"safety": "emergency"}),
    ("desired_outcome", "Get the boiler working today. Dad is 90 and it's 11 degrees in his lounge.",
     {"kind": r.ANSWER, "safety": "emergency"}),
    ("location", "can I not just talk to someone at the office, this is going round in circles",
     {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("event_date_text", "am i literally typing to a computer", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("aware_date_text", "told your lot all this in March. can I speak to someone please",
     {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("confirm", "is a real person going to see this or jist a bot", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("complaint_choice", "will it take longer if I complain?", {"kind": r.DIGRESSION, "topic": "ask_timescales"}),
    ("still_happening", "same as ever", {"kind": r.YES}),
    ("still_happening", "quiet since the weekend but I don't think it's really stopped", {"kind": r.UNSURE}),
    ("already_investigated", "had a stage 1 letter in October. not the final one I don't think?", {"kind": r.UNSURE}),
    ("legal_proceedings", "just a court letter about council tax but that's different", {"kind": r.NO}),
    ("on_behalf", "fir ma mam", {"kind": r.YES}),
    ("represented_name", "Jean, my aunt. Jean Rennie", {"kind": r.ANSWER, "value": "Jean Rennie"}),
    ("confirm", "Yes. Send it and let me have the reference number", {"kind": r.CONFIRM}),
    ("confirm", "put that he also blocks the drive, not just the noise", {"kind": r.CHANGE, "field": "description"}),
    ("field_to_change", "where we live", {"kind": r.FIELD, "field": "address"}),
    ("field_to_change", "how you'll be getting in touch", {"kind": r.FIELD, "field": "preferred_contact"}),
    ("event_date_text", "three and a half weeks", {"kind": r.DATE, "date": "2026-11-07"}),
    ("event_date_text", "it was the March one, 3rd onwards", {"kind": r.DATE, "date": "2026-03-03"}),
]

# What the twenty-sixth set taught, in other words than its own.
TWENTYSIXTH_CLASSES = [
    # A yes read into "was that the final one? no idea" would end the complaint process.
    ("already_investigated", "someone sent an email saying sorry in June. is that your final answer? not a clue",
     {"kind": r.UNSURE}),
    ("already_investigated", "rang up and the man said sorry. Nothing in writing, no letter.", {"kind": r.NO}),
    ("legal_proceedings", "aww no pet, never had anything to do with courts", {"kind": r.NO}),
    ("complaint_choice", "och no, leave it, I'm not wanting to cause trouble", {"kind": r.NO}),
    ("representative_consent", "she's fine with it but nothing signed yet", {"kind": r.NO}),
    ("reuse_details", "could you use my work email instead this time", {"kind": r.NO}),
    ("still_happening", "boiler fired up this morning. tomorrow? your guess is as good as mine", {"kind": r.UNSURE}),
    ("urgency", "it's not life and death but I'd like it done before the weekend", {"kind": r.ANSWER}),
    ("urgency", "no panic, it can bide till next week", {"kind": r.ANSWER, "value": "routine"}),
    # Danger in passing.
    ("affected", "only me. tbh it'd be simpler for everyone if I wasn't around", {"safety": "safeguarding_concern"}),
    ("affected", "it'd be easier if I wasn't here during the works, I work from home", {"safety": None}),
    ("affected", "my grandad, he's 91 and he's been sat there in his coat with just one radiator",
     {"safety": "emergency"}),
    ("in_danger", "yes, he's 79 with COPD and the flat has no proper heating", {"kind": r.YES, "safety": "emergency"}),
    ("event_date_text", "since Friday. water's dripping round the light in the hall",
     {"kind": r.DATE, "safety": "emergency"}),
    ("event_date_text", "Christmas Eve it broke. Fitting really, the whole family round and no oven",
     {"kind": r.DATE, "safety": None}),
    ("description", "is this an actual person reading this or one of those bots, before I type it all out",
     {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("desired_outcome", "I'd like to know how I go to the ombudsman with this, I've had enough",
     {"kind": r.DIGRESSION, "topic": "ask_ombudsman"}),
    # Names given with a slip or a piece at a time.
    ("name", "Moira Brodie. No. Brody.", {"kind": r.ANSWER, "value": "Moira Brody"}),
    ("name", "Kwame. Boateng.", {"kind": r.ANSWER, "value": "Kwame Boateng"}),
    ("name", "Gail Simms, no sorry, Sims", {"kind": r.ANSWER, "value": "Gail Sims"}),
    ("reasonable_adjustments", "prefer not to talk about it", {"kind": r.SKIP}),
    # The summary.
    ("confirm", "you actually listened for once. send it", {"kind": r.CONFIRM}),
    ("confirm", "wrong place, it's the garages behind number 12", {"kind": r.CHANGE, "field": "location"}),
    ("field_to_change", "Sandra's surname", {"kind": r.FIELD, "field": "represented_name"}),
    # Dates counted from a date said before, or from the end of half term.
    ("event_date_text", "the party was the 3rd of October. It started a few days after, maybe",
     {"kind": r.DATE, "date": "2026-10-06"}),
    ("event_date_text", "I reported it 9 November. It began a fortnight before this.",
     {"kind": r.DATE, "date": "2026-10-26"}),
    ("event_date_text", "when the kids returned after half term", {"kind": r.DATE, "date": "2026-11-02"}),
    ("aware_date_text", "no idea, every day's the same up on the 9th floor", {"kind": r.UNSURE}),
]

# What the twenty-seventh set taught, in other words than its own.
TWENTYSEVENTH_CLASSES = [
    # A yes said in sarcasm and taken back would end the complaint process.
    ("legal_proceedings", "oh aye, I've a barrister on retainer. No, of course not.", {"kind": r.NO}),
    ("legal_proceedings", "what you mean by legal action? I went to citizens advice, would that be it?",
     {"kind": r.UNSURE}),
    ("already_investigated", "Mum says no. I'd have seen any letter, I do her paperwork.", {"kind": r.NO}),
    ("already_investigated", "duw no, never got that far", {"kind": r.NO}),
    ("on_behalf", "it's Gran's flat but I'm the one dealing with the landlord, so both?", {"kind": r.UNSURE}),
    ("representative_consent", "Yes, he signed the authority form at our drop-in last week", {"kind": r.YES}),
    ("share_details", "if I give my name will you tell them next door?", {"kind": r.UNSURE}),
    ("reuse_details", "I think so, but I cannot remember if I put my mobile in", {"kind": r.UNSURE}),
    ("still_happening", "you can hear it thumping as I type", {"kind": r.YES}),
    ("still_happening", "saw another one run behind the cooker this morning", {"kind": r.YES}),
    # A stop, and what is not one.
    ("desired_outcome", "Cancel the recharge and say sorry", {"kind": r.ANSWER}),
    ("address", "forget all this, he'll only find out", {"kind": r.DIGRESSION, "topic": "stop"}),
    # Danger in passing, and a past ambulance that is not one now.
    ("in_danger", "No one's hurt, but the bathroom light is fizzing and there's water in it", {"kind": r.NO,
                                                                                            "safety": "emergency"}),
    ("in_danger", "not right now. but I don't think she should sleep on her own tonight with him about",
     {"kind": r.NO, "safety": "safeguarding_concern"}),
    ("description", "can't sleep with the noise, on tablets for my nerves, and some days what's even the point of "
     "being here", {"safety": "safeguarding_concern"}),
    ("description", "the porter was lovely, stayed with me until the ambulance arrived after my fall last month",
     {"safety": None}),
    ("event_date_text", "hang on, is this actually a complaint? I only wanted it fixed",
     {"kind": r.DIGRESSION, "topic": "ask_what_counts_as_complaint"}),
    ("confirm", "Is a person going to look at this or a robot?", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    # Names.
    ("name", "Mr T. Okafor. Tobi.", {"kind": r.ANSWER, "value": "Mr Tobi Okafor"}),
    ("name", "Why do you want my name? fine. Mehmet", {"kind": r.ANSWER, "value": "Mehmet"}),
    ("preferred_format", "larger print please, I struggle with small writing", {"kind": r.ANSWER,
                                                                                "value": "large print"}),
    ("reasonable_adjustments", "I'd prefer to keep that private", {"kind": r.SKIP}),
    # The summary.
    ("confirm", "Mae'n iawn, diolch yn fawr", {"kind": r.CONFIRM}),
    ("confirm", "Yes that's right, send it. Could I get a copy to my work email too?", {"kind": r.CONFIRM}),
    ("confirm", "contact should be by text, not email", {"kind": r.CHANGE, "field": "preferred_contact"}),
    ("confirm", "You've put only me affected, it's every flat on the landing", {"kind": r.CHANGE,
                                                                                 "field": "affected"}),
    ("confirm", "Can you check the bit about the fence? Put in that he also threw stones", {"kind": r.CHANGE,
                                                                                          "field": "description"}),
    ("confirm", "addy is wrong", {"kind": r.CHANGE, "field": "address"}),
    ("field_to_change", "wen it began", {"kind": r.FIELD, "field": "event_date_text"}),
    # Dates.
    ("event_date_text", "The shower stopped working on the 20th of November. I've been boiling kettles to wash.",
     {"kind": r.DATE, "date": "2026-11-20", "ongoing": True}),
    ("event_date_text", "It went on the Friday, bin day, the 13th I reckon", {"kind": r.DATE, "date": "2026-11-13"}),
    ("aware_date_text", "first saw it the 4th, a Sunday", {"kind": r.DATE, "date": "2026-10-04"}),
    ("event_date_text", "Mum says Easter but that can't be right. It was three weeks ago today.",
     {"kind": r.DATE, "date": "2026-11-10"}),
    ("event_date_text", "the fri before bonfire night", {"kind": r.DATE, "date": "2026-10-30"}),
]

# What the twenty-eighth set taught, in other words than its own.
TWENTYEIGHTH_CLASSES = [
    ("still_happening", "the heating is working again now, touch wood", {"kind": r.NO}),
    ("still_happening", "they taped it up but the window still not fixed", {"kind": r.YES}),
    ("still_happening", "most nights, aye", {"kind": r.YES}),
    ("still_happening", "hes at it the noo, I can hear him", {"kind": r.YES}),
    ("still_happening", "since the man put the poison down I haven't seen any for a few days", {"kind": r.NO}),
    ("already_investigated", "someone rang and said sorry, nothing formal though", {"kind": r.NO}),
    ("on_behalf", "I'm a support worker, writing this on behalf of a tenant", {"kind": r.YES}),
    ("representative_consent", "I'll get it off him when I visit on Tuesday", {"kind": r.NO}),
    ("representative_consent", "I'm her power of attorney for money, does that count?", {"kind": r.UNSURE}),
    ("share_details", "probably best not, he'd know it was me", {"kind": r.NO}),
    ("name", "Nah, leave it blank", {"kind": r.SKIP}),
    ("reasonable_adjustments", "Ah'd rather no say, thanks", {"kind": r.SKIP}),
    ("complaint_choice", "whats the difference between that and a repair", {"kind": r.DIGRESSION,
                                                                            "topic": "ask_what_counts_as_complaint"}),
    ("complaint_choice", "Complaint, yes. Two months is long enough.", {"kind": r.YES}),
    ("complaint_choice", "I don't like to make a fuss, just the boiler fixed please", {"kind": r.NO}),
    ("event_date_text", "the lads cornered my son by the bins on Tuesday", {"kind": r.DATE,
                                                                           "safety": "safeguarding_concern"}),
    ("event_date_text", "the smell of gas?? since this morning, still there", {"kind": r.DATE, "safety": "emergency"}),
    ("event_date_text", "the leak was in mid September. I think it was Tuesday the 15th", {"kind": r.DATE,
                                                                                            "date": "2026-09-15"}),
    ("confirm", "Looks right. Send it before I change my mind", {"kind": r.CONFIRM}),
    ("confirm", "the contact part is wrong", {"kind": r.CHANGE, "field": "contact_details"}),
    ("confirm", "you missed it out about the smell", {"kind": r.CHANGE, "field": "description"}),
    ("confirm", "please don't put my age in, she'll know it's me", {"kind": r.CHANGE, "field": "description"}),
    ("confirm", "all fine except my house is number 42 not 24", {"kind": r.CHANGE, "field": "address"}),
    ("field_to_change", "Address. You've got the old one", {"kind": r.FIELD, "field": "address"}),
    ("field_to_change", "the part about what might help me", {"kind": r.FIELD, "field": "reasonable_adjustments"}),
]


def test_a_compliment_names_the_one_thanked_by_their_job():
    got = r.read(r.WHICH_ANSWER, "the engineer's name", now=NOW, changeable=("description", "name", "person_praised"))
    assert (got.kind, got.field) == (r.FIELD, "person_praised"), got
    got = r.read(r.WHICH_ANSWER, "my surname", now=NOW, changeable=("description", "name", "person_praised"))
    assert (got.kind, got.field) == (r.FIELD, "name"), got


def test_a_summary_asked_to_go_without_the_name_changes_whether_details_are_given():
    got = r.read(r.SUMMARY, "can you send it without my name, I want it anonymous", now=NOW,
                 changeable=(*CHANGEABLE, "share_details"))
    assert (got.kind, got.field) == (r.CHANGE, "share_details")


@pytest.mark.parametrize("text, field", [
    ("Nearly - Dad's surname is Whitaker with one t", "represented_name"),
    ("a phone call would be better than a letter actually", "preferred_contact"),
    ("could I have texts instead of emails", "preferred_contact"),
    ("I'm not in Thursdays so put Monday to Wednesday for getting in", "access_availability"),
    ("the street name is wrong", "address"),
    ("it's every neet, not twice a week", "frequency"),
    ("put me neighbours in too, it's affectin them", "affected"),
    ("is stopped now, please change", "still_happening"),
])
def test_corrections_name_the_answer_they_mean(text, field):
    got = read(r.SUMMARY, text)
    assert got.kind == r.CHANGE and got.field == field, got


@pytest.mark.parametrize("text, field", [
    ("urgency no wait, the where bit", "location"),
    ("the bit about the final letter", "already_investigated"),
    ("The language of the reply", "preferred_format"),
    ("the part where I said when I first noticed it", "aware_date_text"),
    ("postcod", "address"),
    ("I should like to correct my address; it is number 14, not 41.", "address"),
    ("I have since found a video; please amend the evidence section", "evidence"),
])
def test_which_answer_in_residents_words(text, field):
    got = read(r.WHICH_ANSWER, text)
    assert got.kind == r.FIELD and got.field == field, got


def test_new_value_said_outright_wins_over_an_earlier_is():
    got = read(r.SUMMARY, "my name is wrong it should be Jo Bloggs")
    assert (got.field, got.new_value) == ("name", "Jo Bloggs")


@pytest.mark.parametrize("question, text, topic", [
    (r.SUMMARY, "Actually, can I stop? I don't want to send it now", "stop"),
    (r.WHICH_ANSWER, "is this where I go to the ombudsman?", "ask_ombudsman"),
    ("urgency", "how quick can u get someone out tho", "ask_timescales"),
    ("preferred_contact", "can i just talk to someone now", "request_human"),
    ("case_reference", "lost the letter, can someone look it up and ring me", "request_human"),
])
def test_digressions_in_residents_words(question, text, topic):
    got = read(question, text)
    assert got.kind == r.DIGRESSION and got.topic == topic, got


def test_choices_are_still_answers_when_they_ask_for_a_call():
    assert read("preferred_contact", "can you ring me").value == "phone"


@pytest.mark.parametrize("text, value", [("FENWICK, Mark", "Mark Fenwick"), ("just call me Kel", "Kel")])
def test_names_as_typed(text, value):
    got = read("name", text)
    assert got.kind == r.ANSWER and got.value == value


def test_skip_after_a_no():
    assert read("name", "nah skip").kind == r.SKIP


def test_a_postcode_typed_in_pieces():
    got = read("address", "flat 6 47 Garnet Street Manchester M 8 5 NQ")
    assert got.details["postcode"] == "M8 5NQ"


@pytest.mark.parametrize("text, topic", [
    ("funny smell near the boiler, bit like rotten eggs", "emergency"),
    ("Since Sunday. I am 84 and the heating has not worked at all", "emergency"),
    ("water coming through the ceiling light and dripping onto the switch", "emergency"),
    ("the man on the phone said he would get me through to the manager", None),
    ("he said he'll get me when I'm on my own", "safeguarding_concern"),
    ("the heating is off and I'm 35", None),
])
def test_safety_words(text, topic):
    assert safety_in(text) == topic


@pytest.mark.parametrize("text, day", [
    ("since the Tuesday after bonfire night", date(2026, 11, 10)),
    ("it'll be two weeks on Friday", date(2026, 11, 20)),
    ("four weeks past on Sunday", date(2026, 11, 1)),
    ("eight weeks past on Sunday", date(2026, 10, 4)),  # every number word, not only up to six
    ("Since Remembrance Sunday", date(2026, 11, 8)),
    ("a month or so back? it was the 27th of October, the night of the storm", date(2026, 10, 27)),
    ("dunno, after the school run one day, so mid November", date(2026, 11, 15)),
    ("it was Monday 16th, no wait, Tuesday 17th", date(2026, 11, 17)),
    ("the Thursday night, the 19th, just the once", date(2026, 11, 19)),
    ("From 12.10 it is like this", date(2026, 10, 12)),
    ("since the 3rd of oak tober", date(2026, 10, 3)),
    ("when I got the letter in julie", date(2026, 7, 1)),
    ("about for weeks ago", date(2026, 11, 3)),
    ("in the latter part of February", date(2026, 2, 24)),
    ("Ages ago, when we moved in, 2016", date(2016, 1, 1)),
    ("In the spring of 2024, April I think", date(2024, 4, 1)),
    ("fae the middle o August", date(2026, 8, 15)),
])
def test_dates_said_with_something_else(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


def test_a_date_that_cannot_be_recalled_is_unsure():
    assert read("event_date_text", "I am afraid I cannot recall when it began").kind == r.UNSURE


@pytest.mark.parametrize("text, kind", [
    ("he thinks there was a letter but he can't find it and doesn't know what it said", r.UNSURE),
    ("No - we had a final letter about the windows, but that was a different matter", r.NO),
    ("No, though I did get a final response letter once", r.UNSURE),
    ("yes, the final response letter came in June", r.YES),
])
def test_a_yes_that_would_end_the_complaint_is_never_a_guess(text, kind):
    assert read("already_investigated", text).kind == kind


# The eighth set's classes (2026-12-07), in other words: festivals from other calendars, days
# counted from a holiday, the part of a month said apart from the month, dialect "since" for
# "ago", yes/no answers that deny a denial.
@pytest.mark.parametrize("text, day", [
    ("started round Diwali time", date(2026, 11, 8)),
    ("just after eid al-fitr", date(2026, 3, 20)),
    ("since qurbani eid", date(2026, 5, 27)),
    ("since the start of ramadan", date(2026, 2, 19)),
    ("on paddy's day", date(2026, 3, 17)),
    ("burns nicht", None),
    ("on Burns night this year", date(2026, 1, 25)),
    ("around whitsun", date(2026, 5, 24)),
    ("black friday it went", date(2026, 11, 27)),
    ("the week after easter", date(2026, 4, 12)),
    ("the saturday before halloween", date(2026, 10, 24)),
    ("the Monday after Remembrance Sunday", date(2026, 11, 9)),
    ("since the clocks change back", date(2026, 10, 25)),
    ("when the kids went back to school", date(2026, 9, 3)),
    ("just before the summer", date(2026, 5, 18)),
    ("in June, round about the 12th", date(2026, 6, 12)),
    ("SEPTEMBER MIDDLE", date(2026, 9, 15)),
    ("in march, i think the third week", date(2026, 3, 18)),
    ("since march, the 2nd time it flooded", date(2026, 3, 1)),
    ("3 sundays ago", date(2026, 11, 15)),
    ("two weeks since, like", date(2026, 11, 17)),
    ("bout 2 weks ago", date(2026, 11, 17)),
    ("tail end of last year, october maybe", date(2025, 10, 31)),
    ("about 2 months ago, no actually nearer 10 weeks", date(2026, 9, 22)),
])
def test_holidays_and_parts_of_months(text, day):
    got = read("event_date_text", text)
    if day is None:
        assert got.kind != r.DATE or got.date is None or not got.date.endswith("-01-25"), got
    else:
        assert got.kind == r.DATE and got.date == day.isoformat(), got


@pytest.mark.parametrize("text, ongoing", [
    ("two weeks since, like", None),
    ("since the 9th and it's getting bigger", True),
    ("mid october, it'll be fixed one day I suppose but it's still there", True),
])
def test_still_going_on_said_in_other_words(text, ongoing):
    assert read("event_date_text", text).ongoing == ongoing


@pytest.mark.parametrize("question, text, kind", [
    ("still_happening", "Stopped?? has it eck", r.YES),
    ("still_happening", "no it aint stopped", r.YES),
    ("still_happening", "it has now ceased, thank you", r.NO),
    ("still_happening", "quiet for now but its on and off so who knows", r.UNSURE),
    ("still_happening", "stopped for now, it'll probably start again", r.NO),
    ("legal_proceedings", "had a word with citizens advice, nothing more", r.NO),
    ("legal_proceedings", "no, there's no court case", r.NO),
    ("already_investigated", "I did complain but never got a final response", r.NO),
    ("already_investigated", "I complained before but no final letter", r.NO),
])
def test_yes_no_that_turn_on_a_denial(question, text, kind):
    assert read(question, text).kind == kind


# The ninth set's classes (2026-12-07), in other words.
@pytest.mark.parametrize("text, name", [
    ("its Maria, maria costa", "Maria Costa"),
    ("my name Tariq Aziz", "Tariq Aziz"),
    ("Mi name Hyacinth Brown, Mrs", "Mrs Hyacinth Brown"),
    ("Gary Nuttall mate", "Gary Nuttall"),
    ("I'm only helping my nan type but if you want mine it's Leanne Cox", "Leanne Cox"),
])
def test_names_with_extras(text, name):
    got = read("name", text)
    assert got.kind == r.ANSWER and got.value == name, got


@pytest.mark.parametrize("text, email, phone", [
    ("sam dot jones 77 at example dot co dot uk", "sam.jones77@example.co.uk", None),
    ("email is mo ali at example dot org all one word", "moali@example.org", None),
    ("t.wood@ example.com", "t.wood@example.com", None),
    ("07700 900456 sorry no 900465", None, "+447700900465"),
    ("07700 900456 oops I mean 07700 900999", None, "+447700900999"),
])
def test_contact_details_said_out_loud_or_corrected(text, email, phone):
    got = read("contact_details", text)
    assert got.kind == r.ANSWER, got
    assert got.details.get("email") == email and got.details.get("phone") == phone, got


@pytest.mark.parametrize("question, text, kind", [
    ("contact_details", "can i not give one, i dont like calls", r.SKIP),
    ("contact_details", "nah i won't give out my number, just write to me", r.SKIP),
    ("name", "mi rather nuh seh", r.SKIP),
    ("confirm", "ar, that's it", r.CONFIRM),
    ("confirm", "proper job, send 'er", r.CONFIRM),
    ("confirm", "everything's fine, you can send", r.CONFIRM),
    ("confirm", "Hmm? Oh. Yes, that's right", r.CONFIRM),
    ("still_happening", "calmer now but I don't know if it's stopped", r.UNSURE),
    ("already_investigated", "I complained about something else before, not this", r.NO),
])
def test_refusals_and_confirmations_in_dialect(question, text, kind):
    assert read(question, text).kind == kind


@pytest.mark.parametrize("text, field", [
    ("where it says who's affected, add my partner", "affected"),
    ("the bit where it asks if you looked at it before", "already_investigated"),
    ("when i know about the problem", "aware_date_text"),
    ("how ofen", "frequency"),
])
def test_answers_named_by_pointing_at_them(text, field):
    assert read("field_to_change", text).field == field


def test_one_of_two_dates_is_not_guessed():
    got = read("confirm", "not quite, one of the dates is off")
    assert got.kind == r.CHANGE and got.field is None, got


@pytest.mark.parametrize("text, day", [
    ("lasr wensday", date(2026, 11, 25)),
    ("since holloween", date(2026, 10, 31)),
    ("the 1Oth", date(2026, 11, 10)),
    ("3 moths ago", date(2026, 9, 1)),
    ("on 14 of last month", date(2026, 11, 14)),
    ("2025 year, march", date(2025, 3, 1)),
    ("last friday night about ten ish", date(2026, 11, 27)),
    ("last nite hun", date(2026, 11, 30)),
    ("on and off since the summer, worse since the start of october", date(2026, 7, 15)),
])
def test_dates_with_slips(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


@pytest.mark.parametrize("text, topic", [
    ("the rain's comin through my bedroom light", "emergency"),
    ("the power keeps going off and my dad's on oxygen", "emergency"),
    ("please email, he goes through my phone", "safeguarding_concern"),
    ("nobody has seen her for days, the curtains have been shut all week", "safeguarding_concern"),
])
def test_safety_in_other_words(text, topic):
    assert safety_in(text) == topic


# The tenth set's classes (2026-12-07), in other words.
@pytest.mark.parametrize("text, name", [
    ("Niamh Byrne 07700 900123", "Niamh Byrne"),
    ("Karen Smiht, Smith sorry", "Karen Smith"),
    ("joe bloggs sorry Blogg", "joe Blogg"),
    ("Kofi please. Kofi Mensah-Boateng", "Kofi Mensah-Boateng"),
    ("Myself Harpreet Kaur", "Harpreet Kaur"),
    ("liam walsh innit", "Liam Walsh"),
    ("Catherine with a C Doyle", "Catherine Doyle"),
    ("J O H N Smith", "John Smith"),
])
def test_names_with_slips_and_spellings(text, name):
    got = read("name", text)
    assert got.kind == r.ANSWER and got.value == name, got


@pytest.mark.parametrize("question, text, kind", [
    ("name", "can I leave that bit out? I'd rather not", r.SKIP),
    ("contact_details", "nah dont wanna give it", r.SKIP),
    ("contact_details", "I not want give my phone", r.SKIP),
    ("share_details", "yes, I don't mind them knowing it was me", r.YES),
    ("event_date_text", "mi cyaan memba", r.UNSURE),
    ("event_date_text", "I not remember, sorry", r.UNSURE),
])
def test_refusals_and_not_remembering(question, text, kind):
    assert read(question, text).kind == kind


@pytest.mark.parametrize("question, text, topic", [
    ("contact_details", "ur a bot arent u", "bot_challenge"),
    ("reuse_details", "are you actually a person or a bot?", "bot_challenge"),
    ("address", "I'm sorry, I want to stop now", "stop"),
    ("confirm", "hang on, i dont want send, cancel it", "stop"),
    ("event_date_text", "hows long is this all going to take", "ask_timescales"),
])
def test_digressions_in_other_words(question, text, topic):
    got = read(question, text)
    assert got.kind == r.DIGRESSION and got.topic == topic, got


@pytest.mark.parametrize("text, field", [
    ("Adjustments should say I need a BSL interpreter", "reasonable_adjustments"),
    ("preferred contact should be text not email", "preferred_contact"),
    ("it's not for me, it's for my grandad", "on_behalf"),
    ("no the bit about if it's been looked at before", "already_investigated"),
])
def test_summary_corrections_that_name_the_answer(text, field):
    got = read("confirm", text)
    assert got.kind == r.CHANGE and got.field == field, got


@pytest.mark.parametrize("text, field", [
    ("the mode of contact", "preferred_contact"),
    ("the letter, I need bigger writing", "preferred_format"),
    ("the name of the person I'm complaining for", "represented_name"),
    ("the bit that says who I'm doing this for", "on_behalf"),
])
def test_answers_chosen_in_other_words(text, field):
    assert read("field_to_change", text).field == field


@pytest.mark.parametrize("text, day, ongoing", [
    ("since Eid in March and he still does it", date(2026, 3, 20), True),
    ("since the 2nd o November an it's no stopped", date(2026, 11, 2), True),
    ("end of September an it's every weekend", date(2026, 9, 30), True),
    ("last year about October", date(2025, 10, 1), None),
    ("bout a fortnit ago", date(2026, 11, 17), None),
])
def test_dates_and_still_going_on(text, day, ongoing):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat() and got.ongoing == ongoing, got


def test_contact_slip_with_words_after_it():
    got = read("contact_details", "07700 900512 wait no 900521, sorry")
    assert got.details.get("phone") == "+447700900521", got


def test_a_faint_gas_smell_is_an_emergency():
    assert safety_in("boiler stopped yesterdee, smells a bit of gas by it now") == "emergency"


# The eleventh set's classes (2026-12-07), in other words.
@pytest.mark.parametrize("text, day", [
    ("2026-09-14", date(2026, 9, 14)),
    ("2026/10/02", date(2026, 10, 2)),
    ("since 2026.08.30", date(2026, 8, 30)),
    ("on 03-11-2026 at night", date(2026, 11, 3)),
    ("since I moved in, 3 years ago, still happening", date(2023, 12, 1)),
    ("around vaisakhi", date(2026, 4, 14)),
    ("after ramadan finished", date(2026, 3, 20)),
    ("the weekend after halloween", date(2026, 11, 7)),
])
def test_written_dates_and_more_festivals(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


def test_every_day_in_one_word_is_still_going_on():
    assert read("event_date_text", "from the 3rd of last month, everyday").ongoing is True


@pytest.mark.parametrize("text, name", [
    ("Bethan Morgan it is", "Bethan Morgan"),
    ("dave. david hughes like", "David Hughes"),
    ("My good name is Anil Kumar Shah", "Anil Kumar Shah"),
    ("its Mrs Baird tae you", "Mrs Baird"),
])
def test_names_with_words_around_them(text, name):
    got = read("name", text)
    assert got.kind == r.ANSWER and got.value == name, got


@pytest.mark.parametrize("question, text, kind", [
    ("still_happening", "not happened since monday but give it time", r.UNSURE),
    ("still_happening", "Luckily not, since they came out", r.NO),
    ("legal_proceedings", "had a chat with a solicitor, nothing done", r.NO),
    ("legal_proceedings", "my daughter is asking Shelter for advice only", r.NO),
    ("legal_proceedings", "the solicitor sent the papers in to court last week", r.YES),
    ("representative_consent", "he can't sign anything now, his dementia is bad", r.UNSURE),
    ("representative_consent", "she asked me to deal with it for her, she's here with me", r.YES),
    ("representative_consent", "I'll get her to sign it tomorrow", r.NO),
])
def test_yes_no_told_as_a_story(question, text, kind):
    got = read(question, text)
    assert got.kind == kind and got.safety is None, got


@pytest.mark.parametrize("question, text, topic", [
    ("aware_date", "You are robot?", "bot_challenge"),
    ("in_danger", "you a bot or what", "bot_challenge"),
    ("legal_proceedings", "sorry, he's getting upset. can we stop for now?", "stop"),
    ("event_date_text", "actually I don't think I want to do this, please stop", "stop"),
])
def test_more_digressions(question, text, topic):
    got = read(question, text)
    assert got.kind == r.DIGRESSION and got.topic == topic, got


@pytest.mark.parametrize("text, field", [
    ("the name of the person it's for is spelt wrong", "represented_name"),
    ("no it's 4 Ashgrove Road not 14", "address"),
])
def test_more_summary_corrections(text, field):
    got = read("confirm", text)
    assert got.kind == r.CHANGE and got.field == field, got


def test_what_a_resident_wants_named_in_dialect():
    got = r.read("confirm", "what a want is a new front door", now=NOW, changeable=("description", "desired_outcome"))
    assert got.kind == r.CHANGE and got.field == "desired_outcome", got


def test_money_taken_from_someone_is_a_safeguarding_concern():
    assert safety_in("I think his carer is taking his bank card") == "safeguarding_concern"


# The twelfth set's first reading found three exclusions on a guess at "already investigated?";
# in other words, none of these may be a yes.
@pytest.mark.parametrize("text, kind", [
    ("you sent me a letter about stage 1, nothing since", r.NO),
    ("I had a 'final response' letter last year but that was about the roof, not the damp", r.NO),
    ("wym final response??", r.UNSURE),
    ("yes, you sent your final response in August", r.YES),
])
def test_only_a_clear_final_response_is_a_yes(text, kind):
    assert read("already_investigated", text).kind == kind


# The twelfth set's classes (2026-12-07), in other words.
@pytest.mark.parametrize("text, day", [
    ("the night before the Twelfth", date(2026, 7, 12)),
    ("since the bonfires on the eleventh night", date(2026, 7, 11)),
    ("carnival weekend it started", date(2026, 8, 30)),
    ("right at the end of ramadan", date(2026, 3, 20)),
    ("just after seker bayrami", date(2026, 3, 20)),
    ("it was the 7 of 11", date(2026, 11, 7)),
    ("1 n half weeks ago", date(2026, 11, 21)),
    ("since the 3 of novembro", date(2026, 11, 3)),
    ("last month 3rd week", date(2026, 11, 18)),
    ("last night lol", date(2026, 11, 30)),
    ("since the summer holidays, the kids broke up in july", date(2026, 7, 22)),
    ("got the letter in June, about the middle of the month", date(2026, 6, 15)),
    ("in March, I think it was the twentieth", date(2026, 3, 20)),
])
def test_dates_from_the_twelfth_set(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


def test_not_sure_then_sorry_is_still_not_sure():
    # "maybe" is not the month of May.
    assert read("aware_date_text", "Not sure sorry, a while back maybe?").kind == r.UNSURE


@pytest.mark.parametrize("question, text, kind", [
    ("representative_consent", "she's said I can but there's nothing in writing", r.NO),
    ("representative_consent", "my brother told me to sort it for him", r.YES),
    ("representative_consent", "he's sat next to me nodding", r.YES),
    ("representative_consent", "my mum agrees, she just can't write in English", r.YES),
    ("legal_proceedings", "we're trying to get legal aid, nothing yet", r.NO),
    ("legal_proceedings", "been to see a solicitor, she's looking into it", r.NO),
    ("legal_proceedings", "good heavens, no", r.NO),
    ("legal_proceedings", "yes, the claim's been issued", r.YES),
    ("already_investigated", "that was about the fence, this is a different matter", r.NO),
    ("already_investigated", "no yeah, stage 2 sent their final answer", r.YES),
    ("still_happening", "not dripping right now but it does every time it rains", r.YES),
])
def test_yes_no_from_the_twelfth_set(question, text, kind):
    assert read(question, text).kind == kind


@pytest.mark.parametrize("question, text, topic", [
    ("event_date_text", "before I answer, is this a bot?", "bot_challenge"),
    ("event_date_text", "forget the date, give me the ombudsman's details", "ask_ombudsman"),
    ("aware_date", "not doing this with a computer, put me through to a person", "request_human"),
    ("representative_consent", "tell you what, forget it", "stop"),
    ("in_danger", "this is pointless, I'm done", "stop"),
    ("confirm", "once it's sent, when I will hear back?", "ask_timescales"),
])
def test_digressions_from_the_twelfth_set(question, text, topic):
    got = read(question, text)
    assert got.kind == r.DIGRESSION and got.topic == topic, got


@pytest.mark.parametrize("text, field", [
    ("no, my dad's name is spelt wrong, he's the one I'm complaining for", "represented_name"),
    ("a text is better than a call", "preferred_contact"),
])
def test_summary_corrections_from_the_twelfth_set(text, field):
    got = read("confirm", text)
    assert got.kind == r.CHANGE and got.field == field, got


def test_stage_two_asked_for_is_not_a_final_response():
    # The thirteenth set's one exclusion on a guess, in other words.
    got = read("already_investigated", "you said it would be escalated to stage 2 but nothing since")
    assert got.kind != r.YES, got
    assert read("already_investigated", "yes, the stage 2 decision came in May").kind == r.YES


@pytest.mark.parametrize("text, name", [
    ("sandra hingley", "Sandra Hingley"),
    ("KERRY O'NEILL", "Kerry O'Neill"),
    ("mcleish", "McLeish"),
    ("jo-ann al-hassan", "Jo-Ann Al-Hassan"),
    ("pieter van der berg", "Pieter van der Berg"),
    ("DeShawn McKenzie", "DeShawn McKenzie"),
])
def test_a_name_in_small_letters_or_capitals_is_written_as_a_letter_would(text, name):
    assert read("name", text).value == name


# Classes from the thirteenth set, in other words.
@pytest.mark.parametrize("text, day", [
    ("last night innit, round 11ish", date(2026, 11, 30)),
    ("it wor the wik before last, on the Thursday", date(2026, 11, 19)),
    ("about 2 wiks ago", date(2026, 11, 17)),
])
def test_dates_from_the_thirteenth_set(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


@pytest.mark.parametrize("text, topic", [
    ("she's been putting the gas rings on all day to keep warm", "emergency"),
    ("we've been heating the flat with the oven, the boiler's dead", "emergency"),
    ("he's out there right now banging on my door, I've locked myself in", "safeguarding_concern"),
    ("started Friday. he is kicking the front door again now, the kids are screaming", "safeguarding_concern"),
    ("not seen her for days and her post is piling up", "safeguarding_concern"),
])
def test_danger_now_in_any_answer(text, topic):
    assert safety_in(text) == topic


@pytest.mark.parametrize("text", [
    "he keeps banging on my door late at night",          # what happens, not a danger now
    "the kids kick a ball at the door now and again",
    "I don't want to get the plumber into bother, just send someone",
])
def test_no_danger_read_into_ordinary_words(text):
    assert safety_in(text) is None


@pytest.mark.parametrize("question, text, kind", [
    ("still_happening", "it went quiet for a week but it's started up again so yeah", r.YES),
    ("still_happening", "the banging stop since Friday, I don't know if it will come back", r.NO),
    ("in_danger", "she isn't in any danger, she's staying at her sister's", r.NO),
    ("legal_proceedings", "what is court claim? no solicitor, none of that", r.NO),
    ("already_investigated", "you sent me the first stage reply and I wasn't happy, that's why I'm here", r.NO),
    ("already_investigated", "I have not heard anything since you said it would go to the next stage", r.NO),
    ("on_behalf", "sort of, it's for my grandad, I'm just doing the typing", r.YES),
    ("on_behalf", "it's my dad's house but I live here as well so both of us?", r.UNSURE),
    ("on_behalf", "for me and my wife, we both live here", r.NO),
    ("share_details", "ar, go on", r.YES),
    ("share_details", "if I give my number will they know it was me? I don't know what to do", r.UNSURE),
    ("complaint_choice", "just sort it out mate, no point complaining", r.NO),
    ("complaint_choice", "I don't want to get anyone into trouble, just get it done", r.NO),
    ("aware_date", "not know", r.UNSURE),
])
def test_yes_no_from_the_thirteenth_set(question, text, kind):
    got = read(question, text)
    assert got.kind == kind and got.safety is None, got


@pytest.mark.parametrize("question, text, topic", [
    ("in_danger", "not me, no, but I'm worried about the lady upstairs, I haven't seen her for a week",
     "safeguarding_concern"),
    ("location", "ow long afore anyone comes round?", "ask_timescales"),
    ("name", "why do you want that, am I actually talking to a person?", "bot_challenge"),
    ("affected", "first, would this be dealt with as a complaint or as a repair?", "ask_what_counts_as_complaint"),
    ("complaint_choice", "what is counted as a complaint? I just want to know when they're coming",
     "ask_what_counts_as_complaint"),
    ("legal_proceedings", "this is taking forever mate, I'm done", "stop"),
    ("confirm", "I day understand all this, con someone phone me?", "request_human"),
])
def test_digressions_from_the_thirteenth_set(question, text, topic):
    got = read(question, text)
    assert got.kind == r.DIGRESSION and got.topic == topic, got


def test_an_urgency_answer_with_a_danger_now_is_an_emergency():
    got = read("urgency", "urgent, there's water coming through the light fitting now")
    assert got.kind == r.ANSWER and got.value == "emergency" and got.safety == "emergency", got


def test_a_hedge_then_a_wish_is_the_wish():
    got = read("desired_outcome", "not sure really, just for someone to check it over? I don't want a fuss")
    assert got.kind == r.ANSWER, got


def test_a_language_named_is_another_language_and_an_interpreter_an_adjustment():
    assert read("preferred_format", "Tigrinya if you can").value == "another language"
    assert read("preferred_format", "in Vietnamese please").value == "another language"
    got = read("confirm", "can you add that I need a Farsi interpreter")
    assert got.kind == r.CHANGE and got.field == "reasonable_adjustments", got


# Classes from the fourteenth set, in other words.
@pytest.mark.parametrize("text", [
    "That all looks right, thank you very much",
    "It's all in order, thanks",
    "is right",
    "Confirmed, that is accurate",
])
def test_a_confirmation_with_thanks_sends(text):
    assert read("confirm", text).kind == r.CONFIRM


@pytest.mark.parametrize("text, field", [
    ("Contact wrong - email only, no calls please", "preferred_contact"),
    ("can't do tuesdays any more, make it wednesday afternoons", "access_availability"),
    ("the leak is in the bathroom, not Station Road. rest is fine", "location"),
])
def test_summary_corrections_from_the_fourteenth_set(text, field):
    got = read("confirm", text)
    assert got.kind == r.CHANGE and got.field == field, got


def test_a_correction_ending_in_thanks_keeps_thanks_out_of_the_value():
    got = read("confirm", "the name is wrong, it should be Jo Bloggs, thanks")
    assert got.kind == r.CHANGE and got.field == "name" and got.new_value == "Jo Bloggs", got


@pytest.mark.parametrize("text, day", [
    ("since the end of the summer holidays", date(2026, 9, 1)),
    ("since the kids went back to school in August", date(2026, 8, 17)),
    ("about a year and a half", date(2025, 6, 1)),
])
def test_dates_from_the_fourteenth_set(text, day):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat(), got


@pytest.mark.parametrize("text, topic", [
    ("I'm typing for my gran who is 91, the heating has been off for two days and it's 8 degrees in her lounge",
     "emergency"),
    ("it leaked last week and now there's wires dangling out the light", "emergency"),
    ("he's yelling at his wife again right now, I'm scared for her", "safeguarding_concern"),
])
def test_danger_from_the_fourteenth_set(text, topic):
    assert safety_in(text) == topic


@pytest.mark.parametrize("text", [
    "it's dripping into a bucket, not near the lights",
    "the water is nowhere near the electrics",
    "the leak is away from the sockets, on the other wall",
])
def test_water_said_to_be_away_from_the_electrics_is_no_hazard(text):
    assert safety_in(text) is None


def test_a_simile_is_not_a_weapon():
    assert safety_in("the pipes bang like a gun every time the heating comes on") is None


@pytest.mark.parametrize("question, text, kind", [
    ("already_investigated", "yes we got a final response last year but that was the damp, this is a new one", r.NO),
    ("already_investigated", "I rang to complain loads of times but never got a letter", r.NO),
    ("already_investigated", "complained before about a different neighbour, ages ago", r.NO),
    ("legal_proceedings", "I only spoke with a solicitor for advice", r.NO),
    ("legal_proceedings", "there's a court case about my arrears but that's nothing to do with this", r.NO),
    ("legal_proceedings", "I think my daughter might have started a small claim comma I'd need to ask her", r.UNSURE),
    ("on_behalf", "its for ma mam", r.YES),
    ("on_behalf", "my sister. this is her flat, her English is not good", r.YES),
    ("representative_consent", "he not know yet, I will tell him tonight", r.NO),
    ("representative_consent", "I think so? he said do what you want, so I suppose that's a yes", r.YES),
    ("share_details", "You can have my particulars.", r.YES),
    ("share_details", "I suppose so, as long as the neighbours don't find out", r.YES),
    ("still_happening", "stilt going on I'm afraid", r.YES),
    ("still_happening", "I'd have to check with my mum, she says it's fine but she always does", r.UNSURE),
    ("complaint_choice", "would it get me into trouble? I don't want to be a nuisance", r.UNSURE),
    ("complaint_choice", "I reckon my husband would want that, yes - it's been a month", r.YES),
])
def test_yes_no_from_the_fourteenth_set(question, text, kind):
    assert read(question, text).kind == kind


def test_what_is_the_difference_at_the_complaint_question_is_a_question():
    got = read("complaint_choice", "whats the difference? isn't it a complaint already?")
    assert got.kind == r.DIGRESSION and got.topic == "ask_what_counts_as_complaint", got


@pytest.mark.parametrize("text, name", [
    ("Name Priya Shah", "Priya Shah"),
    ("Jon Smtih *Smith", "Jon Smith"),
])
def test_names_from_the_fourteenth_set(text, name):
    got = read("name", text)
    assert got.kind == r.ANSWER and got.value == name, got


def test_not_knowing_and_why_is_not_knowing():
    assert read("frequency", "no idea, I'm never home").kind == r.UNSURE


# Classes from the fifteenth set, in other words.
def test_a_hypothetical_question_is_never_a_yes_that_excludes():
    got = read("already_investigated", "If it's been through your final stage, could I take it to the ombudsman?")
    assert got.kind != r.YES, got
    got = read("legal_proceedings", "what if I did go to court, would that stop this?")
    assert got.kind != r.YES, got


@pytest.mark.parametrize("question, text, kind", [
    ("in_danger", "the kids are frightened of him but he isn't doing anything right now", r.NO),
    ("still_happening", "been quiet a few days but it's not over, it never is", r.YES),
    ("still_happening", "the man came Monday and it's been fine since, fingers crossed", r.NO),
    ("legal_proceedings", "what is a court claim? I don't have one", r.NO),
    ("legal_proceedings", "my cousin works for a solicitor and says I could win, but nobody has done anything yet "
                          "and he has not done anything", r.NO),
    ("already_investigated", "I complained once about the parking but this is different", r.NO),
    ("already_investigated", "I phoned loads but never made a complaint", r.NO),
    ("share_details", "ananymous please", r.NO),
])
def test_yes_no_from_the_fifteenth_set(question, text, kind):
    assert read(question, text).kind == kind


def test_a_hazard_at_the_urgency_question_is_an_emergency_even_after_dunno():
    got = read("urgency", "dunno, there's water running down the light switch")
    assert got.kind == r.ANSWER and got.value == "emergency", got


@pytest.mark.parametrize("text, day, ongoing", [
    ("from 9 November, I know because it was bin day", date(2026, 11, 9), True),
    ("wen the letter came on the 20 th", date(2026, 11, 20), None),
])
def test_dates_from_the_fifteenth_set(text, day, ongoing):
    got = read("event_date_text", text)
    assert got.kind == r.DATE and got.date == day.isoformat() and got.ongoing == ongoing, got


def test_may_i_is_not_may():
    got = read("event_date_text", "why do you need the date? may I talk to an officer instead?")
    assert got.kind == r.DIGRESSION and got.topic == "request_human", got


def test_the_smell_hit_me_is_no_assault():
    assert safety_in("I came home and the smell hit me, it was the drains") is None


@pytest.mark.parametrize("text, field", [
    ("I said email, not phone call", "preferred_contact"),
    ("only after 3pm please, I work nights", "access_availability"),
    ("you forgot the window is cracked as well, please add", "description"),
])
def test_summary_corrections_from_the_fifteenth_set(text, field):
    got = read("confirm", text)
    assert got.kind == r.CHANGE and got.field == field, got


def test_a_religious_title_is_kept_with_the_name_as_a_letter_would_use_it():
    assert read("name", "Pastor Grace Mensah").value == "Pastor Grace Mensah"


# Classes from the sixteenth set, in other words: one table of (question, text, what it must read).
SIXTEENTH_CLASSES = [
    # An answer given outright wins; a question about what they had is not a yes that excludes.
    ("already_investigated", "nobody has sent me anything final, so my answer is no", {"kind": r.NO}),
    ("already_investigated", "they wrote to say sorry in March, is that the final one?", {"kind": r.UNSURE}),
    ("already_investigated", "it got a stage one letter back in spring and I left it there", {"kind": r.NO}),
    ("already_investigated", "I've phoned plenty but never put a formal complaint in", {"kind": r.NO}),
    ("legal_proceedings", "the claims firm says they have filed the disrepair claim now", {"kind": r.YES}),
    ("legal_proceedings", "my sister keeps telling me to see a lawyer, I haven't been yet", {"kind": r.NO}),
    ("legal_proceedings", "not sure, my wife handles that, she spoke to somebody about it", {"kind": r.UNSURE}),
    ("in_danger", "God forbid, no, it's only that the lift is out", {"kind": r.NO}),
    ("in_danger", "he's 91 and it's 12 degrees in his lounge, i think yes he could get poorly",
     {"kind": r.YES}),
    ("still_happening", "it's away now, the joiner fixed it Tuesday", {"kind": r.NO}),
    ("still_happening", "quiet since the weekend but they're probably just on holiday", {"kind": r.UNSURE}),
    ("complaint_choice", "I really don't want to cause trouble, just get the gate fixed", {"kind": r.NO}),
    ("complaint_choice", "not bothered either way to be honest", {"kind": r.UNSURE}),
    ("complaint_choice", "will it change anything? ok then, yes", {"kind": r.YES}),
    ("urgency", "middling, sometime within the week", {"kind": r.ANSWER, "value": "urgent"}),
    ("address", "not givin my address out", {"kind": r.SKIP}),
    ("name", "just put Kev", {"kind": r.ANSWER, "value": "Kev"}),
    ("name", "Mohammed Iqbal on my papers but please call me Mo Iqbal", {"kind": r.ANSWER, "value": "Mo Iqbal"}),
    ("name", "Sam Price. Don't use Miss, just Sam Price", {"kind": r.ANSWER, "value": "Sam Price"}),
    ("reasonable_adjustments", "please don't send a man when my husband is at work", {"kind": r.ANSWER}),
    ("description", "the heating's off and my dad, who's 88 and bedbound, is in a flat that's 11 degrees",
     {"kind": r.ANSWER, "safety": "emergency"}),
    # At the summary: a blessing is no month; a danger now comes first; what the words correct.
    ("confirm", "all correct, may Allah bless you", {"kind": r.CONFIRM}),
    ("confirm", "wait the gas smell is back right now, should i get out?", {"kind": r.DIGRESSION,
                                                                          "topic": "emergency"}),
    ("confirm", "I didn't say it began in March, it was April", {"kind": r.CHANGE,
                                                                 "field": "event_date_text"}),
    ("confirm", "The place is the back garden, not the front", {"kind": r.CHANGE, "field": "location"}),
    ("confirm", "please add that we want the carpet replaced too", {"kind": r.CHANGE,
                                                                     "field": "desired_outcome"}),
]




@pytest.mark.parametrize("question, text, day, ongoing", [
    # Stopped or not, in the words residents use.
    ("event_date_text", "the 4th of November and it ay stopped since", date(2026, 11, 4), True),
    ("event_date_text", "only the one time, 14 November, and nothing since", date(2026, 11, 14), False),
    ("event_date_text", "on 3 November and again on 10 November, but since then it's been quiet",
     date(2026, 11, 3), False),
    ("aware_date_text", "when the letter came on 5 October. It has not stopped", date(2026, 10, 5), True),
    ("aware_date_text", "I saw it in the summer and it's bigger now", date(2026, 7, 15), True),
    # Festivals of other calendars and days said around them.
    ("event_date_text", "since Passover", date(2026, 4, 2), True),
    ("event_date_text", "since Yom Kippur", date(2026, 9, 21), True),
    ("event_date_text", "since erev Rosh Hashana", date(2026, 9, 11), True),
    ("aware_date_text", "on Purim", date(2026, 3, 3), False),
    ("event_date_text", "since remembrance weekend", date(2026, 11, 8), True),
    ("event_date_text", "since the october half turm", date(2026, 10, 26), True),
    ("event_date_text", "a fortnight last friday", date(2026, 11, 13), None),
    # Self-corrections and questions asked back before the answer.
    ("event_date_text", "since the spring. no wait, since christmas", date(2025, 12, 25), True),
    ("event_date_text", "since monday. no sunday", date(2026, 11, 29), True),
    ("event_date_text", "what's the date today? the 1st? then about a month", date(2026, 11, 1), True),
])
def test_dates_from_the_sixteenth_set(question, text, day, ongoing):
    got = read(question, text)
    assert got.kind == r.DATE and got.date == day.isoformat() and got.ongoing == ongoing, got


# Classes from the seventeenth set, in other words.
SEVENTEENTH_CLASSES = [
    ("event_date_text", "Began 3/10/2026, fixed 9/10/2026, came back 20/11/2026 and ongoing",
     {"kind": r.DATE, "ongoing": True}),
    ("event_date_text", "it started in April but it ceased in May when the roofer came",
     {"kind": r.DATE, "ongoing": False}),
    ("event_date_text", "round about a twelvemonth, still at it",
     {"kind": r.DATE, "date": "2025-12-01", "ongoing": True}),
    ("aware_date_text", "a week last monday", {"kind": r.DATE, "date": "2026-11-23"}),
    ("aware_date_text", "around the Jewish new year", {"kind": r.DATE, "date": "2026-09-12"}),
    ("event_date_text", "since the tattie holidays", {"kind": r.DATE, "date": "2026-10-12"}),
    ("still_happening", "not been back since friday, maybe it's sorted question mark", {"kind": r.UNSURE}),
    ("urgency", "urgent I'd say, no real danger but it's getting worse", {"kind": r.ANSWER, "value": "urgent"}),
    ("in_danger", "i think my neighbour might be, she was screaming earlier", {"kind": r.YES}),
    ("in_danger", "no, not while he's at work, but when he's back who knows", {"kind": r.UNSURE}),
    ("in_danger", "how would i know, i'm at my sister's", {"kind": r.UNSURE}),
    ("legal_proceedings", "there is a court case but it's about my divorce, it's not about the house", {"kind": r.NO}),
    ("already_investigated", "I've moaned on the phone loads but never made a formal complaint", {"kind": r.NO}),
    ("already_investigated", "i'm nae sure, my daughter handled it", {"kind": r.UNSURE}),
    ("on_behalf", "bit of both, it's my dad's flat but I live there too", {"kind": r.UNSURE}),
    ("representative_consent", "I've not asked her yet", {"kind": r.NO}),
    ("representative_consent", "Sam: yes, Leon wants me to do it for him", {"kind": r.YES}),
    ("representative_consent", "he's very confused these days so I couldn't really say he's agreed",
     {"kind": r.UNSURE}),
    ("share_details", "nothing to hide, put me down", {"kind": r.YES}),
    ("name", "Joy. I'd rather not give my last name", {"kind": r.ANSWER, "value": "Joy"}),
    ("name", "Rosario Cruz po", {"kind": r.ANSWER, "value": "Rosario Cruz"}),
    ("address", "sorry I can't give my address out", {"kind": r.SKIP}),
    ("address", "12 Mill Lane, Leeds LS9 7QT, sorry, 7QU", {"kind": r.ANSWER, "details": {"postcode": "LS9 7QU"}}),
    ("contact_details", "oh seven seven double oh, nine oh oh, four five six",
     {"kind": r.ANSWER, "details": {"phone": "+447700900456"}}),
    ("preferred_contact", "give me a bell", {"kind": r.ANSWER, "value": "phone"}),
    ("preferred_contact", "message on my mobile please", {"kind": r.ANSWER, "value": "text"}),
    ("confirm", "fine, but a letter is better than email for me", {"kind": r.CHANGE, "field": "preferred_contact",
                                                                    "new_value": "letter"}),
    ("confirm", "looks right, but can it just be texts please", {"kind": r.CHANGE, "field": "preferred_contact"}),
    ("confirm", "one thing: the leak started in June, not July", {"kind": r.CHANGE, "field": "event_date_text"}),
]


# What the eighteenth set taught, in other words: days counted from another day, festivals and
# events, spans that ended, news of a problem that came back, an acknowledgement is not a final
# response, danger said to be absent, despair in a "no".
EIGHTEENTH_CLASSES = [
    ("event_date_text", "two weeks after we got the keys on 1st June, and it's still doing it",
     {"kind": r.DATE, "date": "2026-06-15", "ongoing": True}),
    ("event_date_text", "about a month before Easter", {"kind": r.DATE, "date": "2026-03-05"}),
    ("event_date_text", "the week after my knee op, which was 2 October", {"kind": r.DATE, "date": "2026-10-09"}),
    ("event_date_text", "since Tet", {"kind": r.DATE, "date": "2026-02-17"}),
    ("event_date_text", "the middle of Ramadan", {"kind": r.DATE, "date": "2026-03-05"}),
    ("aware_date_text", "the first morning of Eid after Ramadan", {"kind": r.DATE, "date": "2026-03-20"}),
    ("event_date_text", "the night of the world cup final", {"kind": r.DATE, "date": "2026-07-19"}),
    ("aware_date_text", "once the kids went back after Easter", {"kind": r.DATE, "date": "2026-04-20"}),
    ("event_date_text", "since Sam started reception in August", {"kind": r.DATE, "date": "2026-08-17"}),
    ("event_date_text", "the back end of last year", {"kind": r.DATE, "date": "2025-11-01"}),
    ("event_date_text", "late 2025", {"kind": r.DATE, "date": "2025-11-01"}),
    ("aware_date_text", "three weeks ago Friday", {"kind": r.DATE, "date": "2026-11-13"}),
    ("event_date_text", "every night from 2 to 9 October", {"kind": r.DATE, "date": "2026-10-02", "ongoing": False}),
    ("event_date_text", "how long will all this take, it's been ages", {"kind": r.DIGRESSION,
                                                                       "topic": "ask_timescales"}),
    ("still_happening", "it went away after the plumber came but it's started again this week", {"kind": r.YES}),
    ("still_happening", "no change at all", {"kind": r.YES}),
    ("still_happening", "nothing's been sorted", {"kind": r.YES}),
    ("still_happening", "the boiler's been sorted, it's the mess I'm on about", {"kind": r.NO}),
    ("already_investigated", "I had an email acknowledging my complaint, that's all", {"kind": r.NO}),
    ("already_investigated", "rang loads but no one ever wrote anything back", {"kind": r.NO}),
    ("legal_proceedings", "blimey no, never", {"kind": r.NO}),
    ("legal_proceedings", "I've had legal advice but nothing's been issued", {"kind": r.NO}),
    ("legal_proceedings", "a claims company wrote to me, I ignored it", {"kind": r.NO}),
    ("on_behalf", "it's my dad's flat but I live here too, so I don't know", {"kind": r.UNSURE}),
    ("representative_consent", "she can hardly write these days", {"kind": r.UNSURE}),
    ("in_danger", "no, but what's the point of living like this", {"kind": r.NO, "safety": "safeguarding_concern"}),
    ("urgency", "it's not as if there's a flood, it can wait", {"kind": r.ANSWER, "value": "routine", "safety": None}),
    ("address", "no thanks, you lot know where I live", {"kind": r.SKIP}),
    ("confirm", "that all sounds right to me", {"kind": r.CONFIRM}),
    ("confirm", "yes that's fine. there's also a broken gate but that's a separate matter", {"kind": r.CONFIRM}),
    # Left from its first round, mended in the next session.
    ("event_date_text", "donkey's years love, I couldn't tell you when", {"kind": r.UNSURE}),
    ("event_date_text", "june or july", {"kind": r.DATE, "date": "2026-07-01"}),
    ("event_date_text", "the August bank holiday weekend, the Saturday", {"kind": r.DATE, "date": "2026-08-29"}),
    ("frequency", "I am not sure, I work away so my wife hears it more", {"kind": r.UNSURE}),
]

# What the nineteenth set taught (each class in other words than the set's).
NINETEENTH_CLASSES = [
    ("description", "I'd prefer to talk to a human being please. Could someone phone me this afternoon?",
     {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("description", "The bath panel has come off and I want to speak to a manager about it. Someone should ring me.",
     {"kind": r.ANSWER}),
    ("event_date_text", "Since 3 March. No sorry, the 4th, it was a Wednesday", {"kind": r.DATE, "date": "2026-03-04"}),
    ("event_date_text", "since 9 November.. no sorry, 10 November",
     {"kind": r.DATE, "date": "2026-11-10", "ongoing": True}),
    ("event_date_text", "roughly 10 March 2026 and the repair is still outstanding",
     {"kind": r.DATE, "date": "2026-03-10", "ongoing": True}),
    ("event_date_text", "since the eleventh of last month", {"kind": r.DATE, "date": "2026-11-11", "ongoing": True}),
    ("event_date_text", "the 20th of the month before last", {"kind": r.DATE, "date": "2026-10-20"}),
    ("event_date_text", "since the clocks changed in the autumn", {"kind": r.DATE, "date": "2026-10-25"}),
    ("event_date_text", "since the coronation", {"kind": r.DATE, "date": "2023-05-06", "ongoing": True}),
    ("event_date_text", "since we moved into Coronation Road in June", {"kind": r.DATE, "date": "2026-06-01"}),
    ("event_date_text", "three month and half", {"kind": r.DATE, "date": "2026-08-17"}),
    ("event_date_text", "a week and a half ago", {"kind": r.DATE, "date": "2026-11-21"}),
    ("event_date_text", "five days ago, the day after the storm", {"kind": r.DATE, "date": "2026-11-26"}),
    ("event_date_text", "the last day of Diwali at the start of November", {"kind": r.DATE, "date": "2026-11-08"}),
    ("still_happening", "it's on and off, no idea what to pick", {"kind": r.UNSURE}),
    ("in_danger", "just my son when he tries the broken stairs on his own", {"kind": r.YES}),
    ("representative_consent", "I haven't said anything to him about it yet", {"kind": r.NO}),
    ("representative_consent", "she knows but cannae tell you whether she understood", {"kind": r.UNSURE}),
    ("complaint_choice", "nah, just the job done thanks", {"kind": r.NO}),
    ("complaint_choice", "I don't want anyone getting into bother. Perhaps?", {"kind": r.UNSURE}),
    ("reasonable_adjustments", "go gently with me, lately I feel my kids would be better off without me",
     {"kind": r.ANSWER, "safety": "safeguarding_concern"}),
    ("urgency", "I'll say how urgent it is once I've spoken to a real person", {"kind": r.DIGRESSION,
                                                                             "topic": "request_human"}),
    ("urgency", "not an emergency, we're coping, but before Christmas would be good",
     {"kind": r.ANSWER, "value": "routine"}),
    ("urgency", "Hard to know what counts as urgent. Nothing's dangerous. I think it can wait.",
     {"kind": r.ANSWER, "value": "routine"}),
    ("frequency", "no idea really, I'm away at my sister's most weeks so I couldn't say", {"kind": r.UNSURE}),
    ("affected", "if my neighbour's flat is affected too, does this become a different kind of report?",
     {"kind": r.DIGRESSION, "topic": "ask_what_counts_as_complaint"}),
    ("name", "Jean Brown with an e at the end", {"kind": r.ANSWER, "value": "Jean Browne"}),
    ("address", "12 Mill Lane, ess tee four one double you are",
     {"kind": r.ANSWER, "details": {"postcode": "ST4 1WR"}}),
    ("contact_details", "oh seven nine double one two three four five six seven",
     {"kind": r.ANSWER, "details": {"phone": "+447911234567"}}),
    ("preferred_contact", "email me, no wait, a text is better", {"kind": r.ANSWER, "value": "text"}),
    ("confirm", "Ie, mae popeth yn iawn. Diolch yn fawr", {"kind": r.CONFIRM}),
    ("confirm", "hold on, am I chatting to a machine?", {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("confirm", "I'm not sure I want to go ahead any more", {"kind": r.DIGRESSION, "topic": "stop"}),
    ("confirm", "my son name is wrong, it is Idris", {"kind": r.CHANGE, "field": "represented_name",
                                                     "new_value": "Idris"}),
    ("confirm", "my name is wrong, it's Gwen", {"kind": r.CHANGE, "field": "name", "new_value": "Gwen"}),
    ("confirm", "the date's wrong, I've known about it since March", {"kind": r.CHANGE, "field": "aware_date_text"}),
]

# What the twentieth set taught (each class in other words than the set's).
TWENTIETH_CLASSES = [
    ("event_date_text", "bout 6 months ago? no longer, it was there before we moved in, may 2025",
     {"kind": r.DATE, "date": "2025-05-01"}),
    ("event_date_text", "it's no longer there, it was in April", {"kind": r.DATE, "ongoing": False}),
    ("description", "the lift's broken so I push him up the ramp at the back in his chair every morning",
     {"kind": r.ANSWER, "safety": None}),
    ("reasonable_adjustments", "please don't send me forms as photos, I use a screen reader",
     {"kind": r.ANSWER, "safety": None}),
    ("confirm", "please don't send it yet", {"kind": r.DIGRESSION, "topic": "stop"}),
    ("event_date_text", "Before I answer - who decides how quick this gets done? It's been since July.",
     {"kind": r.DIGRESSION, "topic": "ask_timescales"}),
    ("event_date_text", "since half term", {"kind": r.DATE, "date": "2026-10-26", "ongoing": True}),
    ("event_date_text", "since t'summer holidays", {"kind": r.DATE, "date": "2026-07-22"}),
    ("event_date_text", "sinse tuesday", {"kind": r.DATE, "date": "2026-11-24"}),
    ("event_date_text", "about fifteen months", {"kind": r.DATE, "date": "2025-09-01"}),
    ("event_date_text", "I reported it on 2/10/2026. It had been going a fortnight before that.",
     {"kind": r.DATE, "date": "2026-09-18"}),
    ("aware_date_text", "the letter came on the 3rd of November but I was away till the Monday, so the 9th",
     {"kind": r.DATE, "date": "2026-11-09"}),
    ("aware_date_text", "your letter dated 20 October, it got here on the 24th",
     {"kind": r.DATE, "date": "2026-10-24"}),
    ("aware_date_text", "when we got the Christmas tree out last year", {"kind": r.DATE, "date": "2025-12-01"}),
    ("event_date_text", "honestly I can't rightly say", {"kind": r.UNSURE}),
    ("frequency", "couldn't say, it depends on the rain", {"kind": r.UNSURE}),
    ("frequency", "urgh forget it, I'll ring the office", {"kind": r.DIGRESSION, "topic": "stop"}),
    ("urgency", "I'm not sure how to put it, can I talk it through with someone?",
     {"kind": r.DIGRESSION, "topic": "request_human"}),
    ("preferred_contact", "can't someone just speak to me face to face?", {"kind": r.DIGRESSION,
                                                                          "topic": "request_human"}),
    ("reasonable_adjustments", "face to face meetings please, I lip read", {"kind": r.ANSWER}),
    ("still_happening", "the leak's stopped but the ceiling is still stained and sagging", {"kind": r.YES}),
    ("legal_proceedings", "I think not. Never been to court.", {"kind": r.NO}),
    ("in_danger", "I think not. I'm not certain.", {"kind": r.UNSURE}),
    ("on_behalf", "Wait, am I talking to a robot? My niece put this on my phone for me.",
     {"kind": r.DIGRESSION, "topic": "bot_challenge"}),
    ("representative_consent", "I hivnae asked him yet", {"kind": r.NO}),
    ("representative_consent", "my brother says it's fine", {"kind": r.YES}),
    ("share_details", "not bothered either way, whatever's easiest for you", {"kind": r.UNSURE}),
    ("confirm", "the person it's for should be Mr Idris Khan, not Idrees", {"kind": r.CHANGE,
                                                                           "field": "represented_name"}),
    ("confirm", "change it so you email me not phone", {"kind": r.CHANGE, "field": "preferred_contact",
                                                       "new_value": "email"}),
    ("confirm", "it's not for me, I'm doing it for my dad", {"kind": r.CHANGE, "field": "on_behalf"}),
    ("confirm", "the first bit isn't right, it's the back door not the front", {"kind": r.CHANGE,
                                                                                "field": "description"}),
]


@pytest.mark.parametrize("text, field", [
    ("leave my name off please", "share_details"),
    ("it should say she's me mum not me aunt", "representative_relationship"),
])
def test_answers_only_some_summaries_show_put_right_in_words(text, field):
    got = r.read("confirm", text, now=NOW, changeable=(*CHANGEABLE, "share_details", "representative_relationship"))
    assert (got.kind, got.field) == (r.CHANGE, field), got


def test_a_representatives_relationship_put_right_at_the_summary():
    got = r.read("confirm", "Pat is my friend, not my sister", now=NOW,
                 changeable=(*CHANGEABLE, "representative_relationship"))
    assert (got.kind, got.field) == (r.CHANGE, "representative_relationship"), got


@pytest.mark.parametrize("question, text, expected", [
    *(pytest.param(*row, id=f"eighteenth-{i}") for i, row in enumerate(EIGHTEENTH_CLASSES)),
    *(pytest.param(*row, id=f"nineteenth-{i}") for i, row in enumerate(NINETEENTH_CLASSES)),
    *(pytest.param(*row, id=f"twentieth-{i}") for i, row in enumerate(TWENTIETH_CLASSES)),
    *(pytest.param(*row, id=f"twentyfirst-{i}") for i, row in enumerate(TWENTYFIRST_CLASSES)),
    *(pytest.param(*row, id=f"twentysecond-{i}") for i, row in enumerate(TWENTYSECOND_CLASSES)),
    *(pytest.param(*row, id=f"twentythird-{i}") for i, row in enumerate(TWENTYTHIRD_CLASSES)),
    *(pytest.param(*row, id=f"twentyfourth-{i}") for i, row in enumerate(TWENTYFOURTH_CLASSES)),
    *(pytest.param(*row, id=f"twentyfifth-{i}") for i, row in enumerate(TWENTYFIFTH_CLASSES)),
    *(pytest.param(*row, id=f"twentysixth-{i}") for i, row in enumerate(TWENTYSIXTH_CLASSES)),
    *(pytest.param(*row, id=f"twentyseventh-{i}") for i, row in enumerate(TWENTYSEVENTH_CLASSES)),
    *(pytest.param(*row, id=f"twentyeighth-{i}") for i, row in enumerate(TWENTYEIGHTH_CLASSES)),
    *(pytest.param(*row, id=f"sixteenth-{i}") for i, row in enumerate(SIXTEENTH_CLASSES)),
    *(pytest.param(*row, id=f"seventeenth-{i}") for i, row in enumerate(SEVENTEENTH_CLASSES)),
])
def test_classes_from_the_later_sets(question, text, expected):
    """One table per set (what each set taught, kept apart), one test for them all."""
    got = r.read(question, text, now=NOW, changeable=(*CHANGEABLE, "desired_outcome"))
    assert {key: getattr(got, key) for key in expected} == expected, got


def test_unsafe_heating_and_threats_at_the_door_are_danger():
    assert safety_in("my gran is 90 and freezing so we've put the gas oven on with the door open") == "emergency"
    assert safety_in("he posted something burning through my letterbox last night") == "safeguarding_concern"
    assert safety_in("my ex found out where I live and he's been outside twice") == "safeguarding_concern"


def test_danger_told_at_the_kind_question_is_not_filed_as_a_kind_whatever_the_classifier_says():
    parse = {"intent": {"name": "asb_report", "confidence": 0.93},
             "intent_ranking": [{"name": "asb_report", "confidence": 0.93}]}
    got = r.read("feedback_kind", "my husband's been following me home from work and now he's parked outside the "
                 "flat", parse=parse, now=NOW)
    assert (got.kind, got.topic) == (r.DIGRESSION, "safeguarding_concern"), got
    got = r.read("feedback_kind", "the lads upstairs have had music on every night this week until 3am",
                 parse=parse, now=NOW)
    assert (got.kind, got.value) == (r.ANSWER, "asb_report"), got


@pytest.mark.parametrize("text, answers, field, new_value", [
    ("its Tremayne not Tremain, with a y", {"name": "Bev Tremain", "description": "the fan"}, "name", "Bev Tremayne"),
    ("Wrong. It's not 'Wes'. Wesley.", {"name": "Wes Campbell", "location": "the west stairwell"},
     "name", "Wesley Campbell"),
    ("Smyth not Smith", {"name": "Jo Smith", "represented_name": "Ann Jones"}, "name", "Jo Smyth"),
    ("it's the first floor not the second", {"location": "second floor landing", "description": "lights out"},
     "location", None),
    # The word is in two answers: which one is asked.
    ("its Tremayne not Tremain", {"name": "Bev Tremain", "address": "14 Tremain Close"}, None, None),
])
def test_a_correction_that_names_only_the_wrong_word_finds_the_answer_holding_it(text, answers, field, new_value):
    """At the summary, "its Tremayne not Tremain" names no answer: the one whose value holds
    the wrong word is meant, and the word put right in it is the new answer."""
    got = r.read(r.SUMMARY, text, now=NOW, changeable=CHANGEABLE, answers=answers)
    assert (got.kind, got.field, got.new_value) == (r.CHANGE, field, new_value)


def test_the_summary_s_answers_reach_the_reader_from_the_conversation():
    """In the running assistant the summary's answers come from the tracker's slots."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa.reading import read_in_context

    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker.from_events("resident", [
        SlotSet("feedback_kind", "complaint"), SlotSet("description", "the extractor fan is broken"),
        SlotSet("name", "Bev Tremain"), SlotSet("share_details", True),
        SlotSet("awaiting_confirmation", True)], slots=domain.slots)
    parse = read_in_context({"text": "its Tremayne not Tremain, with a y", "intent": {"name": "inform"}}, tracker,
                            now=NOW)
    reading = parse["intake"]["reading"]
    assert (reading["kind"], reading.get("field"), reading.get("new_value")) == (r.CHANGE, "name", "Bev Tremayne")
