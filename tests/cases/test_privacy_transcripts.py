"""Personal data in the tracker store: erasure, subject access and retention cover the
conversations (Rasa's `events` table), written here by the project's real tracker store
(bot.rasa.tracker_store.ResilientSQLTrackerStore, as the Rasa server writes them) and linked to cases
filed through the real case store, on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.cases.privacy import (
    PrivacyIncomplete, Subject, apply_retention, erase_subject, subject_access_export,
)
from bot.cases.tracker import TrackerStore, TrackerStoreUnavailable
from bot.cli import main
from bot.settings import PROJECT_ROOT
from bot.staff.models import IntentCorrection
from bot.staff.transcripts import TrackerReader
from bot.rasa.tracker_store import ResilientSQLTrackerStore
from tests.cases.conftest import submission

DOMAIN = Domain.from_dict({"intents": ["complain", "affirm"], "slots": {
    name: {"type": "text", "mappings": []} for name in ("name", "email", "description")}})
NAME, EMAIL = "Ada Lovelace-Resident", "ada.lovelace@example.org"
WORDS = "black mould behind the wardrobe in Kittiwake bedroom"
# What must not be left anywhere after erasure: the name, the e-mail, the resident's words.
TRACES = ("Lovelace", "ada.lovelace", "Kittiwake", "wardrobe")


@pytest.fixture
def rasa(request, database_url, tmp_path):
    """The project's Rasa tracker store on a new database of the case store's kind (Rasa makes
    its table); yields its URL and the store."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("postgres_databases").create()
    store = ResilientSQLTrackerStore(domain=DOMAIN, host=url)
    yield url, store
    store.engine.dispose()


@pytest.fixture
def tracker(rasa):
    store = TrackerStore(rasa[0])
    yield store
    store.dispose()


def converse(rasa, sender: str, at: float, *, name: str = NAME, email: str = EMAIL,
             words: str = WORDS) -> int:
    """A conversation that gives a name, an e-mail address and a description, saved by the real
    tracker store with its events `at` (epoch seconds) onwards; returns how many events."""
    moments = iter(at + n for n in range(100))
    events = [
        ActionExecuted("action_session_start", timestamp=next(moments)),
        ActionExecuted("action_listen", timestamp=next(moments)),
        UserUttered("I want to complain", intent={"name": "complain", "confidence": 0.9},
                    timestamp=next(moments)),
        BotUttered("I'm sorry to hear that. What is your name?", timestamp=next(moments)),
        UserUttered(name, timestamp=next(moments)),
        SlotSet("name", name, timestamp=next(moments)),
        BotUttered(f"Thank you, {name}. What is your e-mail address?", timestamp=next(moments)),
        UserUttered(email, timestamp=next(moments)),
        SlotSet("email", email, timestamp=next(moments)),
        BotUttered("What happened?", timestamp=next(moments)),
        UserUttered(words, timestamp=next(moments)),
        SlotSet("description", words, timestamp=next(moments)),
        BotUttered("Shall I send it?", data={"buttons": [{"title": "Yes, send it",
                                                          "payload": "/affirm"}]},
                   timestamp=next(moments)),
        UserUttered("/affirm", intent={"name": "affirm", "confidence": 1.0},
                    timestamp=next(moments)),
        BotUttered(f"Sent. We will write to {email}.", timestamp=next(moments)),
        ActionExecuted("action_listen", timestamp=next(moments)),
    ]
    _, store = rasa
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))
    return len(events)


def event_rows(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(
                sa.text("SELECT sender_id, data FROM events ORDER BY id"))]
    finally:
        engine.dispose()


def senders(url: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sender, _ in event_rows(url):
        counts[sender] = counts.get(sender, 0) + 1
    return counts


def file(store, profile, sender: str, key: str, **fields):
    values = dict(conversation_id=sender, name=NAME, email=EMAIL, description=WORDS)
    values.update(fields)
    case, _ = store.file_case(submission(**values), profile, key)
    return case


def correct(store, sender: str, text: str) -> None:
    with store.write() as session:
        session.add(IntentCorrection(sender_id=sender, event_id=1, text=text, intent="complain",
                                     actor="staff:amy", at=store.now()))


# --- erasure --------------------------------------------------------------------------------------

def test_erasure_deletes_the_conversations_that_filed_the_residents_cases(store, profile, rasa,
                                                                          tracker):
    url = rasa[0]
    now = time.time()
    first = converse(rasa, "ada-web-1", now - 3600)
    second = converse(rasa, "ada-web-2", now - 600)
    bob = converse(rasa, "bob-web", now - 300, name="Bob Bloggs", email="bob@example.org",
                   words="the lift is broken")
    mine = file(store, profile, "ada-web-1", "a")
    again = file(store, profile, "ada-web-2", "b", email="ADA.Lovelace@example.org")
    other = file(store, profile, "bob-web", "c", name="Bob Bloggs", email="bob@example.org",
                 phone="020 7946 0000", description="the lift is broken")
    correct(store, "ada-web-1", WORDS)
    correct(store, "bob-web", "the lift is broken")
    assert any(trace in data for _, data in event_rows(url) for trace in TRACES)

    result = erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)

    assert sorted(result.references) == sorted([mine.reference, again.reference])
    assert (result.conversations, result.transcript_events) == (2, first + second)
    assert result.intent_corrections == 1
    # No trace of the name, the e-mail or her words in the tracker store...
    rows = event_rows(url)
    assert [trace for _, data in rows for trace in TRACES if trace.lower() in data.lower()] == []
    assert senders(url) == {"bob-web": bob}          # ...and the other resident's untouched.
    assert asyncio.run(rasa[1].retrieve("ada-web-1")) is None
    reader = TrackerReader(url)
    try:  # what the staff case page reads
        assert reader.transcript("ada-web-1") == [] and reader.transcript("bob-web")
    finally:
        reader.dispose()
    # ...nor in the case store: the case, its history, the staff's corrections.
    for case, events in ((mine, first), (again, second)):
        erased = store.find_by_reference(case.reference, with_history=True)
        assert erased.conversation_id == "" and erased.name is None
        assert erased.events[-1].kind == "erased"
        assert erased.events[-1].details == {"matched_by": ["email"], "cases": 2,
                                             "transcript_events": events}
        dump = json.dumps([e.as_dict() for e in erased.events])
        assert [t for t in TRACES + ("ada-web",) if t.lower() in dump.lower()] == []
    with store.read() as session:
        assert session.execute(select(IntentCorrection.sender_id)).scalars().all() == ["bob-web"]
    assert store.find_by_reference(other.reference).conversation_id == "bob-web"

    # Done once: nothing more to find.
    assert erase_subject(store, Subject(email=EMAIL), actor="staff:dpo",
                         tracker=tracker).references == []


def test_erasure_changes_nothing_when_the_tracker_store_cannot_be_reached(store, profile, rasa,
                                                                          tmp_path):
    converse(rasa, "ada-web-1", time.time())
    case = file(store, profile, "ada-web-1", "a")
    for url in ("postgresql://postgres@127.0.0.1:1/nowhere", f"sqlite:///{tmp_path / 'no.db'}"):
        unreachable = TrackerStore(url)
        try:
            with pytest.raises(TrackerStoreUnavailable, match="tracker store"):
                erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=unreachable)
            with pytest.raises(TrackerStoreUnavailable):
                subject_access_export(store, Subject(email=EMAIL), actor="staff:dpo",
                                      tracker=unreachable)
            with pytest.raises(TrackerStoreUnavailable):
                apply_retention(store, tracker=unreachable)
        finally:
            unreachable.dispose()
    assert not (tmp_path / "no.db").exists()      # not made by looking for it
    kept = store.find_by_reference(case.reference, with_history=True)
    assert kept.name == NAME and [e.kind for e in kept.events] == ["filed"]
    assert senders(rasa[0]) == {"ada-web-1": 16}


def test_a_failure_before_the_end_leaves_the_conversations_and_the_cases_as_they_were(
        store, profile, rasa, tracker, monkeypatch):
    from bot.cases import privacy

    events = converse(rasa, "ada-web-1", time.time())
    case = file(store, profile, "ada-web-1", "a")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(privacy, "_anonymise", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
    assert senders(rasa[0]) == {"ada-web-1": events}
    assert store.find_by_reference(case.reference).name == NAME


def test_a_case_store_that_fails_to_commit_after_the_tracker_store_is_reported_and_finished(
        store, profile, rasa, tracker):
    """The one gap between the two databases: the conversations are gone, the case store's
    commit fails. It says so (not success), and running it again finishes the erasure."""
    events = converse(rasa, "ada-web-1", time.time())
    case = file(store, profile, "ada-web-1", "a")

    def refuse(session):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("connection lost"))

    sa.event.listen(store.Session, "before_commit", refuse)
    try:
        with pytest.raises(PrivacyIncomplete, match=rf"the {events} event\(s\) of 1 conversation"):
            erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
    finally:
        sa.event.remove(store.Session, "before_commit", refuse)
    assert senders(rasa[0]) == {}
    assert store.find_by_reference(case.reference).name == NAME
    again = erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
    assert again.references == [case.reference] and again.transcript_events == 0
    assert store.find_by_reference(case.reference).name is None


@pytest.mark.postgres
def test_erasure_with_both_stores_in_one_postgresql_database(postgres_cases_url, clock, profile):
    """docs/production.md: the case store and the tracker store may share a database."""
    from bot.cases.store import CaseStore

    rasa_store = ResilientSQLTrackerStore(domain=DOMAIN, host=postgres_cases_url)
    engine = sa.create_engine(postgres_cases_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE outbox, case_events, cases RESTART IDENTITY CASCADE")
    store, tracker = CaseStore(postgres_cases_url, clock=clock, forward=False), \
        TrackerStore(postgres_cases_url)
    try:
        events = converse((postgres_cases_url, rasa_store), "shared-db", time.time())
        case = file(store, profile, "shared-db", "a")
        result = erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
        assert result.references == [case.reference] and result.transcript_events == events
        assert senders(postgres_cases_url) == {}
    finally:
        store.dispose()
        tracker.dispose()
        rasa_store.engine.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS events")
        engine.dispose()


# --- subject access -------------------------------------------------------------------------------

def test_subject_access_includes_each_cases_transcript(store, profile, rasa, tracker):
    start = datetime(2026, 2, 27, 9, 30, tzinfo=timezone.utc).timestamp()
    converse(rasa, "ada-web-1", start)
    converse(rasa, "bob-web", start, name="Bob Bloggs", email="bob@example.org")
    mine = file(store, profile, "ada-web-1", "a")
    without = file(store, profile, "gone-from-tracker", "b")
    export = subject_access_export(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)

    by_reference = {case["reference"]: case for case in export["cases"]}
    assert by_reference[without.reference]["transcript"] == []
    transcript = by_reference[mine.reference]["transcript"]
    assert [turn["from"] for turn in transcript] == ["resident", "assistant"] * 5
    assert transcript[0] == {"at": "2026-02-27T09:30:02+00:00", "from": "resident",
                             "text": "I want to complain"}
    assert {"from": "resident", "text": EMAIL} == {k: transcript[4][k] for k in ("from", "text")}
    assert transcript[-3]["buttons"] == ["Yes, send it"]
    assert transcript[-2]["text"] == "/affirm" and transcript[-2]["button"] == "Yes, send it"
    assert "Bob" not in json.dumps(export)


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real command, in its own process: standard output is exactly what a script gets."""
    environment = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_the_commands_standard_output_is_only_their_json(store, profile, rasa, database_url):
    converse(rasa, "ada-web-1", time.time() - 60)
    converse(rasa, "idle-visitor", time.time() - 200 * 86400, name="Cy", email="cy@example.org")
    case = file(store, profile, "ada-web-1", "a")
    env = dict(INTAKE_DATABASE_URL=database_url, INTAKE_TRACKER_URL=rasa[0])

    access = run_bot("cases", "subject-access", "--email", EMAIL, "--actor", "staff:dpo", **env)
    assert access.returncode == 0, access.stderr
    export = json.loads(access.stdout)                       # the whole of it, nothing after
    assert [c["reference"] for c in export["cases"]] == [case.reference]
    assert export["cases"][0]["transcript"][2]["text"] == NAME
    assert access.stderr.strip() == "1 case(s) found, 1 with its conversation's transcript"

    preview = run_bot("cases", "anonymise", "--dry-run", "--json", **env)
    assert preview.returncode == 0, preview.stderr
    listed = json.loads(preview.stdout)
    assert listed["dry_run"] and listed["cases"] == []
    assert listed["conversations"] == ["idle-visitor"] and listed["conversation_events"] == 16
    assert listed["conversation_retention_days"] == 90
    assert "would delete 1 conversation(s) that filed no case" in preview.stderr
    assert set(senders(rasa[0])) == {"ada-web-1", "idle-visitor"}


# --- the commands ---------------------------------------------------------------------------------

@pytest.fixture
def bot(database_url, rasa, monkeypatch, capsys):
    monkeypatch.setenv("INTAKE_DATABASE_URL", database_url)
    monkeypatch.setenv("INTAKE_TRACKER_URL", rasa[0])

    def run(*args, expect=0):
        capsys.readouterr()
        returncode = main(list(args))
        out, err = capsys.readouterr()
        assert returncode == expect, out + err
        return out, err
    return run


def test_the_commands_on_the_tracker_store(bot, store, profile, rasa, monkeypatch, tmp_path):
    url = rasa[0]
    now = time.time()
    converse(rasa, "ada-web-1", now - 60)
    converse(rasa, "old-visitor", now - 100 * 86400, name="Cy", email="cy@example.org")
    converse(rasa, "new-visitor", now - 10 * 86400, name="Di", email="di@example.org")
    case = file(store, profile, "ada-web-1", "a")

    # The other commands' JSON is all of their standard output too.
    assert json.loads(bot("cases", "list", "--json")[0])[0]["reference"] == case.reference
    assert json.loads(bot("cases", "show", case.reference, "--json")[0])["history"]
    assert json.loads(bot("cases", "export", "--history")[0])[0]["history"]
    out, err = bot("cases", "anonymise", "--dry-run")
    assert out.splitlines() == ["conversation old-visitor"]
    assert "would delete 1 conversation(s) that filed no case (16 event(s))" in err
    assert set(senders(url)) == {"ada-web-1", "old-visitor", "new-visitor"}
    out, err = bot("cases", "anonymise")
    assert out.splitlines() == ["conversation old-visitor"]
    assert "deleted 1 conversation(s) that filed no case (16 event(s))" in err
    assert set(senders(url)) == {"ada-web-1", "new-visitor"}
    monkeypatch.setenv("INTAKE_CONVERSATION_RETENTION_DAYS", "7")
    assert bot("cases", "anonymise")[0].splitlines() == ["conversation new-visitor"]
    assert bot("cases", "anonymise", "--conversation-days", "0", expect=1)[1].startswith(
        "error: conversations are kept at least a day")

    monkeypatch.setenv("INTAKE_TRACKER_URL", f"sqlite:///{tmp_path / 'mistyped.db'}")
    out, err = bot("cases", "erase", "--email", EMAIL, "--yes", expect=1)
    assert out == ""
    assert err.startswith("error: the tracker store (INTAKE_TRACKER_URL: sqlite:///")
    assert err.rstrip().endswith("nothing was erased")
    assert store.find_by_reference(case.reference).name == NAME

    monkeypatch.setenv("INTAKE_TRACKER_URL", url)
    out, err = bot("cases", "erase", "--email", EMAIL, "--yes")
    assert out.split() == [case.reference]
    assert "deleted 1 conversation(s) (16 event(s)) from the tracker store" in err
    assert senders(url) == {}


# --- retention ------------------------------------------------------------------------------------

def test_retention_deletes_a_cases_conversation_with_it_and_idle_ones_that_filed_none(
        store, profile, rasa, tracker, clock):
    url = rasa[0]
    filed_at = store.now().timestamp()
    expired_events = converse(rasa, "expired", filed_at)
    converse(rasa, "shared", filed_at)
    expired = file(store, profile, "expired", "a")
    shared_closed = file(store, profile, "shared", "b")
    shared_open = file(store, profile, "shared", "c", description="a second matter")
    for case in (expired, shared_closed):
        store.close(case.reference, "staff:amy")
    clock.set(datetime(2032, 3, 10, 9, 0, tzinfo=timezone.utc))   # six years and a week later
    now = store.now().timestamp()
    open_case = file(store, profile, "open-long", "d")
    converse(rasa, "open-long", now - 200 * 86400)                # an open case keeps it
    converse(rasa, "idle", now - 91 * 86400, name="Cy", email="cy@example.org")
    converse(rasa, "recent", now - 89 * 86400, name="Di", email="di@example.org")
    before = senders(url)

    preview = apply_retention(store, tracker=tracker, dry_run=True)
    assert sorted(preview.references) == sorted([expired.reference, shared_closed.reference])
    assert (preview.case_conversations, preview.case_transcript_events) == (1, expired_events)
    assert preview.conversations == ["idle"] and preview.conversation_days == 90
    assert preview.idle_before.isoformat() == "2031-12-11"
    assert senders(url) == before                                  # the dry run changed nothing

    result = apply_retention(store, tracker=tracker)
    assert sorted(result.references) == sorted(preview.references)
    assert (result.case_conversations, result.case_transcript_events) == (1, expired_events)
    assert result.conversations == ["idle"]
    assert set(senders(url)) == {"shared", "open-long", "recent"}
    history = store.history(expired.reference)
    assert history[-1].kind == "anonymised"
    assert history[-1].details["transcript_events"] == expired_events
    assert store.history(shared_closed.reference)[-1].details["transcript_events"] == 0
    assert store.find_by_reference(shared_open.reference).conversation_id == "shared"
    assert store.find_by_reference(open_case.reference).conversation_id == "open-long"

    again = apply_retention(store, tracker=tracker)
    assert (again.references, again.conversations) == ([], [])
    shorter = apply_retention(store, tracker=tracker, conversation_days=30)
    assert shorter.conversations == ["recent"]
    assert set(senders(url)) == {"shared", "open-long"}


def look_up(rasa, sender: str, at: float, reference: str, email: str = EMAIL,
            reasons: str = "nobody came back about the Kittiwake mould") -> None:
    """A later conversation where the resident gives her reference and e-mail to ask for stage
    2: it filed nothing, but holds her details and words."""
    moments = iter(at + n for n in range(50))
    events = [
        ActionExecuted("action_session_start", timestamp=next(moments)),
        ActionExecuted("action_listen", timestamp=next(moments)),
        UserUttered("i want to take my complaint further", timestamp=next(moments)),
        BotUttered("What is your case reference?", timestamp=next(moments)),
        UserUttered(f"its {reference.lower()}", timestamp=next(moments)),
        BotUttered("And the e-mail address you gave us?", timestamp=next(moments)),
        UserUttered(email.upper(), timestamp=next(moments)),
        BotUttered("Why would you like stage 2?", timestamp=next(moments)),
        UserUttered(reasons, timestamp=next(moments)),
        ActionExecuted("action_listen", timestamp=next(moments)),
    ]
    _, store = rasa
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))


def test_erasure_and_subject_access_cover_the_conversations_that_looked_a_case_up(
        store, profile, rasa, tracker):
    converse(rasa, "filed-it", 1_700_000_000)
    case = file(store, profile, "filed-it", "lk-1")
    look_up(rasa, "asked-for-stage-2", 1_700_100_000, case.reference)
    converse(rasa, "someone-else", 1_700_200_000, name="Bob Other", email="bob@example.org",
             words="the lift is broken")
    export = subject_access_export(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
    [other] = export["other_conversations"]
    assert other["conversation"] == "asked-for-stage-2"
    assert any("Kittiwake" in turn["text"] for turn in other["transcript"])
    result = erase_subject(store, Subject(email=EMAIL), actor="staff:dpo", tracker=tracker)
    assert result.conversations == 2
    left = senders(rasa[0])
    assert set(left) == {"someone-else"}
    dump = json.dumps(event_rows(rasa[0]))
    for trace in TRACES:
        assert trace.lower() not in dump.lower(), trace
