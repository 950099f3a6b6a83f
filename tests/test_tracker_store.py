"""bot.rasa.tracker_store on a real SQLite file and a real PostgreSQL database: every event stored once
and in order, whichever server (store) reads and saves a conversation, without counting the stored events again on every
save for a tracker it read itself."""
from __future__ import annotations

import asyncio
import json

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.tracker_store import ResilientSQLTrackerStore
from tests.support.services import fresh_postgres_database

STORES: list[ResilientSQLTrackerStore] = []

DOMAIN = Domain.from_dict({"intents": ["greet"], "slots": {"name": {"type": "text", "mappings": []}}})


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    yield from fresh_postgres_database("intake_tracker", "the PostgreSQL tracker store tests")


def store_at(database: str) -> ResilientSQLTrackerStore:
    store = ResilientSQLTrackerStore(domain=DOMAIN, host=database)
    STORES.append(store)
    return store


@pytest.fixture(autouse=True)
def close_stores():
    yield
    while STORES:
        STORES.pop().engine.dispose()


def stored_texts(database: str, sender: str) -> list[str]:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            return [json.loads(data).get("text") or json.loads(data)["name"] if type_name != "slot"
                    else f"slot {json.loads(data)['value']}" for type_name, data in rows]
    finally:
        engine.dispose()


def counting_queries(store: ResilientSQLTrackerStore) -> list[str]:
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def turn(number: int) -> list:
    return [UserUttered(f"message {number}"), SlotSet("name", f"n{number}"),
            BotUttered(f"reply {number}"), ActionExecuted("action_listen")]


def test_a_tracker_read_back_is_saved_without_counting_and_without_repeats(database):
    store = store_at(database)
    asyncio.run(store.save(DialogueStateTracker.from_events("r1", turn(1), DOMAIN.slots)))
    assert stored_texts(database, "r1") == ["message 1", "slot n1", "reply 1", "action_listen"]

    tracker = asyncio.run(store.retrieve("r1"))
    statements = counting_queries(store)
    for event in turn(2):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    for event in turn(3):  # the same tracker saved again within one message's handling
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert not [s for s in statements if "count(" in s.lower()], statements
    assert stored_texts(database, "r1") == [
        text for n in (1, 2, 3) for text in (f"message {n}", f"slot n{n}", f"reply {n}", "action_listen")]
    assert tracker.get_slot("name") == "n3"


def test_turns_alternating_between_two_servers_are_stored_once_in_order(database):
    first, second = store_at(database), store_at(database)
    asyncio.run(first.save(DialogueStateTracker.from_events("r2", turn(1), DOMAIN.slots)))
    for number, store in zip(range(2, 8), [second, first, first, second, first, second]):
        tracker = asyncio.run(store.retrieve("r2"))
        for event in turn(number):
            tracker.update(event)
        asyncio.run(store.save(tracker))
    assert stored_texts(database, "r2") == [
        text for n in range(1, 8) for text in (f"message {n}", f"slot n{n}", f"reply {n}", "action_listen")]


def test_a_tracker_it_did_not_read_is_counted_in_the_database(database):
    """A tracker made elsewhere (Rasa's PUT of a conversation's events) with events the database
    already holds: only the ones it lacks are written, as Rasa's own store does."""
    store = store_at(database)
    asyncio.run(store.save(DialogueStateTracker.from_events("r3", turn(1), DOMAIN.slots)))
    made_elsewhere = DialogueStateTracker.from_events("r3", turn(1) + turn(2), DOMAIN.slots)
    asyncio.run(store.save(made_elsewhere))
    assert stored_texts(database, "r3") == [
        text for n in (1, 2) for text in (f"message {n}", f"slot n{n}", f"reply {n}", "action_listen")]


def test_what_it_remembers_goes_with_the_tracker(database):
    import gc

    store = store_at(database)
    asyncio.run(store.save(DialogueStateTracker.from_events("r4", turn(1), DOMAIN.slots)))
    tracker = asyncio.run(store.retrieve("r4"))
    assert store._stored_counts == {id(tracker): 4}
    del tracker
    gc.collect()
    assert store._stored_counts == {}
