"""The seeds' own cases, end to end (issue 19, "What it must show"): each starts with a resident
chatting to the real Rasa server and action server in their own words, then staff act on the case
through the real case store (the same database the stack files into), and, for the ASB report, the
staff workspace.

1. County Town Homes (new-build, Housing Plus Group): the New Homes Quality Code's deadlines,
   acknowledged, answered and closed; no stage 2, neither for staff nor when the resident asks.
2. Housing Plus Group: a housing complaint unanswered after 20 working days is due a director's
   contact (seed 002).
3. Seed 004: extended to the policy's limit; a further extension only with the resident's agreement.
4. Stage 2 asked for in the chat is not for the stage 1 handler (Code 6.13).
5. An ASB report lands in the neighbourhood team's queue, in the store and in the workspace.
6. A resident erased from the case store and the tracker store alike (SQLite, and PostgreSQL when
   INTAKE_TEST_POSTGRES_URL names a server).
"""
from __future__ import annotations

import os
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.cases.store import CaseQuery, CaseStore, InvalidTransition, NoStage2
from bot.policy import load_profile
from bot.workdays import add_working_days
from tests.e2e.resident import Resident
from tests.e2e.test_conversations import LONDON, reference_in
from tests.support.clock import Clock
from tests.support.services import missing

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:6]          # keeps names, e-mails and staff accounts unique per run
RUN_LETTERS = "".join(chr(ord("a") + int(c, 16)) for c in RUN)   # the same, as a name would be
FILED = re.compile(r"your reference is", re.I)


# --- a resident who answers the question asked ---------------------------------------------------

class Once:
    """Answers given in turn when the same question comes again (the last one repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers)

    def next(self, resident: Resident):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(resident) if callable(answer) else answer


def button(title: str):
    """Press the button titled `title` under the assistant's last message."""
    def press(resident: Resident) -> str:
        for b in resident.last_buttons():
            if b["title"].lower() == title.lower():
                return b["payload"]
        raise AssertionError(resident.dump(f"no button {title!r}"))
    return press


def chat(resident: Resident, opening: str, kind: str, answers: list[tuple[str, object]], *,
         until=FILED, max_turns: int = 30) -> str:
    """Open with `opening` and answer each question as it comes: `answers` is a list of (words
    the question contains, the answer: text, a callable of the resident, or a `Once`), the first
    that matches the assistant's last message wins. If the assistant asks which kind of feedback
    it is, the resident picks `kind`. Returns the assistant's words once `until` is in them;
    `resident.asked` lists the questions answered."""
    resident.asked = []
    said = resident.text(opening)
    for _ in range(max_turns):
        if until.search(said):
            return said
        replies = resident.transcript[-1][1]
        question = (replies[-1].get("text") or "") if replies else ""
        payloads = [b["payload"] for b in resident.last_buttons()]
        match = next(((key, answer) for key, answer in answers if key.lower() in question.lower()),
                     None)
        if match is None:
            assert f"/{kind}" in payloads, resident.dump(f"a question the resident can't answer: {question!r}")
            said = resident.text(f"/{kind}")
            continue
        key, answer = match
        resident.asked.append(key)
        if isinstance(answer, Once):
            answer = answer.next(resident)
        elif callable(answer):
            answer = answer(resident)
        said = resident.text(answer)
    raise AssertionError(resident.dump(f"not done after {max_turns} turns"))


def filed_on(case) -> date:
    return case.created_at.astimezone(LONDON).date()


def uk_morning(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=LONDON).astimezone(timezone.utc)


def forbidden(call, error=InvalidTransition, match: str | None = None):
    with pytest.raises(error, match=match) as raised:
        call()
    return raised.value


# --- 1. County Town Homes: a new-build complaint from chat to closure ---------------------------

def test_a_county_town_homes_complaint_follows_the_new_homes_code_to_closure(hpg_stack):
    today = datetime.now(LONDON).date()
    # The resident says "this year" (or "last year" early in the year): a real date either way.
    year, when = (today.year, "this year") if today >= date(today.year, 3, 15) \
        else (today.year - 1, "last year")
    completed = date(year, 3, 14)

    def check_summary(resident: Resident) -> str:
        summary = resident.transcript[-1][1][-1]["text"]
        assert "cracks all up the walls" in summary and "Daniel Okafor" in summary
        if f"14 March {year}" in summary:
            return "yes thats all right now, send it"
        # As a resident would: the date they gave is not the one shown, so they say so.
        return "no the date we completed on the house is wrong, it was march"

    resident = Resident(hpg_stack)
    done = chat(resident, "hi i bought a new build house off county town homes and theres cracks "
                          "all up the walls and the snagging list still isnt done, i want to complain",
                "complaint", [
                    ("is that right", check_summary),
                    ("when did this happen", "the cracks started showing about a month after we "
                                             "moved in, been chasing since august"),
                    ("who has been affected", "me my partner and our little one"),
                    ("which of our services", button("County Town Homes")),
                    ("complete on your home", Once(f"we completed on the 14th of march {when}",
                                                   f"14th march {year}")),
                    ("put things right", "get the cracks properly looked at by a structural "
                                         "engineer and the snags finished"),
                    ("already investigated", "no this is the first time ive complained"),
                    ("legal action", "no"),
                    ("for someone else", "no its just for me"),
                    ("contact details", "yes"),
                    ("your name", "Daniel Okafor"),
                    ("postcode", "7 Meadow View, Stafford ST16 3QP"),
                    ("e-mail address or phone", f"daniel.okafor.{RUN}@example.com"),
                    ("how would you like us to contact you", "email"),
                    ("format", "standard please"),
                    ("easier for you", "no thanks"),
                ])
    assert "complete on your home" in resident.asked      # the code's time limit needs it
    assert "New Homes Ombudsman Service" in done and "Housing Ombudsman" not in done
    reference = reference_in(done)

    store = CaseStore(hpg_stack.env["INTAKE_DATABASE_URL"], forward=False)
    try:
        case = store.find_by_reference(reference)
        assert (case.case_type, case.service, case.policy_profile, case.team) == \
            ("complaint", "new-build", "housing-plus-group", "county_town_homes")
        assert case.extra["home_date"] == completed.isoformat() and case.exclusion is None
        # The New Homes Quality Code: calendar days from the first working day after receipt
        # (5 to acknowledge, 10 to say how it will be resolved, 30 to respond, 56 before the
        # ombudsman), not the housing stages' working days, and no director contact (that
        # belongs to stage 1 of the housing process).
        start = add_working_days(filed_on(case), 1, "england-and-wales")
        assert case.deadlines == {
            "acknowledge_by": (start + timedelta(days=5)).isoformat(),
            "resolution_plan_by": (start + timedelta(days=10)).isoformat(),
            "stage1_response_by": (start + timedelta(days=30)).isoformat(),
            "stage1_extended_response_by": (start + timedelta(days=56)).isoformat(),
        }
        from bot.policy.wording import format_date

        for day in case.deadlines.values():
            assert format_date(date.fromisoformat(day)) in done    # the resident was told them

        store.acknowledge(reference, actor="staff:priya")
        after = store.record_response(reference, actor="staff:priya",
                                      summary="Structural engineer booked, snagging finished",
                                      decision="upheld")
        assert after.status == "responded" and after.deadlines == case.deadlines
        forbidden(lambda: store.escalate(reference, actor="staff:priya", reason="buyer unhappy"),
                  NoStage2, "New Homes Quality Code")
        closed = store.close(reference, actor="staff:priya", outcome="resolved")
        assert closed.status == "closed" and closed.closed_at is not None
        for call in (lambda: store.escalate(reference, actor="staff:sam"),
                     lambda: store.request_stage2(reference, "still cracked")):
            error = forbidden(call, NoStage2)
            assert isinstance(error, InvalidTransition) and "New Homes Ombudsman" in str(error)

        # The resident asks for stage 2 in the chat all the same: told where to go instead.
        again = Resident(hpg_stack)
        said = chat(again, "hiya ive had your final response about the cracks in my house but im "
                           "not happy with it, can i take it further to stage 2",
                    "complaint", [
                        ("case reference", f"its {reference}"),
                        ("postcode or the e-mail", f"daniel.okafor.{RUN}@example.com"),
                        ("why you are unhappy", "the cracks are getting bigger and the engineer "
                                                "just filled them"),
                    ], until=re.compile("no second stage", re.I))
        assert "New Homes Ombudsman Service" in said and "nhos.org.uk" in said
        assert "why you are unhappy" not in again.asked  # no reasons asked for a stage it lacks

        case = store.find_by_reference(reference)
        assert (case.status, case.stage) == ("closed", 1)
        history = store.history(reference)
        assert [(e.kind, e.actor, e.stage) for e in history] == [
            ("filed", "assistant", 1), ("acknowledged", "staff:priya", 1),
            ("responded", "staff:priya", 1), ("closed", "staff:priya", 1)]
        assert [(e.status_before, e.status_after) for e in history[1:]] == [
            ("new", "acknowledged"), ("acknowledged", "responded"), ("responded", "closed")]
        assert history[2].details["decision"] == "upheld"
        assert history[3].details["outcome"] == "resolved"
    finally:
        store.dispose()


# --- 2. Housing Plus Group: unanswered after 20 working days, a director contacts -----------------

def test_a_housing_plus_group_complaint_unanswered_for_20_working_days_is_due_a_director(hpg_stack):
    resident = Resident(hpg_stack)
    done = chat(resident, "i rang up 3 times about my boiler and every time they said an engineer "
                          "would ring back and nobody ever did. ive had no hot water for over a "
                          "week with 2 kids, its not on",
                "complaint", [
                    ("is that right", "yes thats right"),
                    ("when did this happen", "it packed up last monday"),
                    ("who has been affected", "me and the kids"),
                    # Typing the name is what a resident tries first; the button if asked again.
                    ("which of our services", Once("homes plus, im a tenant", button("Homes Plus"))),
                    ("put things right", "fix the boiler and someone to actually ring me back"),
                    ("already investigated", "no"),
                    ("legal action", "no"),
                    ("for someone else", "no"),
                    ("contact details", "yeah"),
                    ("your name", "Leanne Hibbert"),
                    ("postcode", "21 Wolverhampton Road, Stafford ST17 4AW"),
                    ("e-mail address or phone", "07700 900782"),
                    ("how would you like us to contact you", "text me"),
                    ("format", "standard"),
                    ("easier for you", "no thanks"),
                ])
    assert "Housing Ombudsman" in done
    reference = reference_in(done)

    filed = CaseStore(hpg_stack.env["INTAKE_DATABASE_URL"], forward=False)
    try:
        case = filed.find_by_reference(reference)
    finally:
        filed.dispose()
    assert (case.service, case.policy_profile, case.stage, case.status) == \
        ("housing", "housing-plus-group", 1, "new")
    received = filed_on(case)
    director_by = add_working_days(received, 20, "england-and-wales")     # seed 002
    assert case.deadlines["director_contact_by"] == director_by.isoformat()

    from bot.letters.compose import available, compose

    profile = load_profile("housing-plus-group")
    clock = Clock(uk_morning(add_working_days(received, 19, "england-and-wales")))
    store = CaseStore(hpg_stack.env["INTAKE_DATABASE_URL"], clock=clock, forward=False)
    try:
        # Day 19: not yet.
        assert store.today() < director_by
        assert "director_contact" not in available(profile, case, store.history(reference),
                                                   store.today())
        # 21 working days on, with no response: past, and the director's letter is due.
        clock.set(uk_morning(add_working_days(received, 21, "england-and-wales")))
        case = store.find_by_reference(reference)
        assert case.responded_at is None and case.status == "new"
        assert case.deadline("director_contact_by") == director_by < store.today()
        assert case.is_overdue(store.today())
        assert reference in {c.reference for c in store.query(CaseQuery(overdue=True, limit=None))}
        history = store.history(reference)
        assert "director_contact" in available(profile, case, history, store.today())
        letter = compose(profile, case, history, "director_contact", store.today())
        assert "has not been answered within 20 working days" in " ".join(letter.body.split())

        # Once the director's letter is sent, it is no longer due.
        store.record_letter(reference, "staff:director", letter="director_contact",
                            subject=letter.subject, text=letter.body, method="post", to=None)
        assert "director_contact_by" not in store.find_by_reference(reference).deadlines
    finally:
        store.dispose()


# --- 3. Seed 004: a further extension, only with the resident's agreement ------------------------

@pytest.fixture(scope="session")
def seed004_stack(trained_model, tmp_path_factory):
    """A stack under the seed 004 landlord's profile (further extensions need agreement)."""
    from tests.e2e.conftest import stack_under

    yield from stack_under("seed-004-landlord", trained_model, tmp_path_factory)


def test_a_seed_004_complaint_is_extended_further_only_with_the_resident_s_agreement(seed004_stack):
    resident = Resident(seed004_stack)
    done = chat(resident, "morning. my kitchen ceiling has been leaking since october, your "
                          "contractor came out twice and just painted over the stain. now its "
                          "dripping again",
                "complaint", [
                    ("is that right", "yes send it please"),
                    ("when did this happen", "first noticed it about 8 weeks ago"),
                    ("who has been affected", "me and my elderly mum who lives with me"),
                    ("put things right", "find where the water is coming from and fix it "
                                         "properly, and redecorate"),
                    ("already investigated", "no never"),
                    ("legal action", "no"),
                    ("for someone else", "no its for me"),
                    ("contact details", "go on then"),
                    ("your name", "Kerry-Ann Whitlock"),
                    ("postcode", "Flat 3, 22 Goldsmith Road, Walsall WS3 1DL"),
                    ("e-mail address or phone", f"kerryann.{RUN}@example.net"),
                    ("how would you like us to contact you", "email is best"),
                    ("format", "standard"),
                    ("easier for you", "no thanks"),
                ])
    reference = reference_in(done)
    store = CaseStore(seed004_stack.env["INTAKE_DATABASE_URL"], forward=False)
    try:
        case = store.find_by_reference(reference)
        assert (case.policy_profile, case.service, case.team) == \
            ("seed-004-landlord", "housing", "complaints")
        store.acknowledge(reference, actor="staff:olu")
        acknowledged = store.find_by_reference(reference)
        limit = acknowledged.deadline("stage1_extended_response_by")
        first = acknowledged.deadline("stage1_response_by")
        # Seed 004: respond within 10 working days of acknowledgement, extend by up to 10 more.
        assert first == add_working_days(filed_on(case), 10, "england-and-wales")
        assert limit == add_working_days(first, 10, "england-and-wales")

        # To the limit: the longest extension the policy allows.
        extended = store.extend(reference, "staff:olu", "explained")
        assert extended.deadline("stage1_response_by") == limit
        forbidden(lambda: store.extend(reference, "staff:olu", "still waiting on the roofer",
                                       new_date=limit), match="not after")

        # Further, without the resident's agreement: refused, and nothing changes.
        further = limit + timedelta(days=7)
        forbidden(lambda: store.extend(reference, "staff:olu", "still waiting on the roofer",
                                       new_date=further), match="agreement")
        forbidden(lambda: store.extend(reference, "staff:olu", "still waiting on the roofer",
                                       new_date=further, resident_agreement="   "),
                  match="agreement")
        assert store.find_by_reference(reference).deadline("stage1_response_by") == limit

        # With it: accepted, and how she agreed is kept.
        agreed = "Ms Whitlock agreed on the phone to the new date"
        after = store.extend(reference, "staff:olu", "still waiting on the roofer",
                             new_date=further, resident_agreement=agreed)
        assert after.deadline("stage1_response_by") == further
        extensions = [e for e in store.history(reference) if e.kind == "extended"]
        assert [(e.details["previous_date"], e.details["new_date"]) for e in extensions] == [
            (first.isoformat(), limit.isoformat()), (limit.isoformat(), further.isoformat())]
        assert "resident_agreement" not in extensions[0].details
        assert extensions[1].details["resident_agreement"] == agreed
        assert extensions[1].details["reason"] == "still waiting on the roofer"
    finally:
        store.dispose()


# --- 4. Stage 2, asked for in the chat, is not for the stage 1 handler -----------------------------

def test_stage_2_asked_for_in_the_chat_is_refused_to_the_stage_1_handler(rasa_stack, case_store):
    email = f"tomasz.nowak.{RUN}@example.org"
    resident = Resident(rasa_stack)
    done = chat(resident, "i want to complain about the communal hallway, the lights have been "
                          "out for a month and someone fell on the stairs",
                "complaint", [
                    ("is that right", "yes"),
                    ("when did this happen", "since the start of november"),
                    ("who has been affected", "everyone in the block"),
                    ("put things right", "get the lights fixed and the stairs made safe"),
                    ("already investigated", "no"),
                    ("legal action", "no"),
                    ("for someone else", "no"),
                    ("contact details", "yes"),
                    ("your name", "Tomasz Nowak"),
                    ("postcode", "Flat 12 Linden House, Bristol BS5 6XY"),
                    ("e-mail address or phone", email),
                    ("how would you like us to contact you", "email"),
                    ("format", "standard"),
                    ("easier for you", "no thanks"),
                ])
    reference = reference_in(done)
    # Staff A handles stage 1.
    case_store.acknowledge(reference, actor="staff:amira")
    case_store.record_response(reference, actor="staff:amira",
                               summary="New lights ordered", decision="partly_upheld")

    # Another day, another conversation: the resident wants it looked at again.
    unhappy = Resident(rasa_stack)
    said = chat(unhappy, f"hi, i got a letter back about my complaint {reference} but its not good "
                         f"enough, the lights are still out. i want it looked at again by someone else",
                "complaint", [
                    ("case reference", reference),
                    ("postcode or the e-mail", email),
                    ("why you are unhappy", "the lights are still out, its pitch black on the "
                                            "stairs at night and the response just said a repair "
                                            "was ordered"),
                    # Told the status instead: says what they want.
                    ("we have sent our response", "i know, but im not happy with the response. "
                                                  "i want to escalate it to stage 2"),
                ], until=re.compile("to go to stage 2", re.I))
    assert f"I've asked for your complaint {reference} to go to stage 2" in said

    case = case_store.find_by_reference(reference)
    assert (case.stage, case.status, case.assigned_to) == (2, "new", None)
    assert case.deadlines.get("stage2_acknowledge_by") and case.deadlines.get("stage2_response_by")
    (request,) = [e for e in case_store.history(reference) if e.kind == "stage2_requested"]
    assert request.actor == "resident" and "pitch black" in request.details["reasons"]

    # Staff A may not take stage 2 on, in any way; staff B may.
    for call in (lambda: case_store.acknowledge(reference, actor="staff:amira"),
                 lambda: case_store.reassign(reference, actor="staff:lead", assignee="amira")):
        forbidden(call, match="6.13")
    assert case_store.find_by_reference(reference).status == "new"
    acknowledged = case_store.acknowledge(reference, actor="staff:ben")
    assert (acknowledged.stage, acknowledged.status) == (2, "acknowledged")
    forbidden(lambda: case_store.record_response(reference, actor="staff:amira", summary="x"),
              match="6.13")
    answered = case_store.record_response(reference, actor="staff:ben",
                                          summary="Electrician fitted new lights", decision="upheld")
    assert answered.status == "responded"
    assert [(e.kind, e.actor, e.stage) for e in case_store.history(reference)][1:] == [
        ("acknowledged", "staff:amira", 1), ("responded", "staff:amira", 1),
        ("stage2_requested", "resident", 2), ("acknowledged", "staff:ben", 2),
        ("responded", "staff:ben", 2)]


# --- 5. An ASB report lands in the neighbourhood team's queue -------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def workspace(rasa_stack, monkeypatch):
    """The staff workspace on the stack's databases, with a signed-in advocate's client."""
    from argon2 import PasswordHasher, profiles

    from bot.policy import active_profile
    from bot.staff import auth
    from bot.staff.app import create_app
    from bot.staff.transcripts import TrackerReader

    monkeypatch.setenv("INTAKE_POLICY", rasa_stack.env["INTAKE_POLICY"])
    active_profile.cache_clear()
    auth.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    store = CaseStore(rasa_stack.env["INTAKE_DATABASE_URL"], forward=False)
    reader = TrackerReader(rasa_stack.env["INTAKE_TRACKER_URL"])
    username = f"nina{RUN}"
    with store.write() as db:
        auth.create_user(db, username, "Nina Neighbourhood", "advocate", PASSWORD, actor="test",
                         now=datetime.now(timezone.utc))
    app = create_app(store=store, tracker=reader, secret_key="test-secret-" + "x" * 40,
                     secure_cookies=False, trusted_proxies=0)
    app.config["TESTING"] = True
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    signed = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert signed.status_code == 303, signed.get_data(as_text=True)[:500]
    yield client
    reader.dispose()
    store.dispose()
    auth.set_hasher(PasswordHasher())
    active_profile.cache_clear()


def test_an_asb_report_lands_in_the_neighbourhood_team_s_queue(rasa_stack, case_store, workspace):
    resident = Resident(rasa_stack)
    done = chat(resident, "hiya my neighbours upstairs have been having parties till 4am every "
                          "weekend and banging on my door when i complain, its doing my head in",
                "asb_report", [
                    ("is that right", "yep thats right"),
                    ("since when", "since about the end of september"),
                    ("how often", "every fri and sat night, sometimes sundays too"),
                    ("where is this happening", "flat 9 above me, Wren Court"),
                    ("in danger", "no not in danger just knackered"),
                    ("evidence", "ive got some voice notes on my phone of the noise"),
                    ("contact details", "yeah thats fine"),
                    ("your name", "Shanice Morley"),
                    ("postcode", "10 wren court, NG7 2RD"),
                    ("e-mail address or phone", f"shanice.m.{RUN}@example.net"),
                    ("how would you like us to contact you", "email please"),
                ])
    assert "neighbourhood team" in done
    reference = reference_in(done)
    assert reference.startswith("ASB-")
    case = case_store.find_by_reference(reference)
    assert (case.case_type, case.team, case.urgent) == ("asb_report", "neighbourhood", False)

    in_team = {c.reference for c in case_store.query(CaseQuery(team="neighbourhood", limit=None))}
    in_complaints = {c.reference for c in case_store.query(CaseQuery(team="complaints", limit=None))}
    assert reference in in_team and reference not in in_complaints

    neighbourhood = workspace.get("/?team=neighbourhood")
    assert neighbourhood.status_code == 200
    page = neighbourhood.get_data(as_text=True)
    assert f'href="/cases/{reference}"' in page and '<option value="neighbourhood" selected>' in page
    complaints = workspace.get("/?team=complaints").get_data(as_text=True)
    assert f'href="/cases/{reference}"' not in complaints
    shown = workspace.get(f"/cases/{reference}")
    assert shown.status_code == 200 and "Neighbourhood team" in shown.get_data(as_text=True)


# --- 6. A resident erased from cases and transcripts alike -----------------------------------------

def all_text(url: str) -> list[tuple[str, str]]:
    """Every row of every table of a database, as (table, the row's values as text)."""
    engine = sa.create_engine(url)
    try:
        tables = sa.MetaData()
        tables.reflect(engine)
        with engine.connect() as connection:
            return [(table.name, " ".join(str(value) for value in row))
                    for table in tables.sorted_tables
                    for row in connection.execute(sa.select(table))]
    finally:
        engine.dispose()


def traces_of(url: str, words: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(table, word) for table, text in all_text(url) for word in words
            if word.lower() in text.lower()]


def erase_a_resident(stack) -> None:
    from bot.cases.privacy import Subject, erase_subject
    from bot.cases.tracker import TrackerStore

    surname = f"Fenwick-{RUN_LETTERS.capitalize()}"
    name, email = f"Ottilie {surname}", f"ottilie.{RUN}@example.org"
    pet = f"Pickles{RUN_LETTERS}"      # her budgie: words only she said
    resident = Resident(stack)
    done = chat(resident, f"hello, i want to make a complaint. the caretaker keeps leaving the "
                          f"bins by my front door and theyre full of maggots, my budgie {pet} is "
                          f"getting poorly from the flies",
                "complaint", [
                    ("is that right", "yes"),
                    ("when did this happen", "its been going on since half term"),
                    ("who has been affected", f"me and {pet}"),
                    ("put things right", "move the bins away from my door and get it cleaned up"),
                    ("already investigated", "no"),
                    ("legal action", "no"),
                    ("for someone else", "no"),
                    ("contact details", "yes"),
                    ("your name", name),
                    ("postcode", "4 Quarry Bank, Sheffield S6 2LT"),
                    ("e-mail address or phone", email),
                    ("how would you like us to contact you", "email"),
                    ("format", "standard"),
                    ("easier for you", "no thanks"),
                ])
    reference = reference_in(done)
    traces = (surname, email, pet)
    cases_url, tracker_url = stack.env["INTAKE_DATABASE_URL"], stack.env["INTAKE_TRACKER_URL"]
    # Before: she is in both stores (so the check below can find her).
    assert {"cases"} <= {table for table, _ in traces_of(cases_url, traces)}
    assert {(("events"), word) for word in traces} <= set(traces_of(tracker_url, traces))

    store = CaseStore(cases_url, forward=False)
    tracker = TrackerStore(tracker_url)
    try:
        result = erase_subject(store, Subject(email=email.upper()), actor="staff:dpo",
                               tracker=tracker)
        assert result.references == [reference]
        assert result.conversations == 1 and result.transcript_events > 10
        case = store.find_by_reference(reference)
        assert case.anonymised_at is not None
        assert (case.name, case.email, case.description) == (None, None, None)
        assert [e.kind for e in store.history(reference)][-1] == "erased"
        assert tracker.transcripts([resident.sender]).get(resident.sender) in (None, [])
    finally:
        tracker.dispose()
        store.dispose()
    # After: no trace of her name, her e-mail or her words in any table of either store.
    assert traces_of(cases_url, traces) == []
    assert traces_of(tracker_url, traces) == []


def test_a_resident_is_erased_from_cases_and_transcripts_alike(rasa_stack):
    erase_a_resident(rasa_stack)


@pytest.fixture(scope="session")
def postgres_stack(trained_model, tmp_path_factory):
    """The default stack with its case store and tracker store on PostgreSQL."""
    from tests.support.scaled import create_database, drop_database
    from tests.support.servers import RasaStack

    admin = os.environ.get("INTAKE_TEST_POSTGRES_URL")
    if not admin:
        missing("the PostgreSQL variant needs INTAKE_TEST_POSTGRES_URL")
    cases_url, cases_db = create_database(admin, prefix="intake_e2e_cases")
    tracker_url, tracker_db = create_database(admin, prefix="intake_e2e_tracker")
    stack = RasaStack(model=trained_model, workdir=tmp_path_factory.mktemp("pg-stack"),
                      extra_env={"INTAKE_DATABASE_URL": cases_url,
                                 "INTAKE_TRACKER_URL": tracker_url})
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        drop_database(admin, cases_db)
        drop_database(admin, tracker_db)


@pytest.mark.postgres
def test_on_postgresql_a_resident_is_erased_from_cases_and_transcripts_alike(postgres_stack):
    assert postgres_stack.env["INTAKE_DATABASE_URL"].startswith("postgresql")
    erase_a_resident(postgres_stack)
