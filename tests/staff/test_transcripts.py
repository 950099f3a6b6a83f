"""Reading Rasa's SQL tracker store: the conversation list (with its fallback and low-confidence
filters) and one conversation's transcript, on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from bot.staff.transcripts import EVENTS, TrackerReader
from tests.cases.conftest import BACKENDS, postgres_databases, postgres_server_url  # noqa: F401

# 2027-01-04 09:00 UTC (a Monday), and onwards a minute per event.
START = datetime(2027, 1, 4, 9, tzinfo=timezone.utc).timestamp()


@pytest.fixture(params=BACKENDS)
def reader(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("postgres_databases").create()
    reader = TrackerReader(url)
    yield reader
    reader.dispose()


class Events:
    def __init__(self, reader: TrackerReader) -> None:
        EVENTS.metadata.create_all(reader.engine)
        self.engine = reader.engine
        self.moment = START

    def add(self, sender, type_name, data, intent=None, action=None, at=None) -> int:
        self.moment = at or self.moment + 60
        with self.engine.begin() as connection:
            return connection.execute(EVENTS.insert().values(
                sender_id=sender, type_name=type_name, timestamp=self.moment, intent_name=intent,
                action_name=action, data=json.dumps({"event": type_name, **data}))).inserted_primary_key[0]

    def user(self, sender, text, intent, confidence, channel="rest", at=None):
        return self.add(sender, "user", {"text": text, "input_channel": channel, "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence},
                               {"name": "greet", "confidence": 0.01}],
            "entities": [{"entity": "postcode", "value": "M1 1AE"}]}}, intent=intent, at=at)

    def bot(self, sender, text, buttons=()):
        return self.add(sender, "bot", {"text": text, "data": {
            "buttons": [{"title": t, "payload": p} for t, p in buttons]}})


def test_no_tracker_table_yet_means_no_conversations(reader):
    assert not reader.available()
    assert reader.conversations() == ([], 0)
    assert reader.transcript("anyone") == [] and reader.event("anyone", 1) is None


def test_the_conversation_list_and_its_filters(reader):
    events = Events(reader)
    events.add("calm", "session_started", {})
    events.user("calm", "I want to complain", "complaint", 0.95)
    events.bot("calm", "Sorry to hear that")
    events.user("unsure", "the bins again", "comment", 0.45, channel="socketio")
    events.user("lost", "qwzx", "nlu_fallback", 0.2, channel="facebook")
    events.add("lost", "action", {"name": "action_default_fallback"},
               action="action_default_fallback")
    events.user("core", "hmm", "greet", 0.9)
    events.add("core", "action", {"name": "action_default_fallback"},
               action="action_default_fallback")
    events.user("100%_sure", "hello", "greet", 1.0,
                at=datetime(2027, 1, 6, 12, tzinfo=timezone.utc).timestamp())

    rows, total = reader.conversations()
    assert total == 5
    assert [r.sender_id for r in rows] == ["100%_sure", "core", "lost", "unsure", "calm"]
    calm = rows[-1]
    assert (calm.resident_messages, calm.fallbacks, calm.channel) == (1, 0, "rest")
    assert calm.lowest_confidence == pytest.approx(0.95)
    assert calm.started_at == datetime.fromtimestamp(START + 60, timezone.utc)
    lost = rows[2]
    assert (lost.fallbacks, lost.channel) == (1, "facebook")   # one message, not two
    assert {r.sender_id for r in reader.conversations(only="fallback")[0]} == {"lost", "core"}
    assert {r.sender_id for r in reader.conversations(only="low")[0]} == {"lost", "core", "unsure"}
    assert {r.sender_id for r in reader.conversations(only="low", threshold=0.3)[0]} == {"lost", "core"}
    assert [r.sender_id for r in reader.conversations(date_from=date(2027, 1, 5))[0]] == ["100%_sure"]
    assert len(reader.conversations(date_to=date(2027, 1, 4))[0]) == 4
    # The search is for the text itself: % and _ are not wildcards.
    assert [r.sender_id for r in reader.conversations(search="%_")[0]] == ["100%_sure"]
    page, total = reader.conversations(limit=2, offset=2)
    assert total == 5 and [r.sender_id for r in page] == ["lost", "unsure"]


def test_a_transcript_turn_by_turn(reader):
    events = Events(reader)
    events.add("c", "session_started", {})
    events.bot("c", "Hello! <b>How can I help?</b>")
    first = events.user("c", "my roof leaks", "service_request", 0.55)
    events.add("c", "action", {"name": "action_intake"}, action="action_intake")
    events.bot("c", "Is that right?", [("Yes", "/affirm"), ("No", "/deny")])
    events.user("c", "/affirm", "affirm", 1.0)
    events.add("c", "action", {"name": "action_listen"}, action="action_listen")
    events.user("other", "not mine", "greet", 1.0)

    turns = reader.transcript("c")
    assert [t.kind for t in turns] == ["session", "assistant", "resident", "assistant", "resident"]
    hello, roof, question, yes = turns[1:]
    assert hello.text == "Hello! <b>How can I help?</b>"       # as stored; the page escapes it
    assert (roof.text, roof.intent, roof.confidence) == ("my roof leaks", "service_request", 0.55)
    assert roof.ranking == [("service_request", 0.55), ("greet", 0.01)]
    assert roof.entities[0]["entity"] == "postcode" and roof.channel == "rest"
    assert roof.correctable and roof.low(0.6) and not roof.low(0.5)
    assert question.buttons == [{"title": "Yes", "payload": "/affirm"},
                                {"title": "No", "payload": "/deny"}]
    assert yes.is_payload and yes.clicked == "Yes" and not yes.correctable
    assert roof.at == datetime.fromtimestamp(START + 180, timezone.utc)
    with_actions = reader.transcript("c", with_actions=True)
    assert [t.name for t in with_actions if t.kind == "action"] == ["action_intake"]
    assert reader.event("c", first).text == "my roof leaks"
    assert reader.event("other", first) is None                # another conversation's message


def test_an_event_with_broken_json_is_shown_without_its_details(reader):
    events = Events(reader)
    with reader.engine.begin() as connection:
        connection.execute(EVENTS.insert().values(sender_id="b", type_name="user", timestamp=START,
                                                  intent_name="greet", data="{not json"))
    events.user("b", "hi", "greet", 0.9)
    turns = reader.transcript("b")
    assert [(t.text, t.intent) for t in turns] == [("", "greet"), ("hi", "greet")]
    if reader.engine.dialect.name == "sqlite":   # PostgreSQL 15 cannot test text for JSON
        rows, total = reader.conversations()
        assert total == 1 and rows[0].lowest_confidence == pytest.approx(0.9)
